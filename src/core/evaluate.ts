// Loss and accuracy of a network on a data set (the data term only, no L2).

import { DataSet } from "./dataset";
import { isCorrect, LossName, outputDelta } from "./loss";
import { forward, Network } from "./network";

export interface Evaluation {
  n: number;
  /** mean loss per sample */
  loss: number;
  /** fraction classified right (classification); NaN for regression */
  accuracy: number;
  /** number of misclassified rows (classification); 0 for regression */
  errors: number;
}

export function evaluate(net: Network, data: DataSet, loss: LossName): Evaluation {
  var total = 0,
    errors = 0,
    d = data.inputSize;
  for (var i = 0; i < data.n; i++) {
    forward(net, data.x, i * d);
    outputDelta(net, loss, data, i, null);
    total += net.sampleLoss;
    if (data.classes && !isCorrect(net, data, i)) errors++;
  }
  return {
    n: data.n,
    loss: data.n > 0 ? total / data.n : 0,
    accuracy: data.classes ? (data.n > 0 ? 1 - errors / data.n : 0) : NaN,
    errors: errors,
  };
}
