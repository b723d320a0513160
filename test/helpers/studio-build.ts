// The studio page's build, which the test set-up (test/setup/build-bundle.ts)
// runs in the background while the first suites run: its exit status and
// output land in STUDIO_BUILD_STATUS when it ends.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// outside dist/ (which the package ships), one per checkout
const root = fileURLToPath(new URL("../../", import.meta.url));
export const STUDIO_BUILD_STATUS = join(
  tmpdir(),
  `edgefnn-studio-build-${createHash("sha1").update(root).digest("hex").slice(0, 12)}.json`,
);

/** Resolves once dist/studio/ is built; throws the build's output if it failed. */
export async function studioBuilt(): Promise<void> {
  while (!existsSync(STUDIO_BUILD_STATUS)) await new Promise((r) => setTimeout(r, 100));
  const r = JSON.parse(readFileSync(STUDIO_BUILD_STATUS, "utf8")) as { status: number; out: string };
  if (r.status !== 0) throw new Error(`the studio page's build failed:\n${r.out}`);
}
