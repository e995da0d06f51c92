/**
 * A two-component principal component analysis in plain JS, for drawing
 * embeddings in the plane.
 *
 * Method: centre the vectors (subtract the mean), then find the top two
 * eigenvectors of the covariance C = X^T X / n by power iteration with
 * deflation:
 *
 * - C v is computed as X^T (X v) / n, never forming the dModel x dModel matrix,
 *   so 13 tokens of dModel 512 cost 2 x 13 x 512 multiplications a step;
 * - the start vector is fixed (deterministic): (1, sqrt 2, sqrt 3, sqrt 5,
 *   sqrt 7, ...), square roots of 1 and the primes. No combination of them
 *   with small integer coefficients is zero, so the start is not orthogonal to
 *   the eigenvectors a hand-made example has (like [1, -1] or [1, 2]);
 * - each step multiplies by C, removes the components already found
 *   (deflation by Gram-Schmidt against them) and normalises, until the
 *   direction changes by less than 1e-12 or after 10000 steps;
 * - a component with no variance left (all points on a line, say) gets the
 *   first basis direction orthogonal to the ones found, and explains 0;
 * - signs are fixed so that each direction's largest entry is positive.
 *
 * `explained` is each component's variance over the total variance.
 */

/** The result of {@link pca2}. */
export interface Pca2 {
  /** One [pc1, pc2] point per input vector (centred coordinates). */
  points: number[][];
  /** Fraction of the total variance along PC 1 and PC 2 (0 when there is none). */
  explained: [number, number];
  /** The two unit directions, each of the input's length. */
  components: [number[], number[]];
  /** The mean that was subtracted. */
  mean: number[];
}

const MAX_STEPS = 10000;
const TOLERANCE = 1e-12;

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function norm(a: number[]): number {
  return Math.sqrt(dot(a, a));
}

function primes(count: number): number[] {
  const out: number[] = [];
  for (let n = 2; out.length < count; n++) {
    if (out.every((p) => n % p !== 0)) out.push(n);
  }
  return out;
}

/** Removes the parts of v along the unit vectors in `found` (in place). */
function deflate(v: number[], found: number[][]): void {
  for (const u of found) {
    const c = dot(v, u);
    for (let i = 0; i < v.length; i++) v[i] -= c * u[i];
  }
}

function fixSign(u: number[]): number[] {
  let big = 0;
  for (let i = 1; i < u.length; i++) if (Math.abs(u[i]) > Math.abs(u[big]) + 1e-12) big = i;
  return u[big] < 0 ? u.map((x) => -x) : u;
}

/**
 * Projects vectors (all the same length, at least one) onto their first two
 * principal components. See the file comment for the method. Throws on no
 * vectors, empty or ragged vectors, and non-finite values.
 */
export function pca2(vectors: number[][]): Pca2 {
  const n = vectors.length;
  if (n === 0) throw new Error("pca2 needs at least one vector");
  const d = vectors[0].length;
  if (d === 0) throw new Error("pca2: the vectors are empty");
  vectors.forEach((v, i) => {
    if (v.length !== d) throw new Error(`pca2: vector ${i} has ${v.length} values, vector 0 has ${d}`);
    v.forEach((x, j) => {
      if (!Number.isFinite(x)) throw new Error(`pca2: vector ${i} value ${j} is ${x}`);
    });
  });

  const mean = Array.from({ length: d }, (_, j) => vectors.reduce((s, v) => s + v[j], 0) / n);
  const X = vectors.map((v) => v.map((x, j) => x - mean[j])); // [n, d]
  const total = X.reduce((s, row) => s + dot(row, row), 0) / n;
  const cov = (v: number[]): number[] => {
    const xv = X.map((row) => dot(row, v)); // [n]
    const out = new Array<number>(d).fill(0);
    X.forEach((row, i) => {
      for (let j = 0; j < d; j++) out[j] += row[j] * xv[i];
    });
    return out.map((x) => x / n); // [d]
  };

  const start = [1, ...primes(d - 1).map(Math.sqrt)];
  const found: number[][] = [];
  const variances: number[] = [];
  for (let c = 0; c < 2; c++) {
    if (found.length >= d) {
      // 1-d input: there is no second direction.
      found.push(new Array<number>(d).fill(0));
      variances.push(0);
      continue;
    }
    let v = start.slice();
    deflate(v, found);
    v = v.map((x) => x / norm(v));
    let lambda = 0;
    let degenerate = total === 0;
    for (let step = 0; step < MAX_STEPS && !degenerate; step++) {
      const w = cov(v);
      deflate(w, found);
      const size = norm(w);
      if (size <= 1e-13 * Math.max(total, Number.MIN_VALUE)) {
        degenerate = true;
        break;
      }
      const next = w.map((x) => x / size);
      const change = norm(next.map((x, i) => x - v[i]));
      v = next;
      if (change < TOLERANCE) break;
    }
    if (degenerate) {
      // No variance left: any direction orthogonal to those found will do; take the first basis one.
      for (let j = 0; j < d; j++) {
        const e = new Array<number>(d).fill(0);
        e[j] = 1;
        deflate(e, found);
        const size = norm(e);
        if (size > 0.5) {
          v = e.map((x) => x / size);
          break;
        }
      }
      lambda = 0;
    } else {
      lambda = dot(v, cov(v));
    }
    found.push(fixSign(v));
    variances.push(Math.max(0, lambda));
  }
  const components: [number[], number[]] = [found[0], found[1]];
  return {
    points: X.map((row) => [dot(row, components[0]), dot(row, components[1])]),
    explained: total > 0 ? [variances[0] / total, variances[1] / total] : [0, 0],
    components,
    mean,
  };
}
