// edgefnn activations through the real CLI: the chapter's table with symbolic
// derivatives, its --json and --latex forms, and the --taylor derivation.
import { describe, expect, it } from "vitest";
import { ACTIVATIONS } from "../../src/core/index";
import { cli, json } from "../helpers/cli";

/** The text table's rows, cells split at runs of two or more spaces. */
function rows(stdout: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of stdout.split("\n")) {
    const cells = line.trim().split(/ {2,}/);
    if (ACTIVATIONS.some((a) => a.name === cells[0])) out[cells[0]] = cells;
  }
  return out;
}

describe("edgefnn activations", () => {
  it("prints every activation: name, id, f, f' derived, range, trainable", () => {
    const r = cli(["activations"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const t = rows(r.stdout);
    expect(Object.keys(t)).toEqual(ACTIVATIONS.map((a) => a.name));
    expect(t["logistic"]).toEqual(["logistic", "2", "1 / (1 + exp(-x))", "exp(-x) / (1 + exp(-x))^2", "(0, 1)", "yes"]);
    expect(t["tanh"]).toEqual(["tanh", "3", "2 / (1 + exp(-2 x)) - 1", "4 exp(-2 x) / (1 + exp(-2 x))^2", "(-1, 1)", "yes"]);
    expect(t["hard-logistic"]).toEqual(["hard-logistic", "4", "max(0, min(1, 0.25 x + 0.5))", "0.25 I(-2 < x < 2)", "[0, 1]", "yes"]);
    expect(t["hard-tanh"]).toEqual(["hard-tanh", "5", "max(-1, min(1, x))", "I(-1 < x < 1)", "[-1, 1]", "yes"]);
    expect(t["relu"]).toEqual(["relu", "6", "max(0, x)", "I(x > 0)", "[0, inf)", "yes"]);
    expect(t["elu"]).toEqual([
      "elu",
      "9",
      "max(0, x) + min(0, gamma (exp(x) - 1))",
      "I(x > 0) + gamma exp(x) I(x < 0)",
      "(-gamma, inf)",
      "yes",
    ]);
    expect(t["softplus"]).toEqual(["softplus", "10", "log(1 + exp(x))", "exp(x) / (1 + exp(x))", "(0, inf)", "yes"]);
    expect(t["step"][5]).toBe("no");
    expect(r.stdout).toMatch(/softmax: not elementwise/);
  });

  it("--json prints one object with every activation's f, f' and range in text and LaTeX", () => {
    const o = json(cli(["activations", "--json"]));
    expect(o.activations.map((a: { name: string; id: number }) => [a.name, a.id])).toEqual(ACTIVATIONS.map((a) => [a.name, a.id]));
    const leaky = o.activations.find((a: { name: string }) => a.name === "leaky-relu");
    expect(leaky).toMatchObject({
      trainable: true,
      gamma: 0.01,
      f: { text: "max(0, x) + gamma min(0, x)", latex: "\\max\\left(0, x\\right) + \\gamma \\min\\left(0, x\\right)" },
      df: { text: "I(x > 0) + gamma I(x < 0)" },
      range: { text: "(-inf, inf)", latex: "(-\\infty, \\infty)" },
    });
    expect(o.activations.find((a: { name: string }) => a.name === "softmax")).toMatchObject({ elementwise: false, df: null });
  });

  it("--latex prints a tabular, its notes as LaTeX comments", () => {
    const r = cli(["activations", "--latex"]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("\\begin{tabular}{llllll}");
    expect(r.stdout).toContain(
      "logistic & 2 & $\\frac{1}{1 + e^{-x}}$ & $\\frac{e^{-x}}{{\\left(1 + e^{-x}\\right)}^{2}}$ & $(0, 1)$ & yes \\\\",
    );
    const end = lines.indexOf("\\end{tabular}");
    expect(end).toBeGreaterThan(0);
    for (const line of lines.slice(end + 1)) expect(line === "" || line.startsWith("% ")).toBe(true);
  });

  it("--taylor derives hard-logistic and hard-tanh from f(0) and f'(0), with the largest gap over [-6, 6]", () => {
    const r = cli(["activations", "--taylor"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("logistic: f(0) = 1/2, f'(0) = 1/4, so f(x) ~ 0.25 x + 0.5");
    expect(r.stdout).toContain("hard-logistic = max(0, min(1, 0.25 x + 0.5))");
    expect(r.stdout).toContain("tanh: f(0) = 0, f'(0) = 1, so f(x) ~ x");
    expect(r.stdout).toContain("hard-tanh = max(-1, min(1, x))");
    expect(r.stdout).toContain("largest gap |hard-logistic - logistic| over [-6, 6]: 0.1192 at x = 2");
    expect(r.stdout).toContain("largest gap |hard-tanh - tanh| over [-6, 6]: 0.2384 at x = 1");
    expect(r.stdout).not.toContain("DIFFERS");

    const o = json(cli(["activations", "--taylor", "--json"]));
    const [hl, ht] = o.taylor;
    expect(hl).toMatchObject({ smooth: "logistic", hard: "hard-logistic", value: 0.5, slope: 0.25, sameAsTable: true, clip: [-2, 2] });
    expect(ht).toMatchObject({ smooth: "tanh", hard: "hard-tanh", value: 0, slope: 1, sameAsTable: true, clip: [-1, 1] });
    // the gaps are 1 - sigma(2) and 1 - tanh(1), where the line leaves the range
    expect(hl.gap.max).toBeCloseTo(1 - 1 / (1 + Math.exp(-2)), 15);
    expect(ht.gap.max).toBeCloseTo(1 - Math.tanh(1), 15);
  });

  it("refuses an unknown option with a clear error", () => {
    const r = cli(["activations", "--tayler"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^edgefnn: unknown option '--tayler'/);
  });
});
