// Talking to an Espruino console: get a prompt, then run commands as
// DLE-prefixed lines (0x10: the board neither echoes them nor prints their
// =result) that print their answer between markers we can find in whatever
// else the board says.
import { LinkError, SerialLink } from "./link";

const DLE = "\x10";
const MARK = "\x01";
/** What a board prints when it starts (after a reset or power cycle). */
const BANNER = /Espruino is Open Source|espruino\.com|\|_\| /;

export class BoardResetError extends LinkError {}

export class EspruinoRepl {
  private seq = 0;
  constructor(readonly link: SerialLink) {}

  /** A prompt without disturbing a running app more than needed: a newline,
   * then Ctrl-C only if no ">" comes back within 500 ms (twice). */
  async sync(): Promise<void> {
    const prompt = (rx: string) => /(^|\n)>\s*$/.test(rx.replace(/\r/g, ""));
    for (const key of ["\n", "\x03", "\x03"]) {
      this.link.rx = "";
      await this.link.write(key);
      try {
        await this.link.waitFor(prompt, 500, "a prompt");
        this.link.rx = "";
        return;
      } catch (e) {
        if (this.link.isClosed) throw e;
      }
    }
    throw new LinkError(`no Espruino prompt on ${this.link.path}: is it the right port, and is the board's console on it (not on Bluetooth or another UART)?`);
  }

  /** The JSON value of a JavaScript expression evaluated on the board. */
  async call<T>(expr: string, ms = 5000): Promise<T> {
    const id = this.nextId();
    const start = `${MARK}${id}:`;
    const line = `${DLE}(function(){var r;try{r={v:(${expr})}}catch(e){r={e:""+(e.message||e)}}print(${JSON.stringify(start)}+JSON.stringify(r)+${JSON.stringify(MARK)})})()\n`;
    const from = this.link.rx.length;
    await this.link.write(line);
    const m = await this.answer(id, from, ms, `the board's answer to ${expr.length > 60 ? expr.slice(0, 57) + "..." : expr}`);
    this.link.rx = this.link.rx.slice(m.index + m[0].length);
    let r: { v?: T; e?: string };
    try {
      r = JSON.parse(m[1]);
    } catch {
      throw new LinkError(`the board's answer was garbled: ${JSON.stringify(m[1].slice(0, 80))}`);
    }
    if (r.e !== undefined) throw new LinkError(`the board said: ${r.e}`);
    return r.v as T;
  }

  /** A fresh request id. */
  nextId(): string {
    return `e${++this.seq}`;
  }

  /** Waits for MARK id: ... MARK after rx offset `from`; a banner there means the board reset. */
  async answer(id: string, from: number, ms: number, what: string): Promise<RegExpExecArray> {
    const re = new RegExp(`${MARK}${id}:(.*?)${MARK}`, "s");
    let found: RegExpExecArray | null = null, reset = false;
    await this.link.waitFor((rx) => {
      found = re.exec(rx);
      if (!found && BANNER.test(rx.slice(from))) reset = true;
      return found !== null || reset;
    }, ms, what);
    if (!found) throw new BoardResetError("the board reset");
    return found;
  }
}
