// The package as npm ships it and as programs use it: the packed file list,
// the exports (the board bundle for require/import, the host API), and a CLI
// that runs compiled JavaScript only.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, tempDir } from "../helpers/cli";
import { linkPackage, PACKAGE_ROOT } from "../helpers/installed";

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8"));

/** What `npm pack` would put in the tarball, from the files built now (no prepack build: the test set-up built dist/). */
function packedFiles(): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: PACKAGE_ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return (JSON.parse(out)[0].files as { path: string }[]).map((f) => f.path).sort();
}

describe("npm pack", () => {
  const files = packedFiles();

  it("ships the compiled CLI, the board bundles, the firmware scripts, the demo's data, LICENSE, README and docs", () => {
    for (const f of [
      "LICENSE",
      "README.md",
      "package.json",
      "bin/edgefnn.mjs",
      "dist/package.json",
      "dist/edgefnn.js",
      "dist/edgefnn.min.js",
      "dist/edgefnn.mjs",
      "dist/edgefnn-features.min.js",
      "dist/gestures.min.js",
      "dist/host/cli.mjs",
      "dist/host/index.mjs",
      "firmware-scripts/boot.js",
      "firmware-scripts/classify.js",
      "firmware-scripts/collect.js",
      "firmware-scripts/gestures.js",
      "examples/data/iris.csv",
      "docs/FORMAT.md",
      "docs/AGENT-PROTOCOL.md",
    ])
      expect(files).toContain(f);
    // every chunk the compiled CLI imports is in the package too
    const chunks = readFileSync(join(PACKAGE_ROOT, "dist/host/cli.mjs"), "utf8").match(/chunks\/[\w.-]+\.mjs/g) ?? [];
    expect(chunks.length).toBeGreaterThan(0);
    for (const c of chunks) expect(files).toContain(`dist/host/${c}`);
  });

  it("ships no tests, no TypeScript sources (declarations only), no build configs, no scratch files", () => {
    const unwanted = files.filter(
      (f) =>
        /^(test|src|host-tools|bench|scripts|scratch|coverage|\.ci|node_modules)\//.test(f) ||
        (/\.(ts|mts|cts)$/.test(f) && !/\.d\.ts$/.test(f)) ||
        /^(rollup\.config\.mjs|vitest\.config\.ts|eslint\.config\.mjs|tsconfig[\w.]*\.json|package-lock\.json)$/.test(f) ||
        /\.log$|\.tgz$/.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  it("every file package.json names (bin, main, exports, types) is inside `files`", () => {
    // package.json itself npm always packs
    const named = [
      pkg.bin.edgefnn,
      pkg.main,
      pkg.types,
      ...Object.values(pkg.exports).flatMap((e) => (typeof e === "string" ? [e] : Object.values(e as object))),
    ];
    for (const f of (named as string[]).filter((f) => f !== "./package.json")) {
      const path = f.replace(/^\.\//, "");
      expect(
        pkg.files.some((entry: string) => path === entry || path.startsWith(entry + "/")),
        path,
      ).toBe(true);
    }
  });

  it("needs nothing at install time, and no TypeScript tooling at run time", () => {
    for (const s of ["preinstall", "install", "postinstall", "prepare"]) expect(pkg.scripts[s], s).toBeUndefined();
    for (const d of ["tsx", "typescript", "esbuild", "rollup"]) expect(pkg.dependencies[d], d).toBeUndefined();
    expect(pkg.license).toBe("MIT");
    expect(readFileSync(join(PACKAGE_ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License/);
  });
});

/** The npm packages the compiled host code (dist/host) imports by name: static imports and import(). */
function importedPackages(): Set<string> {
  const dir = join(PACKAGE_ROOT, "dist", "host"),
    names = new Set<string>();
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".mjs"));
  for (const f of files)
    for (const m of readFileSync(join(dir, f), "utf8").matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)"([^"]+)"/g)) {
      const spec = m[1];
      if (!/^(@[\w.-]+\/)?[\w][\w.-]*(\/.*)?$/.test(spec) || spec.startsWith("node:")) continue;
      const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
      if (!builtinModules.includes(name)) names.add(name);
    }
  return names;
}

describe("the compiled host code's imports", () => {
  it("are all dependencies: an installed package has no devDependencies (acorn-walk, which the virtual board uses, was one: edgefnn demo failed after npm install -g)", () => {
    const names = importedPackages();
    // the scan sees imports (the test can fail)
    for (const known of ["commander", "serialport", "csv-parse", "acorn"]) expect(names, known).toContain(known);
    const shipped = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})]);
    expect([...names].filter((n) => !shipped.has(n))).toEqual([]);
  });
});

describe("the package's exports, as an installed dependency sees them", () => {
  const app = linkPackage(tempDir());
  const node = (args: string[]) => spawnSync(process.execPath, args, { cwd: app, encoding: "utf8" });

  it('require("edgefnn") is the board bundle dist/edgefnn.js itself', () => {
    const req = createRequire(join(app, "app.cjs"));
    expect(realpathSync(req.resolve("edgefnn"))).toBe(realpathSync(join(PACKAGE_ROOT, "dist/edgefnn.js")));
    const nn = req("edgefnn");
    expect(Object.keys(nn).sort()).toEqual(["layout", "load", "loadFile"]);
  });

  it('import from "edgefnn" gives the same object and its names', () => {
    const r = node([
      "--input-type=module",
      "-e",
      'import nn, * as named from "edgefnn"; import { createRequire } from "node:module";' +
        'const req = createRequire(process.cwd() + "/x.cjs"); const cjs = req("edgefnn");' +
        'const names = Object.keys(named).filter((k) => k !== "default").sort();' +
        "console.log(JSON.stringify({ same: nn === cjs, names, bound: names.every((k) => named[k] === cjs[k]), all: Object.keys(cjs).sort() }));",
    ]);
    expect(r.stderr).toBe("");
    const o = JSON.parse(r.stdout);
    expect(o.same).toBe(true);
    expect(o.bound).toBe(true);
    expect(o.names).toEqual(o.all);
  });

  it('"edgefnn/host" gives the host API, for import and require', () => {
    // the names the README shows
    const names = [
      "train",
      "evaluate",
      "quantizeModel",
      "encodeModel",
      "decodeModel",
      "createNetwork",
      "initialize",
      "createRng",
      "modelFromNetwork",
      "loadCsv",
      "readModelFile",
      "openAgentModel",
    ];
    const r = node([
      "--input-type=module",
      "-e",
      `import * as h from "edgefnn/host"; console.log(JSON.stringify(${JSON.stringify(names)}.filter((n) => typeof h[n] !== "function")));`,
    ]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(existsSync(join(PACKAGE_ROOT, pkg.exports["./host"].default))).toBe(true);
  });
});

/** Runs the CLI with a module hook that fails the process if one of these packages is loaded. */
function cliWithout(forbidden: string[], args: string[], cwd = PACKAGE_ROOT) {
  const hook = `export async function resolve(s, c, next) { if (/^(${forbidden.join("|")})(\\/|$)/.test(s)) throw new Error("loaded " + s); return next(s, c); }`;
  const register = `import { register } from "node:module"; register(${JSON.stringify("data:text/javascript," + encodeURIComponent(hook))});`;
  return spawnSync(process.execPath, ["--import", "data:text/javascript," + encodeURIComponent(register), BIN, ...args], {
    cwd,
    encoding: "utf8",
  });
}

describe("the compiled CLI", () => {
  const tooling = ["tsx", "typescript", "esbuild", "rollup", "@rollup"];

  it("--version and -V print the package's version", () => {
    for (const flag of ["--version", "-V"]) {
      const r = cliWithout(tooling, [flag]);
      expect(r.stderr).toBe("");
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });

  it("--help and info load no TypeScript tooling, and no serial port, progress bar or browser library", () => {
    const heavy = [...tooling, "serialport", "@serialport", "cli-progress", "playwright-core", "acorn", "csv-parse"];
    const help = cliWithout(heavy, ["--help"]);
    expect(help.stderr).toBe("");
    expect(help.status).toBe(0);
    const model = join(tempDir(), "m.efnn");
    const train = cliWithout(
      [...tooling, "serialport", "@serialport", "playwright-core"],
      ["train", join(PACKAGE_ROOT, "examples/data/iris.csv"), "--epochs", "3", "--out", model, "--json"],
    );
    expect(train.stderr).toBe("");
    expect(train.status).toBe(0);
    const info = cliWithout(heavy, ["info", model, "--board", "puckjs"]);
    expect(info.stderr).toBe("");
    expect(info.stdout).toContain("on a Puck.js");
  });
});
