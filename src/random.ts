/**
 * Seeded randomness for the whole library. Every random draw (weight init,
 * dropout, task data) takes an `Rng` or a seed, so a notebook run twice gives
 * the same numbers on every backend: the draws are made here in JavaScript, not
 * by a backend's own random kernel.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * A small, fast, seeded generator (mulberry32: a 32-bit state stepped by a
 * Weyl increment and mixed by multiply-xorshift). Good enough for
 * initialisation and sampling; not for cryptography.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int needs a positive integer bound, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(u) is finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A new generator whose stream is independent of this one's next draws. */
  fork(): Rng {
    return new Rng(Math.floor(this.next() * 4294967296));
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }
}

/** Accepts a seed or a generator; a seed starts a fresh generator. */
export type RandomSource = number | Rng;

export function toRng(source: RandomSource): Rng {
  return typeof source === "number" ? new Rng(source) : source;
}

function size(shape: readonly number[]): number {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`bad tensor shape [${shape.join(", ")}]`);
  }
  return shape.reduce((a, b) => a * b, 1);
}

/** A float32 tensor of N(mean, std^2) draws, seeded. */
export function randomNormal(shape: number[], source: RandomSource, std = 1, mean = 0): tf.Tensor {
  const rng = toRng(source);
  const values = new Float32Array(size(shape));
  for (let i = 0; i < values.length; i++) values[i] = mean + std * rng.normal();
  return tf.tensor(values, shape, "float32");
}

/** A float32 tensor of U(low, high) draws, seeded. */
export function randomUniform(shape: number[], source: RandomSource, low = 0, high = 1): tf.Tensor {
  const rng = toRng(source);
  const values = new Float32Array(size(shape));
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * rng.next();
  return tf.tensor(values, shape, "float32");
}

/**
 * Glorot (Xavier) uniform initialisation for a [fanIn, fanOut] weight:
 * U(-a, a) with a = sqrt(6 / (fanIn + fanOut)), as in the Annotated Transformer.
 */
export function glorotUniform(fanIn: number, fanOut: number, source: RandomSource): tf.Tensor2D {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  return randomUniform([fanIn, fanOut], source, -a, a) as tf.Tensor2D;
}
