import { describe, expect, it } from "vitest";
import { encodePair, TOY_LEXICON, TOY_SENTENCE_COUNT, toyTranslation, toyVocabulary, translateByRule, TRANSLATION_SPECIALS } from "../../src/toy-translation";

const words = (s: string): string[] => s.split(" ");
const translate = (s: string): string => translateByRule(words(s)).join(" ");

describe("translateByRule", () => {
  it("l' animal is the animal; le chat the cat; la rue the street", () => {
    expect(translate("l' animal voit la rue .")).toBe("the animal sees the street .");
    expect(translate("le chat suit l' oiseau .")).toBe("the cat follows the bird .");
  });

  it("moves the adjective in front of the noun", () => {
    // noir follows chat in the source; black precedes cat in English. Same for verte / green.
    expect(translate("le chat noir mange la pomme verte .")).toBe("the black cat eats the green apple .");
  });

  it("translates the article's clause: car il était fatigué", () => {
    // 11 tokens each; il agrees with the masculine subject animal, and both become "it".
    expect(translate("l' animal traverse la rue car il était fatigué .")).toBe("the animal crosses the street because it was tired .");
    expect(translate("la souris blanche regarde le chien car elle était triste .")).toBe("the white mouse watches the dog because it was sad .");
  });

  it("throws on a wrong article, naming the noun and the article it takes", () => {
    expect(() => translateByRule(words("le animal voit la rue ."))).toThrow('"animal" takes "l\'", not "le", at position 0');
    expect(() => translateByRule(words("la chat voit la rue ."))).toThrow('"chat" takes "le", not "la", at position 0');
    expect(() => translateByRule(words("le chat voit l' rue ."))).toThrow('"rue" takes "la", not "l\'", at position 3');
  });

  it("throws on a failed agreement or a broken sentence", () => {
    expect(() => translate("la rue noir voit le chat .")).toThrow('expected the feminine form "noire" to agree with "rue" at position 2, got "noir"');
    expect(() => translate("la rue voit le chat car il était rouge .")).toThrow('expected "elle" at position 6, got "il"');
    expect(() => translate("le chat dort .")).toThrow('expected a verb at position 2, got "dort"');
    expect(() => translate("le chat voit la rue")).toThrow('expected "." at position 5, got the end');
    expect(() => translate("le chat voit la rue . .")).toThrow("expected the end of the sentence at position 6");
  });
});

describe("toyTranslation", () => {
  const data = toyTranslation({ trainSize: 500, testSize: 100, seed: 1 });
  const key = (s: string[]): string => s.join(" ");

  it("makes the sizes asked for, each target the rule's translation, at most 12 tokens", () => {
    expect(data.train).toHaveLength(500);
    expect(data.test).toHaveLength(100);
    for (const pair of [...data.train, ...data.test]) {
      expect(pair.target).toEqual(translateByRule(pair.source));
      // Longest: 3 (le chat noir) + 1 + 3 + 4 (car il était ADJ) + 1 (.) = 12, in both languages.
      expect(pair.source.length).toBeLessThanOrEqual(12);
      expect(pair.target.length).toBeLessThanOrEqual(12);
    }
  });

  it("uses l' exactly before vowel-initial nouns", () => {
    for (const { source } of data.train) {
      source.forEach((token, i) => {
        if (token === "l'") expect(source[i + 1]).toMatch(/^[aeiouéî]/);
        if (token === "le" || token === "la") expect(source[i + 1]).toMatch(/^[^aeiouéî]/);
      });
    }
  });

  it("train and test share no source, and neither repeats one", () => {
    const trainKeys = new Set(data.train.map((p) => key(p.source)));
    const testKeys = new Set(data.test.map((p) => key(p.source)));
    expect(trainKeys.size).toBe(500);
    expect(testKeys.size).toBe(100);
    for (const k of testKeys) expect(trainKeys.has(k)).toBe(false);
  });

  it("is seeded: the same seed gives the same data, another seed other data", () => {
    const again = toyTranslation({ trainSize: 500, testSize: 100, seed: 1 });
    expect(again.train).toEqual(data.train);
    expect(again.test).toEqual(data.test);
    expect(toyTranslation({ trainSize: 500, testSize: 100, seed: 2 }).train).not.toEqual(data.train);
  });

  it("every word of the vocabulary occurs in training, even with the smallest train set", () => {
    const smallest = toyTranslation({ trainSize: 20, testSize: 10, seed: 3 });
    const words = smallest.vocabulary.tokens().slice(5); // all but the 5 specials
    const used = new Set(smallest.train.flatMap((p) => [...p.source, ...p.target]));
    expect(words.filter((w) => !used.has(w))).toEqual([]);
  });

  it("the lexicon: 20 nouns (9 vowel-initial), 10 adjectives, 8 verbs; 4,259,200 sentences", () => {
    expect(TOY_LEXICON.nouns).toHaveLength(20);
    expect(TOY_LEXICON.nouns.filter((x) => /^[aeiouéî]/.test(x.fr))).toHaveLength(9);
    expect(TOY_LEXICON.adjectives).toHaveLength(10);
    expect(TOY_LEXICON.verbs).toHaveLength(8);
    // Noun phrases: 20 nouns * (no adjective or one of 10) = 220. Sentences: 220 * 8 * 220 * (no clause or 10) = 4,259,200.
    expect(TOY_SENTENCE_COUNT).toBe(4259200);
  });

  it("throws when asked for more sentences than the grammar makes, or too few to cover the words", () => {
    expect(() => toyTranslation({ trainSize: TOY_SENTENCE_COUNT, testSize: 1, seed: 0 })).toThrow(
      "toyTranslation: trainSize 4259200 + testSize 1 = 4259201 exceeds the 4259200 distinct sentences the grammar makes",
    );
    expect(() => toyTranslation({ trainSize: 19, testSize: 0, seed: 0 })).toThrow("trainSize 19 is below 20");
    expect(() => toyTranslation({ trainSize: 50, testSize: -1, seed: 0 })).toThrow("testSize must be an integer >= 0, got -1");
  });
});

describe("vocabulary and encodePair", () => {
  it("one shared vocabulary: 5 specials + 52 source words + 39 English words not already in = 96", () => {
    // Source: le la l' (3) + 20 nouns + 16 adjective forms (rouge rapide triste malade have one form)
    //   + 8 verbs + car il elle était . (5) = 52.
    // English: the + 20 nouns + 10 adjectives + 8 verbs + because it was + . = 43, less animal table orange . (shared) = 39.
    const vocabulary = toyVocabulary();
    expect(vocabulary.size).toBe(96);
    expect(TRANSLATION_SPECIALS).toEqual({ pad: 0, bos: 2, eos: 3 });
    expect([vocabulary.padId, vocabulary.clsId, vocabulary.sepId]).toEqual([0, 2, 3]);
  });

  it("encodes both sides and appends EOS 3 to each", () => {
    // Ids: le 5, la 6, l' 7, the 20 nouns 8-27 (animal 8 + 3 = 11, rue 8 + 10 = 18), the 16 adjective
    // forms 28-43, voit 44, . 56. English: the 57, its 17 new nouns 58-74 (street, the 10th, 67),
    // 10 adjectives 75-84, sees 85.
    const vocabulary = toyVocabulary();
    const pair = { source: words("l' animal voit la rue ."), target: words("the animal sees the street .") };
    expect(encodePair(vocabulary, pair)).toEqual({ source: [7, 11, 44, 6, 18, 56, 3], target: [57, 11, 85, 57, 67, 56, 3] });
    expect(vocabulary.decode([7, 11, 44, 6, 18, 56])).toEqual(pair.source);
    expect(() => encodePair(vocabulary, { source: ["le", "dodo"], target: [] })).toThrow('encodePair: source token 1 "dodo" is not in the vocabulary');
  });
});
