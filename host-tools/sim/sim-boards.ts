// What the simulator needs to know about a board beyond its variable space
// (host-tools/boards.ts): the name it reports in process.env.BOARD, its
// Storage area, and whether its console is Bluetooth (where Espruino turns
// XON/XOFF flow control on by default).
import { Board, boardById } from "../boards";

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
