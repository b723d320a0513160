// The virtual board's button, LEDs and (Bangle.js) screen menu, as the
// firmware gives them, and the host's hands on them (tests: press, touch, choose):
//
//   BTN, BTN1            the button (a Puck.js's one button; a Bangle.js 2's one)
//   setWatch(f, pin, {repeat, edge, debounce})  f({state, time, lastTime}) on
//                        each change of the pin ("rising", "falling" or "both",
//                        the default); lastTime is the pin's previous change,
//                        so on "falling" time - lastTime is how long it was held.
//                        Returns an id; without repeat the watch ends after one call.
//   clearWatch(id), clearWatch()   one watch, or all
//   digitalRead(pin)     1 while the button is held
//   Puck.js: LED1, LED2, LED3 (red, green, blue), digitalWrite(led, v),
//            digitalPulse(led, v, ms | [ms...]) (queued after a pulse still going
//            on, as the firmware does): each change is logged for the host
//   Bangle.js: Bangle.on("touch", f) f(button, {x, y}); E.showMenu(menu) with
//            function items (E.showMenu() closes it); E.showMessage(text, title)
// What is not modelled: debounce (the host's presses have clean edges), the
// pins' own methods (BTN.read()), LEDs on a Bangle.js, menu items that are not
// functions (numbers, booleans with onchange).

export interface BoardIoRealm {
  /** process.env.BOARD */
  envName: string;
  /** calls a board function as an event callback (errors reported, prompt put back) */
  emit(fn: unknown, arg: unknown[]): void;
  /** a host value as a plain object of the realm */
  toRealm<T>(v: T): T;
  error(message: string): Error;
  /** getTime(), seconds */
  now(): number;
}

interface Watch {
  fn: unknown;
  pin: object;
  repeat: boolean;
  /** 1 rising, -1 falling, 0 both */
  edge: number;
}

/** One LED change the board made: which LED, on or off, when (getTime() seconds). */
export interface LedChange {
  led: string;
  on: boolean;
  time: number;
}

export class BoardIo {
  /** every LED change since power-on (Puck.js) */
  readonly leds: LedChange[] = [];
  /** what E.showMessage shows now (Bangle.js), null when nothing */
  message: string | null = null;
  private realm: BoardIoRealm | null = null;
  private pins: Record<string, object> = {};
  private watches = new Map<number, Watch>();
  private nextWatch = 1;
  private held = false;
  private lastChange = 0;
  private menu: Record<string, unknown> | null = null;
  private touch: unknown[] = [];
  private timers = new Set<NodeJS.Timeout>();

  /** The board's globals for a fresh realm (after a reset: watches, menus and touch listeners are gone). */
  attach(r: BoardIoRealm): { globals: Record<string, unknown>; e: Record<string, unknown> } {
    this.detach();
    this.realm = r;
    const puck = r.envName === "PUCKJS",
      bangle = /^BANGLEJS/.test(r.envName);
    const pin = (name: string) => r.toRealm({ pin: name });
    const btn = pin("BTN");
    this.pins = { BTN: btn };
    const globals: Record<string, unknown> = { BTN: btn, BTN1: btn };
    if (puck) for (const led of ["LED1", "LED2", "LED3"]) globals[led] = this.pins[led] = pin(led);
    const nameOf = (p: unknown) => Object.keys(this.pins).find((k) => this.pins[k] === p);
    globals.setWatch = (fn: unknown, p: unknown, o?: unknown) => {
      if (typeof fn !== "function" && typeof fn !== "string") throw r.error("Function or String not supplied!");
      if (nameOf(p) !== "BTN") throw r.error("setWatch: the virtual board watches only BTN");
      const opts = (o && typeof o === "object" ? o : {}) as { repeat?: unknown; edge?: unknown };
      const edge = opts.edge === "rising" || opts.edge === 1 ? 1 : opts.edge === "falling" || opts.edge === -1 ? -1 : 0;
      const id = this.nextWatch++;
      this.watches.set(id, { fn, pin: p as object, repeat: !!opts.repeat, edge });
      return id;
    };
    globals.clearWatch = (...a: unknown[]) => {
      if (!a.length || a[0] === undefined) this.watches.clear();
      else if (!this.watches.delete(Number(a[0]))) throw r.error("Unknown Watch " + String(a[0]));
    };
    globals.digitalRead = (p: unknown) => (nameOf(p) === "BTN" && this.held ? 1 : 0);
    if (puck) {
      const write = (p: unknown, v: unknown) => {
        const led = nameOf(p);
        if (led && led !== "BTN") this.leds.push({ led, on: !!v, time: r.now() });
      };
      globals.digitalWrite = write;
      // per LED the pulse trains waiting for the one going on (the first of each list)
      const trains: Record<string, [boolean, number[]][]> = {};
      // Each toggle is timed from the one before, not from the train's start: a busy machine fires a
      // timer late, and timers set at fixed offsets would then fire together, making a 200 ms blink 0 ms
      // long. Chained, every step lasts at least its time, as the firmware's does.
      const run = (p: unknown, led: string): void => {
        const [v, times] = trains[led][0];
        let level = v;
        write(p, level);
        const step = (i: number): void => {
          if (i === times.length) {
            trains[led].shift();
            if (trains[led].length) run(p, led);
            return;
          }
          this.later(Math.max(0, Number(times[i]) || 0), () => {
            level = !level;
            write(p, level);
            step(i + 1);
          });
        };
        step(0);
      };
      globals.digitalPulse = (p: unknown, v: unknown, t: unknown) => {
        // a pulse (or a train of them) toggles the pin from v after each time, as the firmware does;
        // a pulse asked for while one is going on starts when it ends (the firmware queues them)
        const times = t && typeof t === "object" ? (Array.prototype.slice.call(t as ArrayLike<number>) as number[]) : [Number(t)];
        const led = nameOf(p);
        if (!led || led === "BTN" || !times.length) return;
        (trains[led] ??= []).push([!!v, times]);
        if (trains[led].length === 1) run(p, led);
      };
    }
    const e: Record<string, unknown> = {};
    if (bangle) {
      e.showMenu = (m?: unknown) => {
        this.menu = m && typeof m === "object" ? (m as Record<string, unknown>) : null;
        this.message = null;
        return r.toRealm({});
      };
      e.showMessage = (text: unknown, title?: unknown) => {
        this.menu = null;
        this.message = (title === undefined ? "" : String(title) + ": ") + String(text);
      };
    }
    return { globals, e };
  }

  /** Adds Bangle.on("touch") to the accelerometer's emitter (accelerometer.ts keeps the "accel" listeners). */
  touchEvents(bangle: Record<string, unknown>): void {
    const on = bangle.on as (ev: unknown, fn: unknown) => void;
    const off = bangle.removeListener as (ev: unknown, fn: unknown) => void;
    const offAll = bangle.removeAllListeners as (ev?: unknown) => void;
    bangle.on = (ev: unknown, fn: unknown) => (ev === "touch" ? void (typeof fn === "function" && this.touch.push(fn)) : on(ev, fn));
    bangle.removeListener = (ev: unknown, fn: unknown) => {
      if (ev !== "touch") return off(ev, fn);
      const i = this.touch.indexOf(fn);
      if (i >= 0) this.touch.splice(i, 1);
    };
    bangle.removeAllListeners = (ev?: unknown) => {
      if (ev === undefined || ev === "touch") this.touch.length = 0;
      if (ev !== "touch") offAll(ev);
    };
  }

  /** The realm is gone (reset, stop): watches, menu, touch listeners and pending LED changes with it. */
  detach(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.watches.clear();
    this.touch.length = 0;
    this.menu = null;
    this.message = null;
    this.held = false;
    this.realm = null;
  }

  /** The host presses the button for ms milliseconds; resolves after the release. */
  press(ms: number): Promise<void> {
    if (!(ms > 0)) throw new RangeError(`a press lasts more than 0 ms, not ${ms}`);
    if (this.held) throw new RangeError("the button is already held");
    this.edge(true);
    // not one of the realm's timers: a reset while the button is held still lets it go
    return new Promise((resolve) => setTimeout(() => (this.held && this.edge(false), resolve()), ms));
  }

  /** The host touches the screen (Bangle.js): each touch listener gets (1, {x, y}). */
  tap(x = 88, y = 88): void {
    const r = this.realm;
    if (!r) return;
    for (const fn of [...this.touch]) r.emit(fn, [1, r.toRealm({ x, y, type: 0 })]);
  }

  /** The titles of the menu E.showMenu shows now (without its "" header), or null. */
  menuItems(): string[] | null {
    return this.menu ? Object.keys(this.menu).filter((k) => k !== "") : null;
  }

  /** The host touches a menu item by its title. */
  choose(title: string): void {
    const fn = this.menu?.[title];
    if (typeof fn !== "function")
      throw new RangeError(`no menu item ${JSON.stringify(title)}: the menu shows ${JSON.stringify(this.menuItems())}`);
    this.realm!.emit(fn, []);
  }

  private later(ms: number, f: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      f();
    }, ms);
    this.timers.add(t);
  }

  private edge(down: boolean): void {
    const r = this.realm;
    this.held = down;
    const time = r ? r.now() : 0,
      lastTime = this.lastChange;
    this.lastChange = time;
    if (!r) return;
    for (const [id, w] of [...this.watches]) {
      if (w.edge === (down ? -1 : 1)) continue;
      if (!w.repeat) this.watches.delete(id);
      r.emit(w.fn, [r.toRealm({ state: down, time, lastTime })]);
    }
  }
}
