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
import { fastKernelsInstalled } from "./wasm/fast-kernels";
import { glorotUniform, type RandomSource, toRng } from "./random";

type CustomGrad = (...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
};

/** Whether transpose flags are fast here: everywhere but on the shipped wasm kernels. */
function transposeFlagsAreFast(): boolean {
  return tf.getBackend() !== "wasm" || fastKernelsInstalled();
}

const productWithGrad = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), // [m, n]
    gradFunc: (dy, [sa, sb]) =>
      transposeFlagsAreFast()
        ? [
            tf.matMul(dy as tf.Tensor2D, sb as tf.Tensor2D, false, true), // dA = dY B^T, [m, k]
            tf.matMul(sa as tf.Tensor2D, dy as tf.Tensor2D, true, false), // dB = A^T dY, [k, n]
          ]
        : [
            tf.matMul(dy as tf.Tensor2D, tf.transpose(sb) as tf.Tensor2D), // dA = dY B^T, [m, k]
            tf.matMul(tf.transpose(sa) as tf.Tensor2D, dy as tf.Tensor2D), // dB = A^T dY, [k, n]
          ],
  };
}) as CustomGrad);

/**
 * The 2-d product a [m, k] x b [k, n] -> [m, n], with its gradient
 * dA = dY B^T, dB = A^T dY. On the wasm backend as shipped, a product with a
 * transpose flag runs about ten times slower than a plain one, so there the
 * gradient transposes explicitly (a cheap copy) and multiplies plainly; with
 * the fast kernels (`src/wasm/`) and on other backends it passes the flags,
 * and the kernel picks the faster way round (see "Training speed" in the README).
 */
export function matMul2d(a: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[0]) {
    throw new Error(`matMul2d needs [m, k] x [k, n], got [${a.shape.join(", ")}] x [${b.shape.join(", ")}]`);
  }
  return productWithGrad(a, b) as tf.Tensor2D;
}

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
      let y: tf.Tensor = matMul2d(rows, this.weight); // [rows, dOut]
      if (this.bias) y = tf.add(y, this.bias);
      return y.reshape([...lead, this.dOut]); // [..., dOut]
    });
  }

  parameters(): tf.Variable[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }
}

