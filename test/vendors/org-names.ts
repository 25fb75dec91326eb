const FIRST = [
  "Acme",
  "Northwind",
  "Contoso",
  "Blue Ridge",
  "Summit",
  "Harbor",
  "Pioneer",
  "Evergreen",
  "Redwood",
  "Lakeside",
  "Silver Oak",
  "Granite",
  "Maple",
  "Cedar",
  "Riverbend",
  "Oakridge",
  "Sterling",
  "Beacon",
];
const SECOND = [
  "Dental",
  "Legal",
  "Logistics",
  "Manufacturing",
  "Consulting",
  "Health",
  "Realty",
  "Accounting",
  "Engineering",
  "Foods",
  "Architects",
  "Insurance",
  "Veterinary",
  "Construction",
];
const LEGAL = ["Inc.", "LLC", "Ltd", "GmbH", "Group", "& Co.", "Partners", ""];

/**
 * A deterministic, realistic-looking organization name for generated record `index`. Names are
 * unique (the index is part of them) and the same index always gives the same name.
 */
export function organizationName(index: number): string {
  const first = FIRST[index % FIRST.length];
  const second = SECOND[Math.floor(index / FIRST.length) % SECOND.length];
  const legal = LEGAL[index % LEGAL.length];
  return `${first} ${second} ${legal} ${index + 1}`.replace(/\s+/g, " ");
}
