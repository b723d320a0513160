// edgefnn's gesture app for a Puck.js or Bangle.js: classifies accelerometer
// windows with the active model, on the board.
//
// Needs in Storage:
//   edgefnn           the runtime (edgefnn upload --runtime)
//   edgefnn.active    the pointer to the active model (edgefnn upload), a model
//                     trained on edgefnn collect's CSV
//   edgefnn-features  dist/edgefnn-features.min.js: the window features, the
//                     same code edgefnn collect ran on the host
//   gestures.json     optional: {"rate": 25, "window": 50, "hop": 50, "threshold": 0.6}
//                     (rate, window and hop as in the CSV's sidecar gestures.csv.json;
//                     upload puts an "edgefnn" key first, its mark, which this ignores)
// edgefnn upload --app gestures installs it: on a Bangle.js as the launcher app
// gestures.app.js (with gestures.info), leaving the Bootloader's .bootcde alone;
// on other boards as gestures.js, started at boot by a .bootcde of edgefnn's.
// Or run it by hand with load("gestures.js"). Per window it prints
//   G,<window number>,<label or ?>,<confidence %>,<ms for features + model>
// ("?" when the top probability is under the threshold), flashes an LED on a
// Puck.js (LED1, LED2, LED3 by class) and draws the label on a Bangle.js.
// Samples are converted to milli-g and rounded exactly as collect.js does, and
// go into a ring buffer allocated once: nothing is allocated per sample.
//
// Cost: per sample a ring-buffer write (no allocation); per window one pass of
// the features (about 4 x 20 multiply-adds per sample, interpreted) and one
// model.run. Each G line's last field is the measured ms per window, and
// process.memory().usage before and after load shows the app's blocks. Only
// the virtual board (edgefnn sim) has run this app so far: its ms are V8's and
// its block counts a model of the interpreter's, not a Puck.js's numbers.
var gestF = require("edgefnn-features");
var gestCfg = require("Storage").readJSON("gestures.json", 1) || {};
var gestRate = gestCfg.rate || 25;
var gestWin = gestF.createWindow(gestCfg.window || 50, gestCfg.hop || gestCfg.window || 50);
var gestFeats = new Float32Array(gestF.FEATURE_COUNT);
var gestThreshold = gestCfg.threshold || 0.6;
var gestCount = 0;
var gestMs = 0;
var gestModel = null;

function gestLoadModel() {
  if (typeof edgefnnModel !== "undefined") return edgefnnModel;
  var p = require("Storage").read("edgefnn.active");
  if (p === undefined) throw new Error("no active model: run edgefnn upload first");
  return require("edgefnn").loadFile(JSON.parse(p).file);
}

function gestShow(c, label) {
  if (typeof LED1 !== "undefined" && typeof digitalPulse !== "undefined" && c >= 0) digitalPulse([LED1, LED2, LED3][c % 3], 1, 80);
  if (typeof g !== "undefined" && g.drawString) {
    g.clear();
    g.setFontAlign(0, 0);
    g.setFont("Vector", 32);
    g.drawString(label, g.getWidth() / 2, g.getHeight() / 2);
    if (g.flip) g.flip();
  }
}

function gestWindow() {
  var t0 = getTime(), out = null, best = 0, i = 0, p = 0, label = "?";
  gestF.computeFeatures(gestWin, gestFeats);
  out = gestModel.run(gestFeats);
  // one output is a binary classifier (labels[1] above 0.5, docs/FORMAT.md); else the top output
  if (out.length === 1) {
    best = out[0] > 0.5 ? 1 : 0;
    p = best ? out[0] : 1 - out[0];
  } else {
    for (i = 1; i < out.length; i++) if (out[i] > out[best]) best = i;
    p = out[best];
  }
  gestMs = (getTime() - t0) * 1000;
  if (p >= gestThreshold) label = gestModel.labels.length ? gestModel.labels[best] : "" + best;
  else best = -1;
  print("G," + gestCount + "," + label + "," + Math.round(p * 100) + "," + gestMs.toFixed(1));
  gestCount++;
  gestShow(best, label);
}

function gestSample(x, y, z) {
  if (gestF.pushSample(gestWin, x, y, z)) gestWindow();
}

function gestPuck(a) {
  gestSample(Math.round(a.acc.x * 1000 / 8192), Math.round(a.acc.y * 1000 / 8192), Math.round(a.acc.z * 1000 / 8192));
}

function gestBangle(a) {
  gestSample(Math.round(a.x * 1000), Math.round(a.y * 1000), Math.round(a.z * 1000));
}

function gestStart() {
  gestModel = gestLoadModel();
  if (gestModel.inputSize !== gestF.FEATURE_COUNT) throw new Error("the active model takes " + gestModel.inputSize + " inputs, the window features are " + gestF.FEATURE_COUNT + ": train it on edgefnn collect's CSV");
  if (typeof Puck !== "undefined" && Puck.accelOn) {
    var rates = [1.6, 12.5, 26, 52, 104, 208, 416], i = 0;
    while (i < rates.length - 1 && rates[i] < gestRate) i++;
    Puck.removeAllListeners("accel");
    Puck.on("accel", gestPuck);
    Puck.accelOn(rates[i]);
  } else if (typeof Bangle !== "undefined") {
    if (Bangle.setOptions) Bangle.setOptions({ powerSave: false });
    Bangle.setPollInterval(Math.round(1000 / gestRate));
    Bangle.removeAllListeners("accel");
    Bangle.on("accel", gestBangle);
    // opened from the launcher: ask for the back action other apps have, which loads the clock again
    if (Bangle.setUI) Bangle.setUI({ mode: "custom", back: function () { load(); } });
  } else throw new Error("no accelerometer on this board (" + process.env.BOARD + ")");
  print("G,start," + process.env.BOARD + "," + gestModel.labels.join("/"));
}

gestStart();
