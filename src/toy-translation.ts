/**
 * A toy translation task: a small grammar with a French-like source and an
 * English target, generated here (no downloads), so a small Transformer can
 * learn to translate in a notebook and be scored with BLEU. Two patterns:
 *
 *   DET NOUN [ADJ] VERB DET NOUN [ADJ] .
 *   DET NOUN [ADJ] VERB DET NOUN [ADJ] car PRONOUN était ADJ .
 *
 * "l' animal traverse la rue car il était fatigué ." is "the animal crosses
 * the street because it was tired .", the article's example without the
 * negation and the "too". What the model has to learn, beyond word for word:
 *
 *   - reordering: the adjective follows the noun in the source and precedes it
 *     in English ("le chat noir" -> "the black cat");
 *   - the article: "le" before a masculine noun, "la" before a feminine one,
 *     and "l'" (its own token) before any noun starting with a vowel, all three
 *     "the" ("le chat", "la rue", "l' animal");
 *   - agreement: an adjective takes its noun's gender ("noir"/"noire"), and the
 *     pronoun of the "car" clause takes the subject's ("il"/"elle"), which it
 *     always refers to; English says "it" either way.
 *
 * The words are French, the grammar simplified: every adjective follows its
 * noun, verbs are present tense, and there are no plurals or humans (so "it" is
 * always right). Each source sentence has one translation, `translateByRule`'s.
 *
 * Both languages share one `Vocabulary` ("animal" or "." get one id); in it
 * [PAD] 0 pads, [CLS] 2 is the start symbol (BOS) the decoder begins with and
 * [SEP] 3 the end symbol (EOS) it must emit to stop (`TRANSLATION_SPECIALS`).
 */
import type { Seq2SeqPair } from "./batch";
import { toRng, type RandomSource } from "./random";
import { Vocabulary } from "./vocabulary";

/** Seq2seq ids in the shared vocabulary: [PAD] 0 pads, [CLS] 2 starts (BOS), [SEP] 3 ends (EOS). */
export const TRANSLATION_SPECIALS = Object.freeze({ pad: 0, bos: 2, eos: 3 } as const);

type Gender = "m" | "f";
export interface ToyNoun { readonly fr: string; readonly en: string; readonly gender: Gender }
export interface ToyAdjective { readonly m: string; readonly f: string; readonly en: string }
export interface ToyVerb { readonly fr: string; readonly en: string }

const n = (fr: string, en: string, gender: Gender): ToyNoun => Object.freeze({ fr, en, gender });
const a = (m: string, f: string, en: string): ToyAdjective => Object.freeze({ m, f, en });
const v = (fr: string, en: string): ToyVerb => Object.freeze({ fr, en });

/** The words: 20 nouns (9 start with a vowel), 10 adjectives (masculine, feminine, English), 8 verbs. */
export const TOY_LEXICON = Object.freeze({
  nouns: Object.freeze([
    n("chat", "cat", "m"), n("chien", "dog", "m"), n("oiseau", "bird", "m"), n("animal", "animal", "m"), n("arbre", "tree", "m"),
    n("livre", "book", "m"), n("poisson", "fish", "m"), n("cheval", "horse", "m"), n("éléphant", "elephant", "m"), n("ours", "bear", "m"),
    n("rue", "street", "f"), n("maison", "house", "f"), n("souris", "mouse", "f"), n("pomme", "apple", "f"), n("école", "school", "f"),
    n("étoile", "star", "f"), n("table", "table", "f"), n("île", "island", "f"), n("orange", "orange", "f"), n("fleur", "flower", "f"),
  ]),
  adjectives: Object.freeze([
    a("noir", "noire", "black"), a("blanc", "blanche", "white"), a("rouge", "rouge", "red"), a("vert", "verte", "green"),
    a("fatigué", "fatiguée", "tired"), a("content", "contente", "happy"), a("rapide", "rapide", "fast"),
    a("lourd", "lourde", "heavy"), a("triste", "triste", "sad"), a("malade", "malade", "sick"),
  ]),
  verbs: Object.freeze([
    v("voit", "sees"), v("mange", "eats"), v("suit", "follows"), v("aime", "likes"),
    v("regarde", "watches"), v("traverse", "crosses"), v("porte", "carries"), v("trouve", "finds"),
  ]),
});

const { nouns: NOUNS, adjectives: ADJECTIVES, verbs: VERBS } = TOY_LEXICON;

/** Distinct source sentences: (20 * 11)^2 noun phrases * 8 verbs * 11 endings = 4,259,200. */
export const TOY_SENTENCE_COUNT = (NOUNS.length * (ADJECTIVES.length + 1)) ** 2 * VERBS.length * (ADJECTIVES.length + 1);

/** A sentence pair as tokens, without special tokens. */
export interface TranslationPair { source: string[]; target: string[] }

interface NounPhrase { noun: number; adjective: number | null }
interface Plan { subject: NounPhrase; verb: number; object: NounPhrase; reason: number | null }

const VOWEL = /^[aeiouyàâéèêëîïôûù]/;
/** The source article of a noun: "l'" before a vowel, else "le" (masculine) or "la" (feminine). */
const article = (noun: ToyNoun): string => (VOWEL.test(noun.fr) ? "l'" : noun.gender === "m" ? "le" : "la");
const form = (adjective: ToyAdjective, gender: Gender): string => (gender === "m" ? adjective.m : adjective.f);
const pronoun = (gender: Gender): string => (gender === "m" ? "il" : "elle");

function frenchPhrase({ noun, adjective }: NounPhrase): string[] {
  const head = NOUNS[noun];
  return [article(head), head.fr, ...(adjective === null ? [] : [form(ADJECTIVES[adjective], head.gender)])];
}

const englishPhrase = ({ noun, adjective }: NounPhrase): string[] => ["the", ...(adjective === null ? [] : [ADJECTIVES[adjective].en]), NOUNS[noun].en];

function renderSource(plan: Plan): string[] {
  const gender = NOUNS[plan.subject.noun].gender;
  const reason = plan.reason === null ? [] : ["car", pronoun(gender), "était", form(ADJECTIVES[plan.reason], gender)];
  return [...frenchPhrase(plan.subject), VERBS[plan.verb].fr, ...frenchPhrase(plan.object), ...reason, "."];
}

function renderTarget(plan: Plan): string[] {
  const reason = plan.reason === null ? [] : ["because", "it", "was", ADJECTIVES[plan.reason].en];
  return [...englishPhrase(plan.subject), VERBS[plan.verb].en, ...englishPhrase(plan.object), ...reason, "."];
}

const NOUN_INDEX = new Map(NOUNS.map((noun, i) => [noun.fr, i]));
const VERB_INDEX = new Map(VERBS.map((verb, i) => [verb.fr, i]));

/** Reads a source sentence back into its plan; throws naming the position and token where it breaks the grammar. */
function parse(source: readonly string[]): Plan {
  const sentence = `"${source.join(" ")}"`;
  let i = 0;
  const fail = (what: string): never => {
    const got = i < source.length ? JSON.stringify(source[i]) : "the end";
    throw new Error(`translateByRule: expected ${what} at position ${i}, got ${got} in ${sentence}`);
  };
  const expectToken = (token: string): number => (source[i] === token ? i++ : fail(JSON.stringify(token)));
  const adjective = (head: ToyNoun): number | null => {
    const index = ADJECTIVES.findIndex((adj) => adj.m === source[i] || adj.f === source[i]);
    if (index < 0) return null;
    const agreeing = form(ADJECTIVES[index], head.gender);
    if (agreeing !== source[i]) fail(`the ${head.gender === "m" ? "masculine" : "feminine"} form "${agreeing}" to agree with "${head.fr}"`);
    i++;
    return index;
  };
  const phrase = (): NounPhrase => {
    const det = source[i] === "le" || source[i] === "la" || source[i] === "l'" ? source[i] : fail("le, la or l'");
    i++;
    const noun = NOUN_INDEX.get(source[i]) ?? fail("a noun");
    if (article(NOUNS[noun]) !== det) throw new Error(`translateByRule: "${NOUNS[noun].fr}" takes "${article(NOUNS[noun])}", not "${det}", at position ${i - 1} in ${sentence}`);
    i++;
    return { noun, adjective: adjective(NOUNS[noun]) };
  };
  const subject = phrase();
  const verb = VERB_INDEX.get(source[i]) ?? fail("a verb");
  i++;
  const object = phrase();
  let reason: number | null = null;
  if (source[i] === "car") {
    i++;
    const head = NOUNS[subject.noun];
    expectToken(pronoun(head.gender));
    expectToken("était");
    reason = adjective(head) ?? fail("an adjective");
  }
  expectToken(".");
  if (i !== source.length) fail("the end of the sentence");
  return { subject, verb, object, reason };
}

/** The grammar's own translation of a source sentence (tokens); throws on a sentence the grammar cannot make. */
export function translateByRule(source: readonly string[]): string[] {
  if (!Array.isArray(source)) throw new TypeError("translateByRule expects an array of tokens");
  return renderTarget(parse(source));
}

/** The shared vocabulary: specials 0-4, then the source words, then the English words not already in. */
export function toyVocabulary(): Vocabulary {
  const french = ["le", "la", "l'", ...NOUNS.map((x) => x.fr), ...ADJECTIVES.flatMap((x) => [x.m, x.f]), ...VERBS.map((x) => x.fr), "car", "il", "elle", "était", "."];
  const english = ["the", ...NOUNS.map((x) => x.en), ...ADJECTIVES.map((x) => x.en), ...VERBS.map((x) => x.en), "because", "it", "was", "."];
  return Vocabulary.fromList([...new Set([...french, ...english])]);
}

/**
 * One training sentence per noun as subject, together using every word: noun k's adjectives are
 * picked by its rank among the nouns of its gender (10 per gender reach all 10 adjectives in both forms).
 */
function coverPlans(): Plan[] {
  const rank = NOUNS.map((noun, k) => NOUNS.slice(0, k).filter((other) => other.gender === noun.gender).length);
  return NOUNS.map((_, k) => ({
    subject: { noun: k, adjective: rank[k] % ADJECTIVES.length },
    verb: k % VERBS.length,
    object: { noun: (k + 1) % NOUNS.length, adjective: null },
    reason: (rank[k] + 1) % ADJECTIVES.length,
  }));
}

/** Options for `toyTranslation`. */
export interface ToyTranslationOptions {
  /** Training pairs; at least 20 (one per noun, so every word is seen). */
  trainSize: number;
  /** Test pairs, none with a training source. */
  testSize: number;
  seed: RandomSource;
}

/** What `toyTranslation` returns. */
export interface ToyTranslation { vocabulary: Vocabulary; train: TranslationPair[]; test: TranslationPair[] }

/**
 * Draws distinct sentence pairs, seeded. The training set starts with 20
 * sentences that between them use every word, so a test sentence is a new
 * combination of known words; the rest are random: uniform nouns, verbs and
 * adjectives, each optional adjective and the "car" clause present with
 * probability 1/2 (so short sentences are more common than a uniform draw over
 * the grammar would make them). Train and test share no source sentence, and
 * neither holds one twice. Throws when trainSize + testSize exceeds the
 * grammar's `TOY_SENTENCE_COUNT` or trainSize is below 20.
 */
export function toyTranslation({ trainSize, testSize, seed }: ToyTranslationOptions): ToyTranslation {
  const cover = coverPlans();
  for (const [name, value] of [["trainSize", trainSize], ["testSize", testSize]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`toyTranslation: ${name} must be an integer >= 0, got ${value}`);
  }
  if (trainSize + testSize > TOY_SENTENCE_COUNT) {
    throw new RangeError(`toyTranslation: trainSize ${trainSize} + testSize ${testSize} = ${trainSize + testSize} exceeds the ${TOY_SENTENCE_COUNT} distinct sentences the grammar makes`);
  }
  if (trainSize < cover.length) throw new RangeError(`toyTranslation: trainSize ${trainSize} is below ${cover.length}, the sentences needed to use every word in training`);
  const rng = toRng(seed);
  const seen = new Set<string>();
  const add = (plan: Plan, into: TranslationPair[]): void => {
    const source = renderSource(plan);
    if (seen.has(source.join(" "))) return;
    seen.add(source.join(" "));
    into.push({ source, target: translateByRule(source) });
  };
  const phrase = (): NounPhrase => ({ noun: rng.int(NOUNS.length), adjective: rng.next() < 0.5 ? null : rng.int(ADJECTIVES.length) });
  const fill = (into: TranslationPair[], size: number): void => {
    const maxDraws = 20 * size + 10000;
    for (let draws = 0; into.length < size; draws++) {
      if (draws >= maxDraws) throw new Error(`toyTranslation: only ${seen.size} distinct sentences after ${maxDraws} draws; ask for fewer`);
      const subject = phrase(); // drawn one by one, in this order, so a seed always gives the same data
      const verb = rng.int(VERBS.length);
      const object = phrase();
      add({ subject, verb, object, reason: rng.next() < 0.5 ? null : rng.int(ADJECTIVES.length) }, into);
    }
  };
  const train: TranslationPair[] = [];
  const test: TranslationPair[] = [];
  for (const plan of cover) add(plan, train);
  fill(train, trainSize);
  fill(test, testSize);
  return { vocabulary: toyVocabulary(), train: rng.shuffle(train), test };
}

/**
 * A pair as ids: each side's tokens, then EOS ([SEP] 3). The target gets EOS
 * so the decoder learns to stop (the batching code puts BOS in front); the
 * source gets it too, marking where the sentence ends for the encoder, as the
 * Annotated Transformer's batches do. Throws on a token the vocabulary lacks.
 */
export function encodePair(vocabulary: Vocabulary, pair: TranslationPair): Seq2SeqPair {
  const ids = (tokens: readonly string[], side: string): number[] =>
    tokens.map((token, i) => {
      if (!vocabulary.has(token)) throw new Error(`encodePair: ${side} token ${i} ${JSON.stringify(token)} is not in the vocabulary`);
      return vocabulary.id(token);
    });
  const { eos } = TRANSLATION_SPECIALS;
  return { source: [...ids(pair.source, "source"), eos], target: [...ids(pair.target, "target"), eos] };
}
