/**
 * The parts of tfjs-backend-wasm 4.22's `BackendWasm` that the fast kernels
 * use, typed, and views: extra tensor ids registered on a slice of an existing
 * tensor's memory, so that one wasm call can work on part of a tensor without a
 * copy.
 */
import * as tf from "@tensorflow/tfjs";

/** One tensor's record in the wasm backend (`dataIdMap`). */
export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: tf.DataType;
  refCount: number;
}

/** The emscripten module, as far as the kernels use it. */
export interface WasmModule {
  HEAPU8: Uint8Array;
  cwrap(name: string, returnType: null, argTypes: string[]): (...args: unknown[]) => void;
  _malloc(bytes: number): number;
  _free(offset: number): void;
  tfjs: { registerTensor(id: number, size: number, offset: number): void; disposeData(id: number): void };
}

export interface WasmBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: object): WasmTensorData };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object): boolean;
  incRef(dataId: object): void;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** What a kernel function receives. */
export interface KernelArgs<A = Record<string, unknown>> {
  inputs: Record<string, tf.TensorInfo>;
  backend: WasmBackend;
  attrs: A;
}

export type KernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** Byte offset of a tensor's data in the wasm heap. */
export function offsetOf(backend: WasmBackend, t: tf.TensorInfo): number {
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/**
 * Registers `size` float32s at byte `offset` as a fresh tensor id and returns
 * it. The memory stays owned by the tensor it belongs to; `releaseView` only
 * forgets the id (and whatever the wasm side cached for it).
 */
export function view(backend: WasmBackend, offset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, offset);
  return id;
}

export function releaseView(backend: WasmBackend, id: number): void {
  backend.wasm.tfjs.disposeData(id);
}

/** Float32 contents of a tensor, as a view of the heap (valid until the heap grows). */
export function f32(backend: WasmBackend, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** Frees a temporary made by calling another kernel directly. */
export function free(backend: WasmBackend, t: tf.TensorInfo): void {
  backend.disposeData(t.dataId);
}
