// Bundles the board runtime (src/device) into ONE ES5 script that works as an
// Espruino Storage module (require("edgefnn"): exports and module exist there),
// a Node CommonJS module (the Pi) and a plain script (a global `edgefnn`).
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { transform } from "esbuild";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import terser from "@rollup/plugin-terser";
import ts from "typescript";

// An IIFE that makes a global `edgefnn` in a plain script, plus one line that
// hands it to module.exports where there is a module (Node, Espruino Storage
// modules): smaller than rollup's UMD wrapper, which matters in 4 KiB.
const umd = {
  format: "iife",
  name: "edgefnn",
  footer: 'if (typeof module !== "undefined") module.exports = edgefnn;',
  // Espruino: Object.defineProperty is partial and Object.freeze missing, so no
  // __esModule marker and no frozen namespace objects.
  esModule: false,
  freeze: false,
  generatedCode: "es5",
  strict: false,
  // the indentation @rollup/plugin-typescript's output had (the .js bundles are read by people)
  indent: "    ",
};

function printSizes() {
  return {
    name: "print-sizes",
    writeBundle(options) {
      const bytes = statSync(options.file).size;
      console.log(`${options.file}: ${bytes} bytes (${(bytes / 1024).toFixed(2)} KiB)`);
    },
  };
}

// The project is "type": "module"; the bundle is a CommonJS-or-global script,
// so dist/ says so for Node. dist/edgefnn.mjs is the package's `import` entry:
// the same object require("edgefnn") gives (one bundle, not a second copy),
// with its names for `import { load } from "edgefnn"`.
function commonjsDir() {
  return {
    name: "commonjs-dir",
    writeBundle() {
      mkdirSync("dist", { recursive: true });
      writeFileSync("dist/package.json", '{ "type": "commonjs" }\n');
      writeFileSync(
        "dist/edgefnn.mjs",
        '// the board runtime (edgefnn.js) for `import`: the very object require("edgefnn") gives\n' +
          'import edgefnn from "./edgefnn.js";\n' +
          "export default edgefnn;\n" +
          "export const { load, loadFile, layout } = edgefnn;\n",
      );
    },
  };
}

// TypeScript to ES5 one file at a time (ts.transpileModule): no program, no
// type check (npm test's tsc does that), ~0.1 s instead of ~4 s of CPU per
// bundle for @rollup/plugin-typescript's whole program (the test set-up builds
// before every run). One thing a file-at-a-time compile cannot do is write a
// const enum's numbers in (isolatedModules keeps the enum object and the
// lookups): inlineConstEnums below does it for the enums a file declares
// itself, which is all the board code has (runtime.ts's slot, view and row
// names), so the bundles come out as a whole-program compile made them.
const ES5_OPTIONS = {
  target: ts.ScriptTarget.ES5,
  module: ts.ModuleKind.ESNext,
  strict: true,
  importHelpers: false,
  noEmitHelpers: false,
  isolatedModules: true,
};
/** A transformer: a file's own `const enum` members (numbers, given or
 * counted on from the previous) replace their uses, and the declarations go. */
function inlineConstEnums(context) {
  const f = context.factory;
  return (sourceFile) => {
    const values = new Map();
    for (const st of sourceFile.statements) {
      if (!ts.isEnumDeclaration(st) || !st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ConstKeyword)) continue;
      const members = new Map();
      let next = 0;
      for (const m of st.members) {
        if (m.initializer) {
          if (!ts.isNumericLiteral(m.initializer))
            throw new Error(`${sourceFile.fileName}: const enum ${st.name.text}: only numbers are inlined`);
          next = Number(m.initializer.text);
        }
        members.set(m.name.getText(sourceFile), next++);
      }
      values.set(st.name.text, members);
    }
    if (values.size === 0) return sourceFile;
    const visit = (node) => {
      if (ts.isEnumDeclaration(node) && values.has(node.name.text)) return undefined;
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && values.has(node.expression.text)) {
        const v = values.get(node.expression.text).get(node.name.text);
        if (v === undefined) throw new Error(`${sourceFile.fileName}: ${node.getText(sourceFile)} is not a member`);
        return f.createNumericLiteral(v);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitEachChild(sourceFile, visit, context);
  };
}

const es5 = () => ({
  name: "es5",
  resolveId(source, importer) {
    if (!importer || !source.startsWith(".")) return null;
    const base = resolve(dirname(importer), source);
    for (const f of [`${base}.ts`, `${base}/index.ts`]) if (existsSync(f)) return f;
    return null;
  },
  transform(code, id) {
    if (!id.endsWith(".ts")) return null;
    const r = ts.transpileModule(code, {
      compilerOptions: ES5_OPTIONS,
      fileName: id,
      reportDiagnostics: true,
      transformers: { before: [inlineConstEnums] },
    });
    if (r.diagnostics?.length) this.error(ts.flattenDiagnosticMessageText(r.diagnostics[0].messageText, "\n"));
    return { code: r.outputText, map: null };
  },
});

// The runtime bundle (require("edgefnn")) has a hard size bound (6.5 KiB,
// test/device/bundle.test.ts): these options take 13 bytes off it. Safe for
// that code: nothing in it reads a function's length, has a getter with side
// effects, replaces a built-in, or compares with or returns true/false (booleans
// only tested for truth). The other bundles keep the defaults.
const SQUEEZE = { passes: 3, keep_fargs: false, pure_getters: true, unsafe: true, booleans_as_integers: true };

const minify = (squeeze) =>
  terser({
    ecma: 5,
    // no strict mode on the board; keep declarations where they are (no hoisting there);
    // keep directives: Espruino reads "ram" (runtime.ts)
    // EDGEFNN_BOARD_BUNDLE: the board's interpreter, so the core's host-only
    // branchless loops (apply-activation.ts, JIT) go as dead code
    compress: {
      passes: 2,
      directives: false,
      hoist_funs: false,
      hoist_vars: false,
      reduce_funcs: false,
      global_defs: { EDGEFNN_BOARD_BUNDLE: true },
      ...squeeze,
    },
    format: { comments: false },
  });

/** One ES5 bundle: dist/<file>.js and dist/<file>.min.js, a global `name` and module.exports. */
function bundle(input, file, name, extra = [], squeeze = {}) {
  const wrap = { ...umd, name, footer: `if (typeof module !== "undefined") module.exports = ${name};` };
  return {
    input,
    plugins: [es5()],
    output: [
      { ...wrap, file: `dist/${file}.js`, plugins: [printSizes(), ...extra] },
      { ...wrap, file: `dist/${file}.min.js`, plugins: [minify(squeeze), printSizes()] },
    ],
  };
}

// The studio page (host-tools/studio/page): a modern-browser script and its
// training worker, each one self-contained file (an IIFE: no module loading,
// so dist/studio/ works from any static host), plus index.html and the CSS.
// csv-parse's browser build (its own small Buffer stand-in) replaces the Node
// one the CLI uses; the sources are the same TypeScript the CLI runs.
// Types are stripped by esbuild's transform (already the host build's tool):
// @rollup/plugin-typescript took over a minute for the host tree on a busy
// machine, and the test set-up builds before every run. Type-checking stays
// tsc's job (npm test); rollup does the bundling and the minifying.
function studioTs() {
  return {
    name: "studio-ts",
    resolveId(id, importer) {
      if (!importer || !id.startsWith(".") || /\.[cm]?js$/.test(id)) return null;
      const base = resolve(dirname(importer), id);
      for (const f of [base, `${base}.ts`, `${base}/index.ts`]) if (existsSync(f) && statSync(f).isFile()) return f;
      return null;
    },
    async transform(code, id) {
      if (!id.endsWith(".ts")) return null;
      // the package's version: the gesture app's .info on a Bangle.js carries it, as upload --app writes it
      const define = { __EDGEFNN_VERSION__: JSON.stringify(JSON.parse(readFileSync("package.json", "utf8")).version) };
      const out = await transform(code, { loader: "ts", target: "es2022", format: "esm", sourcefile: id, define });
      return { code: out.code, map: null };
    },
  };
}

function browserCsvParse() {
  return {
    name: "browser-csv-parse",
    resolveId(id, importer) {
      if (!importer) return null;
      if (id === "csv-parse/sync") return fileURLToPath(new URL("node_modules/csv-parse/dist/esm/sync.js", import.meta.url));
      // the host's runtime loads dist/edgefnn.js with require(): the page runs the same runtime's source
      if (id === "./host-runtime" && importer.endsWith("evaluation/quantize-report.ts"))
        return fileURLToPath(new URL("host-tools/studio/page/page-runtime.ts", import.meta.url));
      if (!id.startsWith(".") && !id.startsWith("/") && !id.startsWith("\0") && !/^[A-Za-z]:/.test(id))
        this.error(`the studio page imports ${id}, which does not run in a browser`);
      return null;
    },
  };
}

function studioFiles() {
  return {
    name: "studio-files",
    writeBundle() {
      mkdirSync("dist/studio", { recursive: true });
      for (const f of ["index.html", "studio.css"]) copyFileSync(`host-tools/studio/page/${f}`, `dist/studio/${f}`);
      // what the page uploads, fetched only then (built by the configs above): the board runtime, and the gesture
      // app's parts as upload --app gestures writes them; collect.js as collect writes it (the script as it is)
      for (const f of ["edgefnn.min.js", "edgefnn-features.min.js", "gestures.min.js"]) copyFileSync(`dist/${f}`, `dist/studio/${f}`);
      copyFileSync("firmware-scripts/collect.js", "dist/studio/collect.js");
      const size = (files) => {
        const total = files.reduce((n, f) => n + statSync(`dist/studio/${f}`).size, 0);
        const gz = files.reduce((n, f) => n + gzipSync(readFileSync(`dist/studio/${f}`)).length, 0);
        return `${files.join(", ")}: ${total} bytes (${(total / 1024).toFixed(1)} KiB), ${gz} gzipped`;
      };
      console.log(`dist/studio: the page ${size(["index.html", "studio.css", "studio.js", "worker.js"])}`);
      console.log(`dist/studio: for the board ${size(["edgefnn.min.js", "edgefnn-features.min.js", "gestures.min.js", "collect.js"])}`);
    },
  };
}

// The page's scripts are minified by esbuild, not terser: terser took ~5.7 of the
// page build's 8.8 CPU-s on this machine (the test set-up builds the page at every
// run), esbuild ~0.1, for a page 1.5% larger: 217,940 bytes (75,440 gzipped)
// instead of 214,701 (72,675). The board bundles keep terser: their bytes are bounded (bundle.test.ts).
const studioMinify = () => ({
  name: "esbuild-minify",
  async renderChunk(code) {
    const out = await transform(code, { minify: true, target: "es2020", legalComments: "none" });
    return { code: out.code, map: null };
  },
});

const studio = [
  {
    input: "host-tools/studio/page/worker.ts",
    plugins: [browserCsvParse(), studioTs()],
    output: { file: "dist/studio/worker.js", format: "iife", plugins: [studioMinify()] },
  },
  {
    input: "host-tools/studio/page/main.ts",
    plugins: [browserCsvParse(), studioTs()],
    output: { file: "dist/studio/studio.js", format: "iife", plugins: [studioMinify(), studioFiles()] },
  },
];

// `rollup -c --environment ONLY:studio` builds the page alone; ONLY:board all but the page (the test set-up
// builds the page beside the first tests, since only the studio's test needs it)
export default process.env.ONLY === "studio"
  ? studio
  : [
      // the runtime: require("edgefnn")
      bundle("src/device/index.ts", "edgefnn", "edgefnn", [commonjsDir()], SQUEEZE),
      // the accelerometer window features, apart so the plain runtime stays small: require("edgefnn-features")
      bundle("src/features/index.ts", "edgefnn-features", "edgefnnFeatures"),
      // on-board learning (fine-tuning the last layers), apart for the same reason: require("edgefnn-learn")
      bundle("src/learn/index.ts", "edgefnn-learn", "edgefnnLearn"),
      // the gesture app as upload --app gestures installs it: the same script without its comments and
      // spaces, its functions' local names shortened (a Puck.js has 40 KiB of Storage for all of it),
      // global names and order untouched; its first line, "// edgefnn's gesture app...", kept: it
      // marks the file as edgefnn's (own-files.ts)
      {
        input: "firmware-scripts/gestures.js",
        treeshake: false,
        output: {
          file: "dist/gestures.min.js",
          format: "es",
          plugins: [
            terser({
              ecma: 5,
              module: false,
              toplevel: false,
              compress: false,
              mangle: { toplevel: false },
              format: { comments: /^ edgefnn's gesture app/ },
            }),
            printSizes(),
          ],
        },
      },
      ...(process.env.ONLY === "board" ? [] : studio),
    ];
