/**
 * The wasm backend's slow paths, fixed through tfjs's own kernel registry.
 *
 * Each override replaces one shipped kernel of @tensorflow/tfjs-backend-wasm
 * (and hands the cases it does not speed up back to it); `UnsortedSegmentSum`
 * is added. They reach into the backend's internals (its tensor table, its
 * exported `BatchMatMul`), so they are written against one exact version and
 * refuse any other: a silent mismatch could give wrong numbers, not just slow
 * ones. The test suite compares every one with tfjs's cpu backend.
 */
import * as tf from "@tensorflow/tfjs";
import { makeBatchMatMul } from "./batch-mat-mul";
import { makeGatherV2, unsortedSegmentSum } from "./gather";
import type { KernelFunc } from "./heap";
import { makeCast, makeIdentity } from "./identity";
import { makeSum } from "./sum";
import { makeTranspose } from "./transpose";

/** The tfjs version the overrides are written against (package.json pins it exactly). */
export const FAST_KERNELS_VERSION = "4.22.0";

/** The kernels replaced or added, by tfjs kernel name. */
export const FAST_KERNEL_NAMES = ["BatchMatMul", "Transpose", "Sum", "Identity", "Cast", "GatherV2", "UnsortedSegmentSum"] as const;

type Shipped = Map<string, tf.KernelConfig | undefined>;
let shipped: Shipped | null = null;

function shippedFunc(name: string): KernelFunc {
  const config = tf.getKernel(name, "wasm");
  if (!config) throw new Error(`the wasm backend has no ${name} kernel to build on`);
  return config.kernelFunc as unknown as KernelFunc;
}

/** Throws unless tfjs-core and tfjs-backend-wasm are both the version the overrides were written for. */
export function checkFastKernelVersions(wasmVersion: string): void {
  const core = tf.version_core;
  if (wasmVersion !== FAST_KERNELS_VERSION || core !== FAST_KERNELS_VERSION) {
    throw new Error(
      `the fast wasm kernels are written against @tensorflow/tfjs-backend-wasm and tfjs-core ${FAST_KERNELS_VERSION}, ` +
        `but found tfjs-backend-wasm ${wasmVersion} and tfjs-core ${core}. Install exactly ${FAST_KERNELS_VERSION} ` +
        `(npm ci does, from package-lock.json), or call setupBackend({ fastKernels: false }) for the shipped, slower kernels.`,
    );
  }
}

/**
 * Registers the overrides for the `wasm` backend. Call it after the backend has
 * started (the shipped kernels it falls back on are set up at start-up).
 */
export function installFastKernels(wasmVersion: string): void {
  checkFastKernelVersions(wasmVersion);
  if (shipped) return;
  const make: Record<(typeof FAST_KERNEL_NAMES)[number], () => KernelFunc> = {
    BatchMatMul: () => makeBatchMatMul(shippedFunc("BatchMatMul")),
    Transpose: () => makeTranspose(shippedFunc("Transpose")),
    Sum: () => makeSum(shippedFunc("Sum")),
    Identity: () => makeIdentity(shippedFunc("Identity")),
    Cast: () => makeCast(shippedFunc("Cast")),
    GatherV2: () => makeGatherV2(shippedFunc("GatherV2")),
    UnsortedSegmentSum: () => unsortedSegmentSum,
  };
  const fast = FAST_KERNEL_NAMES.map((name) => [name, make[name]()] as const); // built before anything is unregistered
  shipped = new Map();
  for (const [name, kernelFunc] of fast) {
    const config = tf.getKernel(name, "wasm");
    shipped.set(name, config);
    if (config) tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ kernelName: name, backendName: "wasm", kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}

/** Puts the shipped kernels back (the benchmark's and the tests' "stock wasm"). */
export function removeFastKernels(): void {
  if (!shipped) return;
  for (const [name, config] of shipped) {
    tf.unregisterKernel(name, "wasm");
    if (config) tf.registerKernel(config);
  }
  shipped = null;
}

export function fastKernelsInstalled(): boolean {
  return shipped !== null;
}
