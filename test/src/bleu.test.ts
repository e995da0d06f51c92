import { describe, expect, it } from "vitest";
import { brevityPenalty, closestReferenceLength, corpusBleu, modifiedPrecision, ngramCounts, sentenceBleu } from "../../src/bleu";

/** Decimal digits for floating-point checks (toBeCloseTo: |error| < 5e-7). */
const DIGITS = 6;

const words = (s: string): string[] => s.split(" ");

describe("ngramCounts and modifiedPrecision", () => {
  it("counts overlapping n-grams", () => {
    // "the cat the cat": bigrams "the cat" (twice) and "cat the" (once); 4 - 2 + 1 = 3 in all.
    const counts = ngramCounts(words("the cat the cat"), 2);
    expect([...counts]).toEqual([
      ['["the","cat"]', 2],
      ['["cat","the"]', 1],
    ]);
    expect(ngramCounts(words("a b"), 3).size).toBe(0); // shorter than n: no n-grams
    expect(() => ngramCounts(["a"], 0)).toThrow("ngramCounts: n must be an integer >= 1, got 0");
  });

  it("Papineni's example: seven 'the' against two references clip to 2/7", () => {
    // Candidate: "the" x 7. "the" occurs 2 times in reference 1 and once in reference 2,
    // so it is clipped to max(2, 1) = 2 matches out of 7.
    const candidate = words("the the the the the the the");
    const references = [words("the cat is on the mat"), words("there is a cat on the mat")];
    expect(modifiedPrecision(candidate, references, 1)).toEqual({ matches: 2, total: 7 });
    // Its bigram "the the" (6 of them) occurs in neither reference.
    expect(modifiedPrecision(candidate, references, 2)).toEqual({ matches: 0, total: 6 });
    expect(sentenceBleu(candidate, references).bleu).toBe(0);
  });
});

describe("sentenceBleu", () => {
  it("a candidate identical to its reference scores 1", () => {
    const s = words("the cat is on the mat");
    const result = sentenceBleu(s, [s]);
    expect(result.bleu).toBeCloseTo(1, DIGITS);
    expect(result.precisions).toEqual([1, 1, 1, 1]);
    // 6 tokens: 6 unigrams, 5 bigrams, 4 trigrams, 3 4-grams, all matched.
    expect(result.matches).toEqual([6, 5, 4, 3]);
    expect(result.totals).toEqual([6, 5, 4, 3]);
    expect(result.brevityPenalty).toBe(1);
  });

  it("a short candidate pays the brevity penalty exp(1 - r/c)", () => {
    // Candidate "the cat sat on the mat" (c = 6), reference "the cat sat on the red mat" (r = 7).
    // p1 = 6/6; p2 = 4/5 ("the mat" is missing); p3 = 3/4 ("on the mat" missing); p4 = 2/3.
    // Geometric mean = (1 * 4/5 * 3/4 * 2/3)^(1/4) = 0.4^(1/4) = 0.795271.
    // BP = exp(1 - 7/6) = exp(-1/6) = 0.846482. BLEU = 0.846482 * 0.795271 = 0.673182.
    const result = sentenceBleu(words("the cat sat on the mat"), [words("the cat sat on the red mat")]);
    expect(result.matches).toEqual([6, 4, 3, 2]);
    expect(result.totals).toEqual([6, 5, 4, 3]);
    expect([result.candidateLength, result.referenceLength]).toEqual([6, 7]);
    expect(result.brevityPenalty).toBeCloseTo(0.846482, DIGITS);
    expect(result.bleu).toBeCloseTo(0.673182, DIGITS);
  });

  it("a two-token candidate: BP exp(-2), and 0 at order 4 for want of 3-grams", () => {
    // c = 2, r = 6: BP = exp(1 - 6/2) = exp(-2) = 0.135335. With maxOrder 2, p1 = 2/2 and p2 = 1/1.
    const candidate = words("the cat");
    const references = [words("the cat is on the mat")];
    expect(sentenceBleu(candidate, references, { maxOrder: 2 }).bleu).toBeCloseTo(0.135335, DIGITS);
    // With the default maxOrder 4 there are 0 trigrams: p3 = 0/0, taken as 0, so BLEU = 0.
    expect(sentenceBleu(candidate, references).bleu).toBe(0);
  });

  it("no 4-gram match gives 0; add-one smoothing on n >= 2 gives a worked value", () => {
    // Candidate "the cat sat by the mat" vs reference "the cat sat on the mat" (c = r = 6, BP = 1).
    // Matches: unigrams 5/6 (not "by"); bigrams 3/5 (the cat, cat sat, the mat);
    // trigrams 1/4 (the cat sat); 4-grams 0/3.
    const candidate = words("the cat sat by the mat");
    const references = [words("the cat sat on the mat")];
    const plain = sentenceBleu(candidate, references);
    expect(plain.matches).toEqual([5, 3, 1, 0]);
    expect(plain.totals).toEqual([6, 5, 4, 3]);
    expect(plain.bleu).toBe(0);
    // Smoothed: p1 = 5/6 (unigrams untouched), p2 = 4/6, p3 = 2/5, p4 = 1/4.
    // Product = 5/6 * 2/3 * 2/5 * 1/4 = 1/18; BLEU = (1/18)^(1/4) = 0.485492.
    const smoothed = sentenceBleu(candidate, references, { smooth: true });
    expect(smoothed.precisions[0]).toBeCloseTo(5 / 6, DIGITS);
    expect(smoothed.precisions[3]).toBeCloseTo(0.25, DIGITS);
    expect(smoothed.matches).toEqual([5, 3, 1, 0]); // the raw counts are reported unsmoothed
    expect(smoothed.bleu).toBeCloseTo(0.485492, DIGITS);
  });

  it("uses the closest reference length, ties to the shorter", () => {
    expect(closestReferenceLength(5, [4, 6])).toBe(4); // |5-4| = |5-6| = 1: the shorter wins
    expect(closestReferenceLength(5, [7, 3])).toBe(3); // tie at distance 2, in either order
    expect(closestReferenceLength(6, [4, 7])).toBe(7); // distance 1 beats distance 2
    // Candidate of 6 tokens, references of 4 and 7 tokens: r = 7, BP = exp(1 - 7/6) = 0.846482.
    const candidate = words("a b c d e f");
    const result = sentenceBleu(candidate, [words("a b c d"), words("a b c d e f g")]);
    expect(result.referenceLength).toBe(7);
    expect(result.brevityPenalty).toBeCloseTo(0.846482, DIGITS);
    // Candidate of 5 against 4 and 6: r = 4 (the tie goes short), c > r so BP = 1.
    expect(sentenceBleu(words("a b c d e"), [words("a b c d e f"), words("a b c d")]).brevityPenalty).toBe(1);
    expect(brevityPenalty(6, 6)).toBe(1); // exp(1 - 6/6) = exp(0)
  });

  it("works on number[] token ids too", () => {
    // The short-candidate example with words replaced by ids: the 1, cat 2, sat 3, on 4, mat 5, red 6.
    const result = sentenceBleu([1, 2, 3, 4, 1, 5], [[1, 2, 3, 4, 1, 6, 5]]);
    expect(result.bleu).toBeCloseTo(0.673182, DIGITS);
    // The ids 1 and "1" are different tokens.
    expect(modifiedPrecision<string | number>([1, 2], [["1", "2"]], 1)).toEqual({ matches: 0, total: 2 });
  });
});

describe("corpusBleu", () => {
  it("is not the mean of sentence BLEUs", () => {
    // Sentence A: "the cat sat on the mat", identical to its reference: sentence BLEU 1.
    // Sentence B: "a dog ran" vs "the dog ran fast": p = 2/3, 1/2, 0/1, 0/0 -> sentence BLEU 0.
    // Mean of the two = 0.5. Corpus: p1 = (6+2)/(6+3) = 8/9, p2 = (5+1)/(5+2) = 6/7,
    // p3 = (4+0)/(4+1) = 4/5, p4 = (3+0)/(3+0) = 1; c = 9, r = 6 + 4 = 10.
    // BP = exp(1 - 10/9) = 0.894839; mean = (8/9 * 6/7 * 4/5)^(1/4) = (192/315)^(1/4) = 0.883584.
    // BLEU = 0.894839 * 0.883584 = 0.790665 (sacrebleu, tokenize="none": 79.07; NLTK's corpus_bleu says
    // 0.7358 because it counts sentence B's zero 4-grams as one, making p4 = 3/4).
    const candidates = [words("the cat sat on the mat"), words("a dog ran")];
    const references = [[words("the cat sat on the mat")], [words("the dog ran fast")]];
    const sentences = candidates.map((c, i) => sentenceBleu(c, references[i]).bleu);
    expect(sentences[0]).toBeCloseTo(1, DIGITS);
    expect(sentences[1]).toBe(0);
    const corpus = corpusBleu(candidates, references);
    expect(corpus.matches).toEqual([8, 6, 4, 3]);
    expect(corpus.totals).toEqual([9, 7, 5, 3]);
    expect([corpus.candidateLength, corpus.referenceLength]).toEqual([9, 10]);
    expect(corpus.brevityPenalty).toBeCloseTo(0.894839, DIGITS);
    expect(corpus.bleu).toBeCloseTo(0.790665, DIGITS);
  });

  it("an empty corpus or empty candidates score 0 with BP 0, no NaN", () => {
    const empty = corpusBleu([], []);
    expect([empty.bleu, empty.brevityPenalty]).toEqual([0, 0]);
    expect(empty.precisions).toEqual([0, 0, 0, 0]);
    const blank = corpusBleu([[]], [[words("the cat")]], { smooth: true });
    expect([blank.bleu, blank.brevityPenalty]).toEqual([0, 0]);
    expect(blank.precisions.some(Number.isNaN)).toBe(false);
  });

  it("throws on mismatched lists, a sentence without references, or a bad maxOrder", () => {
    expect(() => corpusBleu([["a"], ["b"]], [[["a"]]])).toThrow("corpusBleu: 2 candidates but 1 reference lists");
    expect(() => corpusBleu([["a"], ["b"]], [[["a"]], []])).toThrow("corpusBleu: candidate 1 has no references");
    expect(() => sentenceBleu(["a"], [["a"]], { maxOrder: 0 })).toThrow("maxOrder must be an integer >= 1, got 0");
  });
});
