/**
 * "Add & Norm" (the article's Figure A): every sub-layer (attention, the
 * feed-forward network) is wrapped in a residual connection and a layer norm.
 *
 * - post-norm (the original paper, Figure A): x = LayerNorm(x + Sublayer(x))
 * - pre-norm (GPT-2 and most later models):  x = x + Sublayer(LayerNorm(x)),
 *   with one more LayerNorm after the last layer (the stack adds it).
 *
 * The library's default is post-norm, to match the figure the course follows;
 * pre-norm trains more stably in deep stacks and without learning-rate
 * warm-up, and is chosen by `norm: "pre"` in the config.
 *
 * Layer norm normalises each token vector over its dModel features,
 * (x - mean) / sqrt(var + eps), then scales by a learnt gain and adds a learnt
 * bias (initially 1 and 0).
 */
import * as tf from "@tensorflow/tfjs";
import type { NormPlacement, TransformerConfig } from "./config";
import { dropout } from "./dropout";
import { makeVariable, type Module } from "./module";
import { toRng, type RandomSource, type Rng } from "./random";

type CustomGrad = (...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
};

/**
 * y = xhat * gain + bias with xhat = (x - mean) / sqrt(var + eps) over the last
 * axis, and its gradient written out (fewer, cheaper operations than tfjs's
 * automatic one, which broadcasts at every step):
 *   dxhat = dy * gain
 *   dx = (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)) / sqrt(var + eps)
 *   dgain = sum over rows of dy * xhat,  dbias = sum over rows of dy
 */
function layerNormWithGrad(eps: number): CustomGrad {
  return (x: tf.Tensor | tf.GradSaveFunc, gain: tf.Tensor | tf.GradSaveFunc, bias: tf.Tensor | tf.GradSaveFunc, save: tf.Tensor | tf.GradSaveFunc) => {
    const [xs, g, b] = [x, gain, bias] as tf.Tensor[];
    const { mean, variance } = tf.moments(xs, -1, true); // [..., 1] each
    const rstd = tf.rsqrt(tf.add(variance, eps)); // [..., 1]
    const xhat = tf.mul(tf.sub(xs, mean), rstd); // [..., dModel]
    (save as tf.GradSaveFunc)([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy, [sxhat, srstd, sgain]) => {
        const rows = dy.shape.slice(0, -1).map((_, i) => i); // every axis but the last
        const dxhat = tf.mul(dy, sgain);
        const centred = tf.add(tf.mean(dxhat, -1, true), tf.mul(sxhat, tf.mean(tf.mul(dxhat, sxhat), -1, true))); // [..., dModel]
        return [tf.mul(tf.sub(dxhat, centred), srstd), tf.sum(tf.mul(dy, sxhat), rows), tf.sum(dy, rows)];
      },
    };
  };
}

export class LayerNorm implements Module {
  readonly gain: tf.Variable; // [dModel]
  readonly bias: tf.Variable; // [dModel]
  /** The normalisation with its gradient, (x, gain, bias) -> y. */
  readonly normalise: (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => tf.Tensor;

  constructor(readonly dModel: number, readonly eps = 1e-6) {
    if (!Number.isInteger(dModel) || dModel <= 0) throw new Error(`LayerNorm dModel must be a positive integer, got ${dModel}`);
    this.gain = makeVariable(tf.ones([dModel]), "ln_gain");
    this.bias = makeVariable(tf.zeros([dModel]), "ln_bias");
    this.normalise = tf.customGrad(layerNormWithGrad(eps) as never) as unknown as (x: tf.Tensor, gain: tf.Tensor, bias: tf.Tensor) => tf.Tensor;
  }

  /** x [..., dModel] -> same shape, each row with mean 0 and variance 1 before gain and bias. */
  apply(x: tf.Tensor): tf.Tensor {
    if (x.shape[x.rank - 1] !== this.dModel) {
      throw new Error(`LayerNorm expects last dimension ${this.dModel}, got [${x.shape.join(", ")}]`);
    }
    return tf.tidy(() => this.normalise(x, this.gain, this.bias));
  }

  parameters(): tf.Variable[] {
    return [this.gain, this.bias];
  }
}

/** How a residual sub-layer runs: norm placement, dropout and whether we are training. */
export interface ResidualContext {
  placement: NormPlacement;
  dropout: number;
  training: boolean;
  rng: Rng | null;
}

/** What one encoder or decoder layer is built from. */
export type LayerConfig = Pick<TransformerConfig, "dModel" | "nHeads" | "dFF" | "dropout" | "norm" | "activation" | "eps">;

/** How a layer is run: training turns dropout on (then `rng` is required). Default: evaluation. */
export interface RunOptions {
  training?: boolean;
  rng?: Rng;
}

/**
 * The layers of a stack (encoder or decoder): nLayers of them from `make`,
 * each seeded by its own fork, and the final LayerNorm that a pre-norm stack
 * needs (null for post-norm, whose last layer already ends with a norm).
 */
export function buildStack<L>(
  config: Pick<TransformerConfig, "nLayers" | "norm" | "dModel" | "eps">,
  seed: RandomSource,
  make: (rng: Rng) => L,
): { layers: L[]; finalNorm: LayerNorm | null } {
  const rng = toRng(seed);
  return {
    layers: Array.from({ length: config.nLayers }, () => make(rng.fork())),
    finalNorm: config.norm === "pre" ? new LayerNorm(config.dModel, config.eps) : null,
  };
}

/** The residual context of a layer run with `options`. */
export function residualContext(config: Pick<LayerConfig, "norm" | "dropout">, options: RunOptions): ResidualContext {
  return { placement: config.norm, dropout: config.dropout, training: options.training ?? false, rng: options.rng ?? null };
}

/**
 * One sub-layer with its residual connection and layer norm (placement per
 * `ctx`). It opens no `tf.tidy` of its own, so that whatever the sub-layer
 * hands out on the side (attention weights) lives on: call it inside the
 * layer's tidy, which frees the intermediates.
 */
export function addNorm(x: tf.Tensor, norm: LayerNorm, sublayer: (input: tf.Tensor) => tf.Tensor, ctx: ResidualContext): tf.Tensor {
  if (ctx.placement === "pre") {
    return tf.add(x, dropout(sublayer(norm.apply(x)), ctx.dropout, ctx.rng, ctx.training));
  }
  return norm.apply(tf.add(x, dropout(sublayer(x), ctx.dropout, ctx.rng, ctx.training)));
}
