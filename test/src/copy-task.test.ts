import { describe, expect, it } from "vitest";
import { COPY_TASK, copyTask, heldOut, randomSymbolSequences, reverseTask } from "../../src/copy-task";
import { Rng } from "../../src/random";

describe("copy task", () => {
  it("COPY_TASK: 11 ids, 0 padding, 1 start, symbols 2..10, length 10", () => {
    expect(COPY_TASK).toEqual({ vocabSize: 11, pad: 0, bos: 1, firstSymbol: 2, length: 10 });
    expect(Object.isFrozen(COPY_TASK)).toBe(true);
  });

  it("sequences have the right length and ids in 2..10 only", () => {
    const seqs = randomSymbolSequences(200, 7);
    expect(seqs).toHaveLength(200);
    const seen = new Set<number>();
    for (const s of seqs) {
      expect(s).toHaveLength(10);
      for (const id of s) seen.add(id);
    }
    // 2000 draws from 9 symbols: every one appears, and never 0 (pad) or 1 (start).
    expect([...seen].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const short = randomSymbolSequences(50, 7, { length: 3, vocabSize: 5, firstSymbol: 2 });
    for (const s of short) {
      expect(s).toHaveLength(3);
      for (const id of s) expect(id >= 2 && id <= 4).toBe(true);
    }
  });

  it("seed 1 gives these two sequences (pinned), and the same seed the same ones", () => {
    expect(randomSymbolSequences(2, 1)).toEqual([
      [7, 2, 6, 10, 10, 4, 7, 8, 5, 10],
      [6, 6, 3, 5, 4, 3, 6, 2, 5, 8],
    ]);
    expect(copyTask(20, 5)).toEqual(copyTask(20, 5));
    expect(reverseTask(20, 5)).toEqual(reverseTask(20, 5));
    expect(copyTask(20, 5)).not.toEqual(copyTask(20, 6));
  });

  it("a passed-in Rng continues its stream", () => {
    const rng = new Rng(1);
    expect(randomSymbolSequences(1, rng)).toEqual([[7, 2, 6, 10, 10, 4, 7, 8, 5, 10]]);
    expect(randomSymbolSequences(1, rng)).toEqual([[6, 6, 3, 5, 4, 3, 6, 2, 5, 8]]);
  });

  it("copy targets equal sources; reverse targets are the sources backwards", () => {
    const [copy] = copyTask(1, 1);
    expect(copy).toEqual({ source: [7, 2, 6, 10, 10, 4, 7, 8, 5, 10], target: [7, 2, 6, 10, 10, 4, 7, 8, 5, 10] });
    const [rev] = reverseTask(1, 1);
    expect(rev).toEqual({ source: [7, 2, 6, 10, 10, 4, 7, 8, 5, 10], target: [10, 5, 8, 7, 4, 10, 10, 6, 2, 7] });
    copy.target[0] = 99; // the target is a copy, not the source array itself
    expect(copy.source[0]).toBe(7);
  });

  it("throws on bad sizes, naming the value", () => {
    expect(() => randomSymbolSequences(-1, 0)).toThrow("randomSymbolSequences: count must be an integer >= 0, got -1");
    expect(() => randomSymbolSequences(1, 0, { length: 0 })).toThrow("length must be an integer >= 1, got 0");
    expect(() => randomSymbolSequences(1, 0, { vocabSize: 2 })).toThrow("vocabSize 2 leaves no symbols above firstSymbol 2");
  });
});

describe("heldOut", () => {
  it("no held-out source occurs in train, even when overlap is likely", () => {
    // Length 3 over symbols 2..4: 3^3 = 27 possible sources, and 20 training draws cover many.
    const options = { length: 3, vocabSize: 5 };
    const make = (count: number, seed: number | Rng) => reverseTask(count, seed, options);
    const train = make(20, 1);
    const test = heldOut(train, 30, 2, make);
    expect(test).toHaveLength(30);
    const trainSources = new Set(train.map((p) => p.source.join(",")));
    for (const pair of test) {
      expect(trainSources.has(pair.source.join(","))).toBe(false);
      expect(pair.target).toEqual(pair.source.slice().reverse());
    }
    expect(heldOut(train, 30, 2, make)).toEqual(test); // seeded
  });

  it("throws when the training set leaves no source to hold out", () => {
    // Length 1 over symbols 2..3: only [2] and [3], and 50 draws hold both.
    const make = (count: number, seed: number | Rng) => copyTask(count, seed, { length: 1, vocabSize: 4 });
    const train = make(50, 3);
    expect(() => heldOut(train, 1, 4, make)).toThrow("heldOut: only 0 of 1 pairs had a source outside the 50 training pairs after 1010 draws");
  });
});
