// A temporary folder for one test file's inputs, removed after its tests; each
// file gets a subfolder of its own, so tests never see each other's files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

export interface TempFiles {
  /** the folder itself (valid inside tests) */
  dir(): string;
  /** a new file of these bytes, `name` in a fresh subfolder */
  file(content: string | Uint8Array, name?: string): string;
  /** a fresh empty subfolder */
  folder(): string;
}

export function tempFiles(prefix: string): TempFiles {
  let root = "",
    n = 0;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const folder = () => {
    const sub = join(root, String(n++));
    mkdirSync(sub);
    return sub;
  };
  return {
    dir: () => root,
    folder,
    file: (content, name = "data.csv") => {
      const file = join(folder(), name);
      writeFileSync(file, content);
      return file;
    },
  };
}
