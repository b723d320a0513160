// The activation table: every activation f, its derivative f', and its formula
// written in the textbook's basic operations, defined once and keyed by a
// stable numeric id (stored in .efnn files) and a name (used by the CLI).
//
// Notation: x is the net input z of a neuron, y = f(x), gamma the activation's
// parameter (leaky ReLU slope, ELU scale, PReLU's per-neuron slope).

/** The textbook's basic operations, so one formula can be evaluated on plain
 * numbers, dual numbers (forward-mode AD) or graph nodes (reverse-mode AD). */
export interface Ops<T> {
  c(v: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  exp(a: T): T;
  log(a: T): T;
  max(a: T, b: T): T;
  min(a: T, b: T): T;
}

export type ActivationName =
  | "linear"
  | "step"
  | "logistic"
  | "tanh"
  | "hard-logistic"
  | "hard-tanh"
  | "relu"
  | "leaky-relu"
  | "prelu"
  | "elu"
  | "softplus"
  | "softmax";

/** How weights feeding the activation are initialised: Xavier for the
 * sigmoid family (and linear), He for the ReLU family. */
export type InitFamily = "xavier" | "he";

/** where an activation's parameter gamma lives (Activation.parameter) */
export type ActivationParameter = "none" | "layer" | "neuron";

export interface Activation {
  id: number;
  name: ActivationName;
  /** false for step (its derivative is 0 almost everywhere: gradient descent
   * cannot train it) and for softmax (not elementwise; output layer only). */
  trainable: boolean;
  elementwise: boolean;
  init: InitFamily;
  /** default parameter gamma (leaky slope, ELU scale, PReLU initial slope); 0 if unused */
  gamma: number;
  /** where the parameter gamma lives: "none" (no parameter), "layer" (one per
   * layer, set by hand: leaky-ReLU's slope, ELU's scale, stored in the layer
   * table) or "neuron" (one per neuron, learned: PReLU's slopes, stored with
   * the parameters after the biases) */
  parameter: ActivationParameter;
  /** y = f(x) */
  f(x: number, gamma: number): number;
  /** f'(x), given y = f(x) so that logistic/tanh reuse it */
  df(x: number, y: number, gamma: number): number;
  /** f written with the basic operations only (the autodiff oracles' view) */
  build<T>(o: Ops<T>, x: T, gamma: T): T;
}

// Stable ids: they are written into model files. Never renumber; only append.
export var ACT_LINEAR = 0;
export var ACT_STEP = 1;
export var ACT_LOGISTIC = 2;
export var ACT_TANH = 3;
export var ACT_HARD_LOGISTIC = 4;
export var ACT_HARD_TANH = 5;
export var ACT_RELU = 6;
export var ACT_LEAKY_RELU = 7;
export var ACT_PRELU = 8;
export var ACT_ELU = 9;
export var ACT_SOFTPLUS = 10;
export var ACT_SOFTMAX = 11;

// What the file format (format.ts) must know of the table, as ids the build
// writes in (the board's bundle carries no table); test/core/activations.test.ts
// checks each against the table's fields, so a new row that changes one fails there.
/** the highest id: a file with a higher one is refused (the table's last row) */
export var LAST_ACTIVATION_ID = ACT_SOFTMAX;
/** the one activation with a gamma per neuron (parameter "neuron"): its gammas are a section after the biases */
export var ACT_GAMMA_PER_NEURON = ACT_PRELU;
/** the one activation that is not elementwise: the output layer's only */
export var ACT_OUTPUT_ONLY = ACT_SOFTMAX;

/** sigma(x) = 1 / (1 + exp(-x)), written so exp never overflows. */
export function logistic(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  var e = Math.exp(x);
  return e / (1 + e);
}

/** tanh(x) = 2 sigma(2x) - 1: an exact identity; the board has no Math.tanh. */
export function tanh(x: number): number {
  return 2 * logistic(2 * x) - 1;
}

/** log(1 + e) accurate for tiny e (Goldberg's trick; the board has no Math.log1p). */
function log1p(e: number): number {
  var u = 1 + e;
  return u === 1 ? e : (Math.log(u) * e) / (u - 1);
}

/** softplus(x) = log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|)): never overflows. */
export function softplus(x: number): number {
  return (x > 0 ? x : 0) + log1p(Math.exp(x > 0 ? -x : x));
}

// max(0, x) + gamma min(0, x): leaky ReLU's and PReLU's formula (they differ in
// where gamma lives: one per layer, or learned per neuron)
function leakyF(x: number, g: number): number {
  return x > 0 ? x : g * x;
}
function leakyDf(x: number, y: number, g: number): number {
  return x > 0 ? 1 : g;
}
function leakyBuild<T>(o: Ops<T>, x: T, g: T): T {
  return o.add(o.max(o.c(0), x), o.mul(g, o.min(o.c(0), x)));
}

export var ACTIVATIONS: Activation[] = [
  {
    id: ACT_LINEAR,
    name: "linear",
    trainable: true,
    elementwise: true,
    init: "xavier",
    parameter: "none",
    gamma: 0,
    f: function (x) {
      return x;
    },
    df: function () {
      return 1;
    },
    build: function (o, x) {
      return x;
    },
  },
  {
    // The McCulloch-Pitts neuron's threshold: 1 if x > 0 else 0.
    id: ACT_STEP,
    name: "step",
    trainable: false,
    elementwise: true,
    init: "xavier",
    parameter: "none",
    gamma: 0,
    f: function (x) {
      return x > 0 ? 1 : 0;
    },
    df: function () {
      return 0;
    },
    // max(0, min(1, k x)) tends to the step as k grows; with the ops we have,
    // the honest graph of a step is its value with a zero derivative.
    build: function (o, x) {
      return o.max(o.c(0), o.min(o.c(1), o.mul(o.c(1e300), x)));
    },
  },
  {
    id: ACT_LOGISTIC,
    name: "logistic",
    trainable: true,
    elementwise: true,
    init: "xavier",
    parameter: "none",
    gamma: 0,
    f: logistic,
    df: function (x, y) {
      return y * (1 - y);
    },
    build: function (o, x) {
      return o.div(o.c(1), o.add(o.c(1), o.exp(o.sub(o.c(0), x))));
    },
  },
  {
    id: ACT_TANH,
    name: "tanh",
    trainable: true,
    elementwise: true,
    init: "xavier",
    parameter: "none",
    gamma: 0,
    f: tanh,
    df: function (x, y) {
      return 1 - y * y;
    },
    build: function (o, x) {
      var s = o.div(o.c(1), o.add(o.c(1), o.exp(o.mul(o.c(-2), x))));
      return o.sub(o.mul(o.c(2), s), o.c(1));
    },
  },
  {
    // First-order Taylor expansion of sigma at 0, clipped to [0, 1].
    id: ACT_HARD_LOGISTIC,
    name: "hard-logistic",
    trainable: true,
    elementwise: true,
    init: "xavier",
    parameter: "none",
    gamma: 0,
    f: function (x) {
      var v = 0.25 * x + 0.5;
      return v < 0 ? 0 : v > 1 ? 1 : v;
    },
    df: function (x) {
      return x > -2 && x < 2 ? 0.25 : 0;
    },
    build: function (o, x) {
      return o.max(o.c(0), o.min(o.c(1), o.add(o.mul(o.c(0.25), x), o.c(0.5))));
    },
  },
  {
    // First-order Taylor expansion of tanh at 0, clipped to [-1, 1].
    id: ACT_HARD_TANH,
    name: "hard-tanh",
    trainable: true,
    elementwise: true,
    init: "xavier",
    parameter: "none",
    gamma: 0,
    f: function (x) {
      return Math.min(1, Math.max(-1, x));
    },
    df: function (x) {
      return x > -1 && x < 1 ? 1 : 0;
    },
    build: function (o, x) {
      return o.max(o.c(-1), o.min(o.c(1), x));
    },
  },
  {
    id: ACT_RELU,
    name: "relu",
    trainable: true,
    elementwise: true,
    init: "he",
    parameter: "none",
    gamma: 0,
    f: function (x) {
      return Math.max(0, x);
    },
    df: function (x) {
      return x > 0 ? 1 : 0;
    },
    build: function (o, x) {
      return o.max(o.c(0), x);
    },
  },
  {
    // max(0, x) + gamma min(0, x)
    id: ACT_LEAKY_RELU,
    name: "leaky-relu",
    trainable: true,
    elementwise: true,
    init: "he",
    parameter: "layer",
    gamma: 0.01,
    f: leakyF,
    df: leakyDf,
    build: leakyBuild,
  },
  {
    // Leaky ReLU whose gamma_i is learned per neuron: dy/dgamma_i = min(0, x).
    id: ACT_PRELU,
    name: "prelu",
    trainable: true,
    elementwise: true,
    init: "he",
    parameter: "neuron",
    gamma: 0.25,
    f: leakyF,
    df: leakyDf,
    build: leakyBuild,
  },
  {
    // max(0, x) + min(0, gamma (exp(x) - 1)); f'(x) = gamma exp(x) = y + gamma for x <= 0.
    id: ACT_ELU,
    name: "elu",
    trainable: true,
    elementwise: true,
    init: "he",
    parameter: "layer",
    gamma: 1,
    f: function (x, g) {
      return x > 0 ? x : g * (Math.exp(x) - 1);
    },
    df: function (x, y, g) {
      return x > 0 ? 1 : y + g;
    },
    build: function (o, x, g) {
      return o.add(o.max(o.c(0), x), o.min(o.c(0), o.mul(g, o.sub(o.exp(x), o.c(1)))));
    },
  },
  {
    // log(1 + exp(x)), the smooth ReLU; f'(x) = sigma(x).
    id: ACT_SOFTPLUS,
    name: "softplus",
    trainable: true,
    elementwise: true,
    init: "he",
    parameter: "none",
    gamma: 0,
    f: softplus,
    df: function (x) {
      return logistic(x);
    },
    build: function (o, x) {
      return o.log(o.add(o.c(1), o.exp(x)));
    },
  },
  {
    // Not elementwise: a_i = exp(z_i) / sum_k exp(z_k). Output layer only, paired
    // with cross-entropy, where delta(L) = y_hat - y needs no f'.
    id: ACT_SOFTMAX,
    name: "softmax",
    trainable: true,
    elementwise: false,
    init: "xavier",
    parameter: "none",
    gamma: 0,
    f: function () {
      throw new Error("softmax is not elementwise: use it on the output layer");
    },
    df: function () {
      throw new Error("softmax is not elementwise: use it on the output layer");
    },
    build: function () {
      throw new Error("softmax is not elementwise: use it on the output layer");
    },
  },
];

export var ACTIVATION_NAMES: ActivationName[] = /* @__PURE__ */ ACTIVATIONS.map(function (a) {
  return a.name;
});

export function activationById(id: number): Activation {
  var a = ACTIVATIONS[id];
  if (!a || a.id !== id) throw new Error("unknown activation id " + id);
  return a;
}

export function activationByName(name: string): Activation {
  for (var i = 0; i < ACTIVATIONS.length; i++) if (ACTIVATIONS[i].name === name) return ACTIVATIONS[i];
  throw new Error('unknown activation "' + name + '": expected one of ' + ACTIVATION_NAMES.join(", "));
}
