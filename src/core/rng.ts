// A seeded pseudo-random generator: the same seed gives the same model, bit for bit.
// xorshift128 (Marsaglia 2003) uses only shifts and xors, so it needs no
// Math.imul (absent on Espruino) and gives identical streams in every engine.

export interface Rng {
  /** next 32-bit unsigned integer */
  u32(): number;
  /** uniform in [0, 1) */
  float(): number;
  /** standard normal (Box-Muller) */
  normal(): number;
  /** integer in [0, n) */
  int(n: number): number;
}

export function createRng(seed: number): Rng {
  // Spread the seed over the 128-bit state with xorshift32 steps; the state
  // must not be all zeros.
  var s = (seed >>> 0) ^ 0x9e3779b9;
  if (s === 0) s = 0x6d2b79f5;
  function step32(): number {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  }
  var x = step32(),
    y = step32(),
    z = step32(),
    w = step32();
  var spare = 0;
  var hasSpare = false;

  function u32(): number {
    var t = x ^ (x << 11);
    x = y;
    y = z;
    z = w;
    w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return w;
  }
  function float(): number {
    // 53 random bits: two draws, so doubles are fully used.
    var hi = u32() >>> 5,
      lo = u32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }
  var rng: Rng = {
    u32: u32,
    float: float,
    normal: function () {
      if (hasSpare) {
        hasSpare = false;
        return spare;
      }
      var u = 0;
      while (u === 0) u = float();
      var v = float();
      var r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      hasSpare = true;
      return r * Math.cos(2 * Math.PI * v);
    },
    int: function (n) {
      return Math.floor(float() * n);
    },
  };
  // Discard the first outputs: the seed expansion is weak.
  for (var i = 0; i < 8; i++) u32();
  return rng;
}

/** Fisher-Yates shuffle of the first n entries, in place. */
export function shuffle(order: Int32Array | Uint32Array, n: number, rng: Rng): void {
  for (var i = n - 1; i > 0; i--) {
    var j = rng.int(i + 1);
    var t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}
