import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Embedding, embeddingLookup } from "../../src/embedding";
import { disposeModule } from "../../src/module";
import { expectClose, expectNoLeak, useBackend } from "./tf-helpers";

useBackend();

describe("embedding", () => {
  it("looks up rows by id, for ids of any shape", () => {
    const table = tf.tensor2d([[0, 1], [2, 3], [4, 5]]);
    const ids = tf.tensor2d([[2, 0], [1, 1]], undefined, "int32");
    expectNoLeak(() => embeddingLookup(table, ids), (x) => {
      expect(x.shape).toEqual([2, 2, 2]);
      expectClose(x, [[[4, 5], [0, 1]], [[2, 3], [2, 3]]]);
    });
    tf.dispose([table, ids]);
  });

  it("has a gradient on the wasm backend: each row collects the gradients of its uses", () => {
    const table = tf.tensor2d([[0, 1], [2, 3], [4, 5]]);
    const ids = tf.tensor1d([2, 0, 2], "int32");
    const w = tf.tensor2d([[1, 10], [100, 1000], [2, 20]]); // d loss / d output row
    expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(embeddingLookup(t, ids), w)))(table), (g) => {
      // row 0 used once (output 1): [100, 1000]; row 1 unused; row 2 used by outputs 0 and 2: [1 + 2, 10 + 20]
      expectClose(g, [[100, 1000], [0, 0], [3, 30]]);
    });
    tf.dispose([table, ids, w]);
  });

  it("is seeded: the same seed gives the same table", () => {
    const a = new Embedding(10, 4, 42);
    const b = new Embedding(10, 4, 42);
    const c = new Embedding(10, 4, 43);
    expect(a.table.arraySync()).toEqual(b.table.arraySync());
    expect(a.table.arraySync()).not.toEqual(c.table.arraySync());
    [a, b, c].forEach(disposeModule);
  });

  it("embeds a sentence's ids into [1, T, dModel], scaled when asked", () => {
    const e = new Embedding(20, 8, 1, { scale: 2 });
    expectNoLeak(() => e.embed([[3, 4, 5]]), (x) => {
      expect(x.shape).toEqual([1, 3, 8]);
      const table = e.table.arraySync() as number[][];
      expectClose(x, [[3, 4, 5].map((i) => table[i].map((v) => 2 * v))]);
    });
    expect(() => e.embed([20])).toThrow("token id 20 is outside the vocabulary [0, 20)");
    disposeModule(e);
  });
});
