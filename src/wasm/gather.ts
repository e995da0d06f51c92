/**
 * Row gather and its gradient for wasm.
 *
 * `GatherV2` along axis 0 (an embedding lookup) copies whole rows with one
 * memory move each; other gathers go to the shipped kernel.
 * `UnsortedSegmentSum`, which tfjs's gradient of `gather` calls, is missing from
 * the wasm backend altogether (without it `tf.gather` has no gradient there):
 * this adds each row of x onto the output row its segment id names.
 */
import * as tf from "@tensorflow/tfjs";
import type { KernelArgs, KernelFunc } from "./heap";
import { offsetOf } from "./heap";

const BYTES: Partial<Record<tf.DataType, number>> = { float32: 4, int32: 4, bool: 1 };

export function makeGatherV2(shipped: KernelFunc): KernelFunc {
  return (args: KernelArgs) => {
    const { backend } = args;
    const { x, indices } = args.inputs;
    const { axis, batchDims } = args.attrs as { axis: number; batchDims?: number };
    const bytes = BYTES[x.dtype];
    const [ax] = tf.util.parseAxisParam(axis, x.shape);
    if (ax !== 0 || (batchDims ?? 0) !== 0 || bytes === undefined || indices.dtype !== "int32") return shipped(args);

    const rows = x.shape[0];
    const ids = backend.typedArrayFromHeap(indices) as Int32Array;
    for (const r of ids) if (r < 0 || r >= rows) throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`);
    const ids32 = Int32Array.from(ids); // the heap may move when the output is allocated
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype); // [...indices, ...row]
    const rowBytes = bytes * x.shape.slice(1).reduce((p, d) => p * d, 1);
    const heap = backend.wasm.HEAPU8;
    const from = offsetOf(backend, x);
    const to = offsetOf(backend, out);
    ids32.forEach((r, i) => heap.copyWithin(to + i * rowBytes, from + r * rowBytes, from + (r + 1) * rowBytes));
    return out;
  };
}

export const unsortedSegmentSum: KernelFunc = (args: KernelArgs) => {
  const { backend } = args;
  const { x, segmentIds } = args.inputs;
  const { numSegments } = args.attrs as { numSegments: number };
  if (x.dtype !== "float32" && x.dtype !== "int32") throw new Error(`UnsortedSegmentSum on wasm supports float32 and int32, got ${x.dtype}`);
  const lead = segmentIds.shape;
  if (lead.some((d, i) => d !== x.shape[i])) {
    throw new Error(`UnsortedSegmentSum: segmentIds [${lead.join(", ")}] must be a prefix of x's shape [${x.shape.join(", ")}]`);
  }
  const row = x.shape.slice(lead.length).reduce((p, d) => p * d, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(lead.length)], x.dtype); // [numSegments, ...row]
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  const xs = backend.typedArrayFromHeap(x);
  const sums = backend.typedArrayFromHeap(out);
  sums.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue; // as in TensorFlow: an id out of range is dropped
    const src = i * row;
    const dst = s * row;
    for (let j = 0; j < row; j++) sums[dst + j] += xs[src + j];
  }
  return out;
};
