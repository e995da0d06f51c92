/**
 * The kernelspec "TypeScript (transformer-notebooks)": what Jupyter (and our
 * runner) read to start a kernel. It runs kernel/bin/kernel.js with this
 * machine's node; that script rebuilds the library if src/ changed and starts
 * tslab in the notebook's folder.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeFileAtomic } from "./nbformat";
import { jupyterDataDir, projectRoot } from "./paths";

/** The kernel's name: notebooks' metadata.kernelspec.name and the folder under kernels/. */
export const KERNEL_NAME = "transformer-notebooks";
export const KERNEL_DISPLAY_NAME = "TypeScript (transformer-notebooks)";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal" | "message";
  env?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

/** The kernelspec for this checkout, with absolute paths. */
export function kernelSpec(): KernelSpec {
  return {
    argv: [process.execPath, path.join(projectRoot(), "kernel", "bin", "kernel.js"), "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { project: projectRoot() },
  };
}

/** Jupyter's per-user data folder, as jupyter_core computes it. */
export function userJupyterDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return path.join(os.homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return path.join(process.env.APPDATA ?? os.homedir(), "jupyter");
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), ".local", "share"), "jupyter");
}

/**
 * Writes the kernelspec under `dataDir`/kernels/transformer-notebooks (the
 * project-local folder by default) and returns the kernel.json path.
 */
export function installKernelSpec(dataDir: string = jupyterDataDir()): string {
  const dir = path.join(dataDir, "kernels", KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "kernel.json");
  writeFileAtomic(file, JSON.stringify(kernelSpec(), null, 2) + "\n");
  return file;
}

/** Reads an installed kernelspec. */
export function readKernelSpec(file: string): KernelSpec {
  const spec = JSON.parse(fs.readFileSync(file, "utf8")) as KernelSpec;
  if (!Array.isArray(spec.argv) || spec.argv.length === 0) throw new Error(`${file}: kernelspec has no argv`);
  return spec;
}
