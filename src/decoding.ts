/**
 * Decoding: turning a trained encoder-decoder into an output sentence, one
 * token at a time. The source is encoded once; the decoder is then run step
 * by step on the output so far (it starts as the start symbol alone), and the
 * last position's logits give the next token's distribution.
 *
 * - Greedy decoding takes the most likely token at every step.
 * - Beam search keeps the `width` most likely partial outputs (by summed log
 *   probability), extends each by every token, and keeps the best `width` of
 *   the extensions. An extension ending in the end symbol is finished and set
 *   aside. Finished outputs are ranked by log probability divided by the
 *   length penalty of GNMT (Wu et al. 2016), ((5 + length) / 6)^alpha:
 *   alpha 0 ranks by probability alone, which favours short outputs; larger
 *   alpha favours longer ones. With width 1 beam search is greedy decoding
 *   (ties go to the lower token id in both).
 *
 * A task without an end symbol (the copy task) decodes exactly `maxLength`
 * tokens. Outputs never include the start symbol or the end symbol, and the
 * padding and start ids are never chosen (they are no one's next token; an
 * untrained model would otherwise produce them).
 */
import * as tf from "@tensorflow/tfjs";
import type { Transformer } from "./transformer";

/** What decoding needs of a model: `Transformer` has it. */
export type Seq2SeqModel = Pick<Transformer, "encode" | "decode" | "project" | "pad">;

export interface DecodeOptions {
  bos: number;
  /** The end symbol; null or absent: always decode maxLength tokens. */
  eos?: number | null;
  /** The most tokens to produce (the end symbol not counted). */
  maxLength: number;
}

export interface BeamOptions extends DecodeOptions {
  /** Hypotheses kept at every step. */
  width: number;
  /** GNMT's alpha (default 0: no length normalisation). */
  lengthPenalty?: number;
}

export interface Hypothesis {
  tokens: number[];
  /** Sum of the log probabilities of the tokens (and of the end symbol, if it ended). */
  logProb: number;
  /** logProb / ((5 + length) / 6)^alpha: what the beams are ranked by. */
  score: number;
  finished: boolean;
}

function checkOptions(options: DecodeOptions): void {
  if (!Number.isInteger(options.maxLength) || options.maxLength <= 0) throw new Error(`maxLength must be a positive integer, got ${options.maxLength}`);
}

/**
 * Log probabilities of the next token after each prefix, [prefixes.length][V].
 * `encoded` must have as many rows as there are prefixes.
 */
function nextLogProbs(model: Seq2SeqModel, encoded: { memory: tf.Tensor; memoryMask: tf.Tensor }, prefixes: number[][], bos: number): number[][] {
  const rows = tf.tidy(() => {
    const hidden = model.decode(encoded, prefixes).output; // [B, t, dModel]
    const [b, t, d] = hidden.shape;
    const last = hidden.slice([0, t - 1, 0], [b, 1, d]); // [B, 1, dModel]
    const logits = model.project(last).reshape([b, -1]); // [B, V]
    return tf.logSoftmax(logits).arraySync() as number[][];
  });
  for (const row of rows) {
    row[model.pad] = -Infinity;
    row[bos] = -Infinity;
  }
  return rows;
}

function argmax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** Greedy decoding of a batch of sources [B][Ts] (padded to one length with the model's pad id). */
export function greedyDecode(model: Seq2SeqModel, sources: number[][], options: DecodeOptions): number[][] {
  checkOptions(options);
  const eos = options.eos ?? null;
  const encoded = model.encode(sources);
  try {
    const prefixes = sources.map(() => [options.bos]);
    const done = sources.map(() => false);
    for (let step = 0; step < options.maxLength && done.some((d) => !d); step++) {
      nextLogProbs(model, encoded, prefixes, options.bos).forEach((row, i) => {
        const token = argmax(row);
        prefixes[i].push(token);
        if (token === eos) done[i] = true;
      });
    }
    return prefixes.map((p) => {
      const out = p.slice(1);
      const end = eos === null ? -1 : out.indexOf(eos);
      return end === -1 ? out : out.slice(0, end);
    });
  } finally {
    tf.dispose([encoded.memory, encoded.memoryMask, ...encoded.weights]);
  }
}

/** GNMT's length penalty ((5 + length) / 6)^alpha. */
export function lengthPenalty(length: number, alpha: number): number {
  return ((5 + length) / 6) ** alpha;
}

/** Beam search for one source sentence; the hypotheses found, best first. */
export function beamSearch(model: Seq2SeqModel, source: number[], options: BeamOptions): Hypothesis[] {
  checkOptions(options);
  const { width, bos } = options;
  if (!Number.isInteger(width) || width <= 0) throw new Error(`beam width must be a positive integer, got ${width}`);
  const alpha = options.lengthPenalty ?? 0;
  const eos = options.eos ?? null;
  const scoreOf = (tokens: number[], logProb: number) => logProb / lengthPenalty(tokens.length, alpha);

  const encoded = model.encode([source]);
  try {
    let alive: { tokens: number[]; logProb: number }[] = [{ tokens: [], logProb: 0 }];
    const finished: Hypothesis[] = [];
    for (let step = 0; step < options.maxLength && alive.length > 0; step++) {
      const rows = tf.tidy(() => {
        const n = alive.length;
        const tiled = { memory: tf.tile(encoded.memory, [n, 1, 1]), memoryMask: tf.tile(encoded.memoryMask, [n, 1, 1, 1]) }; // [n, Ts, dModel], [n, 1, 1, Ts]
        return nextLogProbs(model, tiled, alive.map((h) => [bos, ...h.tokens]), bos);
      });
      // Every extension of every live hypothesis, best first (ties: earlier hypothesis, then lower token id).
      const candidates = alive.flatMap((h, i) => rows[i].map((lp, token) => ({ h, token, logProb: h.logProb + lp })));
      candidates.sort((a, b) => b.logProb - a.logProb);
      alive = [];
      for (const c of candidates.slice(0, width)) {
        if (c.token === eos) finished.push({ tokens: c.h.tokens, logProb: c.logProb, score: scoreOf(c.h.tokens, c.logProb), finished: true });
        else alive.push({ tokens: [...c.h.tokens, c.token], logProb: c.logProb });
      }
    }
    for (const h of alive) finished.push({ ...h, score: scoreOf(h.tokens, h.logProb), finished: eos === null });
    return finished.sort((a, b) => b.score - a.score);
  } finally {
    tf.dispose([encoded.memory, encoded.memoryMask, ...encoded.weights]);
  }
}
