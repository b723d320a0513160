// What kind of model a file holds, for the commands that print it (info,
// eval, predict): apart from eval's CSV loading, so `edgefnn info` loads no
// CSV parser.
import { ACT_SOFTMAX, activationById, Model } from "../../src/core/index";

/** What a model is (docs/FORMAT.md, Labels): a classifier when it has labels
 * (K = M_L, or K = 2 for one output: a binary classifier) or a softmax output;
 * else a regression model. A logistic output without labels is a regression to
 * [0, 1] (train --task regression --output logistic makes one): edgefnn's
 * classifiers always carry their labels. */
export function isClassifier(model: Model): boolean {
  return model.labels.length > 0 || model.layers[model.layers.length - 1].act === ACT_SOFTMAX;
}

/** One output and a class per side of 0.5: labels[0] for <= 0.5, labels[1] for > 0.5. */
export function isBinary(model: Model): boolean {
  return isClassifier(model) && model.outputSize === 1;
}

/** Class names of a classifier: its labels, or "0", "1", ... when it has none. */
export function classNames(model: Model): string[] {
  if (model.labels.length) return model.labels;
  return Array.from({ length: model.outputSize === 1 ? 2 : model.outputSize }, (_, i) => String(i));
}

/** A layer's one activation parameter gamma, if its activation takes one: the
 * table's default gamma is non-zero (leaky-relu's slope, ELU's scale) and the
 * layer has no per-neuron gammas (PReLU's, which are parameters, not one number). */
export function layerGamma(L: { act: number; gamma: number; prelu: ArrayLike<number> | null }): number | undefined {
  return activationById(L.act).gamma !== 0 && !L.prelu ? L.gamma : undefined;
}
