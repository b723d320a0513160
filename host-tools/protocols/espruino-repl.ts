// Talking to an Espruino console: get a prompt, then run commands as
// DLE-prefixed lines (0x10: the board neither echoes them nor prints their
// =result) that print their answer between markers we can find in whatever
// else the board says.
import { crc32 } from "../files/crc32";
import { ByteLink, LinkError } from "../links/byte-link";
import { latin1Bytes } from "./bytes";
import { Inbox } from "./inbox";
import { BOARD_TIMEOUTS, BoardTimeouts } from "./board-timeouts";

const DLE = "\x10";
const MARK = "\x01";
/** What a board prints when it starts (after a reset or power cycle). */
const BANNER = /Espruino is Open Source|espruino\.com|\|_\| /;

/** The checked evaluation of callOnce: in the long form it is sent in every
 * line; installed once a session as a global function, a command line carries ~30 bytes of code besides its
 * expression instead of ~175. On a link that loses or garbles about one byte in
 * N, a line gets through about (1 - length/N) of the time: at N = 400 a
 * 250-byte line does one time in three, a 420-byte one never. It is a named
 * function expression (the name is bound inside it only: checked on the
 * firmware's Linux build, 2v29), so the long form can install the very function
 * it runs, with the session's first command in the same line, instead of
 * sending its text twice (once to run, once as the checked string to install).
 * The expression is evaluated inside it, where S is require("Storage"): the
 * commands of an upload use S and spare the bytes of asking for it each time. */
const CALLER_NAME = "__efc";
const CALLER =
  `function ${CALLER_NAME}(s,c,i){var r={n:1},S=require("Storage");if(E.CRC32(s)===c)try{r={v:eval(s)}}catch(e){r={e:e.message||""+e}}` +
  `r=JSON.stringify(r);print("\\x01"+i+":"+r+"/"+E.CRC32(r)+"\\x01")}`;
/** What the board prints when the global is gone (a reset we did not see). */
const NO_CALLER = new RegExp(`ReferenceError: "?${CALLER_NAME}"? is not defined`);

const GARBLED = "the command arrived garbled";
/** Tries of a command the board answers garbled (see call). */
const NOISY_TRIES = 8;

export class BoardResetError extends LinkError {}
/** The board ran the command and it threw: sending it again would not help. */
export class BoardError extends LinkError {}

export class EspruinoRepl {
  private seq = 0;
  /** whether CALLER is installed on the board (a reset removes it) */
  private short = false;
  private installs: number;
  /** what the board said, not consumed yet (shared with anything else that reads this link) */
  readonly inbox: Inbox;
  /** what this session has set up on the board (helper functions): forgotten when the board is seen to reset */
  readonly session = new Map<string, unknown>();
  /** how long to wait for what a fault can lose (board-timeouts.ts) */
  readonly timeouts: Readonly<BoardTimeouts>;
  /** shortCalls false: every command in the long form (each line carries the whole check); timeouts: the
   * production ones unless given (the CLI's come from EDGEFNN_BOARD_TIMEOUTS) */
  constructor(
    readonly link: ByteLink,
    o: { shortCalls?: boolean; timeouts?: Readonly<BoardTimeouts> } = {},
  ) {
    this.installs = o.shortCalls === false ? Infinity : 0;
    this.inbox = Inbox.of(link);
    this.timeouts = o.timeouts ?? BOARD_TIMEOUTS;
  }

  /** Sends a line (latin1 text) as it is. */
  send(text: string): Promise<void> {
    return this.inbox.write(text);
  }

  /** A prompt without disturbing a running app more than needed: a newline,
   * then Ctrl-C only if no ">" comes back within 500 ms (twice). */
  async sync(): Promise<void> {
    const prompt = (rx: string) => /(^|\n)>\s*$/.test(rx.replace(/\r/g, ""));
    for (const key of ["\n", "\x03", "\x03"]) {
      this.inbox.clear();
      await this.send(key);
      try {
        await this.inbox.waitFor(prompt, 500, "a prompt");
        this.inbox.clear();
        return;
      } catch (e) {
        if (this.link.isClosed) throw e;
      }
    }
    throw new LinkError(
      `no Espruino prompt on ${this.link.path}: is it the right port, and is the board's console on it (not on Bluetooth or another UART)?`,
    );
  }

  /** The JSON value of a JavaScript expression evaluated on the board (where
   * S is require("Storage"), see CALLER). A line
   * that got no answer (a byte lost or garbled on the way) is sent again: up to
   * `tries` times when nothing comes back at all (a board that is gone), up to
   * NOISY_TRIES times when the board does answer, but garbled or "arrived
   * garbled" (a noisy link). Only use it for expressions that can safely run twice. */
  async call<T>(expr: string, ms = this.timeouts.callMs, tries = 3): Promise<T> {
    let said = "",
      silent = 0;
    for (let t = 1; ; t++) {
      const heard = this.link.stats.received;
      try {
        if (!this.short && this.installs < 3) return await this.installWith<T>(expr, ms);
        return await this.callOnce<T>(expr, ms);
      } catch (e) {
        if (e instanceof BoardResetError) this.lost();
        // nothing at all came back (a board that says "Uncaught SyntaxError" to a garbled line is still there)
        if (this.link.stats.received === heard) silent++;
        if (
          e instanceof BoardResetError ||
          this.link.isClosed ||
          silent >= tries ||
          t >= Math.max(tries, NOISY_TRIES) ||
          !(e instanceof LinkError)
        )
          throw e;
        // An error from the board is believed when it says the same twice: the
        // code around the expression travels unchecked, and a garbled byte there
        // (found: eval -> uval) makes an error of its own.
        if (e instanceof BoardError) {
          if (e.message === said) throw e;
          said = e.message;
        }
        await this.clearLine(100);
      }
    }
  }

  /** Evaluates expr in the long form, and in the same checked expression
   * defines CALLER as a global (the function running it: see CALLER). The
   * global is trusted, and calls go short, once it has refused a wrong CRC.
   * What could be wrong with it otherwise: the function's own text travels
   * unchecked (as in every long-form line), but it is the text that just ran
   * the checked expression and answered with a CRC-checked reply, so its
   * evaluation and its answer work; the refusal proves its check works. */
  private async installWith<T>(expr: string, ms: number): Promise<T> {
    this.installs++;
    const value = await this.callOnce<T>(`(global.${CALLER_NAME}=${CALLER_NAME},${expr})`, ms, true);
    try {
      const refused = await this.callOnce<number>("0", Math.min(3000, this.timeouts.callMs), false, 1).then(
        () => false,
        (e) => e instanceof LinkError && e.message === GARBLED,
      );
      if (refused) this.short = true;
    } catch (e) {
      if (e instanceof BoardResetError || this.link.isClosed || !(e instanceof LinkError)) throw e;
      await this.clearLine(100);
    }
    return value;
  }

  /** Ctrl-C: drop whatever half line a garbled command left on the console, and what it said. */
  async clearLine(settleMs: number): Promise<void> {
    await this.send("\x03");
    await new Promise((r) => setTimeout(r, settleMs));
    this.inbox.clear();
  }

  /** One try. The expression travels as a string with its CRC-32 and is
   * evaluated only if the CRC matches, so a byte garbled on the wire can never
   * run as different code (say, a write to another file name). The test is
   * written "=== then eval", never "!== then refuse": one byte lost from "!=="
   * made "==", which ran exactly the expressions that failed their CRC (found
   * at one byte in 200 lost: a state read of "edgefnnactive", said "no model"). */
  private async callOnce<T>(expr: string, ms: number, long = !this.short, wrongCheck = 0): Promise<T> {
    const id = this.nextId();
    const check = (crc32(latin1Bytes(expr)) ^ wrongCheck) >>> 0;
    // the same function either way: sent in the line, or the installed global
    const line = `${DLE}${long ? `(${CALLER})` : CALLER_NAME}(${JSON.stringify(expr)},${check},${id})\n`;
    const from = this.inbox.text.length;
    await this.send(line);
    const m = await this.answer(
      id,
      from,
      ms,
      `the board's answer to ${expr.length > 60 ? expr.slice(0, 57) + "..." : expr}`,
      long ? undefined : NO_CALLER,
    );
    if (!m) {
      // the board lost the global (a reset whose banner we missed): back to the long form, and send it again
      this.lost();
      throw new LinkError(`the board no longer has ${CALLER_NAME} (it reset)`);
    }
    this.inbox.consume(m.index + m[0].length);
    // The answer carries its own CRC-32: a garbled byte can leave valid JSON
    // that says something else (found: {"v":...} turned into {"w":...}, read as undefined)
    const slash = m[1].lastIndexOf("/"),
      text = m[1].slice(0, slash);
    let r: { v?: T; e?: string; n?: number };
    try {
      if (slash < 0 || crc32(latin1Bytes(text)) !== Number(m[1].slice(slash + 1))) throw new Error("crc");
      r = JSON.parse(text);
      // and its shape: {v}, {} (v undefined), {e} or {n}; a garbled key in the code around the expression is not an answer
      const keys = Object.keys(r);
      if (keys.length > 1 || (keys.length === 1 && !["v", "e", "n"].includes(keys[0]))) throw new Error("shape");
    } catch {
      throw new LinkError(`the board's answer was garbled: ${JSON.stringify(m[1].slice(0, 80))}`);
    }
    if (r.n) throw new LinkError(GARBLED);
    if (r.e !== undefined) throw new BoardError(`the board said: ${r.e}`);
    return r.v as T;
  }

  /** Whether text holds the banner a board prints when it starts (a reset). */
  static sawReset(text: string): boolean {
    return BANNER.test(text);
  }

  /** Another protocol on this link saw the board reset: forget what the session had installed. */
  noteReset(): void {
    this.lost();
  }

  /** The board reset: what this session installed there is gone. */
  private lost(): void {
    this.short = false;
    this.session.clear();
  }

  /** A fresh request id: a number, sent without quotes (three bytes fewer a line than "e12"). */
  nextId(): string {
    return String(++this.seq);
  }

  /** Waits for MARK id: ... MARK after inbox offset `from`; a banner there means the board reset. Resolves
   * to null if `gone` shows up there first. */
  async answer(id: string, from: number, ms: number, what: string): Promise<RegExpExecArray>;
  async answer(id: string, from: number, ms: number, what: string, gone: RegExp | undefined): Promise<RegExpExecArray | null>;
  async answer(id: string, from: number, ms: number, what: string, gone?: RegExp): Promise<RegExpExecArray | null> {
    const re = new RegExp(`${MARK}${id}:(.*?)${MARK}`, "s");
    let found: RegExpExecArray | null = null,
      reset = false,
      lost = false;
    await this.inbox.waitFor(
      (rx) => {
        found = re.exec(rx);
        if (!found && BANNER.test(rx.slice(from))) reset = true;
        if (!found && gone?.test(rx.slice(from))) lost = true;
        return found !== null || reset || lost;
      },
      ms,
      what,
    );
    if (found) return found;
    if (reset) throw new BoardResetError("the board reset");
    return null;
  }
}
