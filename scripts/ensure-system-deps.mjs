#!/usr/bin/env node
// Debian tools the tests use beside npm packages: duk (Duktape, a second,
// embedded-class ES5 engine for the bundle), socat (pseudo-terminal pairs for
// the serial tests) and chromium (renders the HTML training report headless). Installs them with apt-get when run as root; otherwise says
// what to install.
import { execSync, spawnSync } from "node:child_process";

const needed = [
  ["duk", "duktape"],
  ["socat", "socat"],
  ["chromium", "chromium"],
];
const have = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const missing = needed.filter(([cmd]) => !have(cmd)).map(([, pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (isRoot && have("apt-get")) {
  console.log(`edgefnn: installing Debian packages the tests need: ${missing.join(" ")}`);
  execSync("apt-get update -qq", { stdio: "inherit" });
  execSync(`DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(" ")}`, { stdio: "inherit" });
  process.exit(0);
}
console.error(
  `edgefnn: the tests need ${missing.join(" and ")}. Install with:\n  sudo apt-get install ${missing.join(" ")}`,
);
process.exit(1);
