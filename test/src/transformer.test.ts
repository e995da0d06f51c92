import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Adam } from "../../src/adam";
import { makeBatch, makeBatches, type Seq2SeqPair } from "../../src/batch";
import { makeConfig } from "../../src/config";
import { countParameters } from "../../src/module";
import { randomNormal } from "../../src/random";
import { train } from "../../src/train";
import { makeTransformer } from "../../src/transformer";
import { expectClose, expectNoLeak, useBackend } from "./tf-helpers";

useBackend();

// V 11, d 16, 2 heads, dFF 32, N 1
const CONFIG = makeConfig({ vocabSize: 11, dModel: 16, nHeads: 2, dFF: 32, nLayers: 1, maxLen: 16, dropout: 0, seed: 1 });
const SPECIALS = { pad: 0, bos: 1, eos: 2 };
const I = -Infinity;

// Two pairs of different lengths, so both source and target need padding.
const PAIRS: Seq2SeqPair[] = [
  { source: [3, 4, 5], target: [6, 7, 2] },
  { source: [8], target: [9, 2] },
];

describe("batches for teacher forcing", () => {
  it("makeBatch on a literal: decoderInput = [bos, ...target without its last], labels = target, both padded", () => {
    expect(makeBatch(PAIRS, SPECIALS)).toEqual({
      source: [[3, 4, 5], [8, 0, 0]],
      decoderInput: [[1, 6, 7], [1, 9, 0]],
      labels: [[6, 7, 2], [9, 2, 0]],
      tokens: 5, // 3 + 2 real target tokens
    });
  });

  it("a single one-token target gives decoderInput [bos] and no padding", () => {
    expect(makeBatch([{ source: [4], target: [2] }], SPECIALS)).toEqual({ source: [[4]], decoderInput: [[1]], labels: [[2]], tokens: 1 });
  });

  it("makeBatch throws for no pairs or an empty sequence", () => {
    expect(() => makeBatch([], SPECIALS)).toThrow("makeBatch needs at least one pair");
    expect(() => makeBatch([PAIRS[0], { source: [3], target: [] }], SPECIALS)).toThrow("pair 1 has an empty source or target");
    expect(() => makeBatch([{ source: [], target: [3] }], SPECIALS)).toThrow("pair 0 has an empty source or target");
  });

  it("makeBatches cuts into batchSize (the last smaller), covers every pair once, and is deterministic by seed", () => {
    const pairs: Seq2SeqPair[] = Array.from({ length: 7 }, (_, i) => ({ source: [3 + i], target: [3 + i, 2] }));
    const a = makeBatches(pairs, 3, SPECIALS, 5);
    expect(a.map((b) => b.source.length)).toEqual([3, 3, 1]); // 7 = 3 + 3 + 1
    expect(a.flatMap((b) => b.source.map((s) => s[0])).sort((x, y) => x - y)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(a.reduce((n, b) => n + b.tokens, 0)).toBe(14); // 7 targets of 2 tokens
    expect(makeBatches(pairs, 3, SPECIALS, 5)).toEqual(a);
    const other = makeBatches(pairs, 3, SPECIALS, 6);
    expect(other.flatMap((b) => b.source.map((s) => s[0]))).not.toEqual(a.flatMap((b) => b.source.map((s) => s[0])));
    // seed null keeps the order
    expect(makeBatches(pairs, 3, SPECIALS, null).map((b) => b.source)).toEqual([[[3], [4], [5]], [[6], [7], [8]], [[9]]]);
    expect(() => makeBatches(pairs, 0, SPECIALS)).toThrow("batchSize must be a positive integer, got 0");
    expect(() => makeBatches(pairs, 1.5, SPECIALS)).toThrow("batchSize must be a positive integer, got 1.5");
  });
});

describe("the whole encoder-decoder", () => {
  it("counts parameters as worked by hand, tied and untied", () => {
    // d = 16, dFF = 32, V = 11, one layer each
    // embedding V*d = 176, once (source, target and the tied output share it)
    // attention 4 * (d*d + d) = 4 * 272 = 1088; FFN d*dFF + dFF + dFF*d + d = 512 + 32 + 512 + 16 = 1072; a norm 2d = 32
    // encoder layer: 1088 + 1072 + 2 * 32 = 2224
    // decoder layer: 2 * 1088 + 1072 + 3 * 32 = 3344
    // tied: 176 + 2224 + 3344 = 5744
    // untied adds the generator d*V + V = 176 + 11 = 187: 5931
    // pre-norm adds a final norm to each stack: 5744 + 2 * 32 = 5808
    const tied = makeTransformer(CONFIG);
    const untied = makeTransformer(CONFIG, { tieWeights: false });
    const pre = makeTransformer(makeConfig({ norm: "pre" }, CONFIG));
    expect(countParameters(tied)).toBe(5744);
    expect(countParameters(untied)).toBe(5931);
    expect(countParameters(pre)).toBe(5808);
    expect(tied.output).toBeNull();
    expect(untied.output).not.toBeNull();
    // every variable listed once (the tied table is not listed twice)
    expect(new Set(tied.parameters()).size).toBe(tied.parameters().length);
    [tied, untied, pre].forEach((m) => m.dispose());
  });

  it("forward gives logits [B, Tt, V] and every attention's weights, Ts != Tt", () => {
    const model = makeTransformer(makeConfig({ nLayers: 2 }, CONFIG));
    const batch = { source: [[3, 4, 5, 6, 7], [8, 9, 0, 0, 0]], decoderInput: [[1, 6, 7], [1, 9, 0]] }; // Ts 5, Tt 3
    expectNoLeak(() => model.forward(batch), (r) => {
      expect(r.logits.shape).toEqual([2, 3, 11]);
      expect(r.encoderWeights.map((w) => w.shape)).toEqual([[2, 2, 5, 5], [2, 2, 5, 5]]);
      expect(r.decoderWeights.map((w) => w.shape)).toEqual([[2, 2, 3, 3], [2, 2, 3, 3]]);
      expect(r.crossWeights.map((w) => w.shape)).toEqual([[2, 2, 3, 5], [2, 2, 3, 5]]);
      // the padded source keys of row 1 (positions 2..4) get exactly 0 cross weight
      for (const w of r.crossWeights) for (const head of (w.arraySync() as number[][][][])[1]) for (const row of head) expect(row.slice(2)).toEqual([0, 0, 0]);
    });
    model.dispose();
  });

  it("embed is the table row times sqrt(dModel) plus the sinusoid of its position", () => {
    const model = makeTransformer(CONFIG);
    const table = model.embedding.table.arraySync() as number[][];
    // PE(pos, 2i) = sin(pos / 10000^(2i/16)), PE(pos, 2i+1) = cos(same); sqrt(16) = 4
    const pe = (pos: number, dim: number) => {
      const angle = pos / 10000 ** ((2 * Math.floor(dim / 2)) / 16);
      return dim % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    };
    const expected = [[5, 3].map((id, pos) => table[id].map((x, dim) => 4 * x + pe(pos, dim)))];
    expectNoLeak(() => model.embed([[5, 3]]), (x) => expectClose(x, expected));
    expect(() => model.embed([new Array<number>(17).fill(3)])).toThrow("a sequence of 17 tokens is longer than maxLen 16");
    model.dispose();
  });

  it("encode returns the source padding mask [B, 1, 1, Ts]", () => {
    const model = makeTransformer(CONFIG);
    expectNoLeak(() => model.encode([[3, 4, 0]]), (r) => {
      expect(r.memory.shape).toEqual([1, 3, 16]);
      expect(r.memoryMask.arraySync()).toEqual([[[[0, 0, I]]]]);
    });
    model.dispose();
  });

  it("tied projection is hidden x table^T, computed independently with tf.matMul", () => {
    const model = makeTransformer(CONFIG);
    const hidden = randomNormal([2, 3, 16], 4);
    expectNoLeak(() => model.project(hidden), (logits) => {
      const expected = tf.matMul(hidden.reshape([6, 16]), model.embedding.table, false, true).reshape([2, 3, 11]);
      expectClose(logits, expected.arraySync());
    });
    hidden.dispose();
    model.dispose();
  });

  it("padding the source further changes no logit (padded keys are masked everywhere)", () => {
    const model = makeTransformer(CONFIG);
    const decoderInput = [[1, 6, 7]];
    expectNoLeak(() => [model.forward({ source: [[3, 4, 5]], decoderInput }), model.forward({ source: [[3, 4, 5, 0, 0]], decoderInput })], ([a, b]) =>
      expectClose(b.logits, a.logits.arraySync()),
    );
    model.dispose();
  });

  it("the loss is the mean -log softmax of the labels over real tokens, computed independently", () => {
    const model = makeTransformer(CONFIG);
    const batch = makeBatch(PAIRS, SPECIALS);
    const expected = tf.tidy(() => {
      const logP = tf.logSoftmax(model.forward(batch).logits).arraySync() as number[][][];
      let sum = 0;
      batch.labels.forEach((row, b) => row.forEach((label, t) => { if (label !== SPECIALS.pad) sum -= logP[b][t][label]; }));
      return sum / 5; // 5 real target tokens
    });
    expectNoLeak(() => model.loss(batch), (l) => expectClose(l, expected));
    model.dispose();
  });

  it("every parameter gets a gradient from the loss, the tied table from both its uses", () => {
    const model = makeTransformer(CONFIG);
    const batch = makeBatch(PAIRS, SPECIALS);
    expectNoLeak(() => tf.variableGrads(() => model.loss(batch, { smoothing: 0.1 }), model.parameters()), (g) => {
      expect(Object.keys(g.grads).length).toBe(model.parameters().length);
      for (const v of model.parameters()) expect(tf.any(tf.notEqual(g.grads[v.name], 0)).dataSync()[0], v.name).toBe(1);
    });
    model.dispose();
  });

  it("teacher-forced loss decreases on a tiny fixed batch over 30 Adam steps", async () => {
    const model = makeTransformer(CONFIG);
    const batch = makeBatch(PAIRS, SPECIALS);
    const optimizer = new Adam();
    const r = await train({ model, loss: (b) => model.loss(b), batches: [batch], steps: 30, optimizer, learningRate: 0.01 });
    expect(r.losses.length).toBe(30);
    expect(r.losses[29]).toBeLessThan(r.losses[0] / 2);
    optimizer.dispose();
    model.dispose();
  });

  it("throws when the pad id is outside the vocabulary", () => {
    expect(() => makeTransformer(CONFIG, { pad: 11 })).toThrow("pad id 11 is outside the vocabulary [0, 11)");
    expect(() => makeTransformer(CONFIG, { pad: -1 })).toThrow("pad id -1 is outside the vocabulary [0, 11)");
    expect(() => makeTransformer(CONFIG, { pad: 1.5 })).toThrow("pad id 1.5 is outside the vocabulary [0, 11)");
  });

  it("dispose frees every tensor it made, tied and untied", () => {
    for (const tieWeights of [true, false]) {
      const before = tf.memory().numTensors;
      const model = makeTransformer(CONFIG, { tieWeights });
      expect(tf.memory().numTensors).toBeGreaterThan(before);
      model.dispose();
      expect(tf.memory().numTensors, `tieWeights ${tieWeights}`).toBe(before);
    }
  });

  it("a model is seeded by its config", () => {
    const [a, b] = [makeTransformer(CONFIG), makeTransformer(CONFIG)];
    const batch = makeBatch(PAIRS, SPECIALS);
    expectNoLeak(() => [a.loss(batch), b.loss(batch)], ([la, lb]) => expect(la.dataSync()[0]).toBe(lb.dataSync()[0]));
    a.dispose();
    b.dispose();
  });
});
