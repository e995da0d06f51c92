import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { labelSmoothingLoss, smoothedTargets } from "../../src/label-smoothing";
import { randomNormal } from "../../src/random";
import { expectClose, expectNoLeak, useBackend } from "./tf-helpers";

useBackend();

// Small logits whose softmax is exact (vocabulary 4, pad 0):
//   row 0 [0, ln 2, 0, 0]: e^z = [1, 2, 1, 1], sum 5, p = [0.2, 0.4, 0.2, 0.2], label 1
//   row 1 [ln 3, 0, 0, 0]: e^z = [3, 1, 1, 1], sum 6, p = [1/2, 1/6, 1/6, 1/6], label 2
//   row 2 [1, 2, 3, 4]: label 0 = padding, takes no part
const LN2 = Math.log(2);
const LN3 = Math.log(3);
const LOGITS = [[0, LN2, 0, 0], [LN3, 0, 0, 0], [1, 2, 3, 4]];
const LABELS = [1, 2, 0];

describe("smoothed target distribution", () => {
  it("keeps 1 - smoothing on the label and spreads smoothing over the V - 2 others, none on padding", () => {
    // vocab 5, smoothing 0.1, pad 0, label 2: 0.1 / (5 - 2) = 0.1 / 3 on tokens 1, 3, 4
    expectClose(smoothedTargets([2], 5, 0.1, 0), [[0, 0.1 / 3, 0.9, 0.1 / 3, 0.1 / 3]]);
    // pad need not be 0: pad 4, label 1
    expectClose(smoothedTargets([1], 5, 0.1, 4), [[0.1 / 3, 0.9, 0.1 / 3, 0.1 / 3, 0]]);
  });

  it("a pad label's row is all zeros; every other row sums to 1", () => {
    const rows = smoothedTargets([0, 3, 1], 5, 0.1, 0);
    expect(rows[0]).toEqual([0, 0, 0, 0, 0]);
    expectClose(rows.slice(1).map((r) => r.reduce((a, b) => a + b, 0)), [1, 1]);
  });

  it("smoothing 0 is one-hot", () => {
    expect(smoothedTargets([3], 4, 0, 0)).toEqual([[0, 0, 0, 1]]);
  });
});

describe("label-smoothing loss", () => {
  it("with smoothing 0 it is -log softmax of the right token, averaged over real tokens", () => {
    // row 0: -ln 0.4 = 0.916291; row 1: -ln(1/6) = ln 6 = 1.791759; mean (0.916291 + 1.791759) / 2 = 1.354025
    const z = tf.tensor2d(LOGITS);
    expectNoLeak(() => labelSmoothingLoss(z, LABELS, 0, 0), (l) => {
      expect(l.shape).toEqual([]);
      expectClose(l, 1.354025);
    });
    z.dispose();
  });

  it("with smoothing 0.1 it matches the hand value", () => {
    // off = 0.1 / (4 - 2) = 0.05
    // row 0, q = [0, 0.9, 0.05, 0.05]: -(0.9 ln 0.4 + 0.1 ln 0.2) = 0.824662 + 0.160944 = 0.985605
    // row 1, q = [0, 0.05, 0.9, 0.05]: -(1.0 ln(1/6)) = 1.791759 (tokens 1..3 all have p = 1/6)
    // mean (0.985605 + 1.791759) / 2 = 1.388682
    const z = tf.tensor2d(LOGITS);
    expectNoLeak(() => labelSmoothingLoss(z, LABELS, 0.1, 0), (l) => expectClose(l, 1.388682));
    z.dispose();
  });

  it("is stable for large logits", () => {
    // [1000, 0, 0, 0], label 1: -log softmax = 1000 + log(1 + 3 e^-1000) = 1000 in float32
    const z = tf.tensor2d([[1000, 0, 0, 0]]);
    expectNoLeak(() => labelSmoothingLoss(z, [1], 0, 3), (l) => expectClose(l, 1000));
    z.dispose();
  });

  it("the gradient is (softmax - q) / N, padding rows exactly 0", () => {
    // N = 2 real tokens; q as in the smoothing-0.1 case
    // row 0: ([0.2, 0.4, 0.2, 0.2] - [0, 0.9, 0.05, 0.05]) / 2 = [0.1, -0.25, 0.075, 0.075]
    // row 1: ([1/2, 1/6, 1/6, 1/6] - [0, 0.05, 0.9, 0.05]) / 2 = [0.25, 0.058333, -0.366667, 0.058333]
    const z = tf.tensor2d(LOGITS);
    expectNoLeak(() => tf.grad((x: tf.Tensor) => labelSmoothingLoss(x, LABELS, 0.1, 0))(z), (g) => {
      expectClose(g, [[0.1, -0.25, 0.075, 0.075], [0.25, 0.058333, -0.366667, 0.058333], [0, 0, 0, 0]]);
      expect((g.arraySync() as number[][])[2]).toEqual([0, 0, 0, 0]);
    });
    z.dispose();
  });

  it("value and gradient equal those of the explicit formula -sum(q * logSoftmax(z)) / N via tfjs's own ops", () => {
    // vocab 6, pad 5, smoothing 0.2: off = 0.2 / 4 = 0.05; labels 0, 3, pad, 2 (N = 3)
    const q = tf.tensor2d([
      [0.8, 0.05, 0.05, 0.05, 0.05, 0],
      [0.05, 0.05, 0.05, 0.8, 0.05, 0],
      [0, 0, 0, 0, 0, 0],
      [0.05, 0.05, 0.8, 0.05, 0.05, 0],
    ]);
    const labels = [0, 3, 5, 2];
    const z = randomNormal([4, 6], 3, 2);
    const dy = 3; // an upstream gradient other than 1
    const ours = (x: tf.Tensor) => tf.mul(labelSmoothingLoss(x, labels, 0.2, 5), dy);
    const explicit = (x: tf.Tensor) => tf.mul(tf.div(tf.neg(tf.sum(tf.mul(q, tf.logSoftmax(x)))), 3), dy);
    expectNoLeak(() => tf.valueAndGrad(ours)(z), (r) => {
      const e = tf.valueAndGrad(explicit)(z);
      expectClose(r.value, e.value.dataSync()[0]);
      expectClose(r.grad, e.grad.arraySync());
      expect((r.grad.arraySync() as number[][])[2]).toEqual([0, 0, 0, 0, 0, 0]); // the padding row
    });
    tf.dispose([q, z]);
  });

  it("throws for bad smoothing, labels, vocabulary or shapes, naming the values", () => {
    const z = tf.tensor2d(LOGITS);
    expect(() => labelSmoothingLoss(z, LABELS, 1, 0)).toThrow("smoothing must be in [0, 1), got 1");
    expect(() => labelSmoothingLoss(z, LABELS, -0.1, 0)).toThrow("smoothing must be in [0, 1), got -0.1");
    expect(() => labelSmoothingLoss(z, LABELS, NaN, 0)).toThrow("smoothing must be in [0, 1), got NaN");
    expect(() => labelSmoothingLoss(z, [1, 4, 0], 0, 0)).toThrow(new RangeError("label 4 is outside the vocabulary [0, 4)"));
    expect(() => labelSmoothingLoss(z, [1, -1, 0], 0, 0)).toThrow("label -1 is outside the vocabulary [0, 4)");
    expect(() => labelSmoothingLoss(z, [1, 1.5, 0], 0, 0)).toThrow("label 1.5 is outside the vocabulary [0, 4)");
    expect(() => labelSmoothingLoss(z, LABELS, 0, 7)).toThrow("label 7 is outside the vocabulary [0, 4)"); // the pad id
    expect(() => labelSmoothingLoss(z, [1, 2], 0, 0)).toThrow("labelSmoothingLoss: 2 labels for 3 rows of logits");
    expect(() => labelSmoothingLoss(z, [0, 0, 0], 0, 0)).toThrow("labelSmoothingLoss: every label is padding, there is nothing to learn");
    const flat = tf.tensor1d([0, 1, 2]);
    expect(() => labelSmoothingLoss(flat, [1], 0, 0)).toThrow("labelSmoothingLoss needs logits [tokens, vocabSize], got [3]");
    const narrow = tf.zeros([1, 2]);
    expect(() => labelSmoothingLoss(narrow, [1], 0, 0)).toThrow("label smoothing needs a vocabulary of at least 3 tokens, got 2");
    expect(() => smoothedTargets([1], 2.5, 0, 0)).toThrow("label smoothing needs a vocabulary of at least 3 tokens, got 2.5");
    tf.dispose([z, flat, narrow]);
  });
});
