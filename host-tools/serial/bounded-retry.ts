// Asking a board or an agent again after an interruption, within a bound: the
// port may have gone and come back (a USB board reset or unplugged), the other
// side may be silent for a while, and a write may wait on an XOFF that never
// ends. The bound holds in every case; what was not learnt by then is null.
import { ByteLink } from "../links/byte-link";
import { Clock, realClock } from "../protocols/clock";

export { type Clock, realClock };

/** after a failed attempt, before the next */
export const RETRY_PAUSE_MS = 250;

/**
 * Runs attempt(link, reopened, msLeft) until it returns (null included) or
 * boundMs has passed, RETRY_PAUSE_MS after each failure; a closed link is opened
 * again at the same path first. Links it opened are closed before it returns.
 * An attempt that hangs is given up 500 ms after the bound.
 */
export async function retryWithinBound<T>(
  link: ByteLink,
  boundMs: number,
  attempt: (cur: ByteLink, reopened: boolean, msLeft: number) => Promise<T | null>,
  clock: Clock = realClock,
): Promise<T | null> {
  const end = clock.now() + boundMs;
  let cur = link,
    stop = false;
  const opened: ByteLink[] = [];
  const attempts = (async (): Promise<T | null> => {
    while (!stop && clock.now() < end) {
      try {
        if (cur.isClosed) {
          const l = await link.reopen();
          if (stop) {
            await l.close();
            break;
          }
          opened.push(l);
          cur = l;
        }
        return await attempt(cur, cur !== link, end - clock.now());
      } catch {
        await clock.sleep(RETRY_PAUSE_MS).done;
      }
    }
    return null;
  })();
  const timeout = clock.sleep(boundMs + 500);
  const got = await Promise.race([attempts.catch(() => null), timeout.done.then(() => null)]);
  stop = true;
  timeout.cancel();
  for (const l of opened) await l.close();
  return got;
}
