// Byte-for-byte equality of two large byte arrays (a model file of 0.5 MB), as
// expect(a).toEqual(b) asserts it, without vitest's deep equality walking each
// byte as an object key (~1 CPU-s for a 524 KB model): the same lengths, and no
// byte that differs; a failure names the first one that does.
import { expect } from "vitest";

export function expectSameBytes(got: Uint8Array, want: Uint8Array, what = "bytes"): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  const g = Buffer.from(got.buffer, got.byteOffset, got.length);
  const w = Buffer.from(want.buffer, want.byteOffset, want.length);
  if (g.equals(w)) return;
  let i = 0;
  while (g[i] === w[i]) i++;
  expect.fail(`${what}: byte ${i} is 0x${g[i].toString(16)}, expected 0x${w[i].toString(16)}`);
}
