#!/usr/bin/env node
// The kernelspec's command: `node kernel/bin/kernel.js {connection_file}`.
// Plain JavaScript so it can build the TypeScript before loading any of it.
"use strict";
const path = require("path");
const { ensureBuild, ROOT } = require("./ensure-build");

try {
  ensureBuild();
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
require(path.join(ROOT, "build", "lib", "kernel", "launcher.js")).main(process.argv.slice(2));
