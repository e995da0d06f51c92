/**
 * Multi-head attention as the article describes it: split each token's input
 * embedding into h equal slices, give slice i to head i, which projects it with
 * its own small W_Q^i, W_K^i, W_V^i [dK, dK], attends, and the h outputs are
 * concatenated.
 *
 * This is not what the original paper (or any of the models here) does: there
 * every head projects the whole dModel-wide vector ([dModel, dK] per head, see
 * `src/multi-head-attention.ts`), so a head can combine features from anywhere
 * in the embedding, and the concatenation is mixed by W_O. The article's version
 * is the special case in which the paper's W_Q, W_K, W_V are block-diagonal and
 * W_O is the identity: `asMultiHeadWeights()` builds those matrices, and the
 * notebook on multi-head attention shows that both then give the same output.
 *
 * It reuses the library's one attention function; only the projections differ.
 */
import * as tf from "@tensorflow/tfjs";
import { scaledDotProductAttention } from "./attention";
import { makeVariable, type Module } from "./module";
import { headWidth, mergeHeads, splitHeads, type MultiHeadResult } from "./multi-head-attention";
import { glorotUniform, toRng, type RandomSource } from "./random";

/** A square block-diagonal matrix from square blocks (plain numbers). */
export function blockDiagonal(blocks: number[][][]): number[][] {
  const n = blocks.reduce((s, b) => s + b.length, 0);
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let offset = 0;
  for (const [i, b] of blocks.entries()) {
    if (b.some((row) => row.length !== b.length)) throw new Error(`block ${i} is not square`);
    b.forEach((row, r) => row.forEach((v, c) => (out[offset + r][offset + c] = v)));
    offset += b.length;
  }
  return out;
}

/** The n x n identity matrix (plain numbers). */
export function identityMatrix(n: number): number[][] {
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => (r === c ? 1 : 0)));
}

export class SplitHeadAttention implements Module {
  readonly dK: number;
  /** Per-head projections, stacked: [H, dK, dK] each. */
  readonly wQ: tf.Variable;
  readonly wK: tf.Variable;
  readonly wV: tf.Variable;

  constructor(readonly dModel: number, readonly nHeads: number, seed: RandomSource) {
    this.dK = headWidth(dModel, nHeads);
    const rng = toRng(seed);
    const stack = (name: string): tf.Variable => {
      const heads = Array.from({ length: nHeads }, () => glorotUniform(this.dK, this.dK, rng.fork()));
      const stacked = tf.stack(heads); // [H, dK, dK]
      heads.forEach((h) => h.dispose());
      return makeVariable(stacked, name);
    };
    this.wQ = stack("W_Q_heads");
    this.wK = stack("W_K_heads");
    this.wV = stack("W_V_heads");
  }

  /** x [B, T, dModel] (or [T, dModel]) -> output of the same shape, weights [B, H, T, T]. */
  apply(x: tf.Tensor): MultiHeadResult {
    if (x.rank !== 2 && x.rank !== 3) throw new Error(`input must be [seq, dModel] or [batch, seq, dModel], got [${x.shape.join(", ")}]`);
    const unbatched = x.rank === 2;
    return tf.tidy(() => {
      const xb = unbatched ? x.expandDims(0) : x; // [B, T, dModel]
      const [b, t] = xb.shape;
      // The article's split: head i gets features i*dK .. (i+1)*dK - 1 of every token.
      const slices = splitHeads(xb, this.nHeads) // [B, H, T, dK]
        .transpose([1, 0, 2, 3]) // [H, B, T, dK]
        .reshape([this.nHeads, b * t, this.dK]); // [H, B*T, dK]
      const project = (w: tf.Variable): tf.Tensor =>
        tf
          .matMul(slices, w) // [H, B*T, dK]
          .reshape([this.nHeads, b, t, this.dK]) // [H, B, T, dK]
          .transpose([1, 0, 2, 3]); // [B, H, T, dK]
      const { output: z, weights } = scaledDotProductAttention(project(this.wQ), project(this.wK), project(this.wV));
      const output = mergeHeads(z); // [B, T, dModel]: the heads concatenated, no W_O
      return unbatched ? { output: output.squeeze([0]), weights: weights.squeeze([0]) } : { output, weights };
    }) as MultiHeadResult;
  }

  /**
   * The paper-style weights that reproduce this module exactly: block-diagonal
   * W_Q, W_K, W_V [dModel, dModel] and the identity as W_O (no biases).
   */
  asMultiHeadWeights(): { wQ: number[][]; wK: number[][]; wV: number[][]; wO: number[][] } {
    const blocks = (w: tf.Variable) => blockDiagonal(w.arraySync() as number[][][]);
    return { wQ: blocks(this.wQ), wK: blocks(this.wK), wV: blocks(this.wV), wO: identityMatrix(this.dModel) };
  }

  parameters(): tf.Variable[] {
    return [this.wQ, this.wK, this.wV];
  }
}
