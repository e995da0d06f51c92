/**
 * The tfjs backend, chosen once for the whole library.
 *
 * Order of preference: `tensorflow` (@tensorflow/tfjs-node) when the user has it
 * installed, else `wasm` (@tensorflow/tfjs-backend-wasm, a dependency), else
 * tfjs's pure-JS `cpu`. Nothing happens on import: call `setupBackend()` (the
 * notebooks do it in their first cell). The choice is reported once per process.
 */
import * as tf from "@tensorflow/tfjs";

export type BackendName = "tensorflow" | "wasm" | "cpu";

export interface BackendInfo {
  /** The backend tfjs now uses. */
  name: BackendName;
  /** How it was chosen, in a few words, for the one line printed. */
  reason: string;
}

export interface BackendOptions {
  /** Force a backend instead of the preference order. */
  prefer?: BackendName;
  /** Where the one-line report goes; default console.log. Pass null for silence. */
  log?: ((line: string) => void) | null;
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
  if (chosen && (!options.prefer || options.prefer === chosen.name)) return chosen;

  const candidates: [BackendName, string][] = [];
  if (options.prefer) candidates.push([options.prefer, "requested"]);
  else {
    if (tryRequire("@tensorflow/tfjs-node")) candidates.push(["tensorflow", "@tensorflow/tfjs-node is installed"]);
    if (tryRequire("@tensorflow/tfjs-backend-wasm")) candidates.push(["wasm", "the default in Node"]);
    candidates.push(["cpu", "fallback: no wasm backend"]);
  }
  for (const [name, reason] of candidates) {
    if (name === "wasm") tryRequire("@tensorflow/tfjs-backend-wasm");
    if (await activate(name)) {
      if (name === "cpu") quietCpu();
      chosen = { name, reason };
      log?.(`tfjs backend: ${name} (${reason})`);
      return chosen;
    }
  }
  throw new Error(`no tfjs backend could be started (tried ${candidates.map(([n]) => n).join(", ")})`);
}
