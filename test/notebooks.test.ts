/**
 * Every notebook in notebooks/ runs through the kernel without an error, and
 * what each publishes equals the values worked out by hand (literals below,
 * with their arithmetic in the comments; never computed by the code under test).
 */
import { describe, expect, it } from "vitest";
import * as fs from "fs";
import * as path from "path";
import { PLOTLY_MIME } from "../kernel/nbformat";
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

  it.each(NOTEBOOKS)("%s shows at least one plot", async (name) => {
    const r = await run(name);
    const plots = (r.notebook?.cells ?? []).flatMap((c) => (c.cell_type === "code" ? c.outputs : [])).filter(
      (o) => (o.output_type === "display_data" || o.output_type === "execute_result") && PLOTLY_MIME in (o.data ?? {}),
    );
    expect(plots.length).toBeGreaterThan(0);
  });
});

/** |actual - expected| < TOL for a number or element-wise for an array. */
function expectNear(actual: unknown, expected: number | number[], tol = TOL): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `expected an array, got ${JSON.stringify(actual)}`).toBe(true);
    expect((actual as number[]).length).toBe(expected.length);
    expected.forEach((e, i) => expect(Math.abs((actual as number[])[i] - e), `element ${i}: ${(actual as number[])[i]} vs ${e}`).toBeLessThan(tol));
  } else {
    expect(typeof actual).toBe("number");
    expect(Math.abs((actual as number) - expected), `${actual} vs ${expected}`).toBeLessThan(tol);
  }
}

async function figuresOf(name: string): Promise<Record<string, unknown>> {
  const file = NOTEBOOKS.find((n) => n.startsWith(name));
  expect(file, `a notebook named ${name}-*.ipynb`).toBeDefined();
  const r = await run(file!);
  expect(r.report ?? "ok").toBe("ok");
  return r.figures;
}

describe("01 tokens and embeddings (Step 1)", () => {
  it("publishes the article's 13 tokens and an embedding of the right shape", async () => {
    const f = await figuresOf("01");
    expect(f.tokens).toEqual(["The", "animal", "did", "n't", "cross", "the", "street", "because", "it", "was", "too", "tired", "."]);
    // specials take ids 0-4; then tokens in order of first appearance: The = 5, animal = 6, ...
    expect(f.ids).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(f["embedding.shape"]).toEqual([13, f["dModel"]]);
  });
});

describe("02 positional encoding (Step 2)", () => {
  it("publishes PE(pos 1, dModel 512), first four values", async () => {
    const f = await figuresOf("02");
    // sin(1), cos(1), sin(1 / 10000^(2/512)) = sin(0.964662), cos(0.964662)
    expectNear(f["pe.pos1"], [0.84147, 0.5403, 0.82186, 0.5697]);
  });
});

describe("03 attention (Steps 3-5)", () => {
  it("publishes the scores, weights and Z of the worked example, exactly computed", async () => {
    const f = await figuresOf("03");
    expectNear(f["scores.animal"], 0.62); // 0.8*0.7 + 0.2*0.3 = 0.56 + 0.06
    expectNear(f["scores.street"], 0.1); // 0.8*(-0.1) + 0.2*0.9 = -0.08 + 0.18
    expectNear(f["scaled.animal"], 0.43841); // 0.62 / 1.41421
    expectNear(f["scaled.street"], 0.07071); // 0.10 / 1.41421
    // e^0.43841 / (e^0.43841 + e^0.07071) = 1.55022 / (1.55022 + 1.07327) = 0.59090 (the article's 0.69 is a slip)
    expectNear(f["weights.animal"], 0.5909);
    expectNear(f["weights.street"], 0.4091); // 1 - 0.59090
    // 0.59090 [0.8, -0.4] + 0.40910 [0.1, 0.9] = [0.47272 + 0.04091, -0.23636 + 0.36819]
    expectNear(f.z, [0.51363, 0.13183]);
  });
});

describe("04 multi-head attention", () => {
  it("runs the sentence through 8 heads of width 64 and publishes every head's weights", async () => {
    const f = await figuresOf("04");
    expect(f["nHeads"]).toBe(8);
    expect(f["dK"]).toBe(64); // 512 / 8
    expect(f["weights.shape"]).toEqual([8, 13, 13]); // one 13 x 13 map per head
    expect(f["output.shape"]).toEqual([13, 512]);
    // the article's split-embedding heads equal the paper's with block-diagonal W_Q, W_K, W_V and W_O = I
    expect(f["splitVsBlockDiagonal.maxAbsDiff"] as number).toBeLessThan(TOL);
  });
});

describe("05 feed-forward (Step 6)", () => {
  it("publishes FFN of the article's input and of the corrected Z_it", async () => {
    const f = await figuresOf("05");
    // [0.58, 0] W1 + b1 = [0.58*3 - 1, 0.58*1 + 0] = [0.74, 0.58]; ReLU keeps both; W2 = I
    expectNear(f["ffn.articleInput"], [0.74, 0.58]);
    // [3*0.51363 + 2*0.13183 - 1, 0.51363 + 4*0.13183] = [1.54089 + 0.26365 - 1, 0.51363 + 0.52731]
    expectNear(f["ffn.correctedInput"], [0.80455, 1.04094]);
  });
});

describe("06 the encoder layer (Add & Norm, Figure A)", () => {
  it("keeps the shape through the stack and ends each post-norm layer normalised", async () => {
    const f = await figuresOf("06");
    expect(f["output.shape"]).toEqual([1, 13, f["dModel"]]);
    expect(f["nLayers"]).toBe(6); // the paper's N
    // post-norm: the last step is LayerNorm with gain 1 and bias 0 at initialisation, so each token
    // vector has mean 0 and variance 1 (variance = 1 / (1 + eps / var), eps 1e-6)
    expectNear(f["output.tokenMean"], 0);
    expectNear(f["output.tokenVariance"], 1, 1e-3);
  });
});

describe("07 sentence embedding (Step 7)", () => {
  it("makes a 768-wide sentence embedding and ranks sentences against it", async () => {
    const f = await figuresOf("07");
    expect(f["embedding.size"]).toBe(768);
    // [CLS] pooling of a post-norm encoder: a layer-normed vector with gain 1, bias 0 at initialisation has
    // mean 0 and variance 1 over 768 features, so its norm is sqrt(768) = 27.71281 (less a 1e-6 eps)
    expectNear(f["embedding.norm"], 27.71281, 1e-2);
    const ranking = f["search.ranking"] as string[];
    expect(ranking.length).toBeGreaterThanOrEqual(3);
    const scores = f["search.scores"] as number[];
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeLessThanOrEqual(scores[i - 1]); // best first
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
