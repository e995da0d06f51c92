import { describe, expect, it } from "vitest";
import type { Trace } from "../../src/figure";
import { attentionGridFigure, attentionLayersFigure, attentionMapFigure } from "../../src/plots/attention-map";
import { beforeAfterBarFigure } from "../../src/plots/bar-chart";
import { embeddingScatterFigure } from "../../src/plots/embedding-scatter";
import { heatmapFigure } from "../../src/plots/heatmap";
import { lineChartFigure, movingAverage } from "../../src/plots/line-chart";
import { plotlyText, uniqueLabels } from "../../src/plots/labels";
import { pca2 } from "../../src/plots/pca";
import { positionalEncodingMapFigure, sinusoidFigure } from "../../src/plots/positional-encoding-plot";

/** Decimal digits for floating-point checks (toBeCloseTo: |error| < 5e-10). */
const DIGITS = 9;

const SENTENCE = ["The", "animal", "did", "n't", "cross", "the", "street", "because", "it", "was", "too", "tired", "."];

type Axis = Record<string, unknown>;
const axis = (layout: Record<string, unknown>, name: string): Axis => layout[name] as Axis;

/** A row-stochastic matrix: rows sum to 1. */
function uniformWeights(rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => 1 / cols));
}

describe("uniqueLabels", () => {
  it("appends the position to every repeat and leaves case variants alone", () => {
    expect(uniqueLabels(["The", "cat", "the", "the"])).toEqual(["The", "cat", "the (2)", "the (3)"]);
    expect(uniqueLabels(["a", "b"])).toEqual(["a", "b"]);
  });
  it("never produces a collision", () => {
    const out = uniqueLabels(["a", "a", "a (1)"]);
    expect(new Set(out).size).toBe(3);
  });
  it("escapes plotly's pseudo-HTML", () => {
    expect(plotlyText("<s> & </s>")).toBe("&lt;s&gt; &amp; &lt;/s&gt;");
  });
});

describe("heatmapFigure (moved to src/plots)", () => {
  it("keeps its API: one heatmap, rows top to bottom", () => {
    const f = heatmapFigure([[0.59, 0.41]], { x: ["animal", "street"], y: ["it"] });
    expect(f.data).toHaveLength(1);
    expect(f.data[0].type).toBe("heatmap");
    expect(axis(f.layout, "yaxis").autorange).toBe("reversed");
  });
});

describe("attentionMapFigure", () => {
  it("one heatmap, keys along the top, queries top to bottom, colour 0..1", () => {
    const f = attentionMapFigure([[0.5909, 0.4091]], { queries: ["it"], keys: ["animal", "street"], title: "Step 4" });
    expect(f.data).toHaveLength(1);
    const t = f.data[0];
    expect(t.type).toBe("heatmap");
    expect(t.z).toEqual([[0.5909, 0.4091]]);
    expect([t.zmin, t.zmax]).toEqual([0, 1]);
    expect(axis(f.layout, "xaxis").side).toBe("top");
    expect(axis(f.layout, "yaxis").autorange).toBe("reversed");
    expect(axis(f.layout, "xaxis").ticktext).toEqual(["animal", "street"]);
    expect(t.text).toEqual([["query it<br>key animal", "query it<br>key street"]]);
    expect(String(t.hovertemplate)).toContain("%{z:.5f}");
    expect(t.texttemplate).toBeUndefined();
  });

  it("keeps repeated tokens apart: one row and column per position", () => {
    const tokens = [...SENTENCE, "the"]; // "the" at 5 and 13, "The" at 0
    const f = attentionMapFigure(uniformWeights(tokens.length, tokens.length), { queries: tokens, keys: tokens });
    const x = axis(f.layout, "xaxis");
    const y = axis(f.layout, "yaxis");
    expect(f.data[0].x).toEqual(tokens.map((_, i) => i));
    expect(f.data[0].y).toEqual(tokens.map((_, i) => i));
    expect(x.tickvals).toEqual(tokens.map((_, i) => i));
    const ticks = x.ticktext as string[];
    expect(new Set(ticks).size).toBe(tokens.length);
    expect(ticks[0]).toBe("The");
    expect(ticks[5]).toBe("the (5)");
    expect(ticks[13]).toBe("the (13)");
    expect(y.ticktext).toEqual(ticks);
  });

  it("annotates cells on request and escapes token markup", () => {
    const f = attentionMapFigure([[1]], { queries: ["<s>"], keys: ["<s>"], annotate: true });
    expect(f.data[0].texttemplate).toBe("%{z:.2f}");
    expect(axis(f.layout, "xaxis").ticktext).toEqual(["&lt;s&gt;"]);
  });

  it("throws on ragged weights and label mismatches", () => {
    expect(() => attentionMapFigure([[0.5, 0.5], [1]], { queries: ["a", "b"], keys: ["a", "b"] })).toThrow(/row 1 has 1 values, row 0 has 2/);
    expect(() => attentionMapFigure([[0.5, 0.5]], { queries: ["a", "b"], keys: ["a", "b"] })).toThrow(/1 rows but 2 query labels/);
    expect(() => attentionMapFigure([[0.5, 0.5]], { queries: ["a"], keys: ["a"] })).toThrow(/2 columns but 1 key labels/);
  });
});

describe("attentionGridFigure", () => {
  const nHeads = 8;
  const heads = Array.from({ length: nHeads }, () => uniformWeights(SENTENCE.length, SENTENCE.length));

  it("one heatmap per head, each on its own axes, sharing one colour axis 0..1", () => {
    const f = attentionGridFigure(heads, { queries: SENTENCE, keys: SENTENCE });
    expect(f.data).toHaveLength(nHeads);
    expect(f.data.every((t: Trace) => t.type === "heatmap")).toBe(true);
    const xs = f.data.map((t) => t.xaxis);
    const ys = f.data.map((t) => t.yaxis);
    expect(xs).toEqual(["x", "x2", "x3", "x4", "x5", "x6", "x7", "x8"]);
    expect(ys).toEqual(["y", "y2", "y3", "y4", "y5", "y6", "y7", "y8"]);
    expect(f.data.every((t) => t.coloraxis === "coloraxis")).toBe(true);
    const ca = f.layout.coloraxis as Axis;
    expect([ca.cmin, ca.cmax]).toEqual([0, 1]);
    for (let h = 1; h <= nHeads; h++) {
      const s = h === 1 ? "" : String(h);
      expect(axis(f.layout, `yaxis${s}`).autorange).toBe("reversed");
      expect(axis(f.layout, `xaxis${s}`).anchor).toBe(`y${s}`);
      expect(axis(f.layout, `yaxis${s}`).anchor).toBe(`x${s}`);
    }
  });

  it("lays the heads out in a grid of non-overlapping domains (4 columns x 2 rows by default)", () => {
    const f = attentionGridFigure(heads, { queries: SENTENCE, keys: SENTENCE });
    const boxes = Array.from({ length: nHeads }, (_, i) => {
      const s = i === 0 ? "" : String(i + 1);
      return { x: axis(f.layout, `xaxis${s}`).domain as number[], y: axis(f.layout, `yaxis${s}`).domain as number[] };
    });
    expect(new Set(boxes.map((b) => b.x[0])).size).toBe(4);
    expect(new Set(boxes.map((b) => b.y[0])).size).toBe(2);
    for (const b of boxes) {
      expect(b.x[0]).toBeGreaterThanOrEqual(0);
      expect(b.x[1]).toBeLessThanOrEqual(1 + 1e-12);
      expect(b.y[0]).toBeGreaterThanOrEqual(-1e-12);
      expect(b.y[1]).toBeLessThanOrEqual(1);
    }
    for (let i = 0; i < nHeads; i++) {
      for (let j = i + 1; j < nHeads; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const overlapX = a.x[0] < b.x[1] && b.x[0] < a.x[1];
        const overlapY = a.y[0] < b.y[1] && b.y[0] < a.y[1];
        expect(overlapX && overlapY).toBe(false);
      }
    }
    const titles = (f.layout.annotations as Axis[]).map((a) => a.text);
    expect(titles).toEqual(["head 1", "head 2", "head 3", "head 4", "head 5", "head 6", "head 7", "head 8"]);
  });

  it("takes titles and a column count", () => {
    const f = attentionGridFigure(heads.slice(0, 3), { queries: SENTENCE, keys: SENTENCE, titles: ["A", "B", "C"], columns: 1 });
    expect((f.layout.annotations as Axis[]).map((a) => a.text)).toEqual(["A", "B", "C"]);
    expect(new Set([0, 1, 2].map((i) => (axis(f.layout, i === 0 ? "xaxis" : `xaxis${i + 1}`).domain as number[])[0])).size).toBe(1);
  });

  it("throws on no heads, a mismatched head and a wrong title count", () => {
    expect(() => attentionGridFigure([], { queries: ["a"], keys: ["a"] })).toThrow(/at least one head/);
    expect(() => attentionGridFigure([[[1]], [[0.5, 0.5]]], { queries: ["a"], keys: ["a"] })).toThrow(/head 1 has 2 columns but 1 key labels/);
    expect(() => attentionGridFigure([[[1]]], { queries: ["a"], keys: ["a"], titles: ["x", "y"] })).toThrow(/1 heads but 2 titles/);
    expect(() => attentionGridFigure([[[1]]], { queries: ["a"], keys: ["a"], columns: 0 })).toThrow(/columns 0/);
  });
});

describe("positional encoding plots", () => {
  // PE(pos, 2i) = sin(pos / 10000^(2i/4)), PE(pos, 2i+1) = cos(...), dModel 4, 3 positions:
  // pos 0: [sin 0, cos 0, sin 0, cos 0] = [0, 1, 0, 1]
  // pos 1: [sin 1, cos 1, sin 0.01, cos 0.01] = [0.84147, 0.54030, 0.01000, 0.99995]
  const pe = [
    [0, 1, 0, 1],
    [0.84147, 0.5403, 0.01, 0.99995],
    [0.9093, -0.41615, 0.02, 0.9998],
  ];

  it("the map: positions top to bottom, dimensions across, colour -1..1", () => {
    const f = positionalEncodingMapFigure(pe);
    expect(f.data).toHaveLength(1);
    const t = f.data[0];
    expect(t.type).toBe("heatmap");
    expect(t.z).toBe(pe);
    expect(t.x).toEqual([0, 1, 2, 3]);
    expect(t.y).toEqual([0, 1, 2]);
    expect([t.zmin, t.zmax]).toEqual([-1, 1]);
    expect(axis(f.layout, "yaxis").autorange).toBe("reversed");
    expect((axis(f.layout, "yaxis").title as Axis).text).toBe("position");
  });

  it("the curves: one line per dimension, named sin for even and cos for odd", () => {
    const f = sinusoidFigure(pe, [0, 1, 2, 3]);
    expect(f.data.map((t) => t.name)).toEqual(["dim 0 (sin)", "dim 1 (cos)", "dim 2 (sin)", "dim 3 (cos)"]);
    expect(f.data[1].x).toEqual([0, 1, 2]);
    expect(f.data[1].y).toEqual([1, 0.5403, -0.41615]);
    const big = Array.from({ length: 2 }, () => new Array<number>(8).fill(0));
    expect(sinusoidFigure(big, [4, 5]).data.map((t) => t.name)).toEqual(["dim 4 (sin)", "dim 5 (cos)"]);
  });

  it("throws on ragged tables and dimensions out of range", () => {
    expect(() => positionalEncodingMapFigure([[0, 1], [0]])).toThrow(/row 1 has 1 values, row 0 has 2/);
    expect(() => positionalEncodingMapFigure([])).toThrow(/empty/);
    expect(() => sinusoidFigure(pe, [4])).toThrow(/dimension 4 is not in 0..3 \(dModel 4\)/);
    expect(() => sinusoidFigure(pe, [])).toThrow(/at least one dimension/);
    expect(() => sinusoidFigure([[1, 2], [3]], [0])).toThrow(/row 1 has 1 values/);
  });
});

describe("pca2", () => {
  it("points on the line y = 2x: PC 1 is ±[1, 2]/sqrt(5) and explains 100%", () => {
    // mean [1.5, 3]; centred points (t - 1.5) [1, 2] for t = 0..3, so PC 1 coordinates are
    // (t - 1.5) sqrt(5) with sqrt(5) = 2.2360679774997897: 1.5 x 2.2360679774997897 = 3.3541019662496845,
    // 0.5 x 2.2360679774997897 = 1.1180339887498949; PC 2 coordinates are 0.
    const p = pca2([
      [0, 0],
      [1, 2],
      [2, 4],
      [3, 6],
    ]);
    const [u1, u2] = p.components;
    expect(Math.abs(u1[0])).toBeCloseTo(1 / Math.sqrt(5), DIGITS);
    expect(Math.abs(u1[1])).toBeCloseTo(2 / Math.sqrt(5), DIGITS);
    expect(u1[0] * u1[1]).toBeGreaterThan(0); // same sign: along [1, 2], not [1, -2]
    expect(u1[1]).toBeGreaterThan(0); // sign rule: the largest entry is positive
    expect(u1[0] * u2[0] + u1[1] * u2[1]).toBeCloseTo(0, DIGITS);
    expect(p.explained[0]).toBeCloseTo(1, DIGITS);
    expect(p.explained[1]).toBeCloseTo(0, DIGITS);
    expect(p.mean).toEqual([1.5, 3]);
    const expected = [-3.3541019662496845, -1.1180339887498949, 1.1180339887498949, 3.3541019662496845];
    p.points.forEach((pt, i) => {
      expect(pt[0]).toBeCloseTo(expected[i], DIGITS);
      expect(pt[1]).toBeCloseTo(0, DIGITS);
    });
  });

  it("points on y = -x: PC 1 is [1, -1]/sqrt(2)", () => {
    // direction ±[1, -1]/sqrt(2); sign rule (first of the tied largest entries positive) gives [1, -1]/sqrt(2)
    const p = pca2([
      [1, -1],
      [-1, 1],
      [2, -2],
    ]);
    expect(p.components[0][0]).toBeCloseTo(Math.SQRT1_2, DIGITS);
    expect(p.components[0][1]).toBeCloseTo(-Math.SQRT1_2, DIGITS);
    expect(p.explained[0]).toBeCloseTo(1, DIGITS);
  });

  it("3-d points with variance 2 along x and 0.5 along y: explained [0.8, 0.2]", () => {
    // centred already (mean 0); variance along x (4 + 4) / 4 = 2, along y (1 + 1) / 4 = 0.5, along z 0
    const p = pca2([
      [2, 0, 0],
      [-2, 0, 0],
      [0, 1, 0],
      [0, -1, 0],
    ]);
    expect(p.explained[0]).toBeCloseTo(0.8, DIGITS);
    expect(p.explained[1]).toBeCloseTo(0.2, DIGITS);
    expect(p.components[0].map((x) => Math.abs(x))).toEqual([1, 0, 0].map((x) => expect.closeTo(x, DIGITS)));
    expect(p.components[1].map((x) => Math.abs(x))).toEqual([0, 1, 0].map((x) => expect.closeTo(x, DIGITS)));
  });

  it("is deterministic and handles identical points", () => {
    const v = [
      [0.3, -0.2, 0.9, 0.1],
      [0.7, 0.3, -0.2, 0.5],
      [-0.9, 0.6, 0.4, 0.0],
    ];
    expect(pca2(v)).toEqual(pca2(v));
    const same = pca2([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(same.explained).toEqual([0, 0]);
    expect(same.points).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it("throws on no vectors, ragged, empty and non-finite input", () => {
    expect(() => pca2([])).toThrow(/at least one vector/);
    expect(() => pca2([[1, 2], [3]])).toThrow(/vector 1 has 1 values, vector 0 has 2/);
    expect(() => pca2([[]])).toThrow(/empty/);
    expect(() => pca2([[1, NaN]])).toThrow(/vector 0 value 1 is NaN/);
  });
});

describe("embeddingScatterFigure", () => {
  it("plots 2-d vectors as they are", () => {
    const f = embeddingScatterFigure(
      [
        [0.7, 0.3],
        [-0.1, 0.9],
      ],
      ["animal", "street"],
    );
    expect(f.data).toHaveLength(1);
    const t = f.data[0];
    expect(t.type).toBe("scatter");
    expect(t.mode).toBe("markers+text");
    expect(t.x).toEqual([0.7, -0.1]);
    expect(t.y).toEqual([0.3, 0.9]);
    expect(t.text).toEqual(["animal", "street"]);
    expect((axis(f.layout, "xaxis").title as Axis).text).toBe("dimension 0");
  });

  it("projects longer vectors by PCA and says the variance kept", () => {
    // the 3-d set of the pca2 test: PC 1 keeps 80%, PC 2 20%
    const f = embeddingScatterFigure(
      [
        [2, 0, 0],
        [-2, 0, 0],
        [0, 1, 0],
        [0, -1, 0],
      ],
      ["a", "b", "c", "d"],
    );
    expect((axis(f.layout, "xaxis").title as Axis).text).toBe("PC 1 (80% of variance)");
    expect((axis(f.layout, "yaxis").title as Axis).text).toBe("PC 2 (20% of variance)");
    expect((f.data[0].x as number[]).map(Math.abs)).toEqual([2, 2, 0, 0].map((x) => expect.closeTo(x, DIGITS)));
  });

  it("throws on a label count mismatch and on ragged or 1-d vectors", () => {
    expect(() => embeddingScatterFigure([[1, 2]], ["a", "b"])).toThrow(/1 vectors but 2 labels/);
    expect(() => embeddingScatterFigure([[1, 2, 3], [1, 2]], ["a", "b"])).toThrow(/vector 1 has 2 values, vector 0 has 3/);
    expect(() => embeddingScatterFigure([[1], [2]], ["a", "b"])).toThrow(/at least 2 values/);
  });
});

describe("beforeAfterBarFigure", () => {
  it("one bar trace per group, grouped by dimension", () => {
    // the FFN of Step 6: input Z_it [0.51363, 0.13183], output [0.80455, 1.04094]
    const f = beforeAfterBarFigure([
      { name: "x (attention output)", values: [0.51363, 0.13183] },
      { name: "FFN(x)", values: [0.80455, 1.04094] },
    ]);
    expect(f.data).toHaveLength(2);
    expect(f.data.every((t) => t.type === "bar")).toBe(true);
    expect(f.data.map((t) => t.name)).toEqual(["x (attention output)", "FFN(x)"]);
    expect(f.data[0].x).toEqual(["dim 0", "dim 1"]);
    expect(f.data[1].y).toEqual([0.80455, 1.04094]);
    expect(f.layout.barmode).toBe("group");
  });

  it("uses given labels, made unique", () => {
    const f = beforeAfterBarFigure([{ name: "a", values: [1, 2] }], { labels: ["x", "x"] });
    expect(f.data[0].x).toEqual(["x (0)", "x (1)"]);
  });

  it("throws on no groups, ragged groups and a label mismatch", () => {
    expect(() => beforeAfterBarFigure([])).toThrow(/at least one group/);
    expect(() => beforeAfterBarFigure([{ name: "in", values: [1, 2] }, { name: "out", values: [1] }])).toThrow(/group out has 1 values, group in has 2/);
    expect(() => beforeAfterBarFigure([{ name: "in", values: [1, 2] }], { labels: ["a"] })).toThrow(/2 values per group but 1 labels/);
  });
});

describe("lineChartFigure and movingAverage", () => {
  it("one scatter line per series, x defaulting to steps 1, 2, 3, with a linear/log toggle", () => {
    const fig = lineChartFigure([{ name: "loss", y: [3, 2, 1] }, { name: "eval", x: [2, 4], y: [2.5, 1.5], markers: true }], { yTitle: "loss", logY: true });
    expect(fig.data.map((t) => [t.name, t.mode, t.x, t.y])).toEqual([
      ["loss", "lines", [1, 2, 3], [3, 2, 1]],
      ["eval", "markers", [2, 4], [2.5, 1.5]],
    ]);
    expect(axis(fig.layout, "yaxis").type).toBe("log");
    const buttons = (fig.layout.updatemenus as { buttons: { label: string; args: unknown[] }[] }[])[0].buttons;
    expect(buttons.map((b) => [b.label, b.args])).toEqual([["linear", ["yaxis.type", "linear"]], ["log", ["yaxis.type", "log"]]]);
  });

  it("refuses no series, an empty series and mismatched x", () => {
    expect(() => lineChartFigure([])).toThrow("a line chart needs at least one series");
    expect(() => lineChartFigure([{ name: "a", y: [] }])).toThrow('series "a" is empty');
    expect(() => lineChartFigure([{ name: "a", x: [1], y: [1, 2] }])).toThrow('series "a" has 1 x values for 2 y values');
  });

  it("moving average over windows of 2: the first value alone, then pairs", () => {
    // [1, 3, 5, 7] -> 1, (1+3)/2 = 2, (3+5)/2 = 4, (5+7)/2 = 6
    expect(movingAverage([1, 3, 5, 7], 2)).toEqual([1, 2, 4, 6]);
    expect(movingAverage([4, 8], 1)).toEqual([4, 8]);
    expect(() => movingAverage([1], 0)).toThrow("moving average window must be a positive integer, got 0");
  });
});

describe("attentionLayersFigure", () => {
  it("a row per layer and a column per head, titled L1 H1 (layer, head)", () => {
    const head = uniformWeights(2, 3);
    const fig = attentionLayersFigure([[head, head], [head, head]], { queries: ["a", "b"], keys: ["x", "y", "z"] });
    expect(fig.data.length).toBe(4); // 2 layers x 2 heads
    const titles = (fig.layout.annotations as { text: string }[]).map((a) => a.text);
    expect(titles).toEqual(["L1 H1", "L1 H2", "L2 H1", "L2 H2"]);
    // key labels on the first row only
    expect([axis(fig.layout, "xaxis").showticklabels, axis(fig.layout, "xaxis3").showticklabels]).toEqual([true, false]);
  });

  it("refuses no layers and layers with different head counts", () => {
    const head = uniformWeights(2, 2);
    expect(() => attentionLayersFigure([], { queries: ["a", "b"], keys: ["a", "b"] })).toThrow("at least one layer");
    expect(() => attentionLayersFigure([[head, head], [head]], { queries: ["a", "b"], keys: ["a", "b"] })).toThrow("layer 2 has 1 heads, layer 1 has 2");
  });
});
