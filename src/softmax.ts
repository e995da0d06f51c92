/**
 * softmax(x)_i = exp(x_i - max x) / sum_j exp(x_j - max x), along the last axis.
 * Subtracting the row maximum changes nothing mathematically and keeps exp()
 * from overflowing for large logits.
 */
import * as tf from "@tensorflow/tfjs";

export function softmax(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shifted = tf.sub(x, tf.max(x, -1, true));
    const e = tf.exp(shifted);
    return tf.div(e, tf.sum(e, -1, true));
  });
}
