/**
 * Steps 3-5: scaled dot-product attention,
 *
 *   Z = softmax(Q K^T / sqrt(dK) + mask) V
 *
 * returned one step at a time so a notebook can show each: the raw dot
 * products (Step 3), the scaled scores, the weights after softmax (Step 4) and
 * the weighted sum of the values (Step 5).
 *
 * Shapes (letters used throughout the library):
 *   B batch, H heads, Tq query positions, Tk key positions, dK query/key width,
 *   dV value width. Any leading dimensions are allowed as long as q, k and v
 *   share them: q [..., Tq, dK], k [..., Tk, dK], v [..., Tk, dV].
 *
 * The mask is additive and applied after the scaling: 0 where a query may look,
 * -Infinity where it may not, broadcastable to [..., Tq, Tk]. (The article
 * writes the mask inside the scaling, (QK^T + M) / sqrt(dK); for a mask of 0
 * and -Infinity both give the same weights, for a finite mask they differ.)
 * A masked weight is exactly 0. A query whose every key is masked gets a row of
 * zero weights and a zero output (see `src/softmax.ts`).
 */
import * as tf from "@tensorflow/tfjs";
import { softmax } from "./softmax";

export interface AttentionResult {
  /** Q K^T, [..., Tq, Tk]. */
  scores: tf.Tensor;
  /** Q K^T / sqrt(dK), [..., Tq, Tk]. */
  scaled: tf.Tensor;
  /** scaled + mask when a mask is given, else null. */
  masked: tf.Tensor | null;
  /** softmax of the (masked) scaled scores; each row sums to 1. [..., Tq, Tk] */
  weights: tf.Tensor;
  /** weights V, [..., Tq, dV]. */
  output: tf.Tensor;
}

function shape(t: tf.Tensor): string {
  return `[${t.shape.join(", ")}]`;
}

function checkShapes(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor): void {
  if (q.rank < 2 || q.rank !== k.rank || q.rank !== v.rank) {
    throw new Error(`q, k and v need the same rank (at least 2): got q ${shape(q)}, k ${shape(k)}, v ${shape(v)}`);
  }
  const lead = q.shape.slice(0, -2).join(",");
  if (k.shape.slice(0, -2).join(",") !== lead || v.shape.slice(0, -2).join(",") !== lead) {
    throw new Error(`q, k and v must share their leading dimensions: q ${shape(q)}, k ${shape(k)}, v ${shape(v)}`);
  }
  if (q.shape[q.rank - 1] !== k.shape[k.rank - 1]) {
    throw new Error(`queries and keys need the same width dK: q ${shape(q)}, k ${shape(k)}`);
  }
  if (k.shape[k.rank - 2] !== v.shape[v.rank - 2]) {
    throw new Error(`every key needs a value: k ${shape(k)} has ${k.shape[k.rank - 2]} positions, v ${shape(v)} has ${v.shape[v.rank - 2]}`);
  }
}

function checkMask(q: tf.Tensor, k: tf.Tensor, mask: tf.Tensor): void {
  const target = [...q.shape.slice(0, -1), k.shape[k.rank - 2]]; // [..., Tq, Tk]
  const m = mask.shape;
  const fits = m.length <= target.length && m.every((d, i) => d === 1 || d === target[target.length - m.length + i]);
  if (!fits) throw new Error(`mask ${shape(mask)} does not broadcast to the scores [${target.join(", ")}]`);
}

export function scaledDotProductAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask?: tf.Tensor): AttentionResult {
  checkShapes(q, k, v);
  if (mask) checkMask(q, k, mask);
  const dK = q.shape[q.rank - 1];
  return tf.tidy(() => {
    const scores = tf.matMul(q, k, false, true); // [..., Tq, Tk]
    const scaled = tf.div(scores, Math.sqrt(dK)); // [..., Tq, Tk]
    const masked = mask ? tf.add(scaled, mask) : null; // [..., Tq, Tk]
    const weights = softmax(masked ?? scaled); // [..., Tq, Tk]
    const output = tf.matMul(weights, v); // [..., Tq, dV]
    return { scores, scaled, masked, weights, output } as unknown as tf.TensorContainerObject;
  }) as unknown as AttentionResult;
}

/** Disposes every tensor of an attention result. */
export function disposeAttention(result: AttentionResult): void {
  for (const t of [result.scores, result.scaled, result.masked, result.weights, result.output]) t?.dispose();
}
