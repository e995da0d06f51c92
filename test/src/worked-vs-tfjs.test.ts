/**
 * Path equivalence: the exact mathjs derivations (src/worked-example.ts) and
 * the tfjs library code compute the same thing, on seeded random inputs.
 */
import * as tf from "@tensorflow/tfjs";
import { describe, it } from "vitest";
import { scaledDotProductAttention } from "../../src/attention";
import { FeedForward } from "../../src/feed-forward";
import { disposeModule } from "../../src/module";
import { Rng } from "../../src/random";
import { workedAttention, workedFeedForward } from "../../src/worked-example";
import { expectClose, useBackend } from "./tf-helpers";

useBackend();

const round = (x: number) => Math.round(x * 1000) / 1000; // short decimals, as a hand example would use
const vector = (rng: Rng, n: number) => Array.from({ length: n }, () => round(rng.normal()));
const matrix = (rng: Rng, r: number, c: number) => Array.from({ length: r }, () => vector(rng, c));

describe("mathjs worked path = tfjs path", () => {
  it.each([1, 2, 3, 4, 5])("attention, seed %i", (seed) => {
    const rng = new Rng(seed);
    const dK = 2 + rng.int(4);
    const n = 1 + rng.int(5);
    const query = vector(rng, dK);
    const keys = Array.from({ length: n }, (_, j) => ({ name: `w${j}`, key: vector(rng, dK), value: vector(rng, 3) }));
    const worked = workedAttention({ queryName: "q", query, keys });
    const r = scaledDotProductAttention(tf.tensor2d([query]), tf.tensor2d(keys.map((k) => k.key)), tf.tensor2d(keys.map((k) => k.value)));
    expectClose(r.scores, [worked.scores.map((d) => d.value as number)], 1e-4);
    expectClose(r.scaled, [worked.scaled.map((d) => d.value as number)], 1e-4);
    expectClose(r.weights, [worked.weights.map((d) => d.value as number)], 1e-5);
    expectClose(r.output, [worked.z], 1e-4);
    tf.dispose(Object.values(r).filter((t): t is tf.Tensor => t instanceof tf.Tensor));
  });

  it.each([1, 2, 3])("feed-forward, seed %i", (seed) => {
    const rng = new Rng(100 + seed);
    const [dModel, dFF] = [2 + rng.int(3), 3 + rng.int(4)];
    const weights = { W1: matrix(rng, dModel, dFF), b1: vector(rng, dFF), W2: matrix(rng, dFF, dModel), b2: vector(rng, dModel) };
    const x = vector(rng, dModel);
    const ffn = new FeedForward(dModel, dFF, 0, { weights });
    const y = ffn.apply(tf.tensor2d([x]));
    expectClose(y, [workedFeedForward(x, weights).value], 1e-4);
    y.dispose();
    disposeModule(ffn);
  });
});
