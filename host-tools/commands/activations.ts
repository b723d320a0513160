// edgefnn activations [--latex] [--taylor]: the chapter's activation table, with
// f' derived symbolically from each activation's formula (src/core/check/symbolic),
// and the first-order Taylor argument for the hard versions, computed.
import { ACTIVATIONS, activationByName } from "../../src/core/index";
import { activationFormula } from "../../src/core/check/symbolic/activation-formulas";
import { evaluate, Expr, exprOps, GAMMA, same, X } from "../../src/core/check/symbolic/expression";
import { toLatex, toText } from "../../src/core/check/symbolic/print";
import { rangeOf, rangeText } from "../../src/core/check/symbolic/range";
import { simplify } from "../../src/core/check/symbolic/simplify";
import { hardVersion, largestGap } from "../../src/core/check/symbolic/taylor";
import { Output, table } from "../cli/output";

/** Softmax is not elementwise, so the table has no formula in x for it: its row is written here. */
const SOFTMAX = {
  f: { text: "exp(z_i) / sum_k exp(z_k)", latex: "\\frac{e^{z_i}}{\\sum_k e^{z_k}}" },
  range: { text: "(0, 1), summing to 1", latex: "(0, 1), \\sum_i a_i = 1" },
  note: "not elementwise: output layer only; with cross-entropy delta(L) = y_hat - y needs no f'",
};

/** The interval the Taylor argument's gaps are measured on, and the grid step (a power of 2, so the kinks +-1, +-2 are on it). */
const GAP_FROM = -6;
const GAP_TO = 6;
const GAP_STEP = 1 / 1024;

function both(e: Expr) {
  return { text: toText(e), latex: toLatex(e) };
}

function rows() {
  return ACTIVATIONS.map((a) => {
    const r = activationFormula(a);
    const range = rangeOf(a);
    return {
      name: a.name,
      id: a.id,
      trainable: a.trainable,
      elementwise: a.elementwise,
      gamma: a.gamma || null,
      f: r ? both(r.f) : SOFTMAX.f,
      df: r ? both(r.df) : null,
      range: range ? { text: rangeText(range, "text"), latex: rangeText(range, "latex") } : r ? null : SOFTMAX.range,
    };
  });
}

/** a gap's place that is one of the Taylor line's clip points, said so */
function clipNote(clip: number[]): string {
  return " (a clip point: the line leaves the range at x = " + clip.join(" and ") + ")";
}

/** 0.25 as 1/4: the Taylor coefficients read as the chapter gives them. */
function fraction(v: number): string {
  for (let d = 2; d <= 16; d++) if (Number.isInteger(v * d) && !Number.isInteger(v)) return `${v * d}/${d}`;
  return String(v);
}

function taylor() {
  return [
    ["logistic", "hard-logistic"],
    ["tanh", "hard-tanh"],
  ].map(([smoothName, hardName]) => {
    const smooth = activationByName(smoothName),
      table = activationByName(hardName);
    const { taylor: t, hard } = hardVersion(activationFormula(smooth)!.f);
    const derived = (x: number) => evaluate(hard, { x, gamma: 0 });
    const gap = largestGap(derived, (x) => smooth.f(x, 0), GAP_FROM, GAP_TO, GAP_STEP);
    const tableGap = largestGap(derived, (x) => table.f(x, 0), GAP_FROM, GAP_TO, GAP_STEP);
    const value = t.value.k === "num" ? t.value.v : NaN,
      slope = t.slope.k === "num" ? t.slope.v : NaN;
    // where the line f(0) + f'(0) x leaves the range: the clip points
    const lo = smooth.f(-Infinity, 0),
      hi = smooth.f(Infinity, 0);
    const clip = [(lo - value) / slope, (hi - value) / slope];
    return {
      smooth: smoothName,
      hard: hardName,
      value,
      slope,
      line: both(t.line),
      derived: both(hard),
      // the derived expression is the table's formula, node for node, and gives the table's numbers
      sameAsTable: same(hard, simplify(table.build(exprOps, X, GAMMA))) && tableGap.gap === 0,
      clip,
      gap: { max: gap.gap, at: gap.at, from: GAP_FROM, to: GAP_TO, step: GAP_STEP },
    };
  });
}

export function activationsCommand(o: { latex?: boolean; taylor?: boolean }, out: Output) {
  if (o.taylor) {
    const result = taylor();
    const show = (v: { text: string; latex: string }) => (o.latex ? v.latex : v.text);
    out.say("The first-order Taylor expansion at 0, f(x) ~ f(0) + f'(0) x (f'(0) from the symbolic derivative),");
    out.say("clipped to the range of f, gives the hard versions:");
    for (const t of result) {
      out.say();
      out.say(`  ${t.smooth}: f(0) = ${fraction(t.value)}, f'(0) = ${fraction(t.slope)}, so f(x) ~ ${show(t.line)}`);
      out.say(`    ${t.hard} = ${show(t.derived)}`);
      out.say(`    ${t.sameAsTable ? `the same formula as the table's ${t.hard}` : `DIFFERS from the table's ${t.hard}`}`);
      out.say(
        `    largest gap |${t.hard} - ${t.smooth}| over [${GAP_FROM}, ${GAP_TO}]: ${t.gap.max.toPrecision(4)} at x = ` +
          `${t.gap.at}${t.clip.indexOf(t.gap.at) >= 0 ? clipNote(t.clip) : ""}`,
      );
    }
    return { taylor: result };
  }
  const activations = rows();
  if (o.latex) {
    out.say("\\begin{tabular}{llllll}");
    out.say("name & id & $f(x)$ & $f'(x)$ & range & trainable \\\\");
    out.say("\\hline");
    for (const a of activations)
      out.say(
        `${a.name} & ${a.id} & $${a.f.latex}$ & ` +
          `${a.df ? `$${a.df.latex}$` : "--"} & ${a.range ? `$${a.range.latex}$` : "--"} & ${a.trainable ? "yes" : "no"} \\\\`,
      );
    out.say("\\end{tabular}");
  } else {
    for (const line of table(
      [
        ["name", "id", "f(x)", "f'(x), derived", "range", "trainable"],
        ...activations.map((a) => [
          a.name,
          a.id,
          a.f.text,
          a.df ? a.df.text : "(see below)",
          a.range ? a.range.text : "",
          a.trainable ? "yes" : "no",
        ]),
      ],
      false,
    ))
      out.say(line);
  }
  // notes: LaTeX comments after a LaTeX table, so the output pastes into a document as it is
  const note = (line: string) => out.say(o.latex ? `% ${line}` : line);
  out.say();
  note("f is each activation's formula in basic operations, as src/core/activations.ts writes it once; f' is");
  note("derived from it symbolically and simplified (gamma > 0 assumed; I(.) is 1 where its condition holds, else 0).");
  note(
    `gamma: ${activations
      .filter((a) => a.gamma)
      .map((a) => `${a.name} ${a.gamma}`)
      .join(", ")} by default; prelu learns one per neuron.`,
  );
  note("logistic, tanh: the library computes the same f' from y = f(x) as y (1 - y) and 1 - y^2.");
  note("step: max(0, min(1, 1e300 x)) is how basic operations write a step; f' = 0 almost everywhere, so it does not train.");
  note(`softmax: ${SOFTMAX.note}.`);
  note("edgefnn activations --taylor derives hard-logistic and hard-tanh from logistic and tanh.");
  return { activations };
}
