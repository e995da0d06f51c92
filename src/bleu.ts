/**
 * BLEU (Papineni et al. 2002), the score the paper reports for translation:
 * how many of a candidate translation's n-grams (runs of 1, 2, 3, 4 tokens)
 * also occur in a reference translation.
 *
 * Each order n gives a modified precision. A candidate n-gram counts as a match
 * at most as many times as it occurs in the one reference that holds it most
 * ("clipping"), so "the the the the the the the" against "the cat is on the
 * mat" scores 2/7 on unigrams, not 7/7. Corpus BLEU sums the clipped matches
 * and the n-gram totals over every sentence before dividing, takes the
 * geometric mean of the precisions for n = 1..maxOrder with equal weights, and
 * multiplies by a brevity penalty that stops short candidates from scoring well
 * by leaving out everything they are unsure of:
 *
 *   BLEU = BP * exp((1/N) * sum_n log p_n)
 *   BP   = 1 if c > r, else exp(1 - r/c)
 *
 * with c the total candidate length and r the sum, over sentences, of the
 * reference length closest to each candidate's length (a tie goes to the
 * shorter reference, as in sacrebleu and NLTK). Scores are fractions in [0, 1],
 * not the percentages papers print. Tokens are compared exactly, so BLEU is
 * only comparable between systems that tokenise the same way.
 *
 * Corpus BLEU is not the mean of sentence BLEUs: one short sentence with no
 * 4-gram scores 0 on its own but only dents the corpus totals. The totals are
 * summed as they are, as sacrebleu does; NLTK's `corpus_bleu` counts a
 * sentence with no n-grams of some order as having 1, so it can score lower.
 */

/** A token of either kind: words (string) or ids (number). */
export type Token = string | number;

/** Options for `corpusBleu` and `sentenceBleu`. */
export interface BleuOptions {
  /** Highest n-gram order N; default 4, as in the paper. */
  maxOrder?: number;
  /**
   * Add-one smoothing of orders n >= 2: p_n = (m_n + 1) / (t_n + 1), the unigram
   * precision left as it is. This is Lin & Och (2004)'s "add one", as NLTK's
   * `SmoothingFunction().method2` and sacrebleu's `smooth_method="add-k"` with
   * k = 1 compute it. Default false (no smoothing: any p_n = 0 gives BLEU 0).
   */
  smooth?: boolean;
}

/** What `corpusBleu` returns; index n - 1 of each array is order n. */
export interface BleuResult {
  /** The score in [0, 1]. */
  bleu: number;
  /** The precisions the score used (smoothed ones when `smooth` is on). */
  precisions: number[];
  /** Clipped n-gram matches m_n, summed over the corpus (never smoothed). */
  matches: number[];
  /** Candidate n-grams t_n, summed over the corpus (never smoothed). */
  totals: number[];
  brevityPenalty: number;
  /** c: total candidate length in tokens. */
  candidateLength: number;
  /** r: sum of each sentence's closest reference length. */
  referenceLength: number;
}

/** n-gram counts of `tokens`, keyed by `JSON.stringify` of the n-gram (so 1 and "1" differ). */
export function ngramCounts(tokens: readonly Token[], n: number): Map<string, number> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`ngramCounts: n must be an integer >= 1, got ${n}`);
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = JSON.stringify(tokens.slice(i, i + n));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * The clipped matches and total n-grams of one candidate against its
 * references: each candidate n-gram counts min(its count, its largest count in
 * any one reference) times. The modified precision is `matches / total`.
 */
export function modifiedPrecision(candidate: readonly Token[], references: readonly (readonly Token[])[], n: number): { matches: number; total: number } {
  const counts = ngramCounts(candidate, n);
  const maxRef = new Map<string, number>();
  for (const reference of references) {
    for (const [key, count] of ngramCounts(reference, n)) maxRef.set(key, Math.max(maxRef.get(key) ?? 0, count));
  }
  let matches = 0;
  let total = 0;
  for (const [key, count] of counts) {
    matches += Math.min(count, maxRef.get(key) ?? 0);
    total += count;
  }
  return { matches, total };
}

/** The reference length closest to `candidateLength`; a tie goes to the shorter one. */
export function closestReferenceLength(candidateLength: number, referenceLengths: readonly number[]): number {
  if (referenceLengths.length === 0) throw new Error("closestReferenceLength: no reference lengths");
  let best = referenceLengths[0];
  for (const r of referenceLengths) {
    const d = Math.abs(r - candidateLength);
    const bestD = Math.abs(best - candidateLength);
    if (d < bestD || (d === bestD && r < best)) best = r;
  }
  return best;
}

/** BP = 1 if c > r, else exp(1 - r/c); 0 when c = 0 (an empty candidate earns nothing). */
export function brevityPenalty(candidateLength: number, referenceLength: number): number {
  if (candidateLength === 0) return 0;
  return candidateLength > referenceLength ? 1 : Math.exp(1 - referenceLength / candidateLength);
}

/**
 * Corpus BLEU of `candidates[i]` against `references[i]` (one or more
 * references per sentence). Throws when the two lists differ in length, a
 * sentence has no references, or `maxOrder` is not an integer >= 1. An empty
 * corpus (or one of empty candidates) scores 0 with brevity penalty 0.
 */
export function corpusBleu<T extends Token>(
  candidates: readonly (readonly T[])[],
  references: readonly (readonly (readonly T[])[])[],
  options: BleuOptions = {},
): BleuResult {
  const maxOrder = options.maxOrder ?? 4;
  const smooth = options.smooth ?? false;
  if (!Number.isInteger(maxOrder) || maxOrder < 1) throw new RangeError(`corpusBleu: maxOrder must be an integer >= 1, got ${maxOrder}`);
  if (!Array.isArray(candidates) || !Array.isArray(references)) throw new TypeError("corpusBleu expects an array of candidates and an array of reference lists");
  if (candidates.length !== references.length) {
    throw new Error(`corpusBleu: ${candidates.length} candidates but ${references.length} reference lists`);
  }
  const matches = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  let candidateLength = 0;
  let referenceLength = 0;
  candidates.forEach((candidate, i) => {
    const refs = references[i];
    if (!Array.isArray(refs) || refs.length === 0) throw new Error(`corpusBleu: candidate ${i} has no references`);
    candidateLength += candidate.length;
    referenceLength += closestReferenceLength(candidate.length, refs.map((r) => r.length));
    for (let n = 1; n <= maxOrder; n++) {
      const { matches: m, total: t } = modifiedPrecision(candidate, refs, n);
      matches[n - 1] += m;
      totals[n - 1] += t;
    }
  });
  const precisions = matches.map((m, k) => {
    if (smooth && k >= 1) return (m + 1) / (totals[k] + 1); // add-one on orders n = k + 1 >= 2
    return totals[k] > 0 ? m / totals[k] : 0;
  });
  const brevity = brevityPenalty(candidateLength, referenceLength);
  const logMean = precisions.some((p) => p === 0) ? -Infinity : precisions.reduce((s, p) => s + Math.log(p), 0) / maxOrder;
  const bleu = brevity === 0 || logMean === -Infinity ? 0 : brevity * Math.exp(logMean);
  return { bleu, precisions, matches, totals, brevityPenalty: brevity, candidateLength, referenceLength };
}

/** BLEU of one candidate against its references: `corpusBleu([candidate], [references], options)`. */
export function sentenceBleu<T extends Token>(candidate: readonly T[], references: readonly (readonly T[])[], options: BleuOptions = {}): BleuResult {
  return corpusBleu([candidate], [references], options);
}
