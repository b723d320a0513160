// The report's look: one inline stylesheet and the colours of its lines.
// Train/validation follow TensorBoard's blue/orange; layers get a sequential
// palette (dark = first layer, warm = last) so depth reads as colour.

export const TRAIN_COLOR = "#1a73e8";
export const VAL_COLOR = "#e8710a";

/** The "plasma" colour map's stops up to orange: its yellow end is unreadable on white. */
const PLASMA: [number, number, number][] = [
  [13, 8, 135],
  [84, 2, 163],
  [139, 10, 165],
  [185, 50, 137],
  [219, 92, 104],
  [248, 149, 64],
];

/** Colour for layer l of n (0-based). */
export function layerColor(l: number, n: number): string {
  const t = n <= 1 ? 0.5 : l / (n - 1);
  const pos = t * (PLASMA.length - 1);
  const i = Math.min(PLASMA.length - 2, Math.floor(pos));
  const u = pos - i;
  const c = PLASMA[i].map((a, k) => Math.round(a + (PLASMA[i + 1][k] - a) * u));
  return "#" + c.map((v) => v.toString(16).padStart(2, "0")).join("");
}

export const CSS = `
*{box-sizing:border-box}
html{background:#f4f5f7}
body{margin:0;padding:32px 24px 48px;
  font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#202124;
  -webkit-font-smoothing:antialiased}
main{max-width:1180px;margin:0 auto}
header{margin-bottom:20px}
.eyebrow{font-size:12px;font-weight:600;letter-spacing:.08em;text-transform:uppercase;color:#5f6368}
h1{margin:2px 0 4px;font-size:24px;font-weight:600;overflow-wrap:anywhere}
.meta{color:#5f6368}
h2{margin:0 0 2px;font-size:15px;font-weight:600}
.note,.caption{color:#5f6368;font-size:13px;margin:0 0 10px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:16px;margin-bottom:16px}
.card{background:#fff;border:1px solid #e1e3e6;border-radius:10px;padding:16px 18px;min-width:0}
.card.wide{grid-column:1/-1}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
.summary{width:100%}
.summary th,.summary td{padding:5px 0;border-bottom:1px solid #eef0f2;text-align:left;vertical-align:top}
.summary th{font-weight:400;color:#5f6368;padding-right:16px;width:45%;overflow-wrap:anywhere}
.summary td{font-weight:600;overflow-wrap:anywhere}
.summary tr:last-child th,.summary tr:last-child td{border-bottom:0}
.layers{margin:0;padding:0;list-style:none;counter-reset:layer}
.layers li{counter-increment:layer;padding:5px 0;border-bottom:1px solid #eef0f2;
  font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;overflow-wrap:anywhere;display:flex;
  gap:10px;align-items:center}
.layers li:last-child{border-bottom:0}
.layers li::before{content:counter(layer);display:inline-flex;align-items:center;justify-content:center;flex:none;
  width:22px;height:22px;border-radius:11px;font:600 11px system-ui,sans-serif;color:#fff;background:var(--c,#5f6368)}
svg.chart{display:block;width:100%;height:auto;font-size:11px;overflow:visible}
svg.chart .grid{stroke:#e8eaed;stroke-width:1}
svg.chart .grid.minor{stroke:#f3f4f6}
svg.chart .axis{stroke:#9aa0a6;stroke-width:1}
svg.chart .tick{fill:#5f6368}
svg.chart .axis-label{fill:#3c4043;font-weight:600}
svg.chart .legend-item text{fill:#3c4043}
svg.chart .marker line{stroke:#5f6368;stroke-width:1;stroke-dasharray:3 3}
svg.chart .marker text{fill:#3c4043;font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}
svg.chart .end-label{font-weight:600;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
.table-scroll{overflow-x:auto}
.confusion{margin-top:4px}
.confusion th,.confusion td{padding:6px 10px;text-align:center;border:1px solid #eef0f2}
.confusion td.cell{min-width:44px;font-weight:600}
.confusion td.zero{color:#bdc1c6;font-weight:400}
.confusion th{font-weight:600;color:#3c4043;background:#fafbfc}
.confusion th.true{text-align:right}
.confusion .label{display:inline-block;max-width:14em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;vertical-align:bottom}
.confusion.dense th.pred{vertical-align:bottom;padding:8px 4px}
.confusion.dense th.pred .label{writing-mode:vertical-rl;transform:rotate(180deg);max-height:10em;max-width:none}
.confusion.dense td.cell{min-width:28px;padding:4px 2px;font-size:12px}
.confusion.dense th.true .label{max-width:11em}
.confusion.dense .metric{padding:4px 3px;font-size:11px}
.confusion .corner{font-weight:400;color:#5f6368;font-size:12px;text-align:left;vertical-align:bottom}
.confusion .metric{color:#5f6368;font-weight:400;font-size:12px;background:#fafbfc}
.confusion .overall{font-weight:600;color:#202124}
.numbers{width:100%}
.numbers th,.numbers td{padding:5px 8px;border-bottom:1px solid #eef0f2;text-align:right;white-space:nowrap}
.numbers th:first-child,.numbers td:first-child{text-align:left;padding-left:0}
.numbers thead th{font-weight:600;color:#5f6368;font-size:12px;border-bottom:1px solid #e1e3e6}
.numbers tbody th{font-weight:600}
.numbers tr:last-child td,.numbers tr:last-child th{border-bottom:0}
.numbers .yes{color:#188038;font-weight:600}
.numbers .no{color:#d93025;font-weight:600}
.empty{padding:24px;text-align:center;color:#5f6368;background:#fafbfc;border-radius:8px}
footer{margin-top:24px;color:#80868b;font-size:12px;text-align:center}
`;
