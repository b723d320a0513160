// The Espruino console's line discipline (jsiHandleChar / jsiHandleNewLine in
// espruino/Espruino src/jsinteractive.c), one received byte at a time:
// - typed characters are echoed; a newline (\r, \n, or \r\n) executes the line
//   when its brackets are balanced, else continues it on a ":" line;
// - after executing, "=<value>" and a new ">" prompt;
// - a line starting with DLE (0x10) is neither echoed nor followed by its
//   "=value" or a prompt (unless it printed something);
// - Ctrl-C (0x03) drops the line being typed and shows a fresh prompt;
// - errors print "Uncaught <Name>: <message>"; echo(0) silences echo,
//   results and prompts until echo(1);
// - firmware 2v25+: DLE SOH starts a packet (jsiHandleConsoleChar's
//   IPS_PACKET_TRANSFER_* states): a big-endian 16-bit word, type in the top 3
//   bits and length in the low 13, then that many bytes, taken raw (Ctrl-C
//   included); the whole packet goes to the host's packet() (packets.ts).
import { Interrupted } from "./board-sandbox";
import { errorName, formatValue, printValue } from "./format";

export type Evaluation = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface ConsoleHost {
  /** raw output to the port (a binary string) */
  write(text: string): void;
  evaluate(code: string): Evaluation;
  /** a whole packet (2v25+), or undefined when the firmware has none */
  packet?(word: number, data: string): void;
  /** a packet's DLE SOH has arrived (its timeout starts) */
  packetStart?(): void;
}

const DLE = 0x10;
const CTRL_C = 0x03;
const ESC = 0x1b;

export class EspruinoConsole {
  /** echo(0) / echo(1) */
  echo = true;
  private line = "";
  private echoOffForLine = false;
  private hadR = false;
  private escape = 0;
  /** the prompt and line being typed are on screen (the firmware's !inputLineRemoved) */
  private shown = true;
  /** the last byte was DLE (IPS_HAD_DLE) */
  private hadDle = false;
  /** a packet being received: 0 none, 1 expecting the length's high byte, 2 its low byte, 3 data */
  private packetState = 0;
  private packetWord = 0;
  private packetData = "";

  constructor(private host: ConsoleHost) {}

  /** Forgets the line being typed (a reset); the next output starts on a clean slate. */
  clear(): void {
    this.line = "";
    this.echoOffForLine = false;
    this.hadR = false;
    this.escape = 0;
    this.shown = false;
    this.echo = true;
  }

  private echoing(): boolean {
    return this.echo && !this.echoOffForLine;
  }

  /** whether a packet is being received (the board's packet timeout looks) */
  get inPacket(): boolean {
    return this.packetState !== 0;
  }

  /** The packet timeout: the packet is dropped (the board says NAK). */
  abortPacket(): void {
    this.packetState = 0;
    this.packetData = "";
  }

  handle(ch: number): void {
    if (this.packetState) return this.handlePacket(ch);
    const hadDle = this.hadDle;
    this.hadDle = false;
    if (ch === 1 && hadDle && this.host.packet) {
      this.packetState = 1;
      this.host.packetStart?.();
      return;
    }
    if (this.escape) return this.handleEscape(ch);
    const afterR = this.hadR;
    this.hadR = false;
    if (ch === 0) return;
    if (ch === CTRL_C) return this.ctrlC();
    if (ch === ESC) {
      this.escape = 1;
      return;
    }
    if (ch === DLE) {
      if (this.line === "") this.echoOffForLine = true;
      this.hadDle = true;
      return;
    }
    if (ch === 0x08 || ch === 0x7f) return this.backspace();
    if (ch === 0x0a && afterR) return;
    if (ch === 0x0d || ch === 0x0a) {
      this.hadR = ch === 0x0d;
      return this.newLine();
    }
    if (ch >= 32 || ch === 9) {
      const s = ch === 9 ? "    " : String.fromCharCode(ch);
      this.line += s;
      if (this.echoing() && this.shown) this.host.write(s);
    }
  }

  private handlePacket(ch: number): void {
    if (this.packetState === 1) {
      // a DLE on an empty line turned echo off; the packet turns it on again
      if (this.line === "") this.echoOffForLine = false;
      this.packetWord = ch << 8;
      this.packetState = 2;
      return;
    }
    if (this.packetState === 2) {
      this.packetWord |= ch;
      this.packetData = "";
      if ((this.packetWord & 0x1fff) === 0) return this.packetDone();
      this.packetState = 3;
      return;
    }
    this.packetData += String.fromCharCode(ch);
    if (this.packetData.length >= (this.packetWord & 0x1fff)) this.packetDone();
  }

  private packetDone(): void {
    const word = this.packetWord,
      data = this.packetData;
    this.packetState = 0;
    this.packetData = "";
    this.host.packet!(word, data);
  }

  /** Output from the board while the console waits (print() in a timer, an uncaught error). */
  print(text: string): void {
    this.removeInputLine();
    this.host.write(crlf(text));
  }

  /** Puts the prompt and the line being typed back after output. */
  returnInputLine(): void {
    if (this.shown) return;
    this.shown = true;
    if (this.echoing()) this.host.write(">" + this.line.replace(/\n/g, "\r\n:"));
  }

  uncaught(error: unknown): void {
    this.print(error instanceof Interrupted ? "Execution Interrupted\n" : `Uncaught ${describeError(error)}\n`);
  }

  private removeInputLine(): void {
    if (!this.shown) return;
    this.shown = false;
    if (this.echoing()) this.host.write("\r\x1b[J");
  }

  private newLine(): void {
    if (bracketDepth(this.line) > 0) {
      if (this.echoing() && this.shown) this.host.write("\r\n:");
      this.line += "\n";
      return;
    }
    if (this.echoing() && this.shown) this.host.write("\r\n");
    if (!this.echoOffForLine) this.shown = false;
    const code = this.line.trimEnd();
    this.line = "";
    const r = this.host.evaluate(code);
    if (r.ok && this.echoing() && code !== "") this.host.write("=" + crlf(formatValue(r.value)) + "\r\n");
    if (!r.ok) this.uncaught(r.error);
    this.echoOffForLine = false;
    // the prompt comes back when the board calls returnInputLine(), after a reset() it asked for
  }

  private ctrlC(): void {
    this.line = "";
    this.echoOffForLine = false;
    if (this.echo) this.host.write("\r\n>");
    this.shown = true;
  }

  private backspace(): void {
    if (this.line === "" || this.line.endsWith("\n")) return;
    this.line = this.line.slice(0, -1);
    if (this.echoing() && this.shown) this.host.write("\b \b");
  }

  /** ESC [ digits... final: cursor keys and the like are recognised and ignored. */
  private handleEscape(ch: number): void {
    if (this.escape === 1) this.escape = ch === 0x5b || ch === 0x4f ? 2 : 0;
    else if (!(ch >= 0x30 && ch <= 0x39)) this.escape = 0;
  }
}

export function crlf(s: string): string {
  return s.replace(/\r?\n/g, "\r\n");
}

/** "ReferenceError: "x" is not defined", "Error: boom", or a thrown non-error as print() shows it. */
export function describeError(e: unknown): string {
  const name = errorName(e);
  if (!name) return printValue(e);
  let msg = String((e as { message?: unknown }).message);
  // the firmware quotes the name: "foo" is not defined
  if (name === "ReferenceError") msg = msg.replace(/^([\w$]+) is not defined$/, '"$1" is not defined');
  return `${name}: ${msg}`;
}

/** Open brackets minus closed ones, outside strings, template literals, comments and regular expressions. */
export function bracketDepth(code: string): number {
  let depth = 0;
  let prev = ""; // last significant character, to tell a regex from a division
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === "/" && code[i + 1] === "/") {
      while (i < code.length && code[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && code[i + 1] === "*") {
      const end = code.indexOf("*/", i + 2);
      if (end < 0) return depth + 1; // an open comment: keep reading lines
      i = end + 1;
      continue;
    }
    if (c === '"' || c === "'" || c === "`" || (c === "/" && (prev === "" || "(,=:[!&|?{};+-*%<>~^".includes(prev)))) {
      let inClass = false;
      for (i++; i < code.length; i++) {
        if (code[i] === "\\") i++;
        else if (c === "/" && code[i] === "[") inClass = true;
        else if (c === "/" && code[i] === "]") inClass = false;
        else if (code[i] === c && !inClass) break;
        else if (c !== "`" && code[i] === "\n") break;
      }
      if (i >= code.length && c === "`") return depth + 1;
      prev = "a";
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    if (!/\s/.test(c)) prev = c;
  }
  return depth;
}
