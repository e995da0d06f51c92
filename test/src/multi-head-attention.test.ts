import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { scaledDotProductAttention } from "../../src/attention";
import { countParameters, disposeModule } from "../../src/module";
import { mergeHeads, MultiHeadAttention, splitHeads } from "../../src/multi-head-attention";
import { randomNormal } from "../../src/random";
import { blockDiagonal, identityMatrix, SplitHeadAttention } from "../../src/split-head-attention";
import { expectClose, expectNoLeak, useBackend } from "./tf-helpers";

useBackend();

describe("splitHeads / mergeHeads", () => {
  it("gives head i the columns i*dK .. (i+1)*dK - 1, and merging undoes it", () => {
    // one batch, one token, width 6 = 3 heads of 2
    const x = tf.tensor3d([[[0, 1, 2, 3, 4, 5]]]);
    expectNoLeak(() => splitHeads(x, 3), (h) => {
      expect(h.shape).toEqual([1, 3, 1, 2]);
      expectClose(h, [[[[0, 1]], [[2, 3]], [[4, 5]]]]);
      expectClose(mergeHeads(h), x.arraySync());
    });
    expect(() => splitHeads(x, 4)).toThrow("width divisible by nHeads 4");
    x.dispose();
  });
});

describe("MultiHeadAttention", () => {
  it("throws when dModel % nHeads != 0", () => {
    expect(() => new MultiHeadAttention(10, 4, 0)).toThrow("dModel 10 is not divisible by nHeads 4");
  });

  it("has 4 (dModel^2 + dModel) parameters", () => {
    const mha = new MultiHeadAttention(8, 2, 0);
    expect(countParameters(mha)).toBe(4 * (64 + 8)); // W_Q, W_K, W_V, W_O with biases
    disposeModule(mha);
  });

  it("returns every head's weights: batched [B, H, Tq, Tk] and unbatched [H, T, T]", () => {
    const mha = new MultiHeadAttention(8, 2, 1);
    const x = randomNormal([3, 5, 8], 2);
    const memory = randomNormal([3, 7, 8], 3);
    expectNoLeak(() => mha.apply(x), (r) => {
      expect(r.output.shape).toEqual([3, 5, 8]);
      expect(r.weights.shape).toEqual([3, 2, 5, 5]);
      expectClose(tf.sum(r.weights, -1), tf.ones([3, 2, 5]).arraySync()); // rows sum to 1
    });
    expectNoLeak(() => mha.apply(x, memory), (r) => {
      expect(r.output.shape).toEqual([3, 5, 8]); // one output per query
      expect(r.weights.shape).toEqual([3, 2, 5, 7]); // queries from x, keys from memory
    });
    const one = x.slice([0, 0, 0], [1, 5, 8]);
    const oneUnbatched = one.squeeze([0]);
    expectNoLeak(() => mha.apply(oneUnbatched), (r) => {
      expect(r.output.shape).toEqual([5, 8]);
      expect(r.weights.shape).toEqual([2, 5, 5]);
      const batched = mha.apply(one);
      expectClose(r.output, (batched.output.arraySync() as number[][][])[0]);
    });
    tf.dispose([x, memory, one, oneUnbatched]);
    disposeModule(mha);
  });

  it("multi-head with 1 head = single attention with the same weights", () => {
    const I = identityMatrix(4);
    const mha = new MultiHeadAttention(4, 1, 5, { bias: false, wO: I });
    const x = randomNormal([1, 6, 4], 6);
    expectNoLeak(() => mha.apply(x), (r) => {
      const x2 = x.reshape([6, 4]);
      const single = scaledDotProductAttention(tf.matMul(x2, mha.wQ.weight), tf.matMul(x2, mha.wK.weight), tf.matMul(x2, mha.wV.weight));
      expectClose(r.output.reshape([6, 4]), single.output.arraySync());
      expectClose(r.weights.reshape([6, 6]), single.weights.arraySync());
    });
    x.dispose();
    disposeModule(mha);
  });

  it("a padding mask gives the masked keys exactly 0 weight in every head", () => {
    const mha = new MultiHeadAttention(8, 4, 1);
    const x = randomNormal([1, 4, 8], 2);
    const mask = tf.tensor4d([0, 0, -Infinity, -Infinity], [1, 1, 1, 4]); // keys 2 and 3 are padding
    expectNoLeak(() => mha.apply(x, x, mask), (r) => {
      const w = r.weights.arraySync() as number[][][][];
      for (const head of w[0]) for (const row of head) expect([row[2], row[3]]).toEqual([0, 0]);
    });
    tf.dispose([x, mask]);
    disposeModule(mha);
  });

  it("gives every parameter a gradient", () => {
    const mha = new MultiHeadAttention(8, 2, 1);
    const x = randomNormal([2, 3, 8], 2);
    expectNoLeak(() => tf.variableGrads(() => tf.sum(tf.square(mha.apply(x).output)) as tf.Scalar), (r) => {
      expect(Object.keys(r.grads).length).toBe(8);
      for (const g of Object.values(r.grads)) expect(tf.sum(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    });
    x.dispose();
    disposeModule(mha);
  });
});

describe("the article's split-embedding heads", () => {
  it("blockDiagonal places the blocks on the diagonal", () => {
    expect(blockDiagonal([[[1, 2], [3, 4]], [[5]]])).toEqual([[1, 2, 0], [3, 4, 0], [0, 0, 5]]);
  });

  it("equal the paper's heads with block-diagonal projections and W_O = I", () => {
    const split = new SplitHeadAttention(8, 4, 3);
    const paper = new MultiHeadAttention(8, 4, 0, { ...split.asMultiHeadWeights(), bias: false });
    const x = randomNormal([2, 5, 8], 4);
    expectNoLeak(() => [split.apply(x), paper.apply(x)], ([a, b]) => {
      expectClose(a.output, b.output.arraySync());
      expectClose(a.weights, b.weights.arraySync());
    });
    x.dispose();
    disposeModule(split);
    disposeModule(paper);
  });

  it("head 0 sees only the first slice of each embedding", () => {
    const split = new SplitHeadAttention(8, 4, 3);
    const x = randomNormal([1, 5, 8], 4);
    const bumped = tf.add(x, tf.concat([tf.zeros([1, 5, 2]), tf.ones([1, 5, 6])], 2)); // change slices 1-3 only
    expectNoLeak(() => [split.apply(x), split.apply(bumped)], ([a, b]) => {
      const head0 = (t: tf.Tensor) => t.slice([0, 0, 0, 0], [1, 1, 5, 5]);
      expectClose(head0(a.weights), head0(b.weights).arraySync());
      expect(tf.max(tf.abs(tf.sub(a.weights, b.weights))).dataSync()[0]).toBeGreaterThan(1e-3);
    });
    tf.dispose([x, bumped]);
    disposeModule(split);
  });
});

describe("MultiHeadAttention.headVectors", () => {
  it("gives one head's q, k, v: that head's dK columns of x W_Q, x W_K, x W_V", () => {
    // dModel 4, 2 heads of dK 2; W_Q = W_K = W_V = identity, no bias: q = k = v = x, head 1 = columns 2-3
    const eye = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]];
    const mha = new MultiHeadAttention(4, 2, 1, { wQ: eye, wK: eye, wV: eye, wO: eye, bias: false });
    const x = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8]]); // [T = 2, dModel = 4], unbatched
    const before = tf.memory().numTensors;
    const head1 = mha.headVectors(x, x, 1);
    expect(tf.memory().numTensors).toBe(before); // arrays out, no tensor left behind
    expect(head1).toEqual({ q: [[3, 4], [7, 8]], k: [[3, 4], [7, 8]], v: [[3, 4], [7, 8]] });
    expect(mha.headVectors(x).q).toEqual([[1, 2], [5, 6]]); // head 0 by default
    expect(() => mha.headVectors(x, x, 2)).toThrow("head 2 is not in 0..1");
    expect(() => mha.headVectors(x, x, 0, 1)).toThrow("example 1 is not in a batch of 1");
    x.dispose();
    disposeModule(mha);
  });
});
