/**
 * The kernel process: tslab, started so that the library resolves and stays
 * fresh.
 *
 * - The library is imported as "transformer-notebooks" (node_modules link and
 *   build made by kernel/bin/ensure-build.js before this file loads).
 * - Before each cell, if a file under src/ or kernel/ changed since the last
 *   build, it is rebuilt and the library's modules are dropped from Node's
 *   require cache, so the next `import` in a cell gets the new code.
 * - When started by a parent that sets JPY_PARENT_PID (Jupyter, our runner),
 *   the kernel exits when that parent is gone: no orphans.
 */
import * as path from "path";
import { startTslabKernel } from "./tslab-internals";
import { buildDir, PACKAGE_NAME, projectRoot } from "./paths";

interface EnsureBuild {
  /** Links the package and builds if stale; true when it compiled. */
  ensureBuild(options?: { quiet?: boolean }): boolean;
}

/** Modules of the library the kernel itself has loaded: never dropped. */
const ownModules = new Set<string>();

function dropLibraryModules(): number {
  const lib = path.join(buildDir(), "lib") + path.sep;
  let dropped = 0;
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(lib) && !ownModules.has(key)) {
      delete require.cache[key];
      dropped++;
    }
  }
  return dropped;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function reloadIfStale(builder: EnsureBuild): Promise<boolean> {
  // Cheap when nothing changed; also restores the package link if an
  // `npm install` removed it while the kernel was running.
  try {
    if (!builder.ensureBuild({ quiet: true })) return true;
  } catch (err) {
    console.error((err as Error).message);
    return false;
  }
  dropLibraryModules();
  // Give tslab's type checker (a file watcher) a moment to see the new .d.ts.
  await sleep(300);
  console.log(`${PACKAGE_NAME}: src/ changed, library rebuilt and reloaded`);
  return true;
}

/** Exits when the parent that started us (JPY_PARENT_PID) has gone away. */
function watchParent(): void {
  const pid = Number(process.env.JPY_PARENT_PID);
  if (!Number.isInteger(pid) || pid <= 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch {
      process.exit(0);
    }
  }, 1000);
  timer.unref();
}

export function main(argv: string[]): void {
  const connectionFile = argv[0];
  if (!connectionFile) {
    process.stderr.write("usage: kernel.js CONNECTION_FILE (Jupyter passes {connection_file})\n");
    process.exit(2);
  }
  for (const key of Object.keys(require.cache)) ownModules.add(key);
  const builder = require(path.join(projectRoot(), "kernel", "bin", "ensure-build.js")) as EnsureBuild;
  watchParent();
  startTslabKernel(connectionFile, { beforeExecute: () => reloadIfStale(builder) });
}
