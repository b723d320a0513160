// A test-only fault injector on a serial line: it holds one end of each of two
// pty pairs and copies bytes between them both ways, flipping a bit of, or
// dropping, the bytes at given positions of each direction's stream (counted
// from the last setFaults), or dropping everything. Deterministic: the same
// faults land at the same bytes whatever the timing.
import { SerialPort } from "serialport";

export interface DirectionFaults {
  /** 0-based positions of bytes to flip a bit in */
  corruptAt?: number[];
  /** 0-based positions of bytes to drop */
  dropAt?: number[];
  /** drop every byte from this 0-based position on: the line goes dead at a known point of the stream */
  dropFrom?: number;
}

export interface ProxyFaults {
  /** left -> right (e.g. host -> device) */
  right?: DirectionFaults;
  /** right -> left */
  left?: DirectionFaults;
  /** the line is dead: every byte both ways is lost */
  dropAll?: boolean;
}

export interface SerialProxy {
  stats: { corrupted: number; dropped: number; forwarded: number };
  setFaults(f: ProxyFaults): void;
  close(): Promise<void>;
}

function open(path: string): Promise<SerialPort> {
  return new Promise((resolve, reject) => {
    const p = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    p.open((e) => (e ? reject(e) : resolve(p)));
  });
}

export async function serialProxy(left: string, right: string, faults: ProxyFaults = {}): Promise<SerialProxy> {
  const [l, r] = await Promise.all([open(left), open(right)]);
  const stats = { corrupted: 0, dropped: 0, forwarded: 0 };
  let f = faults;
  const count = { right: 0, left: 0 };
  const pipe = (from: SerialPort, to: SerialPort, dir: "right" | "left") =>
    from.on("data", (buf: Buffer) => {
      const out: number[] = [];
      const d = f[dir] ?? {};
      for (const b of buf) {
        const at = count[dir]++;
        if (f.dropAll || d.dropAt?.includes(at) || (d.dropFrom !== undefined && at >= d.dropFrom)) stats.dropped++;
        else if (d.corruptAt?.includes(at)) {
          stats.corrupted++;
          out.push(b ^ (1 << (at % 8)));
        } else out.push(b);
      }
      stats.forwarded += out.length;
      if (out.length) to.write(Buffer.from(out));
    });
  pipe(l, r, "right");
  pipe(r, l, "left");
  return {
    stats,
    setFaults: (x) => {
      f = x;
      count.right = count.left = 0;
    },
    close: async () => {
      await Promise.all([l, r].map((p) => new Promise<void>((res) => (p.isOpen ? p.close(() => res()) : res()))));
    },
  };
}
