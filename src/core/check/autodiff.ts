// Reverse-mode automatic differentiation over a computation graph of scalar
// operations (+, -, *, /, exp, log, max, min). Each operation records its
// value and its local derivatives with respect to its inputs; backward() walks
// the graph in reverse topological order applying the chain rule, so one pass
// gives dOutput/dNode for every node: the efficient mode for a scalar loss of
// many parameters (backpropagation is this, specialised to layers).
// In edgefnn it is the independent oracle for whole-network gradients.

import { Ops } from "../activations";

export interface Node {
  value: number;
  grad: number;
  /** inputs and the local derivatives d(this)/d(input) */
  inputs: Node[];
  locals: number[];
  /** marks the last backward pass that reached this node */
  visit: number;
}

function node(value: number, inputs: Node[], locals: number[]): Node {
  return { value: value, grad: 0, inputs: inputs, locals: locals, visit: 0 };
}

/** A leaf: a variable (parameter or input) of the graph. */
export function variable(value: number): Node {
  return node(value, [], []);
}

export var graphOps: Ops<Node> = {
  c: function (v) {
    return node(v, [], []);
  },
  add: function (a, b) {
    return node(a.value + b.value, [a, b], [1, 1]);
  },
  sub: function (a, b) {
    return node(a.value - b.value, [a, b], [1, -1]);
  },
  mul: function (a, b) {
    return node(a.value * b.value, [a, b], [b.value, a.value]);
  },
  div: function (a, b) {
    return node(a.value / b.value, [a, b], [1 / b.value, -a.value / (b.value * b.value)]);
  },
  exp: function (a) {
    var e = Math.exp(a.value);
    return node(e, [a], [e]);
  },
  log: function (a) {
    return node(Math.log(a.value), [a], [1 / a.value]);
  },
  // the derivative flows to the selected input (at a tie, the first)
  max: function (a, b) {
    return a.value >= b.value ? node(a.value, [a], [1]) : node(b.value, [b], [1]);
  },
  min: function (a, b) {
    return a.value <= b.value ? node(a.value, [a], [1]) : node(b.value, [b], [1]);
  },
};

var generation = 0;

/** Sets out.grad = 1 and accumulates d(out)/d(node) into every node's grad. */
export function backwardGraph(out: Node): void {
  // Topological order by an explicit stack (graphs of whole networks are deep
  // enough to overflow recursion); `visit` marks nodes seen in this pass.
  var mark = ++generation,
    order: Node[] = [];
  var stack: { n: Node; i: number }[] = [{ n: out, i: 0 }];
  out.visit = mark;
  while (stack.length) {
    var top = stack[stack.length - 1];
    if (top.i < top.n.inputs.length) {
      var child = top.n.inputs[top.i++];
      if (child.visit !== mark) {
        child.visit = mark;
        stack.push({ n: child, i: 0 });
      }
    } else {
      order.push(top.n);
      stack.pop();
    }
  }
  out.grad = 1;
  for (var i = order.length - 1; i >= 0; i--) {
    var n = order[i];
    for (var j = 0; j < n.inputs.length; j++) n.inputs[j].grad += n.locals[j] * n.grad;
  }
}

/** Sum of many nodes without a deep chain of binary adds. */
export function sum(nodes: Node[]): Node {
  var v = 0,
    locals: number[] = [];
  for (var i = 0; i < nodes.length; i++) {
    v += nodes[i].value;
    locals.push(1);
  }
  return node(v, nodes.slice(0), locals);
}
