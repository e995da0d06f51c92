import katex from "katex";
import { describe, expect, it } from "vitest";
import {
  ARTICLE_EXAMPLE,
  ARTICLE_FFN,
  ARTICLE_PRINTED,
  type Derivation,
  dotProduct,
  scaledScore,
  softmaxWeights,
  weightedSum,
  workedAttention,
  workedFeedForward,
} from "../../src/worked-example";

/** Decimal digits the hand values are checked to (toBeCloseTo: |error| < 5e-6). */
const DIGITS = 5;

const names = (key: string) => ({ query: "it", key });

function expectVectorClose(actual: number | number[], expected: number[]): void {
  expect(Array.isArray(actual)).toBe(true);
  const v = actual as number[];
  expect(v).toHaveLength(expected.length);
  v.forEach((x, i) => expect(x).toBeCloseTo(expected[i], DIGITS));
}

function allDerivations(): Derivation[] {
  const a = workedAttention(ARTICLE_EXAMPLE);
  const f = workedFeedForward(a.z, ARTICLE_FFN);
  const g = workedFeedForward([0.58, 0], ARTICLE_FFN);
  return [...a.scores, ...a.scaled, ...a.weights, ...a.weighted, a.output, f.hidden, f.relu, f.output, g.hidden, g.relu, g.output];
}

describe("Step 3: attention scores", () => {
  it("q_it . k_animal = 0.62 and q_it . k_street = 0.10", () => {
    // 0.8 x 0.7 + 0.2 x 0.3 = 0.56 + 0.06 = 0.62
    expect(dotProduct([0.8, 0.2], [0.7, 0.3], names("animal")).value).toBe(0.62);
    // 0.8 x (-0.1) + 0.2 x 0.9 = -0.08 + 0.18 = 0.10
    expect(dotProduct([0.8, 0.2], [-0.1, 0.9], names("street")).value).toBe(0.1);
  });

  it("writes the first dot product out exactly, in text and TeX", () => {
    const d = dotProduct([0.8, 0.2], [0.7, 0.3], names("animal"));
    expect(d.text).toBe("q_it . k_animal = (0.8 x 0.7) + (0.2 x 0.3) = 0.56 + 0.06 = 0.62");
    expect(d.formulaTex).toBe("q_{it}\\cdot k_{animal}");
    expect(d.substitutedTex).toBe("(0.8 \\times 0.7) + (0.2 \\times 0.3) = 0.56 + 0.06");
    expect(d.resultTex).toBe("0.62");
    expect(d.tex).toBe("q_{it}\\cdot k_{animal} = (0.8 \\times 0.7) + (0.2 \\times 0.3) = 0.56 + 0.06 = 0.62");
    expect(d.quantity).toBe("attention score of it to animal");
  });

  it("parenthesises negative factors in TeX", () => {
    const d = dotProduct([0.8, 0.2], [-0.1, 0.9], names("street"));
    expect(d.text).toBe("q_it . k_street = (0.8 x -0.1) + (0.2 x 0.9) = -0.08 + 0.18 = 0.1");
    expect(d.tex).toBe("q_{it}\\cdot k_{street} = (0.8 \\times (-0.1)) + (0.2 \\times 0.9) = -0.08 + 0.18 = 0.1");
  });

  it("writes a later negative term as a subtraction", () => {
    // 0.8 x 0.7 + 0.2 x (-0.3) = 0.56 - 0.06 = 0.5
    expect(dotProduct([0.8, 0.2], [0.7, -0.3], names("x")).text).toBe("q_it . k_x = (0.8 x 0.7) + (0.2 x -0.3) = 0.56 - 0.06 = 0.5");
  });

  it("scales by sqrt(dK): 0.62 / sqrt 2 = 0.43841, 0.10 / sqrt 2 = 0.07071", () => {
    // sqrt 2 = 1.4142136; 0.62 / 1.4142136 = 0.62 x 0.7071068 = 0.4384062
    const a = scaledScore(0.62, 2, names("animal"));
    expect(a.value).toBeCloseTo(0.43841, DIGITS);
    // 0.10 x 0.7071068 = 0.0707107
    expect(scaledScore(0.1, 2, names("street")).value).toBeCloseTo(0.07071, DIGITS);
    expect(a.text).toBe("q_it . k_animal / sqrt(d_k) = 0.62 / sqrt(2) ≈ 0.62 / 1.41421 ≈ 0.43841");
    expect(a.tex).toBe("\\frac{q_{it}\\cdot k_{animal}}{\\sqrt{d_k}} = \\frac{0.62}{\\sqrt{2}} \\approx \\frac{0.62}{1.41421} \\approx 0.43841");
  });

  it("keeps '=' when sqrt(dK) is exact", () => {
    // sqrt 4 = 2; 0.62 / 2 = 0.31
    const d = scaledScore(0.62, 4, names("animal"));
    expect(d.value).toBe(0.31);
    expect(d.text).toBe("q_it . k_animal / sqrt(d_k) = 0.62 / sqrt(4) = 0.62 / 2 = 0.31");
  });
});

describe("Step 4: attention weights", () => {
  it("softmax of the exact scaled scores: 0.59090 and 0.40910 (the article prints 0.69 / 0.31)", () => {
    // w_animal = 1 / (1 + e^-(0.4384062 - 0.0707107)) = 1 / (1 + e^-0.3676955)
    // e^0.3676955 = 1 + 0.3676955 + 0.0676000 + 0.0082854 + 0.0007616 + 0.0000560 + 0.0000034 = 1.4444022
    // e^-0.3676955 = 1 / 1.4444022 = 0.6923279; w_animal = 1 / 1.6923279 = 0.5909020; w_street = 0.4090980
    const w = workedAttention(ARTICLE_EXAMPLE).weights;
    expect(w.map((d) => d.value)).toHaveLength(2);
    expect(w[0].value as number).toBeCloseTo(0.59090, DIGITS);
    expect(w[1].value as number).toBeCloseTo(0.40910, DIGITS);
  });

  it("rows sum to 1", () => {
    const w = softmaxWeights([0.3, -1.2, 2.5], ["a", "b", "c"]).map((d) => d.value as number);
    expect(w[0] + w[1] + w[2]).toBeCloseTo(1, DIGITS);
  });

  it("shows the exponentials to 5 significant digits", () => {
    // e^0.4384062 = 1.5502345 -> 1.5502; e^0.0707107 = 1.0732707 -> 1.0733
    const d = workedAttention(ARTICLE_EXAMPLE).weights[0];
    expect(d.text).toBe(
      "w_animal = e^s_animal / (e^s_animal + e^s_street) ≈ e^0.43841 / (e^0.43841 + e^0.07071) ≈ 1.5502 / (1.5502 + 1.0733) ≈ 0.59090",
    );
    expect(d.quantity).toBe("attention weight of it to animal");
  });

  it("the article's slip: even its own rounded scores give 0.59, not 0.69", () => {
    // e^0.44 / (e^0.44 + e^0.07) = 1 / (1 + e^-0.37) = 1 / (1 + 0.6907343) = 0.5914590
    const w = softmaxWeights([...ARTICLE_PRINTED.scaled], ["animal", "street"]);
    expect(w[0].value as number).toBeCloseTo(0.59146, DIGITS);
    expect(w[0].text.startsWith("w_animal = e^s_animal / (e^s_animal + e^s_street) = e^0.44 / (e^0.44 + e^0.07) ≈ ")).toBe(true);
    expect(ARTICLE_PRINTED.weights).toEqual([0.69, 0.31]);
  });
});

describe("Step 5: output Z", () => {
  it("Z_it = [0.51363, 0.13183] (the article prints [0.58, 0])", () => {
    // Z = w V_animal + (1 - w) V_street = [0.1 + 0.7 w, 0.9 - 1.3 w], w = 0.5909020
    //   = [0.1 + 0.4136314, 0.9 - 0.7681726] = [0.5136314, 0.1318274]
    const a = workedAttention(ARTICLE_EXAMPLE);
    expectVectorClose(a.z, [0.51363, 0.13183]);
    expectVectorClose(a.output.value, [0.51363, 0.13183]);
    expect(a.output.text).toBe("Z_it = z_animal + z_street ≈ [0.47272, -0.23636] + [0.04091, 0.36819] ≈ [0.51363, 0.13183]");
  });

  it("weighs each value vector", () => {
    // 0.5909020 x [0.8, -0.4] = [0.4727216, -0.2363608]; 0.4090980 x [0.1, 0.9] = [0.0409098, 0.3681882]
    const a = workedAttention(ARTICLE_EXAMPLE);
    expect(a.weighted).toHaveLength(2);
    expectVectorClose(a.weighted[0].value, [0.47272, -0.23636]);
    expectVectorClose(a.weighted[1].value, [0.04091, 0.36819]);
    expect(a.weighted[0].text).toBe("z_animal = w_animal V_animal ≈ 0.59090 x [0.8, -0.4] ≈ [0.47272, -0.23636]");
  });

  it("weightedSum returns the per-key vectors and then Z", () => {
    // 0.5 x [1, 0] + 0.5 x [0, 2] = [0.5, 0] + [0, 1] = [0.5, 1]
    const d = weightedSum([0.5, 0.5], [[1, 0], [0, 2]], ["a", "b"]);
    expect(d).toHaveLength(3);
    expect(d[2].value).toEqual([0.5, 1]);
    expect(d[2].text).toBe("Z = z_a + z_b = [0.5, 0] + [0, 1] = [0.5, 1]");
  });

  it("follows the slip when fed the article's weights: [0.58, 0]", () => {
    // 0.69 x [0.8, -0.4] + 0.31 x [0.1, 0.9] = [0.552, -0.276] + [0.031, 0.279] = [0.583, 0.003]
    const d = weightedSum([...ARTICLE_PRINTED.weights], [[0.8, -0.4], [0.1, 0.9]], ["animal", "street"], "it");
    expectVectorClose(d[2].value, [0.583, 0.003]);
    expect(ARTICLE_PRINTED.z).toEqual([0.58, 0]);
  });
});

describe("Step 6: feed-forward", () => {
  it("FFN([0.58, 0]) = [0.74, 0.58], as the article prints", () => {
    // h = [0.58 x 3 + 0 x 2 - 1, 0.58 x 1 + 0 x 4 + 0] = [0.74, 0.58]; ReLU keeps it; W2 = I, b2 = 0
    const f = workedFeedForward([0.58, 0], ARTICLE_FFN);
    expect(f.value).toEqual([0.74, 0.58]);
    expect(f.hidden.text).toBe(
      "h = x W_1 + b_1 = [0.58, 0] [[3, 1], [2, 4]] + [-1, 0] = [(0.58 x 3) + (0 x 2) - 1, (0.58 x 1) + (0 x 4) + 0] = [0.74, 0.58]",
    );
    expect(f.relu.text).toBe("ReLU(h) = max(0, h) = max(0, [0.74, 0.58]) = [0.74, 0.58]");
    expect(ARTICLE_PRINTED.ffn).toEqual([0.74, 0.58]);
  });

  it("FFN(unrounded Z_it) = [0.80455, 1.04094]", () => {
    // h = [3 z0 + 2 z1 - 1, z0 + 4 z1] with Z = [0.1 + 0.7 w, 0.9 - 1.3 w]
    //   = [0.3 + 2.1 w + 1.8 - 2.6 w - 1, 0.1 + 0.7 w + 3.6 - 5.2 w] = [1.1 - 0.5 w, 3.7 - 4.5 w]
    // w = 0.5909020 (Step 4): 0.5 w = 0.2954510, 4.5 w = 2.6590591
    //   -> [1.1 - 0.2954510, 3.7 - 2.6590591] = [0.8045490, 1.0409409]
    // Last digit checked by hand with that closed form: 1.0409409 rounds to 1.04094. From the
    // rounded Z it would be 0.51363 + 4 x 0.13183 = 1.04095, so the code must not round between steps.
    const a = workedAttention(ARTICLE_EXAMPLE);
    const f = workedFeedForward(a.z, ARTICLE_FFN);
    expectVectorClose(f.value, [0.80455, 1.04094]);
    expect(f.output.resultTex).toBe("[0.80455, 1.04094]");
    expect(f.relu.value).toEqual(f.hidden.value); // both entries are positive
  });

  it("ReLU zeroes a negative hidden entry", () => {
    // h = [0.1 x 3 + 0 x 2 - 1, 0.1 x 1 + 0 x 4 + 0] = [-0.7, 0.1] -> ReLU [0, 0.1]
    const f = workedFeedForward([0.1, 0], ARTICLE_FFN);
    expect(f.hidden.value).toEqual([-0.7, 0.1]);
    expect(f.relu.value).toEqual([0, 0.1]);
    expect(f.value).toEqual([0, 0.1]);
  });
});

describe("the worked example as a whole", () => {
  it("the scores and scaled scores of workedAttention are the hand values", () => {
    // see Step 3 above: 0.62, 0.10; 0.43841, 0.07071
    const a = workedAttention(ARTICLE_EXAMPLE);
    expect(a.scores.map((d) => d.value)).toEqual([0.62, 0.1]);
    expect(a.scaled[0].value as number).toBeCloseTo(0.43841, DIGITS);
    expect(a.scaled[1].value as number).toBeCloseTo(0.07071, DIGITS);
  });

  it("every TeX field renders with KaTeX", () => {
    for (const d of allDerivations()) {
      for (const tex of [d.formulaTex, d.substitutedTex, d.resultTex, d.tex]) {
        expect(() => katex.renderToString(tex, { throwOnError: true })).not.toThrow();
      }
    }
    const odd = dotProduct([1], [2], { query: "n't", key: "<s>_x" });
    expect(odd.formulaTex).toBe("q_{\\text{n't}}\\cdot k_{\\text{<s>\\_x}}");
    expect(() => katex.renderToString(odd.tex, { throwOnError: true })).not.toThrow();
  });

  it("uses '=' only where nothing was rounded", () => {
    expect(allDerivations()[0].tex).not.toContain("\\approx");
    expect(workedAttention(ARTICLE_EXAMPLE).scaled[0].tex).toContain("\\approx");
  });

  it("the article's constants are frozen all the way down", () => {
    expect(Object.isFrozen(ARTICLE_EXAMPLE)).toBe(true);
    expect(Object.isFrozen(ARTICLE_EXAMPLE.keys[0].key)).toBe(true);
    expect(Object.isFrozen(ARTICLE_FFN.W1[0])).toBe(true);
    expect(Object.isFrozen(ARTICLE_PRINTED.pe)).toBe(true);
    expect(ARTICLE_PRINTED.pe).toEqual([0.1, 0.4, -0.3]);
    expect(ARTICLE_PRINTED.scaled).toEqual([0.44, 0.07]);
  });
});

describe("validation", () => {
  it("throws when q and k differ in length, naming both lengths", () => {
    expect(() => dotProduct([0.8, 0.2], [0.7, 0.3, 0.1], names("animal"))).toThrow(/q_it has 2 values but key k_animal has 3/);
  });

  it("throws when a key of the example does not match the query", () => {
    const bad = { queryName: "it", query: [0.8, 0.2], keys: [{ name: "animal", key: [0.7], value: [1, 2] }] };
    expect(() => workedAttention(bad)).toThrow(/has 2 values but key k_animal has 1/);
  });

  it("throws on no keys", () => {
    expect(() => workedAttention({ queryName: "it", query: [0.8, 0.2], keys: [] })).toThrow(/query it has no keys/);
  });

  it("throws on empty vectors, bad dK and non-finite numbers", () => {
    expect(() => dotProduct([], [], names("animal"))).toThrow(/empty/);
    expect(() => scaledScore(0.62, 0, names("animal"))).toThrow(/dK 0 must be a positive integer/);
    expect(() => dotProduct([NaN, 1], [1, 1], names("animal"))).toThrow(/q_it\[0\] is NaN/);
  });

  it("throws on count mismatches in softmax and weighted sum", () => {
    expect(() => softmaxWeights([0.1, 0.2], ["a"])).toThrow(/scaled scores has 2 values but names has 1/);
    expect(() => softmaxWeights([], [])).toThrow(/no scores/);
    expect(() => weightedSum([0.5, 0.5], [[1, 0]], ["a", "b"])).toThrow(/weights has 2 values but value vectors has 1/);
    expect(() => weightedSum([0.5, 0.5], [[1, 0], [1]], ["a", "b"])).toThrow(/V_b has 1 values but V_a has 2/);
  });

  it("throws when the FFN shapes do not fit", () => {
    expect(() => workedFeedForward([1, 2, 3], ARTICLE_FFN)).toThrow(/W1 has 2 rows but x's length \(dModel\) is 3/);
    expect(() => workedFeedForward([1, 2], { ...ARTICLE_FFN, b1: [0, 0, 0] })).toThrow(/W1 row 0 has 2 columns but b1's length \(dFF\) is 3/);
  });
});
