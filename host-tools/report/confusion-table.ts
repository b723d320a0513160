// The confusion matrix as an HTML table: rows are the true class, columns the
// predicted one. Cells are shaded by count (blue on the diagonal, red off it,
// so mistakes stand out); the last column is each class's recall
// (right / row total), the last row its precision (right / column total).
import { escapeHtml, formatPercent } from "./text";

/** More classes than this, or long names: column headers are set vertically. */
const DENSE_CLASSES = 6;
const LONG_LABEL = 10;

const count = (m: number[][], i: number, j: number): number => {
  const v = m[i]?.[j];
  return v !== undefined && Number.isFinite(v) ? v : 0;
};

function shade(c: number, max: number, diagonal: boolean): string {
  if (!(c > 0) || !(max > 0)) return "";
  const a = 0.1 + 0.8 * Math.min(1, c / max);
  const rgb = diagonal ? "26,115,232" : "217,48,37";
  const ink = a > 0.55 ? ";color:#fff" : "";
  return ` style="background:rgba(${rgb},${a.toFixed(3)})${ink}"`;
}

function labelCell(tag: "th", name: string, extra: string): string {
  const e = escapeHtml(name);
  return `<${tag}${extra} title="${e}"><span class="label">${e}</span></${tag}>`;
}

export function confusionTable(m: number[][], labels: string[]): string {
  const k = Math.max(m.length, ...m.map((r) => r.length));
  const name = (i: number): string => labels[i] ?? "class " + i;
  let max = 0,
    total = 0,
    right = 0;
  const rowSum: number[] = [],
    colSum: number[] = new Array(k).fill(0);
  for (let i = 0; i < k; i++) {
    rowSum.push(0);
    for (let j = 0; j < k; j++) {
      const c = count(m, i, j);
      max = Math.max(max, c);
      rowSum[i] += c;
      colSum[j] += c;
      total += c;
      if (i === j) right += c;
    }
  }
  const dense = k > DENSE_CLASSES || labels.some((l) => l.length > LONG_LABEL);
  // whole percentages when dense: the precision row sets the columns' width
  const pct = (v: number): string => (dense && Number.isFinite(v) ? Math.round(100 * v) + "%" : formatPercent(v));
  let head = `<tr><th class="corner">true \\ predicted</th>`;
  for (let j = 0; j < k; j++) head += labelCell("th", name(j), ' scope="col" class="pred"');
  head += `<th scope="col" class="metric">recall</th><th scope="col" class="metric">n</th></tr>`;
  let body = "";
  for (let i = 0; i < k; i++) {
    body += "<tr>" + labelCell("th", name(i), ' scope="row" class="true"');
    for (let j = 0; j < k; j++) {
      const c = count(m, i, j);
      const tip = escapeHtml(`true ${name(i)}, predicted ${name(j)}: ${c}`);
      body += `<td class="cell${c === 0 ? " zero" : ""}" title="${tip}"${shade(c, max, i === j)}>${c}</td>`;
    }
    body += `<td class="metric">${pct(rowSum[i] ? count(m, i, i) / rowSum[i] : NaN)}</td><td class="metric n">${rowSum[i]}</td></tr>`;
  }
  let foot = `<tr><th scope="row" class="metric">precision</th>`;
  for (let j = 0; j < k; j++) foot += `<td class="metric">${pct(colSum[j] ? count(m, j, j) / colSum[j] : NaN)}</td>`;
  foot += `<td class="metric overall" colspan="2" title="overall accuracy">${formatPercent(total ? right / total : NaN)}</td></tr>`;
  return (
    `<div class="table-scroll"><table id="confusion" class="confusion${dense ? " dense" : ""}">` +
    `<thead>${head}</thead><tbody>${body}</tbody><tfoot>${foot}</tfoot></table></div>`
  );
}
