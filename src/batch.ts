/**
 * Batches for sequence-to-sequence training (teacher forcing).
 *
 * A pair is a source sentence and its target, as token ids. The decoder is fed
 * the target shifted right by one, behind the start symbol, and asked for the
 * target itself, so at every position it predicts the next token from the
 * ones before it:
 *
 *   target        [y1, y2, y3]
 *   decoderInput  [bos, y1, y2]
 *   labels        [y1, y2, y3]
 *
 * A task with an end symbol puts it at the end of its targets (then the model
 * learns to say when to stop); the batching does not add or remove it. Rows
 * shorter than the longest in the batch are filled with `pad`, which the
 * padding masks hide from attention and the loss skips.
 *
 * Batches are plain arrays: the model turns them into tensors inside its own
 * `tf.tidy`, so a batch can be reused for many steps and owns nothing to free.
 */
import { toRng, type RandomSource } from "./random";

export interface Seq2SeqPair {
  source: number[];
  /** The output sequence, without the start symbol (with the end symbol if the task has one). */
  target: number[];
}

/** The ids a task reserves: padding, the decoder's start symbol, and (if it has one) the end symbol. */
export interface Seq2SeqSpecials {
  pad: number;
  bos: number;
  eos?: number | null;
}

export interface Seq2SeqBatch {
  /** [B, Ts], padded with pad. */
  source: number[][];
  /** [B, Tt]: bos, then the target without its last token. */
  decoderInput: number[][];
  /** [B, Tt]: the target, padded with pad. */
  labels: number[][];
  /** Real (non-padding) target tokens in the batch: the loss averages over these. */
  tokens: number;
}

function padTo(row: readonly number[], length: number, pad: number): number[] {
  return [...row, ...new Array<number>(length - row.length).fill(pad)];
}

/** One teacher-forcing batch from `pairs`. */
export function makeBatch(pairs: readonly Seq2SeqPair[], specials: Seq2SeqSpecials): Seq2SeqBatch {
  if (pairs.length === 0) throw new Error("makeBatch needs at least one pair");
  pairs.forEach((p, i) => {
    if (p.source.length === 0 || p.target.length === 0) throw new Error(`pair ${i} has an empty source or target`);
  });
  const ts = Math.max(...pairs.map((p) => p.source.length));
  const tt = Math.max(...pairs.map((p) => p.target.length));
  const { pad, bos } = specials;
  return {
    source: pairs.map((p) => padTo(p.source, ts, pad)),
    decoderInput: pairs.map((p) => padTo([bos, ...p.target.slice(0, -1)], tt, pad)),
    labels: pairs.map((p) => padTo(p.target, tt, pad)),
    tokens: pairs.reduce((n, p) => n + p.target.filter((id) => id !== pad).length, 0),
  };
}

/**
 * Cuts `pairs` into batches of `batchSize` (the last may be smaller), in an
 * order shuffled by `seed` (or kept, with seed null).
 */
export function makeBatches(pairs: readonly Seq2SeqPair[], batchSize: number, specials: Seq2SeqSpecials, seed: RandomSource | null = 0): Seq2SeqBatch[] {
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
  const indices = pairs.map((_, i) => i);
  const order = seed === null ? indices : toRng(seed).shuffle(indices);
  const batches: Seq2SeqBatch[] = [];
  for (let i = 0; i < order.length; i += batchSize) {
    batches.push(makeBatch(order.slice(i, i + batchSize).map((k) => pairs[k]), specials));
  }
  return batches;
}
