// Lint: the recommended rules of ESLint and typescript-eslint (syntax-level, no
// type information: the type-check is tsc's job in the same test command).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "bench/node_modules/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
    rules: {
      // an unused name starting with _ is deliberate (a callback's shape)
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // a tool for serial consoles matches control bytes (Ctrl-C, DLE, XON/XOFF) on purpose
      "no-control-regex": "off",
    },
  },
  {
    // tsc resolves every name in TypeScript (typescript-eslint's own advice)
    files: ["**/*.ts"],
    rules: { "no-undef": "off" },
  },
  {
    // Code for the board's interpreter is ES5: `var` only, and each function
    // declares its variables once at the top with initial values (on Espruino
    // every declaration statement costs; ESPRUINO-MEASUREMENTS.md).
    files: ["src/**", "firmware-scripts/**", "bench/**"],
    rules: { "no-var": "off", "no-useless-assignment": "off", "prefer-rest-params": "off" },
  },
  {
    // host-tools: at most 140 characters a line (the width .prettierrc.json formats to), URLs
    // excepted since they cannot be cut. Core's max-len (deprecated for @stylistic's, which
    // would be one more dependency; available until ESLint 11).
    files: ["host-tools/**"],
    rules: { "max-len": ["error", { code: 140, ignoreUrls: true }] },
  },
  {
    // the virtual board is a sandbox for another realm's untyped values and functions
    files: ["host-tools/sim/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-unsafe-function-type": "off", "prefer-spread": "off" },
  },
  {
    files: ["firmware-scripts/**"],
    // Espruino's require() loads Storage modules: there are no imports
    rules: { "@typescript-eslint/no-require-imports": "off" },
    languageOptions: {
      sourceType: "script",
      ecmaVersion: 5,
      globals: {
        E: "readonly",
        Bangle: "readonly",
        Puck: "readonly",
        NRF: "readonly",
        LED1: "readonly",
        LED2: "readonly",
        LED3: "readonly",
        BTN: "readonly",
        BTN1: "readonly",
        g: "readonly",
        require: "readonly",
        print: "readonly",
        setWatch: "readonly",
        setInterval: "readonly",
        setTimeout: "readonly",
        clearInterval: "readonly",
        clearTimeout: "readonly",
        digitalWrite: "readonly",
        getTime: "readonly",
        console: "readonly",
        global: "readonly",
        Terminal: "readonly",
        Serial1: "readonly",
        USB: "readonly",
        Bluetooth: "readonly",
        process: "readonly",
        edgefnnModel: "writable",
        peek32: "readonly",
        poke32: "readonly",
        reset: "readonly",
        load: "readonly",
        save: "readonly",
        module: "readonly",
        exports: "writable",
        Modules: "readonly",
        digitalPulse: "readonly",
        // set by the host before it sends bench.js (host-tools runs it with a model name and a count)
        BENCH_MODEL: "readonly",
        BENCH_RUNS: "readonly",
      },
    },
  },
  {
    // the tests and their Espruino sandbox handle the interpreter's untyped values
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
