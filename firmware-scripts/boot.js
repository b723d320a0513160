// edgefnn's boot script (installed as Storage ".boot3" by `edgefnn upload --boot`;
// the "// edgefnn" these lines start with is how upload knows .boot3 is its own):
// at start-up, load the active model named by the pointer file "edgefnn.active",
// weights left in flash, and expose it to your code as the global edgefnnModel:
//   edgefnnModel.classify([x, y, z])  ->  index into edgefnnModel.labels
(function () {
  var p = require("Storage").read("edgefnn.active");
  if (p === undefined) return;
  try {
    global.edgefnnModel = require("edgefnn").loadFile(JSON.parse(p).file);
  } catch (e) {
    print("edgefnn: cannot load the active model: " + e.message);
  }
})();
