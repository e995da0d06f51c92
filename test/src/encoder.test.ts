import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { addNorm, LayerNorm, type ResidualContext } from "../../src/add-norm";
import { makeConfig, TINY } from "../../src/config";
import { dropout } from "../../src/dropout";
import { Encoder } from "../../src/encoder";
import { disposeModule } from "../../src/module";
import { randomNormal, Rng } from "../../src/random";
import { expectClose, expectNoLeak, useBackend } from "./tf-helpers";

useBackend();

const EVAL: Omit<ResidualContext, "placement"> = { dropout: 0, training: false, rng: null };

describe("layer norm and Add & Norm", () => {
  it("normalises each row to mean 0 and variance 1", () => {
    const ln = new LayerNorm(4);
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    // mean 2.5; variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25; sqrt(1.25) = 1.118034
    // (x - 2.5) / 1.118034 = [-1.341641, -0.447214, 0.447214, 1.341641]
    expectNoLeak(() => ln.apply(x), (y) => expectClose(y, [[-1.341641, -0.447214, 0.447214, 1.341641]]));
    x.dispose();
    disposeModule(ln);
  });

  it("post-norm is LayerNorm(x + Sublayer(x)), pre-norm x + Sublayer(LayerNorm(x))", () => {
    const ln = new LayerNorm(4);
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const double = (h: tf.Tensor) => tf.mul(h, 2);
    // post: LayerNorm(x + 2x) = LayerNorm(3x), the same normalised row as LayerNorm(x)
    expectNoLeak(() => tf.tidy(() => addNorm(x, ln, double, { ...EVAL, placement: "post" })), (y) =>
      expectClose(y, [[-1.341641, -0.447214, 0.447214, 1.341641]]),
    );
    // pre: x + 2 LayerNorm(x) = [1 - 2.683282, 2 - 0.894427, 3 + 0.894427, 4 + 2.683282]
    expectNoLeak(() => tf.tidy(() => addNorm(x, ln, double, { ...EVAL, placement: "pre" })), (y) =>
      expectClose(y, [[-1.683282, 1.105573, 3.894427, 6.683282]]),
    );
    x.dispose();
    disposeModule(ln);
  });
});

describe("dropout", () => {
  it("is the identity when not training", () => {
    const x = tf.ones([3, 3]);
    expect(dropout(x, 0.5, null, false)).toBe(x);
    x.dispose();
  });

  it("while training keeps about 1 - rate of the entries, scaled by 1 / (1 - rate), the same for one seed", () => {
    const x = tf.ones([100, 100]);
    const a = dropout(x, 0.25, new Rng(9), true);
    const b = dropout(x, 0.25, new Rng(9), true);
    const v = Array.from(a.dataSync());
    expect(new Set(v.map((n) => n.toFixed(5)))).toEqual(new Set(["0.00000", "1.33333"])); // 1 / 0.75
    const kept = v.filter((n) => n > 0).length / v.length;
    expect(Math.abs(kept - 0.75)).toBeLessThan(0.02); // 10,000 draws: standard error 0.0043
    expect(b.arraySync()).toEqual(a.arraySync());
    expect(() => dropout(x, 0.5, null, true)).toThrow("dropout while training needs a seeded Rng");
    expect(() => dropout(x, 1, null, true)).toThrow("dropout rate must be in [0, 1), got 1");
    tf.dispose([x, a, b]);
  });
});

describe("encoder stack", () => {
  it("maps [B, T, dModel] to the same shape, with one [B, H, T, T] weight tensor per layer", () => {
    const enc = new Encoder(TINY, 1);
    const x = randomNormal([2, 5, TINY.dModel], 2);
    expectNoLeak(() => enc.apply(x), (r) => {
      expect(r.output.shape).toEqual([2, 5, 32]);
      expect(r.weights.map((w) => w.shape)).toEqual([[2, 4, 5, 5], [2, 4, 5, 5]]);
      // post-norm: the last operation is a layer norm with gain 1 and bias 0 at init
      const { mean, variance } = tf.moments(r.output, -1);
      expectClose(mean, tf.zeros([2, 5]).arraySync(), 1e-5);
      expectClose(variance, tf.ones([2, 5]).arraySync(), 1e-3);
    });
    x.dispose();
    disposeModule(enc);
  });

  it("pre-norm adds a final layer norm", () => {
    const post = new Encoder(TINY, 1);
    const pre = new Encoder(makeConfig({ norm: "pre" }, TINY), 1);
    expect(post.finalNorm).toBeNull();
    expect(pre.finalNorm).not.toBeNull();
    expect(pre.parameters().length).toBe(post.parameters().length + 2);
    disposeModule(post);
    disposeModule(pre);
  });

  it("is seeded: the same seed gives the same output", () => {
    const x = randomNormal([1, 4, TINY.dModel], 2);
    const [a, b] = [new Encoder(TINY, 7), new Encoder(TINY, 7)];
    expectNoLeak(() => [a.apply(x), b.apply(x)], ([ra, rb]) => expect(ra.output.arraySync()).toEqual(rb.output.arraySync()));
    x.dispose();
    disposeModule(a);
    disposeModule(b);
  });

  it("a padding mask gives padded keys exactly 0 weight in every layer and head", () => {
    const enc = new Encoder(TINY, 3);
    const x = randomNormal([1, 4, TINY.dModel], 2);
    const mask = tf.tensor4d([0, 0, 0, -Infinity], [1, 1, 1, 4]);
    expectNoLeak(() => enc.apply(x, { mask }), (r) => {
      for (const w of r.weights) for (const head of (w.arraySync() as number[][][][])[0]) for (const row of head) expect(row[3]).toBe(0);
    });
    tf.dispose([x, mask]);
    disposeModule(enc);
  });

  it("trains: every parameter gets a gradient, with dropout on and seeded", () => {
    const enc = new Encoder(makeConfig({ dropout: 0.1 }, TINY), 3);
    const x = randomNormal([2, 3, TINY.dModel], 2);
    expectNoLeak(
      () => tf.variableGrads(() => tf.tidy(() => {
        const r = enc.apply(x, { training: true, rng: new Rng(1) });
        return tf.mean(tf.square(r.output)) as tf.Scalar;
      })),
      (g) => expect(Object.keys(g.grads).length).toBe(enc.parameters().length),
    );
    expect(() => enc.apply(tf.zeros([1, 2, 3]))).toThrow("the encoder expects [batch, seq, 32], got [1, 2, 3]");
    x.dispose();
    disposeModule(enc);
  });
});
