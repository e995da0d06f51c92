/**
 * The encoder of Figure A: a stack of nLayers identical layers, each
 *
 *   x = AddNorm(x, MultiHeadSelfAttention)
 *   x = AddNorm(x, FeedForward)
 *
 * (post-norm by default, pre-norm by `norm: "pre"`; see `src/add-norm.ts`).
 * With pre-norm the stack ends with one more LayerNorm, since the last
 * residual sum is otherwise never normalised.
 *
 * Input x [B, T, dModel] is the token embeddings plus positional encoding;
 * the output has the same shape, one contextual vector per token. `mask`
 * (additive, broadcastable to [B, H, T, T]) hides padding keys.
 */
import * as tf from "@tensorflow/tfjs";
import { addNorm, buildStack, LayerNorm, residualContext, type LayerConfig, type RunOptions } from "./add-norm";
import type { TransformerConfig } from "./config";
import { FeedForward } from "./feed-forward";
import type { Module } from "./module";
import { MultiHeadAttention } from "./multi-head-attention";
import { toRng, type RandomSource } from "./random";

export interface EncoderOptions extends RunOptions {
  /** Additive attention mask, broadcastable to [B, H, T, T]. */
  mask?: tf.Tensor;
}

export interface EncoderResult {
  /** [B, T, dModel] */
  output: tf.Tensor;
  /** Self-attention weights of each layer, [B, H, T, T] each. */
  weights: tf.Tensor[];
}

export class EncoderLayer implements Module {
  readonly selfAttention: MultiHeadAttention;
  readonly feedForward: FeedForward;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;

  constructor(readonly config: LayerConfig, seed: RandomSource) {
    const rng = toRng(seed);
    this.selfAttention = new MultiHeadAttention(config.dModel, config.nHeads, rng.fork());
    this.feedForward = new FeedForward(config.dModel, config.dFF, rng.fork(), { activation: config.activation });
    this.norm1 = new LayerNorm(config.dModel, config.eps);
    this.norm2 = new LayerNorm(config.dModel, config.eps);
  }

  /** x [B, T, dModel] -> { output [B, T, dModel], weights [B, H, T, T] }. */
  apply(x: tf.Tensor, options: EncoderOptions = {}): { output: tf.Tensor; weights: tf.Tensor } {
    const ctx = residualContext(this.config, options);
    return tf.tidy(() => {
      let weights: tf.Tensor | undefined;
      const attend = (h: tf.Tensor): tf.Tensor => {
        const r = this.selfAttention.apply(h, h, options.mask);
        weights = r.weights;
        return r.output;
      };
      let out = addNorm(x, this.norm1, attend, ctx);
      out = addNorm(out, this.norm2, (h) => this.feedForward.apply(h), ctx);
      return { output: out, weights: weights! };
    });
  }

  parameters(): tf.Variable[] {
    return [this.selfAttention, this.feedForward, this.norm1, this.norm2].flatMap((m) => m.parameters());
  }
}

export class Encoder implements Module {
  readonly layers: EncoderLayer[];
  /** The final LayerNorm of a pre-norm stack; null for post-norm. */
  readonly finalNorm: LayerNorm | null;

  constructor(readonly config: LayerConfig & Pick<TransformerConfig, "nLayers">, seed: RandomSource) {
    ({ layers: this.layers, finalNorm: this.finalNorm } = buildStack(config, seed, (rng) => new EncoderLayer(config, rng)));
  }

  apply(x: tf.Tensor, options: EncoderOptions = {}): EncoderResult {
    if (x.rank !== 3 || x.shape[2] !== this.config.dModel) {
      throw new Error(`the encoder expects [batch, seq, ${this.config.dModel}], got [${x.shape.join(", ")}]`);
    }
    return tf.tidy(() => {
      const weights: tf.Tensor[] = [];
      let h = x;
      for (const layer of this.layers) {
        const r = layer.apply(h, options);
        weights.push(r.weights);
        h = r.output;
      }
      return { output: this.finalNorm ? this.finalNorm.apply(h) : h, weights };
    }) as unknown as EncoderResult;
  }

  parameters(): tf.Variable[] {
    return [...this.layers.flatMap((l) => l.parameters()), ...(this.finalNorm?.parameters() ?? [])];
  }
}
