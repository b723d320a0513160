// A ready script for the Espruino Web IDE: classify sensor readings with a
// model kept in Storage. Before uploading it, put two files in Storage (Web IDE:
// the Storage icon, "Upload a file"):
//   edgefnn      <- edgefnn.min.js (the runtime, loaded with require("edgefnn"))
//   model.efnn   <- your model (edgefnn train / edgefnn quantize)
// Then fill in readSensors() with your raw values, in the order of the
// training CSV's feature columns: the model normalizes them itself.
var nn = require("edgefnn");
var model = nn.loadFile("model.efnn"); // weights stay in flash

function readSensors() {
  // e.g. on a Puck.js: var a = Puck.accel().acc; return [a.x, a.y, a.z];
  return [0, 0, 0, 0];
}

function classifyNow() {
  var c = model.classify(readSensors());
  print(model.labels.length ? model.labels[c] : c);
}

setInterval(classifyNow, 1000);
