// Bundles the board runtime (src/device) into ONE ES5 script that works as an
// Espruino Storage module (require("edgefnn"): exports and module exist there),
// a Node CommonJS module (the Pi) and a plain script (a global `edgefnn`).
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import terser from "@rollup/plugin-terser";
import typescript from "@rollup/plugin-typescript";

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

const es5 = () =>
  typescript({
    tsconfig: false,
    include: ["src/**/*.ts"],
    compilerOptions: {
      target: "ES5",
      lib: ["ES5"],
      module: "ESNext",
      strict: true,
      importHelpers: false,
      noEmitHelpers: false,
      declaration: false,
      sourceMap: false,
    },
  });

const minify = () =>
  terser({
    ecma: 5,
    // no strict mode on the board; keep declarations where they are (no hoisting there);
    // keep directives: Espruino reads "ram" (runtime.ts)
    compress: { passes: 2, directives: false, hoist_funs: false, hoist_vars: false, reduce_funcs: false },
    format: { comments: false },
  });

/** One ES5 bundle: dist/<file>.js and dist/<file>.min.js, a global `name` and module.exports. */
function bundle(input, file, name, extra = []) {
  const wrap = { ...umd, name, footer: `if (typeof module !== "undefined") module.exports = ${name};` };
  return {
    input,
    plugins: [es5()],
    output: [
      { ...wrap, file: `dist/${file}.js`, plugins: [printSizes(), ...extra] },
      { ...wrap, file: `dist/${file}.min.js`, plugins: [minify(), printSizes()] },
    ],
  };
}

export default [
  // the runtime: require("edgefnn")
  bundle("src/device/index.ts", "edgefnn", "edgefnn", [commonjsDir()]),
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
      plugins: [terser({ ecma: 5, module: false, toplevel: false, compress: false, mangle: { toplevel: false }, format: { comments: /^ edgefnn's gesture app/ } }), printSizes()],
    },
  },
];
