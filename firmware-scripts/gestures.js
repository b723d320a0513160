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
//                     upload puts an "edgefnn" key first, its mark, which this ignores;
//                     "probs": 1 adds every class's probability to each G line)
// edgefnn upload --app gestures installs it: on a Bangle.js as the launcher app
// gestures.app.js (with gestures.info), leaving the Bootloader's .bootcde alone;
// on other boards as gestures.js, started at boot by a .bootcde of edgefnn's.
// Or run it by hand with load("gestures.js"). Per window it prints
//   G,<window number>,<label or ?>,<confidence %>,<ms for features + model>
// ("?" when the top probability is under the threshold; with "probs" a sixth
// field, each class's probability in % joined by "/", which the studio page
// draws), flashes an LED on a Puck.js (LED1, LED2, LED3 by class) and draws
// the label on a Bangle.js.
// Samples are converted to milli-g and rounded exactly as collect.js does, and
// go into a ring buffer allocated once: nothing is allocated per sample.
//
// Teach mode (only when the learning module edgefnn-learn is in Storage:
// upload --app gestures --learn; without it the app is as above): the user
// records a few windows of each gesture their own way, the board fine-tunes
// the model's last layer on them (docs/ON-BOARD-LEARNING.md), saves it as the
// active model (a reset mid-save keeps the old one) and classifies with it.
//   Puck.js: hold the button 1 s: teach mode, class 0 chosen (LED3 blinks
//     class + 1 times). A short press chooses the next class; a 1 s press
//     records `teach` windows (gestures.json, default 5) of the chosen class
//     from the press's release on: make the gesture then. When every class has
//     its windows, it learns and saves by itself; a 3 s press learns and saves
//     what there is now (or leaves, if nothing was recorded). LED2 blinks 3
//     times when the new model is saved, LED1 lights 1 s on an error.
//   Bangle.js: touch the screen: a menu of the classes (with the windows
//     recorded of each), "Learn + save" and "Cancel"; a class records `teach`
//     windows; the result is shown as text.
// Each step prints a line: T,<class chosen>,<label> / T,rec,<label>,<i>/<n> /
// T,taught,<label>,<windows> / T,saved,<file>,<% of the recorded windows
// right>,<epochs>,<ms> / T,left / T,error,<message>.
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
var gestS = require("Storage");
// teach mode: only with the learning module (loaded when teach mode starts)
var gestCanLearn = gestS.read("edgefnn-learn", 0, 1) !== undefined;
var gestTeachN = gestCfg.teach || 5;
// null while classifying; in teach mode {lr: the learner, c: the class chosen, rec: windows still to record, n: windows per class}
var gestT = null;

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
  print("G," + gestCount + "," + label + "," + Math.round(p * 100) + "," + gestMs.toFixed(1) + (gestCfg.probs ? gestPercents(out) : ""));
  gestCount++;
  gestShow(best, label);
}

// ",<every class's probability in %>": a binary classifier's one output is labels[1]'s, 1 - it labels[0]'s
function gestPercents(out) {
  var s = out.length > 1 ? [] : [Math.round(100 - out[0] * 100)], i = 0;
  for (; i < out.length; i++) s.push(Math.round(out[i] * 100));
  return "," + s.join("/");
}

function gestLabel(c) {
  return gestModel.labels.length ? gestModel.labels[c] : "" + c;
}

function gestBlink(led, n, ms) {
  var a = [], i = 0;
  for (; i < 2 * n - 1; i++) a.push(ms);
  if (typeof LED1 !== "undefined" && typeof digitalPulse !== "undefined") digitalPulse(led, 1, a);
}

function gestSay(title, text) {
  if (typeof E.showMessage === "function") E.showMessage(text, title);
}

// the Bangle.js's teach menu: a class records its windows
function gestPick(c) {
  return function () {
    gestRecord(c);
  };
}

function gestMenu() {
  var m = { "": { title: "Teach" } }, i = 0;
  for (; i < gestT.n.length; i++) m[gestLabel(i) + " " + gestT.n[i] + "/" + gestTeachN] = gestPick(i);
  m["Learn + save"] = gestTeachEnd;
  m["Cancel"] = gestTeachLeave;
  E.showMenu(m);
}

function gestChoose(c) {
  gestT.c = c;
  print("T," + c + "," + gestLabel(c));
  if (typeof LED3 !== "undefined") gestBlink(LED3, c + 1, 150);
}

function gestRecord(c) {
  gestT.c = c;
  gestT.rec = gestTeachN;
  // the windows start from here: none holds samples from before
  gestF.clearWindow(gestWin);
  gestSay("Teach", "Do " + gestLabel(c) + " now");
}

function gestTeachStart() {
  var C = gestModel.outputSize > 1 ? gestModel.outputSize : 2;
  if (!gestCanLearn) return;
  try {
    gestT = { lr: require("edgefnn-learn").learner(gestModel, { layers: 1, rate: 0.05, buffer: gestTeachN * C }), c: 0, rec: 0, n: new Uint8Array(C) };
  } catch (e) {
    gestT = null;
    return gestTeachFail(e);
  }
  if (typeof E.showMenu === "function") gestMenu();
  else gestChoose(0);
}

function gestTeachFail(e) {
  print("T,error," + e.message);
  gestSay("Teach", "Error: " + e.message);
  if (typeof LED1 !== "undefined") gestBlink(LED1, 1, 1000);
}

// back to classifying, with whatever model is active
function gestQuit() {
  gestT = null;
  // the learning module's code and objects go too (require keeps a module cached): loaded again at the next teach
  if (typeof Modules !== "undefined") Modules.removeCached("edgefnn-learn");
  gestF.clearWindow(gestWin);
  if (typeof E.showMenu === "function") E.showMenu();
  gestUI();
}

function gestTeachLeave() {
  gestQuit();
  print("T,left");
}

// fine-tunes on the recorded windows, saves as the active model, classifies with it
function gestTeachEnd() {
  var t0 = getTime(), lr = gestT.lr, ep = 0, acc = 0, file = "", name = "gestures";
  if (!lr.count) return gestTeachLeave();
  gestSay("Teach", "Learning...");
  try {
    ep = lr.fit(60);
    acc = Math.round(lr.accuracy() * 100);
    name = (gestS.readJSON("edgefnn.active", 1) || {}).name || name;
    file = lr.save(name);
    gestT = null;
    lr = null;
    gestModel = require("edgefnn").loadFile(file);
  } catch (e) {
    gestTeachLeave();
    return gestTeachFail(e);
  }
  gestQuit();
  print("T,saved," + file + "," + acc + "," + ep + "," + Math.round((getTime() - t0) * 1000));
  if (typeof LED2 !== "undefined") gestBlink(LED2, 3, 200);
  gestSay("Saved", acc + "% of the windows right");
}

// one recorded window of the class being taught
function gestTeachWindow() {
  var t = gestT, c = t.c, i = 0, all = true;
  t.lr.add(gestF.computeFeatures(gestWin, gestFeats), c);
  t.n[c]++;
  t.rec--;
  print("T,rec," + gestLabel(c) + "," + (gestTeachN - t.rec) + "/" + gestTeachN);
  if (typeof LED2 !== "undefined") gestBlink(LED2, 1, 60);
  gestSay("Teach", gestLabel(c) + " " + (gestTeachN - t.rec) + "/" + gestTeachN);
  if (t.rec) return;
  print("T,taught," + gestLabel(c) + "," + t.n[c]);
  if (typeof E.showMenu === "function") return gestMenu();
  for (; i < t.n.length; i++) if (t.n[i] < gestTeachN) all = false;
  if (all) return gestTeachEnd();
  // the next class still to teach
  i = 1;
  while (i < t.n.length && t.n[(c + i) % t.n.length] >= gestTeachN) i++;
  gestChoose((c + i) % t.n.length);
}

// the Puck.js's button: e.time - e.lastTime is how long it was held
function gestButton(e) {
  var d = e.time - e.lastTime;
  if (!gestT) {
    if (d >= 1) gestTeachStart();
  } else if (gestT.rec) return;
  else if (d >= 3) gestTeachEnd();
  else if (d >= 1) gestRecord(gestT.c);
  else gestChoose((gestT.c + 1) % gestT.n.length);
}

function gestTouch() {
  if (!gestT) gestTeachStart();
}

function gestSample(x, y, z) {
  if (!gestF.pushSample(gestWin, x, y, z)) return;
  if (!gestT) gestWindow();
  else if (gestT.rec) gestTeachWindow();
}

function gestPuck(a) {
  gestSample(Math.round(a.acc.x * 1000 / 8192), Math.round(a.acc.y * 1000 / 8192), Math.round(a.acc.z * 1000 / 8192));
}

function gestBangle(a) {
  gestSample(Math.round(a.x * 1000), Math.round(a.y * 1000), Math.round(a.z * 1000));
}

// opened from the launcher: ask for the back action other apps have, which loads the clock again
function gestUI() {
  if (typeof Bangle !== "undefined" && Bangle.setUI) Bangle.setUI({ mode: "custom", back: function () { load(); } });
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
    if (gestCanLearn) setWatch(gestButton, BTN, { repeat: true, edge: "falling", debounce: 50 });
  } else if (typeof Bangle !== "undefined") {
    if (Bangle.setOptions) Bangle.setOptions({ powerSave: false });
    Bangle.setPollInterval(Math.round(1000 / gestRate));
    Bangle.removeAllListeners("accel");
    Bangle.on("accel", gestBangle);
    gestUI();
    if (gestCanLearn) Bangle.on("touch", gestTouch);
  } else throw new Error("no accelerometer on this board (" + process.env.BOARD + ")");
  print("G,start," + process.env.BOARD + "," + gestModel.labels.join("/") + (gestCanLearn ? ",teach" : ""));
}

gestStart();
