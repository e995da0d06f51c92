/**
 * The runner against real kernels, on small fixture notebooks: outputs and
 * figures recorded, failures reported as FILE: cell K, line L: message, and
 * timeouts, dying kernels, malformed files and huge outputs handled.
 */
import { describe, expect, it } from "vitest";
import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";
import { runNotebook } from "../kernel/runner";
import { FIGURES_MIME, OUTPUT_ROLE_KEY, PLOTLY_MIME, readNotebook, type CodeCell, type Output } from "../kernel/nbformat";
import { tempDir, waitGone, writeNotebook, writeRaw } from "./fixtures";

const ROOT = path.resolve(__dirname, "..");
const code = (nb: { cells: { cell_type: string }[] }) => nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
const text = (o: Output) => (o.output_type === "stream" ? (Array.isArray(o.text) ? o.text.join("") : o.text) : "");

describe("a good notebook", () => {
  it("records streams, results, displays, updates, figures and counts", async () => {
    const file = writeNotebook("good", [
      { markdown: "# A fixture" },
      'import { publish, show, heatmapFigure, progressBar, showTable } from "transformer-notebooks";\nconsole.log("hello");\n1 + 1',
      'showTable([["animal", 0.6199999999999999]], { columns: ["key", "score"] });',
      "show(heatmapFigure([[1, 2], [3, 4]], { x: ['a', 'b'], y: ['c', 'd'] }));",
      "const bar = progressBar({ total: 5, throttleMs: 0 });\nfor (let i = 1; i <= 5; i++) bar.update(i, { loss: 1 / i });",
      'publish({ "a.b": 0.5, "list": [1, 2], "name": "x" });',
      'import { liveDisplay } from "transformer-notebooks";\nconst live = liveDisplay();\nfor (const n of [1, 2, 3]) live.update(heatmapFigure([[n]], { title: `step ${n}` }));',
    ]);
    const before = fs.readFileSync(file, "utf8");
    const out = tempDir();
    const r = await runNotebook(file, { outDir: out });
    expect(r.report).toBeUndefined();
    expect(r.status).toBe("ok");
    expect(fs.readFileSync(file, "utf8")).toBe(before); // the source is never touched
    expect(r.outFile).toBe(path.join(out, "good.ipynb"));

    const nb = readNotebook(r.outFile!);
    const cells = code(nb);
    expect(cells.map((c) => c.execution_count)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cells[0].outputs.map(text).join("")).toBe("hello\n2\n");

    const table = cells[1].outputs[0];
    expect(table.output_type).toBe("display_data");
    if (table.output_type === "display_data") {
      expect(table.data["text/plain"]).toContain("0.62");
      expect(table.data["text/plain"]).not.toContain("0.6199999");
    }

    // show(): plotly.js once as its own output, then the plot bundle.
    const [lib, plot] = cells[2].outputs;
    expect(lib.output_type === "display_data" && lib.metadata[OUTPUT_ROLE_KEY]).toBe("plotly-library");
    expect(plot.output_type === "display_data" && Object.keys(plot.data).sort()).toEqual([PLOTLY_MIME, "text/html", "text/plain"].sort());

    // The progress bar's updates replaced its one output in place.
    expect(cells[3].outputs).toHaveLength(1);
    const bar = cells[3].outputs[0];
    expect(bar.output_type === "display_data" && bar.data["text/plain"]).toMatch(/\[#{30}\] 5\/5 .*loss 0\.2$/);

    const fig = cells[4].outputs[0];
    expect(fig.output_type === "display_data" && fig.data[FIGURES_MIME]).toEqual({ "a.b": 0.5, list: [1, 2], name: "x" });
    expect(r.figures).toEqual({ "a.b": 0.5, list: [1, 2], name: "x" });

    // A live figure updated three times is one output holding the last state;
    // plotly.js was already loaded by the earlier show(), so no loader here.
    expect(cells[5].outputs).toHaveLength(1);
    const live = cells[5].outputs[0];
    expect(live.output_type === "display_data" && (live.data[PLOTLY_MIME] as { layout: { title: { text: string } } }).layout.title.text).toBe("step 3");
    expect(fs.readdirSync(out)).toEqual(["good.ipynb"]); // no temporary files left
  });
});

describe("a failing cell", () => {
  it("stops the notebook at a type error, with cell and line", async () => {
    const file = writeNotebook("type-error", [
      { markdown: "# Fails in cell 3" },
      'console.log("one")',
      'const fine = 1;\nconst n: number = "not a number";',
      'console.log("never")',
    ]);
    const r = await runNotebook(file, { outDir: tempDir(), displayName: "type-error.ipynb" });
    expect(r.status).toBe("failed");
    expect(r.report).toBe("type-error.ipynb: cell 3, line 2: Type 'string' is not assignable to type 'number'.");
    const cells = code(r.notebook!);
    expect(cells[1].outputs).toEqual([
      expect.objectContaining({ output_type: "error", ename: "TSError", evalue: "Type 'string' is not assignable to type 'number'." }),
    ]);
    expect(cells[2].outputs).toEqual([]); // later cells do not run
    expect(cells[2].execution_count).toBeNull();
    // The executed copy with the error is still written.
    expect(code(readNotebook(r.outFile!))[1].outputs[0].output_type).toBe("error");
  });

  it("points a runtime error at the throwing line", async () => {
    const file = writeNotebook("runtime-error", ['const a = 1;\n\n// a comment\nthrow new Error("boom at four");']);
    const r = await runNotebook(file, { outDir: tempDir(), displayName: "runtime-error.ipynb" });
    expect(r.report).toBe("runtime-error.ipynb: cell 1, line 4: Error: boom at four");
    const err = code(r.notebook!)[0].outputs[0];
    expect(err).toMatchObject({ output_type: "error", ename: "Error", evalue: "boom at four" });
  });

  it("reports an error thrown after an await", async () => {
    const file = writeNotebook("async-error", ['await new Promise((r) => setTimeout(r, 10));\nthrow new RangeError("late");']);
    const r = await runNotebook(file, { outDir: tempDir(), displayName: "async-error.ipynb" });
    expect(r.status).toBe("failed");
    expect(r.report).toMatch(/^async-error\.ipynb: cell 1, line 2: RangeError: late$/);
  });
});

describe("faults that must not hang", () => {
  it("interrupts a cell past its timeout and stops the kernel", async () => {
    const file = writeNotebook("timeout", ["console.log(process.pid)", "while (true) {}", 'console.log("never")']);
    const r = await runNotebook(file, { outDir: tempDir(), cellTimeoutMs: 1500, displayName: "timeout.ipynb" });
    expect(r.status).toBe("failed");
    expect(r.failure?.kind).toBe("timeout");
    expect(r.report).toBe("timeout.ipynb: cell 2: did not finish within 2 s (the per-cell timeout); it was interrupted and the kernel stopped");
    const pid = Number(text(code(r.notebook!)[0].outputs[0]));
    expect(await waitGone(pid)).toBe(true);
  });

  it("ends the run when the kernel exits mid-cell", async () => {
    const file = writeNotebook("exit", ['console.log("before")', "process.exit(3)", 'console.log("never")']);
    const r = await runNotebook(file, { outDir: tempDir(), displayName: "exit.ipynb" });
    expect(r.status).toBe("failed");
    expect(r.failure?.kind).toBe("kernel-died");
    expect(r.report).toMatch(/^exit\.ipynb: cell 2: the kernel died \(exit code 3\)/);
    expect(code(r.notebook!)[1].outputs[0]).toMatchObject({ output_type: "error", ename: "KernelDied" });
  });

  it("keeps memory bounded when a cell prints 10 MB, and goes on", async () => {
    const file = writeNotebook("huge", ['console.log("x".repeat(10 * 1024 * 1024))', 'console.log("still here")']);
    const r = await runNotebook(file, { outDir: tempDir(), maxStreamChars: 100_000 });
    expect(r.status).toBe("ok");
    const [first, second] = code(r.notebook!);
    const kept = first.outputs.map(text).join("");
    expect(kept.length).toBeLessThan(101_000);
    expect(kept).toMatch(/10385761 more characters of output were dropped/); // 10 MiB + "\n" - 100,000 kept
    expect(second.outputs.map(text).join("")).toBe("still here\n");
    expect(fs.statSync(r.outFile!).size).toBeLessThan(200_000);
  });
});

describe("malformed notebooks", () => {
  it.each([
    ["bad-json.ipynb", "{ nope", /bad-json\.ipynb: not a usable notebook: bad JSON/],
    ["v3.ipynb", JSON.stringify({ nbformat: 3, worksheets: [] }), /v3\.ipynb: not a usable notebook: nbformat is 3/],
    ["no-cells.ipynb", JSON.stringify({ nbformat: 4, metadata: {} }), /no-cells\.ipynb: not a usable notebook: it has no "cells" list/],
  ])("refuses %s with a message naming it", async (name, body, message) => {
    const file = writeRaw(name, body);
    const out = tempDir();
    const r = await runNotebook(file, { outDir: out, displayName: name });
    expect(r.status).toBe("failed");
    expect(r.failure?.kind).toBe("format");
    expect(r.report).toMatch(message);
    expect(fs.readdirSync(out)).toEqual([]); // nothing written for it
  });
});

describe("npm start's command line", () => {
  const cli = path.join(ROOT, "build", "lib", "kernel", "cli", "start.js");
  const runCli = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const done = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { child, done, out: () => stdout, err: () => stderr };
  };

  it("exits non-zero and names the failing cell", async () => {
    const file = writeNotebook("cli-fail", ['console.log("ok")', 'undefinedFunction();']);
    const out = tempDir();
    const run = runCli([path.relative(ROOT, file), "--out", out]);
    expect(await run.done).toBe(1);
    expect(run.err()).toContain("build/test-fixtures/cli-fail.ipynb: cell 2, line 1: ");
    expect(run.out()).toMatch(/cli-fail\.ipynb\s+2\s+[\d.]+\s+FAILED/);
    expect(fs.existsSync(path.join(out, "handouts", "cli-fail.html"))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(out, "figures.json"), "utf8"))).toEqual({ "cli-fail": {} });
  });

  it("shuts the kernel down on Ctrl-C", async () => {
    const pidFile = path.join(tempDir(), "kernel.pid");
    const file = writeNotebook("cli-sigint", [
      'require("fs").writeFileSync(process.env.TN_TEST_PID_FILE, String(process.pid));\nawait new Promise((r) => setTimeout(r, 60000));',
    ]);
    const run = runCli([path.relative(ROOT, file), "--out", tempDir()], { TN_TEST_PID_FILE: pidFile });
    const end = Date.now() + 30000;
    while (!fs.existsSync(pidFile) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(fs.readFileSync(pidFile, "utf8"));
    run.child.kill("SIGINT");
    expect(await run.done).toBe(130);
    expect(await waitGone(pid)).toBe(true);
  });
});
