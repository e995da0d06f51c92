import { describe, expect, it } from "vitest";
import { warmupRate, warmupSchedule } from "../../src/learning-rate";
import { TOL } from "./tf-helpers";

// The rates are of order 1e-4 to 1e-7, so they are compared relatively: |actual / expected - 1| < TOL.
function expectRate(actual: number, expected: number): void {
  expect(Math.abs(actual / expected - 1), `${actual} vs ${expected}`).toBeLessThan(TOL);
}

const PAPER = { dModel: 512, warmup: 4000 };

describe("the paper's warm-up schedule", () => {
  it("step 1: 512^-0.5 * 4000^-1.5", () => {
    // 512^-0.5 = 0.0441942; 4000^-1.5 = 1 / (4000 * 63.245553) = 3.952847e-6; product 1.746928e-7
    expectRate(warmupRate(1, PAPER), 1.746928e-7);
  });

  it("peaks at step == warmup with (dModel * warmup)^-0.5", () => {
    // (512 * 4000)^-0.5 = 1 / sqrt(2048000) = 1 / 1431.0835 = 6.987712e-4
    expectRate(warmupRate(4000, PAPER), 6.987712e-4);
    expect(warmupRate(4000, PAPER)).toBeGreaterThan(warmupRate(3999, PAPER));
    expect(warmupRate(4000, PAPER)).toBeGreaterThan(warmupRate(4001, PAPER));
  });

  it("is linear during warm-up and decays as 1 / sqrt(step) after it: steps 2000 and 16000 both give half the peak", () => {
    // 2000: 512^-0.5 * 2000 * 4000^-1.5 = (2000 / 4000) * peak = 3.493856e-4
    // 16000 = 4 * 4000: 512^-0.5 * 16000^-0.5 = peak / sqrt(4) = 3.493856e-4
    expectRate(warmupRate(2000, PAPER), 3.493856e-4);
    expectRate(warmupRate(16000, PAPER), 3.493856e-4);
    expectRate(warmupRate(20, PAPER), 20 * warmupRate(1, PAPER)); // linear: 20 times step 1's rate
  });

  it("step 0 is treated as step 1, so the rate is never 0", () => {
    expect(warmupRate(0, PAPER)).toBe(warmupRate(1, PAPER));
    expect(warmupRate(0, PAPER)).toBeGreaterThan(0);
  });

  it("factor scales every rate", () => {
    // dModel 16, warmup 10, step 100 (after warm-up): 16^-0.5 * 100^-0.5 = 0.25 * 0.1 = 0.025; factor 2: 0.05
    expectRate(warmupRate(100, { dModel: 16, warmup: 10 }), 0.025);
    expectRate(warmupRate(100, { dModel: 16, warmup: 10, factor: 2 }), 0.05);
    expectRate(warmupRate(3, { ...PAPER, factor: 0.5 }), 0.5 * warmupRate(3, PAPER));
  });

  it("warmupSchedule is warmupRate as a function of the step", () => {
    const lr = warmupSchedule(PAPER);
    for (const step of [0, 1, 7, 4000, 12345]) expect(lr(step)).toBe(warmupRate(step, PAPER));
  });

  it("throws for a bad step or schedule, naming the values; warmupSchedule checks when made", () => {
    expect(() => warmupRate(-1, PAPER)).toThrow("step must be a non-negative integer, got -1");
    expect(() => warmupRate(1.5, PAPER)).toThrow("step must be a non-negative integer, got 1.5");
    expect(() => warmupRate(NaN, PAPER)).toThrow("step must be a non-negative integer, got NaN");
    expect(() => warmupRate(1, { dModel: 0, warmup: 4000 })).toThrow("the schedule needs dModel > 0 and warmup > 0, got dModel 0, warmup 4000");
    expect(() => warmupRate(1, { dModel: 512, warmup: -5 })).toThrow("got dModel 512, warmup -5");
    expect(() => warmupRate(1, { ...PAPER, factor: 0 })).toThrow("the schedule's factor must be positive, got 0");
    expect(() => warmupRate(1, { ...PAPER, factor: -1 })).toThrow("the schedule's factor must be positive, got -1");
    expect(() => warmupSchedule({ dModel: 512, warmup: 0 })).toThrow("the schedule needs dModel > 0 and warmup > 0");
  });
});
