// Asking a board or an agent again after an interruption, within a bound: the
// port may have gone and come back (a USB board reset or unplugged), the other
// side may be silent for a while, and a write may wait on an XOFF that never
// ends. The bound holds in every case; what was not learnt by then is null.
import { ByteLink } from "../links/byte-link";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs attempt(link, reopened, msLeft) until it returns (null included) or
 * boundMs has passed, 250 ms after each failure; a closed link is opened
 * again at the same path first. Links it opened are closed before it returns.
 */
export async function retryWithinBound<T>(
  link: ByteLink, boundMs: number, attempt: (cur: ByteLink, reopened: boolean, msLeft: number) => Promise<T | null>,
): Promise<T | null> {
  const end = Date.now() + boundMs;
  let cur = link, stop = false;
  const opened: ByteLink[] = [];
  const attempts = (async (): Promise<T | null> => {
    while (!stop && Date.now() < end) {
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
        return await attempt(cur, cur !== link, end - Date.now());
      } catch {
        await sleep(250);
      }
    }
    return null;
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), boundMs + 500)));
  const got = await Promise.race([attempts.catch(() => null), timeout]);
  stop = true;
  clearTimeout(timer);
  for (const l of opened) await l.close();
  return got;
}
