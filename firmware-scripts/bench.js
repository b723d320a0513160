// On-board speed and memory of a model, on a board or any Espruino interpreter.
// Needs the runtime as the Storage module "edgefnn" and a model file in Storage.
// Set BENCH_MODEL (Storage name, default "model.efnn") and BENCH_RUNS (default
// 50) before loading this script to change them. Prints one JSON line:
//   ms           milliseconds per inference (run)
//   classifyMs   the same for classify (no output softmax)
//   floorMs      the bare E.convolve calls of the same rows, one call a row
//                (row views made beforehand, visited through a linked list:
//                indexing an Espruino array walks it, and a 170-row array
//                made the floor ~25% slower, flattering the ratio)
//   nativeMs     one E.convolve call a layer over all its weights: the same
//                multiply-adds with no interpreted step between rows
//   ratio, classifyRatio   ms / floorMs, classifyMs / floorMs
//   requireBlocks  blocks taken by require("edgefnn") (the runtime, once)
//   loadBlocks   blocks taken by loading the model (its file stays in flash);
//                the first load of a session also makes the interpreter create
//                the built-ins it uses (Uint8Array, Int32Array...) once
//   nextLoadBlocks  the same model loaded again: what each model costs
//   runBlocks    change of `usage` after 1,000 more runs (should be 0)
// The three timings are taken in turns, 7 batches of BENCH_RUNS calls each, and
// each is the best of its batches: whatever else the CPU does (a desktop, a VM)
// then disturbs all three alike instead of whichever ran during a busy second.
var BENCH_NAME = typeof BENCH_MODEL !== "undefined" ? BENCH_MODEL : "model.efnn";
var BENCH_N = typeof BENCH_RUNS !== "undefined" ? BENCH_RUNS : 50;

function benchUsage() {
  return process.memory().usage;
}

/** seconds per call of each function of fs, the best of 7 rounds of n calls each, taken in turns */
function benchBest(fs, n) {
  var best = [], r = 0, j = 0, i = 0, t0 = 0;
  for (j = 0; j < fs.length; j++) best.push(1e9);
  for (r = 0; r < 7; r++)
    for (j = 0; j < fs.length; j++) {
      t0 = getTime();
      for (i = 0; i < n; i++) fs[j]();
      t0 = getTime() - t0;
      if (t0 < best[j]) best[j] = t0;
    }
  for (j = 0; j < fs.length; j++) best[j] = (best[j] / n) * 1000;
  return best;
}

/** the change of usage over k runs of m on x, measured from a frame of its own
 * (where nothing else made a moment before can still be held), its variables
 * made before the first count (the interpreter makes a var when it runs its
 * statement: one made between the counts is a block) */
function benchLeak(m, x, k) {
  var u = 0, i = 0;
  u = benchUsage();
  for (; i < k; i++) m.run(x);
  return benchUsage() - u;
}

function benchModel(name, n) {
  require("Storage").read(name); // the Storage module's own first-use cost is not the model's
  var m = null, u0 = benchUsage(), u1 = 0, u3 = 0, i = 0, k = 0;
  var nn = require("edgefnn"), req = benchUsage() - u0;
  u0 = benchUsage();
  m = nn.loadFile(name);
  u1 = benchUsage();
  // a second model held while usage is read, then let go
  var _m2 = nn.loadFile(name), next = benchUsage() - u1;
  _m2 = null;
  var x = new Float32Array(m.inputSize);
  for (i = 0; i < x.length; i++) x[i] = Math.sin(i);
  m.run(x);

  // The floor: the same rows' dot products, views made beforehand. Models
  // over 64 KiB cannot have all their row views (byteOffset limit): no floor.
  var buf = E.toArrayBuffer(require("Storage").read(name));
  // (with the native CRC: the JS fallback would build a 1 KB table on the board)
  var lay = nn.layout(new Uint8Array(buf), function (len) { return E.CRC32(require("Storage").read(name, 0, len)); });
  var types = [Float32Array, Int16Array, Int8Array], bytes = [4, 2, 1];
  var head = null, tail = null, layers = [], acc = new Float32Array(lay.widest);
  for (var l = 0; l < lay.T.length / 8; l++) {
    var t = 8 * l, nIn = lay.T[t], nOut = lay.T[t + 1], w = lay.T[t + 3], off = lay.T[t + 4];
    for (k = 0; k < nOut; k++) {
      var row = { v: new types[w](buf, off + k * nIn * bytes[w], nIn), next: null };
      if (tail) tail.next = row;
      else head = row;
      tail = row;
    }
    // E.convolve wraps around its second argument: nIn inputs against all nOut rows
    layers.push({ w: new types[w](buf, off, nIn * nOut), x: new Float32Array(nIn) });
  }
  lay = null;
  var run = function () { m.run(x); }, classify = function () { m.classify(x); };
  var floor = function () { for (var r = head; r; r = r.next) E.convolve(r.v, acc, 0); };
  var native = function () { for (var k = 0; k < layers.length; k++) E.convolve(layers[k].w, layers[k].x, 0); };
  var ms = benchBest([floor, run, classify, native], n);
  u3 = benchLeak(m, x, 1000);
  return {
    model: name,
    runs: n,
    ms: ms[1],
    classifyMs: ms[2],
    floorMs: ms[0],
    nativeMs: ms[3],
    ratio: ms[1] / ms[0],
    classifyRatio: ms[2] / ms[0],
    requireBlocks: req,
    loadBlocks: u1 - u0,
    nextLoadBlocks: next,
    runBlocks: u3,
    blocksize: process.memory().blocksize,
  };
}

print("BENCH " + JSON.stringify(benchModel(BENCH_NAME, BENCH_N)));
