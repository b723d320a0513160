#!/usr/bin/env node
// Debian tools the tests use beside npm packages: duk (Duktape, a second,
// embedded-class ES5 engine for the bundle), socat (pseudo-terminal pairs for
// the serial tests) and chromium (renders the HTML training report headless).
// Run as root (CI), it installs the missing ones with apt-get, after saying so
// in one line; EDGEFNN_NO_APT=1 skips that and only says what to install.
// Otherwise it says what to install.
import { execSync, spawnSync } from "node:child_process";

const needed = [
  ["duk", "duktape", "runs the board bundle in a second ES5 engine"],
  ["socat", "socat", "makes the pseudo-terminals of the serial tests"],
  ["chromium", "chromium", "renders the HTML report headless"],
];
const have = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const missing = needed.filter(([cmd]) => !have(cmd));
if (missing.length === 0) process.exit(0);
const pkgs = missing.map(([, pkg]) => pkg).join(" ");
const why = missing.map(([, pkg, what]) => `${pkg} ${what}`).join("; ");

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (isRoot && have("apt-get") && !process.env.EDGEFNN_NO_APT) {
  console.log(`edgefnn: npm test runs as root, so it installs with apt-get: ${pkgs} (${why}); EDGEFNN_NO_APT=1 skips this`);
  execSync("apt-get update -qq", { stdio: "inherit" });
  execSync(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs}`, { stdio: "inherit" });
  process.exit(0);
}
console.error(`edgefnn: the tests need ${pkgs} (${why}). Install with:\n  sudo apt-get install ${pkgs}`);
process.exit(1);
