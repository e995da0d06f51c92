/**
 * Shared by the library's unit tests: the backend (wasm, the default in Node;
 * the "cpu" test project sets TRANSFORMER_NOTEBOOKS_BACKEND=cpu),
 * one float32 tolerance, and a tensor-leak check.
 */
import * as tf from "@tensorflow/tfjs";
import { beforeAll, expect } from "vitest";
import { setupBackend } from "../../src/backend";

/** float32 arithmetic against hand values written to 5-6 digits. */
export const TOL = 1e-5;

export function useBackend(): void {
  beforeAll(async () => {
    await setupBackend({ log: null });
  });
}

/** Values of a tensor as nested arrays. */
export function values(t: tf.Tensor): number[] | number[][] | number[][][] | number[][][][] {
  return t.arraySync() as number[][];
}

/** Every entry of `actual` within `tol` of `expected` (same shape). */
export function expectClose(actual: tf.Tensor | number | number[] | number[][] | number[][][], expected: unknown, tol = TOL): void {
  const a = actual instanceof tf.Tensor ? actual.arraySync() : actual;
  const walk = (x: unknown, y: unknown, where: string): void => {
    if (Array.isArray(y)) {
      expect(Array.isArray(x), `${where}: expected an array`).toBe(true);
      expect((x as unknown[]).length, `${where}: length`).toBe(y.length);
      y.forEach((v, i) => walk((x as unknown[])[i], v, `${where}[${i}]`));
    } else {
      const d = Math.abs((x as number) - (y as number));
      expect(d <= tol || x === y, `${where}: ${x} vs ${y} (tolerance ${tol})`).toBe(true);
    }
  };
  walk(a, expected, "value");
}

/**
 * Runs `fn`, hands its result to `check` (for assertions on the values, inside
 * a tidy so the check's own tensors do not count), then
 * disposes every tensor in the result and asserts that the number of live
 * tensors is what it was before the call.
 */
export function expectNoLeak<T>(fn: () => T, check?: (result: T) => void): void {
  const before = tf.memory().numTensors;
  const result = fn();
  if (check) tf.tidy(() => {
    check(result);
  }); // tensors made while checking are not the call's
  const tensors: tf.Tensor[] = [];
  const collect = (x: unknown): void => {
    if (x instanceof tf.Tensor) tensors.push(x);
    else if (Array.isArray(x)) x.forEach(collect);
    else if (x && typeof x === "object") Object.values(x).forEach(collect);
  };
  collect(result);
  tf.dispose(tensors);
  expect(tf.memory().numTensors, "tensors alive after the call").toBe(before);
}

/** Builds input tensors now; call the returned function to free them. */
export function inputs<T extends Record<string, tf.Tensor>>(make: () => T): T & { free(): void } {
  const made = make();
  return Object.assign(made, { free: () => tf.dispose(Object.values(made)) });
}
