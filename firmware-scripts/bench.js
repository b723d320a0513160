// On-board speed and memory of a model, on a board or any Espruino interpreter.
// Needs the runtime as the Storage module "edgefnn" and a model file in Storage.
// Set BENCH_MODEL (Storage name, default "model.efnn") and BENCH_RUNS (default
// 100) before loading this script to change them. Prints one JSON line:
//   ms        milliseconds per inference (run), the best of 5 batches of
//             BENCH_RUNS (the least disturbed by whatever else the CPU does)
//   floorMs   the bare E.convolve calls of the same rows (row views made
//             beforehand): the native multiply-adds alone
//   ratio     ms / floorMs
//   loadBlocks   blocks taken by loading the model (its file stays in flash)
//   runBlocks    change of `usage` after BENCH_RUNS more runs (should be 0)
var BENCH_NAME = typeof BENCH_MODEL !== "undefined" ? BENCH_MODEL : "model.efnn";
var BENCH_N = typeof BENCH_RUNS !== "undefined" ? BENCH_RUNS : 100;

function benchUsage() {
  return process.memory().usage;
}

/** seconds per call of f, the best of 5 batches of n calls */
function benchBest(f, n) {
  var best = 1e9, b = 0, i = 0, t0 = 0;
  for (b = 0; b < 5; b++) {
    t0 = getTime();
    for (i = 0; i < n; i++) f();
    t0 = getTime() - t0;
    if (t0 < best) best = t0;
  }
  return best / n;
}

function benchModel(name, n) {
  var nn = require("edgefnn"), m = null, u0 = 0, u1 = 0, u2 = 0, u3 = 0, i = 0, k = 0, runSec = 0;
  require("Storage").read(name); // the Storage module's own first-use cost is not the model's
  u0 = benchUsage();
  m = nn.loadFile(name);
  u1 = benchUsage();
  var x = new Float32Array(m.inputSize);
  for (i = 0; i < x.length; i++) x[i] = Math.sin(i);
  m.run(x);
  u2 = benchUsage();
  runSec = benchBest(function () { m.run(x); }, n);
  u3 = benchUsage();

  // The floor: the same rows' dot products, views made beforehand.
  var buf = E.toArrayBuffer(require("Storage").read(name));
  // (with the native CRC: the JS fallback would build a 1 KB table on the board)
  var lay = nn.layout(new Uint8Array(buf), function (len) { return E.CRC32(require("Storage").read(name, 0, len)); });
  var types = [Float32Array, Int16Array, Int8Array], bytes = [4, 2, 1];
  var rows = [], acc = new Float32Array(lay.widest);
  for (var l = 0; l < lay.G.length; l++) {
    var t = 8 * l, nIn = lay.T[t], nOut = lay.T[t + 1], w = lay.T[t + 3], off = lay.T[t + 4];
    for (k = 0; k < nOut; k++) rows.push(new types[w](buf, off + k * nIn * bytes[w], nIn));
  }
  var floor = benchBest(function () { for (var k = 0; k < rows.length; k++) E.convolve(rows[k], acc, 0); }, n) * 1000;
  var ms = runSec * 1000;
  return {
    model: name,
    runs: n,
    ms: ms,
    floorMs: floor,
    ratio: ms / floor,
    loadBlocks: u1 - u0,
    runBlocks: u3 - u2,
    blocksize: process.memory().blocksize,
  };
}

print("BENCH " + JSON.stringify(benchModel(BENCH_NAME, BENCH_N)));
