import { describe, it, expect } from "vitest";
import { BytePairEncoding, END_OF_WORD } from "../../src/subword";

// The hand-worked corpus: low x3, lower x1, newest x2, widest x1, spelt with </w>:
//   l o w </w> (3)   l o w e r </w> (1)   n e w e s t </w> (2)   w i d e s t </w> (1)
// Alphabet: </w> + d e i l n o r s t w (10 characters) = 11 base symbols;
// with the 5 specials the base vocabulary has 16 entries.
//
// Merge 1, pair counts: (l,o) 3+1 = 4, (o,w) 4, (w,</w>) 3, (w,e) 1+2 = 3,
//   (e,s) 2+1 = 3, (s,t) 3, (t,</w>) 3, (n,e) 2, (e,w) 2, others 1.
//   Tie at 4 between (l,o) and (o,w): "l" < "o", so (l,o) -> "lo".
// Merge 2: (lo,w) 3+1 = 4 is alone at the top -> "low".
// Merge 3: (low,</w>) 3, (e,s) 3, (s,t) 3, (t,</w>) 3 tie; (w,e) fell to 2 (newest only).
//   "e" < "low" < "s" < "t", so (e,s) -> "es".
// Merge 4: (es,t) 3, (low,</w>) 3, (t,</w>) 3: "es" < "low" < "t" -> "est".
// Merge 5: (est,</w>) 3, (low,</w>) 3: "est" < "low" -> "est</w>".
// Merge 6: (low,</w>) 3 -> "low</w>".
// Merge 7: (n,e) 2, (e,w) 2, (w,est</w>) 2, others 1: "e" < "n" < "w" -> "ew".
// Merge 8: n ew est</w> x2: (n,ew) 2, (ew,est</w>) 2: "ew" < "n" -> "ewest</w>".
// Merge 9: (n,ewest</w>) 2 -> "newest</w>".
// Then every pair occurs once (low e r </w>; w i d est</w>): below minFrequency 2, so it stops.
const CORPUS = ["low low low lower newest newest widest"];
const ALL_MERGES: [string, string][] = [
  ["l", "o"],
  ["lo", "w"],
  ["e", "s"],
  ["es", "t"],
  ["est", "</w>"],
  ["low", "</w>"],
  ["e", "w"],
  ["ew", "est</w>"],
  ["n", "ewest</w>"],
];
// Ids: specials 0-4, </w> 5, d 6, e 7, i 8, l 9, n 10, o 11, r 12, s 13, t 14, w 15,
// then one per merge: lo 16, low 17, es 18, est 19, est</w> 20, low</w> 21, ew 22, ewest</w> 23, newest</w> 24.
const FULL_VOCABULARY = [
  "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
  "</w>", "d", "e", "i", "l", "n", "o", "r", "s", "t", "w",
  "lo", "low", "es", "est", "est</w>", "low</w>", "ew", "ewest</w>", "newest</w>",
];

describe("BytePairEncoding", () => {
  it("learns the hand-worked first three merges", () => {
    // vocabSize 19 = 16 base entries + 3 merges.
    const bpe = BytePairEncoding.train(CORPUS, { vocabSize: 19 });
    expect(bpe.merges).toEqual([["l", "o"], ["lo", "w"], ["e", "s"]]);
    expect(bpe.vocabulary.size).toBe(19);
  });

  it("stops at minFrequency when the vocabulary could grow further", () => {
    // 9 merges have count >= 2 (see the table above); vocabSize 1000 is never reached: 16 + 9 = 25.
    const bpe = BytePairEncoding.train(CORPUS, { vocabSize: 1000 });
    expect(bpe.merges).toEqual(ALL_MERGES);
    expect(bpe.vocabulary.tokens()).toEqual(FULL_VOCABULARY);
    expect(bpe.vocabulary.size).toBe(25);
  });

  it("minFrequency 1 goes on with once-seen pairs, ties still by string order", () => {
    // After merge 9 the pairs (all count 1) are (low,e) (e,r) (r,</w>) (w,i) (i,d) (d,est</w>):
    // "d" is smallest -> merge 10 (d, est</w>); then (low,e) (e,r) (r,</w>) (w,i) (i,dest</w>):
    // "e" is smallest -> merge 11 (e, r).
    const bpe = BytePairEncoding.train(CORPUS, { vocabSize: 27, minFrequency: 1 });
    expect(bpe.merges.slice(9)).toEqual([["d", "est</w>"], ["e", "r"]]);
  });

  it("tokenizes an unseen word with the learnt pieces", () => {
    // lowest: l o w e s t </w> -> (l,o) lo w e s t </w> -> (lo,w) low e s t </w> -> (e,s) low es t </w>
    //   -> (es,t) low est </w> -> (est,</w>) low est</w>; no later merge applies. Ids 17, 20.
    const bpe = BytePairEncoding.train(CORPUS, { vocabSize: 1000 });
    expect(bpe.tokenize("lowest")).toEqual(["low", "est</w>"]);
    expect(bpe.encode("lowest")).toEqual([17, 20]);
    expect(bpe.decode([17, 20])).toBe("lowest");
    // lower: low e r </w> (no merge joins low+e or e+r with count >= 2): ids 17, 7, 12, 5.
    expect(bpe.encode("lower")).toEqual([17, 7, 12, 5]);
  });

  it("encode/decode round-trips the training text", () => {
    const bpe = BytePairEncoding.train(CORPUS, { vocabSize: 1000 });
    expect(bpe.decode(bpe.encode(CORPUS[0]))).toBe(CORPUS[0]);
    const sentence = "The animal didn't cross the street because it was too tired.";
    const onSentence = BytePairEncoding.train([sentence], { vocabSize: 60, minFrequency: 1 });
    expect(onSentence.decode(onSentence.encode(sentence))).toBe(sentence);
  });

  it("unseen character -> [UNK]", () => {
    // z was never seen: l o w [UNK] </w> -> low [UNK] </w>; ids 17, 1, 5.
    const bpe = BytePairEncoding.train(CORPUS, { vocabSize: 1000 });
    expect(bpe.tokenize("lowz")).toEqual(["low", "[UNK]", "</w>"]);
    expect(bpe.encode("lowz")).toEqual([17, 1, 5]);
    expect(bpe.decode([17, 1, 5])).toBe("low[UNK]");
  });

  it("decode drops [PAD] and keeps [CLS] / [SEP] as words", () => {
    const bpe = BytePairEncoding.train(CORPUS, { vocabSize: 1000 });
    // [CLS] 2, low</w> 21, newest</w> 24, [SEP] 3, [PAD] 0, [PAD] 0
    expect(bpe.decode([2, 21, 24, 3, 0, 0])).toBe("[CLS] low newest [SEP]");
    expect(() => bpe.decode([25])).toThrow("token id 25 is out of range for a vocabulary of size 25");
  });

  it("is deterministic: training twice, or on a reordered corpus, gives the same merges", () => {
    const first = BytePairEncoding.train(CORPUS, { vocabSize: 1000 });
    const second = BytePairEncoding.train(CORPUS, { vocabSize: 1000 });
    const reordered = BytePairEncoding.train(["widest newest lower", "low newest low low"], { vocabSize: 1000 });
    expect(second.merges).toEqual(first.merges);
    expect(reordered.merges).toEqual(ALL_MERGES);
    expect(reordered.vocabulary.tokens()).toEqual(FULL_VOCABULARY);
  });

  it("JSON round trip", () => {
    const bpe = BytePairEncoding.train(CORPUS, { vocabSize: 1000 });
    const json = JSON.parse(JSON.stringify(bpe));
    expect(json.endOfWord).toBe(END_OF_WORD);
    expect(json.merges).toEqual(ALL_MERGES);
    expect(json.vocabulary).toEqual(FULL_VOCABULARY);
    const back = BytePairEncoding.fromJSON(json);
    expect(back.merges).toEqual(ALL_MERGES);
    expect(back.encode("lowest newest")).toEqual([17, 20, 24]);
    expect(() => BytePairEncoding.fromJSON({ ...json, merges: [["x", "y"]] })).toThrow('merge 0 uses "x", not in the vocabulary');
  });

  it("validates options, naming the numbers", () => {
    expect(() => BytePairEncoding.train(CORPUS, { vocabSize: 10 })).toThrow(
      "vocabSize 10 is smaller than the 5 special tokens + 11 base symbols (</w> and 10 characters) = 16",
    );
    expect(() => BytePairEncoding.train(CORPUS, { vocabSize: 20, minFrequency: 0 })).toThrow("minFrequency must be an integer >= 1, got 0");
    expect(() => BytePairEncoding.train(CORPUS, { vocabSize: 2.5 })).toThrow("vocabSize must be an integer, got 2.5");
    expect(() => BytePairEncoding.train([" "], { vocabSize: 20 })).toThrow("the corpus has no words");
    expect(() => BytePairEncoding.train([3 as unknown as string], { vocabSize: 20 })).toThrow("corpus entry 0 must be a string, got number 3");
  });

  it("vocabSize equal to the base vocabulary learns no merges", () => {
    const bpe = BytePairEncoding.train(CORPUS, { vocabSize: 16 });
    expect(bpe.merges).toEqual([]);
    expect(bpe.tokenize("low")).toEqual(["l", "o", "w", "</w>"]);
  });
});
