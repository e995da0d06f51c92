import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { LayerNorm } from "../../src/add-norm";
import { expectClose, expectNoLeak, useBackend } from "./tf-helpers";

useBackend();

describe("LayerNorm's hand-written gradient", () => {
  it("normalises each row: [1, 2, 3] -> [-1.22474, 0, 1.22474] (mean 2, variance 2/3)", () => {
    const ln = new LayerNorm(3, 0);
    const x = tf.tensor2d([[1, 2, 3]]);
    expectNoLeak(() => ln.apply(x), (y) => expectClose(y, [[-1.224745, 0, 1.224745]], 1e-5));
    tf.dispose([x, ...ln.parameters()]);
  });

  it("equals tfjs's automatic gradient of the written-out formula, for x, gain and bias", () => {
    const ln = new LayerNorm(5, 1e-5);
    ln.gain.assign(tf.tensor1d([1.5, -0.5, 2, 0.25, 1]));
    ln.bias.assign(tf.tensor1d([0.1, 0.2, -0.3, 0, 0.5]));
    const x = tf.tensor3d([[[0.3, -1.2, 2.5, 0.7, -0.4], [1, 1.1, 0.9, 1.05, 0.95]], [[-3, 2, 0.5, 0, 4], [0.2, 0.1, -0.1, 0.3, 0]]]);
    const w = tf.tensor3d([[[1, -2, 0.5, 3, -1], [0.3, 0.2, -0.7, 1, 2]], [[-1, 1, 1, -1, 0.5], [2, -0.5, 0.25, 1, -3]]]);
    const formula = (xs: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(xs, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(xs, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
    };
    const loss = (f: (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), w));
    const ours = tf.grads(loss(ln.normalise))([x, ln.gain, ln.bias]);
    const reference = tf.grads(loss(formula))([x, ln.gain, ln.bias]);
    ours.forEach((g, i) => expectClose(g, reference[i].arraySync(), 1e-5));
    expectClose(ln.apply(x), formula(x, ln.gain, ln.bias).arraySync(), 1e-5);
    tf.dispose([...ours, ...reference, x, w, ...ln.parameters()]);
  });
});
