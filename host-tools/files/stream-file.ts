// A file written a piece at a time, without the whole of it in memory, and
// still atomically: into a temporary file beside it, renamed into place only
// when commit() is called (after every piece, and after its fellows, are
// written); abort() removes the temporary file, so a failure leaves nothing.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** the pieces are gathered up to this many characters, then written in one system call */
const FLUSH_AT = 1 << 20;

export class StreamFile {
  private fd: number;
  private readonly tmp: string;
  private pending: string[] = [];
  private size = 0;

  constructor(readonly file: string) {
    const dir = dirname(file);
    // "wx": never overwrite (or follow a link at) a name someone else holds
    for (let attempt = 0; ; attempt++) {
      const name = join(dir, `.${basename(file)}.${process.pid}${attempt ? `-${attempt}` : ""}.tmp`);
      try {
        this.fd = openSync(name, "wx");
        this.tmp = name;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 20) throw e;
      }
    }
  }

  write(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.pending.length) writeSync(this.fd, this.pending.join(""));
    this.pending = [];
    this.size = 0;
  }

  /** Everything on disk (fsync: a power cut cannot leave an empty file under the real name), then renamed into place. */
  commit(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tmp, this.file);
  }

  /** Closes and removes the temporary file (nothing under the real name was touched). */
  abort(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.tmp, { force: true });
  }
}
