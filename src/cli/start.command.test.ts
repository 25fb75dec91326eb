import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { buildWebIfNeeded, importVite, type ViteBuild } from "./start.command.ts";

/** A web folder with sources and, unless "none", a build written a minute after ("fresh") or before ("stale") them. */
function webFolder(dirs: string[], built: "none" | "fresh" | "stale"): string {
  const web = mkdtempSync(join(tmpdir(), "orgmap-web-"));
  dirs.push(web);
  mkdirSync(join(web, "src"));
  writeFileSync(join(web, "index.html"), "<div id=root></div>");
  writeFileSync(join(web, "src", "main.tsx"), "export {};");
  if (built !== "none") {
    mkdirSync(join(web, "dist"));
    writeFileSync(join(web, "dist", "index.html"), "built");
    const sourcesAt = new Date("2026-01-01T00:00:00Z");
    const builtAt = new Date(sourcesAt.getTime() + (built === "fresh" ? 60_000 : -60_000));
    for (const path of [join(web, "src", "main.tsx"), join(web, "src"), join(web, "index.html")]) {
      utimesSync(path, sourcesAt, sourcesAt);
    }
    utimesSync(join(web, "dist", "index.html"), builtAt, builtAt);
  }
  return web;
}

describe("orgmap start: building the web app", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** Stands in for vite's build (a third-party tool): records the folder and writes the page. */
  function recordingBuild(calls: string[]): ViteBuild {
    return async ({ root }) => {
      calls.push(root);
      mkdirSync(join(root, "dist"), { recursive: true });
      writeFileSync(join(root, "dist", "index.html"), "built");
    };
  }
  const noVite = async () => undefined;

  it("builds a missing web app when vite is installed, and leaves a fresh build alone", async () => {
    const calls: string[] = [];
    const web = webFolder(dirs, "none");
    expect(await buildWebIfNeeded({ webDir: web, loadVite: async () => recordingBuild(calls) })).toBe(
      "built",
    );
    expect(calls).toEqual([web]);
    const fresh = webFolder(dirs, "fresh");
    expect(await buildWebIfNeeded({ webDir: fresh, loadVite: async () => recordingBuild(calls) })).toBe(
      "up-to-date",
    );
    expect(calls).toHaveLength(1);
  });

  it("without vite (npm ci --omit=dev), serves a stale build as it is and a missing one not at all, without failing", async () => {
    expect(await buildWebIfNeeded({ webDir: webFolder(dirs, "stale"), loadVite: noVite })).toBe("stale");
    expect(await buildWebIfNeeded({ webDir: webFolder(dirs, "none"), loadVite: noVite })).toBe("missing");
    expect(await buildWebIfNeeded({ webDir: webFolder(dirs, "fresh"), loadVite: noVite })).toBe("up-to-date");
  });

  it("finds vite's build in a development install", async () => {
    expect(typeof (await importVite())).toBe("function");
  });
});
