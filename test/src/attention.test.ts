import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { disposeAttention, scaledDotProductAttention } from "../../src/attention";
import { softmax } from "../../src/softmax";
import { randomNormal } from "../../src/random";
import { expectClose, expectNoLeak, inputs, TOL, useBackend } from "./tf-helpers";

useBackend();

// The article's worked example: query of "it", keys and values of "animal" and "street".
const Q = [[0.8, 0.2]];
const K = [[0.7, 0.3], [-0.1, 0.9]];
const V = [[0.8, -0.4], [0.1, 0.9]];

describe("softmax", () => {
  it("rows sum to 1", () => {
    const x = randomNormal([3, 5, 7], 1, 3);
    expectNoLeak(() => softmax(x), (w) => expectClose(tf.sum(w, -1), tf.ones([3, 5]).arraySync()));
    x.dispose();
  });

  it("is stable for large logits", () => {
    // [1000, 1000]: exp would overflow without the shift; equal logits give 1/2 each.
    // [1000, 0]: e^-1000 underflows to 0 in float32, so the weights are [1, 0].
    const x = tf.tensor2d([[1000, 1000], [1000, 0], [-1000, -1000]]);
    expectNoLeak(() => softmax(x), (w) => expectClose(w, [[0.5, 0.5], [1, 0], [0.5, 0.5]]));
    x.dispose();
  });

  it("a masked weight is exactly 0", () => {
    const x = tf.tensor2d([[0.3, -Infinity, 0.1]]);
    expectNoLeak(() => softmax(x), (w) => {
      const row = (w.arraySync() as number[][])[0];
      expect(row[1]).toBe(0);
      // e^0.3 / (e^0.3 + e^0.1) = 1.349859 / (1.349859 + 1.105171) = 0.549834
      expect(Math.abs(row[0] - 0.549834)).toBeLessThan(TOL);
    });
    x.dispose();
  });

  it("a fully masked row gives zeros, not NaN", () => {
    const x = tf.tensor2d([[-Infinity, -Infinity], [0, 0]]);
    expectNoLeak(() => softmax(x), (w) => expectClose(w, [[0, 0], [0.5, 0.5]]));
    x.dispose();
  });

  it("has the gradient of tfjs's own softmax", () => {
    const x = randomNormal([4, 6], 7);
    const dy = randomNormal([4, 6], 8);
    const g = (f: (t: tf.Tensor) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), dy)))(x);
    const ours = g(softmax);
    const theirs = g((t) => tf.softmax(t));
    expectClose(ours, theirs.arraySync());
    tf.dispose([x, dy, ours, theirs]);
  });
});

describe("scaledDotProductAttention", () => {
  it("reproduces the article's Steps 3-5, exactly computed", () => {
    const x = inputs(() => ({ q: tf.tensor2d(Q), k: tf.tensor2d(K), v: tf.tensor2d(V) }));
    expectNoLeak(
      () => scaledDotProductAttention(x.q, x.k, x.v),
      (r) => {
        expectClose(r.scores, [[0.62, 0.1]]); // 0.8*0.7 + 0.2*0.3 = 0.62; 0.8*(-0.1) + 0.2*0.9 = 0.10
        expectClose(r.scaled, [[0.438406, 0.0707107]]); // 0.62 / sqrt 2, 0.10 / sqrt 2
        // e^0.438406 = 1.550215, e^0.070711 = 1.073271; 1.550215 / 2.623486 = 0.590902
        expectClose(r.weights, [[0.590902, 0.409098]]);
        // 0.590902 * [0.8, -0.4] + 0.409098 * [0.1, 0.9] = [0.472722 + 0.040910, -0.236361 + 0.368188]
        expectClose(r.output, [[0.513631, 0.131827]]);
        expect(r.masked).toBeNull();
      },
    );
    x.free();
  });

  it("masks after scaling: a masked weight is exactly 0 and the rest renormalise", () => {
    const x = inputs(() => ({ q: tf.tensor2d(Q), k: tf.tensor2d(K), v: tf.tensor2d(V), mask: tf.tensor2d([[0, -Infinity]]) }));
    expectNoLeak(
      () => scaledDotProductAttention(x.q, x.k, x.v, x.mask),
      (r) => {
        const w = (r.weights.arraySync() as number[][])[0];
        expect(w).toEqual([1, 0]);
        expectClose(r.masked!.slice([0, 0], [1, 1]), [[0.438406]]); // the unmasked score is unchanged
        expectClose(r.output, [V[0]]); // all the weight on "animal": Z = V_animal
      },
    );
    x.free();
  });

  it("a fully masked query gets zero weights and a zero output", () => {
    const x = inputs(() => ({ q: tf.tensor2d(Q), k: tf.tensor2d(K), v: tf.tensor2d(V), mask: tf.tensor2d([[-Infinity, -Infinity]]) }));
    const before = tf.memory().numTensors;
    const r = scaledDotProductAttention(x.q, x.k, x.v, x.mask);
    expectClose(r.weights, [[0, 0]]);
    expectClose(r.output, [[0, 0]]);
    disposeAttention(r);
    expect(tf.memory().numTensors).toBe(before); // disposeAttention frees all five results
    x.free();
  });

  it("works batched and per head: [B, H, T, dK], each slice as if alone", () => {
    const q = randomNormal([2, 3, 4, 5], 1);
    const k = randomNormal([2, 3, 6, 5], 2);
    const v = randomNormal([2, 3, 6, 7], 3);
    expectNoLeak(
      () => scaledDotProductAttention(q, k, v),
      (r) => {
        expect(r.weights.shape).toEqual([2, 3, 4, 6]);
        expect(r.output.shape).toEqual([2, 3, 4, 7]);
        expectClose(tf.sum(r.weights, -1), tf.ones([2, 3, 4]).arraySync());
        // batch 1, head 2 computed on its own 2-d slices
        const slice = (t: tf.Tensor) => t.slice([1, 2, 0, 0], [1, 1, -1, -1]).reshape(t.shape.slice(2));
        const alone = scaledDotProductAttention(slice(q), slice(k), slice(v));
        expectClose(slice(r.output), alone.output.arraySync());
      },
    );
    tf.dispose([q, k, v]);
  });

  it("gives a gradient to q, k and v without leaking", () => {
    const q = randomNormal([1, 2, 3, 4], 1);
    const k = randomNormal([1, 2, 3, 4], 2);
    const v = randomNormal([1, 2, 3, 4], 3);
    expectNoLeak(
      () => tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.tidy(() => {
        const r = scaledDotProductAttention(a, b, c);
        return tf.sum(r.output);
      }))([q, k, v]),
      (gs) => {
        for (const g of gs) {
          expect(g.shape).toEqual([1, 2, 3, 4]);
          expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
        }
      },
    );
    tf.dispose([q, k, v]);
  });

  it("refuses mismatched shapes with a message naming them", () => {
    const a = tf.zeros([3, 4]);
    const b = tf.zeros([3, 5]);
    expect(() => scaledDotProductAttention(a, b, b)).toThrow("queries and keys need the same width dK: q [3, 4], k [3, 5]");
    expect(() => scaledDotProductAttention(a, a, tf.zeros([2, 4]))).toThrow("every key needs a value");
    expect(() => scaledDotProductAttention(a, a, a, tf.zeros([2, 2]))).toThrow("mask [2, 2] does not broadcast to the scores [3, 3]");
    tf.dispose([a, b]);
  });
});
