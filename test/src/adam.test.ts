import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Adam } from "../../src/adam";
import { clipByGlobalNorm } from "../../src/gradient-clipping";
import { expectClose, expectNoLeak, useBackend } from "./tf-helpers";

useBackend();

/** One Adam update of `p` with the constant gradients `g`, freeing them. */
function step(adam: Adam, p: tf.Variable[], g: number[][], lr: number): void {
  const grads = g.map((x) => tf.tensor1d(x));
  adam.update(p, grads, lr);
  tf.dispose(grads);
}

describe("Adam", () => {
  it("has the paper's defaults: beta1 0.9, beta2 0.98, epsilon 1e-9", () => {
    const adam = new Adam();
    expect([adam.beta1, adam.beta2, adam.epsilon]).toEqual([0.9, 0.98, 1e-9]);
    expect(adam.steps).toBe(0);
  });

  it("one and two steps on a scalar, worked by hand", () => {
    const p = tf.variable(tf.tensor1d([1]));
    const adam = new Adam();
    // step 1, g = 2: m = 0.1 * 2 = 0.2, v = 0.02 * 4 = 0.08
    // bias-corrected: m / (1 - 0.9) = 2, v / (1 - 0.98) = 4; step = 0.1 * 2 / (sqrt 4 + 1e-9) = 0.1
    step(adam, [p], [[2]], 0.1);
    expectClose(p, [0.9]);
    // step 2, g = 1: m = 0.9 * 0.2 + 0.1 * 1 = 0.28, v = 0.98 * 0.08 + 0.02 * 1 = 0.0984
    // m / (1 - 0.81) = 1.473684, v / (1 - 0.9604) = 2.484848, sqrt = 1.576340
    // step = 0.1 * 1.473684 / 1.576340 = 0.0934877; p = 0.9 - 0.0934877 = 0.806512
    step(adam, [p], [[1]], 0.1);
    expectClose(p, [0.806512]);
    expect(adam.steps).toBe(2);
    adam.dispose();
    p.dispose();
  });

  it("the first step moves each entry by lr * g / (|g| + epsilon): lr against the sign of g, whatever its size", () => {
    // with bias correction m1 = g and v1 = g^2, so the step is lr * g / (|g| + 1e-9)
    // g = -3: +0.1; g = 1e-3: -0.1 * 1e-3 / (1e-3 + 1e-9) = -0.0999999; g = 0: m = 0, no move
    const p = tf.variable(tf.tensor1d([1, 1, 1]));
    const adam = new Adam();
    step(adam, [p], [[-3, 1e-3, 0]], 0.1);
    expectClose(p, [1.1, 0.9000001, 1]);
    adam.dispose();
    p.dispose();
  });

  it("five steps on a small quadratic match tf.train.adam(lr, 0.9, 0.98, 1e-9), an independent implementation", () => {
    // f(x) = sum(w * (x - c)^2): a different curvature per entry
    const w = tf.tensor1d([1, 4, 0.25]);
    const c = tf.tensor1d([3, -1, 2]);
    const f = (x: tf.Tensor) => tf.sum(tf.mul(w, tf.square(tf.sub(x, c)))) as tf.Scalar;
    const ours = tf.variable(tf.tensor1d([0, 0, 0]));
    const theirs = tf.variable(tf.tensor1d([0, 0, 0]));
    const adam = new Adam();
    const reference = tf.train.adam(0.1, 0.9, 0.98, 1e-9);
    for (let i = 0; i < 5; i++) {
      const { value, grads } = tf.variableGrads(() => f(ours), [ours]);
      adam.update([ours], [grads[ours.name]], 0.1);
      tf.dispose([value, grads[ours.name]]);
      reference.minimize(() => f(theirs), false, [theirs]);
      expectClose(ours, theirs.arraySync());
    }
    expect(tf.max(tf.abs(ours)).dataSync()[0]).toBeGreaterThan(0.4); // it moved: five steps of about 0.1
    adam.dispose();
    reference.dispose();
    tf.dispose([w, c, ours, theirs]);
  });

  it("learning rate 0 leaves the parameters as they are", () => {
    const p = tf.variable(tf.tensor1d([1, 2]));
    const adam = new Adam();
    step(adam, [p], [[5, -5]], 0);
    expect(p.arraySync()).toEqual([1, 2]);
    adam.dispose();
    p.dispose();
  });

  it("creates its moments once: the number of tensors is unchanged after the first step, and dispose frees them", () => {
    const p = [tf.variable(tf.tensor1d([1, 2])), tf.variable(tf.tensor1d([3]))];
    const adam = new Adam();
    const before = tf.memory().numTensors;
    step(adam, p, [[0.1, 0.2], [0.3]], 0.01);
    expect(tf.memory().numTensors).toBe(before + 4); // m and v for each of the two variables
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 4; i++) step(adam, p, [[0.1, 0.2], [0.3]], 0.01);
    expect(tf.memory().numTensors).toBe(afterFirst);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(p);
  });

  it("throws for bad settings, mismatched lists or a bad learning rate, naming the values", () => {
    expect(() => new Adam({ beta1: 1 })).toThrow("Adam beta1 must be in [0, 1), got 1");
    expect(() => new Adam({ beta2: -0.1 })).toThrow("Adam beta2 must be in [0, 1), got -0.1");
    expect(() => new Adam({ epsilon: 0 })).toThrow("Adam epsilon must be positive, got 0");
    const p = tf.variable(tf.tensor1d([1]));
    const g = tf.tensor1d([1]);
    const adam = new Adam();
    expect(() => adam.update([p], [g, g], 0.1)).toThrow("Adam.update: 1 variables but 2 gradients");
    expect(() => adam.update([p], [g], -1)).toThrow("learning rate must be a finite number >= 0, got -1");
    expect(() => adam.update([p], [g], NaN)).toThrow("learning rate must be a finite number >= 0, got NaN");
    expect(adam.steps).toBe(0); // a refused update is not counted
    adam.dispose();
    tf.dispose([p, g]);
  });
});

describe("gradient clipping by global norm", () => {
  it("[3, 4] with maxNorm 1: norm 5, clipped to [0.6, 0.8]", () => {
    const g = tf.tensor1d([3, 4]);
    expectNoLeak(() => clipByGlobalNorm([g], 1), (r) => {
      expect(r.norm).toBe(5); // sqrt(9 + 16)
      expectClose(r.gradients[0], [0.6, 0.8]); // [3, 4] * 1 / 5
    });
    g.dispose();
  });

  it("the norm is global over all the gradients, not per tensor", () => {
    const a = tf.tensor2d([[3]]);
    const b = tf.tensor1d([4]);
    expectNoLeak(() => clipByGlobalNorm([a, b], 1), (r) => {
      expect(r.norm).toBe(5);
      expectClose(r.gradients[0], [[0.6]]);
      expectClose(r.gradients[1], [0.8]);
    });
    tf.dispose([a, b]);
  });

  it("below or at the norm the gradients are unchanged (as copies the caller may free)", () => {
    const small = tf.tensor1d([0.3, 0.4]);
    expectNoLeak(() => clipByGlobalNorm([small], 1), (r) => {
      expectClose(r.norm, 0.5);
      expect(r.gradients[0]).not.toBe(small);
      expectClose(r.gradients[0], [0.3, 0.4]);
    });
    const g = tf.tensor1d([3, 4]);
    expectNoLeak(() => clipByGlobalNorm([g], 5), (r) => expectClose(r.gradients[0], [3, 4])); // norm == maxNorm
    tf.dispose([small, g]);
  });

  it("null means no clipping, only the norm", () => {
    const g = tf.tensor1d([30, 40]);
    expectNoLeak(() => clipByGlobalNorm([g], null), (r) => {
      expect(r.norm).toBe(50);
      expectClose(r.gradients[0], [30, 40]);
    });
    g.dispose();
  });

  it("throws for a maxNorm that is not positive", () => {
    const g = tf.tensor1d([1]);
    expect(() => clipByGlobalNorm([g], 0)).toThrow("maxNorm must be positive (or null for no clipping), got 0");
    expect(() => clipByGlobalNorm([g], -1)).toThrow("maxNorm must be positive (or null for no clipping), got -1");
    g.dispose();
  });
});
