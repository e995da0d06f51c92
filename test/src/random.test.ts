import { describe, expect, it } from "vitest";
import { glorotUniform, randomNormal, Rng } from "../../src/random";
import { Linear } from "../../src/linear";
import { disposeModule } from "../../src/module";
import * as tf from "@tensorflow/tfjs";
import { expectClose, expectNoLeak, useBackend } from "./tf-helpers";

useBackend();

describe("Rng", () => {
  it("the same seed gives the same stream; another seed another", () => {
    const a = new Rng(1);
    const b = new Rng(1);
    const c = new Rng(2);
    const draw = (r: Rng) => Array.from({ length: 5 }, () => r.next());
    const da = draw(a);
    expect(draw(b)).toEqual(da);
    expect(draw(c)).not.toEqual(da);
    for (const v of da) expect(v >= 0 && v < 1).toBe(true);
  });

  it("normal draws have mean about 0 and variance about 1", () => {
    const r = new Rng(3);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03); // standard error 1 / sqrt(20000) = 0.0071
    expect(Math.abs(variance - 1)).toBeLessThan(0.05); // standard error sqrt(2 / 20000) = 0.01
  });

  it("shuffles into a permutation and refuses bad arguments", () => {
    const s = new Rng(4).shuffle([1, 2, 3, 4, 5, 6]);
    expect([...s].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => new Rng(1.5)).toThrow("seed must be an integer, got 1.5");
    expect(() => new Rng(1).int(0)).toThrow("Rng.int needs a positive integer bound, got 0");
  });

  it("seeded tensors repeat; Glorot stays within sqrt(6 / (fanIn + fanOut))", () => {
    const a = randomNormal([3, 4], 5);
    const b = randomNormal([3, 4], 5);
    expect(a.arraySync()).toEqual(b.arraySync());
    const g = glorotUniform(10, 14, 1);
    const bound = Math.sqrt(6 / 24); // 0.5
    expect(Math.max(...Array.from(g.dataSync()).map(Math.abs))).toBeLessThanOrEqual(bound);
    tf.dispose([a, b, g]);
  });
});

describe("Linear", () => {
  it("is x W + b on the last axis, for any leading dimensions", () => {
    const l = new Linear(2, 3, 0, { weight: [[1, 2, 3], [4, 5, 6]], biasValues: [0.5, 0, -1] });
    const x = tf.tensor3d([[[1, 1], [2, 0]]]);
    // [1, 1] W = [5, 7, 9] + b = [5.5, 7, 8]; [2, 0] W = [2, 4, 6] + b = [2.5, 4, 5]
    expectNoLeak(() => l.apply(x), (y) => expectClose(y, [[[5.5, 7, 8], [2.5, 4, 5]]]));
    expect(() => l.apply(tf.zeros([2, 3]))).toThrow("Linear expects last dimension 2, got input of shape [2, 3]");
    expect(() => new Linear(2, 3, 0, { weight: [[1, 2], [3, 4]] })).toThrow("weight must be [2, 3], got [2, 2]");
    x.dispose();
    disposeModule(l);
  });
});
