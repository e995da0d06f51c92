import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Adam, type Optimizer } from "../../src/adam";
import { makeBatch } from "../../src/batch";
import { makeConfig } from "../../src/config";
import { dropout } from "../../src/dropout";
import { labelSmoothingLoss } from "../../src/label-smoothing";
import { Linear } from "../../src/linear";
import { disposeModule, type Module } from "../../src/module";
import { randomNormal, Rng } from "../../src/random";
import { train, TrainingDiverged, type StepContext, type StepInfo } from "../../src/train";
import { makeTransformer } from "../../src/transformer";
import { expectClose, useBackend } from "./tf-helpers";

useBackend();

// dropout 0.1, so the training rng matters
const CONFIG = makeConfig({ vocabSize: 11, dModel: 16, nHeads: 2, dFF: 32, nLayers: 1, maxLen: 16, dropout: 0.1, seed: 1 });
const BATCH = makeBatch([{ source: [3, 4, 5], target: [6, 7, 2] }, { source: [8], target: [9, 2] }], { pad: 0, bos: 1 });

/** Plain gradient descent, p -= lr * g: a second optimizer, so clipping can be checked by hand. */
class Sgd implements Optimizer {
  update(variables: readonly tf.Variable[], gradients: readonly tf.Tensor[], learningRate: number): void {
    tf.tidy(() => variables.forEach((p, i) => p.assign(tf.sub(p, tf.mul(gradients[i], learningRate)))));
  }
  dispose(): void {}
}

/** One variable p and the loss sum((p - target)^2). */
function quadratic(initial: number[], target: number[]): { model: Module; p: tf.Variable; loss: () => tf.Scalar; free(): void } {
  const p = tf.variable(tf.tensor1d(initial));
  const t = tf.tensor1d(target);
  return { model: { parameters: () => [p] }, p, loss: () => tf.sum(tf.square(tf.sub(p, t))) as tf.Scalar, free: () => tf.dispose([p, t]) };
}

/** Losses of `steps` steps of a fresh tiny transformer, with dropout seeded by `seed`. */
async function transformerLosses(seed: number, steps: number): Promise<number[]> {
  const model = makeTransformer(CONFIG);
  const optimizer = new Adam();
  const r = await train({
    model,
    loss: (b, ctx) => model.loss(b, { training: true, rng: ctx.rng }),
    batches: [BATCH],
    steps,
    optimizer,
    learningRate: 1e-3,
    seed,
  });
  optimizer.dispose();
  model.dispose();
  return r.losses;
}

describe("the training loop", () => {
  it("the same seed gives identical losses twice (fresh model each time, dropout on)", async () => {
    const a = await transformerLosses(3, 5);
    const b = await transformerLosses(3, 5);
    expect(b).toEqual(a);
  });

  it("a different dropout seed gives different losses", async () => {
    const a = await transformerLosses(3, 3);
    const b = await transformerLosses(4, 3);
    expect(b[0]).not.toBe(a[0]); // the same weights at step 1, other dropout masks
  });

  it("leaks no tensor over 200 steps: as many live after step 10 as after step 200", async () => {
    // a linear classifier with dropout, label smoothing and clipping: every path of the loop, cheaply
    const linear = new Linear(4, 5, 1);
    const x = randomNormal([6, 4], 2);
    const labels = [1, 2, 3, 4, 1, 0];
    const optimizer = new Adam();
    const live: Record<number, number> = {};
    const before = tf.memory().numTensors;
    await train({
      model: linear,
      loss: (_b, ctx) => tf.tidy(() => labelSmoothingLoss(linear.apply(dropout(x, 0.1, ctx.rng, true)), labels, 0.1, 0)),
      batches: [null],
      steps: 200,
      optimizer,
      learningRate: 0.01,
      clipNorm: 0.5,
      onStep: (info) => {
        if (info.step === 10 || info.step === 200) live[info.step] = tf.memory().numTensors;
      },
    });
    expect(live[200]).toBe(live[10]);
    expect(live[10]).toBe(before + 4); // Adam's m and v for the weight and the bias
    optimizer.dispose();
    disposeModule(linear);
    x.dispose();
  });

  it("leaks no tensor while training the transformer: as many live after step 10 as after step 200", async () => {
    const model = makeTransformer(CONFIG);
    const optimizer = new Adam();
    const live: number[] = [];
    await train({
      model,
      loss: (b, ctx) => model.loss(b, { training: true, rng: ctx.rng, smoothing: 0.1 }),
      batches: [BATCH],
      steps: 200,
      optimizer,
      learningRate: 1e-3,
      clipNorm: 1,
      onStep: (info) => {
        if (info.step === 10 || info.step === 200) live.push(tf.memory().numTensors);
      },
    });
    expect(live[1]).toBe(live[0]);
    optimizer.dispose();
    model.dispose();
  });

  it("a loss that becomes NaN at step 3 throws TrainingDiverged naming step 3; the parameters keep their step-2 values", async () => {
    const q = quadratic([1, 2], [0, 0]);
    const optimizer = new Adam();
    let atStep2: number[] = [];
    let liveAtStep2 = 0;
    const run = train({
      model: q.model,
      loss: (_b, ctx) => (ctx.step === 3 ? (tf.mul(q.loss(), NaN) as tf.Scalar) : q.loss()),
      batches: [null],
      steps: 5,
      optimizer,
      learningRate: 0.1,
      onStep: (info) => {
        if (info.step === 2) {
          atStep2 = q.p.arraySync() as number[];
          liveAtStep2 = tf.memory().numTensors;
        }
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainingDiverged);
    const diverged = error as TrainingDiverged;
    expect(diverged.step).toBe(3);
    expect(diverged.loss).toBeNaN();
    expect(diverged.message).toBe("training stopped at step 3: the loss is NaN (the parameters keep their values from step 2)");
    expect(diverged.history.losses.length).toBe(2);
    expect(diverged.history.steps).toBe(2);
    expect(q.p.arraySync()).toEqual(atStep2);
    expect(atStep2).not.toEqual([1, 2]); // steps 1 and 2 did move them
    expect(tf.memory().numTensors).toBe(liveAtStep2); // the step-3 gradients were freed
    optimizer.dispose();
    q.free();
  });

  it("an infinite loss diverges too", async () => {
    const q = quadratic([1], [0]);
    const run = train({ model: q.model, loss: () => tf.div(q.loss(), 0) as tf.Scalar, batches: [null], steps: 2, optimizer: new Sgd(), learningRate: 0.1 });
    await expect(run).rejects.toThrow("training stopped at step 1: the loss is Infinity (the parameters keep their values from step 0)");
    expect(q.p.arraySync()).toEqual([1]);
    q.free();
  });

  it("calls the learning-rate schedule with 1-based steps and records its values", async () => {
    const q = quadratic([1], [0]);
    const calls: number[] = [];
    const r = await train({
      model: q.model,
      loss: q.loss,
      batches: [null],
      steps: 4,
      optimizer: new Sgd(),
      learningRate: (s) => {
        calls.push(s);
        return 0.01 * s;
      },
    });
    expect(calls).toEqual([1, 2, 3, 4]);
    expectClose(r.learningRates, [0.01, 0.02, 0.03, 0.04]);
    q.free();
  });

  it("cycles an array of batches in order; a function of the step gets 1-based steps; the context is seeded", async () => {
    const q = quadratic([1], [0]);
    const seen: number[] = [];
    const contexts: StepContext[] = [];
    const loss = (b: number, ctx: StepContext) => {
      seen.push(b);
      contexts.push(ctx);
      return q.loss();
    };
    await train({ model: q.model, loss, batches: [10, 20, 30], steps: 7, optimizer: new Sgd(), learningRate: 0 });
    expect(seen).toEqual([10, 20, 30, 10, 20, 30, 10]);
    expect(contexts.map((c) => c.step)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(contexts.every((c) => c.training === true && c.rng instanceof Rng && c.rng === contexts[0].rng)).toBe(true);
    seen.length = 0;
    await train({ model: q.model, loss, batches: (step: number) => 100 * step, steps: 3, optimizer: new Sgd(), learningRate: 0 });
    expect(seen).toEqual([100, 200, 300]);
    q.free();
  });

  it("reports the global gradient norm before clipping, and clips: worked by hand", async () => {
    // p = [0, 0], loss sum((p - [3, 4])^2): gradient 2 (p - c) = [-6, -8], norm 10
    // clipped to norm 1: [-0.6, -0.8]; one SGD step of lr 1 gives p = [0.6, 0.8]
    const q = quadratic([0, 0], [3, 4]);
    const r = await train({ model: q.model, loss: q.loss, batches: [null], steps: 1, optimizer: new Sgd(), learningRate: 1, clipNorm: 1 });
    expectClose(r.gradNorms, [10]);
    expectClose(r.losses, [25]); // 9 + 16
    expectClose(q.p, [0.6, 0.8]);
    q.free();
  });

  it("onStep gets step, steps, loss, learning rate, gradient norm, and tokens from batch.tokens", async () => {
    const q = quadratic([1, 1], [0, 0]);
    const infos: StepInfo[] = [];
    const batches = [{ tokens: 5 }, { tokens: 2 }];
    const r = await train({ model: q.model, loss: q.loss, batches, steps: 3, optimizer: new Sgd(), learningRate: 0.1, onStep: (i) => infos.push(i) });
    expect(infos.map((i) => [i.step, i.steps, i.tokens])).toEqual([[1, 3, 5], [2, 3, 2], [3, 3, 5]]);
    expect(infos.map((i) => i.loss)).toEqual(r.losses);
    expect(infos.map((i) => i.learningRate)).toEqual([0.1, 0.1, 0.1]);
    expect(infos.map((i) => i.gradNorm)).toEqual(r.gradNorms);
    // step 1: loss 1 + 1 = 2, gradient 2p = [2, 2], norm 2 sqrt 2 = 2.828427; p becomes 0.8 each: loss 1.28
    expectClose(r.losses.slice(0, 2), [2, 1.28]);
    expectClose(r.gradNorms[0], 2.828427);
    expect(r.tokens).toBe(12); // 5 + 2 + 5
    for (let i = 1; i < infos.length; i++) expect(infos[i].seconds).toBeGreaterThanOrEqual(infos[i - 1].seconds);
    const last = infos[2];
    if (last.seconds > 0) expect(Math.abs(last.tokensPerSecond - 12 / last.seconds)).toBeLessThan(1e-6 * last.tokensPerSecond);
    // a `tokens` option overrides; a batch without tokens counts 0
    const counted: number[] = [];
    await train({ model: q.model, loss: q.loss, batches: [{ tokens: 5 }], steps: 1, optimizer: new Sgd(), learningRate: 0, tokens: () => 7, onStep: (i) => counted.push(i.tokens) });
    await train({ model: q.model, loss: q.loss, batches: ["no tokens"], steps: 1, optimizer: new Sgd(), learningRate: 0, onStep: (i) => counted.push(i.tokens) });
    expect(counted).toEqual([7, 0]);
    q.free();
  });

  it("a parameter the loss does not use is left unchanged (it has no gradient)", async () => {
    const used = tf.variable(tf.tensor1d([1]));
    const unused = tf.variable(tf.tensor1d([2]));
    const optimizer = new Adam();
    const r = await train({
      model: { parameters: () => [used, unused] },
      loss: () => tf.sum(tf.square(used)) as tf.Scalar,
      batches: [null],
      steps: 3,
      optimizer,
      learningRate: 0.1,
    }).catch((e: unknown) => e);
    expect(r, String(r)).not.toBeInstanceOf(Error);
    expect(unused.arraySync()).toEqual([2]);
    expect((used.arraySync() as number[])[0]).toBeLessThan(1);
    optimizer.dispose();
    tf.dispose([used, unused]);
  });

  it("refuses bad arguments, naming the values", async () => {
    const q = quadratic([1], [0]);
    const base = { model: q.model, loss: q.loss, batches: [null], steps: 1, optimizer: new Sgd(), learningRate: 0.1 };
    await expect(train({ ...base, steps: 0 })).rejects.toThrow("steps must be a positive integer, got 0");
    await expect(train({ ...base, steps: 2.5 })).rejects.toThrow("steps must be a positive integer, got 2.5");
    await expect(train({ ...base, batches: [] })).rejects.toThrow("train needs at least one batch");
    await expect(train({ ...base, model: { parameters: () => [] } })).rejects.toThrow("the model has no parameters to train");
    await expect(train({ ...base, clipNorm: 0 })).rejects.toThrow("maxNorm must be positive (or null for no clipping), got 0");
    q.free();
  });
});
