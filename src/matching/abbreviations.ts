/**
 * Common abbreviations in company names, mapped to the (singular) word they stand for. Names are
 * compared after this expansion, so "Intl Mfg Svcs" and "International Manufacturing Services" agree.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  intl: "international",
  internatl: "international",
  int: "international",
  mfg: "manufacturing",
  mfrs: "manufacturer",
  mfr: "manufacturer",
  svcs: "service",
  svc: "service",
  srvcs: "service",
  servs: "service",
  dept: "department",
  assoc: "associate",
  assocs: "associate",
  assn: "association",
  tech: "technology",
  techs: "technology",
  technol: "technology",
  univ: "university",
  hosp: "hospital",
  natl: "national",
  ind: "industry",
  inds: "industry",
  indus: "industry",
  bros: "brother",
  ctr: "center",
  cntr: "center",
  centre: "center",
  mgmt: "management",
  mgt: "management",
  dev: "development",
  devel: "development",
  eng: "engineering",
  engg: "engineering",
  engr: "engineering",
  sys: "system",
  grp: "group",
  hldgs: "holding",
  hldg: "holding",
  med: "medical",
  pharm: "pharmaceutical",
  pharma: "pharmaceutical",
  lab: "laboratory",
  labs: "laboratory",
  chem: "chemical",
  elec: "electric",
  electr: "electric",
  acct: "accounting",
  ins: "insurance",
  fin: "financial",
  finl: "financial",
  solns: "solution",
  soln: "solution",
  amer: "american",
  admin: "administration",
  govt: "government",
  comm: "communication",
  comms: "communication",
  constr: "construction",
  dist: "distribution",
  distr: "distribution",
  equip: "equipment",
  prod: "product",
  prods: "product",
  mgrs: "manager",
  cty: "county",
  twp: "township",
  sch: "school",
  elem: "elementary",
  fdn: "foundation",
  fndn: "foundation",
  inst: "institute",
  coop: "cooperative",
};

/** The word an abbreviation stands for, or null when `token` is not a known abbreviation. */
export function expandAbbreviation(token: string): string | null {
  // Own keys only: a word such as "constructor" or "toString" is no abbreviation (the plain
  // object's prototype answered Object for "constructor", normalized as that function's text).
  const expanded = Object.hasOwn(ABBREVIATIONS, token) ? ABBREVIATIONS[token] : undefined;
  return expanded !== undefined && expanded !== token ? expanded : null;
}

const NO_STEM_ENDINGS = ["ss", "us", "is", "os", "as"];

/** A light English singular: "technologies" -> "technology", "services" -> "service". */
export function singularize(token: string): string {
  if (token.length <= 3 || !token.endsWith("s")) return token;
  if (/[0-9]/.test(token)) return token;
  if (token.endsWith("ies") && token.length > 4) return `${token.slice(0, -3)}y`;
  for (const ending of NO_STEM_ENDINGS) if (token.endsWith(ending)) return token;
  return token.slice(0, -1);
}
