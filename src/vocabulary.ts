/**
 * The vocabulary: the fixed list that turns Step 1's tokens into the integer
 * ids an embedding table is indexed by, and back. Ids are positions in the
 * list. The five special tokens always come first, with ids 0-4:
 *
 *   0 [PAD]   fills short sequences up to a common length
 *   1 [UNK]   stands for every token the vocabulary does not hold
 *   2 [CLS]   starts a sequence (BERT's summary position)
 *   3 [SEP]   ends a sentence or separates two
 *   4 [MASK]  hides a token for masked-language-model training
 *
 * Tokens are compared exactly: "The" and "the" are two tokens, as in the
 * article's token list.
 */

/** The special tokens, in id order: [PAD] 0, [UNK] 1, [CLS] 2, [SEP] 3, [MASK] 4. */
export const SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;

/** One of the five special tokens. */
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

/** Options for `Vocabulary.fromTokens`. */
export interface VocabularyOptions {
  /** Keep only tokens seen at least this many times; default 1 (keep all). */
  minCount?: number;
  /** At most this many entries, the special tokens included; default no limit. */
  maxSize?: number;
}

/** What `Vocabulary.toJSON` writes and `Vocabulary.fromJSON` reads: every token in id order. */
export interface VocabularyJSON {
  tokens: string[];
}

const SPECIAL_SET: ReadonlySet<string> = new Set(SPECIAL_TOKENS);

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

function checkToken(token: unknown, where: string): string {
  if (typeof token !== "string") throw new TypeError(`${where} must be a string, got ${describe(token)}`);
  return token;
}

function checkPositiveInteger(name: string, value: number | undefined, least: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < least) {
    throw new RangeError(`Vocabulary ${name} must be an integer >= ${least}, got ${value}`);
  }
}

/** A token <-> id table with the special tokens at ids 0-4. Immutable once made. */
export class Vocabulary {
  private readonly list: readonly string[];
  private readonly index: ReadonlyMap<string, number>;

  private constructor(list: string[]) {
    this.list = Object.freeze(list);
    this.index = new Map(list.map((token, id) => [token, id]));
  }

  /**
   * Build a vocabulary from a stream of tokens (a tokenised corpus): the special
   * tokens first, then each distinct token in order of first appearance, so the
   * same input always gives the same ids. Special tokens found in the input are
   * not added twice.
   *
   * `minCount` drops tokens seen fewer times. `maxSize` (which counts the five
   * specials) keeps the `maxSize - 5` most frequent tokens, ties going to the
   * token seen first; the kept tokens still take their ids in order of first
   * appearance. Throws a RangeError when `minCount` is not an integer >= 1 or
   * `maxSize` not an integer >= 5.
   */
  static fromTokens(tokens: Iterable<string>, options: VocabularyOptions = {}): Vocabulary {
    if (tokens == null || typeof (tokens as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function") {
      throw new TypeError(`Vocabulary.fromTokens expects an iterable of strings, got ${describe(tokens)}`);
    }
    checkPositiveInteger("minCount", options.minCount, 1);
    checkPositiveInteger("maxSize", options.maxSize, SPECIAL_TOKENS.length);
    const counts = new Map<string, number>(); // insertion order = first appearance
    let i = 0;
    for (const token of tokens) {
      checkToken(token, `token ${i}`);
      i += 1;
      if (SPECIAL_SET.has(token)) continue;
      counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    const minCount = options.minCount ?? 1;
    let kept = [...counts].filter(([, count]) => count >= minCount);
    if (options.maxSize !== undefined) {
      const room = options.maxSize - SPECIAL_TOKENS.length;
      // Rank by count, ties by first appearance; keep the top `room`, then restore first-appearance order.
      const ranked = kept.map((entry, order) => ({ entry, order })).sort((a, b) => b.entry[1] - a.entry[1] || a.order - b.order);
      const keep = new Set(ranked.slice(0, room).map((r) => r.order));
      kept = kept.filter((_, order) => keep.has(order));
    }
    return new Vocabulary([...SPECIAL_TOKENS, ...kept.map(([token]) => token)]);
  }

  /**
   * A vocabulary with exactly this id order. If the list starts with the five
   * special tokens in their order it is used as it is; if it holds none of them
   * they are prepended (so the first listed token gets id 5). A special token
   * anywhere else throws, as does a duplicate (naming the token and both
   * positions) or a non-string entry.
   */
  static fromList(tokens: readonly string[]): Vocabulary {
    if (!Array.isArray(tokens)) throw new TypeError(`Vocabulary.fromList expects an array of strings, got ${describe(tokens)}`);
    tokens.forEach((token, i) => checkToken(token, `token ${i}`));
    const hasSpecialPrefix = SPECIAL_TOKENS.every((special, i) => tokens[i] === special);
    const list = hasSpecialPrefix ? [...tokens] : [...SPECIAL_TOKENS, ...tokens];
    const seen = new Map<string, number>();
    list.forEach((token, id) => {
      const first = seen.get(token);
      if (first !== undefined) {
        if (SPECIAL_SET.has(token) && !hasSpecialPrefix) {
          throw new Error(
            `Vocabulary.fromList: special token ${token} at position ${id - SPECIAL_TOKENS.length} must be in the first ` +
              `${SPECIAL_TOKENS.length} places, in the order ${SPECIAL_TOKENS.join(" ")}, or left out to be prepended`,
          );
        }
        const offset = hasSpecialPrefix ? 0 : SPECIAL_TOKENS.length;
        throw new Error(`Vocabulary.fromList: duplicate token ${JSON.stringify(token)} at positions ${first - offset} and ${id - offset}`);
      }
      seen.set(token, id);
    });
    return new Vocabulary(list);
  }

  /** Rebuild a vocabulary from `toJSON()`'s output (its list must start with the specials). */
  static fromJSON(json: VocabularyJSON): Vocabulary {
    if (json == null || typeof json !== "object" || !Array.isArray(json.tokens)) {
      throw new TypeError(`Vocabulary.fromJSON expects { tokens: string[] }, got ${describe(json)}`);
    }
    if (!SPECIAL_TOKENS.every((special, i) => json.tokens[i] === special)) {
      throw new Error(`Vocabulary.fromJSON: the tokens must start with ${SPECIAL_TOKENS.join(" ")}`);
    }
    return Vocabulary.fromList(json.tokens);
  }

  /** Number of entries, the five special tokens included. */
  get size(): number {
    return this.list.length;
  }

  /** Id of [PAD] (0). */
  get padId(): number {
    return 0;
  }

  /** Id of [UNK] (1), what `id` returns for a token the vocabulary lacks. */
  get unkId(): number {
    return 1;
  }

  /** Id of [CLS] (2). */
  get clsId(): number {
    return 2;
  }

  /** Id of [SEP] (3). */
  get sepId(): number {
    return 3;
  }

  /** Id of [MASK] (4). */
  get maskId(): number {
    return 4;
  }

  /** The id of `token`, or `unkId` when the vocabulary does not hold it. */
  id(token: string): number {
    return this.index.get(checkToken(token, "Vocabulary.id token")) ?? this.unkId;
  }

  /** The token with this id; throws a RangeError naming the id and the size when there is none. */
  token(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.list.length) {
      throw new RangeError(`token id ${id} is out of range for a vocabulary of size ${this.list.length} (ids 0 to ${this.list.length - 1})`);
    }
    return this.list[id];
  }

  /** Whether `token` has an id of its own (special tokens included). */
  has(token: string): boolean {
    return this.index.has(token);
  }

  /** Ids of `tokens`, unknown ones as `unkId`. */
  encode(tokens: string[]): number[] {
    if (!Array.isArray(tokens)) throw new TypeError(`Vocabulary.encode expects an array of strings, got ${describe(tokens)}`);
    return tokens.map((token) => this.id(token));
  }

  /** Tokens of `ids`; throws a RangeError on the first id out of range. */
  decode(ids: number[]): string[] {
    if (!Array.isArray(ids)) throw new TypeError(`Vocabulary.decode expects an array of ids, got ${describe(ids)}`);
    return ids.map((id) => this.token(id));
  }

  /** Every token in id order (a frozen array). */
  tokens(): readonly string[] {
    return this.list;
  }

  /** `{ tokens }` in id order, for `JSON.stringify`; `Vocabulary.fromJSON` reads it back. */
  toJSON(): VocabularyJSON {
    return { tokens: [...this.list] };
  }
}
