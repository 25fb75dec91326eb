import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { ConnectorError } from "../connector.ts";

/**
 * The real path of a file the file connector may read: inside the import folder once every link
 * is resolved (a link out of it is refused like any outside path), and a regular file (not a
 * device or /proc entry). A relative path is taken from the import folder. The error names the
 * path given, never anything read.
 */
export async function resolveImportFile(importDir: string | undefined, path: string): Promise<string> {
  if (importDir === undefined) {
    throw new ConnectorError(`file: ${path}: no import folder is configured (ORGMAP_IMPORT_DIR)`);
  }
  let folder: string;
  let file: string;
  try {
    folder = await realpath(importDir);
  } catch {
    throw new ConnectorError(`file: the import folder (ORGMAP_IMPORT_DIR) does not exist`);
  }
  try {
    file = await realpath(resolve(folder, path));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : "cannot be read";
    throw new ConnectorError(`file: cannot read ${path}: ${why}`);
  }
  const inside = relative(folder, file);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
    throw new ConnectorError(
      `file: ${path} is outside the import folder (ORGMAP_IMPORT_DIR); put the file there`,
    );
  }
  if (!(await stat(file)).isFile()) throw new ConnectorError(`file: ${path} is not a regular file`);
  return file;
}
