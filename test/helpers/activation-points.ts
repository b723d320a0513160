// The points the activation tests check f' at, and the kinks (no derivative
// there) they skip: one list for the numerical, automatic and symbolic routes.
import { activationByName } from "../../src/core/index";

/** Points where the activation is not differentiable: excluded from derivative checks. */
export const kinks: Record<string, number[]> = {
  step: [0],
  "hard-logistic": [-2, 2],
  "hard-tanh": [-1, 1],
  relu: [0],
  "leaky-relu": [0],
  prelu: [0],
  elu: [0],
};

/** A grid over [-6, 6] off the kinks' round numbers, the tails and points near 0. */
export const points: number[] = [];
for (let x = -6; x <= 6.0001; x += 0.0625 * 1.37) points.push(x);
points.push(-20, -8.5, 8.5, 20, 1e-3, -1e-3);

/** gamma for each activation: the table's default, and 0.3 for PReLU (a learned one, not the default). */
export const gammaOf = (name: string): number => (name === "prelu" ? 0.3 : activationByName(name).gamma);

/** within 2h of a kink: a central difference of step h would straddle it */
export function nearKink(name: string, x: number, h: number): boolean {
  return (kinks[name] ?? []).some((k) => Math.abs(x - k) <= 2 * h);
}
