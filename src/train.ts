/**
 * A training loop that knows nothing of transformers: it is handed a module
 * (whose `parameters()` it updates), a loss function of one batch, the
 * batches, an optimizer and a learning rate (a number or a schedule), and it
 * repeats
 *
 *   loss, gradients = value and gradient of loss(batch) w.r.t. parameters()
 *   stop if the loss is NaN or infinite (nothing is updated)
 *   clip the gradients (optional), then optimizer.update(parameters, gradients, lr(step))
 *   onStep({ step, loss, learningRate, gradNorm, tokens/s, ... })
 *
 * for `steps` steps. Batches given as an array are used in order and cycled
 * (one pass = one epoch); a function gets the step number. The loss function
 * receives a seeded `Rng` for dropout, so the same seed, model and batches give
 * the same losses every run.
 *
 * Every step runs inside `tf.tidy`, so the number of live tensors is the same
 * after step 10 as after step 10,000.
 *
 * `train` is async: about every `yieldMs` milliseconds it lets the event loop
 * run, so that a notebook's progress bar and live curve (messages to the
 * front end) go out while training runs. The steps themselves are synchronous.
 */
import * as tf from "@tensorflow/tfjs";
import type { Optimizer } from "./adam";
import { clipByGlobalNorm } from "./gradient-clipping";
import type { Module } from "./module";
import { Rng } from "./random";

/** What the loss function gets besides the batch. */
export interface StepContext {
  /** 1-based. */
  step: number;
  /** Seeded; for dropout. */
  rng: Rng;
  training: true;
}

export interface StepInfo {
  /** 1-based. */
  step: number;
  steps: number;
  loss: number;
  learningRate: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  /** Tokens in this step's batch. */
  tokens: number;
  /** Seconds since training started. */
  seconds: number;
  /** Tokens per second so far. */
  tokensPerSecond: number;
}

export interface TrainOptions<B> {
  model: Module;
  loss: (batch: B, context: StepContext) => tf.Scalar;
  batches: readonly B[] | ((step: number) => B);
  steps: number;
  optimizer: Optimizer;
  /** A constant or a schedule of the (1-based) step. */
  learningRate: number | ((step: number) => number);
  /** Clip the global gradient norm to this (default: no clipping). */
  clipNorm?: number | null;
  /** Seed of the dropout generator. Default 0. */
  seed?: number;
  /** Tokens in a batch, for tokens/s; default `batch.tokens` when it has one, else 0. */
  tokens?: (batch: B) => number;
  onStep?: (info: StepInfo) => void;
  /** Let the event loop run at least this often (ms). Default 100. */
  yieldMs?: number;
}

export interface TrainResult {
  losses: number[];
  learningRates: number[];
  gradNorms: number[];
  steps: number;
  seconds: number;
  tokens: number;
  tokensPerSecond: number;
}

/** Thrown when the loss stops being a finite number; says at which step, and keeps the losses so far. */
export class TrainingDiverged extends Error {
  constructor(readonly step: number, readonly loss: number, readonly history: TrainResult) {
    super(`training stopped at step ${step}: the loss is ${loss} (the parameters keep their values from step ${step - 1})`);
    this.name = "TrainingDiverged";
  }
}

function defaultTokens(batch: unknown): number {
  const t = (batch as { tokens?: unknown } | null)?.tokens;
  return typeof t === "number" ? t : 0;
}

export async function train<B>(options: TrainOptions<B>): Promise<TrainResult> {
  const { model, loss, batches, steps, optimizer } = options;
  if (!Number.isInteger(steps) || steps <= 0) throw new Error(`steps must be a positive integer, got ${steps}`);
  if (Array.isArray(batches) && batches.length === 0) throw new Error("train needs at least one batch");
  const rate = typeof options.learningRate === "function" ? options.learningRate : () => options.learningRate as number;
  const tokensOf = options.tokens ?? defaultTokens;
  const batchAt = (step: number): B =>
    typeof batches === "function" ? batches(step) : (batches as readonly B[])[(step - 1) % (batches as readonly B[]).length];
  const variables = model.parameters();
  if (variables.length === 0) throw new Error("the model has no parameters to train");
  const rng = new Rng(options.seed ?? 0);

  const result: TrainResult = { losses: [], learningRates: [], gradNorms: [], steps: 0, seconds: 0, tokens: 0, tokensPerSecond: 0 };
  const start = performance.now();
  const yieldMs = options.yieldMs ?? 100;
  let lastYield = start;
  for (let step = 1; step <= steps; step++) {
    const batch = batchAt(step);
    const { value, grads } = tf.variableGrads(() => loss(batch, { step, rng, training: true }), variables);
    const lossValue = value.dataSync()[0];
    value.dispose();
    const gradients = variables.map((v) => grads[v.name] ?? tf.zerosLike(v)); // a parameter the loss does not use: gradient 0
    if (!Number.isFinite(lossValue)) {
      tf.dispose(gradients);
      throw new TrainingDiverged(step, lossValue, result);
    }
    const clipped = clipByGlobalNorm(gradients, options.clipNorm ?? null);
    tf.dispose(gradients);
    const lr = rate(step);
    optimizer.update(variables, clipped.gradients, lr);
    tf.dispose(clipped.gradients);

    const tokens = tokensOf(batch);
    result.losses.push(lossValue);
    result.learningRates.push(lr);
    result.gradNorms.push(clipped.norm);
    result.steps = step;
    result.tokens += tokens;
    result.seconds = (performance.now() - start) / 1000;
    result.tokensPerSecond = result.seconds > 0 ? result.tokens / result.seconds : 0;
    options.onStep?.({
      step,
      steps,
      loss: lossValue,
      learningRate: lr,
      gradNorm: clipped.norm,
      tokens,
      seconds: result.seconds,
      tokensPerSecond: result.tokensPerSecond,
    });
    if (performance.now() - lastYield >= yieldMs) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
  return result;
}
