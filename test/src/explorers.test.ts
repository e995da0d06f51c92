import { describe, expect, it } from "vitest";
import {
  decodingAnimationFigure,
  positionalEncodingExplorerFigure,
  sinusoidWavelength,
  softmaxTemperatureFigure,
  softmaxWithTemperature,
  type DecodingStep,
} from "../../src/plots/explorers";

/** Decimal digits for the article's 5-decimal literals (toBeCloseTo: |error| < 5e-6). */
const DIGITS = 5;

/** The article's two scaled scores of "it": q·k / sqrt(dK) for animal and street. */
const SCORES = [0.43841, 0.07071];
const LABELS = ["animal", "street"];

type Obj = Record<string, unknown>;
type Step = { label: string; method: string; args: unknown[] };
const slider = (layout: Obj): Obj => (layout.sliders as Obj[])[0];
const sliderSteps = (layout: Obj): Step[] => slider(layout).steps as Step[];
const restyled = (step: Step): Obj => step.args[0] as Obj;

describe("softmaxWithTemperature", () => {
  it("T = 1 is the ordinary softmax: [0.59090, 0.40910]", () => {
    // e^0.43841 / (e^0.43841 + e^0.07071) = 1.55024 / (1.55024 + 1.07327) = 1 / (1 + e^-0.3677) = 0.59090
    const w = softmaxWithTemperature(SCORES, 1);
    expect(w[0]).toBeCloseTo(0.5909, DIGITS);
    expect(w[1]).toBeCloseTo(0.4091, DIGITS);
  });

  it("T = 0.5 sharpens: the gap doubles", () => {
    // scores / 0.5 = [0.87682, 0.14142], gap 0.7354 -> 1 / (1 + e^-0.7354) = 1 / 1.47931 = 0.67599
    const w = softmaxWithTemperature(SCORES, 0.5);
    expect(w[0]).toBeCloseTo(0.67599, DIGITS);
    expect(w[1]).toBeCloseTo(0.32401, DIGITS);
  });

  it("a large T flattens toward uniform and a tiny T picks the argmax; rows sum to 1", () => {
    // T = 1000: gap 0.3677 / 1000 -> 1 / (1 + e^-0.0003677) = 0.50009
    const flat = softmaxWithTemperature(SCORES, 1000);
    expect(Math.abs(flat[0] - 0.5)).toBeLessThan(1e-4);
    const sharp = softmaxWithTemperature(SCORES, 0.001);
    expect(sharp[0]).toBeCloseTo(1, DIGITS);
    for (const w of [flat, sharp, softmaxWithTemperature([1000, -1000, 3], 0.1)]) expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, DIGITS);
  });

  it("a masked score (-Infinity) gets exactly 0", () => {
    expect(softmaxWithTemperature([0.5, -Infinity], 2)).toEqual([1, 0]);
  });

  it("throws when T <= 0", () => {
    expect(() => softmaxWithTemperature(SCORES, 0)).toThrow(/temperature 0 must be/);
    expect(() => softmaxWithTemperature(SCORES, -1)).toThrow(/temperature -1 must be/);
    expect(() => softmaxWithTemperature([], 1)).toThrow(/at least one score/);
  });
});

describe("softmaxTemperatureFigure", () => {
  it("one slider step per temperature whose bars equal softmaxWithTemperature at that T", () => {
    const f = softmaxTemperatureFigure(SCORES, LABELS);
    const steps = sliderSteps(f.layout);
    expect(steps.map((s) => s.label)).toEqual(["T = 0.1", "T = 0.2", "T = 0.5", "T = 1", "T = 2", "T = 5", "T = 10"]);
    const temps = [0.1, 0.2, 0.5, 1, 2, 5, 10];
    steps.forEach((s, k) => {
      expect(s.method).toBe("restyle");
      expect(restyled(s).y).toEqual([softmaxWithTemperature(SCORES, temps[k])]);
      expect(restyled(s).text).toEqual([softmaxWithTemperature(SCORES, temps[k]).map((v) => v.toFixed(5))]);
      expect(s.args[1]).toEqual([0]);
    });
  });

  it("starts at T = 1 with bars on a 0..1 axis and the exact weight as text", () => {
    const f = softmaxTemperatureFigure(SCORES, LABELS);
    expect(sliderSteps(f.layout)[slider(f.layout).active as number].label).toBe("T = 1");
    const bars = f.data[0];
    expect(bars.type).toBe("bar");
    expect(bars.x).toEqual(LABELS);
    expect(bars.y).toEqual(softmaxWithTemperature(SCORES, 1));
    expect(bars.text).toEqual(["0.59090", "0.40910"]);
    expect(String(bars.hovertemplate)).toContain("%{y:.5f}");
    expect((f.layout.yaxis as Obj).range).toEqual([0, 1]);
    expect(String((f.layout.annotations as Obj[])[0].text)).toContain("T = 1 is the ordinary softmax");
  });

  it("takes temperatures and an initial one; labels are unique and escaped", () => {
    const f = softmaxTemperatureFigure([1, 2, 3], ["<s>", "the", "the"], { temperatures: [0.5, 2], initial: 2 });
    expect(slider(f.layout).active).toBe(1);
    expect(f.data[0].x).toEqual(["&lt;s&gt;", "the (1)", "the (2)"]);
  });

  it("throws on a label mismatch, a T <= 0 and an initial T not on the slider", () => {
    expect(() => softmaxTemperatureFigure(SCORES, ["animal"])).toThrow(/2 scores but 1 labels/);
    expect(() => softmaxTemperatureFigure(SCORES, LABELS, { temperatures: [1, 0] })).toThrow(/temperature 0/);
    expect(() => softmaxTemperatureFigure(SCORES, LABELS, { initial: 3 })).toThrow(/initial temperature 3 is not one of/);
  });
});

describe("positionalEncodingExplorerFigure", () => {
  // dModel 4, 3 positions: PE(pos, 2i) = sin(pos / 10000^(2i/4)), PE(pos, 2i+1) = cos(...)
  const pe = [
    [0, 1, 0, 1],
    [0.84147, 0.5403, 0.01, 0.99995],
    [0.9093, -0.41615, 0.02, 0.9998],
  ];

  it("wavelengths: 2π for dims 0 and 1, 2π · 100 for dims 2 and 3 (dModel 4)", () => {
    // i = 0: 2π · 10000^0 = 2π = 6.28319; i = 1: 2π · 10000^(2/4) = 2π · 100 = 628.319
    expect(sinusoidWavelength(0, 4)).toBeCloseTo(2 * Math.PI, DIGITS);
    expect(sinusoidWavelength(1, 4)).toBeCloseTo(2 * Math.PI, DIGITS);
    expect(sinusoidWavelength(2, 4)).toBeCloseTo(200 * Math.PI, DIGITS);
  });

  it("one slider step per dim (0..3 by default) whose y is the pe column, labelled with kind and wavelength", () => {
    const f = positionalEncodingExplorerFigure(pe);
    const steps = sliderSteps(f.layout);
    expect(steps.map((s) => s.label)).toEqual([
      "dim 0 (sin, wavelength 6.28)",
      "dim 1 (cos, wavelength 6.28)",
      "dim 2 (sin, wavelength 628)",
      "dim 3 (cos, wavelength 628)",
    ]);
    steps.forEach((s, d) => {
      expect(s.method).toBe("restyle");
      expect(restyled(s).y).toEqual([pe.map((row) => row[d])]);
    });
    expect(f.data[0].y).toEqual([0, 0.84147, 0.9093]);
    expect(f.data[0].mode).toBe("lines+markers");
    expect((f.layout.yaxis as Obj).range).toEqual([-1.1, 1.1]);
  });

  it("defaults to 0, 1, 2, 3 then dims spread to the last; takes chosen dims; throws out of range", () => {
    const wide = Array.from({ length: 2 }, () => new Array<number>(512).fill(0));
    const dims = sliderSteps(positionalEncodingExplorerFigure(wide).layout).map((s) => Number(s.label.split(" ")[1]));
    expect(dims.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(dims[dims.length - 1]).toBe(511);
    expect(sliderSteps(positionalEncodingExplorerFigure(pe, { dims: [3] }).layout)).toHaveLength(1);
    expect(() => positionalEncodingExplorerFigure(pe, { dims: [4] })).toThrow(/dimension 4 is not in 0..3 \(dModel 4\)/);
    expect(() => positionalEncodingExplorerFigure(pe, { dims: [] })).toThrow(/at least one dimension/);
  });
});

describe("decodingAnimationFigure", () => {
  const steps: DecodingStep[] = [
    { tokens: ["<s>"], weights: [[1]] },
    { tokens: ["<s>", "the"], weights: [[1, 0], [0.4, 0.6]] },
    { tokens: ["<s>", "the", "the"], weights: [[1, 0, 0], [0.4, 0.6, 0], [0.2, 0.3, 0.5]] },
  ];

  it("one frame per step, named step 1..n, driven by a play button and a slider", () => {
    const f = decodingAnimationFigure(steps);
    expect(f.frames).toHaveLength(3);
    expect(f.frames!.map((fr) => fr.name)).toEqual(["step 1", "step 2", "step 3"]);
    const play = ((f.layout.updatemenus as Obj[])[0].buttons as Step[])[0];
    expect(play.method).toBe("animate");
    expect(sliderSteps(f.layout).map((s) => [s.method, (s.args[0] as string[])[0]])).toEqual([
      ["animate", "step 1"],
      ["animate", "step 2"],
      ["animate", "step 3"],
    ]);
    expect((f.layout.xaxis as Obj).ticktext).toEqual(["&lt;s&gt;", "the (1)", "the (2)"]);
  });

  it("not-yet-generated cells are null, the masked upper triangle is marked, known weights kept", () => {
    const f = decodingAnimationFigure(steps);
    const [weights, mask] = (f.frames![1].data as Obj[]).map((d) => d.z);
    expect(weights).toEqual([[1, null, null], [0.4, 0.6, null], [null, null, null]]);
    expect(mask).toEqual([[null, 1, null], [null, null, null], [null, null, null]]);
    expect(f.data[0].z).toEqual([[1, null, null], [null, null, null], [null, null, null]]);
    const last = (f.frames![2].data as Obj[])[0].z;
    expect(last).toEqual([[1, null, null], [0.4, 0.6, null], [0.2, 0.3, 0.5]]);
  });

  it("throws on no steps, a non-triangular matrix and tokens that do not extend", () => {
    expect(() => decodingAnimationFigure([])).toThrow(/at least one step/);
    const leak = [steps[0], { tokens: ["<s>", "the"], weights: [[0.9, 0.1], [0.4, 0.6]] }];
    expect(() => decodingAnimationFigure(leak)).toThrow(/step 2 weights\[0\]\[1\] is 0.1, above the diagonal/);
    const swapped = [steps[0], { tokens: ["<pad>", "the"], weights: [[1, 0], [0.4, 0.6]] }];
    expect(() => decodingAnimationFigure(swapped)).toThrow(/step 2 tokens do not extend step 1: token 0 is "<pad>", was "<s>"/);
    expect(() => decodingAnimationFigure([{ tokens: ["a", "b"], weights: [[1]] }])).toThrow(/step 1 has 2 tokens, expected 1/);
  });
});
