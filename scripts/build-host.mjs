#!/usr/bin/env node
// Compiles the host tools (the CLI and the host API) from TypeScript to
// JavaScript in dist/host/, so the installed package runs plain `node`: no
// TypeScript compiler, tsx or esbuild at run time, nothing built at install.
//
// Why esbuild (and not rollup or tsc emit): it strips the types of the whole
// host tree in well under a second (the test set-up builds before every run),
// it splits at dynamic import() so each command's modules load only when that
// command runs (start-up time), and the sources need no change: tsc emit would
// keep the extensionless relative imports Node's ES module loader refuses.
// Type-checking stays tsc's job (npm test). The board runtime is rollup's
// (rollup.config.mjs): ES5 output and byte counts need its care.
//
// npm packages stay outside the output (packages: "external"): they are the
// package's dependencies, installed beside it.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const outdir = `${root}dist/host`;

export async function buildHost() {
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: root,
    entryPoints: { cli: "host-tools/cli.ts", index: "host-tools/index.ts" },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    // .mjs: dist/package.json makes dist/ CommonJS (the board bundle is a CommonJS-or-global script)
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    legalComments: "none",
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildHost();
