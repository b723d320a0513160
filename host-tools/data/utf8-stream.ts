// The streaming UTF-8 check of the CLI's loader (a Node stream), apart from
// text-encoding.ts so that file stays free of Node APIs: the studio page in a
// browser sniffs and locates bad bytes with the same code.
import { Transform, type TransformCallback } from "node:stream";

/** Raised by Utf8Check: the absolute byte offset of the chunk holding the first invalid byte. */
export class InvalidUtf8 extends Error {
  constructor(readonly chunkStart: number) {
    super(`invalid UTF-8 in the chunk at byte ${chunkStart}`);
  }
}

/**
 * Passes bytes through unchanged, failing with InvalidUtf8 at the first chunk
 * that is not valid UTF-8 (a sequence cut at the end of the file included).
 * The native decoder does the checking; where exactly is found only on
 * failure, by locateInvalidUtf8.
 */
export class Utf8Check extends Transform {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  private offset = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      done(new InvalidUtf8(this.offset));
      return;
    }
    this.offset += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    try {
      this.decoder.decode();
      done();
    } catch {
      done(new InvalidUtf8(this.offset));
    }
  }
}
