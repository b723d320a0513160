// Seeded random initialisation: Xavier (Glorot) uniform, U(-r, r) with
// r = sqrt(6 / (M_(l-1) + M_l)), for the sigmoid family and linear layers;
// He normal, N(0, 2 / M_(l-1)), for the ReLU family. Biases start at 0,
// PReLU gammas at their initial slope.

import { Network } from "./network";
import { Rng } from "./rng";

export function initialize(net: Network, rng: Rng): void {
  var P = net.params;
  for (var l = 0; l < net.layers.length; l++) {
    var L = net.layers[l],
      i = 0;
    if (L.activation.init === "he") {
      var sd = Math.sqrt(2 / L.nIn);
      for (i = L.wOff; i < L.bOff; i++) P[i] = rng.normal() * sd;
    } else {
      var r = Math.sqrt(6 / (L.nIn + L.nOut));
      for (i = L.wOff; i < L.bOff; i++) P[i] = (2 * rng.float() - 1) * r;
    }
    for (i = 0; i < L.nOut; i++) P[L.bOff + i] = 0;
    if (L.pOff >= 0) for (i = 0; i < L.nOut; i++) P[L.pOff + i] = L.gamma;
  }
}
