/**
 * Dropout: while training, zero each entry with probability `rate` and scale
 * the survivors by 1 / (1 - rate) so the expected value is unchanged; at
 * evaluation, the identity. The keep-mask is drawn from the library's seeded
 * generator, so a training run repeats exactly.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "./random";

export function dropout(x: tf.Tensor, rate: number, rng: Rng | null, training: boolean): tf.Tensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout rate must be in [0, 1), got ${rate}`);
  if (!training || rate === 0) return x;
  if (!rng) throw new Error("dropout while training needs a seeded Rng");
  const keep = new Float32Array(x.size);
  const scale = 1 / (1 - rate);
  for (let i = 0; i < keep.length; i++) keep[i] = rng.next() < rate ? 0 : scale;
  return tf.tidy(() => tf.mul(x, tf.tensor(keep, x.shape)));
}
