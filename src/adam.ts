/**
 * Adam (Kingma and Ba), with the paper's settings as defaults: beta1 0.9,
 * beta2 0.98, epsilon 1e-9 (section 5.3). For every parameter p with gradient g
 * at step t:
 *
 *   m = beta1 m + (1 - beta1) g           running mean of the gradient
 *   v = beta2 v + (1 - beta2) g^2         running mean of its square
 *   p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 *
 * The learning rate is passed at each step, so any schedule (a pure function
 * of the step, see `src/learning-rate.ts`) can drive it. The moments are
 * variables made once, so a step leaves the number of live tensors unchanged.
 */
import * as tf from "@tensorflow/tfjs";

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** What `train` needs of an optimizer. */
export interface Optimizer {
  /** Updates each variable from its gradient (same order) with this learning rate. */
  update(variables: readonly tf.Variable[], gradients: readonly tf.Tensor[], learningRate: number): void;
  /** Frees the optimizer's state. */
  dispose(): void;
}

export class Adam implements Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private t = 0;
  private readonly moments = new Map<tf.Variable, { m: tf.Variable; v: tf.Variable }>();

  constructor(options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.98;
    this.epsilon = options.epsilon ?? 1e-9;
    for (const [name, b] of [["beta1", this.beta1], ["beta2", this.beta2]] as const) {
      if (!(b >= 0 && b < 1)) throw new Error(`Adam ${name} must be in [0, 1), got ${b}`);
    }
    if (!(this.epsilon > 0)) throw new Error(`Adam epsilon must be positive, got ${this.epsilon}`);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  update(variables: readonly tf.Variable[], gradients: readonly tf.Tensor[], learningRate: number): void {
    if (variables.length !== gradients.length) throw new Error(`Adam.update: ${variables.length} variables but ${gradients.length} gradients`);
    if (!Number.isFinite(learningRate) || learningRate < 0) throw new Error(`learning rate must be a finite number >= 0, got ${learningRate}`);
    this.t += 1;
    const { beta1, beta2, epsilon } = this;
    const c1 = 1 - beta1 ** this.t; // bias corrections
    const c2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      variables.forEach((p, i) => {
        const g = gradients[i];
        const state = this.state(p);
        const m = tf.add(tf.mul(state.m, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(state.v, beta2), tf.mul(tf.square(g), 1 - beta2));
        state.m.assign(m);
        state.v.assign(v);
        const stepSize = tf.div(tf.mul(m, learningRate / c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
        p.assign(tf.sub(p, stepSize));
      });
    });
  }

  private state(p: tf.Variable): { m: tf.Variable; v: tf.Variable } {
    let s = this.moments.get(p);
    if (!s) {
      s = tf.tidy(() => ({ m: tf.variable(tf.zerosLike(p), false), v: tf.variable(tf.zerosLike(p), false) }));
      this.moments.set(p, s);
    }
    return s;
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}
