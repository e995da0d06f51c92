/**
 * `BatchMatMul` for wasm with every case on XNNPACK's fast product.
 *
 * The shipped kernel takes its fast path (an XNNPACK fully-connected
 * operator) only for a plain [1, m, k] x [1, k, n] product; a transposed
 * operand or a batch dimension falls to a scalar loop about ten times slower.
 * Here:
 *
 * - a transposed operand is transposed explicitly first (`swapLastTwo`, a
 *   tiled copy);
 * - when `b` has no batch (a weight), every batch of `a` is one block of rows:
 *   [batch * m, k] x [k, n] in a single call;
 * - a true batched product (attention's [B, H, T, dK] products) is one fast
 *   call per batch, on views of the operands' memory, with tfjs's broadcasting
 *   of batch dimensions;
 * - the right-hand operand is always handed over under a fresh id. The shipped
 *   kernel caches one packed operator per tensor id, which makes a weight used
 *   under two shapes abort (`RuntimeError: Aborted()`); a fresh id has no stale
 *   entry, and releasing it frees the operator.
 */
import * as tf from "@tensorflow/tfjs";
import { type KernelArgs, type KernelFunc, f32, free, offsetOf, releaseView, view, type WasmBackend } from "./heap";
import { swapLastTwo, transposeInto } from "./transpose";

type WasmProduct = (aId: number, aShape: Uint8Array, aRank: number, bId: number, bShape: Uint8Array, bRank: number, ta: boolean, tb: boolean, outId: number) => void;

const products = new WeakMap<WasmBackend, WasmProduct>();

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/**
 * The plain product [m, k] x [k, n] -> [m, n] on float32s at byte offsets of
 * the heap, through the shipped kernel's fast path.
 */
export function plainProduct(backend: WasmBackend, aOffset: number, m: number, k: number, bOffset: number, n: number, outOffset: number): void {
  let run = products.get(backend);
  if (!run) {
    run = backend.wasm.cwrap("BatchMatMul", null, ["number", "array", "number", "number", "array", "number", "number", "number", "number"]) as WasmProduct;
    products.set(backend, run);
  }
  const aId = view(backend, aOffset, m * k);
  const bId = view(backend, bOffset, k * n);
  const outId = view(backend, outOffset, m * n);
  run(aId, shapeBytes([1, m, k]), 3, bId, shapeBytes([1, k, n]), 3, false, false, outId);
  releaseView(backend, aId);
  releaseView(backend, bId);
  releaseView(backend, outId);
}

/** Index into `inShape`'s batch (right-aligned, size-1 dims broadcast) of batch `i` of `outShape`. */
function broadcastIndex(i: number, outShape: number[], inShape: number[]): number {
  let index = 0;
  let stride = 1;
  let rest = i;
  for (let d = outShape.length - 1, e = inShape.length - 1; d >= 0; d--, e--) {
    const coordinate = rest % outShape[d];
    rest = Math.floor(rest / outShape[d]);
    if (e >= 0) {
      if (inShape[e] !== 1) index += coordinate * stride;
      stride *= inShape[e];
    }
  }
  return index;
}

const size = (shape: number[]): number => shape.reduce((p, d) => p * d, 1);

/**
 * Below this many multiply-adds per batch, a batched product stays on the
 * shipped kernel: each fast call costs 3-6 us of set-up (more with threads),
 * which the scalar loop beats for tiny matrices. Measured on [32, 4, T, dK]
 * products: T 11, dK 8 (968 per batch) took 199 us shipped and 415-759 us as
 * fast calls; T 16, dK 16 (4,096) 547 us shipped and 393-701 us fast.
 */
export const SMALL_BATCHED_PRODUCT = 4096;

export const makeBatchMatMul = (shipped: KernelFunc): KernelFunc => (args: KernelArgs) => {
  const { backend } = args;
  const { a, b } = args.inputs;
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  if (a.dtype !== "float32" || b.dtype !== "float32") throw new Error("BatchMatMul for non non-float32 tensors not yet supported.");
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const m = transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2];
  const k = transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1];
  const kB = transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2];
  const n = transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1];
  if (k !== kB) {
    throw new Error(`Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  }
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  if (size(bBatch) > 1 && m * k * n < SMALL_BATCHED_PRODUCT && !(size(aBatch) > 1 && size(bBatch) > 1 && aBatch.join() !== bBatch.join())) {
    return shipped(args); // tiny per-batch products (the shipped kernel pairs batches right when they match or one is 1)
  }
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const out = backend.makeOutput([...outBatch, m, n], "float32"); // [...batch, m, n]
  if (m * n === 0) return out;
  if (k === 0) {
    f32(backend, out).fill(0);
    return out;
  }

  if (transposeA && !transposeB && n > m && size(aBatch) === 1 && size(bBatch) === 1) {
    // A weight's gradient, A^T B with A [k, m], B [k, n] and few rows m: XNNPACK
    // repacks its right-hand operand at every call, and a product with few rows
    // runs slowly; C^T = B^T A packs the narrower A and has n rows. Transposing
    // B is the same work as transposing A would have been; C^T is small.
    const bT = swapLastTwo(backend, b); // [n, k]
    const cT = backend.makeOutput([n, m], "float32"); // [n, m]
    plainProduct(backend, offsetOf(backend, bT), n, k, offsetOf(backend, a), m, offsetOf(backend, cT));
    transposeInto(f32(backend, cT), f32(backend, out), 1, n, m); // [m, n]
    free(backend, bT);
    free(backend, cT);
    return out;
  }
  const aPlain = transposeA ? swapLastTwo(backend, a) : a; // [...aBatch, m, k]
  const bPlain = transposeB ? swapLastTwo(backend, b) : b; // [...bBatch, k, n]
  try {
    const aOffset = offsetOf(backend, aPlain);
    const bOffset = offsetOf(backend, bPlain);
    const outOffset = offsetOf(backend, out);
    if (size(bBatch) === 1) {
      // Every batch of a meets the same b: all their rows in one product, [aBatch * m, k] x [k, n].
      plainProduct(backend, aOffset, size(aBatch) * m, k, bOffset, n, outOffset);
    } else {
      const sameA = aBatch.join() === outBatch.join();
      const sameB = bBatch.join() === outBatch.join();
      for (let i = 0; i < size(outBatch); i++) {
        const ai = sameA ? i : broadcastIndex(i, outBatch, aBatch);
        const bi = sameB ? i : broadcastIndex(i, outBatch, bBatch);
        plainProduct(backend, aOffset + 4 * ai * m * k, m, k, bOffset + 4 * bi * k * n, n, outOffset + 4 * i * m * n);
      }
    }
  } finally {
    if (aPlain !== a) free(backend, aPlain);
    if (bPlain !== b) free(backend, bPlain);
  }
  return out;
};
