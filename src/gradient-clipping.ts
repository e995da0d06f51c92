/**
 * Gradient clipping by global norm: when the gradients of all parameters,
 * taken together as one long vector, are longer than `maxNorm`, scale every
 * one of them by maxNorm / norm, so a single bad batch cannot throw the
 * weights far. Shorter gradients are left as they are. (The paper does not
 * clip; the Annotated Transformer does not either; most later training
 * recipes clip at 1.)
 */
import * as tf from "@tensorflow/tfjs";

export interface ClippedGradients {
  gradients: tf.Tensor[];
  /** The global norm before clipping, sqrt(sum of every squared entry). */
  norm: number;
}

/** Clips `gradients` to a global norm of at most `maxNorm` (null: no clipping, only the norm). */
export function clipByGlobalNorm(gradients: readonly tf.Tensor[], maxNorm: number | null): ClippedGradients {
  if (maxNorm !== null && !(maxNorm > 0)) throw new Error(`maxNorm must be positive (or null for no clipping), got ${maxNorm}`);
  const norm = tf.tidy(() => tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
  if (maxNorm === null || !(norm > maxNorm)) return { gradients: gradients.map((g) => g.clone()), norm };
  const scale = maxNorm / norm;
  return { gradients: gradients.map((g) => tf.mul(g, scale)), norm };
}
