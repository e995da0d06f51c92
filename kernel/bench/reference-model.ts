/**
 * The benchmark's model: the reference configurations S, M and L, built from
 * the library's own layers, the same architecture as the PyTorch twin
 * (`kernel/bench/torch_twin.py`): a pre-norm causal Transformer (GPT-style
 * decoder-only) with token + learnt position embeddings, attention without
 * biases under an additive causal mask, a ReLU feed-forward with biases, a
 * final layer norm, an untied output projection and softmax cross-entropy,
 * trained by Adam on random token ids and targets. Only speed is measured.
 */
import * as tf from "@tensorflow/tfjs";
import { Adam } from "../../src/adam";
import { LayerNorm } from "../../src/add-norm";
import { Embedding } from "../../src/embedding";
import { FeedForward } from "../../src/feed-forward";
import { Linear } from "../../src/linear";
import { causalMask } from "../../src/masks";
import { makeVariable, type Module } from "../../src/module";
import { MultiHeadAttention } from "../../src/multi-head-attention";
import { Rng } from "../../src/random";
import { train } from "../../src/train";

export interface ReferenceConfig {
  vocabSize: number;
  dModel: number;
  nHeads: number;
  seqLength: number;
  batchSize: number;
  nLayers: number;
  dFF: number;
}

/** PERFORMANCE's reference configurations (the twin has the same table). */
export const REFERENCE_CONFIGS: Record<"S" | "M" | "L", ReferenceConfig> = {
  S: { vocabSize: 64, dModel: 64, nHeads: 4, seqLength: 32, batchSize: 16, nLayers: 2, dFF: 256 },
  M: { vocabSize: 256, dModel: 128, nHeads: 4, seqLength: 64, batchSize: 16, nLayers: 4, dFF: 512 },
  L: { vocabSize: 256, dModel: 256, nHeads: 8, seqLength: 128, batchSize: 8, nLayers: 6, dFF: 1024 },
};

export type ConfigName = keyof typeof REFERENCE_CONFIGS;

/**
 * Floating-point operations of one training step, counted from the shapes:
 * every matrix product (2 m k n for the forward pass, twice that again for
 * its two gradients), nothing else.
 */
export function stepFlops(c: ReferenceConfig): number {
  const rows = c.batchSize * c.seqLength;
  const perLayer =
    2 * rows * c.dModel * c.dModel * 4 + // W_Q, W_K, W_V, W_O
    2 * rows * c.dModel * c.dFF * 2 + // the feed-forward's two layers
    2 * 2 * c.batchSize * c.seqLength * c.seqLength * c.dModel; // Q K^T and weights x V, over all heads
  const forward = c.nLayers * perLayer + 2 * rows * c.dModel * c.vocabSize; // + the output projection
  return 3 * forward;
}

/** Mean softmax cross-entropy of logits [N, V] against int labels, with its gradient (softmax - onehot) / N by hand. */
function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const [n, vocabSize] = logits.shape;
  const f = tf.customGrad(((z: tf.Tensor, save: tf.GradSaveFunc) => {
    const logP = tf.logSoftmax(z); // [N, V]
    const onehot = tf.oneHot(labels, vocabSize); // [N, V]
    save([logP, onehot]);
    return {
      value: tf.div(tf.neg(tf.sum(tf.mul(onehot, logP))), n),
      gradFunc: (dy: tf.Tensor, [savedLogP, savedOnehot]: tf.Tensor[]) => tf.mul(tf.div(tf.sub(tf.exp(savedLogP), savedOnehot), n), dy),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits) as tf.Scalar;
}

interface Block {
  norm1: LayerNorm;
  attention: MultiHeadAttention;
  norm2: LayerNorm;
  feedForward: FeedForward;
}

export class ReferenceModel implements Module {
  readonly embedding: Embedding;
  readonly positions: tf.Variable; // [T, dModel]
  readonly blocks: Block[];
  readonly finalNorm: LayerNorm;
  readonly output: Linear; // [dModel, vocabSize], no bias
  private readonly mask: tf.Tensor2D; // [T, T], 0 or -inf

  constructor(readonly config: ReferenceConfig, seed = 0) {
    const rng = new Rng(seed);
    const { vocabSize, dModel, nHeads, seqLength, nLayers, dFF } = config;
    this.embedding = new Embedding(vocabSize, dModel, rng.fork());
    this.positions = makeVariable(tf.zeros([seqLength, dModel]), "positions");
    this.blocks = Array.from({ length: nLayers }, () => ({
      norm1: new LayerNorm(dModel, 1e-5),
      attention: new MultiHeadAttention(dModel, nHeads, rng.fork(), { bias: false }),
      norm2: new LayerNorm(dModel, 1e-5),
      feedForward: new FeedForward(dModel, dFF, rng.fork()),
    }));
    this.finalNorm = new LayerNorm(dModel, 1e-5);
    this.output = new Linear(dModel, vocabSize, rng.fork(), { bias: false, name: "output" });
    this.mask = causalMask(seqLength);
  }

  /** The loss of one batch: ids [B][T] predict targets (B * T of them). */
  loss(ids: number[][], targets: tf.Tensor1D): tf.Scalar {
    const { batchSize, seqLength, vocabSize } = this.config;
    return tf.tidy(() => {
      let x = tf.add(this.embedding.embed(ids), this.positions); // [B, T, dModel]
      for (const b of this.blocks) {
        x = tf.add(x, b.attention.apply(b.norm1.apply(x), undefined, this.mask).output); // [B, T, dModel]
        x = tf.add(x, b.feedForward.apply(b.norm2.apply(x))); // [B, T, dModel]
      }
      const logits = this.output.apply(this.finalNorm.apply(x)).reshape([batchSize * seqLength, vocabSize]); // [B * T, V]
      return crossEntropy(logits as tf.Tensor2D, targets);
    });
  }

  parameters(): tf.Variable[] {
    return [
      ...this.embedding.parameters(),
      this.positions,
      ...this.blocks.flatMap((b) => [...b.norm1.parameters(), ...b.attention.parameters(), ...b.norm2.parameters(), ...b.feedForward.parameters()]),
      ...this.finalNorm.parameters(),
      ...this.output.parameters(),
    ];
  }

  dispose(): void {
    tf.dispose([...this.parameters(), this.mask]);
  }
}

export interface StepTimes {
  /** Milliseconds of each timed step (after the warm-up). */
  ms: number[];
  tensorsBefore: number;
  tensorsAfter: number;
  params: number;
}

/**
 * Trains `model` on one fixed random batch: `warmup` untimed steps, then
 * `steps` timed ones, through the library's `train` loop and `Adam`.
 * `tensorsBefore` is the live tensor count after step 10 (or, in a shorter
 * run, the one before the last), `tensorsAfter` after the last: equal when
 * nothing leaks.
 */
export async function timeSteps(config: ReferenceConfig, warmup: number, steps: number, seed = 0): Promise<StepTimes> {
  const model = new ReferenceModel(config, seed);
  const rng = new Rng(seed + 1);
  const { batchSize, seqLength, vocabSize } = config;
  const ids = Array.from({ length: batchSize }, () => Array.from({ length: seqLength }, () => rng.int(vocabSize)));
  const targets = tf.tensor1d(Array.from({ length: batchSize * seqLength }, () => rng.int(vocabSize)), "int32");
  const optimizer = new Adam({ beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
  const total = warmup + steps;
  if (!(warmup >= 1 && steps >= 1)) throw new Error(`timeSteps needs at least 1 warm-up step and 1 timed step, got ${warmup} and ${steps}`);
  const countAt = Math.min(10, total - 1);
  const ends: number[] = [];
  let tensorsBefore = 0;
  try {
    await train({
      model,
      loss: () => model.loss(ids, targets),
      batches: [null],
      steps: total,
      optimizer,
      learningRate: 1e-3,
      clipNorm: null,
      yieldMs: Infinity,
      onStep: (info) => {
        ends.push(performance.now());
        if (info.step === countAt) tensorsBefore = tf.memory().numTensors;
      },
    });
    const tensorsAfter = tf.memory().numTensors;
    const ms = ends.slice(warmup).map((t, i) => t - ends[warmup + i - 1]);
    const params = model.parameters().reduce((n, v) => n + v.size, 0);
    return { ms, tensorsBefore, tensorsAfter, params };
  } finally {
    model.dispose();
    optimizer.dispose();
    targets.dispose();
  }
}
