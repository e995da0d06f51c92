/**
 * Attention masks: which keys a query may look at.
 *
 * A mask here is additive, as `scaledDotProductAttention` applies it: 0 where
 * a query may attend, -Infinity where it may not. Added to the scaled scores
 * before the softmax, a -Infinity entry gets weight exactly 0.
 *
 * - The causal (subsequent) mask, [T, T]: position i may look at positions
 *   0..i and never ahead, so a decoder trained on whole target sentences at
 *   once cannot read the word it is asked to predict. Its upper triangle
 *   (j > i) is masked.
 * - The padding mask, [B, 1, 1, Tk]: padded key positions are hidden from
 *   every head and every query; it broadcasts over heads and queries.
 * - Combined for the decoder's self-attention, [B, 1, T, T]: a key is hidden
 *   when it is ahead of the query or padding. Built once per batch, then
 *   shared by every layer and head.
 *
 * Shapes: B batch, T (or Tq, Tk) positions. Masks are constants (no gradient),
 * which is also what the wasm backend needs.
 */
import * as tf from "@tensorflow/tfjs";

/** Causal mask as 0/1 rows (1 = may attend): row i has ones in columns 0..i. */
export function causalAllowed(length: number): number[][] {
  checkLength(length);
  return Array.from({ length }, (_, i) => Array.from({ length }, (_, j) => (j <= i ? 1 : 0)));
}

/** The additive causal mask [T, T]: 0 on and below the diagonal, -Infinity above. */
export function causalMask(length: number): tf.Tensor2D {
  return tf.tensor2d(causalAllowed(length).map((row) => row.map(toAdditive)));
}

/**
 * The additive padding mask for keys, [B, 1, 1, Tk]: -Infinity where the key
 * token is `pad`. `ids` is [B, Tk] token ids (a tensor or nested arrays).
 */
export function paddingMask(ids: tf.Tensor | number[][], pad: number): tf.Tensor4D {
  const rows = ids instanceof tf.Tensor ? (ids.arraySync() as number[][]) : ids;
  if (!Array.isArray(rows) || rows.some((r) => !Array.isArray(r))) {
    throw new Error(`paddingMask needs ids of shape [batch, seq]`);
  }
  const tk = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== tk)) throw new Error(`paddingMask needs rows of one length (a padded batch)`);
  const values = rows.map((r) => r.map((id) => toAdditive(id === pad ? 0 : 1)));
  return tf.tensor4d(values.flat(), [rows.length, 1, 1, tk]); // [B, 1, 1, Tk]
}

/**
 * The decoder's self-attention mask, [B, 1, T, T]: causal and padding at once.
 * `ids` [B, T] are the decoder's input ids.
 */
export function decoderMask(ids: tf.Tensor | number[][], pad: number): tf.Tensor4D {
  return tf.tidy(() => {
    const padding = paddingMask(ids, pad); // [B, 1, 1, T]
    const t = padding.shape[3];
    return combineMasks(padding, causalMask(t)) as tf.Tensor4D; // [B, 1, T, T]
  });
}

/**
 * Combines additive masks by broadcasting: a key is hidden if any mask hides
 * it. (Adding -Infinity to -Infinity stays -Infinity; 0 + 0 stays 0.)
 */
export function combineMasks(...masks: tf.Tensor[]): tf.Tensor {
  if (masks.length === 0) throw new Error("combineMasks needs at least one mask");
  return tf.tidy(() => masks.slice(1).reduce((acc, m) => tf.add(acc, m), masks[0].clone()));
}

function toAdditive(allowed: number): number {
  return allowed ? 0 : -Infinity;
}

function checkLength(length: number): void {
  if (!Number.isInteger(length) || length <= 0) throw new Error(`a mask length must be a positive integer, got ${length}`);
}
