/**
 * The fast wasm kernels (src/wasm/) against tfjs's cpu backend: the same ops on
 * the same seeded inputs, forward and gradient, on shapes chosen to catch
 * edge cases (1, primes, sizes that are not multiples of the 4-wide SIMD
 * vectors, batches, broadcast batches, empty dimensions).
 */
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupBackend } from "../../src/backend";
import { Rng } from "../../src/random";
import { SMALL_BATCHED_PRODUCT } from "../../src/wasm/batch-mat-mul";
import { checkFastKernelVersions, FAST_KERNEL_NAMES, fastKernelsInstalled } from "../../src/wasm/fast-kernels";

type Arrays = { values: Float32Array | Int32Array; shape: number[]; dtype: "float32" | "int32" }[];

const rng = new Rng(20261203);

function random(shape: number[]): Float32Array {
  const n = shape.reduce((p, d) => p * d, 1);
  return Float32Array.from({ length: n }, () => 2 * rng.next() - 1);
}

/** Runs `f` on `backend` with fresh tensors made from `inputs`; returns every output's values and shape. */
async function on(backend: "wasm" | "cpu", inputs: Arrays, f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<Arrays> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype));
    const out = f(...xs);
    return (Array.isArray(out) ? out : [out]).map((t) => ({ values: t.dataSync() as Float32Array, shape: t.shape, dtype: t.dtype as "float32" }));
  });
}

/** Largest |a - b| over the largest |b| (at least 1): float32 sums of up to ~100 terms stay under 1e-5. */
function relativeError(a: Float32Array | Int32Array, b: Float32Array | Int32Array): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

async function expectSameOnBoth(inputs: Arrays, f: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], tol = 1e-5, onCpu = f): Promise<void> {
  const cpu = await on("cpu", inputs, onCpu);
  const wasm = await on("wasm", inputs, f);
  expect(wasm.length).toBe(cpu.length);
  wasm.forEach((w, i) => {
    expect(w.shape, `output ${i} shape`).toEqual(cpu[i].shape);
    expect(w.dtype, `output ${i} dtype`).toBe(cpu[i].dtype);
    expect(relativeError(w.values, cpu[i].values), `output ${i} relative error`).toBeLessThanOrEqual(tol);
  });
}

const f32 = (shape: number[]): Arrays[number] => ({ values: random(shape), shape, dtype: "float32" });

/** f and the gradients of sum(f(xs) * w) with respect to every x, for a random w. */
function withGradients(f: (...xs: tf.Tensor[]) => tf.Tensor, outShape: number[], seedWeights: Float32Array) {
  return (...xs: tf.Tensor[]): tf.Tensor[] => {
    const w = tf.tensor(seedWeights, outShape);
    const grads = tf.grads((...ys: tf.Tensor[]) => tf.sum(tf.mul(f(...ys), w)))(xs);
    return [f(...xs), ...grads];
  };
}

beforeAll(async () => {
  await setupBackend({ log: null });
});
afterAll(async () => {
  await tf.setBackend("wasm");
});

describe("the fast kernels", () => {
  it("are installed on wasm by default, for the exact tfjs version they were written for", () => {
    expect(fastKernelsInstalled()).toBe(true);
    for (const name of FAST_KERNEL_NAMES) expect(tf.getKernel(name, "wasm"), name).toBeDefined();
    expect(() => checkFastKernelVersions("4.22.1")).toThrow(/written against @tensorflow\/tfjs-backend-wasm and tfjs-core 4\.22\.0, but found tfjs-backend-wasm 4\.22\.1/);
    expect(() => checkFastKernelVersions("4.22.0")).not.toThrow();
  });
});

describe("BatchMatMul on wasm equals cpu, forward and gradient", () => {
  const sizes: [number, number, number][] = [
    [1, 1, 1],
    [1, 7, 3],
    [5, 1, 6],
    [3, 5, 7],
    [17, 13, 31],
    [33, 64, 9],
    [128, 96, 130],
  ];
  for (const [m, k, n] of sizes) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      it(`[${m}, ${k}] x [${k}, ${n}], transposeA ${ta}, transposeB ${tb}`, async () => {
        const a = f32(ta ? [k, m] : [m, k]);
        const b = f32(tb ? [n, k] : [k, n]);
        await expectSameOnBoth([a, b], withGradients((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb), [m, n], random([m, n])));
      });
    }
  }

  // Small batched products (under SMALL_BATCHED_PRODUCT = 4096 multiply-adds per batch) stay on the shipped kernel.
  it("the size threshold between the shipped kernel and fast calls is 4096 multiply-adds per batch", () => {
    expect(SMALL_BATCHED_PRODUCT).toBe(4096);
    expect(17 * 16 * 19).toBeGreaterThan(SMALL_BATCHED_PRODUCT); // 5168: the fast cases below
  });
  const batched: { a: number[]; b: number[]; ta?: boolean; tb?: boolean; out: number[] }[] = [
    { a: [2, 3, 5, 7], b: [2, 3, 7, 4], out: [2, 3, 5, 4] },
    { a: [2, 3, 5, 7], b: [2, 3, 4, 7], tb: true, out: [2, 3, 5, 4] }, // attention's Q K^T
    { a: [2, 3, 7, 5], b: [2, 3, 7, 4], ta: true, out: [2, 3, 5, 4] },
    { a: [3, 1, 9], b: [3, 9, 1], out: [3, 1, 1] },
    // above SMALL_BATCHED_PRODUCT multiply-adds per batch: one fast call per batch
    { a: [2, 3, 17, 16], b: [2, 3, 16, 19], out: [2, 3, 17, 19] },
    { a: [2, 3, 17, 16], b: [2, 3, 19, 16], tb: true, out: [2, 3, 17, 19] },
    { a: [2, 3, 16, 17], b: [2, 3, 16, 19], ta: true, out: [2, 3, 17, 19] },
    { a: [2, 3, 16, 17], b: [2, 3, 19, 16], ta: true, tb: true, out: [2, 3, 17, 19] },
  ];
  for (const c of batched) {
    it(`[${c.a}] x [${c.b}]${c.ta ? ", transposeA" : ""}${c.tb ? ", transposeB" : ""} -> [${c.out}]`, async () => {
      await expectSameOnBoth([f32(c.a), f32(c.b)], withGradients((x, y) => tf.matMul(x, y, c.ta, c.tb), c.out, random(c.out)));
    });
  }

  // Forward only: tfjs-core 4.22's gradient of BatchMatMul does not sum over
  // broadcast batch dimensions, so on every backend it fails for these. The cpu
  // side gets both operands tiled to the full batch first: tfjs's own kernels
  // pair batches by index modulo each operand's batch count, which is wrong
  // when both operands broadcast ([2, 1] against [1, 4]).
  const tiled = (x: tf.Tensor, y: tf.Tensor): [tf.Tensor, tf.Tensor] => {
    const batch = tf.broadcast_util.assertAndGetBroadcastShape(x.shape.slice(0, -2), y.shape.slice(0, -2));
    const full = (t: tf.Tensor) => tf.broadcastTo(t, [...batch, ...t.shape.slice(-2)]);
    return [full(x), full(y)];
  };
  const broadcast: { a: number[]; b: number[] }[] = [
    { a: [4, 5, 6], b: [6, 3] }, // 3-d by 2-d
    { a: [2, 1, 5, 3], b: [1, 4, 3, 6] },
    { a: [1, 5, 3], b: [6, 3, 2] },
    { a: [6, 5, 3], b: [1, 3, 2] }, // one b for every batch: a single product
  ];
  for (const c of broadcast) {
    it(`[${c.a}] x [${c.b}], broadcast batches (forward)`, async () => {
      await expectSameOnBoth([f32(c.a), f32(c.b)], (x, y) => tf.matMul(x, y), 1e-5, (x, y) => tf.matMul(...tiled(x, y)));
    });
  }

  it("empty dimensions: m = 0 gives an empty product, k = 0 gives zeros", async () => {
    await expectSameOnBoth([f32([0, 4]), f32([4, 3])], (x, y) => tf.matMul(x, y));
    await expectSameOnBoth([f32([3, 0]), f32([0, 5])], (x, y) => tf.matMul(x, y));
  });

  it("a weight used under two shapes (which aborts the shipped kernel) gives both products", async () => {
    await expectSameOnBoth([f32([3, 6]), f32([6, 4]), f32([5, 12])], (a, w, c) => [tf.matMul(a, w), tf.matMul(c, w.reshape([12, 2])), tf.matMul(a, w)]);
  });

  it("refuses mismatched inner sizes with tfjs's message", async () => {
    await tf.setBackend("wasm");
    expect(() => tf.tidy(() => tf.matMul(tf.zeros([2, 3]), tf.zeros([4, 5])))).toThrow(/inner shapes \(3\) and \(4\)/);
  });
});

describe("Sum over leading axes on wasm equals cpu", () => {
  const cases: { shape: number[]; axis: number | number[]; keepDims?: boolean }[] = [
    { shape: [1, 5], axis: 0 },
    { shape: [7, 3], axis: 0 },
    { shape: [1031, 5], axis: 0 },
    { shape: [2, 3, 5], axis: [0, 1] },
    { shape: [2, 3, 5], axis: [1, 0], keepDims: true },
    { shape: [4, 9, 3], axis: 0, keepDims: true },
    { shape: [0, 3], axis: 0 },
    // not leading: the shipped kernel
    { shape: [2, 3, 5], axis: -1 },
    { shape: [2, 3, 5], axis: [0, 2] },
    { shape: [2, 3, 5], axis: [0, 1, 2] },
  ];
  for (const c of cases) {
    it(`[${c.shape}] over ${JSON.stringify(c.axis)}${c.keepDims ? ", keepDims" : ""}, with its gradient`, async () => {
      const outShape = tf.tidy(() => tf.sum(tf.zeros(c.shape), c.axis, c.keepDims).shape);
      await expectSameOnBoth([f32(c.shape)], withGradients((x) => tf.sum(x, c.axis, c.keepDims), outShape, random(outShape)));
    });
  }
  it("int32 sums go to the shipped kernel and agree", async () => {
    await expectSameOnBoth([{ values: Int32Array.from({ length: 12 }, (_, i) => i - 5), shape: [4, 3], dtype: "int32" }], (x) => tf.sum(x, 0));
  });
});

describe("Transpose on wasm equals cpu", () => {
  const cases: { shape: number[]; perm: number[] }[] = [
    { shape: [3, 5], perm: [1, 0] },
    { shape: [1, 7], perm: [1, 0] },
    { shape: [37, 65], perm: [1, 0] },
    { shape: [2, 3, 5, 7], perm: [0, 1, 3, 2] }, // the last two swapped, per batch
    { shape: [2, 5, 3, 7], perm: [0, 2, 1, 3] }, // splitting heads: rows of the last axis move
    { shape: [2, 3, 5, 7], perm: [1, 0, 2, 3] },
    { shape: [2, 3, 5, 7], perm: [3, 2, 1, 0] }, // anything else: the shipped kernel
  ];
  for (const c of cases) {
    it(`[${c.shape}] by [${c.perm}], with its gradient`, async () => {
      const outShape = c.perm.map((p) => c.shape[p]);
      await expectSameOnBoth([f32(c.shape)], withGradients((x) => tf.transpose(x, c.perm), outShape, random(outShape)));
    });
  }
  it("int32 tensors too", async () => {
    await expectSameOnBoth([{ values: Int32Array.from({ length: 30 }, (_, i) => i), shape: [2, 3, 5], dtype: "int32" }], (x) => [tf.transpose(x, [0, 2, 1]), tf.transpose(x, [1, 0, 2])]);
  });
});

describe("Identity and Cast on wasm", () => {
  it("clone and same-type cast share the data, and stay readable after the original is freed", async () => {
    await tf.setBackend("wasm");
    const x = tf.tensor2d([[1.5, -2], [3, 4.25]]);
    const before = tf.memory().numDataBuffers;
    const c = tf.clone(x);
    const same = tf.cast(x, "float32");
    expect(tf.memory().numDataBuffers, "no new buffer").toBe(before);
    x.dispose();
    expect(c.arraySync()).toEqual([[1.5, -2], [3, 4.25]]);
    expect(same.arraySync()).toEqual([[1.5, -2], [3, 4.25]]);
    tf.dispose([c, same]);
  });
  it("casts to another type as cpu does (to bool: nonzero is true, which the shipped wasm Cast got wrong for negatives)", async () => {
    await expectSameOnBoth([{ values: Float32Array.from([1.7, -1.7, 0.2, 3]), shape: [4], dtype: "float32" }], (x) => [tf.cast(x, "int32"), tf.cast(tf.cast(x, "int32"), "float32"), tf.cast(x, "bool")]);
  });
  it("gradients through clone and cast equal cpu's", async () => {
    await expectSameOnBoth([f32([3, 4])], withGradients((x) => tf.mul(tf.clone(x), tf.cast(x, "float32")), [3, 4], random([12])));
  });
});

describe("GatherV2 and UnsortedSegmentSum on wasm equal cpu", () => {
  const ids = (values: number[], shape: number[]): Arrays[number] => ({ values: Int32Array.from(values), shape, dtype: "int32" });

  it("row gather of [7, 5] by ids [2, 3], with the gradient (which needs UnsortedSegmentSum)", async () => {
    const table = f32([7, 5]);
    const index = ids([0, 6, 3, 3, 3, 1], [2, 3]);
    const f = (t: tf.Tensor, i: tf.Tensor) => tf.gather(t, i);
    const w = random([2 * 3 * 5]);
    await expectSameOnBoth([table, index], (t, i) => {
      const wt = tf.tensor(w, [2, 3, 5]);
      return [f(t, i), tf.grad((u: tf.Tensor) => tf.sum(tf.mul(f(u, i), wt)))(t)];
    });
  });
  it("gathers of int32 rows, of rank-3 tables, and along another axis (the shipped kernel)", async () => {
    await expectSameOnBoth([ids([1, 2, 3, 4, 5, 6], [3, 2]), ids([2, 0, 2], [3])], (t, i) => tf.gather(t, i));
    await expectSameOnBoth([f32([4, 3, 2]), ids([3, 1], [2])], (t, i) => tf.gather(t, i));
    await expectSameOnBoth([f32([4, 3, 2]), ids([2, 0, 1, 1], [4])], (t, i) => tf.gather(t, i, 1));
  });
  it("refuses an id outside the table, naming it", async () => {
    await tf.setBackend("wasm");
    expect(() => tf.tidy(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([0, 3], "int32")))).toThrow("GatherV2: the index value 3 is not in [0, 2]");
  });
  it("unsortedSegmentSum adds rows into their segments, float32 and int32", async () => {
    await expectSameOnBoth([f32([6, 4]), ids([0, 2, 2, 3, 1, 0], [6])], (x, s) => tf.unsortedSegmentSum(x, s, 5));
    await tf.setBackend("wasm");
    // int32 keeps its type (tfjs's cpu backend answers float32): segment 0 = 3 + 4, 1 = 1 + 2 + 6, 2 = 5
    const sums = tf.tidy(() => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3, 4, 5, 6], "int32"), tf.tensor1d([1, 1, 0, 0, 2, 1], "int32"), 3));
    expect(sums.dtype).toBe("int32");
    expect(sums.arraySync()).toEqual([7, 9, 5]);
    sums.dispose();
  });
});
