import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeConfig } from "../../src/config";
import { beamSearch, greedyDecode, lengthPenalty } from "../../src/decoding";
import { makeTransformer, type Transformer } from "../../src/transformer";
import { TOL, useBackend } from "./tf-helpers";

useBackend();

// An untrained tiny model: its choices are arbitrary but fixed by the seed. pad 0, bos 1.
// (Untied, seed 7: untrained tied models tend to repeat one token; this one varies its outputs.)
const CONFIG = makeConfig({ vocabSize: 11, dModel: 16, nHeads: 2, dFF: 32, nLayers: 1, maxLen: 16, dropout: 0, seed: 7 });
const BOS = 1;
const SOURCES = [[3, 4, 5], [6, 7, 8, 9], [10, 3], [5, 5, 5, 5, 5]];

let model: Transformer;
beforeAll(() => {
  model = makeTransformer(CONFIG, { tieWeights: false });
});
afterAll(() => model.dispose());

/**
 * log P(tokens, then eos if given | source), computed independently of the decoders:
 * one teacher-forced forward pass over [bos, ...tokens] and the log-softmax of its logits.
 */
function sequenceLogProb(source: number[], tokens: number[], eos: number | null = null): number {
  const labels = eos === null ? tokens : [...tokens, eos];
  const decoderInput = [BOS, ...labels.slice(0, -1)];
  return tf.tidy(() => {
    const logP = tf.logSoftmax(model.forward({ source: [source], decoderInput: [decoderInput] }).logits).arraySync() as number[][][];
    return labels.reduce((sum, label, t) => sum + logP[0][t][label], 0);
  });
}

describe("greedy decoding and beam search", () => {
  it("greedy without an end symbol gives exactly maxLength tokens", () => {
    const out = greedyDecode(model, [SOURCES[0]], { bos: BOS, maxLength: 6 });
    expect(out.length).toBe(1);
    expect(out[0].length).toBe(6);
  });

  it("greedy stops at the end symbol and leaves it out", () => {
    const free = greedyDecode(model, [SOURCES[2]], { bos: BOS, maxLength: 6 })[0];
    const eos = free[2]; // whichever token greedy says third: call it the end symbol
    const stopped = greedyDecode(model, [SOURCES[2]], { bos: BOS, eos, maxLength: 6 })[0];
    expect(stopped).toEqual(free.slice(0, free.indexOf(eos)));
    expect(stopped.length).toBeGreaterThan(0); // it stopped after some tokens, not at once
  });

  it("greedy equals beam search of width 1, with and without an end symbol", () => {
    for (const source of SOURCES) {
      const free = greedyDecode(model, [source], { bos: BOS, maxLength: 5 })[0];
      expect(beamSearch(model, source, { bos: BOS, maxLength: 5, width: 1 })[0].tokens).toEqual(free);
      for (const eos of [2, free[1]]) {
        const greedy = greedyDecode(model, [source], { bos: BOS, eos, maxLength: 5 })[0];
        const beam = beamSearch(model, source, { bos: BOS, eos, maxLength: 5, width: 1 });
        expect(beam.length).toBe(1);
        expect(beam[0].tokens, `source ${source}, eos ${eos}`).toEqual(greedy);
      }
    }
  });

  it("greedy over a padded batch equals greedy of each source alone", () => {
    const padded = [[3, 4, 5, 6], [7, 8, 0, 0]];
    const batch = greedyDecode(model, padded, { bos: BOS, eos: 2, maxLength: 5 });
    expect(batch).toEqual([greedyDecode(model, [[3, 4, 5, 6]], { bos: BOS, eos: 2, maxLength: 5 })[0], greedyDecode(model, [[7, 8]], { bos: BOS, eos: 2, maxLength: 5 })[0]]);
  });

  it("a hypothesis's logProb is its sequence's log-probability, computed independently", () => {
    for (const eos of [null, 2]) {
      for (const h of beamSearch(model, SOURCES[2], { bos: BOS, eos, maxLength: 4, width: 3 })) {
        const expected = sequenceLogProb(SOURCES[2], h.tokens, h.finished && eos !== null ? eos : null);
        expect(Math.abs(h.logProb - expected), `${h.tokens}`).toBeLessThan(10 * TOL); // a sum of up to 5 float32 logs
      }
    }
  });

  it("width 3 finds a sequence at least as likely as greedy's", () => {
    for (const source of SOURCES) {
      const greedy = greedyDecode(model, [source], { bos: BOS, maxLength: 5 })[0];
      const best = beamSearch(model, source, { bos: BOS, maxLength: 5, width: 3 })[0];
      expect(best.tokens.length).toBe(5);
      expect(best.logProb).toBeGreaterThanOrEqual(sequenceLogProb(source, greedy) - TOL);
    }
  });

  it("width V over two tokens is exhaustive: it finds the best of all V^2 sequences", () => {
    // every first token is kept after step 1, so the best pair's prefix is in the beam
    const source = SOURCES[0];
    let best = -Infinity;
    for (let a = 0; a < 11; a++) for (let b = 0; b < 11; b++) best = Math.max(best, sequenceLogProb(source, [a, b]));
    const found = beamSearch(model, source, { bos: BOS, maxLength: 2, width: 11 })[0];
    expect(Math.abs(found.logProb - best)).toBeLessThan(10 * TOL);
  });

  it("hypotheses come sorted by score, score = logProb / lengthPenalty; finished ones end with the end symbol (left out)", () => {
    for (const alpha of [0, 0.6]) {
      const hyps = beamSearch(model, SOURCES[3], { bos: BOS, eos: 2, maxLength: 5, width: 4, lengthPenalty: alpha });
      expect(hyps.length).toBeGreaterThan(1);
      for (let i = 1; i < hyps.length; i++) expect(hyps[i - 1].score).toBeGreaterThanOrEqual(hyps[i].score);
      for (const h of hyps) {
        expect(Math.abs(h.score - h.logProb / ((5 + h.tokens.length) / 6) ** alpha)).toBeLessThan(TOL);
        expect(h.tokens).not.toContain(2);
        if (!h.finished) expect(h.tokens.length).toBe(5);
      }
    }
    // without an end symbol every hypothesis is complete at maxLength
    const fixed = beamSearch(model, SOURCES[3], { bos: BOS, maxLength: 3, width: 4 });
    expect(fixed.length).toBe(4);
    expect(fixed.every((h) => h.finished && h.tokens.length === 3)).toBe(true);
  });

  it("decoding leaks no tensor", () => {
    const before = tf.memory().numTensors;
    greedyDecode(model, SOURCES.slice(0, 2).map((s) => [...s, 0].slice(0, 4)), { bos: BOS, eos: 2, maxLength: 4 });
    beamSearch(model, SOURCES[0], { bos: BOS, eos: 2, maxLength: 4, width: 3, lengthPenalty: 0.6 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("throws for a bad maxLength or width, naming the values", () => {
    expect(() => greedyDecode(model, [SOURCES[0]], { bos: BOS, maxLength: 0 })).toThrow("maxLength must be a positive integer, got 0");
    expect(() => beamSearch(model, SOURCES[0], { bos: BOS, maxLength: 2.5, width: 2 })).toThrow("maxLength must be a positive integer, got 2.5");
    expect(() => beamSearch(model, SOURCES[0], { bos: BOS, maxLength: 3, width: 0 })).toThrow("beam width must be a positive integer, got 0");
    expect(() => beamSearch(model, SOURCES[0], { bos: BOS, maxLength: 3, width: 1.5 })).toThrow("beam width must be a positive integer, got 1.5");
  });
});

describe("GNMT length penalty", () => {
  it("((5 + length) / 6)^alpha", () => {
    // length 7, alpha 0.6: (12 / 6)^0.6 = 2^0.6 = 1.515717
    expect(Math.abs(lengthPenalty(7, 0.6) - 1.515717)).toBeLessThan(TOL);
    // length 1 is (6 / 6)^alpha = 1 for any alpha; alpha 0 is 1 for any length
    expect(lengthPenalty(1, 0.6)).toBe(1);
    expect(lengthPenalty(20, 0)).toBe(1);
    // length 13, alpha 1: 18 / 6 = 3
    expect(lengthPenalty(13, 1)).toBe(3);
  });
});
