/**
 * Step 6's position-wise feed-forward network,
 *
 *   FFN(x) = max(0, x W1 + b1) W2 + b2
 *
 * applied to every token vector on its own, with the same weights: W1
 * [dModel, dFF] widens, the activation bends, W2 [dFF, dModel] narrows back.
 * (The article writes ReLU(max(0, .)): the ReLU *is* the max(0, .), applied once.)
 *
 * `activation: "gelu"` (for later, BERT/GPT-style models) uses the sigmoid
 * approximation x * sigmoid(1.702 x) of GELU: within 0.02 of the exact
 * x * Phi(x), and much cheaper than tanh or erf on the wasm backend.
 */
import * as tf from "@tensorflow/tfjs";
import type { Activation } from "./config";
import { Linear } from "./linear";
import type { Module } from "./module";
import { toRng, type RandomSource } from "./random";

/** The activation between the two layers. */
export function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  if (activation === "relu") return tf.relu(x);
  if (activation === "gelu") return tf.tidy(() => tf.mul(x, tf.sigmoid(tf.mul(x, 1.702))));
  throw new Error(`unknown activation ${String(activation)} (use "relu" or "gelu")`);
}

export interface FeedForwardOptions {
  activation?: Activation;
  /** Fixed weights (the article's worked example): W1 [dModel][dFF], b1 [dFF], W2 [dFF][dModel], b2 [dModel]. */
  weights?: { W1: number[][]; b1: number[]; W2: number[][]; b2: number[] };
}

export interface FeedForwardSteps {
  /** x W1 + b1, [..., dFF]. */
  hidden: tf.Tensor;
  /** The activation of hidden, [..., dFF]. */
  activated: tf.Tensor;
  /** activated W2 + b2, [..., dModel]. */
  output: tf.Tensor;
}

export class FeedForward implements Module {
  readonly layer1: Linear; // W1 [dModel, dFF], b1 [dFF]
  readonly layer2: Linear; // W2 [dFF, dModel], b2 [dModel]
  readonly activation: Activation;

  constructor(readonly dModel: number, readonly dFF: number, seed: RandomSource, options: FeedForwardOptions = {}) {
    const rng = toRng(seed);
    const w = options.weights;
    this.activation = options.activation ?? "relu";
    this.layer1 = new Linear(dModel, dFF, rng.fork(), w ? { name: "W1", weight: w.W1, biasValues: w.b1 } : { name: "W1" });
    this.layer2 = new Linear(dFF, dModel, rng.fork(), w ? { name: "W2", weight: w.W2, biasValues: w.b2 } : { name: "W2" });
  }

  /** Each intermediate tensor, for showing; x [..., dModel]. */
  steps(x: tf.Tensor): FeedForwardSteps {
    return tf.tidy(() => {
      const hidden = this.layer1.apply(x); // [..., dFF]
      const activated = activate(hidden, this.activation); // [..., dFF]
      const output = this.layer2.apply(activated); // [..., dModel]
      return { hidden, activated, output };
    }) as unknown as FeedForwardSteps;
  }

  /** FFN(x), [..., dModel] -> [..., dModel]. */
  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.layer2.apply(activate(this.layer1.apply(x), this.activation)));
  }

  parameters(): tf.Variable[] {
    return [...this.layer1.parameters(), ...this.layer2.parameters()];
  }
}
