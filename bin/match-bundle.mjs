// `orgmap match` runs from one JavaScript file per thread, bundled by esbuild into
// node_modules/.cache/orgmap-match/<hash of the output>/: no tsx loader in the main thread or the workers
// (its module loading cost about 0.7 s of CPU per thread), and no `__name` calls around every closure
// (tsx keeps function names, which costs the engine's hot loops about a tenth). Nothing is built ahead:
// the bundle is made from the sources of this checkout, and a directory named by the hash of what it
// holds is never stale. Beside it, a list of the sources it was made from with their size and time of
// change, per checkout: while every one is as listed, the next start takes the bundle without esbuild
// (about 0.3 s of wall and 0.2 s of CPU at each start). A failure falls back to tsx, unless
// ORGMAP_MATCH_BUNDLE=1 (the tests) asks for the bundle; ORGMAP_MATCH_BUNDLE=0 always takes tsx.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const cache = join(root, "node_modules", ".cache", "orgmap-match");
/** Where this checkout notes its last bundle and the sources it was made from (node_modules may be shared). */
const sourcesFile = join(
  cache,
  `sources-${createHash("sha256").update(root).digest("hex").slice(0, 16)}.json`,
);

/** Size and time of change of a source, as noted beside the bundle. */
function stamp(path) {
  const { size, mtimeMs } = statSync(join(root, path));
  return `${size}:${mtimeMs}`;
}

/** The last bundle's directory when every source it was made from is as it was then, else null. */
function unchangedBundle() {
  try {
    const { dir, sources } = JSON.parse(readFileSync(sourcesFile, "utf8"));
    if (!existsSync(join(dir, "match.main.mjs")) || !existsSync(join(dir, "match.worker-boot.mjs")))
      return null;
    for (const [path, was] of Object.entries(sources)) if (stamp(path) !== was) return null;
    return dir;
  } catch {
    return null; // none noted yet, or a source is gone
  }
}

/** The URL of the bundled `match.main` module, or null when it cannot be made. */
export async function bundledMatchEntry() {
  if (process.env.ORGMAP_MATCH_BUNDLE === "0") return null;
  const unchanged = unchangedBundle();
  if (unchanged !== null) return new URL(`file://${join(unchanged, "match.main.mjs")}`).href;
  try {
    const { build } = await import("esbuild");
    const started = Date.now();
    const result = await build({
      absWorkingDir: root,
      entryPoints: {
        "match.main": "src/cli/match.main.ts",
        // The name `match.command.ts` starts its workers by, beside the main bundle.
        "match.worker-boot": "src/cli/match.worker.ts",
      },
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      packages: "external",
      outdir: "out",
      outExtension: { ".js": ".mjs" },
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    // A source changed since a second before the build may have been read before the change: then
    // nothing is noted, and the next start bundles again.
    const sources = {};
    let settled = true;
    for (const path of Object.keys(result.metafile.inputs)) {
      sources[path] = stamp(path);
      if (statSync(join(root, path)).mtimeMs >= started - 1000) settled = false;
    }
    const hash = createHash("sha256");
    for (const file of result.outputFiles) hash.update(file.path).update(file.contents);
    const dir = join(cache, hash.digest("hex").slice(0, 16));
    if (!existsSync(dir)) {
      // Written aside and renamed, so a concurrent start never reads half a file.
      const scratch = join(cache, `.tmp-${process.pid}-${Date.now()}`);
      mkdirSync(scratch, { recursive: true });
      for (const file of result.outputFiles)
        writeFileSync(join(scratch, file.path.slice(file.path.lastIndexOf("/") + 1)), file.contents);
      try {
        renameSync(scratch, dir);
      } catch {
        rmSync(scratch, { recursive: true, force: true }); // another start made it first
      }
    }
    if (settled) {
      const noted = `${sourcesFile}.${process.pid}`;
      writeFileSync(noted, JSON.stringify({ dir, sources }));
      renameSync(noted, sourcesFile);
    }
    return new URL(`file://${join(dir, "match.main.mjs")}`).href;
  } catch (error) {
    if (process.env.ORGMAP_MATCH_BUNDLE === "1") throw error;
    return null;
  }
}
