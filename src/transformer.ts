/**
 * The whole encoder-decoder of Figure A, assembled from one config:
 *
 *   source ids -> embedding * sqrt(dModel) + PE -> dropout -> encoder -> memory
 *   target ids (shifted right) -> embedding * sqrt(dModel) + PE -> dropout
 *     -> decoder (masked self-attention, cross-attention to memory, FFN)
 *     -> linear projection to vocabSize logits (softmax gives the next token)
 *
 * Source and target share one vocabulary and one embedding table, as in the
 * paper (section 3.4). With `tieWeights` (the default) the output projection
 * is that same table transposed, logits = h E^T, so the model has one
 * [vocabSize, dModel] matrix instead of three. The table is initialised with
 * std 1/sqrt(dModel), so a looked-up row times sqrt(dModel) has entries of
 * about unit size, like the positional encoding it is added to.
 *
 * Shapes: B batch, Ts source positions, Tt target positions, V vocabSize.
 * Batches are plain arrays of ids (see `src/batch.ts`); masks are made here
 * from the padding, once per call, and shared by every layer.
 */
import * as tf from "@tensorflow/tfjs";
import type { RunOptions } from "./add-norm";
import type { Seq2SeqBatch } from "./batch";
import type { TransformerConfig } from "./config";
import { Decoder, type DecoderResult } from "./decoder";
import { dropout } from "./dropout";
import { Embedding } from "./embedding";
import { Encoder } from "./encoder";
import { labelSmoothingLoss } from "./label-smoothing";
import { Linear, matMul2d } from "./linear";
import { decoderMask, paddingMask } from "./masks";
import type { Module } from "./module";
import { addPositionalEncoding, positionalEncoding } from "./positional-encoding";
import { toRng } from "./random";

export interface TransformerOptions {
  /** Use the embedding table (transposed) as the output projection. Default true. */
  tieWeights?: boolean;
  /** The id of padding, hidden by the masks. Default 0. */
  pad?: number;
}

export interface EncodeResult {
  /** The encoder output, [B, Ts, dModel]. */
  memory: tf.Tensor;
  /** Hides the source's padding, [B, 1, 1, Ts]. */
  memoryMask: tf.Tensor;
  /** Encoder self-attention weights per layer, [B, H, Ts, Ts]. */
  weights: tf.Tensor[];
}

export interface ForwardResult {
  /** [B, Tt, V] */
  logits: tf.Tensor;
  /** Per layer, [B, H, Ts, Ts]. */
  encoderWeights: tf.Tensor[];
  /** Per layer, [B, H, Tt, Tt]. */
  decoderWeights: tf.Tensor[];
  /** Per layer, [B, H, Tt, Ts]. */
  crossWeights: tf.Tensor[];
}

/** One example's attention weights, `[layer][head][query][key]`. */
export interface AttentionMaps {
  encoder: number[][][][];
  decoder: number[][][][];
  cross: number[][][][];
}

export interface LossOptions extends RunOptions {
  /** Label smoothing epsilon (the paper's 0.1). Default 0: plain cross-entropy. */
  smoothing?: number;
}

export class Transformer implements Module {
  readonly embedding: Embedding;
  readonly encoder: Encoder;
  readonly decoder: Decoder;
  /** The output projection; null when tied to the embedding. */
  readonly output: Linear | null;
  readonly pad: number;
  private readonly pe: tf.Tensor2D; // [maxLen, dModel], a constant

  constructor(readonly config: TransformerConfig, options: TransformerOptions = {}) {
    const rng = toRng(config.seed);
    const d = config.dModel;
    this.pad = options.pad ?? 0;
    if (!Number.isInteger(this.pad) || this.pad < 0 || this.pad >= config.vocabSize) {
      throw new Error(`pad id ${this.pad} is outside the vocabulary [0, ${config.vocabSize})`);
    }
    this.embedding = new Embedding(config.vocabSize, d, rng.fork(), { std: 1 / Math.sqrt(d), scale: Math.sqrt(d) });
    this.encoder = new Encoder(config, rng.fork());
    this.decoder = new Decoder(config, rng.fork());
    this.output = options.tieWeights === false ? new Linear(d, config.vocabSize, rng.fork(), { name: "generator" }) : null;
    this.pe = tf.keep(positionalEncoding(config.maxLen, d));
  }

  /** ids [B, T] -> embedding * sqrt(dModel) + positional encoding, with dropout when training; [B, T, dModel]. */
  embed(ids: number[][], options: RunOptions = {}): tf.Tensor {
    const t = ids[0]?.length ?? 0;
    if (t > this.config.maxLen) throw new Error(`a sequence of ${t} tokens is longer than maxLen ${this.config.maxLen}`);
    return tf.tidy(() => {
      const x = this.embedding.embed(ids); // [B, T, dModel]
      const withPosition = addPositionalEncoding(x, this.pe); // [B, T, dModel]
      return dropout(withPosition, this.config.dropout, options.rng ?? null, options.training ?? false);
    });
  }

  /** Runs the encoder over source ids [B, Ts]. */
  encode(source: number[][], options: RunOptions = {}): EncodeResult {
    return tf.tidy(() => {
      const memoryMask = paddingMask(source, this.pad); // [B, 1, 1, Ts]
      const r = this.encoder.apply(this.embed(source, options), { ...options, mask: memoryMask });
      return { memory: r.output, memoryMask, weights: r.weights };
    }) as unknown as EncodeResult;
  }

  /** Runs the decoder over target ids [B, Tt] against an encoded source; returns hidden states [B, Tt, dModel]. */
  decode(encoded: Pick<EncodeResult, "memory" | "memoryMask">, decoderInput: number[][], options: RunOptions = {}): DecoderResult {
    return tf.tidy(() => {
      const targetMask = decoderMask(decoderInput, this.pad); // [B, 1, Tt, Tt]
      return this.decoder.apply(this.embed(decoderInput, options), encoded.memory, {
        ...options,
        targetMask,
        memoryMask: encoded.memoryMask,
      }) as unknown as tf.TensorContainerObject;
    }) as unknown as DecoderResult;
  }

  /** Hidden states [B, T, dModel] -> logits [B, T, V]. */
  project(hidden: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, t, d] = hidden.shape;
      const rows = hidden.reshape([b * t, d]); // [B*T, dModel]
      const logits = this.output ? this.output.apply(rows) : matMul2d(rows, tf.transpose(this.embedding.table)); // [B*T, V]
      return logits.reshape([b, t, this.config.vocabSize]); // [B, T, V]
    });
  }

  /** The whole model on a teacher-forcing batch, with every attention's weights. */
  forward(batch: Pick<Seq2SeqBatch, "source" | "decoderInput">, options: RunOptions = {}): ForwardResult {
    return tf.tidy(() => {
      const encoded = this.encode(batch.source, options);
      const decoded = this.decode(encoded, batch.decoderInput, options);
      return {
        logits: this.project(decoded.output),
        encoderWeights: encoded.weights,
        decoderWeights: decoded.selfWeights,
        crossWeights: decoded.crossWeights,
      };
    }) as unknown as ForwardResult;
  }

  /** Mean (label-smoothed) cross-entropy of the batch's labels, over its real tokens. */
  loss(batch: Seq2SeqBatch, options: LossOptions = {}): tf.Scalar {
    return tf.tidy(() => {
      const { logits } = this.forward(batch, options); // [B, Tt, V]
      const rows = logits.reshape([-1, this.config.vocabSize]); // [B*Tt, V]
      return labelSmoothingLoss(rows, batch.labels.flat(), options.smoothing ?? 0, this.pad);
    });
  }

  /**
   * Every attention's weights for example `index` of a batch, as arrays to
   * plot: `[layer][head][query][key]` for the encoder's self-attention
   * (source x source), the decoder's masked self-attention (target x target)
   * and the cross-attention (target x source).
   */
  attentionMaps(batch: Pick<Seq2SeqBatch, "source" | "decoderInput">, index = 0): AttentionMaps {
    if (!Number.isInteger(index) || index < 0 || index >= batch.source.length) throw new Error(`example ${index} is not in a batch of ${batch.source.length}`);
    const r = this.forward(batch);
    const pick = (weights: tf.Tensor[]) => weights.map((w) => (w.arraySync() as number[][][][])[index]);
    const maps = { encoder: pick(r.encoderWeights), decoder: pick(r.decoderWeights), cross: pick(r.crossWeights) };
    tf.dispose([r.logits, ...r.encoderWeights, ...r.decoderWeights, ...r.crossWeights]);
    return maps;
  }

  /**
   * The mean cross-entropy per real target token over `batches`, in evaluation
   * mode (no dropout, no smoothing): the held-out loss.
   */
  evaluate(batches: readonly Seq2SeqBatch[]): number {
    if (batches.length === 0) throw new Error("evaluate needs at least one batch");
    let total = 0;
    let tokens = 0;
    for (const batch of batches) {
      total += tf.tidy(() => this.loss(batch).dataSync()[0]) * batch.tokens;
      tokens += batch.tokens;
    }
    return total / tokens;
  }

  parameters(): tf.Variable[] {
    return [this.embedding, this.encoder, this.decoder, ...(this.output ? [this.output] : [])].flatMap((m) => m.parameters());
  }

  /** Frees the weights and the positional-encoding table. */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
    this.pe.dispose();
  }
}

/** The encoder-decoder of `config`. */
export function makeTransformer(config: TransformerConfig, options: TransformerOptions = {}): Transformer {
  return new Transformer(config, options);
}

