/**
 * Optional: a notebook run inside Jupyter Notebook's own page (Debian's
 * `jupyter-notebook`, served on localhost) and drawn by headless Chromium.
 * Skipped, with a line saying why, where Jupyter Notebook is not installed;
 * the handout check in notebooks.test.ts is the one that always runs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import type { Browser } from "playwright-core";
import { launchChromium } from "../kernel/chromium";
import { installKernelSpec } from "../kernel/kernelspec";
import { jupyterDataDir, onPath } from "../kernel/paths";
import { FIXTURE_DIR } from "./fixtures";

const ROOT = path.resolve(__dirname, "..");

const JUPYTER = onPath("jupyter-notebook");
if (!JUPYTER) console.warn("jupyter-browser.test.ts skipped: Jupyter Notebook is not installed (Debian: apt-get install jupyter-notebook)");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

describe.skipIf(!JUPYTER)("a notebook in Jupyter Notebook, in headless Chromium", { timeout: 180_000 }, () => {
  let server: ChildProcess;
  let browser: Browser;
  let base: string;
  const token = randomBytes(16).toString("hex");
  const dir = path.join(FIXTURE_DIR, "jupyter");

  beforeAll(async () => {
    // A copy: Jupyter autosaves what it runs, and the source notebooks stay untouched.
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(path.join(ROOT, "notebooks", "00-overview.ipynb"), path.join(dir, "00-overview.ipynb"));
    const dataDir = jupyterDataDir();
    installKernelSpec(dataDir);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const args = ["--no-browser", `--port=${port}`, "--ip=127.0.0.1", `--NotebookApp.token=${token}`, `--notebook-dir=${dir}`];
    if (process.getuid?.() === 0) args.push("--allow-root");
    server = spawn(JUPYTER!, args, { env: { ...process.env, JUPYTER_PATH: dataDir }, stdio: ["ignore", "ignore", "pipe"], detached: true });
    let log = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Jupyter Notebook did not start within 60 s:\n${log}`)), 60_000);
      server.stderr!.on("data", (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes(`127.0.0.1:${port}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.on("exit", (code) => reject(new Error(`Jupyter Notebook exited with ${code}:\n${log}`)));
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (server?.pid) {
      try {
        process.kill(-server.pid, "SIGTERM"); // the server and the kernels it started
      } catch {
        /* already gone */
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("Restart & Run All runs 00-overview with our kernel and draws its plot", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${base}/notebooks/00-overview.ipynb?token=${token}`, { waitUntil: "load" });
    // the kernel comes from the notebook's metadata
    await page.waitForFunction(`window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()`, null, { timeout: 60_000 });
    expect(await page.evaluate(`Jupyter.notebook.kernel.name`)).toBe("transformer-notebooks");
    await page.evaluate(`Jupyter.notebook.restart_run_all({ confirm: false })`);
    // every code cell executed (a number in its prompt), the plot drawn, the figures table shown
    await page.waitForFunction(
      `Jupyter.notebook.get_cells().filter((c) => c.cell_type === "code").every((c) => typeof c.input_prompt_number === "number")`,
      null,
      { timeout: 120_000 },
    );
    await page.waitForFunction(`document.querySelectorAll(".js-plotly-plot .main-svg").length > 0`, null, { timeout: 30_000 });
    expect(await page.locator(".output_area").filter({ hasText: "Published figures" }).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
