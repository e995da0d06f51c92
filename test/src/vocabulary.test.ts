import { describe, it, expect } from "vitest";
import { SPECIAL_TOKENS, Vocabulary } from "../../src/vocabulary";

// The article's Step 1 tokens (13, all distinct: "The" and "the" differ).
const ARTICLE_TOKENS = ["The", "animal", "did", "n't", "cross", "the", "street", "because", "it", "was", "too", "tired", "."];

describe("Vocabulary", () => {
  it("special tokens have ids 0-4", () => {
    expect(SPECIAL_TOKENS).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
    const vocab = Vocabulary.fromTokens(ARTICLE_TOKENS);
    expect([vocab.padId, vocab.unkId, vocab.clsId, vocab.sepId, vocab.maskId]).toEqual([0, 1, 2, 3, 4]);
    expect(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map((t) => vocab.id(t))).toEqual([0, 1, 2, 3, 4]);
    expect(vocab.tokens().slice(0, 5)).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
  });

  it("the article's tokens get ids 5-17 in order of appearance", () => {
    // 5 specials + 13 distinct tokens = 18 entries; "The" is 5, ..., "." is 5 + 12 = 17.
    const vocab = Vocabulary.fromTokens(ARTICLE_TOKENS);
    expect(vocab.size).toBe(18);
    expect(vocab.encode(ARTICLE_TOKENS)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    expect(vocab.decode([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17])).toEqual(ARTICLE_TOKENS);
  });

  it("is case-sensitive: The and the are two tokens", () => {
    const vocab = Vocabulary.fromTokens(["The", "the", "THE"]);
    expect(vocab.size).toBe(8); // 5 specials + 3
    expect([vocab.id("The"), vocab.id("the"), vocab.id("THE")]).toEqual([5, 6, 7]);
  });

  it("repeated tokens keep the id of their first appearance", () => {
    // a(0) b(1) a c(3) b -> a 5, b 6, c 7
    const vocab = Vocabulary.fromTokens(["a", "b", "a", "c", "b"]);
    expect(vocab.tokens()).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c"]);
  });

  it("unknown words map to [UNK]", () => {
    const vocab = Vocabulary.fromTokens(ARTICLE_TOKENS);
    expect(vocab.id("dog")).toBe(1);
    expect(vocab.has("dog")).toBe(false);
    expect(vocab.has("animal")).toBe(true);
    // "The" 5, "dog" unknown 1, "was" 14, "tired" 16
    expect(vocab.encode(["The", "dog", "was", "tired"])).toEqual([5, 1, 14, 16]);
    expect(vocab.decode(vocab.encode(["The", "dog", "was", "tired"]))).toEqual(["The", "[UNK]", "was", "tired"]);
  });

  it("special tokens in the input are not added twice", () => {
    const vocab = Vocabulary.fromTokens(["[CLS]", "hi", "[SEP]"]);
    expect(vocab.tokens()).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hi"]);
  });

  it("minCount drops rare tokens", () => {
    // counts: a 3, b 2, c 1, d 1 -> minCount 2 keeps a, b
    const tokens = ["a", "b", "a", "c", "b", "a", "d"];
    expect(Vocabulary.fromTokens(tokens, { minCount: 2 }).tokens().slice(5)).toEqual(["a", "b"]);
    expect(Vocabulary.fromTokens(tokens, { minCount: 3 }).tokens().slice(5)).toEqual(["a"]);
    expect(Vocabulary.fromTokens(tokens, { minCount: 4 }).size).toBe(5);
  });

  it("maxSize keeps the most frequent, ties by first appearance, ids by first appearance", () => {
    // counts: x 1, y 2, z 3. maxSize 7 = 5 specials + 2: keeps z and y, in first-appearance order y, z.
    expect(Vocabulary.fromTokens(["x", "y", "y", "z", "z", "z"], { maxSize: 7 }).tokens().slice(5)).toEqual(["y", "z"]);
    // counts: p 2, q 1, r 1, s 2. maxSize 8 = 5 + 3: p and s (2 each), then q beats r (seen first).
    expect(Vocabulary.fromTokens(["p", "q", "r", "s", "p", "s"], { maxSize: 8 }).tokens().slice(5)).toEqual(["p", "q", "s"]);
    // maxSize 5 leaves room for the specials only.
    expect(Vocabulary.fromTokens(["p"], { maxSize: 5 }).size).toBe(5);
  });

  it("throws on bad options, naming the value", () => {
    expect(() => Vocabulary.fromTokens(["a"], { maxSize: 4 })).toThrow("Vocabulary maxSize must be an integer >= 5, got 4");
    expect(() => Vocabulary.fromTokens(["a"], { minCount: 0 })).toThrow("Vocabulary minCount must be an integer >= 1, got 0");
    expect(() => Vocabulary.fromTokens(["a", 3 as unknown as string])).toThrow("token 1 must be a string, got number 3");
    expect(() => Vocabulary.fromTokens(5 as unknown as string[])).toThrow(TypeError);
  });

  it("fromList keeps the given order and prepends the specials", () => {
    const vocab = Vocabulary.fromList(["cat", "dog"]);
    expect(vocab.tokens()).toEqual(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "cat", "dog"]);
    const same = Vocabulary.fromList(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "cat", "dog"]);
    expect(same.tokens()).toEqual(vocab.tokens());
  });

  it("fromList throws on duplicates and misplaced specials, naming the token", () => {
    expect(() => Vocabulary.fromList(["cat", "dog", "cat"])).toThrow('duplicate token "cat" at positions 0 and 2');
    expect(() => Vocabulary.fromList(["cat", "[MASK]"])).toThrow("special token [MASK] at position 1");
  });

  it("token(id) out of range throws a RangeError naming the id and size", () => {
    const vocab = Vocabulary.fromList(["cat", "dog"]); // size 7, ids 0-6
    expect(vocab.token(6)).toBe("dog");
    expect(() => vocab.token(7)).toThrow(RangeError);
    expect(() => vocab.token(7)).toThrow("token id 7 is out of range for a vocabulary of size 7");
    expect(() => vocab.token(-1)).toThrow("token id -1");
    expect(() => vocab.token(1.5)).toThrow("token id 1.5");
    expect(() => vocab.decode([5, 99])).toThrow("token id 99");
  });

  it("decode(encode(tokens)) round-trips known tokens", () => {
    const vocab = Vocabulary.fromTokens(ARTICLE_TOKENS);
    const tokens = ["tired", "the", "animal", "n't", "."];
    expect(vocab.decode(vocab.encode(tokens))).toEqual(tokens);
  });

  it("tokens() is frozen and toJSON round-trips", () => {
    const vocab = Vocabulary.fromTokens(ARTICLE_TOKENS);
    expect(Object.isFrozen(vocab.tokens())).toBe(true);
    const json = JSON.parse(JSON.stringify(vocab));
    expect(json.tokens).toHaveLength(18);
    const back = Vocabulary.fromJSON(json);
    expect(back.tokens()).toEqual(vocab.tokens());
    expect(() => Vocabulary.fromJSON({ tokens: ["cat"] })).toThrow("must start with [PAD] [UNK] [CLS] [SEP] [MASK]");
  });
});
