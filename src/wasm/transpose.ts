/**
 * `Transpose` of the last two axes for wasm.
 *
 * The shipped kernel walks the output in order and reads the input with a
 * stride, about 8.6 ns an element on [1024, 512] (4.4 ms). Backpropagation
 * transposes every activation that meets a weight (dW = X^T dY), so this is on
 * the hot path. Here the copy goes in 32 x 32 tiles, four source rows at a
 * time (0.63 ms on the same tensor). A permutation that keeps the last axis in
 * place (splitting and merging heads, [B, T, H, dK] <-> [B, H, T, dK]) copies
 * whole rows of that axis. Other permutations, and other types, go to the
 * shipped kernel.
 */
import type * as tf from "@tensorflow/tfjs";
import type { KernelArgs, KernelFunc, WasmBackend } from "./heap";

const TILE = 32;

/** y [cols, rows] = x [rows, cols]^T for each of `batch` matrices laid one after another. */
export function transposeInto(x: Float32Array | Int32Array, y: Float32Array | Int32Array, batch: number, rows: number, cols: number): void {
  const plane = rows * cols;
  for (let p = 0; p < batch; p++) {
    const base = p * plane;
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(rows, r0 + TILE);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(cols, c0 + TILE);
        let r = r0;
        for (; r + 3 < r1; r += 4) {
          const a = base + r * cols;
          const b = a + cols;
          const d = b + cols;
          const e = d + cols;
          for (let c = c0; c < c1; c++) {
            const o = base + c * rows + r;
            y[o] = x[a + c];
            y[o + 1] = x[b + c];
            y[o + 2] = x[d + c];
            y[o + 3] = x[e + c];
          }
        }
        for (; r < r1; r++) {
          const a = base + r * cols;
          for (let c = c0; c < c1; c++) y[base + c * rows + r] = x[a + c];
        }
      }
    }
  }
}

/** x [..., rows, cols] -> a new tensor [..., cols, rows] (float32 or int32). */
export function swapLastTwo(backend: WasmBackend, x: tf.TensorInfo): tf.TensorInfo {
  const r = x.shape.length;
  const rows = x.shape[r - 2];
  const cols = x.shape[r - 1];
  const batch = x.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  const out = backend.makeOutput([...x.shape.slice(0, -2), cols, rows], x.dtype); // [..., cols, rows]
  transposeInto(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array, batch, rows, cols);
  return out;
}

/** x permuted by `perm`, where perm keeps the last axis in place: copies runs of the last axis. */
export function permuteRows(backend: WasmBackend, x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
  const shape = x.shape;
  const r = shape.length;
  const run = shape[r - 1];
  const strides = new Array<number>(r);
  strides[r - 1] = 1;
  for (let d = r - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  const outShape = perm.map((p) => shape[p]);
  const out = backend.makeOutput(outShape, x.dtype);
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const outer = outShape.slice(0, -1);
  const step = perm.slice(0, -1).map((p) => strides[p]); // source stride of each outer output axis
  const index = new Array<number>(outer.length).fill(0);
  const count = outer.reduce((p, d) => p * d, 1);
  let from = 0;
  for (let i = 0, to = 0; i < count; i++, to += run) {
    for (let j = 0; j < run; j++) dst[to + j] = src[from + j];
    for (let d = outer.length - 1; d >= 0; d--) {
      // odometer over the output's outer axes, moving the source offset along
      index[d]++;
      from += step[d];
      if (index[d] < outer[d]) break;
      from -= step[d] * outer[d];
      index[d] = 0;
    }
  }
  return out;
}

export function makeTranspose(shipped: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { x } = args.inputs;
    const { perm } = args.attrs as { perm: number[] };
    const r = perm.length;
    const swapsLastTwo = r >= 2 && perm.every((p, i) => p === (i === r - 2 ? r - 1 : i === r - 1 ? r - 2 : i));
    if (x.dtype !== "float32" && x.dtype !== "int32") return shipped(args);
    if (swapsLastTwo) return swapLastTwo(args.backend, x);
    if (r >= 2 && perm[r - 1] === r - 1) return permuteRows(args.backend, x, perm);
    return shipped(args);
  };
}
