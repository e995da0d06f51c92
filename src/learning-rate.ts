/**
 * The paper's learning-rate schedule (section 5.3), a pure function of the step:
 *
 *   lrate = factor * dModel^-0.5 * min(step^-0.5, step * warmup^-1.5)
 *
 * It rises linearly for the first `warmup` steps, peaks at step = warmup with
 * factor * (dModel * warmup)^-0.5, then decays as 1 / sqrt(step). Steps count
 * from 1 (step 0 is treated as step 1, as the Annotated Transformer does, so
 * the rate is never 0).
 */

export interface WarmupSchedule {
  dModel: number;
  /** Steps of linear warm-up (the paper: 4000). */
  warmup: number;
  /** Overall scale (the paper: 1; the Annotated Transformer's copy task: 1 at dModel 512). Default 1. */
  factor?: number;
}

export function warmupRate(step: number, schedule: WarmupSchedule): number {
  const { dModel, warmup } = schedule;
  const factor = schedule.factor ?? 1;
  if (!Number.isInteger(step) || step < 0) throw new Error(`step must be a non-negative integer, got ${step}`);
  if (!(dModel > 0) || !(warmup > 0)) throw new Error(`the schedule needs dModel > 0 and warmup > 0, got dModel ${dModel}, warmup ${warmup}`);
  if (!(factor > 0)) throw new Error(`the schedule's factor must be positive, got ${factor}`);
  const s = Math.max(step, 1);
  return factor * dModel ** -0.5 * Math.min(s ** -0.5, s * warmup ** -1.5);
}

/** The schedule as a function of the step, for `train({ learningRate })`. */
export function warmupSchedule(schedule: WarmupSchedule): (step: number) => number {
  warmupRate(1, schedule); // validates once
  return (step) => warmupRate(step, schedule);
}
