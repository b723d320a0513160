// The agent's model directory. One active model, `active.efnn`, replaced only
// by rename(2) of a complete, fsync'ed, CRC-checked and loadable file, then an
// fsync of the directory: a crash or power cut at any moment leaves either the
// old or the new model there, whole. Beside it `active.json` maps model ids to
// the names they were uploaded under; it is rewritten (durably, the same way)
// with both the old and the new model's entries just before the switch, so
// whichever model a crash leaves active has its name. (Advisory only: a model
// whose id is not in it is still served, under no name.)
// Transfers go to `.edgefnn-staging.tmp`; every `.edgefnn-*.tmp` is a leftover
// of an interrupted run and is removed at start-up.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "../files/crc32";
import { modelFileName, modelId } from "../serial/board-files";
import { DeviceModel, Runtime } from "./bundle-runtime";
import { ActiveInfo, E, NAME_RE } from "./protocol";

export const ACTIVE = "active.efnn";
export const RECORD = "active.json";
const STAGING = ".edgefnn-staging.tmp";
const RECORD_TMP = ".edgefnn-record.tmp";
const TEMP_RE = /^\.edgefnn-.*\.tmp$/;
/** every file the agent ever writes: LIST reports these and nothing else, so its reply stays small */
const OWN_FILES = [ACTIVE, RECORD, STAGING, RECORD_TMP];

/** A refusal with a protocol error code; its message goes back to the host as it is. */
export class AgentError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface Staging {
  name: string;
  total: number;
  received: number;
  fd: number;
  lastAt: number;
}

export interface Active {
  info: ActiveInfo;
  model: DeviceModel;
  /** the model's labels, read once (the runtime reads them from the file at each access) */
  labels: string[];
}

const hex8 = (id: number) => id.toString(16).padStart(8, "0");

/** What the agent tells about a model it has loaded: nothing whose size depends on the model's contents. */
export function describe(bytes: Uint8Array, model: DeviceModel, name: string | null): Active {
  const id = modelId(bytes);
  const labels = model.labels.slice();
  const file = name ? modelFileName(name, bytes) : `active.${hex8(id)}`;
  return {
    model,
    labels,
    info: { name, id, file, bytes: bytes.length, inputSize: model.inputSize, outputSize: model.outputSize, labelCount: labels.length },
  };
}

/** The active model of a directory as it is on disk now (null if there is none). */
export function readActive(dir: string, runtime: Runtime): Active | null {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(join(dir, ACTIVE)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  const model = runtime.load(bytes);
  let name: string | null = null;
  try {
    const r = JSON.parse(readFileSync(join(dir, RECORD), "utf8"))?.names?.[hex8(modelId(bytes))];
    if (typeof r === "string" && NAME_RE.test(r)) name = r;
  } catch {
    /* no record, or a damaged one: the model is still good */
  }
  return describe(bytes, model, name);
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a small file whole: temporary, fsync, rename, fsync of the directory. */
function writeDurably(dir: string, tmpName: string, name: string, data: Uint8Array | string): void {
  const tmp = join(dir, tmpName);
  const fd = openSync(tmp, "w", 0o644);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  fsyncDir(dir);
}

export class ModelStore {
  private staging: Staging | null = null;

  constructor(
    readonly dir: string,
    private runtime: Runtime,
    readonly maxBytes = 4 << 20,
  ) {}

  /** Creates the directory if needed and removes leftovers of interrupted runs; returns their names. */
  open(): string[] {
    mkdirSync(this.dir, { recursive: true });
    const stale = readdirSync(this.dir).filter((f) => TEMP_RE.test(f));
    for (const f of stale) rmSync(join(this.dir, f), { force: true });
    if (stale.length) fsyncDir(this.dir);
    return stale;
  }

  active(): Active | null {
    return readActive(this.dir, this.runtime);
  }

  get staged(): { name: string; received: number; total: number } | null {
    const s = this.staging;
    return s ? { name: s.name, received: s.received, total: s.total } : null;
  }

  /** Bytes [offset, offset + data.length) of a transfer of `total` bytes. Offset 0
   * starts it afresh (dropping any other); after that chunks come in order. A chunk
   * that is already there (resent after a lost reply) is accepted and not written again.
   * (A resent request is normally answered from the server's reply cache before it gets here.) */
  put(name: string, total: number, offset: number, data: Uint8Array, now: number): number {
    if (!NAME_RE.test(name))
      throw new AgentError(E.BAD_NAME, `model name ${JSON.stringify(name)}: use 1 to 32 letters, digits, "_" or "-"`);
    if (total > this.maxBytes) throw new AgentError(E.TOO_LARGE, `${total} bytes is more than this agent takes (${this.maxBytes})`);
    if (offset + data.length > total)
      throw new AgentError(E.BAD_OFFSET, `bytes ${offset}..${offset + data.length} lie beyond the total of ${total}`);
    if (offset === 0) {
      this.discard();
      const fd = openSync(join(this.dir, STAGING), "w", 0o644);
      this.staging = { name, total, received: 0, fd, lastAt: now };
    }
    const s = this.staging;
    if (!s || s.name !== name || s.total !== total)
      throw new AgentError(E.NO_TRANSFER, `no transfer of ${name} (${total} bytes) in progress: start again at offset 0`);
    s.lastAt = now;
    if (offset === s.received) {
      let done = 0;
      while (done < data.length) done += writeSync(s.fd, data, done, data.length - done, offset + done);
      s.received += data.length;
    } else if (offset + data.length > s.received) throw new AgentError(E.BAD_OFFSET, `expected offset ${s.received}, got ${offset}`);
    return s.received;
  }

  /** The staged bytes as they are on disk: count and CRC-32. */
  check(name: string): { received: number; total: number; crc: number } {
    const s = this.requireStaging(name);
    fsyncSync(s.fd);
    const bytes = readFileSync(join(this.dir, STAGING));
    return { received: bytes.length, total: s.total, crc: crc32(bytes) };
  }

  /** Makes the staged transfer the active model, if it is complete, has this
   * CRC-32, loads, and `accept` (what the server checks it can describe and
   * serve) does not throw. Everything that can refuse it runs before the
   * rename; after the rename only the directory's fsync can fail, and then the
   * error says that the new model is in place. */
  activate(
    name: string,
    total: number,
    crc: number,
    accept: (candidate: Active) => void = () => {},
  ): { active: Active; previous: ActiveInfo | null } {
    const s = this.requireStaging(name);
    if (s.total !== total || s.received !== total)
      throw new AgentError(E.NO_TRANSFER, `${name}: ${s.received} of ${s.total} bytes received, not ${total}`);
    fsyncSync(s.fd);
    const path = join(this.dir, STAGING);
    const bytes = new Uint8Array(readFileSync(path));
    const got = crc32(bytes);
    if (bytes.length !== total || got !== crc) {
      this.discard();
      throw new AgentError(
        E.CHECKSUM,
        `${name}: the staged file's CRC-32 is ${got} over ${bytes.length} bytes, expected ${crc} over ${total}: send it again`,
      );
    }
    let active: Active;
    try {
      active = describe(bytes, this.runtime.load(bytes), name);
    } catch (e) {
      this.discard();
      throw new AgentError(E.BAD_MODEL, `${name}: not a model the runtime loads: ${(e as Error).message}`);
    }
    try {
      accept(active);
    } catch (e) {
      this.discard();
      throw e;
    }
    let previous: ActiveInfo | null = null;
    try {
      previous = this.active()?.info ?? null;
    } catch {
      /* an unloadable old model is simply replaced */
    }
    closeSync(s.fd);
    this.staging = null;
    const names: Record<string, string> = {};
    if (previous?.name) names[hex8(previous.id)] = previous.name;
    names[hex8(active.info.id)] = name;
    try {
      writeDurably(this.dir, RECORD_TMP, RECORD, JSON.stringify({ names }) + "\n");
    } catch (e) {
      rmSync(path, { force: true });
      throw new AgentError(E.IO, `${name}: cannot record its name (${(e as Error).message}); the previous model stays active`);
    }
    try {
      renameSync(path, join(this.dir, ACTIVE));
    } catch (e) {
      rmSync(path, { force: true });
      throw new AgentError(E.IO, `${name}: cannot put it in place (${(e as Error).message}); the previous model stays active`);
    }
    try {
      fsyncDir(this.dir);
    } catch (e) {
      throw new AgentError(
        E.IO,
        `${active.info.file} is the active model now, but the directory's fsync failed (${(e as Error).message}): a power cut could ` +
          `still bring back the previous one`,
      );
    }
    return { active, previous };
  }

  /** Drops the transfer in progress, if any; true if there was one. */
  discard(): boolean {
    const s = this.staging;
    if (!s) return false;
    this.staging = null;
    try {
      closeSync(s.fd);
    } catch {
      /* already closed */
    }
    rmSync(join(this.dir, STAGING), { force: true });
    return true;
  }

  /** Discards a transfer that has had no chunk for `ms`; returns its name if it did. */
  expire(now: number, ms: number): string | null {
    const s = this.staging;
    if (!s || now - s.lastAt < ms) return null;
    this.discard();
    return s.name;
  }

  files(): { file: string; bytes: number }[] {
    return readdirSync(this.dir)
      .filter((f) => OWN_FILES.includes(f))
      .map((f) => ({ file: f, bytes: statSync(join(this.dir, f)).size }));
  }

  private requireStaging(name: string): Staging {
    const s = this.staging;
    if (!s || s.name !== name) throw new AgentError(E.NO_TRANSFER, `no transfer of ${JSON.stringify(name)} in progress`);
    return s;
  }
}
