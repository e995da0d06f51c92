/**
 * Sub-word tokens by byte-pair encoding (BPE; Sennrich, Haddow & Birch 2016):
 * the "sub-words" of Step 1's "tokens can be words, sub-words or characters".
 *
 * Training starts from characters. Each word of the corpus (split by
 * `wordTokenize`) is spelt as its characters (Unicode code points) followed by
 * the end-of-word marker `</w>`, a symbol of its own: "low" is l o w </w>.
 * The marker lets a piece at the end of a word ("est</w>", as in "newest")
 * differ from the same letters inside one ("est" in "establish"), and it tells
 * `decode` where words end. Then, repeatedly:
 *
 *   1. count every pair of adjacent symbols over the corpus, each word weighted
 *      by how often it occurs (overlapping pairs count: a a a has (a, a) twice);
 *   2. take the most frequent pair; among equally frequent pairs, the one whose
 *      first symbol and then second symbol come first in JavaScript string order
 *      (UTF-16 code units, so "e" < "low" < "t"). Counting and this tie-break do
 *      not depend on the order of the corpus, so training is deterministic;
 *   3. write every occurrence of that pair, left to right, as one symbol.
 *
 * It stops when the vocabulary reaches `vocabSize` entries or when no pair
 * occurs `minFrequency` times (default 2: a pair seen once is memorising one
 * word, not learning a piece), so the vocabulary can come out smaller than
 * `vocabSize`.
 *
 * The vocabulary is the five special tokens (ids 0-4), then `</w>`, then the
 * characters seen in training in JavaScript string order, then one symbol per merge in
 * the order learnt (a merge whose symbol is already there, as "a"+"bc" after
 * "ab"+"c", adds none). Tokenising applies the merges to each word in the order
 * they were learnt; a character never seen in training becomes [UNK].
 */
import { detokenize, wordTokenize } from "./tokenizer";
import { SPECIAL_TOKENS, Vocabulary } from "./vocabulary";

/** The end-of-word marker, the last symbol of every word before merging. */
export const END_OF_WORD = "</w>";

/** Options for `BytePairEncoding.train`. */
export interface BytePairEncodingOptions {
  /** Largest vocabulary wanted, special tokens and base symbols included. */
  vocabSize: number;
  /** Stop when the best pair occurs fewer times than this; default 2. */
  minFrequency?: number;
}

/** What `BytePairEncoding.toJSON` writes: the merges in order and the vocabulary in id order. */
export interface BytePairEncodingJSON {
  endOfWord: string;
  merges: [string, string][];
  vocabulary: string[];
}

const UNK = SPECIAL_TOKENS[1];
const PAD = SPECIAL_TOKENS[0];

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/** Replace every non-overlapping occurrence of (left, right), scanning left to right. */
function mergePair(symbols: string[], left: string, right: string): string[] {
  const merged: string[] = [];
  let i = 0;
  while (i < symbols.length) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      merged.push(left + right);
      i += 2;
    } else {
      merged.push(symbols[i]);
      i += 1;
    }
  }
  return merged;
}

/** A trained byte-pair-encoding sub-word tokenizer. Immutable once made. */
export class BytePairEncoding {
  /** The learnt merges, first learnt first: [left, right] becomes left + right. */
  readonly merges: readonly [string, string][];
  /** Special tokens, `</w>`, the characters, then the merged symbols. */
  readonly vocabulary: Vocabulary;
  private readonly cache = new Map<string, string[]>();

  private constructor(merges: [string, string][], vocabulary: Vocabulary) {
    this.merges = Object.freeze(merges.map((pair) => Object.freeze(pair) as [string, string]));
    this.vocabulary = vocabulary;
  }

  /**
   * Learn merges from `corpus` (an array of texts) as this file's header
   * describes. Throws when the corpus is not an array of strings or has no
   * words, when `minFrequency` is not an integer >= 1, or when `vocabSize` is
   * not an integer or is smaller than the special tokens plus the base symbols
   * (`</w>` and the corpus's characters), naming both numbers.
   */
  static train(corpus: string[], options: BytePairEncodingOptions): BytePairEncoding {
    if (!Array.isArray(corpus)) throw new TypeError(`BytePairEncoding.train expects an array of strings, got ${describe(corpus)}`);
    if (options == null || typeof options !== "object") {
      throw new TypeError(`BytePairEncoding.train expects options { vocabSize, minFrequency? }, got ${describe(options)}`);
    }
    const { vocabSize } = options;
    const minFrequency = options.minFrequency ?? 2;
    if (!Number.isInteger(vocabSize)) throw new RangeError(`BytePairEncoding vocabSize must be an integer, got ${vocabSize}`);
    if (!Number.isInteger(minFrequency) || minFrequency < 1) {
      throw new RangeError(`BytePairEncoding minFrequency must be an integer >= 1, got ${minFrequency}`);
    }
    const wordCounts = new Map<string, number>();
    corpus.forEach((text, i) => {
      if (typeof text !== "string") throw new TypeError(`BytePairEncoding corpus entry ${i} must be a string, got ${describe(text)}`);
      for (const word of wordTokenize(text)) wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
    });
    if (wordCounts.size === 0) throw new Error("BytePairEncoding.train: the corpus has no words to learn from");

    const characters = new Set<string>();
    for (const word of wordCounts.keys()) for (const c of word) characters.add(c);
    const alphabet = [END_OF_WORD, ...[...characters].sort()];
    const baseSize = SPECIAL_TOKENS.length + alphabet.length;
    if (vocabSize < baseSize) {
      throw new Error(
        `BytePairEncoding vocabSize ${vocabSize} is smaller than the ${SPECIAL_TOKENS.length} special tokens + ` +
          `${alphabet.length} base symbols (${END_OF_WORD} and ${characters.size} characters) = ${baseSize}`,
      );
    }

    const words = [...wordCounts].map(([word, count]) => ({ symbols: [...word, END_OF_WORD], count }));
    const symbols = [...alphabet];
    const known = new Set(symbols);
    const merges: [string, string][] = [];
    while (SPECIAL_TOKENS.length + symbols.length < vocabSize) {
      const pairCounts = new Map<string, { left: string; right: string; count: number }>();
      for (const { symbols: s, count } of words) {
        for (let i = 0; i + 1 < s.length; i++) {
          const key = `${s[i]}\u0000${s[i + 1]}`;
          const entry = pairCounts.get(key);
          if (entry) entry.count += count;
          else pairCounts.set(key, { left: s[i], right: s[i + 1], count });
        }
      }
      let best: { left: string; right: string; count: number } | undefined;
      for (const pair of pairCounts.values()) {
        if (
          best === undefined ||
          pair.count > best.count ||
          (pair.count === best.count && (pair.left < best.left || (pair.left === best.left && pair.right < best.right)))
        ) {
          best = pair;
        }
      }
      if (best === undefined || best.count < minFrequency) break;
      const { left, right } = best;
      merges.push([left, right]);
      for (const word of words) word.symbols = mergePair(word.symbols, left, right);
      if (!known.has(left + right)) {
        known.add(left + right);
        symbols.push(left + right);
      }
    }
    return new BytePairEncoding(merges, Vocabulary.fromList([...SPECIAL_TOKENS, ...symbols]));
  }

  /**
   * Rebuild a tokenizer from `toJSON()`'s output. Throws when the shape is
   * wrong, the marker differs from `</w>`, or a merge's parts or result are
   * missing from the vocabulary.
   */
  static fromJSON(json: BytePairEncodingJSON): BytePairEncoding {
    if (json == null || typeof json !== "object" || !Array.isArray(json.merges) || !Array.isArray(json.vocabulary)) {
      throw new TypeError(`BytePairEncoding.fromJSON expects { endOfWord, merges, vocabulary }, got ${describe(json)}`);
    }
    if (json.endOfWord !== END_OF_WORD) {
      throw new Error(`BytePairEncoding.fromJSON: end-of-word marker ${JSON.stringify(json.endOfWord)} is not ${END_OF_WORD}`);
    }
    const vocabulary = Vocabulary.fromJSON({ tokens: json.vocabulary });
    if (!vocabulary.has(END_OF_WORD)) throw new Error(`BytePairEncoding.fromJSON: the vocabulary lacks ${END_OF_WORD}`);
    const merges = json.merges.map((pair, i): [string, string] => {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
        throw new TypeError(`BytePairEncoding.fromJSON: merge ${i} must be a pair of strings, got ${JSON.stringify(pair)}`);
      }
      for (const symbol of [pair[0], pair[1], pair[0] + pair[1]]) {
        if (!vocabulary.has(symbol)) throw new Error(`BytePairEncoding.fromJSON: merge ${i} uses ${JSON.stringify(symbol)}, not in the vocabulary`);
      }
      return [pair[0], pair[1]];
    });
    return new BytePairEncoding(merges, vocabulary);
  }

  /** The symbols of one word: its characters ([UNK] for unseen ones) and `</w>`, merged in learnt order. */
  private tokenizeWord(word: string): string[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    let symbols = [...word].map((c) => (this.vocabulary.has(c) ? c : UNK));
    symbols.push(END_OF_WORD);
    for (const [left, right] of this.merges) {
      if (symbols.length < 2) break;
      symbols = mergePair(symbols, left, right);
    }
    this.cache.set(word, symbols);
    return symbols;
  }

  /** Sub-word tokens of `text`: "lowest" -> ["low", "est</w>"] with the classic corpus. */
  tokenize(text: string): string[] {
    return wordTokenize(text).flatMap((word) => this.tokenizeWord(word));
  }

  /** Vocabulary ids of `tokenize(text)`. */
  encode(text: string): number[] {
    return this.vocabulary.encode(this.tokenize(text));
  }

  /**
   * Text from ids: the symbols of each word are joined up to the one that ends
   * in `</w>`, and the words are joined by `detokenize`. [PAD] is dropped,
   * [UNK] stays in its word as the text "[UNK]", [CLS], [SEP] and [MASK] are
   * words of their own, and a last word without `</w>` (a cut-off sequence)
   * still counts. Throws a RangeError on an id outside the vocabulary.
   */
  decode(ids: number[]): string {
    const words: string[] = [];
    let current = "";
    for (const symbol of this.vocabulary.decode(ids)) {
      if (symbol === PAD) continue;
      if (symbol !== UNK && (SPECIAL_TOKENS as readonly string[]).includes(symbol)) {
        if (current !== "") words.push(current);
        words.push(symbol);
        current = "";
      } else if (symbol.endsWith(END_OF_WORD)) {
        words.push(current + symbol.slice(0, -END_OF_WORD.length));
        current = "";
      } else {
        current += symbol;
      }
    }
    if (current !== "") words.push(current);
    return detokenize(words);
  }

  /** The merges and the vocabulary, for `JSON.stringify`; `BytePairEncoding.fromJSON` reads it back. */
  toJSON(): BytePairEncodingJSON {
    return {
      endOfWord: END_OF_WORD,
      merges: this.merges.map(([left, right]) => [left, right]),
      vocabulary: [...this.vocabulary.tokens()],
    };
  }
}
