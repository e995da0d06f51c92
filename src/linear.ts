/**
 * The linear transformation y = x W + b that every projection in the model
 * uses (Q = X W_Q, the FFN's two layers, W_O).
 *
 * x may have any leading dimensions, [..., dIn]; it is flattened to rows before
 * the product, [rows, dIn] x [dIn, dOut], and reshaped back. (A 2-d product is
 * the fast case on wasm, and tfjs 4.22's gradient of a 3-d x 2-d matMul has a
 * shape bug.)
 */
import * as tf from "@tensorflow/tfjs";
import { makeVariable, type Module } from "./module";
import { glorotUniform, type RandomSource, toRng } from "./random";

export interface LinearOptions {
  /** Add a bias b (default true). */
  bias?: boolean;
  /** Name prefix for the variables (shown by tfjs in errors). */
  name?: string;
  /** Initial weight [dIn, dOut] instead of a random one (copied). */
  weight?: number[][];
  /** Initial bias [dOut] instead of zeros (copied). */
  biasValues?: number[];
}

export class Linear implements Module {
  readonly weight: tf.Variable; // [dIn, dOut]
  readonly bias: tf.Variable | null; // [dOut]

  constructor(readonly dIn: number, readonly dOut: number, seed: RandomSource, options: LinearOptions = {}) {
    for (const [n, v] of [["dIn", dIn], ["dOut", dOut]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Linear ${n} must be a positive integer, got ${v}`);
    }
    const name = options.name ?? "linear";
    if (options.weight) {
      const rows = options.weight.length;
      const cols = rows ? options.weight[0].length : 0;
      if (rows !== dIn || options.weight.some((r) => r.length !== dOut)) {
        throw new Error(`${name}: weight must be [${dIn}, ${dOut}], got [${rows}, ${cols}]`);
      }
      this.weight = makeVariable(tf.tensor2d(options.weight), `${name}_W`);
    } else {
      this.weight = makeVariable(glorotUniform(dIn, dOut, toRng(seed)), `${name}_W`);
    }
    if (options.bias === false) this.bias = null;
    else {
      const b = options.biasValues;
      if (b && b.length !== dOut) throw new Error(`${name}: bias must have ${dOut} values, got ${b.length}`);
      this.bias = makeVariable(b ? tf.tensor1d(b) : tf.zeros([dOut]), `${name}_b`);
    }
  }

  /** x [..., dIn] -> [..., dOut]. */
  apply(x: tf.Tensor): tf.Tensor {
    const last = x.shape[x.rank - 1];
    if (last !== this.dIn) throw new Error(`Linear expects last dimension ${this.dIn}, got input of shape [${x.shape.join(", ")}]`);
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const rows = x.reshape([-1, this.dIn]); // [rows, dIn]
      let y = tf.matMul(rows, this.weight); // [rows, dOut]
      if (this.bias) y = tf.add(y, this.bias);
      return y.reshape([...lead, this.dOut]); // [..., dOut]
    });
  }

  parameters(): tf.Variable[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }
}

