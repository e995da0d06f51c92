import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { addPositionalEncoding, positionalEncoding, positionalEncodingRows } from "../../src/positional-encoding";
import { expectClose, expectNoLeak, TOL, useBackend } from "./tf-helpers";

useBackend();

describe("positional encoding", () => {
  it("PE at position 0 is [0, 1, 0, 1, ...]", () => {
    // sin(0) = 0 on even dimensions, cos(0) = 1 on odd ones
    expect(positionalEncodingRows(1, 6)[0]).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it("PE of position 1 with dModel 512 starts [0.84147, 0.54030, 0.82186, 0.56970]", () => {
    // dims 0, 1: sin(1) = 0.841471, cos(1) = 0.540302
    // dims 2, 3: angle = 1 / 10000^(2/512) = 1 / e^(9.210340 * 0.00390625) = 1 / 1.036633 = 0.964662
    //            sin(0.964662) = 0.821856, cos(0.964662) = 0.569695
    const row = positionalEncodingRows(2, 512)[1];
    expectClose(row.slice(0, 4), [0.841471, 0.540302, 0.821856, 0.569695], 1e-6);
  });

  it("even dimensions are sines and odd ones cosines of the same angle", () => {
    const pe = positionalEncodingRows(50, 16);
    for (const row of pe) for (let d = 0; d < 16; d += 2) expect(Math.abs(row[d] ** 2 + row[d + 1] ** 2 - 1)).toBeLessThan(1e-12);
  });

  it("handles an odd dModel: the last dimension is a sine without a cosine partner", () => {
    // dModel 3, position 1: dim 2 has i = 1, angle = 1 / 10000^(2/3) = 1 / 464.1589 = 0.00215443
    const row = positionalEncodingRows(2, 3)[1];
    expectClose(row, [0.841471, 0.540302, 0.00215443], 1e-6);
  });

  it("the tensor equals the plain rows, [maxLen, dModel]", () => {
    expectNoLeak(() => positionalEncoding(7, 10), (pe) => {
      expect(pe.shape).toEqual([7, 10]);
      expectClose(pe, positionalEncodingRows(7, 10), TOL);
    });
  });

  it("adds to a batch of embeddings position by position", () => {
    const pe = positionalEncoding(10, 4);
    const x = tf.zeros([2, 3, 4]);
    expectNoLeak(() => addPositionalEncoding(x, pe), (y) => {
      const rows = positionalEncodingRows(3, 4);
      expectClose(y, [rows, rows], TOL);
    });
    expect(() => addPositionalEncoding(tf.zeros([1, 11, 4]), pe)).toThrow("sequence of 11 tokens is longer than the encoding's maxLen 10");
    expect(() => addPositionalEncoding(tf.zeros([1, 3, 5]), pe)).toThrow("input width 5 differs from the encoding's dModel 4");
    tf.dispose([pe, x]);
  });

  it("refuses bad sizes", () => {
    expect(() => positionalEncodingRows(0, 4)).toThrow("maxLen must be a positive integer, got 0");
    expect(() => positionalEncodingRows(4, 2.5)).toThrow("dModel must be a positive integer, got 2.5");
  });
});
