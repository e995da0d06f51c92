import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { makeConfig, TINY } from "../../src/config";
import { disposeModule } from "../../src/module";
import { clsPooling, cosineSimilarity, meanPooling, norm, search, SentenceEncoder } from "../../src/sentence-embedding";
import { wordTokenize } from "../../src/tokenizer";
import { Vocabulary } from "../../src/vocabulary";
import { expectClose, expectNoLeak, TOL, useBackend } from "./tf-helpers";

useBackend();

describe("pooling", () => {
  // one sentence of 3 tokens, dModel 2
  const H = [[[1, 2], [3, 4], [5, 12]]];

  it("[CLS] pooling takes position 0", () => {
    const h = tf.tensor3d(H);
    expectNoLeak(() => clsPooling(h), (p) => expectClose(p, [[1, 2]]));
    h.dispose();
  });

  it("mean pooling averages the real tokens and skips padding", () => {
    const h = tf.tensor3d(H);
    const keep = tf.tensor2d([[1, 1, 0]]);
    expectNoLeak(() => meanPooling(h), (p) => expectClose(p, [[3, 6]])); // (1 + 3 + 5) / 3, (2 + 4 + 12) / 3
    expectNoLeak(() => meanPooling(h, keep), (p) => expectClose(p, [[2, 3]])); // (1 + 3) / 2, (2 + 4) / 2
    expect(() => meanPooling(h, tf.ones([1, 2]))).toThrow("the keep mask must be [1, 3], got [1, 2]");
    tf.dispose([h, keep]);
  });
});

describe("cosine similarity and search", () => {
  it("is a.b / (|a| |b|)", () => {
    expect(Math.abs(cosineSimilarity([1, 0], [1, 1]) - 0.707107)).toBeLessThan(TOL); // 1 / sqrt 2
    expect(cosineSimilarity([1, 2], [-2, 1])).toBe(0); // -2 + 2 = 0: orthogonal
    expect(cosineSimilarity([1, 2], [-2, -4])).toBeCloseTo(-1, 12); // opposite
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0); // no direction: defined as 0
    expect(norm([3, 4])).toBe(5);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow("cosine similarity needs vectors of one length, got 1 and 2");
  });

  it("ranks by cosine similarity, best first", () => {
    const vectors: Record<string, number[]> = { q: [1, 0], a: [0, 1], b: [1, 1], c: [2, 0.1] };
    const hits = search("q", ["a", "b", "c"], (s) => vectors[s]);
    // cos(q, c) = 2 / sqrt(4.01) = 0.998752; cos(q, b) = 0.707107; cos(q, a) = 0
    expect(hits.map((h) => h.sentence)).toEqual(["c", "b", "a"]);
    expect(hits.map((h) => h.rank)).toEqual([1, 2, 3]);
    expect(Math.abs(hits[0].score - 0.998752)).toBeLessThan(TOL);
  });
});

describe("SentenceEncoder", () => {
  const sentence = "The animal didn't cross the street because it was too tired.";
  const config = makeConfig({ vocabSize: 40, maxLen: 32 }, TINY);

  it("wraps the words in [CLS] ... [SEP] and gives dModel numbers per sentence", () => {
    const vocab = Vocabulary.fromTokens(wordTokenize(sentence));
    const enc = new SentenceEncoder(config, vocab, 1);
    expect(enc.tokens(sentence)).toEqual(["[CLS]", ...wordTokenize(sentence), "[SEP]"]);
    const before = tf.memory().numTensors;
    const cls = enc.embed(sentence);
    const mean = enc.embed(sentence, "mean");
    expect(tf.memory().numTensors).toBe(before);
    expect(cls.length).toBe(32);
    expect(mean.length).toBe(32);
    expect(cls).not.toEqual(mean);
    expect(enc.embed(sentence)).toEqual(cls); // deterministic
    expectNoLeak(() => enc.encode(sentence), (h) => expect(h.shape).toEqual([1, 15, 32])); // 13 words + [CLS] + [SEP]
    enc.dispose();
    disposeModule(enc);
  });

  it("refuses a vocabulary larger than the config's", () => {
    const vocab = Vocabulary.fromTokens(Array.from({ length: 50 }, (_, i) => `w${i}`));
    expect(() => new SentenceEncoder(config, vocab, 1)).toThrow("the vocabulary has 55 tokens but config.vocabSize is 40");
  });
});
