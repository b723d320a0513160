// Hostile .efnn files for the validators: seeded, deterministic, every one
// CRC-valid (the checksum recomputed after mutating), so each reaches the
// structural and value checks behind the checksum. Classes:
//   valid            random small models (1-5 layers, every activation, float32 /
//                    int16 / int8 layers, labels or none): must load and run
//   extreme values   valid models with float32 extremes (+-3.4e38, denormals, -0)
//   sizes            the input size or a layer's size changed, the file not
//   2^32 overflow    layers whose byte counts reach or pass 2^32, in files as long
//                    as the old 32-bit arithmetic expected (they passed it)
//   overlaps         byte counts that were negative in 32 bits (sections moved back
//                    over earlier ones), in files of the old expected length
//   NaN/Inf <section>  a NaN (quiet or signalling, any sign) or an infinity in one
//                    value of one section: normalization, scales, biases, gammas,
//                    float32 weights, the layer table's gamma
//   label count, label lengths, label bytes   the header's K, a label's length
//                    byte or the section's byte count, a label's characters
//   truncated, trailing bytes   cut short or extended, then re-sealed
//   layer count      L set to 0, 65..255 or another in-range value; and 64-layer models
//   ids and flags    activation ids, weight types, softmax before the end, flags, version
//   random body      random bytes after a valid header
import * as zlib from "node:zlib";
import {
  ACTIVATION_NAMES,
  ActivationName,
  createNetwork,
  createRng,
  crc32,
  decodeLayout,
  encodeModel,
  initialize,
  modelFromNetwork,
  Model,
  quantizeModel,
  Rng,
  WeightBits,
} from "../../src/core/index";

export interface Hostile {
  kind: string;
  bytes: Uint8Array;
}

/** The format's CRC-32 (IEEE, zlib's) of b[0..n): Node's zlib.crc32 where it has one (20.15 on), else the core's.
 * The core's goes bit by bit (few bytes in the board bundle); the hostile files are 546 MB in all, mostly the
 * overflow classes' zero-filled bodies, and sealing them with it took ~9 CPU-s of the 12,000-file suite. */
const sealCrc = (b: Uint8Array, n: number): number => (typeof zlib.crc32 === "function" ? zlib.crc32(b.subarray(0, n)) : crc32(b, n));

export function reseal(b: Uint8Array): Uint8Array {
  if (b.length >= 4) new DataView(b.buffer, b.byteOffset).setUint32(b.length - 4, sealCrc(b, b.length - 4), true);
  return b;
}

const LABEL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-.:;!~";

/** a random valid model: 1..maxLayers layers of 1..maxSize, any activation (softmax last only) */
export function randomModel(rng: Rng, maxLayers = 5, maxSize = 9): Model {
  const L = 1 + rng.int(maxLayers),
    inputSize = 1 + rng.int(maxSize);
  const hidden = ACTIVATION_NAMES.filter((a) => a !== "softmax");
  const layers = Array.from({ length: L }, (_, l) => {
    const last = l === L - 1;
    const activation: ActivationName = last && rng.int(3) === 0 ? "softmax" : hidden[rng.int(hidden.length)];
    return { size: 1 + rng.int(maxSize), activation };
  });
  const net = createNetwork({ inputSize, layers });
  initialize(net, rng);
  for (let j = 0; j < inputSize; j++) {
    net.mean[j] = rng.normal() * 3;
    net.invStd[j] = rng.int(5) ? 0.1 + rng.float() * 2 : 1;
  }
  for (const layer of net.layers) if (layer.prelu) for (let i = 0; i < layer.prelu.length; i++) layer.prelu[i] = rng.float() * 0.5;
  const outputs = layers[L - 1].size;
  const labels = rng.int(2)
    ? // one output takes 2 labels (a binary classifier) or none
      Array.from({ length: outputs > 1 ? outputs : 2 }, () =>
        Array.from({ length: 1 + rng.int(rng.int(4) ? 8 : 32) }, () => LABEL_CHARS[rng.int(LABEL_CHARS.length)]).join(""),
      )
    : [];
  const model = modelFromNetwork(net, labels);
  const bits = layers.map((): WeightBits => ([32, 16, 8] as const)[rng.int(3)]);
  return bits.every((b) => b === 32) ? model : quantizeModel(model, bits);
}

/** the offsets of each float32 section of a valid file: [name, offset, count] */
function floatSections(b: Uint8Array): [string, number, number][] {
  const lay = decodeLayout(b),
    T = lay.T,
    out: [string, number, number][] = [["normalization", lay.meanOff, 2 * lay.inputSize]];
  for (let l = 0, t = 0; t < T.length; l++, t += 8) {
    const n = T[t + 1];
    if (T[t + 5] >= 0) out.push([`layer ${l + 1} scales`, T[t + 5], n]);
    out.push([`layer ${l + 1} biases`, T[t + 6], n]);
    if (T[t + 7] >= 0) out.push([`layer ${l + 1} gammas`, T[t + 7], n]);
    if (T[t + 3] === 0) out.push([`layer ${l + 1} weights`, T[t + 4], n * T[t]]);
    out.push([`layer ${l + 1} gamma`, 20 + 8 * l, 1]);
  }
  return out;
}

/** a CRC-valid file of `length` bytes with the given header and layer table, zeros after */
export function declared(inputSize: number, layers: [number, number, number][], length: number): Uint8Array {
  const b = new Uint8Array(Math.max(length, 16 + 8 * layers.length + 4)),
    dv = new DataView(b.buffer);
  b.set([0x45, 0x46, 0x4e, 0x4e, 1, layers.length]);
  dv.setUint16(6, inputSize, true);
  layers.forEach(([size, act, wtype], l) => {
    dv.setUint16(16 + 8 * l, size, true);
    b[18 + 8 * l] = act;
    b[19 + 8 * l] = wtype;
  });
  return reseal(b);
}

/** the file length the old 32-bit arithmetic expected ((count + 3) & ~3 summed in int32): such files passed it */
export function wrappedLength(inputSize: number, layers: [number, number, number][]): number {
  const pad = (c: number) => (c + 3) & ~3;
  let off = 16 + 8 * layers.length + 8 * inputSize,
    prev = inputSize;
  for (const [size, act, wtype] of layers) off += (wtype ? 4 * size : 0) + 4 * size + (act === 8 ? 4 * size : 0);
  for (const [size, , wtype] of layers) {
    off = (off + pad(size * prev * [4, 2, 1][wtype])) | 0;
    prev = size;
  }
  return off + 4;
}

const BAD_BITS = [0x7fc00000, 0xffc00000, 0x7f800001, 0xffbfffff, 0x7fffffff, 0x7f800000, 0xff800000];
const EXTREME_BITS = [0x7f7fffff, 0xff7fffff, 0x00000001, 0x80000001, 0x80000000, 0x00800000, 0x7f000000];
const SIZES = [0, 1, 2, 3, 255, 256, 4095, 16384, 32767, 32768, 65534, 65535];

function pick<T>(rng: Rng, a: readonly T[]): T {
  return a[rng.int(a.length)];
}

/** a big layer for the overflow classes: sizes near 2^15 and 2^16, any weight type */
function bigLayer(rng: Rng): [number, number, number] {
  const size = pick(rng, [16384, 32767, 32768, 32769, 46341, 65535, 65534, 1 + rng.int(65535)]);
  return [size, pick(rng, [0, 6, 8]), rng.int(3)];
}

/** one hostile file of the given class, from a fresh random model */
export function hostile(kind: string, rng: Rng): Hostile {
  const model = randomModel(rng);
  const good = encodeModel(model);
  const b = Uint8Array.from(good),
    dv = new DataView(b.buffer);
  const L = b[5],
    M = dv.getUint16(6, true),
    lay = decodeLayout(good);
  const labelsAt = lay.meanOff + 8 * M;
  switch (kind) {
    case "valid":
      return { kind, bytes: b };
    case "extreme values": {
      const secs = floatSections(b);
      for (let k = 1 + rng.int(4); k > 0; k--) {
        const [, off, n] = pick(rng, secs);
        dv.setUint32(off + 4 * rng.int(n), pick(rng, EXTREME_BITS), true);
      }
      return { kind, bytes: reseal(b) };
    }
    case "sizes": {
      const v = pick(rng, [...SIZES, rng.int(65536), M + 1, Math.max(0, M - 1)]);
      if (rng.int(3) === 0) dv.setUint16(6, v, true);
      else dv.setUint16(16 + 8 * rng.int(L), v, true);
      return { kind, bytes: reseal(b) };
    }
    case "2^32 overflow": {
      // a weights section of 2^32 bytes exactly, or a random mix of big layers
      // (the first layer's float32 weights are 2^32 bytes or more: at least 32768 x 32768 x 4)
      const layers: [number, number, number][] = rng.int(2)
        ? [[32768, 0, 0]]
        : [[pick(rng, [32768, 46341, 65535]), pick(rng, [0, 8]), 0], ...Array.from({ length: rng.int(4) }, () => bigLayer(rng))];
      const input = layers.length === 1 && layers[0][0] === 32768 ? 32768 : pick(rng, [32768, 46341, 65535]);
      const want = wrappedLength(input, layers);
      return { kind, bytes: declared(input, layers, want > 24 && want <= 1 << 20 ? want : 16 + 8 * layers.length + 4 + rng.int(1 << 16)) };
    }
    case "overlaps": {
      // a float32 section of 4 x 32767 x 32768 = 2^32 - 128 KiB bytes: -131072 in int32
      const layers: [number, number, number][] = [
        [32768, 0, 0],
        [32767, pick(rng, [0, 6]), 0],
        [1 + rng.int(3), 0, rng.int(3)],
      ];
      if (rng.int(2)) layers.push([1 + rng.int(9), 0, 0]);
      const input = 1 + rng.int(4),
        want = wrappedLength(input, layers);
      return { kind, bytes: declared(input, layers, want > 24 && want <= 1 << 20 ? want : 1 << 18) };
    }
    case "label count":
      dv.setUint16(8, pick(rng, [0, 1, 2, 3, lay.outputSize + 1, Math.max(0, lay.outputSize - 1), 255, 65535, rng.int(65536)]), true);
      return { kind, bytes: reseal(b) };
    case "label lengths": {
      if (rng.int(2) || !lay.labels.length)
        dv.setUint16(
          10,
          pick(rng, [0, 1, 2, 33, 255, 65535, rng.int(65536), dv.getUint16(10, true) + 1, Math.max(0, dv.getUint16(10, true) - 1)]),
          true,
        );
      else b[labelsAt + rng.int(Math.max(1, dv.getUint16(10, true)))] = pick(rng, [0, 1, 32, 33, 127, 255, rng.int(256)]);
      return { kind, bytes: reseal(b) };
    }
    case "label bytes": {
      const n = dv.getUint16(10, true);
      if (!n) return hostile(kind, rng);
      b[labelsAt + rng.int(n)] = pick(rng, [0, 7, 9, 10, 13, 31, 127, 128, 200, 255]);
      return { kind, bytes: reseal(b) };
    }
    case "truncated":
      return { kind, bytes: reseal(b.slice(0, 4 + rng.int(b.length - 4))) };
    case "trailing bytes": {
      const c = new Uint8Array(b.length + 1 + rng.int(64));
      c.set(b);
      for (let i = b.length; i < c.length; i++) c[i] = rng.int(256);
      return { kind, bytes: reseal(c) };
    }
    case "layer count": {
      const r = rng.int(4);
      if (r === 0) return { kind, bytes: encodeModel(randomModel(rng, 64, 3)) }; // up to 64 layers, valid
      if (r === 1) {
        // 64 layers declared, the table and the sections absent or short
        return {
          kind,
          bytes: declared(
            1 + rng.int(65535),
            Array.from({ length: 64 }, () => [1 + rng.int(65535), rng.int(12), rng.int(3)]),
            24 + rng.int(2048),
          ),
        };
      }
      b[5] = r === 2 ? pick(rng, [0, 65, 100, 128, 255]) : 1 + rng.int(64);
      return { kind, bytes: reseal(b) };
    }
    case "ids and flags": {
      const r = rng.int(5),
        at = 16 + 8 * rng.int(L);
      if (r === 0) b[at + 2] = pick(rng, [11, 12, 99, 255, rng.int(256)]);
      else if (r === 1) b[at + 3] = pick(rng, [3, 4, 128, 255, rng.int(256)]);
      else if (r === 2) b[12 + rng.int(4)] = 1 + rng.int(255);
      else if (r === 3) b[4] = pick(rng, [0, 2, 255]);
      else b[at + 2] = rng.int(12);
      return { kind, bytes: reseal(b) };
    }
    case "random body": {
      for (let i = 16 + rng.int(Math.max(1, b.length - 20)); i < b.length - 4; i++) if (rng.int(2)) b[i] = rng.int(256);
      return { kind, bytes: reseal(b) };
    }
    default: {
      // "NaN/Inf in <section kind>"
      const what = kind.slice("NaN/Inf in ".length);
      const secs = floatSections(b).filter(([name]) => (what === "normalization" ? name === what : name.endsWith(" " + what)));
      if (!secs.length) return hostile(kind, rng);
      const [, off, n] = pick(rng, secs);
      dv.setUint32(off + 4 * rng.int(n), pick(rng, BAD_BITS), true);
      return { kind, bytes: reseal(b) };
    }
  }
}

export const VALUE_SECTIONS = ["normalization", "scales", "biases", "gammas", "weights", "gamma"];

export const KINDS = [
  "valid",
  "extreme values",
  "sizes",
  "2^32 overflow",
  "overlaps",
  ...VALUE_SECTIONS.map((s) => "NaN/Inf in " + s),
  "label count",
  "label lengths",
  "label bytes",
  "truncated",
  "trailing bytes",
  "layer count",
  "ids and flags",
  "random body",
];

/** n hostile files, the classes in turn, from one seed */
export function hostileModels(n: number, seed: number): Hostile[] {
  const rng = createRng(seed),
    out: Hostile[] = [];
  for (let i = 0; i < n; i++) out.push(hostile(KINDS[i % KINDS.length], rng));
  return out;
}
