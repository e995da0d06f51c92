/**
 * Step 2's sinusoidal positional encoding, exactly as the formula is written:
 *
 *   PE(pos, 2i)   = sin(pos / 10000^(2i / dModel))
 *   PE(pos, 2i+1) = cos(pos / 10000^(2i / dModel))
 *
 * Even dimensions carry a sine and odd dimensions the cosine of the same angle.
 * The values are computed in float64 in JavaScript (so the notebook can print
 * them exactly) and only then made a float32 tensor.
 *
 * An odd dModel is allowed: its last dimension (index dModel - 1, even) is a
 * sine whose cosine partner would be dimension dModel, which does not exist.
 */
import * as tf from "@tensorflow/tfjs";

function check(maxLen: number, dModel: number): void {
  if (!Number.isInteger(maxLen) || maxLen <= 0) throw new Error(`maxLen must be a positive integer, got ${maxLen}`);
  if (!Number.isInteger(dModel) || dModel <= 0) throw new Error(`dModel must be a positive integer, got ${dModel}`);
}

/** The angle pos / 10000^(2i/dModel) shared by dimensions 2i and 2i+1. */
export function positionalAngle(pos: number, dim: number, dModel: number): number {
  const i = Math.floor(dim / 2);
  return pos / Math.pow(10000, (2 * i) / dModel);
}

/** PE as plain numbers: maxLen rows (positions 0..maxLen-1) of dModel values. */
export function positionalEncodingRows(maxLen: number, dModel: number): number[][] {
  check(maxLen, dModel);
  const rows: number[][] = [];
  for (let pos = 0; pos < maxLen; pos++) {
    const row = new Array<number>(dModel);
    for (let d = 0; d < dModel; d++) {
      const angle = positionalAngle(pos, d, dModel);
      row[d] = d % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
    rows.push(row);
  }
  return rows;
}

/** PE as a float32 tensor, [maxLen, dModel]. */
export function positionalEncoding(maxLen: number, dModel: number): tf.Tensor2D {
  return tf.tensor2d(positionalEncodingRows(maxLen, dModel));
}

/** x [batch?, seq, dModel] + PE[0..seq-1], broadcast over the batch. */
export function addPositionalEncoding(x: tf.Tensor, pe: tf.Tensor2D): tf.Tensor {
  const seq = x.shape[x.rank - 2];
  const dModel = x.shape[x.rank - 1];
  if (x.rank < 2) throw new Error(`addPositionalEncoding needs [seq, dModel] or [batch, seq, dModel], got [${x.shape.join(", ")}]`);
  if (dModel !== pe.shape[1]) throw new Error(`input width ${dModel} differs from the encoding's dModel ${pe.shape[1]}`);
  if (seq > pe.shape[0]) throw new Error(`sequence of ${seq} tokens is longer than the encoding's maxLen ${pe.shape[0]}`);
  return tf.tidy(() => tf.add(x, tf.slice(pe, [0, 0], [seq, dModel]))); // [..., seq, dModel]
}
