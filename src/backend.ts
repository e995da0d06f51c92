/**
 * The tfjs backend, chosen once for the whole library.
 *
 * Order of preference: `tensorflow` (@tensorflow/tfjs-node) when the user has it
 * installed, else `wasm` (@tensorflow/tfjs-backend-wasm, a dependency), else
 * tfjs's pure-JS `cpu`. Nothing happens on import: call `setupBackend()` (the
 * notebooks, the tests and the benchmark all do). The choice is reported once
 * per process.
 *
 * On wasm two things make training several times faster (see "Training speed"
 * in the README): the fast kernels of `src/wasm/` (on by default), and
 * multi-threaded wasm, `threads` in all (default: one per core, at most 8; or
 * the TRANSFORMER_NOTEBOOKS_THREADS environment variable). The thread count is
 * fixed when the wasm backend starts, once per process.
 *
 * TRANSFORMER_NOTEBOOKS_BACKEND=cpu (or wasm, tensorflow) asks for a backend
 * without changing code, as `prefer` does (the tests run the library on cpu so).
 */
import * as tf from "@tensorflow/tfjs";
import { availableParallelism } from "os";
import { fastKernelsInstalled, installFastKernels, removeFastKernels } from "./wasm/fast-kernels";
import { withWasmThreads } from "./wasm/threads";

export type BackendName = "tensorflow" | "wasm" | "cpu";

export interface BackendInfo {
  /** The backend tfjs now uses. */
  name: BackendName;
  /** How it was chosen, in a few words, for the one line printed. */
  reason: string;
  /** wasm only: threads in XNNPACK's pool (1 = single-threaded). */
  threads?: number;
  /** wasm only: whether the fast kernels of src/wasm/ are installed. */
  fastKernels?: boolean;
}

export interface BackendOptions {
  /** Force a backend instead of the preference order. */
  prefer?: BackendName;
  /** Where the one-line report goes; default console.log. Pass null for silence. */
  log?: ((line: string) => void) | null;
  /**
   * wasm: threads in all, 1-8. Default: $TRANSFORMER_NOTEBOOKS_THREADS, else one
   * per core (at most 8). Only takes effect before the wasm backend has started.
   */
  threads?: number;
  /** wasm: install the fast kernels (default true); false puts the shipped ones back. */
  fastKernels?: boolean;
}

/** Most threads: emscripten's pool holds 8 workers, and XNNPACK adds the calling thread. */
export const MAX_WASM_THREADS = 8;

/** The thread count asked for: the option, else the environment variable, else one per core. */
export function wantedThreads(option?: number): number {
  const fromEnv = process.env.TRANSFORMER_NOTEBOOKS_THREADS;
  const raw = option ?? (fromEnv !== undefined && fromEnv !== "" ? Number(fromEnv) : Math.min(availableParallelism(), MAX_WASM_THREADS));
  if (!Number.isInteger(raw) || raw < 1 || raw > MAX_WASM_THREADS) {
    const where = option !== undefined ? "threads" : "TRANSFORMER_NOTEBOOKS_THREADS";
    throw new Error(`${where} must be an integer from 1 to ${MAX_WASM_THREADS}, got ${option ?? fromEnv}`);
  }
  return raw;
}

interface WasmPackage {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
  version_wasm: string;
}

function wasmPackage(): WasmPackage | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("@tensorflow/tfjs-backend-wasm") as WasmPackage;
  } catch {
    return null;
  }
}

/** Whether the wasm backend has already been started in this process. */
function wasmStarted(): boolean {
  return Boolean((tf.engine().registry as Record<string, unknown>).wasm);
}

/** Starts wasm with `threads` threads (once per process), and installs or removes the fast kernels. */
async function activateWasm(threads: number, fast: boolean): Promise<{ threads: number; fastKernels: boolean } | null> {
  const pkg = wasmPackage();
  if (!pkg) return null;
  let ok: boolean;
  if (!wasmStarted() && threads > 1) {
    ok = await withWasmThreads(threads, pkg.setThreadsCount, () => tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true), () => activate("wasm"));
    if (!ok) {
      // no threads here (no SharedArrayBuffer, say): the single-threaded binary still works
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
      pkg.setThreadsCount(1);
      ok = await activate("wasm");
    }
  } else ok = await activate("wasm");
  if (!ok) return null;
  if (fast) installFastKernels(pkg.version_wasm);
  else removeFastKernels();
  return { threads: pkg.getThreadsCount(), fastKernels: fastKernelsInstalled() };
}

let chosen: BackendInfo | undefined;

function tryRequire(name: string): boolean {
  try {
    require(name);
    return true;
  } catch {
    return false;
  }
}

async function activate(name: BackendName): Promise<boolean> {
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/** Silences tfjs's "install tfjs-node" banner, which the cpu backend prints on first use. */
function quietCpu(): void {
  const cpu = tf.engine().registry.cpu as unknown as { firstUse?: boolean } | undefined;
  if (cpu) cpu.firstUse = false;
}

/**
 * Selects the backend (once; later calls return the first choice unless
 * `prefer` asks for another) and prints one line saying which.
 */
export async function setupBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const log = options.log === undefined ? console.log : options.log;
  const threads = wantedThreads(options.threads);
  const fast = options.fastKernels ?? true;
  const same = chosen && (!options.prefer || options.prefer === chosen.name) && (chosen.name !== "wasm" || chosen.fastKernels === fast);
  if (chosen && same && (options.threads === undefined || chosen.threads === undefined || chosen.threads === threads)) return chosen;
  if (options.threads !== undefined && wasmStarted() && wasmPackage()?.getThreadsCount() !== threads) {
    throw new Error(`the wasm backend already runs with ${wasmPackage()?.getThreadsCount()} threads; the count is fixed when it starts, once per process (set TRANSFORMER_NOTEBOOKS_THREADS before starting)`);
  }

  const candidates: [BackendName, string][] = [];
  const fromEnv = process.env.TRANSFORMER_NOTEBOOKS_BACKEND;
  if (fromEnv && !options.prefer && !["tensorflow", "wasm", "cpu"].includes(fromEnv)) {
    throw new Error(`TRANSFORMER_NOTEBOOKS_BACKEND must be tensorflow, wasm or cpu, got ${fromEnv}`);
  }
  if (options.prefer) candidates.push([options.prefer, "requested"]);
  else if (fromEnv) candidates.push([fromEnv as BackendName, "TRANSFORMER_NOTEBOOKS_BACKEND"]);
  else {
    if (tryRequire("@tensorflow/tfjs-node")) candidates.push(["tensorflow", "@tensorflow/tfjs-node is installed"]);
    if (tryRequire("@tensorflow/tfjs-backend-wasm")) candidates.push(["wasm", "the default in Node"]);
    candidates.push(["cpu", "fallback: no wasm backend"]);
  }
  for (const [name, reason] of candidates) {
    if (name === "wasm") {
      const wasm = await activateWasm(threads, fast);
      if (!wasm) continue;
      chosen = { name, reason, ...wasm };
      log?.(`tfjs backend: wasm (${reason}; ${wasm.threads} thread${wasm.threads === 1 ? "" : "s"}, ${wasm.fastKernels ? "fast kernels" : "shipped kernels"})`);
      return chosen;
    }
    if (await activate(name)) {
      if (name === "cpu") quietCpu();
      chosen = { name, reason };
      log?.(`tfjs backend: ${name} (${reason})`);
      return chosen;
    }
  }
  throw new Error(`no tfjs backend could be started (tried ${candidates.map(([n]) => n).join(", ")})`);
}
