/**
 * Every notebook in notebooks/ runs through the kernel without an error, and
 * what each publishes equals the values worked out by hand (literals below,
 * with their arithmetic in the comments; never computed by the code under test).
 */
import { describe, expect, it } from "vitest";
import * as fs from "fs";
import * as path from "path";
import { runNotebook, type NotebookResult } from "../kernel/runner";
import { tempDir } from "./fixtures";

const ROOT = path.resolve(__dirname, "..");
const NOTEBOOKS = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
/** float32 arithmetic in the library against 5-digit hand values. */
const TOL = 1e-4;

const results = new Map<string, NotebookResult>();
async function run(name: string): Promise<NotebookResult> {
  if (!results.has(name)) {
    results.set(name, await runNotebook(path.join(ROOT, "notebooks", name), { outDir: tempDir(), displayName: `notebooks/${name}` }));
  }
  return results.get(name)!;
}

describe("every notebook runs", () => {
  it("has notebooks, named NN-title.ipynb", () => {
    expect(NOTEBOOKS.length).toBeGreaterThan(0);
    for (const n of NOTEBOOKS) expect(n).toMatch(/^\d\d-[a-z0-9-]+\.ipynb$/);
  });

  it.each(NOTEBOOKS)("%s", async (name) => {
    const r = await run(name);
    expect(r.report ?? "ok").toBe("ok");
    expect(r.executedCells).toBeGreaterThan(0);
  });
});

describe("00-overview", () => {
  it("publishes the walkthrough's scores and weights", async () => {
    const f = (await run("00-overview.ipynb")).figures as Record<string, number>;
    expect(f["scores.animal"]).toBeCloseTo(0.62, 6); // 0.8*0.7 + 0.2*0.3 = 0.56 + 0.06
    expect(f["scores.street"]).toBeCloseTo(0.1, 6); // 0.8*(-0.1) + 0.2*0.9 = -0.08 + 0.18
    expect(Math.abs(f["scaled.animal"] - 0.43841)).toBeLessThan(TOL); // 0.62 / 1.41421
    expect(Math.abs(f["scaled.street"] - 0.07071)).toBeLessThan(TOL); // 0.10 / 1.41421
    // softmax: e^0.43841 / (e^0.43841 + e^0.07071) = 1.55022 / (1.55022 + 1.07327) = 0.59090
    expect(Math.abs(f["weights.animal"] - 0.5909)).toBeLessThan(TOL);
    expect(Math.abs(f["weights.street"] - 0.4091)).toBeLessThan(TOL); // 1 - 0.59090
    expect(["wasm", "tensorflow"]).toContain(f.backend); // tensorflow where a user has tfjs-node
  });
});
