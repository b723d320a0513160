// retryWithinBound's timing (the pause after a failure, the bound, the give-up
// of a hung attempt) on a clock the test moves: no wall-clock time passes, so
// the result cannot depend on how busy the machine is. What a real link does
// after a pulled cable or a reset is the upload suites' part (upload.test.ts,
// upload-interrupt.test.ts, links-tcp.test.ts, over real ptys and sockets);
// here the link is a plain object with the three members the retry uses
// (isClosed, reopen, close), and the attempts are the test's own functions.
import { describe, expect, it } from "vitest";
import { RETRY_PAUSE_MS, retryWithinBound } from "../../host-tools/serial/bounded-retry";
import { ByteLink } from "../../host-tools/links/byte-link";
import { manualClock } from "../helpers/manual-clock";

const testClock = manualClock;

/** The members of a link the retry touches; every link it makes is recorded. */
function testLink(closed = false, made: { closed: boolean; closes: number }[] = []) {
  const state = { closed, closes: 0 };
  made.push(state);
  const link = {
    path: "/dev/test",
    get isClosed() {
      return state.closed;
    },
    close: async () => {
      state.closes++;
      state.closed = true;
    },
    reopen: async () => testLink(false, made).link,
  } as unknown as ByteLink;
  return { link, state, made };
}

describe("retryWithinBound on a test clock", () => {
  it("pauses RETRY_PAUSE_MS after each failure, hands the attempt the time left, and returns the first answer", async () => {
    const c = testClock();
    const { link } = testLink();
    const calls: { at: number; msLeft: number }[] = [];
    const got = retryWithinBound(
      link,
      2000,
      async (_l, _reopened, msLeft) => {
        calls.push({ at: c.now(), msLeft });
        if (calls.length < 3) throw new Error("no answer");
        return "answer";
      },
      c.clock,
    );
    await c.advance(RETRY_PAUSE_MS * 2);
    expect(await got).toBe("answer");
    expect(calls).toEqual([
      { at: 0, msLeft: 2000 },
      { at: RETRY_PAUSE_MS, msLeft: 2000 - RETRY_PAUSE_MS },
      { at: 2 * RETRY_PAUSE_MS, msLeft: 2000 - 2 * RETRY_PAUSE_MS },
    ]);
    // the give-up timer was cancelled, not left to fire
    expect(c.pending()).toBe(0);
  });

  it("gives up with null once the bound has passed, however the attempts fail", async () => {
    const c = testClock();
    const { link } = testLink();
    let tries = 0;
    const got = retryWithinBound(
      link,
      1000,
      async () => {
        tries++;
        throw new Error("silent");
      },
      c.clock,
    );
    await c.advance(1000);
    expect(await got).toBeNull();
    // at 0, 250, 500, 750: the one due at 1000 is past the bound
    expect(tries).toBe(1000 / RETRY_PAUSE_MS);
  });

  it("an attempt that never returns is given up 500 ms after the bound, not waited for", async () => {
    const c = testClock();
    const { link } = testLink();
    let settled = false;
    const got = retryWithinBound(link, 1000, () => new Promise<string>(() => {}), c.clock).then((v) => ((settled = true), v));
    await c.advance(1499);
    expect(settled).toBe(false);
    await c.advance(1);
    expect(await got).toBeNull();
  });

  it("a closed link is opened again at its path; the links it opened are closed before it returns, the caller's is not", async () => {
    const c = testClock();
    const { link, state, made } = testLink(true);
    const seen: boolean[] = [];
    const got = retryWithinBound(
      link,
      1000,
      async (cur, reopened) => {
        seen.push(reopened);
        expect(cur).not.toBe(link);
        return 7;
      },
      c.clock,
    );
    await c.advance(0);
    expect(await got).toBe(7);
    expect(seen).toEqual([true]);
    expect(made).toHaveLength(2);
    expect(made[1].closes).toBe(1);
    expect(state.closes).toBe(0);
  });
});
