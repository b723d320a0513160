import { describe, expect, it } from "vitest";
import {
  crc32,
  decodeLayout,
  decodeModel,
  encodeModel,
  forward,
  Model,
  modelFromNetwork,
  networkFromModel,
  quantizeModel,
} from "../../src/core/index";
import { load } from "../../src/device/runtime";
import { declared, reseal, wrappedLength } from "../helpers/hostile-models";
import { everyActivationModel, irisModel } from "../helpers/models";

describe("CRC-32", () => {
  it("is the IEEE one Espruino's E.CRC32 computes", () => {
    expect(crc32(Buffer.from("hello"))).toBe(907060870);
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe(".efnn round trip", () => {
  it("train -> encode -> decode gives identical outputs (float32)", () => {
    const { net, model, test, labels } = everyActivationModel();
    const bytes = encodeModel(model);
    const back = decodeModel(bytes);
    expect(back.labels).toEqual(labels);
    const net2 = networkFromModel(back);
    for (let i = 0; i < test.n; i++) {
      const a = Array.from(forward(net, test.x, i * 4));
      expect(Array.from(forward(net2, test.x, i * 4))).toEqual(a);
    }
    expect(encodeModel(back)).toEqual(bytes);
  });

  it("sections are 4-byte aligned and the file ends with the CRC of the rest", () => {
    const bytes = encodeModel(quantizeModel(irisModel().model, 8));
    expect(bytes.length % 4).toBe(0);
    const dv = new DataView(bytes.buffer);
    expect(dv.getUint32(bytes.length - 4, true)).toBe(crc32(bytes, bytes.length - 4));
    const lay = decodeLayout(bytes);
    for (let l = 0; l < lay.T.length / 8; l++)
      for (let k = 4; k < 8; k++) expect(lay.T[8 * l + k] % 4 === 0 || lay.T[8 * l + k] === -1).toBe(true);
  });

  it("decodes a copy at an odd offset (a misaligned view) the same", () => {
    const bytes = encodeModel(irisModel().model);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeModel(shifted.subarray(1)).layers[0].W).toEqual(decodeModel(bytes).layers[0].W);
  });
});

describe("sizes past 2^32 are exact: no section wraps to 0 or overlaps another", () => {
  it("a 2^32-byte weights section in a 393 KB file is refused, not counted as 0 bytes", () => {
    const layers: [number, number, number][] = [[32768, 0, 0]]; // 32768 x 32768 float32: 2^32 bytes
    const bytes = declared(32768, layers, wrappedLength(32768, layers));
    expect(bytes.length).toBe(393244); // the old arithmetic's file: it passed layout, then load() threw a RangeError
    expect(() => decodeLayout(bytes)).toThrow("truncated at layer 1 weights (4294967296 bytes, 4 left)");
    expect(() => decodeModel(bytes)).toThrow("truncated at layer 1 weights (4294967296 bytes, 4 left)");
    expect(() => load(bytes)).toThrow("truncated at layer 1 weights (4294967296 bytes, 4 left)");
  });

  it("a weights section of 2^32 - 128 KiB (negative in 32 bits) cannot move later sections back over earlier ones", () => {
    // layer 2's weights are 32767 x 32768 x 4 = 2^32 - 131072 bytes: in int32 the offset went back 128 KiB, and
    // layer 3's weights lay inside layer 1's
    const layers: [number, number, number][] = [
      [32768, 0, 0],
      [32767, 0, 0],
      [1, 0, 0],
    ];
    const bytes = declared(1, layers, wrappedLength(1, layers));
    expect(() => decodeLayout(bytes)).toThrow(/^truncated at layer 2 weights \(4294836224 bytes, \d+ left\)$/);
    expect(() => load(bytes)).toThrow(/^truncated at layer 2 weights \(4294836224 bytes/);
  });

  it("the largest sizes the header can declare (64 PReLU layers of 65535 x 65535 float32) are counted exactly", () => {
    const layers = Array.from({ length: 64 }, (): [number, number, number] => [65535, 8, 0]);
    expect(() => decodeLayout(declared(65535, layers, 4096))).toThrow("truncated at normalization (524280 bytes, 3568 left)");
    // with the small sections present (biases and gammas), the first weights section: 65535 x 65535 x 4 bytes
    const small = 16 + 8 * 64 + 8 * 65535 + 64 * 2 * 4 * 65535;
    expect(() => decodeLayout(declared(65535, layers, small + 8))).toThrow(
      `truncated at layer 1 weights (${65535 * 65535 * 4} bytes, 8 left)`,
    );
    // and int8 weights of an odd size: 65535 x 65535 bytes padded to 4
    const odd = layers.map((): [number, number, number] => [65535, 0, 2]);
    const small8 = 16 + 8 * 64 + 8 * 65535 + 64 * 2 * 4 * 65535;
    expect(() => decodeLayout(declared(65535, odd, small8 + 8))).toThrow(
      `truncated at layer 1 weights (${65535 * 65535 + 3} bytes, 8 left)`,
    );
  });

  it("a file over 2 GiB is refused before its offsets could wrap the Int32Array layer table", () => {
    const huge = { length: 2 ** 31 + 8, 0: 0x45, 1: 0x46, 2: 0x4e, 3: 0x4e } as unknown as Uint8Array;
    expect(() => decodeLayout(huge)).toThrow("2147483656 bytes: models are under 2 GiB");
  });
});

describe("NaN and infinities are refused in every section, named, by the host and by load()", () => {
  // the sections in the order both check them, with where they are in a decoded model
  type Section = { name: string; values: (m: Model) => Float32Array | Int8Array | Int16Array | null };
  const sections = (m: Model): Section[] => [
    { name: "normalization", values: (d) => d.mean },
    ...m.layers.flatMap((_, l): Section[] => [
      { name: `layer ${l + 1} scales`, values: (d) => d.layers[l].scales },
      { name: `layer ${l + 1} biases`, values: (d) => d.layers[l].b },
      { name: `layer ${l + 1} gammas`, values: (d) => d.layers[l].prelu },
      { name: `layer ${l + 1} weights`, values: (d) => (d.layers[l].wtype === 0 ? d.layers[l].W : null) },
    ]),
  ];
  const models = () => [everyActivationModel().model, quantizeModel(everyActivationModel().model, 8)];
  for (const bad of [NaN, Infinity, -Infinity]) {
    it(`${bad} in each float section, and in the 1/std and each layer's gamma`, () => {
      let tried = 0;
      for (const model of models()) {
        const good = encodeModel(model);
        for (const sec of sections(model)) {
          const bytes = Uint8Array.from(good),
            d = decodeModel(bytes),
            a = sec.values(d);
          if (!a) continue;
          const i = Math.min(a.length - 1, 2);
          a[i] = bad; // a view into bytes
          reseal(bytes);
          const msg = `${sec.name}: value ${i + 1} is ${bad}`;
          expect(() => decodeModel(bytes)).toThrow(msg);
          expect(() => load(bytes)).toThrow(msg);
          // the encoder refuses to write it: a model with the value set
          const m2 = decodeModel(Uint8Array.from(good)); // (its arrays are views into the copy)
          sec.values(m2)![i] = bad;
          expect(() => encodeModel(m2)).toThrow(msg);
          tried++;
        }
        // the 1/std half of the normalization, and the layer table's gamma
        const inv = Uint8Array.from(good);
        new DataView(inv.buffer).setFloat32(decodeLayout(inv).meanOff + 4 * model.inputSize + 4, bad, true);
        expect(() => decodeModel(reseal(inv))).toThrow(`normalization: value ${model.inputSize + 2} is ${bad}`);
        expect(() => load(inv)).toThrow(`normalization: value ${model.inputSize + 2} is ${bad}`);
        const g = Uint8Array.from(good);
        new DataView(g.buffer).setFloat32(16 + 8 + 4, bad, true);
        expect(() => decodeModel(reseal(g))).toThrow(`layer 2 gamma: value 1 is ${bad}`);
        expect(() => load(g)).toThrow(`layer 2 gamma: value 1 is ${bad}`);
        expect(() => encodeModel({ ...model, layers: model.layers.map((L, l) => (l === 1 ? { ...L, gamma: bad } : L)) })).toThrow(
          `layer 2 gamma: value 1 is ${bad}`,
        );
      }
      expect(tried).toBeGreaterThan(20);
    });
  }

  it("the encoder refuses arrays of the wrong length and quantized weights that do not fit their type", () => {
    const m = quantizeModel(irisModel().model, 8);
    const short = { ...m, layers: m.layers.map((L, l) => (l === 1 ? { ...L, b: L.b.subarray(1) } : L)) };
    expect(() => encodeModel(short)).toThrow("layer 2 biases: 2 values, expected 3");
    const wide = {
      ...m,
      layers: m.layers.map((L, l) => (l === 0 ? { ...L, W: Float32Array.from(L.W, (v, i) => (i === 5 ? 200 : v)) } : L)),
    };
    expect(() => encodeModel(wide)).toThrow("layer 1 weights: value 6 is 200, not an int8");
  });
});

describe("bad files get errors that say what is wrong", () => {
  const good = () => encodeModel(irisModel().model); // 4-16-3 float32, labels
  const cases: [string, (b: Uint8Array) => Uint8Array, RegExp | string][] = [
    ["empty", () => new Uint8Array(0), "not an .efnn file (it does not start with EFNN)"],
    ["a PNG", () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]), "not an .efnn file (it does not start with EFNN)"],
    [
      "a newer version",
      (b) => {
        b[4] = 3;
        return b;
      },
      "format version 3 is newer than this runtime (2)",
    ],
    [
      "version 0",
      (b) => {
        b[4] = 0;
        return b;
      },
      "format version 0 is not valid",
    ],
    [
      "one flipped weight bit",
      (b) => {
        b[b.length - 20] ^= 4;
        return b;
      },
      "checksum mismatch: file is corrupt",
    ],
    [
      "a flipped CRC bit",
      (b) => {
        b[b.length - 1] ^= 1;
        return b;
      },
      "checksum mismatch: file is corrupt",
    ],
    ["cut inside the header", (b) => b.slice(0, 10), "truncated at header (16 bytes, 10 left)"],
    // float32 4-16-3: layer 1 weights 256 bytes, layer 2 weights 192, then the 4-byte CRC
    ["cut inside layer 2 weights", (b) => b.slice(0, b.length - 30), /^truncated at layer 2 weights \(192 bytes, 166 left\)$/],
    ["cut inside layer 1 weights", (b) => b.slice(0, b.length - 250), /^truncated at layer 1 weights \(256 bytes, 202 left\)$/],
    ["missing checksum", (b) => b.slice(0, b.length - 4), "truncated at checksum (4 bytes, 0 left)"],
    [
      "trailing bytes",
      (b) => {
        const c = new Uint8Array(b.length + 8);
        c.set(b);
        return c;
      },
      "8 bytes of trailing data after the checksum",
    ],
    [
      "zero layers",
      (b) => {
        b[5] = 0;
        return b;
      },
      "layer count 0 is out of range 1..64",
    ],
    [
      "unknown activation",
      (b) => {
        b[16 + 2] = 99;
        return b;
      },
      "layer 1: unknown activation id 99",
    ],
    [
      "unknown weight type",
      (b) => {
        b[24 + 3] = 7;
        return b;
      },
      "layer 2: unknown weight type 7",
    ],
    [
      "softmax inside",
      (b) => {
        b[16 + 2] = 11;
        return b;
      },
      "layer 1: softmax before the output layer",
    ],
    [
      "a layer of size 0",
      (b) => {
        b[16] = 0;
        b[17] = 0;
        return b;
      },
      "layer 1 has size 0",
    ],
    [
      "labels for the wrong output count",
      (b) => {
        b[8] = 2;
        return b;
      },
      "2 labels for 3 outputs",
    ],
    ["a non-printable label", (b) => reseal(patchLabel(b, 0x07)), "label 1 is not printable ASCII"],
    [
      "reserved flags set",
      (b) => {
        b[12] = 2;
        return b;
      },
      "unknown flags: made by a newer edgefnn",
    ],
    [
      "a reserved flag in the high half",
      (b) => {
        b[15] = 0x80;
        return b;
      },
      "unknown flags: made by a newer edgefnn",
    ],
    [
      "a huge layer the file does not hold",
      (b) => {
        b[16] = 0xff;
        b[17] = 0xff;
        return b;
      },
      /^truncated at layer 1 (biases|weights) \(\d+ bytes, \d+ left\)$/,
    ],
  ];
  function patchLabel(b: Uint8Array, v: number): Uint8Array {
    const lay = decodeLayout(b);
    b[lay.meanOff + 8 * 4 + 1] = v; // first character of the first label
    return b;
  }
  for (const [name, mutate, msg] of cases) {
    it(name, () => {
      const bytes = mutate(good());
      expect(() => decodeLayout(bytes)).toThrow(msg);
      expect(() => decodeModel(bytes)).toThrow(Error);
    });
  }

  it("the encoder refuses what the format cannot hold", () => {
    const m: Model = { ...irisModel().model };
    expect(() => encodeModel({ ...m, labels: ["a", "b"] })).toThrow("2 labels for 3 outputs");
    expect(() => encodeModel({ ...m, labels: ["setosa", "versicolor", "virginica\n"] })).toThrow(
      /label "virginica\\u000a" cannot be stored: labels are 1 to 32 printable ASCII characters/,
    );
    expect(() => encodeModel({ ...m, labels: ["x".repeat(33), "b", "c"] })).toThrow(/cannot be stored/);
    // a network like the one decoded from the model, but float64: the file holds float32 only
    const float64 = { ...networkFromModel(m), arrayType: "float64" as const };
    expect(() => modelFromNetwork(float64)).toThrow("only float32 networks can be stored");
    expect(() => modelFromNetwork(networkFromModel(m))).not.toThrow();
  });
});
