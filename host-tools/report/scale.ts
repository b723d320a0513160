// Axis scales for the report's charts: a domain chosen from the data, a map
// from data to [0, 1] along the axis, and tick values with their labels.
// Degenerate data is the normal case here (one epoch, all-NaN validation
// columns, layers whose error is exactly 0), so every path yields a finite,
// non-empty domain.
import { escapeHtml, formatNumber } from "./text";

export interface Scale {
  lo: number;
  hi: number;
  /** labelled ticks */
  ticks: number[];
  /** unlabelled grid lines (log scales spanning few decades: 2..9 x 10^k) */
  minor: number[];
  /** data value -> position in [0, 1]; values outside the domain are clamped */
  unit(v: number): number;
  /** SVG text content (escaped markup) for a tick */
  label(v: number): string;
}

export interface LinearOptions {
  /** the domain never goes outside these bounds (accuracy: [0, 1]) */
  bounds?: [number, number];
  /** ticks on whole numbers only (epochs) */
  integer?: boolean;
  percent?: boolean;
  /** the domain is the data's range, not widened to whole steps (epochs: the axis ends at the last one) */
  tight?: boolean;
  /** about how many ticks */
  count?: number;
}

function finiteRange(values: number[], keep: (v: number) => boolean): [number, number] | null {
  let lo = Infinity,
    hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || !keep(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** The 1, 2, 5 x 10^k step nearest above span / count. */
function niceStep(span: number, count: number, integer: boolean): number {
  const raw = span / Math.max(1, count);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  const step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  return integer ? Math.max(1, Math.round(step)) : step;
}

const clamp01 = (t: number): number => (t < 0 ? 0 : t > 1 ? 1 : t);

export function linearScale(values: number[], o: LinearOptions = {}): Scale {
  const [bLo, bHi] = o.bounds ?? [-Infinity, Infinity];
  let [lo, hi] = finiteRange(values, () => true) ?? (o.bounds ? o.bounds : [0, 1]);
  if (lo === hi) {
    // one value (or one epoch): give it room around it
    const pad = o.integer ? 1 : Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, o.count ?? 5, o.integer ?? false);
  if (!o.tight) {
    lo = Math.max(bLo, Math.floor(lo / step + 1e-9) * step);
    hi = Math.min(bHi, Math.ceil(hi / step - 1e-9) * step);
  }
  if (!(hi > lo)) hi = lo + step;
  const ticks: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let i = first; i * step <= hi + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return {
    lo,
    hi,
    ticks,
    minor: [],
    unit: (v) => clamp01((v - lo) / (hi - lo)),
    label: (v) => {
      if (o.percent) return (100 * v).toFixed(Math.max(0, decimals - 2)) + "%";
      const a = Math.abs(v);
      if (a !== 0 && (a >= 1e5 || a < 1e-4)) return escapeHtml(formatNumber(v));
      return v.toFixed(decimals).replace("-", "\u2212");
    },
  };
}

/** 10 with a raised exponent, e.g. 10^-5, as SVG text content. */
function powerOfTen(k: number, mantissa: number): string {
  const head = mantissa === 1 ? "10" : mantissa + "\u00d710";
  return head + '<tspan dy="-5" font-size="0.75em">' + String(k).replace("-", "\u2212") + "</tspan>";
}

/** A log10 axis. Values <= 0 cannot be placed on it: they are clamped to the
 * bottom of the domain, which spans the positive values in whole decades. */
export function logScale(values: number[]): Scale {
  const r = finiteRange(values, (v) => v > 0);
  let kLo = r ? Math.floor(Math.log10(r[0]) + 1e-9) : -1;
  let kHi = r ? Math.ceil(Math.log10(r[1]) - 1e-9) : 0;
  if (kHi <= kLo) {
    // all values equal to one power of ten: put them mid-axis
    kLo -= 1;
    kHi += 1;
  }
  const decades = kHi - kLo;
  const every = Math.ceil(decades / 7);
  const ticks: number[] = [];
  const minor: number[] = [];
  for (let k = kLo; k <= kHi; k++) {
    if ((k - kLo) % every === 0) ticks.push(Math.pow(10, k));
    if (decades <= 3 && k < kHi)
      for (let m = 2; m <= 9; m++) (decades === 1 && (m === 2 || m === 5) ? ticks : minor).push(m * Math.pow(10, k));
  }
  ticks.sort((a, b) => a - b);
  const lo = Math.pow(10, kLo),
    hi = Math.pow(10, kHi);
  return {
    lo,
    hi,
    ticks,
    minor,
    unit: (v) => (v > lo ? clamp01((Math.log10(v) - kLo) / decades) : 0),
    label: (v) => {
      const k = Math.floor(Math.log10(v) + 1e-9);
      const m = Math.round(v / Math.pow(10, k));
      if (k >= -2 && k <= 3) return String(Number(v.toPrecision(2)));
      return powerOfTen(k, m);
    },
  };
}
