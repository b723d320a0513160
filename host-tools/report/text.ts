// Text for the HTML report: escaping and number formatting. Every string that
// came from the user (title, labels, summary, layer lines) goes through escapeHtml.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Safe in element content and in quoted attribute values. */
export function escapeHtml(s: string): string {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

const MINUS = "\u2212";

/** A readable number with about three significant digits; "–" when not finite. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return "\u2013";
  if (v === 0) return "0";
  const a = Math.abs(v);
  const s = a >= 1e4 || a < 1e-3 ? v.toExponential(2).replace(/\.?0+e/, "e") : String(Number(v.toPrecision(3)));
  return s.replace("-", MINUS);
}

/** A fraction as a percentage with one decimal; "–" when not finite. */
export function formatPercent(v: number): string {
  return Number.isFinite(v) ? (100 * v).toFixed(1) + "%" : "\u2013";
}

/** A pixel coordinate for an SVG attribute, to 0.1 px. A non-finite value here is a
 * bug in the chart code (non-finite data is dropped before it is placed), so it throws. */
export function px(v: number): string {
  if (!Number.isFinite(v)) throw new Error("report: non-finite SVG coordinate " + v);
  return String(Math.round(v * 10) / 10);
}
