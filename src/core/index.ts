// The numeric core: what the textbook's chapter on feed-forward networks
// describes. This list is the core's public surface (re-exported by
// edgefnn/host): every name once, grouped, with what it is for. The test
// oracles (dual numbers, reverse-mode AD, the gradient checker, synthetic
// data) live in ./check and are not part of it.

// ---- types shared by everything ----
/** Float32Array or Float64Array: a network's parameter and activation buffers */
export type { FloatArray, ArrayKind } from "./types";

// ---- activations: the table that decides ----
export {
  /** every activation: id, name, f, f', formula, trainable, has-parameter, init family */
  ACTIVATIONS,
  /** the table's names, in id order (the CLI's list) */
  ACTIVATION_NAMES,
  /** the table entry of a stored id; throws for an unknown id */
  activationById,
  /** the table entry of a name; throws naming the known ones */
  activationByName,
  /** the scalar logistic sigma(x), overflow-safe */
  logistic,
  /** the scalar tanh(x) = 2 sigma(2x) - 1 (the board's formula) */
  tanh,
  /** the scalar softplus log(1 + e^x), overflow-safe */
  softplus,
  /** stable activation ids, as stored in .efnn files */
  ACT_LINEAR,
  ACT_STEP,
  ACT_LOGISTIC,
  ACT_TANH,
  ACT_HARD_LOGISTIC,
  ACT_HARD_TANH,
  ACT_RELU,
  ACT_LEAKY_RELU,
  ACT_PRELU,
  ACT_ELU,
  ACT_SOFTPLUS,
  ACT_SOFTMAX,
} from "./activations";
/** Activation: a table entry; ActivationName: its name; InitFamily: xavier or he; Ops: the basic operations a formula is written in */
export type { Activation, ActivationName, InitFamily, Ops } from "./activations";
export {
  /** a = f(z) over a layer (the forward pass's activation loop; the board runtime's too) */
  applyActivation,
  /** delta = e * f'(z) over a layer (PReLU also accumulates dL/dgamma) */
  applyDerivative,
  /** a = softmax(z), shifted by max(z); optionally log sum exp(z) (the board runtime's) */
  softmax,
  /** softmax() with log sum exp(z), the same bits, one exp fewer (the host's forward pass) */
  softmaxLse,
} from "./apply-activation";

// ---- networks: building and running ----
export {
  /** a zeroed Float32Array or Float64Array of n values */
  allocate,
  /** the number of parameters a spec needs (weights, biases, PReLU gammas) */
  countParams,
  /** a network from a spec: one parameter buffer, all work buffers allocated once */
  createNetwork,
  /** the spec that rebuilds a network's shape */
  networkSpec,
  /** z = W a + b of one layer, four rows at a time, each row summed in index order */
  denseForward,
  /** a(0) = (x - mean) * invStd */
  setInput,
  /** the forward pass; returns net.output */
  forward,
  /** index of the largest value (ties: the first) */
  argmax,
  /** the predicted class of one input (no softmax computed) */
  classify,
  /** forward() of n rows of a flat array, the same bits per row */
  forwardBatch,
  /** classify() of n rows of a flat array, the same bits per row */
  classifyBatch,
} from "./network";
/** Network, Layer: a network and its layers; NetworkSpec, LayerSpec: what createNetwork takes */
export type { Layer, LayerSpec, Network, NetworkSpec } from "./network";
export {
  /** Xavier or He initial weights (per the activation table), zero biases */
  initialize,
} from "./init";
export {
  /** a seeded generator (float, normal, int) */
  createRng,
  /** Fisher-Yates shuffle of the first n entries */
  shuffle,
} from "./rng";
/** Rng: the seeded generator's interface */
export type { Rng } from "./rng";

// ---- data ----
export {
  /** a classification set from rows and class indices */
  classificationSet,
  /** a regression set from rows and target rows */
  regressionSet,
  /** the rows at the given indices, as a new set */
  subset,
  /** a seeded random split into train and test */
  split,
  /** per-feature mean and 1/std (the model's input normalization) */
  standardization,
} from "./dataset";
/** DataSet: n rows of features, flat, with classes or targets */
export type { DataSet } from "./dataset";

// ---- training ----
export {
  /** the loss a network's output layer implies */
  defaultLoss,
  /** checks a loss against the network's output layer and the data; throws saying what to change */
  checkLoss,
  /** after forward(): delta(L) and net.sampleLoss for one row */
  outputDelta,
  /** whether a row's prediction is right (classification) */
  isCorrect,
} from "./loss";
/** LossName: cross-entropy or squared-error */
export type { LossName } from "./loss";
export {
  /** G += dL/dparams of the current sample (backpropagation) */
  backward,
  /** the fused per-sample SGD step W <- W (1 - alpha lambda) - alpha delta a^T */
  sgdStep,
} from "./backprop";
/** SgdRate: alpha and lambda of an SGD step */
export type { SgdRate } from "./backprop";
export {
  /** sgd, momentum or Adam over an accumulated gradient */
  createOptimizer,
} from "./optimizers";
/** OptimizerName, OptimizerOptions: which optimizer and its constants; Optimizer: its step() */
export type { Optimizer, OptimizerName, OptimizerOptions } from "./optimizers";
export {
  /** the public training step: a Trainer whose step(row) is what train() runs per sample */
  createTrainer,
  /** throws if a layer's activation cannot be trained by gradient descent (per the table) */
  checkTrainable,
} from "./train-step";
/** StepOptions: a Trainer's options; Trainer: step(row), flush(), learningRate */
export type { StepOptions, Trainer } from "./train-step";
export {
  /** the training loop: epochs, shuffles or a caller's order, validation, early stopping */
  train,
} from "./train";
/** TrainOptions: train()'s options; EpochStats: one epoch's numbers; TrainResult: history and the kept epoch */
export type { EpochStats, TrainOptions, TrainResult } from "./train";
export {
  /** loss, accuracy and errors of a network on a data set */
  evaluate,
} from "./evaluate";
/** Evaluation: what evaluate() returns */
export type { Evaluation } from "./evaluate";

// ---- models and the .efnn format ----
export {
  /** a Model (weights, scales, labels, metadata) from a trained network */
  modelFromNetwork,
  /** a float network from a Model (quantized weights dequantized) */
  networkFromModel,
  /** a Model's .efnn bytes */
  encodeModel,
  /** a Model from .efnn bytes, every value checked */
  decodeModel,
} from "./model";
/** Model: a stored network; ModelLayer: one of its layers; Weights: a layer's weight array */
export type { Model, ModelLayer, Weights } from "./model";
export {
  /** the validating parser of an .efnn file's layout (shared by host and board) */
  decodeLayout,
  /** the u16 little-endian at an offset */
  u16,
  /** throws an Error with the message (the format's and the runtime's one way to refuse) */
  fail,
  /** the label strings of a file */
  readLabels,
  /** the newest format version written */
  FORMAT_VERSION,
  /** header flag: missing inputs are imputed with the normalization's center */
  FLAG_IMPUTE,
  /** weight types: float32, int16, int8 */
  WEIGHT_F32,
  WEIGHT_I16,
  WEIGHT_I8,
  /** bytes per weight of each weight type */
  WEIGHT_BYTES,
  /** format limits: layers, label length, header size */
  MAX_LAYERS,
  MAX_LABEL_LENGTH,
  HEADER_BYTES,
  /** the layer table's columns: sizes, activation, weight type, byte offsets of weights, scales, biases, gammas */
  T_IN,
  T_OUT,
  T_ACT,
  T_WTYPE,
  T_W,
  T_S,
  T_B,
  T_P,
} from "./format";
/** Layout: what decodeLayout returns */
export type { Layout } from "./format";
export {
  /** the metadata section: tasks, imputations, the name length limit */
  TASKS,
  IMPUTATIONS,
  MAX_NAME_BYTES,
  /** the metadata section's bytes (null when there is none to write) */
  encodeMeta,
  /** the metadata section from bytes */
  decodeMeta,
} from "./metadata";
/** ModelMeta: feature and target names, task, imputation */
export type { ModelMeta } from "./metadata";
export {
  /** CRC-32 (IEEE) of bytes, the file's checksum */
  crc32,
} from "./crc32";

// ---- quantization ----
export {
  /** a Model with int8/int16 weights and per-row scales */
  quantizeModel,
  /** a layer's weights as float64, scales applied */
  dequantizedWeights,
  /** a Model given another Model's metadata (names, target, task, imputation) */
  withMeta,
  /** the float Model with layer 1's weights times invStd (what a folded quantization quantizes) */
  withScaledInputs,
  /** per layer, the largest |w - dequantized w| */
  maxWeightErrors,
} from "./quantize";
/** WeightBits: 8, 16 or 32; QuantizeOptions: quantizeModel's options */
export type { QuantizeOptions, WeightBits } from "./quantize";

// ---- fine-tuning the last layers (the board's learner, on the host) ----
export {
  /** a(first) of an input through a model's frozen layers, as the runtime computes it */
  frozenFeatures,
  /** the layers from `first` on as a float32 Network to train */
  tailNetwork,
} from "./fine-tune";
