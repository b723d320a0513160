// Faults on the wire into the board, seeded so that a test sees the same
// faults every run:
// - dropEvery N: in each run of N received bytes, one (at a seeded position) is lost;
// - corruptEvery N: in each run of N received bytes, one has a seeded bit flipped;
// - silentAfter N: the board handles the first N bytes, then hangs: it ignores
//   all later input and prints nothing more (no XON/XOFF either);
// - resetAfter N: right after receiving byte N the board resets once (its
//   input buffer and JS state are lost, Storage keeps what was written);
// - flipAt [[n, bit], ...]: received byte n (0-based) has that bit flipped, to
//   hit one chosen byte of a command (e -> u in "eval": [n, 4]);
// - dropAt [n, ...]: received byte n (0-based) is lost.
import { createRng, Rng } from "../../src/core/index";

export interface FaultOptions {
  dropEvery?: number;
  corruptEvery?: number;
  silentAfter?: number;
  resetAfter?: number;
  flipAt?: [number, number][];
  dropAt?: number[];
  seed?: number;
}

/** What happens to one received byte. */
export interface FaultVerdict {
  /** the byte to put in the input buffer, or null if it is lost */
  byte: number | null;
  /** this is the last byte the board will handle before it goes silent */
  last: boolean;
  /** the board resets after this byte */
  reset: boolean;
}

/** One byte in every `every`, at a position drawn anew for each run of `every` bytes. */
class OneIn {
  private at = -1;
  constructor(
    private every: number,
    private rng: Rng,
  ) {}
  hit(index: number): boolean {
    const pos = index % this.every;
    if (pos === 0) this.at = this.rng.int(this.every);
    return pos === this.at;
  }
}

export class FaultInjector {
  /** bytes received since the faults were set */
  received = 0;
  private drop?: OneIn;
  private corrupt?: OneIn;
  private bits: Rng;

  constructor(readonly options: FaultOptions = {}) {
    const seed = options.seed ?? 1;
    for (const k of ["dropEvery", "corruptEvery", "silentAfter", "resetAfter"] as const) {
      const v = options[k];
      if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new RangeError(`${k} must be an integer >= 1, got ${v}`);
    }
    for (const f of options.flipAt ?? [])
      if (!(Array.isArray(f) && Number.isInteger(f[0]) && f[0] >= 0 && Number.isInteger(f[1]) && f[1] >= 0 && f[1] < 8))
        throw new RangeError(`flipAt entries must be [byte index >= 0, bit 0..7], got ${JSON.stringify(f)}`);
    for (const n of options.dropAt ?? [])
      if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`dropAt entries must be byte indexes >= 0, got ${n}`);
    if (options.dropEvery) this.drop = new OneIn(options.dropEvery, createRng(seed));
    if (options.corruptEvery) this.corrupt = new OneIn(options.corruptEvery, createRng(seed + 1));
    this.bits = createRng(seed + 2);
  }

  /** Whether the board is past its silentAfter budget (it ignores this byte). */
  silent(): boolean {
    return this.options.silentAfter !== undefined && this.received >= this.options.silentAfter;
  }

  next(byte: number): FaultVerdict {
    const i = this.received++;
    const { silentAfter, resetAfter } = this.options;
    let out: number | null = byte;
    if (this.drop?.hit(i) || this.options.dropAt?.includes(i)) out = null;
    if (this.corrupt?.hit(i) && out !== null) out = out ^ (1 << this.bits.int(8));
    for (const [at, bit] of this.options.flipAt ?? []) if (at === i && out !== null) out ^= 1 << bit;
    return { byte: out, last: silentAfter !== undefined && i + 1 === silentAfter, reset: resetAfter !== undefined && i + 1 === resetAfter };
  }
}
