// What a board has said on a link, as text (one character a byte), for the
// protocols to wait on and consume. There is one inbox per link (Inbox.of), so
// the agent probe and the Espruino console that may follow it read the same
// arrivals; the link itself keeps no receive buffer.
import { ByteLink, LinkError } from "../links/byte-link";
import { latin1Bytes, latin1Text } from "./bytes";
import { Clock, realClock } from "./clock";

interface Waiter {
  test: (text: string) => boolean;
  resolve: () => void;
  reject: (e: Error) => void;
  /** the wait's timeout on its clock */
  timer: { cancel(): void };
}

const inboxes = new WeakMap<ByteLink, Inbox>();

export class Inbox {
  private buf = "";
  private waiters: Waiter[] = [];
  private failed: Error | null = null;

  private constructor(readonly link: ByteLink) {
    link.onData((b) => {
      this.buf += latin1Text(b);
      for (const w of [...this.waiters]) if (w.test(this.buf)) this.settle(w, null);
    });
    link.onClose((e) => {
      this.failed = e;
      for (const w of [...this.waiters]) this.settle(w, e);
    });
  }

  /** the link's inbox (made on first use: from then on it collects every arrival) */
  static of(link: ByteLink): Inbox {
    let i = inboxes.get(link);
    if (!i) inboxes.set(link, (i = new Inbox(link)));
    return i;
  }

  /** what arrived and was not consumed yet */
  get text(): string {
    return this.buf;
  }

  /** Forgets everything received so far. */
  clear(): void {
    this.buf = "";
  }

  /** Everything received so far, forgotten here. */
  take(): string {
    const t = this.buf;
    this.buf = "";
    return t;
  }

  /** Forgets what arrived before offset `end` of text. */
  consume(end: number): void {
    this.buf = this.buf.slice(end);
  }

  /** Closes the link (for a caller that holds only the inbox). */
  close(): Promise<void> {
    return this.link.close();
  }

  /** Writes text whose characters are bytes (latin1). */
  write(text: string, xoffMs?: number): Promise<void> {
    return this.link.write(latin1Bytes(text), xoffMs);
  }

  private settle(w: Waiter, e: Error | null): void {
    if (!this.waiters.includes(w)) return;
    w.timer.cancel();
    this.waiters = this.waiters.filter((x) => x !== w);
    if (e) w.reject(e);
    else w.resolve();
  }

  /** Resolves when test(text) is true (checked now and on every arrival); rejects after ms on the clock or when the link goes. */
  waitFor(test: (text: string) => boolean, ms: number, what: string, clock: Clock = realClock): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (test(this.buf)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = clock.sleep(ms);
      const w: Waiter = { test, resolve, reject, timer };
      this.waiters.push(w);
      void timer.done.then(() => this.settle(w, new LinkError(`timed out after ${ms} ms waiting for ${what}`)));
    });
  }
}
