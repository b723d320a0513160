#!/usr/bin/env node
// The gesture app (dist/gestures.min.js, as upload --app gestures installs it)
// and its teach mode on a real Espruino interpreter (its Linux build, made by
// hand outside this repository): the blocks the app holds with and without the
// learning module in Storage, and during and after teaching. Run it as
//   ESPRUINO=/path/to/espruino node scripts/gestures-on-espruino.mjs
// The Linux build has no accelerometer or button: a stand-in Puck object takes the
// app's accelerometer listener, and the script calls them with a seeded
// user's readings (host-tools/sim/accelerometer.ts, 52 Hz, windows of 26) and
// with the button's events as setWatch gives them ({time, lastTime}: 1.2 s
// and 1.1 s presses) by calling the app's handler, gestButton. Everything else
// (the features, the runtime, the learner, Storage, save) is the interpreter's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { register } from "tsx/esm/api";
import { espruinoBinary, runInTurn, storageDir, storageWrites } from "./espruino-run.mjs";

register();
const core = await import("../src/core/index.ts");
const { computeFeatures, createWindow, FEATURE_COUNT, pushSample } = await import("../src/features/window-features.ts");
const { SyntheticAccelerometer } = await import("../host-tools/sim/accelerometer.ts");
const espruino = espruinoBinary();
const root = new URL("..", import.meta.url).pathname;
const dist = (f) => readFileSync(join(root, "dist", f), "latin1");
const RATE = 52,
  WIN = 26,
  CLASSES = ["still", "shake", "circle"];

// the shipped model: 20-8-3 hard-tanh trained on the generator's own style, int8 (as test/learn/teach-mode.test.ts)
const acc = new SyntheticAccelerometer({ seed: 1 }),
  xs = [],
  ys = [],
  w = createWindow(WIN, WIN);
CLASSES.forEach((g, c) => {
  acc.setGesture(g);
  while (xs.length < 60 * (c + 1)) {
    const r = acc.next(RATE);
    if (pushSample(w, Math.round(r.x * 1000), Math.round(r.y * 1000), Math.round(r.z * 1000))) {
      xs.push(computeFeatures(w, new Float32Array(FEATURE_COUNT)));
      ys.push(c);
    }
  }
});
const data = core.classificationSet(xs, ys, 3);
const net = core.createNetwork({
  inputSize: FEATURE_COUNT,
  layers: [
    { size: 8, activation: "hard-tanh" },
    { size: 3, activation: "softmax" },
  ],
});
const st = core.standardization(data);
net.mean.set(st.mean);
net.invStd.set(st.invStd);
core.train(net, data, { learningRate: 0.05, epochs: 60, seed: 1 });
const model = core.encodeModel(core.quantizeModel(core.modelFromNetwork(net, CLASSES), 8));
const crc = core
  .crc32(model, model.length - 4)
  .toString(16)
  .padStart(8, "0");

// the user's raw Puck.js readings (8192 per g): 5 windows of each gesture, bigger, slower, rolled
const user = new SyntheticAccelerometer({ seed: 7, style: { amplitude: 1.8, tempo: 0.6, roll: 0.8 } });
const readings = CLASSES.map((g) => {
  user.setGesture(g);
  const out = [];
  for (let i = 0; i < 5 * WIN; i++) {
    const r = user.next(RATE);
    out.push([r.x, r.y, r.z].map((v) => Math.round(v * 8192)));
  }
  return out;
});

for (const learn of [false, true]) {
  const dir = storageDir("gestures-esp");
  const setup =
    storageWrites({
      edgefnn: dist("edgefnn.min.js"),
      "edgefnn-features": dist("edgefnn-features.min.js"),
      ...(learn ? { "edgefnn-learn": dist("edgefnn-learn.min.js") } : {}),
      "gestures.js": dist("gestures.min.js"),
      "gestures.json": JSON.stringify({ edgefnn: 1, rate: RATE, window: WIN, hop: WIN, threshold: 0.5 }),
      ["gestures." + crc]: model,
      "edgefnn.active": JSON.stringify({ file: "gestures." + crc, name: "gestures", bytes: model.length }),
    }) + "quit();\n";
  const run = `
var R = ${JSON.stringify(readings)};
var u = function () { return process.memory().usage; };
var listener = null, watch = null;
Puck = { accelOn: function () {}, removeAllListeners: function () {}, on: function (e, f) { listener = f; } };
// the Linux build's pins are numbers: D0 stands for the button (nothing presses it; the script calls the app's handler)
var BTN = D0;
var u0 = u();
eval(require("Storage").read("gestures.js"));
var u1 = u();
if (gestCanLearn) watch = gestButton;
var i = 0, k = 0;
// classify a window first (the model and its buffers as the app holds them)
for (i = 0; i < ${WIN}; i++) listener({ acc: { x: R[1][i][0], y: R[1][i][1], z: R[1][i][2] } });
var u2 = u();
print("MEASURE app " + (u1 - u0) + " classifying " + (u2 - u0) + " free " + process.memory().free + " blocksize " + process.memory().blocksize);
if (watch) {
  watch({ time: 2.2, lastTime: 1 });
  var u3 = u();
  var peak = u3;
  for (k = 0; k < 3; k++) {
    watch({ time: 10 + k + 1.1, lastTime: 10 + k });
    for (i = 0; i < R[k].length; i++) {
      listener({ acc: { x: R[k][i][0], y: R[k][i][1], z: R[k][i][2] } });
      if (u() > peak) peak = u();
    }
  }
  var u4 = u();
  print("MEASURE teachStart " + (u3 - u0) + " taughtPeak " + (peak - u0) + " afterSave " + (u4 - u0) + " active " + require("Storage").read("edgefnn.active"));
}
quit();
`;
  // first run: the files into Storage (kept in ./espruino.flash); the second runs the app
  const out = runInTurn(
    espruino,
    dir,
    [
      ["setup.js", setup],
      ["run.js", run],
    ],
    { openStdin: true },
  );
  console.log(`${learn ? "with edgefnn-learn" : "without edgefnn-learn"}:`);
  console.log(
    out
      .split("\n")
      .filter((l) => /^(MEASURE|G,|T,|Uncaught|ERROR)/.test(l) || /Error/.test(l))
      .map((l) => "  " + l)
      .join("\n"),
  );
}
