// What the simulator needs to know about a board beyond its variable space
// (host-tools/boards/boards.ts): the name it reports in process.env.BOARD, its
// Storage area, and whether its console is Bluetooth (where Espruino turns
// XON/XOFF flow control on by default).
import { Board, boardById } from "../boards/boards";

export interface SimBoard extends Board {
  /** process.env.BOARD, as the firmware reports it */
  envName: string;
  /** bytes of flash given to Storage (approximate for some boards: an option overrides it) */
  flashBytes: number;
  /** process.env.CONSOLE */
  console: string;
}

const KIB = 1024;
// Storage sizes from the boards' firmware definitions where known (nRF52832
// boards: 10 pages of 4 KiB); the others are round figures of the right order.
const EXTRA: Record<string, Omit<SimBoard, keyof Board>> = {
  puckjs: { envName: "PUCKJS", flashBytes: 40 * KIB, console: "Bluetooth" },
  pixljs: { envName: "PIXLJS", flashBytes: 40 * KIB, console: "Bluetooth" },
  mdbt42q: { envName: "MDBT42Q", flashBytes: 40 * KIB, console: "Bluetooth" },
  banglejs: { envName: "BANGLEJS", flashBytes: 4096 * KIB, console: "Bluetooth" },
  banglejs2: { envName: "BANGLEJS2", flashBytes: 8192 * KIB, console: "Bluetooth" },
  pico: { envName: "PICO_R1_3", flashBytes: 48 * KIB, console: "USB" },
  wifi: { envName: "ESPRUINOWIFI", flashBytes: 48 * KIB, console: "USB" },
  original: { envName: "ESPRUINOBOARD", flashBytes: 12 * KIB, console: "USB" },
  esp8266: { envName: "ESP8266_4MB", flashBytes: 12 * KIB, console: "Serial1" },
  esp32: { envName: "ESP32", flashBytes: 256 * KIB, console: "Serial1" },
};

/** The firmware version the simulator claims (process.env.VERSION, the banner). */
export const SIM_VERSION = "2v29";

export function simBoard(id: string): SimBoard {
  const b = boardById(id);
  return { ...b, ...EXTRA[b.id] };
}

/** A Bangle.js's Storage as the App Loader leaves it (the parts upload must
 * keep working): the Bootloader app (.boot0, .bootcde, bootupdate.js,
 * boot.info), a clock and a launcher. The code is a small stand-in with the
 * same duties, not the Bootloader's: .boot0 runs every *.boot.js, .bootcde
 * starts the clock named by a .info of type "clock" (printing
 * "CLOCK,<id>" here), and the launcher lists the .info files of type "app" or
 * of no type, as launchers do, printing "LAUNCHER,<name>=<src>;...". Write
 * them into a virtual Bangle.js's Storage and type load(): the watch then boots
 * to its clock; if .bootcde has been replaced it boots to whatever replaced it. */
export function bangleFactoryStorage(): Record<string, string> {
  return {
    "boot.info": JSON.stringify({
      id: "boot",
      name: "Bootloader",
      type: "bootloader",
      version: "0.49",
      files: "boot.info,.boot0,.bootcde,bootupdate.js",
    }),
    ".boot0":
      "// stand-in for the Bootloader's .boot0 (built by bootupdate.js from the *.boot.js files)\n" +
      'require("Storage").list(/\\.boot\\.js$/).forEach(function (f) { eval(require("Storage").read(f)); });\n',
    "bootupdate.js": "// stand-in for the Bootloader's bootupdate.js (it rebuilds .boot0)\n",
    ".bootcde":
      "// stand-in for the Bootloader's .bootcde: boot to the clock\n" +
      '(function () { var S = require("Storage"), c = S.list(/\\.info$/).map(function (f) { return S.readJSON(f, 1); ' +
      '}).filter(function (a) { return a && a.type == "clock"; })[0];\n' +
      '  if (!c) { print("No Clock Found"); return; } eval(S.read(c.src)); })();\n',
    "simclock.info": JSON.stringify({
      id: "simclock",
      name: "Sim Clock",
      type: "clock",
      src: "simclock.app.js",
      version: "0.01",
      files: "simclock.info,simclock.app.js",
    }),
    "simclock.app.js": 'print("CLOCK,simclock");\n',
    "simlaunch.info": JSON.stringify({
      id: "simlaunch",
      name: "Launcher",
      type: "launch",
      src: "simlaunch.app.js",
      version: "0.01",
      files: "simlaunch.info,simlaunch.app.js",
    }),
    "simlaunch.app.js":
      'print("LAUNCHER," + require("Storage").list(/\\.info$/).map(function (f) { return require("Storage").readJSON(f, 1); })\n' +
      '  .filter(function (a) { return a && (a.type == "app" || !a.type); }).map(function (a) { return a.name + "=" + a.src; ' +
      '}).join(";"));\n',
  };
}
