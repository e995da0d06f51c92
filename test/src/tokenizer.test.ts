import { describe, it, expect } from "vitest";
import { ABBREVIATIONS, detokenize, wordTokenize } from "../../src/tokenizer";

// The article's Step 1 sentence, with its curly apostrophe (U+2019) as printed.
const ARTICLE_SENTENCE = "The animal didn\u2019t cross the street because it was too tired.";
// The article's token list, copied from Step 1.
const ARTICLE_TOKENS = ["The", "animal", "did", "n't", "cross", "the", "street", "because", "it", "was", "too", "tired", "."];

describe("wordTokenize", () => {
  it("the article's sentence gives its 13 tokens", () => {
    const tokens = wordTokenize(ARTICLE_SENTENCE);
    expect(tokens).toEqual(ARTICLE_TOKENS);
    expect(tokens).toHaveLength(13);
  });

  it("the ASCII apostrophe gives the same 13 tokens", () => {
    expect(wordTokenize("The animal didn't cross the street because it was too tired.")).toEqual(ARTICLE_TOKENS);
  });

  // Contractions table: clitics split off; n't is split just before its n, which
  // gives the Penn Treebank's "ca n't" and "wo n't" for can't and won't.
  const contractions: [string, string[]][] = [
    ["it's", ["it", "'s"]],
    ["we're", ["we", "'re"]],
    ["I'd", ["I", "'d"]],
    ["they'll", ["they", "'ll"]],
    ["can't", ["ca", "n't"]],
    ["won't", ["wo", "n't"]],
    ["don't", ["do", "n't"]],
    ["I'm", ["I", "'m"]],
    ["we've", ["we", "'ve"]],
    ["isn't", ["is", "n't"]],
    ["shan't", ["sha", "n't"]],
    ["John's", ["John", "'s"]],
    ["IT'S", ["IT", "'S"]],
    ["I'd've", ["I", "'d", "'ve"]],
    ["shouldn't've", ["should", "n't", "'ve"]],
    ["it\u2019s", ["it", "'s"]],
    ["won\u2019t", ["wo", "n't"]],
  ];
  for (const [word, expected] of contractions) {
    it(`contractions table: ${word} -> ${expected.join(" + ")}`, () => {
      expect(wordTokenize(word)).toEqual(expected);
    });
  }

  it("apostrophes that are not clitics stay inside the word, normalised to '", () => {
    expect(wordTokenize("o'clock O\u2019Neil rock'n'roll")).toEqual(["o'clock", "O'Neil", "rock'n'roll"]);
  });

  it("a clitic written on its own is one token, so re-tokenising tokens changes nothing", () => {
    expect(wordTokenize("it 's")).toEqual(["it", "'s"]);
    expect(wordTokenize(ARTICLE_TOKENS.join(" "))).toEqual(ARTICLE_TOKENS);
  });

  it("punctuation: each mark is its own token", () => {
    expect(wordTokenize('Wait... "Really?" (yes); no: [maybe]!')).toEqual([
      "Wait", "...", '"', "Really", "?", '"', "(", "yes", ")", ";", "no", ":", "[", "maybe", "]", "!",
    ]);
    expect(wordTokenize("Well\u2026 \u201Cso\u201D, it goes -- on.")).toEqual([
      "Well", "\u2026", "\u201C", "so", "\u201D", ",", "it", "goes", "--", "on", ".",
    ]);
    expect(wordTokenize("$5 or 10%?!")).toEqual(["$", "5", "or", "10", "%", "?", "!"]);
  });

  it("punctuation: quotes and possessive plurals", () => {
    expect(wordTokenize("He said 'hi' to the students' teacher.")).toEqual([
      "He", "said", "'", "hi", "'", "to", "the", "students", "'", "teacher", ".",
    ]);
  });

  it("numbers keep their decimal point, thousands comma and clock colon", () => {
    expect(wordTokenize("Pi is 3.14, roughly.")).toEqual(["Pi", "is", "3.14", ",", "roughly", "."]);
    expect(wordTokenize("1,000 people at 12:30.")).toEqual(["1,000", "people", "at", "12:30", "."]);
    // A comma between letters is punctuation, not a joiner.
    expect(wordTokenize("a,b")).toEqual(["a", ",", "b"]);
  });

  it("hyphenated and joined words stay whole", () => {
    expect(wordTokenize("a well-known state-of-the-art model and/or AT&T")).toEqual([
      "a", "well-known", "state-of-the-art", "model", "and/or", "AT&T",
    ]);
  });

  it("abbreviations and initialisms keep their period", () => {
    expect(wordTokenize("Dr. Smith met Mr. Jones in the U.S. today.")).toEqual([
      "Dr.", "Smith", "met", "Mr.", "Jones", "in", "the", "U.S.", "today", ".",
    ]);
    expect(wordTokenize("Fruit, e.g. apples, etc.")).toEqual(["Fruit", ",", "e.g.", "apples", ",", "etc."]);
    expect(ABBREVIATIONS.has("mr")).toBe(true);
    // A word not on the list gives its period back as a token.
    expect(wordTokenize("I ate a fig.")).toEqual(["I", "ate", "a", "fig", "."]);
  });

  it("whitespace of any kind separates", () => {
    expect(wordTokenize("  The\tanimal\n\n was\u00A0tired\r\n")).toEqual(["The", "animal", "was", "tired"]);
  });

  it("empty input gives no tokens", () => {
    expect(wordTokenize("")).toEqual([]);
    expect(wordTokenize(" \t\n ")).toEqual([]);
  });

  it("bad input throws a TypeError naming what it got", () => {
    expect(() => wordTokenize(42 as unknown as string)).toThrow(TypeError);
    expect(() => wordTokenize(42 as unknown as string)).toThrow("wordTokenize expects a string, got number 42");
    expect(() => wordTokenize(null as unknown as string)).toThrow("got null");
    expect(() => wordTokenize(["a"] as unknown as string)).toThrow("got an array");
  });
});

describe("detokenize", () => {
  it("joins the article's tokens into its sentence (with an ASCII apostrophe)", () => {
    expect(detokenize(ARTICLE_TOKENS)).toBe("The animal didn't cross the street because it was too tired.");
  });

  it("ca + n't -> can't and wo + n't -> won't", () => {
    expect(detokenize(["I", "ca", "n't", "and", "I", "wo", "n't", "."])).toBe("I can't and I won't.");
  });

  const sentences = [
    "The animal didn't cross the street because it was too tired.",
    "It's 3.14, isn't it? (Yes!)",
    'She said "no" and left.',
    "Wait... they'll see; we're late: can't stop, won't stop!",
    "Dr. Smith's well-known list [see above] costs $5 or 10% in the U.S.",
    "The students' books.",
    "He said 'hi' twice.",
    "I'd've gone -- maybe; 1,000 people at 12:30 and/or AT&T\u2026",
  ];
  for (const sentence of sentences) {
    it(`tokenizer round-trips: ${sentence}`, () => {
      expect(detokenize(wordTokenize(sentence))).toBe(sentence);
    });
  }

  it("tokenizer round-trips up to the documented normalisations (whitespace runs, curly apostrophes)", () => {
    expect(detokenize(wordTokenize(ARTICLE_SENTENCE))).toBe("The animal didn't cross the street because it was too tired.");
    expect(detokenize(wordTokenize("  too \t\n tired .  "))).toBe("too tired.");
  });

  it("empty input gives the empty string; empty tokens are skipped", () => {
    expect(detokenize([])).toBe("");
    expect(detokenize(["a", "", "b"])).toBe("a b");
  });

  it("bad input throws a TypeError naming what it got", () => {
    expect(() => detokenize("a b" as unknown as string[])).toThrow("detokenize expects an array of strings, got string a b");
    expect(() => detokenize(["a", 7 as unknown as string])).toThrow("token 1 is number 7");
  });
});
