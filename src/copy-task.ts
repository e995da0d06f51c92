/**
 * The copy task: the Annotated Transformer's first training run, a sanity
 * check that an encoder-decoder can learn anything at all. The source is a
 * random sequence of symbols and the target is the same sequence; the reverse
 * task asks for it backwards, which the model can only do by attending to the
 * far end of the source.
 *
 * Ids (`COPY_TASK`): 0 is padding, 1 the start symbol the decoder begins with,
 * and 2..10 the nine symbols; a sequence is 10 symbols. There is no end symbol:
 * every output is exactly `length` long, so greedy decoding runs exactly
 * `length` steps after the start symbol. A pair's `target` holds the symbols
 * only; the batching code puts the start symbol in front.
 *
 * (The Annotated Transformer draws ids 1..10 and overwrites position 0 with
 * the start symbol 1, so its copy starts with 1; here the start symbol is left
 * to the batching and all 10 positions are symbols.)
 *
 * Plain JavaScript arrays, no tensors; the draws come from a seeded `Rng`.
 */
import type { Seq2SeqPair } from "./batch";
import { toRng, type RandomSource } from "./random";

/** The copy task's sizes and ids. */
export const COPY_TASK = Object.freeze({ vocabSize: 11, pad: 0, bos: 1, firstSymbol: 2, length: 10 } as const);

/** Options for the synthetic tasks; each defaults to `COPY_TASK`'s value. */
export interface SymbolTaskOptions {
  /** Symbols per sequence; default 10. */
  length?: number;
  /** Ids run 0..vocabSize-1; default 11. */
  vocabSize?: number;
  /** Lowest symbol id (ids below it are reserved for padding and start); default 2. */
  firstSymbol?: number;
}

/** Makes `count` pairs from a seed or generator (`copyTask`, `reverseTask`, or one of your own). */
export type PairMaker = (count: number, seed: RandomSource) => Seq2SeqPair[];

function checkInteger(where: string, name: string, value: number, least: number): void {
  if (!Number.isInteger(value) || value < least) throw new RangeError(`${where}: ${name} must be an integer >= ${least}, got ${value}`);
}

/**
 * `count` sequences of `length` ids, each drawn uniformly from
 * firstSymbol..vocabSize-1. The same seed gives the same sequences.
 */
export function randomSymbolSequences(count: number, seed: RandomSource, options: SymbolTaskOptions = {}): number[][] {
  const { length = COPY_TASK.length, vocabSize = COPY_TASK.vocabSize, firstSymbol = COPY_TASK.firstSymbol } = options;
  checkInteger("randomSymbolSequences", "count", count, 0);
  checkInteger("randomSymbolSequences", "length", length, 1);
  checkInteger("randomSymbolSequences", "firstSymbol", firstSymbol, 0);
  if (!Number.isInteger(vocabSize) || vocabSize <= firstSymbol) {
    throw new RangeError(`randomSymbolSequences: vocabSize ${vocabSize} leaves no symbols above firstSymbol ${firstSymbol}`);
  }
  const rng = toRng(seed);
  const symbols = vocabSize - firstSymbol;
  return Array.from({ length: count }, () => Array.from({ length }, () => firstSymbol + rng.int(symbols)));
}

/** `count` copy pairs: target = source. */
export function copyTask(count: number, seed: RandomSource, options: SymbolTaskOptions = {}): Seq2SeqPair[] {
  return randomSymbolSequences(count, seed, options).map((source) => ({ source, target: source.slice() }));
}

/** `count` reversal pairs: target = source reversed. */
export function reverseTask(count: number, seed: RandomSource, options: SymbolTaskOptions = {}): Seq2SeqPair[] {
  return randomSymbolSequences(count, seed, options).map((source) => ({ source, target: source.slice().reverse() }));
}

/**
 * `count` test pairs from `make` whose sources do not occur in `train`.
 * With 9^10 (about 3.5 billion) possible sources an overlap is rare, but a test
 * set must be disjoint from the training set by construction, not by luck: a
 * drawn pair whose source is in `train` is dropped and another drawn. The test
 * pairs may repeat among themselves. Throws if `10 * count + 1000` draws do not
 * yield enough (the training set covers nearly every possible source).
 */
export function heldOut(train: readonly Seq2SeqPair[], count: number, seed: RandomSource, make: PairMaker): Seq2SeqPair[] {
  checkInteger("heldOut", "count", count, 0);
  const seen = new Set(train.map((pair) => pair.source.join(",")));
  const rng = toRng(seed);
  const out: Seq2SeqPair[] = [];
  const maxDraws = 10 * count + 1000;
  for (let draws = 0; out.length < count; draws++) {
    if (draws >= maxDraws) {
      throw new Error(`heldOut: only ${out.length} of ${count} pairs had a source outside the ${train.length} training pairs after ${maxDraws} draws`);
    }
    const [pair] = make(1, rng);
    if (!seen.has(pair.source.join(","))) out.push(pair);
  }
  return out;
}
