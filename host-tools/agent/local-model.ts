// For programs on the Pi itself: the agent's active model, loaded with the
// ES5 runtime bundle, that follows every upload.
//
//   import { openAgentModel } from "edgefnn/host";
//   const model = openAgentModel("/var/lib/edgefnn");
//   model.labels[model.classify([x, y, z])];
//   model.onChange((info) => console.log("now running", info.file));
//   model.close();                       // stops watching
//
// The agent replaces active.efnn only by rename(2), so every read sees a whole
// file: the old one or the new one. A change is noticed by fs.watch on the
// directory and, in case the file system does not report it, by polling the
// file's inode, size and mtime (every pollMs); then the file is read, loaded and
// swapped in. Until a model exists, run() and classify() throw.
import { statSync, watch, FSWatcher } from "node:fs";
import { join } from "node:path";
import { requireRuntime } from "./bundle-runtime";
import { Active, ACTIVE, readActive, RECORD } from "./model-store";
import { ActiveInfo } from "./protocol";

export type { ActiveInfo };

export interface AgentModel {
  /** the outputs for raw feature values x (a reused Float32Array) */
  run(x: ArrayLike<number>): Float32Array;
  /** index of the top output: labels[classify(x)] */
  classify(x: ArrayLike<number>): number;
  readonly labels: string[];
  readonly inputSize: number;
  readonly outputSize: number;
  /** which model is loaded (name, id, bytes...), null before the first upload */
  readonly info: ActiveInfo | null;
  /** calls f after each reload with the new model's info */
  onChange(f: (info: ActiveInfo) => void): void;
  /** reads the directory now (also done on its own); true if a new model was loaded */
  reload(): boolean;
  /** stops watching */
  close(): void;
}

export interface OpenOptions {
  /** ms between checks of the file when fs.watch says nothing (default 1000) */
  pollMs?: number;
}

/** What changes when the agent activates a model: the model file's and its record's inode, size and mtime. */
function stamp(dir: string): string {
  return [ACTIVE, RECORD]
    .map((f) => {
      try {
        const s = statSync(join(dir, f), { bigint: true });
        return `${s.ino}:${s.size}:${s.mtimeNs}`;
      } catch {
        return "-";
      }
    })
    .join("/");
}

export function openAgentModel(dir: string, o: OpenOptions = {}): AgentModel {
  const runtime = requireRuntime();
  let current: Active | null = null;
  let seen = "";
  const listeners: ((info: ActiveInfo) => void)[] = [];

  const reload = (): boolean => {
    const now = stamp(dir);
    if (now === seen) return false;
    let next: Active | null;
    try {
      next = readActive(dir, runtime);
    } catch {
      return false; // cannot happen with the agent's renames; keep serving the old model
    }
    seen = now;
    if (!next) return false;
    if (current && next.info.id === current.info.id) {
      current.info = next.info; // the same model, its record (name) written after it
      return false;
    }
    current = next;
    for (const f of listeners) f(next.info);
    return true;
  };
  reload();

  const need = (): Active => {
    if (!current) throw new Error(`no model in ${dir} yet: upload one with edgefnn upload --port ...`);
    return current;
  };

  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(dir, { persistent: false }, () => reload());
    watcher.on("error", () => {
      watcher?.close();
      watcher = null;
    });
  } catch {
    /* polling alone */
  }
  const timer = setInterval(reload, o.pollMs ?? 1000);
  timer.unref();

  return {
    run: (x) => need().model.run(x),
    classify: (x) => need().model.classify(x),
    get labels() {
      return need().model.labels;
    },
    get inputSize() {
      return need().model.inputSize;
    },
    get outputSize() {
      return need().model.outputSize;
    },
    get info() {
      return current?.info ?? null;
    },
    onChange: (f) => {
      listeners.push(f);
    },
    reload,
    close: () => {
      clearInterval(timer);
      watcher?.close();
      watcher = null;
    },
  };
}
