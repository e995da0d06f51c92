#!/usr/bin/env node
// Keeps the compiled library fresh and reachable by its package name.
//
// Notebooks import the library as "transformer-notebooks". tslab compiles cells
// with rootDir = the notebook's folder, so it cannot compile ../src/*.ts itself;
// it can read built JavaScript + .d.ts found through node_modules. This file
// (plain JavaScript, so that it runs before anything is built) does two things,
// cheaply when there is nothing to do:
//   1. links node_modules/transformer-notebooks -> the project root, whose
//      package.json points `main`/`types` at build/lib/kernel/notebook.{js,d.ts};
//   2. runs the project's TypeScript compiler when any file under src/ or
//      kernel/ is newer than the last build (tsc -p tsconfig.json, incremental).
// The kernel launcher, `npm start`, `npm test` and `npm run lab` all call it, so
// an edit to src/ reaches the next run with no manual step.
"use strict";

const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.resolve(__dirname, "..", "..");
const NAME = "transformer-notebooks";
const STAMP = path.join(ROOT, "build", "lib", ".build-stamp");
const LOCK = path.join(ROOT, "build", "lib", ".build-lock");
const SOURCE_DIRS = ["src", "kernel"];

/** Newest modification time (ms) of the .ts files and tsconfig the build reads. */
function newestSourceMtime() {
  let newest = fs.statSync(path.join(ROOT, "tsconfig.json")).mtimeMs;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) walk(path.join(ROOT, dir));
  return newest;
}

function stampMtime() {
  try {
    return Number(fs.readFileSync(STAMP, "utf8"));
  } catch {
    return -1;
  }
}

/** True when the build output is older than some source file. */
function isStale() {
  return stampMtime() < newestSourceMtime();
}

function ensureLink() {
  const link = path.join(ROOT, "node_modules", NAME);
  let target = null;
  try {
    target = fs.realpathSync(link);
  } catch {
    target = null;
  }
  if (target === fs.realpathSync(ROOT)) return;
  fs.rmSync(link, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(link), { recursive: true });
  try {
    fs.symlinkSync(path.relative(path.dirname(link), ROOT) || ".", link, "junction");
  } catch (err) {
    // Two processes racing to create the same link: the other one won.
    if (err.code !== "EEXIST") throw err;
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes a lock directory so that concurrent kernels build once, not in parallel. */
function withLock(fn) {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 120000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      // A lock older than two minutes belongs to a build that died: take it over.
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > 120000) fs.rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* removed meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`${NAME}: timed out waiting for the build lock ${LOCK}`);
      sleep(100);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Builds if stale and makes sure the package link exists.
 * Returns true when it compiled. Throws with the compiler's output on errors.
 * @param {{ quiet?: boolean }} [options]
 */
function ensureBuild(options = {}) {
  ensureLink();
  if (!isStale()) return false;
  return withLock(() => {
    // Another process may have finished the build while we waited.
    const started = newestSourceMtime();
    if (stampMtime() >= started) return false;
    const tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
    if (!options.quiet) process.stderr.write(`${NAME}: compiling src/ and kernel/ ...\n`);
    const result = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.json")], {
      cwd: ROOT,
      encoding: "utf8",
    });
    if (result.status !== 0) {
      const out = `${result.stdout || ""}${result.stderr || ""}`.trim();
      throw new Error(`${NAME}: the TypeScript build failed:\n${out || result.error}`);
    }
    fs.writeFileSync(STAMP, String(started));
    return true;
  });
}

module.exports = { ensureBuild, ROOT };

if (require.main === module) {
  try {
    ensureBuild();
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
