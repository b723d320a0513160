// edgefnn collect's board side, kept in Storage as the module "edgefnn-collect"
// (edgefnn collect writes it once, verified, and rewrites it only when it changed):
//   require("edgefnn-collect").start(25)  -> {board, hz}; then one line per sample:
//     A,<seq>,<x>,<y>,<z>,<check>
//   x, y, z: acceleration in milli-g, integers; seq counts samples from 0;
//   check: the low byte of E.CRC32 of the line up to its last comma, hex.
//   require("edgefnn-collect").stop()
// Puck.js: Puck.accelOn at the smallest supported rate >= hz (12.5, 26, 52,
// 104 Hz...), raw values / 8192 = g. Bangle.js: Bangle.on("accel") every
// round(1000 / hz) ms, values in g. Other boards have no accelerometer: start
// throws. start() removes any other "accel" listener (an app running).
var collectSeq = 0;
var collectFn = null;

function collectLine(x, y, z) {
  var s = "A," + collectSeq + "," + x + "," + y + "," + z;
  collectSeq++;
  print(s + "," + (E.CRC32(s) & 255).toString(16));
}

function collectPuckRate(hz) {
  var rates = [1.6, 12.5, 26, 52, 104, 208, 416], i = 0;
  for (i = 0; i < rates.length; i++) if (rates[i] >= hz) return rates[i];
  return rates[rates.length - 1];
}

exports.stop = function () {
  if (typeof Puck !== "undefined" && Puck.accelOff) {
    Puck.accelOff();
    if (collectFn) Puck.removeListener("accel", collectFn);
  }
  if (typeof Bangle !== "undefined" && collectFn) Bangle.removeListener("accel", collectFn);
  collectFn = null;
  return collectSeq;
};

exports.start = function (hz) {
  exports.stop();
  collectSeq = 0;
  if (typeof Puck !== "undefined" && Puck.accelOn) {
    var rate = collectPuckRate(hz);
    collectFn = function (a) {
      collectLine(Math.round(a.acc.x * 1000 / 8192), Math.round(a.acc.y * 1000 / 8192), Math.round(a.acc.z * 1000 / 8192));
    };
    Puck.removeAllListeners("accel");
    Puck.on("accel", collectFn);
    Puck.accelOn(rate);
    return { board: process.env.BOARD, hz: rate };
  }
  if (typeof Bangle !== "undefined") {
    var ms = Math.round(1000 / hz);
    collectFn = function (a) {
      collectLine(Math.round(a.x * 1000), Math.round(a.y * 1000), Math.round(a.z * 1000));
    };
    // the Bangle slows its polling when locked: keep it at our rate
    if (Bangle.setOptions) Bangle.setOptions({ powerSave: false });
    Bangle.setPollInterval(ms);
    Bangle.removeAllListeners("accel");
    Bangle.on("accel", collectFn);
    return { board: process.env.BOARD, hz: 1000 / ms };
  }
  throw new Error("no accelerometer on this board (" + process.env.BOARD + "): edgefnn collect needs a Puck.js or a Bangle.js");
};
