// A clock whose time moves only when the test says so (advance, fireNext):
// a timeout fires because the test decided the reply is not coming, never
// because the machine was busy, and no wall-clock time is spent waiting.
import { Clock } from "../../host-tools/protocols/clock";

export interface ManualClock {
  clock: Clock;
  now(): number;
  /** sleeps not yet due nor cancelled */
  pending(): number;
  /** moves time forward by ms, waking each sleeper whose time came (in time order), and lets what it wakes run */
  advance(ms: number): Promise<void>;
  /** waits (in real time, for other processes' bytes to arrive) until `count` sleeps are pending, then moves time to
   * the earliest one and wakes it; resolves to the ms it moved (0 if `until` settled first) */
  fireNext(until?: Promise<unknown>, count?: number): Promise<number>;
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

export function manualClock(): ManualClock {
  let t = 0;
  const waiting: { at: number; resolve: () => void; live: boolean }[] = [];
  const clock: Clock = {
    now: () => t,
    sleep: (ms) => {
      const w = { at: t + ms, resolve: () => {}, live: true };
      const done = new Promise<void>((r) => (w.resolve = r));
      waiting.push(w);
      return { done, cancel: () => void (w.live = false) };
    },
  };
  const live = () => waiting.filter((w) => w.live).sort((a, b) => a.at - b.at);
  const advance = async (ms: number) => {
    const end = t + ms;
    await settle();
    for (;;) {
      const due = live().filter((w) => w.at <= end)[0];
      if (!due) break;
      t = due.at;
      due.live = false;
      due.resolve();
      await settle();
    }
    t = end;
    await settle();
  };
  const fireNext = async (until?: Promise<unknown>, count = 1) => {
    let over = false;
    void until?.then(
      () => (over = true),
      () => (over = true),
    );
    await settle();
    while (live().length < count) {
      if (over) return 0;
      await new Promise((r) => setTimeout(r, 5));
    }
    const from = t;
    await advance(live()[0].at - t);
    return t - from;
  };
  return { clock, now: () => t, pending: () => live().length, advance, fireNext };
}
