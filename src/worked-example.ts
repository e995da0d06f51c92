/**
 * The article's hand-sized worked example (Steps 3-6), computed exactly and
 * written out as derivations a notebook can render: the formula, the numbers
 * put in, the result.
 *
 * Arithmetic is done by a mathjs instance on 64-digit BigNumbers, so
 * 0.8 x 0.7 is exactly 0.56 (not 0.5599999999999999) and exp/sqrt are
 * accurate far beyond the digits shown. Inputs and outputs are plain JS
 * numbers; only the shown numbers are rounded:
 *
 * - a number with at most 5 decimals is shown exactly (0.62, -0.1, 3);
 * - any other number is shown with 5 decimals (0.43841, 1.41421, 0.59090),
 *   and the step that shows it is joined by "≈" instead of "=";
 * - exponentials in the softmax are shown to 5 significant digits (1.5502).
 *
 * Every later step is computed from the unrounded earlier values, never from
 * the shown ones (this is why FFN(Z_it) ends in ...94, not ...95).
 *
 * Names: `q` query, `k` key, `V` value, `d_k` the query/key size (dK), `s` a
 * scaled score, `w` an attention weight, `z` one weighted value, `Z` the
 * attention output, `h` the FFN hidden layer. `x` is a row vector and W1 is
 * [dModel][dFF], so the FFN is max(0, x W1 + b1) W2 + b2.
 *
 * Nothing is computed on import; the mathjs instance is made on first use.
 */
import { all, create, type BigNumber, type MathJsInstance } from "mathjs";

/** One step of the worked example, as TeX (for KaTeX) and as plain text. */
export interface Derivation {
  /** What this is, in words: "attention score of it to animal". */
  quantity: string;
  /** The formula, symbols only: `q_{it}\cdot k_{animal}`. */
  formulaTex: string;
  /** The numbers put in, with any intermediate lines: `(0.8 \times 0.7) + (0.2 \times 0.3) = 0.56 + 0.06`. */
  substitutedTex: string;
  /** The result as shown (rounded to 5 decimals where it is not exact): `0.62`. */
  resultTex: string;
  /** The whole line, formula = substituted = result (with \approx where a step rounds). */
  tex: string;
  /** The whole line in plain text: `q_it . k_animal = (0.8 x 0.7) + (0.2 x 0.3) = 0.56 + 0.06 = 0.62`. */
  text: string;
  /** The unrounded result as JS number(s). */
  value: number | number[];
}

/** Symbol names for one query-key pair, e.g. `{ query: "it", key: "animal" }`. */
export interface PairNames {
  query: string;
  key: string;
}

/** One key of an attention example: its name, key vector k and value vector V. */
export interface WorkedKey {
  name: string;
  key: number[];
  value: number[];
}

/** The input to {@link workedAttention}: one query attending to some keys. */
export interface WorkedAttentionExample {
  queryName: string;
  query: number[];
  keys: WorkedKey[];
}

/** Steps 3-5 of one query, each step as derivations (one per key where it applies). */
export interface WorkedAttention {
  /** Step 3: q . k per key. */
  scores: Derivation[];
  /** Step 3: q . k / sqrt(dK) per key. */
  scaled: Derivation[];
  /** Step 4: the softmax weight per key. */
  weights: Derivation[];
  /** Step 5: weight x V per key. */
  weighted: Derivation[];
  /** Step 5: Z, the sum of the weighted values. */
  output: Derivation;
  /** Z as numbers (unrounded). */
  z: number[];
}

/** FFN parameters: x is a row vector of dModel values; W1 is [dModel][dFF], W2 is [dFF][dOut]. */
export interface FeedForwardParams {
  W1: number[][];
  b1: number[];
  W2: number[][];
  b2: number[];
}

/** Step 6 written out: the hidden layer, the ReLU and the output. */
export interface WorkedFeedForward {
  /** h = x W1 + b1. */
  hidden: Derivation;
  /** max(0, h). */
  relu: Derivation;
  /** FFN(x) = ReLU(h) W2 + b2. */
  output: Derivation;
  /** FFN(x) as numbers (unrounded). */
  value: number[];
}

/** What the article prints for the worked example, for errata cells that show both. */
export interface ArticlePrinted {
  /** Step 3: q_it . k_animal, q_it . k_street. */
  scores: readonly number[];
  /** Step 3: the scaled scores, rounded to 2 decimals. */
  scaled: readonly number[];
  /** Step 4: the weights (a slip: e^0.44 / (e^0.44 + e^0.07) is 0.59, not 0.69). */
  weights: readonly number[];
  /** Step 5: z_animal and z_street, from the slipped weights. */
  weighted: readonly (readonly number[])[];
  /** Step 5: Z_it, from the slipped weights. */
  z: readonly number[];
  /** Step 6: FFN([0.58, 0]). */
  ffn: readonly number[];
  /** Step 2: the illustrative positional encoding of "animal" at index 1 (not the sinusoid's values). */
  pe: readonly number[];
  /** Step 1: the illustrative word vectors the article lists (first three values of each). */
  embeddings: Readonly<Record<string, readonly number[]>>;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const child of Object.values(value as object)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The article's Steps 3-5 example: the query of "it" and the keys/values of "animal" and "street". */
export const ARTICLE_EXAMPLE: Readonly<WorkedAttentionExample> = deepFreeze({
  queryName: "it",
  query: [0.8, 0.2],
  keys: [
    { name: "animal", key: [0.7, 0.3], value: [0.8, -0.4] },
    { name: "street", key: [-0.1, 0.9], value: [0.1, 0.9] },
  ],
});

/** The article's Step 6 FFN: W1 [[3, 1], [2, 4]], b1 [-1, 0], W2 the identity, b2 zero (dModel = dFF = 2). */
export const ARTICLE_FFN: Readonly<FeedForwardParams> = deepFreeze({
  W1: [
    [3, 1],
    [2, 4],
  ],
  b1: [-1, 0],
  W2: [
    [1, 0],
    [0, 1],
  ],
  b2: [0, 0],
});

/** The numbers the article prints (see DESIGN.md's worked-example table for the exact ones). */
export const ARTICLE_PRINTED: Readonly<ArticlePrinted> = deepFreeze({
  scores: [0.62, 0.1],
  scaled: [0.44, 0.07],
  weights: [0.69, 0.31],
  weighted: [
    [0.55, -0.28],
    [0.03, 0.28],
  ],
  z: [0.58, 0],
  ffn: [0.74, 0.58],
  pe: [0.1, 0.4, -0.3],
  embeddings: { The: [0.2, -0.5, 0.1], animal: [0.7, 0.3, -0.2], tired: [-0.9, 0.6, 0.4] },
});

// ---------------------------------------------------------------------------
// Exact arithmetic and how numbers are shown

/** Decimals shown for a number that is not exact at that length. */
const SHOWN_DECIMALS = 5;
/** Significant digits shown for the softmax's exponentials. */
const EXP_DIGITS = 5;

let instance: MathJsInstance | undefined;
function math(): MathJsInstance {
  instance ??= create(all, { number: "BigNumber", precision: 64 });
  return instance;
}

function big(x: number, what: string): BigNumber {
  if (!Number.isFinite(x)) throw new Error(`${what} is ${x}; the worked example needs finite numbers`);
  return math().bignumber(x);
}

function bigs(xs: readonly number[], what: string): BigNumber[] {
  return xs.map((x, i) => big(x, `${what}[${i}]`));
}

/** A number as shown: TeX, plain text, and whether it is shown exactly. */
interface Shown {
  tex: string;
  text: string;
  exact: boolean;
}

function noNegativeZero(s: string): string {
  return /^-[0.]+$/.test(s) ? s.slice(1) : s;
}

function showNumber(x: BigNumber): Shown {
  const exact = x.decimalPlaces() <= SHOWN_DECIMALS;
  const s = noNegativeZero(exact ? x.toFixed() : x.toFixed(SHOWN_DECIMALS));
  return { tex: s, text: s, exact };
}

function showSignificant(x: BigNumber, digits: number): Shown {
  const rounded = x.toSignificantDigits(digits);
  if (rounded.eq(x)) return { tex: x.toFixed(), text: x.toFixed(), exact: true };
  // Keep trailing zeros: 1.5000 says five digits were kept.
  const decimals = Math.max(0, digits - 1 - rounded.e);
  const s = noNegativeZero(rounded.toFixed(decimals));
  return { tex: s, text: s, exact: false };
}

/** A factor in a product: negative numbers in parentheses in TeX (`(-0.1)`), bare in text. */
function factor(s: Shown): Shown {
  return s.tex.startsWith("-") ? { ...s, tex: `(${s.tex})` } : s;
}

/** Terms joined by + (a later negative term as "- 0.06"). */
function sumOf(terms: Shown[]): Shown {
  let tex = "";
  let text = "";
  terms.forEach((t, i) => {
    if (i === 0) {
      tex = t.tex;
      text = t.text;
    } else if (t.tex.startsWith("-")) {
      tex += ` - ${t.tex.slice(1)}`;
      text += ` - ${t.text.slice(1)}`;
    } else {
      tex += ` + ${t.tex}`;
      text += ` + ${t.text}`;
    }
  });
  return { tex, text, exact: terms.every((t) => t.exact) };
}

function productOf(a: Shown, b: Shown): Shown {
  return { tex: `(${factor(a).tex} \\times ${factor(b).tex})`, text: `(${a.text} x ${b.text})`, exact: a.exact && b.exact };
}

function vectorOf(xs: Shown[]): Shown {
  return {
    tex: `[${xs.map((x) => x.tex).join(", ")}]`,
    text: `[${xs.map((x) => x.text).join(", ")}]`,
    exact: xs.every((x) => x.exact),
  };
}

function showVector(xs: BigNumber[]): Shown {
  return vectorOf(xs.map(showNumber));
}

function showMatrix(rows: BigNumber[][]): Shown {
  const shown = rows.map((r) => r.map(showNumber));
  return {
    tex: `\\begin{bmatrix} ${shown.map((r) => r.map((x) => x.tex).join(" & ")).join(" \\\\ ")} \\end{bmatrix}`,
    text: `[${shown.map((r) => `[${r.map((x) => x.text).join(", ")}]`).join(", ")}]`,
    exact: shown.every((r) => r.every((x) => x.exact)),
  };
}

const TEX_SPECIAL = /[\\{}$&#^_%~]/g;

/** A symbol with a token subscript: `q_{it}` / `q_it`; other than letters and digits goes in \text{}. */
function symbol(sym: string, name: string): Shown {
  const sub = /^[A-Za-z0-9]+$/.test(name)
    ? name
    : `\\text{${name.replace(TEX_SPECIAL, (c) => (c === "\\" ? "\\textbackslash{}" : c === "^" ? "\\^{}" : c === "~" ? "\\~{}" : `\\${c}`))}}`;
  return { tex: `${sym}_{${sub}}`, text: `${sym}_${name}`, exact: true };
}

/** A symbolic step (no numbers), joined by "=". */
function sym(tex: string, text: string): Shown {
  return { tex, text, exact: true };
}

function joinSteps(steps: Shown[]): { tex: string; text: string } {
  let tex = "";
  let text = "";
  steps.forEach((s, i) => {
    if (i === 0) {
      tex = s.tex;
      text = s.text;
    } else {
      tex += s.exact ? ` = ${s.tex}` : ` \\approx ${s.tex}`;
      text += s.exact ? ` = ${s.text}` : ` ≈ ${s.text}`;
    }
  });
  return { tex, text };
}

function derivation(quantity: string, formula: Shown[], substituted: Shown[], result: Shown, value: number | number[]): Derivation {
  const line = joinSteps([...formula, ...substituted, result]);
  return {
    quantity,
    formulaTex: joinSteps(formula).tex,
    substitutedTex: joinSteps(substituted).tex,
    resultTex: result.tex,
    tex: line.tex,
    text: line.text,
    value,
  };
}

const num = (x: BigNumber): number => x.toNumber();

function checkSameLength(a: readonly unknown[], b: readonly unknown[], what: string, aName: string, bName: string): void {
  if (a.length !== b.length) throw new Error(`${what}: ${aName} has ${a.length} values but ${bName} has ${b.length}`);
}

// ---------------------------------------------------------------------------
// Step 3: scores

function dotProductBig(q: BigNumber[], k: BigNumber[], names: PairNames): [Derivation, BigNumber] {
  checkSameLength(q, k, "dot product", `query q_${names.query}`, `key k_${names.key}`);
  if (q.length === 0) throw new Error(`dot product of q_${names.query} and k_${names.key}: the vectors are empty`);
  const products = q.map((qi, i) => qi.times(k[i]));
  const value = products.reduce((acc, p) => acc.plus(p), math().bignumber(0));
  const qSym = symbol("q", names.query);
  const kSym = symbol("k", names.key);
  const substituted: Shown[] = [];
  const factors = q.map((qi, i) => productOf(showNumber(qi), showNumber(k[i])));
  substituted.push(sumOf(factors));
  if (q.length > 1) substituted.push(sumOf(products.map(showNumber)));
  const d = derivation(
    `attention score of ${names.query} to ${names.key}`,
    [sym(`${qSym.tex}\\cdot ${kSym.tex}`, `${qSym.text} . ${kSym.text}`)],
    substituted,
    showNumber(value),
    num(value),
  );
  return [d, value];
}

/**
 * Step 3: the attention score q . k, written out term by term:
 * `q_it . k_animal = (0.8 x 0.7) + (0.2 x 0.3) = 0.56 + 0.06 = 0.62`.
 * Throws when the vectors differ in length (naming both lengths) or are empty.
 */
export function dotProduct(q: readonly number[], k: readonly number[], names: PairNames): Derivation {
  return dotProductBig(bigs(q, `q_${names.query}`), bigs(k, `k_${names.key}`), names)[0];
}

function checkDK(dK: number): void {
  if (!Number.isInteger(dK) || dK < 1) throw new Error(`dK ${dK} must be a positive integer (the size of the query and key vectors)`);
}

function scaledScoreBig(score: BigNumber, dK: number, names: PairNames): [Derivation, BigNumber] {
  checkDK(dK);
  const root = math().bignumber(dK).sqrt();
  const value = score.div(root);
  const qSym = symbol("q", names.query);
  const kSym = symbol("k", names.key);
  const s = showNumber(score);
  const substituted: Shown[] = [sym(`\\frac{${s.tex}}{\\sqrt{${dK}}}`, `${s.text} / sqrt(${dK})`)];
  substituted[0].exact = s.exact;
  const r = showNumber(root);
  substituted.push({ tex: `\\frac{${s.tex}}{${r.tex}}`, text: `${s.text} / ${r.text}`, exact: s.exact && r.exact });
  const d = derivation(
    `scaled attention score of ${names.query} to ${names.key}`,
    [sym(`\\frac{${qSym.tex}\\cdot ${kSym.tex}}{\\sqrt{d_k}}`, `${qSym.text} . ${kSym.text} / sqrt(d_k)`)],
    substituted,
    showNumber(value),
    num(value),
  );
  return [d, value];
}

/**
 * Step 3: the scaled score q . k / sqrt(dK), e.g.
 * `0.62 / sqrt(2) ≈ 0.62 / 1.41421 ≈ 0.43841`. Throws unless dK is a positive integer.
 */
export function scaledScore(score: number, dK: number, names: PairNames): Derivation {
  return scaledScoreBig(big(score, `score of ${names.query} to ${names.key}`), dK, names)[0];
}

// ---------------------------------------------------------------------------
// Step 4: weights

function softmaxWeightsBig(scaled: BigNumber[], names: readonly string[], query?: string): [Derivation[], BigNumber[]] {
  checkSameLength(scaled, names, "softmax weights", "scaled scores", "names");
  if (scaled.length === 0) throw new Error("softmax weights: no scores (need at least one key)");
  const exps = scaled.map((s) => s.exp());
  const total = exps.reduce((acc, e) => acc.plus(e), math().bignumber(0));
  const weights = exps.map((e) => e.div(total));
  const sSyms = names.map((n) => symbol("s", n));
  const shownS = scaled.map(showNumber);
  const shownE = exps.map((e) => showSignificant(e, EXP_DIGITS));
  const frac = (numer: Shown, terms: Shown[]): Shown => ({
    tex: `\\frac{${numer.tex}}{${terms.map((t) => t.tex).join(" + ")}}`,
    text: `${numer.text} / (${terms.map((t) => t.text).join(" + ")})`,
    exact: numer.exact && terms.every((t) => t.exact),
  });
  const power = (x: Shown): Shown => ({ tex: `e^{${x.tex}}`, text: `e^${x.text}`, exact: x.exact });
  const derivations = weights.map((w, j) => {
    const wSym = symbol("w", names[j]);
    return derivation(
      query === undefined ? `attention weight to ${names[j]}` : `attention weight of ${query} to ${names[j]}`,
      [wSym, frac(power(sSyms[j]), sSyms.map(power))],
      [frac(power(shownS[j]), shownS.map(power)), frac(shownE[j], shownE)],
      showNumber(w),
      num(w),
    );
  });
  return [derivations, weights];
}

/**
 * Step 4: the softmax weight per key, e^{s_j} / sum_k e^{s_k}, e.g.
 * `w_animal = e^0.43841 / (e^0.43841 + e^0.07071) ≈ 1.5502 / (1.5502 + 1.0733) ≈ 0.5909`
 * (exponentials shown to 5 significant digits). `names` are the keys' names;
 * `query` (optional) only words the quantity. Throws on a count mismatch or no scores.
 */
export function softmaxWeights(scaled: readonly number[], names: readonly string[], query?: string): Derivation[] {
  return softmaxWeightsBig(bigs(scaled, "scaled scores"), names, query)[0];
}

// ---------------------------------------------------------------------------
// Step 5: output

function weightedSumBig(weights: BigNumber[], values: BigNumber[][], names: readonly string[], query?: string): [Derivation[], BigNumber[]] {
  checkSameLength(weights, values, "weighted sum", "weights", "value vectors");
  checkSameLength(weights, names, "weighted sum", "weights", "names");
  if (weights.length === 0) throw new Error("weighted sum: no weights (need at least one key)");
  const dV = values[0].length;
  values.forEach((v, j) => {
    if (v.length !== dV) throw new Error(`weighted sum: value V_${names[j]} has ${v.length} values but V_${names[0]} has ${dV}`);
  });
  if (dV === 0) throw new Error("weighted sum: the value vectors are empty");
  const scaledValues = values.map((v, j) => v.map((x) => x.times(weights[j])));
  const perKey = scaledValues.map((zj, j) => {
    const w = showNumber(weights[j]);
    const v = showVector(values[j]);
    const wSym = symbol("w", names[j]);
    const vSym = symbol("V", names[j]);
    return derivation(
      `weighted value of ${names[j]}`,
      [symbol("z", names[j]), sym(`${wSym.tex} ${vSym.tex}`, `${wSym.text} ${vSym.text}`)],
      [{ tex: `${factor(w).tex} \\cdot ${v.tex}`, text: `${w.text} x ${v.text}`, exact: w.exact && v.exact }],
      showVector(zj),
      zj.map(num),
    );
  });
  const z = Array.from({ length: dV }, (_, i) => scaledValues.reduce((acc, zj) => acc.plus(zj[i]), math().bignumber(0)));
  const zSyms = names.map((n) => symbol("z", n));
  const shownTerms = scaledValues.map(showVector);
  const output = derivation(
    query === undefined ? "attention output" : `attention output for ${query}`,
    [
      query === undefined ? sym("Z", "Z") : symbol("Z", query),
      sym(zSyms.map((s) => s.tex).join(" + "), zSyms.map((s) => s.text).join(" + ")),
    ],
    [{ tex: shownTerms.map((t) => t.tex).join(" + "), text: shownTerms.map((t) => t.text).join(" + "), exact: shownTerms.every((t) => t.exact) }],
    showVector(z),
    z.map(num),
  );
  return [[...perKey, output], z];
}

/**
 * Step 5: each key's weighted value z_j = w_j V_j, then their sum Z (the last
 * derivation), e.g. `z_animal = w_animal V_animal ≈ 0.5909 x [0.8, -0.4] ≈ [0.47272, -0.23636]`.
 * `query` (optional) names Z (Z_it). Throws on count mismatches, ragged or empty values.
 */
export function weightedSum(weights: readonly number[], values: readonly (readonly number[])[], names: readonly string[], query?: string): Derivation[] {
  return weightedSumBig(
    bigs(weights, "weights"),
    values.map((v, j) => bigs(v, `V_${names[j] ?? j}`)),
    names,
    query,
  )[0];
}

/**
 * Steps 3-5 for one query: scores, scaled scores (dK = the query's length),
 * softmax weights, weighted values and the output Z, every step from the
 * unrounded values of the one before. Throws when there are no keys or any
 * key's length differs from the query's.
 */
export function workedAttention(example: WorkedAttentionExample): WorkedAttention {
  const { queryName, query, keys } = example;
  if (keys.length === 0) throw new Error(`workedAttention: query ${queryName} has no keys to attend to`);
  const q = bigs(query, `q_${queryName}`);
  const dK = q.length;
  const scored = keys.map((k) => dotProductBig(q, bigs(k.key, `k_${k.name}`), { query: queryName, key: k.name }));
  const scaled = keys.map((k, j) => scaledScoreBig(scored[j][1], dK, { query: queryName, key: k.name }));
  const names = keys.map((k) => k.name);
  const [weights, w] = softmaxWeightsBig(
    scaled.map((s) => s[1]),
    names,
    queryName,
  );
  const [weighted, z] = weightedSumBig(
    w,
    keys.map((k) => bigs(k.value, `V_${k.name}`)),
    names,
    queryName,
  );
  return {
    scores: scored.map((s) => s[0]),
    scaled: scaled.map((s) => s[0]),
    weights,
    weighted: weighted.slice(0, -1),
    output: weighted[weighted.length - 1],
    z: z.map(num),
  };
}

// ---------------------------------------------------------------------------
// Step 6: feed-forward

/** x M + b for a row vector x, shown element by element. */
/** x m + b written out as one derivation: the product with the numbers put in, expanded, then the result. */
function affineStep(quantity: string, formula: Shown[], x: BigNumber[], m: BigNumber[][], b: BigNumber[]): { value: BigNumber[]; derivation: Derivation } {
  const a = affine(x, m, b);
  const [xs, ms, bs] = [showVector(x), showMatrix(m), showVector(b)];
  const substituted = [
    { tex: `${xs.tex} ${ms.tex} + ${bs.tex}`, text: `${xs.text} ${ms.text} + ${bs.text}`, exact: xs.exact && ms.exact && bs.exact },
    a.expanded,
  ];
  return { value: a.value, derivation: derivation(quantity, formula, substituted, showVector(a.value), a.value.map(num)) };
}

function affine(x: BigNumber[], m: BigNumber[][], b: BigNumber[]): { value: BigNumber[]; expanded: Shown } {
  const cols = b.length;
  const value: BigNumber[] = [];
  const entries: Shown[] = [];
  for (let c = 0; c < cols; c++) {
    let acc = b[c];
    const terms: Shown[] = [];
    x.forEach((xi, r) => {
      acc = acc.plus(xi.times(m[r][c]));
      terms.push(productOf(showNumber(xi), showNumber(m[r][c])));
    });
    terms.push(showNumber(b[c]));
    value.push(acc);
    entries.push(sumOf(terms));
  }
  return { value, expanded: vectorOf(entries) };
}

function checkMatrix(m: number[][], rows: number, cols: number, what: string, rowsWhat: string, colsWhat: string): void {
  if (m.length !== rows) throw new Error(`feed-forward: ${what} has ${m.length} rows but ${rowsWhat} is ${rows}`);
  m.forEach((row, r) => {
    if (row.length !== cols) throw new Error(`feed-forward: ${what} row ${r} has ${row.length} columns but ${colsWhat} is ${cols}`);
  });
}

/**
 * Step 6: FFN(x) = max(0, x W1 + b1) W2 + b2 for a row vector x, as three
 * derivations (hidden h, ReLU, output). The article writes ReLU(max(0, ...)),
 * applying the same ReLU twice; it is applied once here. Throws when a shape
 * does not fit (naming the sizes).
 */
export function workedFeedForward(x: readonly number[], p: FeedForwardParams): WorkedFeedForward {
  if (x.length === 0) throw new Error("feed-forward: x is empty");
  const dModel = x.length;
  const dFF = p.b1.length;
  const dOut = p.b2.length;
  checkMatrix(p.W1, dModel, dFF, "W1", "x's length (dModel)", "b1's length (dFF)");
  checkMatrix(p.W2, dFF, dOut, "W2", "b1's length (dFF)", "b2's length");
  const xb = bigs(x, "x");
  const W1 = p.W1.map((r, i) => bigs(r, `W1[${i}]`));
  const W2 = p.W2.map((r, i) => bigs(r, `W2[${i}]`));
  const b1 = bigs(p.b1, "b1");
  const b2 = bigs(p.b2, "b2");
  const zero = math().bignumber(0);

  const h = affineStep("FFN hidden layer before ReLU", [sym("h", "h"), sym("xW_1 + b_1", "x W_1 + b_1")], xb, W1, b1);
  const hidden = h.derivation;

  const r = h.value.map((v) => (v.isNegative() ? zero : v));
  const hs = showVector(h.value);
  const relu = derivation(
    "ReLU of the hidden layer",
    [sym("\\mathrm{ReLU}(h)", "ReLU(h)"), sym("\\max(0, h)", "max(0, h)")],
    [{ tex: `\\max(0, ${hs.tex})`, text: `max(0, ${hs.text})`, exact: hs.exact }],
    showVector(r),
    r.map(num),
  );

  const y = affineStep(
    "FFN output",
    [sym("\\mathrm{FFN}(x)", "FFN(x)"), sym("\\mathrm{ReLU}(h) W_2 + b_2", "ReLU(h) W_2 + b_2")],
    r,
    W2,
    b2,
  );
  const output = y.derivation;
  return { hidden, relu, output, value: y.value.map(num) };
}
