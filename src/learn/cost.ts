// What fine-tuning the last k layers costs in RAM, in the interpreter's blocks
// (docs/ON-BOARD-LEARNING.md). Shared by the learner (it refuses to start when
// the board's free blocks would not hold it) and `edgefnn info --learn k`.
//
// Per-sample SGD stores no gradient: the update is fused with the backward
// pass (W <- W - alpha (delta a^T + lambda W) as delta is known). What is held:
//   the trained layers' parameters P (W, b, PReLU gammas): float32, 4 bytes each
//   per trained layer z, a, delta (3 x M_l floats); one scratch as wide as the widest
//   the ring buffer: N feature vectors a(L-k) (N x M_(L-k) floats) and N labels
//   the frozen layers' two ping-pong buffers and their scales/biases copy
//   during fit(): the host's train() keeps the best epoch's P and a gradient
//   buffer (2 P), the shuffle order (N), and the validation split's copy of the buffer
// Each typed array costs its bytes in flat blocks plus ~3 blocks (the view,
// its buffer, the variable); the learner's functions and objects a fixed
// LEARNER_FIXED_BLOCKS, each trained layer after the first LAYER_BLOCKS more
// (its object's properties): both fitted to the interpreter's Linux build
// (docs/ESPRUINO-MEASUREMENTS.md, within 20 blocks on 7 models).

import { ACT_PRELU } from "../core/activations";

/** blocks of the learner's functions, objects and properties, without its arrays
 * (measured: docs/ESPRUINO-MEASUREMENTS.md) */
export var LEARNER_FIXED_BLOCKS = 260;
/** blocks of each trained layer's object beyond the first */
export var LAYER_BLOCKS = 26;

export interface LearnCost {
  /** parameters trained */
  params: number;
  /** bytes of arrays held between calls */
  bytes: number;
  /** extra bytes fit() allocates while it runs */
  fitBytes: number;
  /** blocks: held + fit()'s, at blocksize bytes a block */
  blocks: number;
}

/** The cost of learning the last k layers of a model with layer table T (format.ts) and a buffer of N samples. */
export function learnCost(T: ArrayLike<number>, k: number, N: number, blocksize: number): LearnCost {
  var L = T.length / 8,
    first = L - (k > L ? L : k),
    P = 0,
    act = 0,
    arrays = 0,
    widest = T[8 * first],
    frozen = T[0],
    l = 0;
  var M = T[8 * first],
    n = 0,
    bytes = 0;
  for (l = first; l < L; l++) {
    n = T[8 * l + 1];
    P += n * T[8 * l] + n + (T[8 * l + 2] === ACT_PRELU ? n : 0);
    if (T[8 * l + 2] === ACT_PRELU) act = 1;
    if (n > widest) widest = n;
    bytes += 12 * n;
    arrays += 3;
  }
  for (l = 0; l < first; l++) if (T[8 * l + 1] > frozen) frozen = T[8 * l + 1];
  // P (and a PReLU gradient), scratch, input, mean, 1/std, buffer x and labels, one sample
  bytes += 4 * P * (1 + act) + 4 * widest + 16 * M + 4 * N * M + 4 * N;
  arrays += 7 + act;
  // the frozen layers' buffers: A, B, their scales and biases, a gamma
  if (first) {
    bytes += 8 * frozen + 4 * Math.max(2 * T[0], 3 * frozen) + 4;
    arrays += 4;
  }
  var fitBytes = 8 * P + 4 * N + 4 * N * M + 4 * N;
  // fit(): its 7 arrays and objects, and the one epoch's statistics it keeps
  var blocks = LEARNER_FIXED_BLOCKS + LAYER_BLOCKS * (L - first - 1) + Math.ceil((bytes + fitBytes) / blocksize) + 3 * (arrays + 7) + 12;
  return { params: P, bytes: bytes, fitBytes: fitBytes, blocks: blocks };
}
