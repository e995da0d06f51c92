/**
 * softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x), along the last axis.
 *
 * Subtracting the row maximum changes nothing mathematically and keeps exp()
 * from overflowing, so logits of 1000 or -1000 are fine.
 *
 * Masked entries are -Infinity; each gets a weight of exactly 0 (exp(-inf) = 0).
 * A row in which every entry is -Infinity (a query allowed to see nothing) has
 * no distribution to give: this softmax returns a row of zeros for it rather
 * than NaN, so the attention output for that query is the zero vector. (The
 * row maximum is clamped to the most negative float32 so that -inf - max stays
 * -inf instead of NaN; the denominator is at least 1 for every other row, since
 * the maximal entry contributes exp(0) = 1, so dividing by max(sum, 1) changes
 * only the all-masked rows.)
 *
 * The gradient is written by hand, dx = y * (dy - sum(dy * y)) along the row,
 * so the row maximum (a constant shift) takes no part in it.
 */
import * as tf from "@tensorflow/tfjs";

const MOST_NEGATIVE_FLOAT32 = -3.4028234663852886e38;

const softmaxWithGrad = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const y = tf.tidy(() => {
    const rowMax = tf.maximum(tf.max(x, -1, true), MOST_NEGATIVE_FLOAT32); // [..., 1]
    const e = tf.exp(tf.sub(x, rowMax));
    return tf.div(e, tf.maximum(tf.sum(e, -1, true), 1));
  });
  save([y]);
  return {
    value: y,
    gradFunc: (dy, saved) => {
      const [s] = saved;
      return tf.mul(s, tf.sub(dy, tf.sum(tf.mul(dy, s), -1, true)));
    },
  };
}) as (...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor });

export function softmax(x: tf.Tensor): tf.Tensor {
  return softmaxWithGrad(x) as tf.Tensor;
}
