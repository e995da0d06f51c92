/**
 * Copy-free `Identity` and same-type `Cast` for wasm.
 *
 * Gradients call both constantly (158 calls in one training step of the M
 * benchmark model), and the shipped wasm kernels copy the whole buffer each
 * time. Like tfjs's cpu backend, these hand back the same data with one more
 * reference. A cast to bool is `x != 0`: the shipped kernel stores the number
 * itself in a byte, so -1.7 became 255 and 0.2 became 0 (false). Casts to
 * other types, and strings, go to the shipped kernels.
 */
import type * as tf from "@tensorflow/tfjs";
import type { KernelArgs, KernelFunc } from "./heap";

function shareData(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs;
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export function makeIdentity(shipped: KernelFunc): KernelFunc {
  return (args) => (args.inputs.x.dtype === "string" ? shipped(args) : shareData(args));
}

function castToBool(args: KernelArgs): tf.TensorInfo {
  const { backend } = args;
  const { x } = args.inputs;
  const out = backend.makeOutput(x.shape, "bool");
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  for (let i = 0; i < from.length; i++) to[i] = from[i] !== 0 ? 1 : 0;
  return out;
}

export function makeCast(shipped: KernelFunc): KernelFunc {
  return (args) => {
    const from = args.inputs.x.dtype;
    const to = (args.attrs as { dtype: string }).dtype;
    if (from === "string") return shipped(args);
    if (from === to) return shareData(args);
    if (to === "bool") return castToBool(args);
    return shipped(args);
  };
}
