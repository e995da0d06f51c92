/**
 * Multi-head attention, as the models use it (the original paper's form):
 *
 *   head_i = Attention(X_q W_Q^i, X_kv W_K^i, X_kv W_V^i)
 *   MultiHead = concat(head_1, ..., head_h) W_O
 *
 * Every head sees the whole dModel-wide token vector and projects it with its
 * own W_Q^i, W_K^i, W_V^i [dModel, dK]. The h projections are stored side by
 * side as one [dModel, dModel] matrix per role, so all heads are computed by
 * one product and then split; attention itself is one batched product over
 * [B, H, T, dK]. (The article describes heads that each get a slice of the
 * embedding; `src/split-head-attention.ts` builds that version for comparison.)
 *
 * Self-attention passes the same X as queries and keys/values; the decoder's
 * cross-attention passes the encoder output as `keyValue`.
 */
import * as tf from "@tensorflow/tfjs";
import { scaledDotProductAttention } from "./attention";
import { Linear, type LinearOptions } from "./linear";
import type { Module } from "./module";
import { toRng, type RandomSource } from "./random";

/** [B, T, H * dK] -> [B, H, T, dK]: one slice of dK columns per head. */
export function splitHeads(x: tf.Tensor, nHeads: number): tf.Tensor {
  const [b, t, width] = x.shape;
  if (x.rank !== 3 || width % nHeads !== 0) {
    throw new Error(`splitHeads needs [batch, seq, width] with width divisible by nHeads ${nHeads}, got [${x.shape.join(", ")}]`);
  }
  return tf.tidy(() =>
    x
      .reshape([b, t, nHeads, width / nHeads]) // [B, T, H, dK]
      .transpose([0, 2, 1, 3]), // [B, H, T, dK]
  );
}

/** [B, H, T, dK] -> [B, T, H * dK]: the heads concatenated along the features. */
export function mergeHeads(x: tf.Tensor): tf.Tensor {
  if (x.rank !== 4) throw new Error(`mergeHeads needs [batch, heads, seq, dK], got [${x.shape.join(", ")}]`);
  const [b, h, t, dK] = x.shape;
  return tf.tidy(() =>
    x
      .transpose([0, 2, 1, 3]) // [B, T, H, dK]
      .reshape([b, t, h * dK]), // [B, T, H * dK]
  );
}

/** Throws unless nHeads is a positive integer dividing dModel; returns dK = dModel / nHeads. */
export function headWidth(dModel: number, nHeads: number): number {
  if (!Number.isInteger(nHeads) || nHeads <= 0) throw new Error(`nHeads must be a positive integer, got ${nHeads}`);
  if (dModel % nHeads !== 0) throw new Error(`dModel ${dModel} is not divisible by nHeads ${nHeads}`);
  return dModel / nHeads;
}

export interface MultiHeadResult {
  /** [B, Tq, dModel] (or [Tq, dModel] for an unbatched input). */
  output: tf.Tensor;
  /** Every head's attention weights, [B, H, Tq, Tk] (or [H, Tq, Tk] unbatched). */
  weights: tf.Tensor;
}

export interface MultiHeadOptions {
  /** Fixed initial weights, each [dModel, dModel] (for worked examples and tests). */
  wQ?: number[][];
  wK?: number[][];
  wV?: number[][];
  wO?: number[][];
  /** Biases on the four projections (default true, as the Annotated Transformer's nn.Linear). */
  bias?: boolean;
}

export class MultiHeadAttention implements Module {
  readonly dK: number;
  readonly wQ: Linear;
  readonly wK: Linear;
  readonly wV: Linear;
  readonly wO: Linear;

  constructor(readonly dModel: number, readonly nHeads: number, seed: RandomSource, options: MultiHeadOptions = {}) {
    this.dK = headWidth(dModel, nHeads);
    const rng = toRng(seed);
    const linear = (name: string, weight?: number[][]): Linear => {
      const o: LinearOptions = { name, bias: options.bias ?? true };
      if (weight) o.weight = weight;
      return new Linear(dModel, dModel, rng.fork(), o);
    };
    this.wQ = linear("W_Q", options.wQ);
    this.wK = linear("W_K", options.wK);
    this.wV = linear("W_V", options.wV);
    this.wO = linear("W_O", options.wO);
  }

  /**
   * query [B, Tq, dModel]; keyValue [B, Tk, dModel] (default: query, i.e.
   * self-attention); mask broadcastable to [B, H, Tq, Tk]. A 2-d input
   * [T, dModel] is treated as a batch of one and returned 2-d.
   */
  apply(query: tf.Tensor, keyValue: tf.Tensor = query, mask?: tf.Tensor): MultiHeadResult {
    if (query.rank !== keyValue.rank || (query.rank !== 2 && query.rank !== 3)) {
      throw new Error(`attention inputs must both be [seq, dModel] or [batch, seq, dModel], got [${query.shape.join(", ")}] and [${keyValue.shape.join(", ")}]`);
    }
    const unbatched = query.rank === 2;
    return tf.tidy(() => {
      const { q, k, v } = this.project(unbatched ? query.expandDims(0) : query, unbatched ? keyValue.expandDims(0) : keyValue);
      const { output: z, weights } = scaledDotProductAttention(q, k, v, mask); // [B, H, Tq, dK], [B, H, Tq, Tk]
      const output = this.wO.apply(mergeHeads(z)); // [B, Tq, dModel]
      return unbatched ? { output: output.squeeze([0]), weights: weights.squeeze([0]) } : { output, weights };
    }) as MultiHeadResult;
  }

  /** xq [B, Tq, dModel], xkv [B, Tk, dModel] -> every head's q [B, H, Tq, dK], k and v [B, H, Tk, dK]. */
  project(xq: tf.Tensor, xkv: tf.Tensor): { q: tf.Tensor; k: tf.Tensor; v: tf.Tensor } {
    return tf.tidy(() => ({
      q: splitHeads(this.wQ.apply(xq), this.nHeads), // [B, H, Tq, dK]
      k: splitHeads(this.wK.apply(xkv), this.nHeads), // [B, H, Tk, dK]
      v: splitHeads(this.wV.apply(xkv), this.nHeads), // [B, H, Tk, dK]
    }));
  }

  /**
   * One head's vectors, as arrays, for example `index` of a batch (or an
   * unbatched [T, dModel] input): q [Tq][dK], k [Tk][dK], v [Tk][dK]. What the
   * neuron view draws.
   */
  headVectors(query: tf.Tensor, keyValue: tf.Tensor = query, head = 0, index = 0): { q: number[][]; k: number[][]; v: number[][] } {
    if (!Number.isInteger(head) || head < 0 || head >= this.nHeads) throw new Error(`head ${head} is not in 0..${this.nHeads - 1}`);
    const batched = (x: tf.Tensor) => (x.rank === 2 ? x.expandDims(0) : x);
    const pick = (t: tf.Tensor) => (t.arraySync() as number[][][][])[index]?.[head];
    const out = tf.tidy(() => {
      const { q, k, v } = this.project(batched(query), batched(keyValue));
      return { q: pick(q), k: pick(k), v: pick(v) };
    });
    if (!out.q) throw new Error(`example ${index} is not in a batch of ${query.rank === 2 ? 1 : query.shape[0]}`);
    return out;
  }

  parameters(): tf.Variable[] {
    return [this.wQ, this.wK, this.wV, this.wO].flatMap((l) => l.parameters());
  }
}
