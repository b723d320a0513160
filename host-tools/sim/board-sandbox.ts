// The board's JavaScript: a fresh V8 realm (node:vm) shaped like the Espruino
// interpreter by the one surface the tests share (espruino-surface.ts: what
// the board lacks deleted, the 64 KiB view limit, no hoisting, the board's ===;
// its conformance table is espruino-conformance.ts), with its options memory
// "reachable" (process.memory(), E.getSizeOf) and detach on erase (a buffer
// over a Storage file dies when the file is rewritten or erased, also by a
// file-transfer packet: FlashStorage.onChange). What the board has is added: E
// (convolve, CRC32, toArrayBuffer, sum, variance, getSizeOf, toString,
// toUint8Array), require("Storage") and Storage modules, atob/btoa, print,
// console.log, getTime, timers on the real event loop, process.memory() and
// process.env, reset(), load(), echo(); and the accelerometer of a Puck.js or
// Bangle.js (accelerometer.ts: synthetic gestures the host schedules); the
// button, a Puck.js's LEDs and a Bangle.js's menu (board-io.ts: the host presses).
import { runInContext, Script } from "node:vm";
import { FlashError, FlashStorage } from "./flash-storage";
import { printValue } from "./format";
import { SimBoard, SIM_VERSION } from "./sim-boards";
import { UnsupportedSyntax } from "./espruino-syntax";
import { E_MATH, EspruinoSurface, valueBytes } from "./espruino-surface";
import { accelApi, SyntheticAccelerometer } from "./accelerometer";
import { BoardIo } from "./board-io";

export interface SandboxHost {
  board: SimBoard;
  /** process.env.VERSION (default SIM_VERSION) */
  version?: string;
  storage: FlashStorage;
  /** the gestures the accelerometer plays (kept across resets: the host's) */
  accel: SyntheticAccelerometer;
  /** the button, LEDs and screen menu (kept across resets: the host's) */
  io: BoardIo;
  /** text from print() / console.log, newline included */
  print(text: string): void;
  /** an error thrown by a timer callback */
  uncaught(error: unknown): void;
  /** a timer callback has finished (the console puts its prompt back) */
  afterEvent(): void;
  /** reset() or load() was called: done after the current line, as on the board */
  request(action: "reset" | "load", file?: string): void;
  echo(on: boolean): void;
  /** longest run of one line or callback before "Execution Interrupted" (ms) */
  execTimeoutMs: number;
}

/** A line or callback ran longer than execTimeoutMs (the board would need Ctrl-C). */
export class Interrupted extends Error {
  constructor() {
    super("Execution Interrupted");
  }
}

const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
const tagOf = (v: unknown) => Object.prototype.toString.call(v).slice(8, -1);

/** The bytes of data as Storage.write stores them: strings byte per char, views their raw bytes. */
function rawBytes(x: unknown): Uint8Array {
  if (typeof x === "string") return Buffer.from(x, "latin1");
  if (x && typeof x === "object") {
    if (tagOf(x) === "ArrayBuffer") return new Uint8Array(x as ArrayBuffer);
    if (ArrayBuffer.isView(x)) return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    if (Array.isArray(x)) return Uint8Array.from(x as number[], (v) => Number(v) & 255);
  }
  return Buffer.from(String(x), "latin1");
}

export class BoardSandbox {
  /** the realm's global object, as the host sees it */
  context!: Record<string, any>;
  /** the one surface, with memory counted by walking what the code holds, and buffers over a rewritten file detached */
  private surface!: EspruinoSurface;
  private modules = new Map<string, unknown>();
  private timers = new Map<number, { handle: NodeJS.Timeout; fn: unknown; args: unknown[] }>();
  private nextTimer = 1;
  /** stops the accelerometer's sampling (reset, dispose) */
  private accelStop = () => {};
  private callScript = new Script('globalThis["\\u0001call"]()');
  private realm!: {
    JSON: JSON;
    Error: ErrorConstructor;
    SyntaxError: SyntaxErrorConstructor;
    Uint8Array: Uint8ArrayConstructor;
    array(a: unknown[]): unknown[];
  };

  constructor(private host: SandboxHost) {
    this.reset();
  }

  /** A fresh realm: JS state, timers and loaded modules are gone (Storage is not). */
  reset(): void {
    this.clearTimers();
    this.modules.clear();
    this.surface = new EspruinoSurface({
      viewOffsetLimit: true,
      memory: "reachable",
      blockBytes: this.host.board.blockBytes,
      detachOnErase: true,
    });
    this.context = this.surface.context;
    this.host.storage.onChange = (name) => this.surface.flash.changed(name);
    const r = (code: string) => runInContext(code, this.context);
    this.realm = {
      JSON: r("JSON"),
      Error: r("Error"),
      SyntaxError: r("SyntaxError"),
      Uint8Array: r("Uint8Array"),
      array: r("(function (a) { var r = []; for (var i = 0; i < a.length; i++) r.push(a[i]); return r; })"),
    };
    this.install();
  }

  /** Runs one line or script of board code (rewritten for board semantics); returns its value. */
  run(code: string, filename = "console"): unknown {
    return this.guarded(() => runInContext(this.rewrite(code), this.context, { filename, timeout: this.host.execTimeoutMs }));
  }

  /** Runs the boot files, .boot0 to .boot3 then .bootcde, as the board does at power-on and on load(). */
  boot(): void {
    for (const name of [".boot0", ".boot1", ".boot2", ".boot3", ".bootcde"]) {
      const bytes = this.host.storage.read(name);
      if (!bytes) continue;
      try {
        this.run(latin1(bytes), name);
      } catch (e) {
        this.host.uncaught(e);
      }
    }
  }

  /** Runs a Storage file as a script (load(file)). */
  runFile(name: string): void {
    const bytes = this.host.storage.read(name);
    if (!bytes) return this.host.uncaught(new this.realm.Error(`File ${JSON.stringify(name)} not found`));
    try {
      this.run(latin1(bytes), name);
    } catch (e) {
      this.host.uncaught(e);
    }
  }

  /** process.memory() as {free, usage, total, blocksize}. */
  memory(): { free: number; usage: number; total: number; blocksize: number } {
    const total = this.host.board.blocks;
    const usage = Math.min(total, Math.round(total * 0.04) + this.surface.usage(this.roots()));
    return { free: total - usage, usage, total, blocksize: this.host.board.blockBytes };
  }

  dispose(): void {
    this.clearTimers();
    this.host.io.detach();
  }

  private rewrite(code: string): string {
    return this.syntax(() => this.surface.code(code));
  }

  /** the syntax the board lacks is the board's SyntaxError */
  private syntax<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof UnsupportedSyntax) throw new this.realm.SyntaxError(e.message);
      throw e;
    }
  }

  /** Host errors (Storage refusals, timeouts) become what the board would throw. */
  private guarded<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if ((e as { code?: string })?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") throw new Interrupted();
      if (e instanceof FlashError) throw new this.realm.Error(e.message);
      throw e;
    }
  }

  /** what the surface's globals do not reach: loaded modules, timers */
  private roots(): unknown[] {
    const out: unknown[] = [];
    for (const m of this.modules.values()) out.push(m);
    for (const t of this.timers.values()) out.push(t.fn, t.args);
    return out;
  }

  private toRealm<T>(v: T): T {
    return this.realm.JSON.parse(JSON.stringify(v));
  }

  private requireModule(name: unknown): unknown {
    const n = String(name);
    if (n === "Storage") return this.surface.host("\u0001Storage");
    if (this.modules.has(n)) return this.modules.get(n);
    const bytes = this.host.storage.read(n);
    if (!bytes) throw new this.realm.Error(`Module ${n} not found`);
    const wrapper = this.syntax(() => this.surface.module(latin1(bytes), n));
    const mod = this.toRealm({ exports: {} }) as { exports: unknown };
    wrapper.call(mod.exports, mod.exports, mod);
    this.modules.set(n, mod.exports);
    return mod.exports;
  }

  private callback(fn: unknown, args: unknown[]): void {
    try {
      if (typeof fn === "string") this.run(fn, "timer");
      else if (typeof fn === "function") {
        Object.defineProperty(this.context, "\u0001call", {
          value: () => fn.apply(undefined, this.realm.array(args)),
          configurable: true,
          writable: true,
          enumerable: false,
        });
        this.guarded(() => this.callScript.runInContext(this.context, { timeout: this.host.execTimeoutMs }));
      }
    } catch (e) {
      this.host.uncaught(e);
    }
    this.host.afterEvent();
  }

  private addTimer(fn: unknown, ms: unknown, args: unknown[], repeat: boolean): number {
    const id = this.nextTimer++;
    const delay = Math.max(0, Number(ms) || 0);
    const run = () => {
      if (!repeat) this.timers.delete(id);
      this.callback(fn, args);
    };
    const handle = repeat ? setInterval(run, Math.max(1, delay)) : setTimeout(run, delay);
    this.timers.set(id, { handle, fn, args });
    return id;
  }

  private clearTimer(id: unknown): void {
    if (id === undefined) return this.clearTimers();
    const t = this.timers.get(Number(id));
    if (!t) return;
    clearTimeout(t.handle);
    clearInterval(t.handle);
    this.timers.delete(Number(id));
  }

  private clearTimers(): void {
    this.accelStop();
    for (const t of this.timers.values()) {
      clearTimeout(t.handle);
      clearInterval(t.handle);
    }
    this.timers.clear();
  }

  private install(): void {
    const h = this.host;
    const st = h.storage;
    const realm = this.realm;
    const set = (name: string, v: unknown) => this.surface.install(name, v);
    const flash = this.surface.flash;
    const g =
      <A extends unknown[], R>(f: (...a: A) => R) =>
      (...a: A): R =>
        this.guarded(() => f(...a));
    const print = (...a: unknown[]) => h.print(a.map(printValue).join(" ") + "\n");

    const Storage = {
      read: g((name: unknown, offset?: unknown, length?: unknown) => {
        const b = st.read(name, Number(offset) || 0, Number(length) || 0);
        return b ? flash.read(FlashStorage.fileName(name), latin1(b)) : undefined;
      }),
      readArrayBuffer: g((name: unknown) => {
        const b = st.read(name);
        return b ? flash.toArrayBuffer(flash.read(FlashStorage.fileName(name), latin1(b))) : undefined;
      }),
      readJSON: g((name: unknown, noExceptions?: unknown) => {
        const b = st.read(name);
        if (!b) return undefined;
        try {
          return realm.JSON.parse(latin1(b));
        } catch (e) {
          if (noExceptions) return undefined;
          throw e;
        }
      }),
      write: g((name: unknown, data: unknown, offset?: unknown, size?: unknown) =>
        st.write(name, rawBytes(data), Number(offset) || 0, Number(size) || 0),
      ),
      writeJSON: g((name: unknown, data: unknown) => st.write(name, Buffer.from(String(realm.JSON.stringify(data)), "latin1"))),
      erase: g((name: unknown) => st.erase(name)),
      eraseAll: g(() => st.eraseAll()),
      list: g((filter?: unknown) => realm.array(st.list(filter as string | undefined))),
      getFree: g((includeTrash?: unknown) => st.getFree(!!includeTrash)),
      getStats: g(() => this.toRealm(st.stats())),
      compact: g(() => st.compact()),
    };
    set("\u0001Storage", Storage);

    const E = {
      ...E_MATH,
      // wraps a string's bytes (on the board without copying: over flash when the string came from Storage)
      toArrayBuffer: (s: unknown) => flash.toArrayBuffer(String(s)),
      getSizeOf: (v: unknown) => this.surface.sizeOf([v]),
      toString: (...a: unknown[]) => a.map((x) => latin1(valueBytes(typeof x === "number" ? [x] : x))).join(""),
      toUint8Array: (...a: unknown[]) => {
        const bytes = Buffer.concat(a.map((x) => valueBytes(typeof x === "number" ? [x] : x)));
        const u = new realm.Uint8Array(bytes.length);
        u.set(bytes);
        return u;
      },
    };
    set("E", E);
    set(
      "require",
      g((name: unknown) => this.requireModule(name)),
    );
    set("Modules", {
      addCached: (name: unknown, code: unknown) => {
        this.modules.delete(String(name));
        this.modules.set(
          String(name),
          this.run(`(function(){var module={exports:{}},exports=module.exports;\n${String(code)}\nreturn module.exports;})()`),
        );
      },
      removeCached: (name: unknown) => void this.modules.delete(String(name)),
      removeAllCached: () => this.modules.clear(),
      getCached: () => realm.array([...this.modules.keys()]),
    });
    set("print", print);
    set("console", { log: print });
    set("atob", (s: unknown) => Buffer.from(String(s), "base64").toString("latin1"));
    set("btoa", (s: unknown) => Buffer.from(typeof s === "string" ? s : latin1(rawBytes(s)), "latin1").toString("base64"));
    set("getTime", () => Date.now() / 1000);
    set("setTimeout", (fn: unknown, ms?: unknown, ...args: unknown[]) => this.addTimer(fn, ms, args, false));
    set("setInterval", (fn: unknown, ms?: unknown, ...args: unknown[]) => this.addTimer(fn, ms, args, true));
    set("clearTimeout", (...a: unknown[]) => this.clearTimer(a.length ? a[0] : undefined));
    set("clearInterval", (...a: unknown[]) => this.clearTimer(a.length ? a[0] : undefined));
    const accel = accelApi({
      envName: h.board.envName,
      synth: h.accel,
      emit: (fn, arg) => this.callback(fn, [arg]),
      toRealm: (v) => this.toRealm(v),
      error: (m) => new realm.Error(m),
    });
    this.accelStop = accel.stop;
    for (const [k, v] of Object.entries(accel.globals)) set(k, v);
    const io = h.io.attach({
      envName: h.board.envName,
      emit: (fn, args) => this.callback(fn, args),
      toRealm: (v) => this.toRealm(v),
      error: (m) => new realm.Error(m),
      now: () => Date.now() / 1000,
    });
    for (const [k, v] of Object.entries(io.globals)) set(k, v);
    Object.assign(E, io.e);
    if (accel.globals.Bangle) h.io.touchEvents(accel.globals.Bangle as Record<string, unknown>);
    set("reset", () => void h.request("reset"));
    set("load", (file?: unknown) => void h.request("load", file === undefined ? undefined : String(file)));
    set("echo", (on: unknown) => void h.echo(!!on));
    set("process", {
      version: h.version ?? SIM_VERSION,
      env: this.toRealm({ VERSION: h.version ?? SIM_VERSION, BOARD: h.board.envName, CONSOLE: h.board.console, FLASH: h.storage.total }),
      memory: () => this.toRealm({ ...this.memory(), history: 0, gc: 0, gctime: 0 }),
    });
  }
}
