/**
 * The decoder of Figure A: a stack of nLayers identical layers, each
 *
 *   y = AddNorm(y, MaskedSelfAttention(y))           queries, keys, values: y
 *   y = AddNorm(y, CrossAttention(y, memory))        queries: y; keys, values: memory
 *   y = AddNorm(y, FeedForward(y))
 *
 * `y` [B, Tt, dModel] is the target sentence so far (embedded, shifted right
 * by the start symbol) and `memory` [B, Ts, dModel] is the encoder's output.
 * The self-attention is masked causally (and for padding) so that position i
 * sees only target positions 0..i; the cross-attention lets every target
 * position look at every (non-padding) source position: its Q has the target
 * length Tt, its K and V the source length Ts, so its weights are [B, H, Tt, Ts].
 *
 * Norm placement follows the config as in the encoder (post-norm by default;
 * a pre-norm stack ends with one more LayerNorm). The same attention code as
 * the encoder's (`MultiHeadAttention`) serves both kinds of attention.
 */
import * as tf from "@tensorflow/tfjs";
import { addNorm, buildStack, LayerNorm, residualContext, type LayerConfig, type RunOptions } from "./add-norm";
import type { TransformerConfig } from "./config";
import { FeedForward } from "./feed-forward";
import type { Module } from "./module";
import { MultiHeadAttention } from "./multi-head-attention";
import { toRng, type RandomSource } from "./random";

export interface DecoderOptions extends RunOptions {
  /** The self-attention mask, broadcastable to [B, H, Tt, Tt]: causal (+ padding), see `decoderMask`. */
  targetMask?: tf.Tensor;
  /** Hides padding in the source, broadcastable to [B, H, Tt, Ts]: see `paddingMask`. */
  memoryMask?: tf.Tensor;
}

export interface DecoderLayerResult {
  /** [B, Tt, dModel] */
  output: tf.Tensor;
  /** Masked self-attention weights, [B, H, Tt, Tt]. */
  selfWeights: tf.Tensor;
  /** Cross-attention weights, [B, H, Tt, Ts]. */
  crossWeights: tf.Tensor;
}

export interface DecoderResult {
  /** [B, Tt, dModel] */
  output: tf.Tensor;
  /** One [B, H, Tt, Tt] per layer. */
  selfWeights: tf.Tensor[];
  /** One [B, H, Tt, Ts] per layer. */
  crossWeights: tf.Tensor[];
}

export class DecoderLayer implements Module {
  readonly selfAttention: MultiHeadAttention;
  readonly crossAttention: MultiHeadAttention;
  readonly feedForward: FeedForward;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;

  constructor(readonly config: LayerConfig, seed: RandomSource) {
    const rng = toRng(seed);
    this.selfAttention = new MultiHeadAttention(config.dModel, config.nHeads, rng.fork());
    this.crossAttention = new MultiHeadAttention(config.dModel, config.nHeads, rng.fork());
    this.feedForward = new FeedForward(config.dModel, config.dFF, rng.fork(), { activation: config.activation });
    this.norm1 = new LayerNorm(config.dModel, config.eps);
    this.norm2 = new LayerNorm(config.dModel, config.eps);
    this.norm3 = new LayerNorm(config.dModel, config.eps);
  }

  /** y [B, Tt, dModel], memory [B, Ts, dModel]. */
  apply(y: tf.Tensor, memory: tf.Tensor, options: DecoderOptions = {}): DecoderLayerResult {
    const ctx = residualContext(this.config, options);
    return tf.tidy(() => {
      let selfWeights: tf.Tensor | undefined;
      let crossWeights: tf.Tensor | undefined;
      const selfAttend = (h: tf.Tensor): tf.Tensor => {
        const r = this.selfAttention.apply(h, h, options.targetMask);
        selfWeights = r.weights;
        return r.output;
      };
      const crossAttend = (h: tf.Tensor): tf.Tensor => {
        const r = this.crossAttention.apply(h, memory, options.memoryMask);
        crossWeights = r.weights;
        return r.output;
      };
      let out = addNorm(y, this.norm1, selfAttend, ctx);
      out = addNorm(out, this.norm2, crossAttend, ctx);
      out = addNorm(out, this.norm3, (h) => this.feedForward.apply(h), ctx);
      return { output: out, selfWeights: selfWeights!, crossWeights: crossWeights! };
    });
  }

  parameters(): tf.Variable[] {
    return [this.selfAttention, this.crossAttention, this.feedForward, this.norm1, this.norm2, this.norm3].flatMap((m) => m.parameters());
  }
}

export class Decoder implements Module {
  readonly layers: DecoderLayer[];
  /** The final LayerNorm of a pre-norm stack; null for post-norm. */
  readonly finalNorm: LayerNorm | null;

  constructor(readonly config: LayerConfig & Pick<TransformerConfig, "nLayers">, seed: RandomSource) {
    ({ layers: this.layers, finalNorm: this.finalNorm } = buildStack(config, seed, (rng) => new DecoderLayer(config, rng)));
  }

  apply(y: tf.Tensor, memory: tf.Tensor, options: DecoderOptions = {}): DecoderResult {
    const d = this.config.dModel;
    if (y.rank !== 3 || y.shape[2] !== d) throw new Error(`the decoder expects targets [batch, seq, ${d}], got [${y.shape.join(", ")}]`);
    if (memory.rank !== 3 || memory.shape[2] !== d || memory.shape[0] !== y.shape[0]) {
      throw new Error(`the decoder expects memory [${y.shape[0]}, sourceSeq, ${d}], got [${memory.shape.join(", ")}]`);
    }
    return tf.tidy(() => {
      const selfWeights: tf.Tensor[] = [];
      const crossWeights: tf.Tensor[] = [];
      let h = y;
      for (const layer of this.layers) {
        const r = layer.apply(h, memory, options);
        selfWeights.push(r.selfWeights);
        crossWeights.push(r.crossWeights);
        h = r.output;
      }
      return { output: this.finalNorm ? this.finalNorm.apply(h) : h, selfWeights, crossWeights };
    }) as unknown as DecoderResult;
  }

  parameters(): tf.Variable[] {
    return [...this.layers.flatMap((l) => l.parameters()), ...(this.finalNorm?.parameters() ?? [])];
  }
}
