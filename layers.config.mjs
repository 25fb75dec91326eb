// The layers of docs/ARCHITECTURE.md, checked by `npm run check:layers` (part of `npm test`) with
// dependency-cruiser, which resolves every import to a file, so a rule names folders, not spellings
// of relative paths. Tests (`*.test.ts`, `test/**`) may reach any layer and are not checked here.
//
//   http, cli  ->  services  ->  db (the only SQL), domain (pure), matching (pure), connectors
//
// Kysely query building outside src/db (`db.selectFrom(...)` on a handle a service holds) is not an
// import, so Biome checks that part: lint/no-query-outside-db.grit.

const TESTS = "(^test/|[.]test[.]tsx?$|/connector-test-support[.]ts$)";

/** A rule: files matching `from` may import, of our own code, only what `allowed` matches. */
const only = (name, from, allowed, comment) => ({
  name,
  comment,
  severity: "error",
  from: { path: from, pathNot: TESTS },
  to: { path: "^(src|web/src|test|bench|scripts)/", pathNot: allowed },
});

export default {
  forbidden: [
    only(
      "domain-is-pure",
      "^src/domain/",
      "^src/domain/",
      "The domain (rules, words, errors) imports nothing of ours but the domain.",
    ),
    only(
      "matching-is-pure",
      "^src/matching/",
      "^src/(matching|domain)/",
      "Matching is a pure library: it imports nothing of ours but the domain.",
    ),
    only(
      "db-below-services",
      "^src/db/",
      "^src/(db|domain)/",
      "Repositories know the schema and the domain, nothing above them.",
    ),
    only(
      "connectors-below-services",
      "^src/connectors/",
      "^src/(connectors|domain)/",
      "A connector talks to a vendor and hands records up; it knows nothing of the database or services.",
    ),
    only(
      "services-below-http-and-cli",
      "^src/services/",
      "^src/(services|db|domain|matching|connectors)/|^src/(config|context)[.]ts$",
      "Services never reach up into http or the CLI.",
    ),
    only(
      "http-through-services",
      "^src/http/",
      "^src/(http|services|domain|matching)/|^src/(config|context)[.]ts$",
      "Routes call services; they read no table and call no connector themselves.",
    ),
    only(
      "cli-through-services",
      "^src/cli/",
      "^src/(cli|http|services|domain|matching)/|^src/(config|context)[.]ts$",
      "Commands call services (and serve starts http); they import no db module, not even its types.",
    ),
    {
      name: "database-drivers-in-db",
      comment:
        "kysely (its `sql` tag and query builders), pg and PGlite are used in src/db only: no SQL outside the repositories.",
      severity: "error",
      from: { path: "^src/", pathNot: `${TESTS}|^src/db/` },
      to: { path: "node_modules/(kysely|pg|@electric-sql/pglite)/" },
    },
    {
      name: "web-takes-types-only",
      comment:
        "The browser bundle takes only types from the server (schemas and view types); values only from the pure domain.",
      severity: "error",
      from: { path: "^web/" },
      to: { path: "^src/", pathNot: "^src/domain/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "web-reads-schemas-and-views",
      comment:
        "The web's types come from the API's schema files (src/http/*.schema.ts, api-contract.ts), the domain and the services' view types.",
      severity: "error",
      from: { path: "^web/" },
      to: {
        path: "^src/",
        pathNot: "^src/http/([^/]+[.]schema|api-contract)[.]ts$|^src/(domain|services)/",
      },
    },
    {
      name: "no-test-code-in-the-product",
      severity: "error",
      from: { path: "^(src|web/src)/", pathNot: TESTS },
      to: { path: TESTS },
    },
    {
      name: "no-circular",
      comment: "The product's code has no import cycles (test helpers may lean on each other).",
      severity: "error",
      from: { path: "^(src|web/src)/", pathNot: TESTS },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(web/dist|data)/" },
    // Type-only imports count too (the CLI must not import db types), and are told apart for the web.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs"],
    },
  },
};
