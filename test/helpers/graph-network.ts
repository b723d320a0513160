// The independent oracle: a network's structured risk rebuilt as a computation
// graph of scalar operations (reverse-mode AD), from the activation table's
// formulas in basic operations. It shares no code with backprop.
import { ACT_LOGISTIC, ACT_SOFTMAX, DataSet, LossName, Network } from "../../src/core/index";
import { backwardGraph, graphOps as o, Node, sum, variable } from "../../src/core/check/index";

export function graphGradient(net: Network, data: DataSet, rows: number[], loss: LossName, lambda: number): Float64Array {
  const P = net.params;
  const params: Node[] = Array.from(P, (v) => variable(v));
  const terms: Node[] = [];
  const d = data.inputSize;
  for (const row of rows) {
    let a: Node[] = [];
    for (let j = 0; j < d; j++) a.push(o.c((data.x[row * d + j] - net.mean[j]) * net.invStd[j]));
    let z: Node[] = [];
    for (const L of net.layers) {
      z = [];
      for (let i = 0; i < L.nOut; i++) {
        const prods = a.map((aj, j) => o.mul(params[L.wOff + i * L.nIn + j], aj));
        z.push(o.add(sum(prods), params[L.bOff + i]));
      }
      if (L.act === ACT_SOFTMAX)
        a = z; // handled by the loss below
      else a = z.map((zi, i) => L.activation.build(o, zi, L.pOff >= 0 ? params[L.pOff + i] : o.c(L.gamma)));
    }
    const out = net.layers[net.layers.length - 1];
    const n = out.nOut;
    const y = (k: number): number => {
      if (data.classes) return n === 1 ? data.classes[row] : data.classes[row] === k ? 1 : 0;
      return data.targets![row * n + k];
    };
    if (loss === "cross-entropy" && out.act === ACT_SOFTMAX) {
      // -sum_k y_k log softmax(z)_k, written with exp, log, division
      const s = sum(z.map((zk) => o.exp(zk)));
      for (let k = 0; k < n; k++) if (y(k) !== 0) terms.push(o.mul(o.c(-y(k)), o.log(o.div(o.exp(z[k]), s))));
    } else if (loss === "cross-entropy" && out.act === ACT_LOGISTIC) {
      for (let k = 0; k < n; k++) {
        // -(y log a + (1 - y) log(1 - a))
        const ak = a[k];
        terms.push(o.sub(o.c(0), o.add(o.mul(o.c(y(k)), o.log(ak)), o.mul(o.c(1 - y(k)), o.log(o.sub(o.c(1), ak))))));
      }
    } else {
      for (let k = 0; k < n; k++) {
        const e = o.sub(a[k], o.c(y(k)));
        terms.push(o.mul(o.c(0.5), o.mul(e, e)));
      }
    }
  }
  const penalty: Node[] = [];
  for (const L of net.layers) for (let k = L.wOff; k < L.bOff; k++) penalty.push(o.mul(params[k], params[k]));
  const R = o.add(o.div(sum(terms), o.c(rows.length)), o.mul(o.c(0.5 * lambda), sum(penalty)));
  backwardGraph(R);
  return Float64Array.from(params, (p) => p.grad);
}
