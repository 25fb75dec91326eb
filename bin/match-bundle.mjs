// `orgmap match` runs from one JavaScript file per thread, bundled by esbuild at start (tens of
// milliseconds) into node_modules/.cache/orgmap-match/<hash of the output>/: no tsx loader in the main
// thread or the workers (its module loading cost about 0.7 s of CPU per thread), and no `__name` calls
// around every closure (tsx keeps function names, which costs the engine's hot loops about a tenth).
// Nothing is built ahead: the bundle is made from the sources of this checkout at every start, and a
// directory named by the hash of what it holds is never stale. A failure falls back to tsx, unless
// ORGMAP_MATCH_BUNDLE=1 (the tests) asks for the bundle; ORGMAP_MATCH_BUNDLE=0 always takes tsx.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The URL of the bundled `match.main` module, or null when it cannot be made. */
export async function bundledMatchEntry() {
  if (process.env.ORGMAP_MATCH_BUNDLE === "0") return null;
  try {
    const { build } = await import("esbuild");
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
      logLevel: "silent",
    });
    const hash = createHash("sha256");
    for (const file of result.outputFiles) hash.update(file.path).update(file.contents);
    const cache = join(root, "node_modules", ".cache", "orgmap-match");
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
    return new URL(`file://${join(dir, "match.main.mjs")}`).href;
  } catch (error) {
    if (process.env.ORGMAP_MATCH_BUNDLE === "1") throw error;
    return null;
  }
}
