/**
 * `npm run lab`: the kernelspec it registers, where it writes it, and the one
 * clear line when no Jupyter is installed.
 */
import { describe, expect, it } from "vitest";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { tempDir } from "./fixtures";

const ROOT = path.resolve(__dirname, "..");
const LAB = path.join(ROOT, "build", "lib", "kernel", "cli", "lab.js");
const lab = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [LAB, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8" });

describe("npm run lab", () => {
  it("registers the kernel project-locally by default", () => {
    const r = lab(["--install-only"], {});
    expect(r.status).toBe(0);
    const file = path.join(ROOT, "build", "jupyter", "kernels", "transformer-notebooks", "kernel.json");
    expect(r.stdout).toContain(file);
    const spec = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(spec.display_name).toBe("TypeScript (transformer-notebooks)");
    expect(spec.language).toBe("typescript");
    expect(spec.argv).toEqual([process.execPath, path.join(ROOT, "kernel", "bin", "kernel.js"), "{connection_file}"]);
  });

  it("registers it in the user's Jupyter folder with --user", () => {
    const dataDir = tempDir("tn-jupyter-");
    const r = lab(["--user", "--install-only"], { JUPYTER_DATA_DIR: dataDir });
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(dataDir, "kernels", "transformer-notebooks", "kernel.json"))).toBe(true);
  });

  it("says in one line what to install when there is no Jupyter", () => {
    const r = lab([], { PATH: tempDir("tn-empty-path-") });
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^npm run lab: no Jupyter found; install JupyterLab .* or Jupyter Notebook .*/);
  });
});
