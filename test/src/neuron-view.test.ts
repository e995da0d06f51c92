import { describe, expect, it } from "vitest";
import type { Trace } from "../../src/figure";
import { neuronViewFigure, neuronViewNumbers } from "../../src/plots/neuron-view";

/** Decimal digits for the worked example's 6-decimal literals (toBeCloseTo: |error| < 5e-6). */
const DIGITS = 5;

// The article's worked example: query "it", keys "animal" and "street", dK 2.
const Q = [0.8, 0.2];
const K = [
  [0.7, 0.3],
  [-0.1, 0.9],
];
const TOKENS = ["animal", "street"];

const close = (actual: number[], expected: number[]): void => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((x, i) => expect(x).toBeCloseTo(expected[i], DIGITS));
};

type Axis = Record<string, unknown>;

describe("neuronViewNumbers", () => {
  const n = neuronViewNumbers(Q, K);

  it("products q ∘ k, one row per key", () => {
    // animal: [0.8 x 0.7, 0.2 x 0.3] = [0.56, 0.06]; street: [0.8 x -0.1, 0.2 x 0.9] = [-0.08, 0.18]
    close(n.products[0], [0.56, 0.06]);
    close(n.products[1], [-0.08, 0.18]);
  });

  it("dot products are the row sums, scaled by 1 / sqrt(dK)", () => {
    // 0.56 + 0.06 = 0.62, -0.08 + 0.18 = 0.10
    close(n.dots, [0.62, 0.1]);
    // / sqrt(2) = 1.414214: 0.62 / 1.414214 = 0.438406, 0.10 / 1.414214 = 0.070711
    close(n.scaled, [0.438406, 0.070711]);
  });

  it("softmax weights, rows sum to 1", () => {
    // e^0.438406 = 1.550215, e^0.070711 = 1.073271; 1.550215 / 2.623486 = 0.590902
    close(n.weights, [0.590902, 0.409098]);
    expect(n.weights[0] + n.weights[1]).toBeCloseTo(1, 12);
  });

  it("max-shifted softmax does not overflow on large scores", () => {
    // scores 1000 and 999 (dK 1): weights e^0 / (1 + e^-1) = 0.731059 and 0.268941
    const big = neuronViewNumbers([1], [[1000], [999]]);
    close(big.weights, [0.731059, 0.268941]);
  });

  it("throws on no keys, an empty query, a key of the wrong length and non-finite values", () => {
    expect(() => neuronViewNumbers(Q, [])).toThrow("neuron view needs at least one key");
    expect(() => neuronViewNumbers([], [[]])).toThrow("neuron view query is empty (dK 0)");
    expect(() => neuronViewNumbers(Q, [[0.7, 0.3], [0.1]])).toThrow("neuron view key 1 has 1 values, the query has 2");
    expect(() => neuronViewNumbers([0.8, NaN], K)).toThrow("neuron view query value 1 is NaN");
    expect(() => neuronViewNumbers(Q, [[0.7, Infinity]])).toThrow("neuron view key 0 value 1 is Infinity");
  });
});

describe("neuronViewFigure", () => {
  const f = neuronViewFigure({ query: Q, keys: K, queryToken: "it", keyTokens: TOKENS, title: "Steps 3-4" });
  const n = neuronViewNumbers(Q, K);

  it("six panels on their own axes: q, k, q ∘ k, then bars of q · k, scaled and softmax", () => {
    expect(f.data.map((t: Trace) => [t.type, t.xaxis, t.yaxis])).toEqual([
      ["heatmap", "x", "y"],
      ["heatmap", "x2", "y2"],
      ["heatmap", "x3", "y3"],
      ["bar", "x4", "y4"],
      ["bar", "x5", "y5"],
      ["bar", "x6", "y6"],
    ]);
    expect(f.data[0].z).toEqual([Q]);
    expect(f.data[1].z).toEqual(K);
    expect(f.data[2].z).toEqual(n.products);
    expect(f.data[3].x).toEqual(n.dots);
    expect(f.data[4].x).toEqual(n.scaled);
    expect(f.data[5].x).toEqual(n.weights);
    const titles = (f.layout.annotations as Axis[]).map((a) => a.text);
    expect(titles).toEqual(["query q (it)", "keys k", "q ∘ k", "q · k (row sums)", "q · k / √2", "softmax"]);
  });

  it("products use a diverging colour scale centred on 0; weights run 0..1", () => {
    expect(f.data[2].coloraxis).toBe("coloraxis2");
    const ca2 = f.layout.coloraxis2 as Axis;
    // largest |product| is 0.56
    expect([ca2.cmin, ca2.cmax, ca2.cmid]).toEqual([-0.8 * 0.7, 0.8 * 0.7, 0]);
    expect((f.layout.xaxis6 as Axis).range).toEqual([0, 1]);
  });

  it("key rows run top to bottom and line up across panels", () => {
    for (const a of [2, 3, 4, 5, 6]) {
      const y = f.layout[`yaxis${a}`] as Axis;
      expect(y.range).toEqual([1.5, -0.5]);
      expect(y.domain).toEqual((f.layout.yaxis2 as Axis).domain);
      expect(y.ticktext).toEqual(TOKENS);
    }
    expect(f.data.slice(3).every((t) => t.orientation === "h")).toBe(true);
  });

  it("hover gives every value exactly", () => {
    expect(String(f.data[0].hovertemplate)).toContain("q %{z:.5f}");
    expect(String(f.data[2].hovertemplate)).toContain("q ∘ k %{z:.5f}");
    expect(f.data[1].text).toEqual([
      ["key animal", "key animal"],
      ["key street", "key street"],
    ]);
    expect(String(f.data[5].hovertemplate)).toContain("weight %{x:.5f}");
    expect(f.data[5].hovertext).toEqual(TOKENS);
  });

  it("keeps repeated key tokens apart and escapes markup", () => {
    const g = neuronViewFigure({ query: [1], keys: [[1], [2]], queryToken: "<s>", keyTokens: ["the", "the"] });
    expect((g.layout.yaxis2 as Axis).ticktext).toEqual(["the (0)", "the (1)"]);
    expect((g.layout.annotations as Axis[])[0].text).toBe("query q (&lt;s&gt;)");
  });

  it("throws when the key tokens do not match the keys", () => {
    expect(() => neuronViewFigure({ query: Q, keys: K, queryToken: "it", keyTokens: ["animal"] })).toThrow("neuron view has 2 keys but 1 key tokens");
    expect(() => neuronViewFigure({ query: Q, keys: [], queryToken: "it", keyTokens: [] })).toThrow("at least one key");
  });
});
