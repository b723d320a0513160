// The virtual board's accelerometer: seeded synthetic gestures, played as a
// schedule the host controls (tests: setGesture, play), and the board APIs
// that read them, as the real firmware gives them:
//
//   Puck.js (process.env.BOARD "PUCKJS", an LSM6DS3TR-C):
//     Puck.accelOn(hz)  hz one of 1.6, 12.5, 26, 52, 104, 208, 416, 833, 1660
//                       (default 12.5; any other rate throws, as the firmware does)
//     Puck.accelOff()
//     Puck.accel()      one reading {acc:{x,y,z}, gyro:{x,y,z}}
//     Puck.on("accel", f)  f({acc, gyro}) per sample while accelOn
//     raw units: acc 8192 per g (+-4 g full scale), gyro 134 per degree/s.
//   Bangle.js 1/2 ("BANGLEJS", "BANGLEJS2"):
//     Bangle.on("accel", f)   f({x, y, z, diff, mag}) in g, every poll interval
//                             while there is a listener (the sensor is always on)
//     Bangle.setPollInterval(ms)  default 80 ms (12.5 Hz)
//     Bangle.getAccel()       one reading; Bangle.setOptions() is accepted, ignored
//     face up on a table reads z = -1 g (the screen faces away from gravity).
//
// What is synthetic (not a recording of a real hand): each gesture is a
// formula plus seeded Gaussian noise, with its frequency and amplitude drawn
// afresh every ~2 s (so windows differ), values quantized to 1/8192 g:
//   still   gravity on z, a small random tilt, noise 0.01 g
//   shake   back and forth along x at ~5 Hz, ~1 g, some y, noise 0.05 g
//   circle  the gravity-free part turning in the x-y plane at ~1.2 Hz, ~0.5 g
//   tap     still, with a ~2.5 g spike on z decaying over ~40 ms every ~0.6 s
// Samples advance only when the board takes one, so a schedule counted in
// samples lines up exactly with the board's windows.
import { createRng, Rng } from "../../src/core/rng";

export const GESTURES = ["still", "shake", "circle", "tap"] as const;
export type Gesture = (typeof GESTURES)[number];

export interface AccelSegment {
  gesture: Gesture;
  /** samples in this segment (Infinity: until told otherwise) */
  samples: number;
}

/** How one user moves: the same gestures, bigger or smaller, faster or slower, the board held rolled. */
export interface AccelStyle {
  /** times the motion's size (default 1) */
  amplitude?: number;
  /** times the motion's speed (default 1) */
  tempo?: number;
  /** the board rolled about its y axis by this many radians: gravity and motion move between x and z (default 0) */
  roll?: number;
}

export interface AccelOptions {
  seed?: number;
  /** a user's way of moving (default: none, the generator's own) */
  style?: AccelStyle;
  /** what plays from power-on (default "still", forever) */
  gesture?: Gesture;
}

/** One reading in g, in the device's frame with gravity on +z. */
export interface Reading {
  x: number;
  y: number;
  z: number;
  /** rotation rate, degrees/s */
  gx: number;
  gy: number;
  gz: number;
}

const TAU = 2 * Math.PI;
const LSB_PER_G = 8192;
const LSB_PER_DPS = 134;
export const PUCK_RATES = [1.6, 12.5, 26, 52, 104, 208, 416, 833, 1660];

export function isGesture(g: string): g is Gesture {
  return (GESTURES as readonly string[]).includes(g);
}

/** The gesture generator: a schedule of segments, a seeded RNG, and the phase of the motion. */
export class SyntheticAccelerometer {
  private rng: Rng;
  private schedule: AccelSegment[] = [];
  private seg = 0;
  private inSeg = 0;
  private taken = 0;
  private lost = 0;
  private phase = 0;
  private freqMul = 1;
  private ampMul = 1;
  private tilt = [0, 0];
  private untilRedraw = 0;
  private tapIn = 0;
  private tapAge = 1e9;
  private style: Required<AccelStyle> = { amplitude: 1, tempo: 1, roll: 0 };

  constructor(o: AccelOptions = {}) {
    this.rng = createRng(o.seed ?? 1);
    if (o.style) this.setStyle(o.style);
    this.play([{ gesture: o.gesture ?? "still", samples: Infinity }], o.seed ?? 1);
  }

  /** From the next sample on, the gestures in this user's style. */
  setStyle(st: AccelStyle): void {
    const v = { amplitude: st.amplitude ?? 1, tempo: st.tempo ?? 1, roll: st.roll ?? 0 };
    if (!(v.amplitude > 0 && v.tempo > 0 && Number.isFinite(v.roll)))
      throw new RangeError(`a style needs amplitude > 0, tempo > 0 and a finite roll, got ${JSON.stringify(st)}`);
    this.style = v;
  }

  /** From the next sample on, this gesture until told otherwise (the sample count and RNG go on). */
  setGesture(g: Gesture): void {
    if (!isGesture(g)) throw new RangeError(`unknown gesture "${g}": use ${GESTURES.join(", ")}`);
    this.schedule = [{ gesture: g, samples: Infinity }];
    this.seg = 0;
    this.inSeg = 0;
    this.untilRedraw = 0;
  }

  /** Starts afresh: sample 0 of this schedule, with a new seed. After the last segment, its gesture goes on. */
  play(schedule: AccelSegment[], seed: number): void {
    if (!schedule.length) throw new RangeError("an empty schedule");
    for (const s of schedule) if (!isGesture(s.gesture)) throw new RangeError(`unknown gesture "${s.gesture}"`);
    this.schedule = schedule.map((s) => ({ ...s }));
    this.rng = createRng(seed);
    this.seg = 0;
    this.inSeg = 0;
    this.taken = 0;
    this.lost = 0;
    this.phase = 0;
    this.untilRedraw = 0;
    this.tapAge = 1e9;
  }

  /** Samples taken since the last play(). */
  get samplesTaken(): number {
    return this.taken;
  }

  /** Samples the sensor's FIFO dropped since the last play(): the event loop was too late to take them (a busy host). */
  get samplesLost(): number {
    return this.lost;
  }

  /** The sampling fell more than a FIFO behind: n samples are gone. */
  noteLost(n: number): void {
    this.lost += n;
  }

  /** The gesture playing now. */
  get gesture(): Gesture {
    return this.schedule[this.seg].gesture;
  }

  /** The next sample at `hz` samples per second. */
  next(hz: number): Reading {
    while (this.inSeg >= this.schedule[this.seg].samples && this.seg < this.schedule.length - 1) {
      this.seg++;
      this.inSeg = 0;
      this.untilRedraw = 0;
    }
    const g = this.schedule[this.seg].gesture;
    const r = this.rng;
    if (this.untilRedraw <= 0) {
      // a new "hand": the motion's speed and size, and how the board is held
      this.untilRedraw = Math.max(1, Math.round(2 * hz));
      this.freqMul = (0.85 + 0.3 * r.float()) * this.style.tempo;
      this.ampMul = (0.8 + 0.4 * r.float()) * this.style.amplitude;
      this.tilt = [0.1 * (r.float() - 0.5), 0.1 * (r.float() - 0.5)];
    }
    this.untilRedraw--;
    this.inSeg++;
    this.taken++;
    const n = (s: number) => s * r.normal();
    let x = this.tilt[0],
      y = this.tilt[1],
      z = 1,
      gx = n(0.5),
      gy = n(0.5),
      gz = n(0.5);
    if (g === "still") {
      x += n(0.01);
      y += n(0.01);
      z += n(0.01);
    } else if (g === "shake") {
      const a = 1.0 * this.ampMul,
        p = this.phase;
      this.phase = (p + (TAU * 5 * this.freqMul) / hz) % TAU;
      x += a * Math.sin(p) + n(0.05);
      y += 0.2 * a * Math.sin(p + 0.7) + n(0.05);
      z += n(0.05);
      gz += 200 * this.ampMul * Math.cos(p);
    } else if (g === "circle") {
      const a = 0.5 * this.ampMul,
        p = this.phase;
      this.phase = (p + (TAU * 1.2 * this.freqMul) / hz) % TAU;
      x += a * Math.cos(p) + n(0.03);
      y += a * Math.sin(p) + n(0.03);
      z += 0.05 * Math.sin(2 * p) + n(0.03);
      gx += 40 * Math.sin(p);
      gy -= 40 * Math.cos(p);
    } else {
      // tap: still, and every ~0.6 s a spike decaying with a 15 ms time constant
      if (this.tapIn <= 0) {
        this.tapIn = Math.max(2, Math.round((0.45 + 0.3 * r.float()) * hz));
        this.tapAge = 0;
      }
      this.tapIn--;
      const spike = 2.5 * this.ampMul * Math.exp(-this.tapAge / (0.015 * hz));
      this.tapAge++;
      x += 0.2 * spike + n(0.01);
      y += n(0.01);
      z += spike + n(0.01);
      gx += 50 * spike * (r.float() - 0.5);
    }
    if (this.style.roll) {
      const c = Math.cos(this.style.roll),
        sn = Math.sin(this.style.roll),
        rx = x;
      x = c * rx + sn * z;
      z = c * z - sn * rx;
    }
    const q = (v: number) => Math.max(-4, Math.min(4 - 1 / LSB_PER_G, Math.round(v * LSB_PER_G) / LSB_PER_G));
    return { x: q(x), y: q(y), z: q(z), gx, gy, gz };
  }
}

/** What the board APIs need from the sandbox. */
export interface AccelHost {
  envName: string;
  synth: SyntheticAccelerometer;
  /** calls a board function as an event callback (errors reported, prompt put back) */
  emit(fn: unknown, arg: unknown): void;
  /** a host value as a plain object of the realm */
  toRealm<T>(v: T): T;
  /** an Error of the realm */
  error(message: string): Error;
}

/** The sensor's sampling on the real event loop: `hz` samples per second on average, late ones caught up (at most 8 at a time). */
class Stream {
  private timer: NodeJS.Timeout | null = null;
  private t0 = 0;
  private done = 0;
  hz = 0;

  start(hz: number, sample: () => void, lost: (n: number) => void = () => {}): void {
    this.stop();
    this.hz = hz;
    this.t0 = performance.now();
    this.done = 0;
    this.timer = setInterval(
      () => {
        const due = Math.floor(((performance.now() - this.t0) * this.hz) / 1000);
        for (let k = 0; k < 8 && this.done < due && this.timer; k++) {
          this.done++;
          sample();
        }
        // a sensor FIFO overflows: what is more than 8 late is lost
        if (due - this.done > 8) {
          lost(due - this.done);
          this.done = due;
        }
      },
      Math.max(1, Math.floor(1000 / hz)),
    );
  }

  get on(): boolean {
    return this.timer !== null;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** The board's accelerometer globals (Puck or Bangle, by process.env.BOARD), and stop() for reset. */
export function accelApi(h: AccelHost): { globals: Record<string, unknown>; stop(): void } {
  const stream = new Stream();
  const listeners: unknown[] = [];
  const emitter = (self: Record<string, unknown>, changed: () => void) => {
    self.on = (ev: unknown, fn: unknown) => {
      if (ev === "accel" && typeof fn === "function") listeners.push(fn);
      changed();
    };
    self.removeListener = (ev: unknown, fn: unknown) => {
      const i = ev === "accel" ? listeners.indexOf(fn) : -1;
      if (i >= 0) listeners.splice(i, 1);
      changed();
    };
    self.removeAllListeners = (ev?: unknown) => {
      if (ev === undefined || ev === "accel") listeners.length = 0;
      changed();
    };
    return self;
  };
  const fire = (value: unknown) => {
    for (const fn of [...listeners]) h.emit(fn, value);
  };

  if (h.envName === "PUCKJS") {
    const reading = (hz: number) => {
      const r = h.synth.next(hz);
      const raw = (v: number, k: number) => Math.max(-32768, Math.min(32767, Math.round(v * k)));
      return h.toRealm({
        acc: { x: raw(r.x, LSB_PER_G), y: raw(r.y, LSB_PER_G), z: raw(r.z, LSB_PER_G) },
        gyro: { x: raw(r.gx, LSB_PER_DPS), y: raw(r.gy, LSB_PER_DPS), z: raw(r.gz, LSB_PER_DPS) },
      });
    };
    const Puck = emitter({}, () => {});
    Puck.accelOn = (hz?: unknown) => {
      const rate = hz === undefined ? 12.5 : Number(hz);
      if (!PUCK_RATES.includes(rate)) throw h.error(`Invalid sample rate ${rate} - must be 1660, 833, 416, 208, 104, 52, 26, 12.5, 1.6 Hz`);
      stream.start(
        rate,
        () => fire(reading(rate)),
        (n) => h.synth.noteLost(n),
      );
    };
    Puck.accelOff = () => stream.stop();
    Puck.accel = () => reading(stream.on ? stream.hz : 12.5);
    return { globals: { Puck }, stop: () => stream.stop() };
  }

  if (h.envName === "BANGLEJS" || h.envName === "BANGLEJS2") {
    let pollMs = 80;
    let last = { x: 0, y: 0, z: -1 };
    const reading = () => {
      const r = h.synth.next(1000 / pollMs);
      // face up: the sensor's z points into the table
      const v = { x: r.x, y: r.y, z: -r.z };
      const diff = Math.hypot(v.x - last.x, v.y - last.y, v.z - last.z);
      last = v;
      return h.toRealm({ ...v, diff, mag: Math.hypot(v.x, v.y, v.z) });
    };
    const sync = () => {
      if (listeners.length && (!stream.on || stream.hz !== 1000 / pollMs))
        stream.start(
          1000 / pollMs,
          () => fire(reading()),
          (n) => h.synth.noteLost(n),
        );
      if (!listeners.length) stream.stop();
    };
    const Bangle = emitter({}, sync);
    Bangle.setPollInterval = (ms: unknown) => {
      const m = Number(ms);
      if (!(m >= 10 && m <= 4000)) throw h.error(`Invalid poll interval ${ms}`);
      pollMs = m;
      sync();
    };
    Bangle.getAccel = () => reading();
    Bangle.setOptions = () => {};
    return { globals: { Bangle }, stop: () => stream.stop() };
  }
  return { globals: {}, stop: () => {} };
}
