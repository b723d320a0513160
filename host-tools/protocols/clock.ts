// Time as the protocols see it: the real clock, or a test's, which moves only
// when the test says so (test/helpers/manual-clock.ts). Every timeout of the
// agent client, the inbox's waits and the bounded re-read goes through one, so
// a test of what happens when a reply never comes does not wait for it.

export interface Clock {
  now(): number;
  /** resolves after ms; `cancel` stops a pending sleep from resolving (it then never does) */
  sleep(ms: number): { done: Promise<void>; cancel(): void };
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => {
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((r) => (timer = setTimeout(r, ms)));
    return { done, cancel: () => clearTimeout(timer) };
  },
};
