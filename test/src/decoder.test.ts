import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { makeConfig } from "../../src/config";
import { Decoder, DecoderLayer } from "../../src/decoder";
import { causalMask } from "../../src/masks";
import { countParameters, disposeModule } from "../../src/module";
import { randomNormal, Rng } from "../../src/random";
import { expectClose, expectNoLeak, TOL, useBackend } from "./tf-helpers";

useBackend();

// dModel 16, 2 heads of 8, dFF 32, 2 layers
const CONFIG = makeConfig({ vocabSize: 11, dModel: 16, nHeads: 2, dFF: 32, nLayers: 2, maxLen: 16, dropout: 0, seed: 1 });
const I = -Infinity;

/** [B, 1, 1, Ts] additive mask hiding the keys marked false. */
function keyMask(allowed: boolean[][]): tf.Tensor {
  return tf.tensor4d(allowed.flat().map((a) => (a ? 0 : I)), [allowed.length, 1, 1, allowed[0].length]);
}

describe("decoder layer", () => {
  it("maps y [B, Tt, dModel] to the same shape; self weights [B, H, Tt, Tt], cross weights [B, H, Tt, Ts] with Ts != Tt", () => {
    const layer = new DecoderLayer(CONFIG, 2);
    const y = randomNormal([2, 3, 16], 1); // Tt = 3
    const memory = randomNormal([2, 5, 16], 2); // Ts = 5
    expectNoLeak(() => layer.apply(y, memory), (r) => {
      expect(r.output.shape).toEqual([2, 3, 16]);
      expect(r.selfWeights.shape).toEqual([2, 2, 3, 3]);
      expect(r.crossWeights.shape).toEqual([2, 2, 3, 5]);
      expectClose(tf.sum(r.crossWeights, -1), tf.ones([2, 2, 3]).arraySync()); // rows sum to 1
    });
    tf.dispose([y, memory]);
    disposeModule(layer);
  });

  it("has two attentions, one FFN and three layer norms", () => {
    const layer = new DecoderLayer(CONFIG, 2);
    // d = 16, dFF = 32
    // each attention: 4 projections of d*d + d = 4 * (256 + 16) = 1088; two of them: 2176
    // FFN: d*dFF + dFF + dFF*d + d = 512 + 32 + 512 + 16 = 1072
    // three layer norms of gain and bias: 3 * 2 * 16 = 96
    // 2176 + 1072 + 96 = 3344
    expect(countParameters(layer)).toBe(3344);
    expect(layer.parameters().length).toBe(2 * 8 + 4 + 3 * 2); // 8 tensors per attention, 4 in the FFN, 2 per norm
    disposeModule(layer);
  });
});

describe("decoder stack", () => {
  it("returns [B, Tt, dModel] and one self and one cross weight tensor per layer", () => {
    const dec = new Decoder(CONFIG, 3);
    const y = randomNormal([2, 4, 16], 1);
    const memory = randomNormal([2, 6, 16], 2);
    expectNoLeak(() => dec.apply(y, memory), (r) => {
      expect(r.output.shape).toEqual([2, 4, 16]);
      expect(r.selfWeights.map((w) => w.shape)).toEqual([[2, 2, 4, 4], [2, 2, 4, 4]]);
      expect(r.crossWeights.map((w) => w.shape)).toEqual([[2, 2, 4, 6], [2, 2, 4, 6]]);
    });
    tf.dispose([y, memory]);
    disposeModule(dec);
  });

  it("causal: changing a later target token does not change earlier positions' outputs", () => {
    const dec = new Decoder(CONFIG, 3);
    const memory = randomNormal([1, 5, 16], 2);
    const y = randomNormal([1, 4, 16], 1);
    // the same first three positions, a different vector at position 3
    const changed = tf.tidy(() => tf.concat([y.slice([0, 0, 0], [1, 3, 16]), randomNormal([1, 1, 16], 9)], 1));
    const mask = causalMask(4);
    const first = (t: tf.Tensor, n: number) => t.slice([0, 0, 0], [1, n, 16]);
    const maxDiff = (p: tf.Tensor, q: tf.Tensor) => tf.max(tf.abs(tf.sub(p, q))).dataSync()[0];
    tf.tidy(() => {
      const a = dec.apply(y, memory, { targetMask: mask });
      const b = dec.apply(changed, memory, { targetMask: mask });
      expectClose(first(b.output, 3), first(a.output, 3).arraySync());
      // the changed position itself does change, by far more than the tolerance
      expect(maxDiff(a.output.slice([0, 3, 0], [1, 1, 16]), b.output.slice([0, 3, 0], [1, 1, 16]))).toBeGreaterThan(1e-2);
      // masked self weights are exactly 0 above the diagonal in every layer and head
      for (const w of a.selfWeights) {
        for (const head of (w.arraySync() as number[][][][])[0]) head.forEach((row, i) => row.forEach((x, j) => j > i && expect(x).toBe(0)));
      }
      // without the mask position 0 reads position 3, so its output changes too
      expect(maxDiff(first(dec.apply(y, memory).output, 1), first(dec.apply(changed, memory).output, 1))).toBeGreaterThan(TOL);
    });
    tf.dispose([memory, y, changed, mask]);
    disposeModule(dec);
  });

  it("source padding: cross weights on padded source keys are exactly 0, and the padded memory is never read", () => {
    const dec = new Decoder(CONFIG, 4);
    const y = randomNormal([2, 3, 16], 1);
    const memory = randomNormal([2, 5, 16], 2);
    // row 0: 5 real source tokens; row 1: 3 real, 2 padding
    const memoryMask = keyMask([[true, true, true, true, true], [true, true, true, false, false]]);
    // the same memory with the padded positions of row 1 replaced by other numbers
    const other = tf.tidy(() => {
      const keep = tf.tensor3d([1, 1, 1, 1, 1, 1, 1, 1, 0, 0], [2, 5, 1]);
      return tf.add(tf.mul(memory, keep), tf.mul(randomNormal([2, 5, 16], 8), tf.sub(1, keep)));
    });
    const a = dec.apply(y, memory, { memoryMask });
    const b = dec.apply(y, other, { memoryMask });
    for (const w of a.crossWeights) {
      for (const head of (w.arraySync() as number[][][][])[1]) for (const row of head) expect([row[3], row[4]]).toEqual([0, 0]);
      expectClose(tf.sum(w, -1), tf.ones([2, 2, 3]).arraySync());
    }
    expectClose(b.output, a.output.arraySync());
    tf.dispose([y, memory, memoryMask, other, a.output, ...a.selfWeights, ...a.crossWeights, b.output, ...b.selfWeights, ...b.crossWeights]);
    disposeModule(dec);
  });

  it("is seeded: the same seed gives the same output, another seed another", () => {
    const y = randomNormal([1, 3, 16], 1);
    const memory = randomNormal([1, 4, 16], 2);
    const [a, b, c] = [new Decoder(CONFIG, 7), new Decoder(CONFIG, 7), new Decoder(CONFIG, 8)];
    expectNoLeak(() => [a.apply(y, memory), b.apply(y, memory), c.apply(y, memory)], ([ra, rb, rc]) => {
      expect(ra.output.arraySync()).toEqual(rb.output.arraySync());
      expect(ra.output.arraySync()).not.toEqual(rc.output.arraySync());
    });
    tf.dispose([y, memory]);
    [a, b, c].forEach(disposeModule);
  });

  it("pre-norm has a final layer norm (two more parameter tensors); post-norm has none", () => {
    const post = new Decoder(CONFIG, 1);
    const pre = new Decoder(makeConfig({ norm: "pre" }, CONFIG), 1);
    expect(post.finalNorm).toBeNull();
    expect(pre.finalNorm).not.toBeNull();
    expect(pre.parameters().length).toBe(post.parameters().length + 2);
    expect(countParameters(pre)).toBe(countParameters(post) + 2 * 16); // gain and bias of width dModel
    // either way the last operation is a layer norm with gain 1 and bias 0 at init: rows have mean 0, variance 1
    const y = randomNormal([1, 3, 16], 1, 3);
    const memory = randomNormal([1, 4, 16], 2);
    expectNoLeak(() => pre.apply(y, memory), (r) => {
      const { mean, variance } = tf.moments(r.output, -1);
      expectClose(mean, [[0, 0, 0]]);
      expectClose(variance, [[1, 1, 1]], 1e-3);
    });
    tf.dispose([y, memory]);
    disposeModule(post);
    disposeModule(pre);
  });

  it("trains: every parameter gets a gradient with dropout on and seeded, without leaking", () => {
    const dec = new Decoder(makeConfig({ dropout: 0.1 }, CONFIG), 5);
    const y = randomNormal([2, 3, 16], 1);
    const memory = randomNormal([2, 4, 16], 2);
    const mask = causalMask(3);
    expectNoLeak(
      () => tf.variableGrads(() => tf.tidy(() => {
        const r = dec.apply(y, memory, { targetMask: mask, training: true, rng: new Rng(1) });
        return tf.mean(tf.square(r.output)) as tf.Scalar;
      })),
      (g) => expect(Object.keys(g.grads).length).toBe(dec.parameters().length),
    );
    expect(() => dec.apply(y, memory, { training: true })).toThrow("dropout while training needs a seeded Rng");
    tf.dispose([y, memory, mask]);
    disposeModule(dec);
  });

  it("throws when the shapes do not fit, with a message naming them", () => {
    const dec = new Decoder(CONFIG, 1);
    const y = tf.zeros([2, 3, 16]);
    const memory = tf.zeros([2, 5, 16]);
    const flat = tf.zeros([3, 16]);
    const narrow = tf.zeros([2, 5, 8]);
    const otherBatch = tf.zeros([1, 5, 16]);
    expect(() => dec.apply(flat, memory)).toThrow("the decoder expects targets [batch, seq, 16], got [3, 16]");
    expect(() => dec.apply(narrow, memory)).toThrow("the decoder expects targets [batch, seq, 16], got [2, 5, 8]");
    expect(() => dec.apply(y, narrow)).toThrow("the decoder expects memory [2, sourceSeq, 16], got [2, 5, 8]");
    expect(() => dec.apply(y, otherBatch)).toThrow("the decoder expects memory [2, sourceSeq, 16], got [1, 5, 16]");
    tf.dispose([y, memory, flat, narrow, otherBatch]);
    disposeModule(dec);
  });
});
