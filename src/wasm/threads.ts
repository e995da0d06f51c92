/**
 * Multi-threaded wasm in Node.
 *
 * tfjs-backend-wasm 4.22 ships a threaded SIMD binary (its matrix products
 * run on XNNPACK's thread pool) but switches it off in Node. Four things stand
 * in the way, and `withWasmThreads` handles each one for the duration of the
 * backend's start-up only:
 *
 * 1. The flag `WASM_HAS_MULTITHREAD_SUPPORT` answers false in Node. It is set.
 * 2. Emscripten starts its workers from `blob:` URLs, which Node's
 *    `worker_threads.Worker` refuses (ERR_WORKER_PATH). Blobs made while the
 *    backend starts remember their text, and a Worker asked for such a URL
 *    runs that text instead (`eval: true`). The worker then loads the main
 *    script, also handed over as a blob; it gets the recorded text, preceded by
 *    the few names the bundle's module scope defined for it.
 * 3. The thread count is capped at half the logical cores (1 on 2 cores).
 *    `os.cpus()` answers twice the wanted count while the pool is made.
 * 4. Running threads keep Node alive, so a script, the test runner or the
 *    kernel would never exit. The workers are unreferenced, and stay so.
 *
 * All patches are undone when the backend has started.
 */
// Plain require: these module objects are patched in place, which an `import *` copy would not allow.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const os = require("os") as typeof import("os");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const workerThreads = require("worker_threads") as typeof import("worker_threads");

/** Names the wasm bundle's module scope defines and its factory source uses. */
const MAIN_SCRIPT_PRELUDE = [
  'var require$$0 = require("fs"), require$$1 = require("path"), require$$3 = require("perf_hooks"), require$$4 = require("os");',
  "var commonjsGlobal = globalThis;",
  // tslib's helpers, as the TypeScript compiler emits them (used by the factory's pthread code).
  'function __values(o) { var s = typeof Symbol === "function" && Symbol.iterator, m = s && o[s], i = 0; if (m) return m.call(o); if (o && typeof o.length === "number") return { next: function () { if (o && i >= o.length) o = void 0; return { value: o && o[i++], done: !o }; } }; throw new TypeError("Object is not iterable."); }',
  'function __read(o, n) { var m = typeof Symbol === "function" && o[Symbol.iterator]; if (!m) return o; var i = m.call(o), r, ar = [], e; try { while ((n === void 0 || n-- > 0) && !(r = i.next()).done) ar.push(r.value); } catch (error) { e = { error: error }; } finally { try { if (r && !r.done && (m = i["return"])) m.call(i); } finally { if (e) throw e.error; } } return ar; }',
  "function __spreadArray(to, from, pack) { if (pack || arguments.length === 2) for (var i = 0, l = from.length, ar; i < l; i++) { if (ar || !(i in from)) { if (!ar) ar = Array.prototype.slice.call(from, 0, i); ar[i] = from[i]; } } return to.concat(ar || Array.prototype.slice.call(from)); }",
  "",
].join("\n");

/** Appended to emscripten's worker script: its main script comes from workerData, not a blob URL. */
const WORKER_EPILOGUE = `
;(function () {
  var main = require("worker_threads").workerData.mainScript;
  global.importScripts = function () { (0, eval)(main); };
  URL.createObjectURL = function () { return "tfjs-wasm-main-script"; };
  URL.revokeObjectURL = function () {};
})();`;

const MAIN_SCRIPT_START = "var WasmBackendModuleThreadedSimd";

/**
 * Runs `start` (which must start the wasm backend) with threads enabled for
 * `threads` threads in all, then undoes every patch. `setThreadsCount` is
 * tfjs-backend-wasm's own setter.
 */
export async function withWasmThreads<T>(threads: number, setThreadsCount: (n: number) => void, setFlag: () => void, start: () => Promise<T>): Promise<T> {
  const blobTexts = new Map<string, string>();
  let mainScript: string | undefined;
  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL;
  const OriginalWorker = workerThreads.Worker;
  const originalCpus = os.cpus;

  class RecordingBlob extends OriginalBlob {
    readonly text_: string | undefined;
    constructor(parts: ConstructorParameters<typeof Blob>[0] = [], options?: ConstructorParameters<typeof Blob>[1]) {
      super(parts, options);
      if (parts && parts.every((p) => typeof p === "string")) {
        this.text_ = (parts as string[]).join("");
        if (this.text_.startsWith(MAIN_SCRIPT_START)) mainScript = MAIN_SCRIPT_PRELUDE + this.text_;
      }
    }
  }
  class UnreferencedWorker extends OriginalWorker {
    constructor(file: string | URL, options?: import("worker_threads").WorkerOptions) {
      const text = typeof file === "string" ? blobTexts.get(file) : undefined;
      if (text === undefined) super(file, options);
      else {
        if (mainScript === undefined) throw new Error("wasm threads: the backend's main script was not seen before its workers started");
        super(text + WORKER_EPILOGUE, { ...options, eval: true, workerData: { mainScript } });
      }
      this.unref();
    }
    /** Emscripten references a worker while it runs a thread; a pool thread must never keep Node alive. */
    override ref(): void {}
  }

  const cpus = originalCpus();
  globalThis.Blob = RecordingBlob as typeof Blob;
  URL.createObjectURL = (obj: Blob) => {
    const url = originalCreateObjectURL(obj);
    const text = (obj as RecordingBlob).text_;
    if (text !== undefined) blobTexts.set(url, text);
    return url;
  };
  (workerThreads as { Worker: typeof workerThreads.Worker }).Worker = UnreferencedWorker;
  (os as { cpus: typeof os.cpus }).cpus = () => Array.from({ length: Math.max(cpus.length, 2 * threads) }, (_, i) => cpus[i % cpus.length]);
  try {
    setFlag();
    setThreadsCount(threads);
    return await start();
  } finally {
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreateObjectURL;
    (workerThreads as { Worker: typeof workerThreads.Worker }).Worker = OriginalWorker;
    (os as { cpus: typeof os.cpus }).cpus = originalCpus;
    for (const url of blobTexts.keys()) URL.revokeObjectURL(url);
  }
}
