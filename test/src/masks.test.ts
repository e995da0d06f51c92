import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { scaledDotProductAttention } from "../../src/attention";
import { causalAllowed, causalMask, combineMasks, decoderMask, paddingMask } from "../../src/masks";
import { randomNormal } from "../../src/random";
import { expectClose, expectNoLeak, useBackend } from "./tf-helpers";

useBackend();

const I = -Infinity;

describe("causal mask", () => {
  it("allowed positions are the lower triangle, diagonal included", () => {
    expect(causalAllowed(3)).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [1, 1, 1],
    ]);
    expect(causalAllowed(1)).toEqual([[1]]); // one token may always see itself
  });

  it("causal flag equals an explicit mask: 0 on and below the diagonal, -Infinity above", () => {
    expectNoLeak(() => causalMask(3), (m) => {
      expect(m.shape).toEqual([3, 3]);
      expect(m.arraySync()).toEqual([
        [0, I, I],
        [0, 0, I],
        [0, 0, 0],
      ]);
    });
    expectNoLeak(() => causalMask(4), (m) =>
      expect(m.arraySync()).toEqual([
        [0, I, I, I],
        [0, 0, I, I],
        [0, 0, 0, I],
        [0, 0, 0, 0],
      ]),
    );
    expectNoLeak(() => causalMask(1), (m) => expect(m.arraySync()).toEqual([[0]]));
  });

  it("throws for a length that is not a positive integer", () => {
    expect(() => causalMask(0)).toThrow("a mask length must be a positive integer, got 0");
    expect(() => causalMask(-2)).toThrow("a mask length must be a positive integer, got -2");
    expect(() => causalAllowed(2.5)).toThrow("a mask length must be a positive integer, got 2.5");
    expect(() => causalMask(NaN)).toThrow("got NaN");
  });
});

describe("padding mask", () => {
  it("is [B, 1, 1, Tk] with -Infinity exactly at the pad ids", () => {
    // pad 0: row 0 "5 6 0", row 1 "7 0 0"
    const m = paddingMask([[5, 6, 0], [7, 0, 0]], 0);
    expect(m.shape).toEqual([2, 1, 1, 3]);
    expect(m.arraySync()).toEqual([[[[0, 0, I]]], [[[0, I, I]]]]);
    m.dispose();
  });

  it("takes a tensor of ids as well as arrays, and any pad id", () => {
    const ids = tf.tensor2d([[3, 9, 9]], undefined, "int32");
    const m = paddingMask(ids, 9);
    expect(m.arraySync()).toEqual([[[[0, I, I]]]]);
    tf.dispose([ids, m]);
  });

  it("a batch without padding is all zeros", () => {
    const m = paddingMask([[1, 2], [3, 4]], 0);
    expect(m.arraySync()).toEqual([[[[0, 0]]], [[[0, 0]]]]);
    m.dispose();
  });

  it("leaves no tensor behind when called outside a tf.tidy", () => {
    expectNoLeak(() => paddingMask([[5, 6, 0], [7, 0, 0]], 0));
  });

  it("throws for ragged rows or ids that are not [batch, seq]", () => {
    expect(() => paddingMask([[1, 2], [3]], 0)).toThrow("paddingMask needs rows of one length (a padded batch)");
    expect(() => paddingMask([1, 2] as unknown as number[][], 0)).toThrow("paddingMask needs ids of shape [batch, seq]");
  });
});

describe("decoder mask: causal and padding combined", () => {
  it("on a hand-worked batch, a key is hidden when it is ahead or padding", () => {
    // row 0 "5 6 0": causal rows, and column 2 (padding) hidden everywhere
    // row 1 "7 0 0": only column 0 is a real token, every query sees just it
    expectNoLeak(() => decoderMask([[5, 6, 0], [7, 0, 0]], 0), (m) => {
      expect(m.shape).toEqual([2, 1, 3, 3]);
      expect(m.arraySync()).toEqual([
        [[
          [0, I, I],
          [0, 0, I],
          [0, 0, I],
        ]],
        [[
          [0, I, I],
          [0, I, I],
          [0, I, I],
        ]],
      ]);
    });
  });

  it("without padding it is the causal mask for every batch row", () => {
    expectNoLeak(() => decoderMask([[4, 5], [6, 7]], 0), (m) => {
      expect(m.shape).toEqual([2, 1, 2, 2]);
      expect(m.arraySync()).toEqual([[[[0, I], [0, 0]]], [[[0, I], [0, 0]]]]);
    });
  });

  it("combineMasks hides a key if any mask hides it (-Infinity + -Infinity stays -Infinity, never NaN)", () => {
    const a = tf.tensor2d([[0, I], [I, 0]]);
    const b = tf.tensor2d([[0, I], [0, I]]);
    expectNoLeak(() => combineMasks(a, b), (m) => expect(m.arraySync()).toEqual([[0, I], [I, I]]));
    // one mask: a copy with the same values, not the same tensor (the caller may free it)
    expectNoLeak(() => combineMasks(a), (m) => {
      expect(m).not.toBe(a);
      expect(m.arraySync()).toEqual([[0, I], [I, 0]]);
    });
    expect(() => combineMasks()).toThrow("combineMasks needs at least one mask");
    tf.dispose([a, b]);
  });
});

describe("masks in attention", () => {
  it("a causal mask gives weights exactly 0 above the diagonal, and every row still sums to 1", () => {
    const q = randomNormal([2, 2, 4, 3], 1); // [B, H, T, dK]
    const k = randomNormal([2, 2, 4, 3], 2);
    const v = randomNormal([2, 2, 4, 3], 3);
    const mask = causalMask(4);
    expectNoLeak(() => scaledDotProductAttention(q, k, v, mask), (r) => {
      for (const batch of r.weights.arraySync() as number[][][][]) {
        for (const head of batch) {
          head.forEach((row, i) => row.forEach((w, j) => (j > i ? expect(w).toBe(0) : expect(w).toBeGreaterThan(0))));
        }
      }
      expectClose(tf.sum(r.weights, -1), tf.ones([2, 2, 4]).arraySync());
      // the first query sees only the first key: its output is that key's value
      expectClose(r.output.slice([0, 0, 0, 0], [-1, -1, 1, -1]), v.slice([0, 0, 0, 0], [-1, -1, 1, -1]).arraySync());
    });
    tf.dispose([q, k, v, mask]);
  });

  it("a decoder mask also zeroes padded keys, broadcast over the heads", () => {
    const q = randomNormal([2, 2, 3, 4], 4);
    const k = randomNormal([2, 2, 3, 4], 5);
    const v = randomNormal([2, 2, 3, 4], 6);
    const mask = decoderMask([[5, 6, 0], [7, 0, 0]], 0); // [2, 1, 3, 3]
    expectNoLeak(() => scaledDotProductAttention(q, k, v, mask), (r) => {
      const w = r.weights.arraySync() as number[][][][];
      for (const head of w[0]) for (const row of head) expect(row[2]).toBe(0);
      for (const head of w[1]) for (const row of head) expect(row).toEqual([1, 0, 0]); // only key 0 is real
      expectClose(tf.sum(r.weights, -1), tf.ones([2, 2, 3]).arraySync());
    });
    tf.dispose([q, k, v, mask]);
  });
});
