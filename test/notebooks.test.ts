/**
 * Every notebook in notebooks/ runs through the kernel without an error, and
 * what each publishes equals the values worked out by hand (literals below,
 * with their arithmetic in the comments; never computed by the code under test).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import * as fs from "fs";
import * as path from "path";
import { launchChromium } from "../kernel/chromium";
import { exportHandout } from "../kernel/export";
import { PLOTLY_MIME, type Notebook } from "../kernel/nbformat";
import { runNotebook, type NotebookResult } from "../kernel/runner";
import { timingReport } from "../kernel/timings";
import { tempDir } from "./fixtures";

const ROOT = path.resolve(__dirname, "..");
const NOTEBOOKS = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
/** float32 arithmetic in the library against 5-digit hand values. */
const TOL = 1e-4;

/** A notebook that trains (09) runs for minutes; the default 2-minute test timeout is for the others. */
const RUN_TIMEOUT_MS = 15 * 60 * 1000;

const results = new Map<string, NotebookResult>();

// How long the course took, as `npm start` reports it: all notebooks, and the training cells.
afterAll(() => {
  if (results.size > 0) console.log(`notebook times in this test run:\n${timingReport([...results.values()])}`);
});
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

  it.each(NOTEBOOKS)(
    "%s",
    async (name) => {
      const r = await run(name);
      expect(r.report ?? "ok").toBe("ok");
      expect(r.executedCells).toBeGreaterThan(0);
    },
    RUN_TIMEOUT_MS,
  );

  it.each(NOTEBOOKS)("%s shows at least one plot", async (name) => {
    const r = await run(name);
    expect(plotOutputs(r.notebook).length).toBeGreaterThan(0);
  });
});

/** The plotly figures a notebook showed (its display outputs with a plotly bundle). */
function plotOutputs(nb: Notebook | undefined): Record<string, unknown>[] {
  return (nb?.cells ?? [])
    .flatMap((c) => (c.cell_type === "code" ? c.outputs : []))
    .filter((o) => (o.output_type === "display_data" || o.output_type === "execute_result") && PLOTLY_MIME in (o.data ?? {}))
    .map((o) => o.data![PLOTLY_MIME] as Record<string, unknown>);
}

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

describe("08 the decoder: the causal mask and cross-attention", () => {
  it("the article's 3 x 3 mask: masked weights worked by hand, the upper triangle exactly 0", async () => {
    const f = await figuresOf("08");
    expect(f["mask.allowed3"]).toEqual([[1, 0, 0], [1, 1, 0], [1, 1, 1]]);
    // Q = K = rows animal [0.7, 0.3], street [-0.1, 0.9], it [0.8, 0.2]; scores / sqrt(2)
    // animal sees only itself: [1, 0, 0]
    // street: s.a = -0.07 + 0.27 = 0.20, s.s = 0.01 + 0.81 = 0.82; /1.41421 -> 0.14142, 0.57983;
    //   softmax = 1 / (1 + e^(0.57983 - 0.14142)) = 1 / (1 + 1.55022) = 0.39212, and 0.60788
    // it: i.a = 0.62, i.s = 0.10, i.i = 0.64 + 0.04 = 0.68; /1.41421 -> 0.43841, 0.07071, 0.48083;
    //   e^ = 1.55022, 1.07327, 1.61737, sum 4.24086 -> 0.36554, 0.25307, 0.38138
    const w = f["mask.weights"] as number[][];
    expectNear(w[0], [1, 0, 0]);
    expectNear(w[1], [0.39212, 0.60788, 0]);
    expectNear(w[2], [0.36554, 0.25307, 0.38138]);
    expect(w[0][1]).toBe(0); // exactly 0, not merely small
    expect(w[0][2]).toBe(0);
    expect(w[1][2]).toBe(0);
    expect(f["mask.upperTriangleMax"]).toBe(0);
    expect(f["mask.animalToIt"]).toBe(0); // animal may not look ahead at it
    expectNear(f["mask.itToAnimal"], 0.36554); // it may look back at animal
  });

  it("without the mask animal sees all three; a finite mask differs between the article's form and the library's", async () => {
    const f = await figuresOf("08");
    // animal row unmasked: a.a = 0.49 + 0.09 = 0.58, a.s = 0.20, a.i = 0.62; /1.41421 -> 0.41012, 0.14142, 0.43841
    //   e^ = 1.50700, 1.15191, 1.55022, sum 4.20913 -> 0.35803, 0.27367, 0.36830
    expectNear(f["unmasked.animalRow"], [0.35803, 0.27367, 0.3683]);
    // library, QK^T/sqrt(2) + M with M = [0, -1, -1]: 0.41012, -0.85858, -0.56159 -> 0.60254, 0.16943, 0.22802
    expectNear(f["finiteMask.libraryRow"], [0.60254, 0.16943, 0.22802]);
    // article, (QK^T + M)/sqrt(2): 0.58/1.41421, -0.80/1.41421, -0.38/1.41421 = 0.41012, -0.56569, -0.26870
    //   -> 0.53076, 0.20004, 0.26921
    expectNear(f["finiteMask.articleRow"], [0.53076, 0.20004, 0.26921]);
    expectNear(f["finiteMask.difference"], 0.60254 - 0.53076); // 0.07178, the largest of the three differences
    expect(f["infiniteMask.difference"] as number).toBeLessThan(1e-6); // -inf / sqrt(dK) = -inf: the same weights
  });

  it("cross-attention: Q has the target length, K and V the source length", async () => {
    const f = await figuresOf("08");
    // TINY: dModel 32, 4 heads of dK 8; 4 target positions, 10 source tokens
    expect(f["cross.queryShape"]).toEqual([1, 4, 4, 8]);
    expect(f["cross.keyShape"]).toEqual([1, 4, 10, 8]);
    expect(f["cross.weightsShape"]).toEqual([1, 4, 4, 10]);
  });

  it("changing the last target token changes no earlier position", async () => {
    const f = await figuresOf("08");
    expect(f["causality.earlierChange"]).toBe(0);
    expect(f["causality.lastChange"] as number).toBeGreaterThan(0);
    expect(f["decoder.upperTriangleMax"]).toBe(0);
  });
});

describe("09 the encoder-decoder learns", { timeout: RUN_TIMEOUT_MS }, () => {
  it("the schedule's peaks and the smoothed target, worked by hand", async () => {
    const f = await figuresOf("09");
    // (512 * 4000)^-0.5 = 2048000^-0.5 = 1 / 1431.0835 = 6.98771e-4
    expectNear(f["schedule.paperPeak"], 6.98771e-4, 1e-8);
    // 0.5 * (32 * 100)^-0.5 = 0.5 / 56.56854 = 8.83883e-3
    expectNear(f["schedule.ourPeak"], 8.83883e-3, 1e-8);
    // label 3 of 11 ids, pad 0: 0.9 on id 3, 0.1 / 9 = 0.011111 on the 9 others, 0 on pad
    expectNear(f["smoothing.row"], [0, 0.011111, 0.011111, 0.9, 0.011111, 0.011111, 0.011111, 0.011111, 0.011111, 0.011111, 0.011111]);
  });

  it("copy: held-out exact-sequence accuracy >= 0.99, with its loss, time and throughput published", async () => {
    const f = await figuresOf("09");
    expect(f["copy.accuracy"] as number).toBeGreaterThanOrEqual(0.99);
    expect(f["copy.evalLoss"] as number).toBeLessThan(0.27); // the Annotated Transformer's reference run reaches 0.27
    expect(f["copy.steps"]).toBe(1200);
    expect(f["copy.seconds"] as number).toBeGreaterThan(0);
    expect(f["copy.tokensPerSecond"] as number).toBeGreaterThan(0);
    // a clear diagonal: every last-layer cross-attention head puts most of its weight on source position i
    for (const share of f["copy.crossDiagonal"] as number[]) expect(share).toBeGreaterThan(0.5);
  });

  it("reversal: held-out accuracy >= 0.99, attention on the anti-diagonal", async () => {
    const f = await figuresOf("09");
    expect(f["reverse.accuracy"] as number).toBeGreaterThanOrEqual(0.99);
    expect(f["reverse.seconds"] as number).toBeGreaterThan(0);
    expect(f["reverse.tokensPerSecond"] as number).toBeGreaterThan(0);
    for (const share of f["reverse.crossAntiDiagonal"] as number[]) expect(share).toBeGreaterThan(0.5);
  });

  it("toy translation: corpus BLEU >= 0.9 on the held-out split; beam(1) = greedy", async () => {
    const f = await figuresOf("09");
    expect(f["translate.bleu"] as number).toBeGreaterThanOrEqual(0.9);
    expect(f["translate.exactMatch"] as number).toBeGreaterThan(0);
    expect(f["translate.exactMatch"] as number).toBeLessThanOrEqual(1);
    expect(f["translate.beamBleu"] as number).toBeGreaterThanOrEqual(0.9);
    expect(f["translate.beam1AgreesOf50"]).toBe(50);
    expect(f["translate.seconds"] as number).toBeGreaterThan(0);
    expect(f["translate.tokensPerSecond"] as number).toBeGreaterThan(0);
    expect(f["translate.articleExample"]).toBe("the animal crosses the black street because it was tired .");
    // the adjective's reordering is visible: at least one last-layer head looks at "noire" before "rue"
    expect(f["translate.reorderHeads"] as number).toBeGreaterThanOrEqual(1);
    // the causal-mask animation has one frame per decoder step: the start symbol + 11 words
    expect(f["translate.decodingSteps"]).toBe(12); // "the animal crosses the black street because it was tired ." is 11 tokens, + [CLS]
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

/**
 * Every notebook's handout, opened in headless Chromium from the file system:
 * no console error, no request that leaves the file system, every plot drawn,
 * and the head view's layer menu redraws the lines. Screenshots of one
 * notebook's plots go to build/screenshots/ for a person to look at.
 */
describe("handouts in a real browser", { timeout: RUN_TIMEOUT_MS }, () => {
  const SCREENSHOT_NOTEBOOK = "09-encoder-decoder.ipynb";
  let browser: Browser;
  let headViewsChecked = 0;
  const handoutDir = tempDir("tn-handouts-");

  beforeAll(async () => {
    browser = await launchChromium(); // throws, naming what to install, when there is no Chromium
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each(NOTEBOOKS)("%s: draws every plot, with no error and no network", async (name) => {
    const r = await run(name);
    expect(r.notebook, "the notebook ran").toBeDefined();
    const file = path.join(handoutDir, name.replace(/\.ipynb$/, ".html"));
    fs.writeFileSync(file, exportHandout(r.notebook!, { sourceName: name }));
    const expected = plotOutputs(r.notebook).length;

    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    const remote: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (req) => {
      if (!/^(file|data|blob|about):/.test(req.url())) remote.push(req.url());
    });
    try {
      await page.goto(`file://${file}`, { waitUntil: "load" });
      await page.waitForFunction(`document.querySelectorAll(".js-plotly-plot").length >= ${expected}`, null, { timeout: 60_000 });
      // a drawn plot has plotly's SVG inside it, not just the class
      const drawn = (await page.evaluate(`[...document.querySelectorAll(".js-plotly-plot")].filter((gd) => gd.querySelector(".main-svg")).length`)) as number;
      expect(drawn).toBe(expected);
      expect(errors).toEqual([]);
      expect(remote).toEqual([]);

      // the head view: choosing another layer in its menu redraws the lines of that layer
      const headViews = (await page.evaluate(`[...document.querySelectorAll(".js-plotly-plot")].map((gd, i) => [i, gd.layout.meta && gd.layout.meta.view, gd.layout.meta && gd.layout.meta.layers]).filter((x) => x[1] === "head" && x[2] > 1).map((x) => x[0])`)) as number[];
      for (const index of headViews) {
        const visibleLayers = `[...new Set(document.querySelectorAll(".js-plotly-plot")[${index}].data.filter((t) => t.visible !== false && t.meta && typeof t.meta.layer === "number").map((t) => t.meta.layer))]`;
        const lines = `document.querySelectorAll(".js-plotly-plot")[${index}].querySelector(".scatterlayer").innerHTML`;
        const before = (await page.evaluate(visibleLayers)) as number[];
        const drawnBefore = (await page.evaluate(lines)) as string;
        expect(before.length).toBe(1);
        const gd = page.locator(".js-plotly-plot").nth(index);
        await gd.scrollIntoViewIfNeeded();
        await gd.locator(".updatemenu-header").first().click();
        const other = before[0] === 0 ? 1 : 0; // the first layer, or the second when the first is shown
        await gd.locator(".updatemenu-dropdown-button").nth(other).click();
        await page.waitForFunction(`${JSON.stringify(before)}[0] !== ${visibleLayers}[0]`, null, { timeout: 10_000 });
        expect(await page.evaluate(visibleLayers)).toEqual([other]);
        expect(await page.evaluate(lines)).not.toBe(drawnBefore);
        headViewsChecked += 1;
      }

      if (name === SCREENSHOT_NOTEBOOK) {
        const dir = path.join(ROOT, "build", "screenshots");
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true });
        const plots = page.locator(".js-plotly-plot");
        for (let i = 0; i < expected; i++) {
          await plots.nth(i).screenshot({ path: path.join(dir, `${name.replace(/\.ipynb$/, "")}-plot-${String(i + 1).padStart(2, "0")}.png`) });
        }
        await page.screenshot({ path: path.join(dir, `${name.replace(/\.ipynb$/, "")}-top.png`) });
      }
    } finally {
      await page.close();
    }
  });

  it("checked the layer menu of the head views (06 and 09 show layered ones)", () => {
    // 06: the 6-layer stack; 09: copy, reversal and translation cross-attention, 2 layers each
    expect(headViewsChecked).toBe(4);
  });
});
