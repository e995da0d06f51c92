/**
 * `npm run lab [-- --user] [-- --install-only] [-- JUPYTER ARGS...]`
 *
 * Registers the kernelspec "TypeScript (transformer-notebooks)" in the
 * project-local Jupyter folder build/jupyter (or, with --user, in the user's
 * Jupyter data folder), then starts Jupyter Lab if it is installed, else
 * Jupyter Notebook, in notebooks/, with JUPYTER_PATH pointing at that folder.
 * With neither installed it exits 1 with one line saying what to install.
 */
import { spawn, spawnSync } from "child_process";
import * as path from "path";
import { installKernelSpec, KERNEL_DISPLAY_NAME, userJupyterDataDir } from "../kernelspec";
import { jupyterDataDir, onPath, projectRoot } from "../paths";

interface Frontend {
  name: string;
  command: string;
  args: string[];
}

/** Jupyter Lab first, then Notebook, as separate commands or `jupyter` subcommands. */
export function findFrontend(): Frontend | undefined {
  const candidates: [string, string, string][] = [
    ["Jupyter Lab", "jupyter-lab", "lab"],
    ["Jupyter Notebook", "jupyter-notebook", "notebook"],
  ];
  const jupyter = onPath("jupyter");
  for (const [name, script, sub] of candidates) {
    const direct = onPath(script);
    if (direct) return { name, command: direct, args: [] };
    if (jupyter && spawnSync(jupyter, [sub, "--version"], { stdio: "ignore" }).status === 0) {
      return { name, command: jupyter, args: [sub] };
    }
  }
  return undefined;
}

function main(): number {
  const argv = process.argv.slice(2);
  const user = argv.includes("--user");
  const installOnly = argv.includes("--install-only");
  const passthrough = argv.filter((a) => a !== "--user" && a !== "--install-only");

  const dataDir = user ? userJupyterDataDir() : jupyterDataDir();
  const specFile = installKernelSpec(dataDir);
  process.stdout.write(`kernel "${KERNEL_DISPLAY_NAME}" registered: ${specFile}\n`);
  if (installOnly) {
    if (!user) process.stdout.write(`use it with: JUPYTER_PATH=${dataDir} jupyter ...\n`);
    return 0;
  }

  const frontend = findFrontend();
  if (!frontend) {
    process.stderr.write(
      "npm run lab: no Jupyter found; install JupyterLab (pip install jupyterlab) or Jupyter Notebook (apt install jupyter-notebook), then run it again\n",
    );
    return 1;
  }
  const env = { ...process.env };
  if (!user) env.JUPYTER_PATH = [dataDir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  // Jupyter refuses to start as root unless told; containers often run as root.
  const asRoot = process.getuid?.() === 0 && !passthrough.includes("--allow-root");
  if (asRoot) process.stdout.write("running as root: passing --allow-root to Jupyter\n");
  const notebooks = path.join(projectRoot(), "notebooks");
  process.stdout.write(`starting ${frontend.name} in ${path.relative(process.cwd(), notebooks) || "."}\n`);
  const args = [...frontend.args, ...passthrough, ...(asRoot ? ["--allow-root"] : [])];
  const child = spawn(frontend.command, args, { cwd: notebooks, env, stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return -1; // keep running until Jupyter exits
}

const code = main();
if (code >= 0) process.exit(code);
