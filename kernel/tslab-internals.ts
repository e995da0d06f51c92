/**
 * The one place that reaches into tslab's internals (tslab 1.0.22).
 *
 * tslab's public API is `startKernel` and the `display` object. Two things we
 * need are not public:
 *   - sending a display bundle of several mime types at once (display.raw sends
 *     one); tslab keeps the current cell's writer in `jupyter.lastWriteDisplayData`;
 *   - one send at a time on the iopub socket: tslab calls zeromq's async
 *     `send` without awaiting it, and zeromq 6 refuses a send while the last
 *     one is still in flight ("Socket is busy writing", EBUSY). A cell that
 *     draws fast (a progress bar and a live curve during training) hit it,
 *     and the error killed the kernel. `serializeSends` queues them instead;
 *   - a hook before each cell runs, so that an edit to src/ is rebuilt and the
 *     library reloaded for the next cell; that needs the executor, which
 *     `startKernel` builds privately, so we assemble the kernel the way it does.
 * test/tslab-internals.test.ts pins both against the installed version.
 */
import * as fs from "fs";
import { expandShorthandProperties } from "./cell-source";
import { projectRoot } from "./paths";

/** The version these internals were read from; anything else is refused. */
export const TSLAB_VERSION = "1.0.22";

/** A display message's content as tslab's writer takes it. */
export interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}
type WriteDisplayData = (content: DisplayContent, update: boolean) => void;

interface Executor {
  execute(src: string): Promise<boolean>;
  interrupt(): void;
  close(): void;
}
interface JupyterModule {
  lastWriteDisplayData: WriteDisplayData | null;
  JupyterHandlerImpl: new (executor: Executor, isJs: boolean) => unknown;
  ZmqServer: new (handler: unknown, configPath: string) => { init(): Promise<void> };
}
interface Converter {
  close(): void;
}

function tslabRequire<T>(sub: string): T {
  // Resolve from the project, so the kernel and the cells share one tslab.
  return require(require.resolve(`tslab/${sub}`, { paths: [projectRoot()] })) as T;
}

/** tslab's installed version, read from its package.json. */
export function installedTslabVersion(): string {
  return tslabRequire<{ version: string }>("package.json").version;
}

function checkVersion(): void {
  const found = installedTslabVersion();
  if (found !== TSLAB_VERSION) {
    throw new Error(
      `transformer-notebooks: kernel/tslab-internals.ts is written against tslab ${TSLAB_VERSION}, ` +
        `but tslab ${found} is installed; run npm ci`,
    );
  }
}

/**
 * Sends one display bundle (all mime types at once) to the running cell.
 * `update` replaces the output that has the same display id. Returns false
 * when no kernel is running (plain Node, tests), so callers can fall back.
 */
export function writeDisplayData(content: DisplayContent, update: boolean): boolean {
  const jupyter = tslabRequire<JupyterModule>("dist/jupyter.js");
  if (!jupyter.lastWriteDisplayData) return false;
  jupyter.lastWriteDisplayData(content, update);
  return true;
}

type Send = (message: unknown) => Promise<void>;
interface SendingSocket {
  send: Send;
}

/**
 * A lost iopub message, reported on the process's real stderr. Not through
 * console.error: tslab sends stderr to iopub, so a failing socket would
 * report its own failure forever. Sends after the socket closed (at shutdown)
 * are expected and not reported.
 */
function reportLostMessage(error: unknown): void {
  if (/closed/i.test(String(error))) return;
  fs.writeSync(2, `transformer-notebooks: an output message was lost: ${String(error)}\n`);
}

/**
 * The same socket, except that every `send` waits for the previous one to
 * finish, so sends never overlap. A failed send is reported and does not stop
 * later ones. (zeromq's socket objects cannot take a new property, so this is
 * a proxy in front of the socket rather than a patch on it.)
 */
export function serializeSends<S extends SendingSocket>(socket: S, report: (error: unknown) => void = reportLostMessage): S {
  let pending: Promise<void> | null = null;
  const start = (message: unknown): Promise<void> => {
    try {
      return socket.send(message);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const queued: Send = (message: unknown) => {
    // When nothing is in flight the send starts at once, as tslab expects: at
    // shutdown it publishes "idle" and closes the socket in the same tick.
    const sent = pending ? pending.then(() => start(message)) : start(message);
    const settled: Promise<void> = sent.catch(report).finally(() => {
      if (pending === settled) pending = null;
    });
    pending = settled;
    return settled;
  };
  return new Proxy(socket, {
    get(target, property) {
      if (property === "send") return queued;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export interface KernelHooks {
  /** Runs before each cell; resolve false to fail the cell without running it. */
  beforeExecute(): Promise<boolean>;
}

/**
 * Starts tslab's TypeScript kernel on `connectionFile`, in the current folder,
 * as tslab's own `startKernel` does, with `hooks.beforeExecute` before each cell.
 */
export function startTslabKernel(connectionFile: string, hooks: KernelHooks): void {
  checkVersion();
  const { createConverter } = tslabRequire<{ createConverter(o: { isJS: boolean; isBrowser: boolean }): Converter }>(
    "dist/converter.js",
  );
  const { createExecutor } = tslabRequire<{
    createExecutor(root: string, convs: unknown, c: { log: typeof console.log; error: typeof console.error }): Executor;
  }>("dist/executor.js");
  const jupyter = tslabRequire<JupyterModule>("dist/jupyter.js");

  // The converter set tslab's startKernel builds: node now, browser on demand.
  let browser: Converter | undefined;
  const node = createConverter({ isJS: false, isBrowser: false });
  const convs = {
    node,
    get browser(): Converter {
      browser ??= createConverter({ isJS: false, isBrowser: true });
      return browser;
    },
    close(): void {
      node.close();
      browser?.close();
    },
  };
  const executor = createExecutor(process.cwd(), convs, { log: console.log, error: console.error });
  const execute = executor.execute.bind(executor);
  executor.execute = async (src: string) => ((await hooks.beforeExecute()) ? execute(expandShorthandProperties(src)) : false);

  const server = new jupyter.ZmqServer(new jupyter.JupyterHandlerImpl(executor, false), connectionFile);
  process.on("SIGINT", () => executor.interrupt());
  process.on("uncaughtException", (err) => console.error("UncaughtException:", err));
  process.on("unhandledRejection", (reason) => console.error("UnhandledPromiseRejection:", reason));
  // init() creates the iopub socket; queue its sends from the moment it exists.
  let iopub: SendingSocket | undefined;
  Object.defineProperty(server, "iopub", {
    get: () => iopub,
    set: (socket: SendingSocket) => {
      iopub = serializeSends(socket);
    },
  });
  void server.init();
}
