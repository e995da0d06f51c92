/**
 * Step 1's input embedding: a table with one learnt row of dModel numbers per
 * token id, and a lookup that turns ids into those rows (X in the article).
 *
 * The lookup is a row gather with a hand-written gradient: the gradient of a
 * gather scatters each output row's gradient back onto the row it came from,
 * an `unsortedSegmentSum` of dy by id. The wasm backend as shipped has no such
 * kernel (the fast kernels of `src/wasm/` add it); there the scatter is
 * oneHot(ids)^T x dy, [vocabSize, n] x [n, dModel], which every backend runs.
 */
import * as tf from "@tensorflow/tfjs";
import { makeVariable, type Module } from "./module";
import { randomNormal, type RandomSource } from "./random";

type CustomGrad = (...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
};

/** Rows of `table` [vocabSize, dModel] for int `ids` of any shape -> [...ids.shape, dModel]. */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  if (table.rank !== 2) throw new Error(`embedding table must be 2-d [vocabSize, dModel], got shape [${table.shape.join(", ")}]`);
  const [vocabSize, dModel] = table.shape;
  const idShape = ids.shape;
  return tf.tidy(() => {
    const flat = tf.cast(ids.reshape([-1]), "int32"); // [n]
    const gather = tf.customGrad(((t: tf.Tensor, i: tf.Tensor, save: tf.GradSaveFunc) => {
      save([i]);
      return {
        value: tf.gather(t, i), // [n, dModel]
        gradFunc: (dy, saved) => {
          const [i] = saved as [tf.Tensor1D];
          if (tf.getKernel("UnsortedSegmentSum", tf.getBackend())) return [tf.unsortedSegmentSum(dy, i, vocabSize), tf.zerosLike(i)]; // [vocabSize, dModel]
          const oneHot = tf.cast(tf.oneHot(i, vocabSize), "float32"); // [n, vocabSize]
          return [tf.matMul(tf.transpose(oneHot), dy as tf.Tensor2D), tf.zerosLike(i)]; // [vocabSize, n] x [n, dModel]
        },
      };
    }) as CustomGrad);
    const rows = gather(table, flat) as tf.Tensor; // [n, dModel]
    return rows.reshape([...idShape, dModel]); // [...ids, dModel]
  });
}

export interface EmbeddingOptions {
  /** Standard deviation of the N(0, std^2) initialisation; default 1 (as PyTorch's nn.Embedding). */
  std?: number;
  /** Multiply looked-up rows by this factor (the paper scales by sqrt(dModel)); default 1. */
  scale?: number;
}

/** The embedding table as a module: `embed(ids)` -> [..., dModel]. */
export class Embedding implements Module {
  readonly table: tf.Variable; // [vocabSize, dModel]
  readonly scale: number;

  constructor(readonly vocabSize: number, readonly dModel: number, seed: RandomSource, options: EmbeddingOptions = {}) {
    for (const [n, v] of [["vocabSize", vocabSize], ["dModel", dModel]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new Error(`Embedding ${n} must be a positive integer, got ${v}`);
    }
    this.scale = options.scale ?? 1;
    this.table = makeVariable(randomNormal([vocabSize, dModel], seed, options.std ?? 1), "embedding");
  }

  /** Token ids (a tensor or nested arrays of ints) -> their vectors, [...ids, dModel]. */
  embed(ids: tf.Tensor | number[] | number[][]): tf.Tensor {
    // Arrays are checked as they are; only a tensor's ids have to be read back.
    const values = ids instanceof tf.Tensor ? Array.from(ids.dataSync()) : (ids as (number | number[])[]).flat();
    const bad = values.find((v) => !Number.isInteger(v) || v < 0 || v >= this.vocabSize);
    if (bad !== undefined) throw new RangeError(`token id ${bad} is outside the vocabulary [0, ${this.vocabSize})`);
    return tf.tidy(() => {
      const idTensor = ids instanceof tf.Tensor ? ids : tf.tensor(ids, undefined, "int32");
      const rows = embeddingLookup(this.table, idTensor);
      return this.scale === 1 ? rows : tf.mul(rows, this.scale);
    });
  }

  parameters(): tf.Variable[] {
    return [this.table];
  }
}
