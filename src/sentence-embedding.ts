/**
 * Step 7: one vector for a whole sentence, from the encoder's per-token output.
 *
 * - `[CLS]` pooling: the sentence starts with a special [CLS] token and its
 *   output vector stands for the sentence (BERT). This only means something
 *   once training has taught the model to gather the sentence into that slot.
 * - Mean pooling: the average of the token vectors, padding excluded
 *   (Sentence-BERT); a sensible summary even before any fine-tuning.
 *
 * Sentences are compared by cosine similarity, and `search` ranks candidates
 * against a query by it (semantic search, the article's first use case).
 */
import * as tf from "@tensorflow/tfjs";
import type { TransformerConfig } from "./config";
import { Embedding } from "./embedding";
import { Encoder } from "./encoder";
import type { Module } from "./module";
import { addPositionalEncoding, positionalEncoding } from "./positional-encoding";
import { toRng, type RandomSource } from "./random";
import { wordTokenize } from "./tokenizer";
import { Vocabulary } from "./vocabulary";

/** The output vector of position 0 (the [CLS] token): [B, T, dModel] -> [B, dModel]. */
export function clsPooling(hidden: tf.Tensor): tf.Tensor {
  if (hidden.rank !== 3) throw new Error(`pooling expects [batch, seq, dModel], got [${hidden.shape.join(", ")}]`);
  const [b, , d] = hidden.shape;
  return tf.tidy(() => tf.slice(hidden, [0, 0, 0], [b, 1, d]).reshape([b, d])); // [B, dModel]
}

/**
 * The mean of the token vectors where `keep` is 1 ([B, T], 1 = real token,
 * 0 = padding; default all 1): [B, T, dModel] -> [B, dModel].
 */
export function meanPooling(hidden: tf.Tensor, keep?: tf.Tensor): tf.Tensor {
  if (hidden.rank !== 3) throw new Error(`pooling expects [batch, seq, dModel], got [${hidden.shape.join(", ")}]`);
  const [b, t] = hidden.shape;
  if (keep && (keep.rank !== 2 || keep.shape[0] !== b || keep.shape[1] !== t)) {
    throw new Error(`the keep mask must be [${b}, ${t}], got [${keep.shape.join(", ")}]`);
  }
  return tf.tidy(() => {
    if (!keep) return tf.mean(hidden, 1);
    const w = tf.cast(keep, "float32").expandDims(2); // [B, T, 1]
    return tf.div(tf.sum(tf.mul(hidden, w), 1), tf.maximum(tf.sum(w, 1), 1)); // [B, dModel]
  });
}

/** cos(a, b) = a.b / (|a| |b|); 0 when either vector is all zeros. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`cosine similarity needs vectors of one length, got ${a.length} and ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** The Euclidean length of a vector. */
export function norm(a: readonly number[]): number {
  return Math.sqrt(a.reduce((s, v) => s + v * v, 0));
}

export interface SearchHit {
  rank: number;
  sentence: string;
  score: number;
}

/** Ranks `sentences` by cosine similarity of their embeddings to the query's, best first (ties keep input order). */
export function search(query: string, sentences: readonly string[], embed: (sentence: string) => number[]): SearchHit[] {
  const q = embed(query);
  return sentences
    .map((sentence, i) => ({ sentence, score: cosineSimilarity(q, embed(sentence)), i }))
    .sort((x, y) => y.score - x.score || x.i - y.i)
    .map(({ sentence, score }, r) => ({ rank: r + 1, sentence, score }));
}

export type Pooling = "cls" | "mean";

/**
 * Sentence in, vector out: word tokens wrapped in [CLS] ... [SEP], embedded,
 * positions added, run through an encoder stack and pooled. The weights are
 * random (seeded) until a later notebook trains one; the vocabulary is built
 * from the sentences it is given.
 */
export class SentenceEncoder implements Module {
  readonly embedding: Embedding;
  readonly encoder: Encoder;
  private readonly pe: tf.Tensor2D;

  constructor(readonly config: TransformerConfig, readonly vocabulary: Vocabulary, seed: RandomSource) {
    if (vocabulary.size > config.vocabSize) {
      throw new Error(`the vocabulary has ${vocabulary.size} tokens but config.vocabSize is ${config.vocabSize}`);
    }
    const rng = toRng(seed);
    this.embedding = new Embedding(config.vocabSize, config.dModel, rng.fork(), { scale: Math.sqrt(config.dModel), std: 1 / Math.sqrt(config.dModel) });
    this.encoder = new Encoder(config, rng.fork());
    this.pe = positionalEncoding(config.maxLen, config.dModel);
  }

  /** The tokens the encoder sees for a sentence: [CLS], its word tokens, [SEP]. */
  tokens(sentence: string): string[] {
    return ["[CLS]", ...wordTokenize(sentence), "[SEP]"];
  }

  /** Per-token output [1, T, dModel] of the encoder for one sentence. */
  encode(sentence: string): tf.Tensor {
    const ids = this.vocabulary.encode(this.tokens(sentence));
    if (ids.length > this.config.maxLen) throw new Error(`sentence of ${ids.length} tokens exceeds maxLen ${this.config.maxLen}`);
    return tf.tidy(() => {
      const x = addPositionalEncoding(this.embedding.embed([ids]), this.pe); // [1, T, dModel]
      const r = this.encoder.apply(x);
      r.weights.forEach((w) => w.dispose());
      return r.output;
    });
  }

  /** The sentence embedding, dModel numbers. */
  embed(sentence: string, pooling: Pooling = "cls"): number[] {
    return tf.tidy(() => {
      const hidden = this.encode(sentence);
      const pooled = pooling === "cls" ? clsPooling(hidden) : meanPooling(hidden);
      return Array.from(pooled.dataSync());
    });
  }

  parameters(): tf.Variable[] {
    return [...this.embedding.parameters(), ...this.encoder.parameters()];
  }

  /** Frees the positional-encoding table (the parameters are freed by disposeModule). */
  dispose(): void {
    this.pe.dispose();
  }
}
