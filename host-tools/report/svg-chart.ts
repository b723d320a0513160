// A static line chart as inline SVG: axes, ticks, grid, a legend, an optional
// vertical marker (the best epoch) and optional labels at the lines' ends.
// Points whose value is not finite are gaps in the line; a point with no
// neighbour is drawn as a dot, so one epoch still shows.
import { linearScale, logScale, Scale } from "./scale";
import { escapeHtml, formatNumber, formatPercent, px } from "./text";

export interface Series {
  name: string;
  values: number[];
  color: string;
  dashed?: boolean;
  /** tooltip for the line; the name if absent */
  tooltip?: string;
}

export interface LineChartOptions {
  /** unique in the page; the SVG's id */
  id: string;
  /** accessible name */
  title: string;
  /** x value (epoch) of each point */
  x: number[];
  series: Series[];
  yScale: "linear" | "log";
  xLabel: string;
  yLabel: string;
  /** linear scales only: format ticks as percentages and keep the domain in [0, 1] */
  percent?: boolean;
  marker?: { x: number; label: string };
  /** short names drawn at each line's last point */
  endLabels?: string[];
}

/** the plot area's height is kept whatever the legend takes above it */
const W = 560,
  PLOT_H = 200;
const FONT = 11;
/** a rough width of FONT-px sans-serif text; enough to lay out the legend */
const textWidth = (s: string): number => s.length * FONT * 0.58;

interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
  x: Scale;
  y: Scale;
}

const X = (f: Frame, v: number): number => f.left + f.x.unit(v) * (f.right - f.left);
const Y = (f: Frame, v: number): number => f.bottom - f.y.unit(v) * (f.bottom - f.top);

/** Legend items flow left to right and wrap; returns the markup and its height. */
function legend(series: Series[], left: number, width: number): { svg: string; height: number } {
  const rowH = 18;
  let x = 0,
    row = 0,
    out = "";
  for (const s of series) {
    const w = 22 + textWidth(s.name) + 16;
    if (x > 0 && x + w > width) {
      x = 0;
      row++;
    }
    const y = 14 + row * rowH;
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : "";
    out +=
      `<g class="legend-item"><line x1="${px(left + x)}" y1="${px(y - 4)}" x2="${px(left + x + 18)}" y2="${px(y - 4)}" ` +
      `stroke="${s.color}" stroke-width="2.5"${dash}/>` +
      `<text x="${px(left + x + 23)}" y="${px(y)}">${escapeHtml(s.name)}</text></g>`;
    x += w;
  }
  return { svg: out, height: series.length ? (row + 1) * rowH + 6 : 0 };
}

function axes(f: Frame, o: LineChartOptions): string {
  let out = "";
  for (const v of f.y.minor)
    out += `<line class="grid minor" x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(Y(f, v))}" y2="${px(Y(f, v))}"/>`;
  for (const v of f.y.ticks) {
    const y = px(Y(f, v));
    out += `<line class="grid" x1="${px(f.left)}" x2="${px(f.right)}" y1="${y}" y2="${y}"/>`;
    out += `<text class="tick" x="${px(f.left - 7)}" y="${y}" dy="0.32em" text-anchor="end">${f.y.label(v)}</text>`;
  }
  for (const v of f.x.ticks) {
    const x = px(X(f, v));
    out += `<line class="axis" x1="${x}" x2="${x}" y1="${px(f.bottom)}" y2="${px(f.bottom + 4)}"/>`;
    out += `<text class="tick" x="${x}" y="${px(f.bottom + 17)}" text-anchor="middle">${f.x.label(v)}</text>`;
  }
  out += `<line class="axis" x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(f.bottom)}" y2="${px(f.bottom)}"/>`;
  out += `<line class="axis" x1="${px(f.left)}" x2="${px(f.left)}" y1="${px(f.top)}" y2="${px(f.bottom)}"/>`;
  out +=
    `<text class="axis-label" x="${px((f.left + f.right) / 2)}" y="${px(f.bottom + 36)}" ` +
    `text-anchor="middle">${escapeHtml(o.xLabel)}</text>`;
  const cy = px((f.top + f.bottom) / 2);
  out += `<text class="axis-label" transform="translate(14 ${cy}) rotate(-90)" text-anchor="middle">${escapeHtml(o.yLabel)}</text>`;
  return out;
}

/** The line as path segments split at gaps, plus dots for isolated points. */
function line(f: Frame, xs: number[], s: Series): string {
  let d = "",
    dots = "",
    run: string[] = [];
  const flush = (): void => {
    if (run.length === 1) {
      const [x, y] = run[0].split(",");
      dots += `<circle cx="${x}" cy="${y}" r="3" fill="${s.color}"/>`;
    } else if (run.length > 1) d += "M" + run.join("L");
    run = [];
  };
  for (let i = 0; i < xs.length; i++) {
    const v = s.values[i];
    if (v === undefined || !Number.isFinite(v) || !Number.isFinite(xs[i])) flush();
    else run.push(px(X(f, xs[i])) + "," + px(Y(f, v)));
  }
  flush();
  const dash = s.dashed ? ' stroke-dasharray="5 3"' : "";
  const path = d
    ? `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"${dash}/>`
    : "";
  return `<g class="series" data-series="${escapeHtml(s.name)}"><title>${escapeHtml(s.tooltip ?? s.name)}</title>${path}${dots}</g>`;
}

/** The marker line (drawn under the series) and a dot where each series meets
 * it (drawn over them); its tooltip lists the values there. */
function marker(f: Frame, o: LineChartOptions): { under: string; over: string } {
  const m = o.marker;
  if (!m || !Number.isFinite(m.x) || m.x < f.x.lo || m.x > f.x.hi) return { under: "", over: "" };
  const x = X(f, m.x);
  const i = o.x.indexOf(m.x);
  let dots = "",
    tip = m.label;
  for (const s of o.series) {
    const v = i >= 0 ? s.values[i] : NaN;
    if (v === undefined || !Number.isFinite(v)) continue;
    dots += `<circle cx="${px(x)}" cy="${px(Y(f, v))}" r="4" fill="${s.color}" stroke="#fff" stroke-width="1.5"/>`;
    tip += `\n${s.name}: ${o.percent ? formatPercent(v) : formatNumber(v)}`;
  }
  const nearRight = x > f.right - 90;
  const tx = nearRight ? x - 5 : x + 5;
  const under =
    `<g class="marker"><title>${escapeHtml(tip)}</title>` +
    `<line x1="${px(x)}" x2="${px(x)}" y1="${px(f.top - 14)}" y2="${px(f.bottom)}"/>` +
    `<text x="${px(tx)}" y="${px(f.top - 5)}" text-anchor="${nearRight ? "end" : "start"}">${escapeHtml(m.label)}</text></g>`;
  return { under, over: `<g class="marker-dots">${dots}</g>` };
}

/** Names at the lines' last finite points, pushed apart so they do not overlap. */
function endLabels(f: Frame, o: LineChartOptions): string {
  const names = o.endLabels;
  if (!names) return "";
  const items: { y: number; name: string; color: string }[] = [];
  o.series.forEach((s, k) => {
    for (let i = s.values.length - 1; i >= 0; i--) {
      const v = s.values[i];
      if (Number.isFinite(v) && Number.isFinite(o.x[i])) {
        items.push({ y: Y(f, v), name: names[k] ?? s.name, color: s.color });
        return;
      }
    }
  });
  items.sort((a, b) => a.y - b.y);
  const gap = FONT + 1;
  for (let i = 1; i < items.length; i++) items[i].y = Math.max(items[i].y, items[i - 1].y + gap);
  const overflow = items.length ? items[items.length - 1].y - (f.bottom + 4) : 0;
  if (overflow > 0) for (const it of items) it.y -= overflow;
  return items
    .map(
      (it) => `<text class="end-label" x="${px(f.right + 6)}" y="${px(it.y)}" dy="0.32em" fill="${it.color}">${escapeHtml(it.name)}</text>`,
    )
    .join("");
}

export function lineChart(o: LineChartOptions): string {
  const all = o.series.flatMap((s) => s.values);
  const xs = o.x.filter(Number.isFinite);
  const xScale = linearScale(xs.length ? [1, ...xs] : [1], { integer: true, count: 6, tight: true });
  const yScale = o.yScale === "log" ? logScale(all) : linearScale(all, o.percent ? { bounds: [0, 1], percent: true } : {});
  const ends = o.endLabels ? Math.max(0, ...o.endLabels.map(textWidth)) + 12 : 0;
  const left = 58,
    right = W - 16 - ends;
  const lg = legend(o.series, left, right - left);
  // room above the plot for the marker's label, so it never sits on a line
  const top = 10 + lg.height + (o.marker ? 16 : 0);
  const H = top + PLOT_H + 42;
  const f: Frame = { left, right, top, bottom: top + PLOT_H, x: xScale, y: yScale };
  const mk = marker(f, o);
  const id = escapeHtml(o.id);
  return (
    `<svg id="${id}" class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${id}-title">` +
    `<title id="${id}-title">${escapeHtml(o.title)}</title>` +
    lg.svg +
    axes(f, o) +
    mk.under +
    o.series.map((s) => line(f, o.x, s)).join("") +
    mk.over +
    endLabels(f, o) +
    `</svg>`
  );
}
