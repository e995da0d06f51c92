import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { matMul2d } from "../../src/linear";
import { randomNormal } from "../../src/random";
import { expectClose, expectNoLeak, useBackend } from "./tf-helpers";

useBackend();

// [m, k] x [k, n], with sizes of 1 and primes so that no shape hides a transposition
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 7, 1],
  [3, 5, 2],
  [7, 1, 11],
  [13, 3, 17],
];

describe("matMul2d, the product with an untransposed gradient", () => {
  it("a product worked by hand", () => {
    // [[1, 2], [3, 4]] x [[5], [6]] = [[1*5 + 2*6], [3*5 + 4*6]] = [[17], [39]]
    const a = tf.tensor2d([[1, 2], [3, 4]]);
    const b = tf.tensor2d([[5], [6]]);
    expectNoLeak(() => matMul2d(a, b), (y) => expect(y.arraySync()).toEqual([[17], [39]]));
    tf.dispose([a, b]);
  });

  it("its value equals tf.matMul's on seeded random inputs", () => {
    SHAPES.forEach(([m, k, n], i) => {
      const a = randomNormal([m, k], 10 * i + 1);
      const b = randomNormal([k, n], 10 * i + 2);
      expectNoLeak(() => matMul2d(a, b), (y) => {
        expect(y.shape).toEqual([m, n]);
        expectClose(y, tf.matMul(a, b).arraySync());
      });
      tf.dispose([a, b]);
    });
  });

  it("both gradients equal those of tf.matMul (tf.grads against an upstream gradient dy)", () => {
    SHAPES.forEach(([m, k, n], i) => {
      const a = randomNormal([m, k], 10 * i + 3);
      const b = randomNormal([k, n], 10 * i + 4);
      const dy = randomNormal([m, n], 10 * i + 5);
      const grads = (f: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), dy)))([a, b]);
      expectNoLeak(() => grads(matMul2d), ([da, db]) => {
        const [ta, tb] = grads((x, y) => tf.matMul(x, y));
        expect(da.shape).toEqual([m, k]);
        expect(db.shape).toEqual([k, n]);
        expectClose(da, ta.arraySync());
        expectClose(db, tb.arraySync());
      });
      tf.dispose([a, b, dy]);
    });
  });

  it("throws unless the shapes are [m, k] x [k, n], naming them", () => {
    const a = tf.zeros([2, 3]);
    const b = tf.zeros([4, 5]);
    const c = tf.zeros([1, 2, 3]);
    const v = tf.zeros([3]);
    expect(() => matMul2d(a, b)).toThrow("matMul2d needs [m, k] x [k, n], got [2, 3] x [4, 5]");
    expect(() => matMul2d(c, b)).toThrow("matMul2d needs [m, k] x [k, n], got [1, 2, 3] x [4, 5]");
    expect(() => matMul2d(a, v)).toThrow("matMul2d needs [m, k] x [k, n], got [2, 3] x [3]");
    tf.dispose([a, b, c, v]);
  });
});
