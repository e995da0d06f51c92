import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { activate, FeedForward } from "../../src/feed-forward";
import { countParameters, disposeModule } from "../../src/module";
import { randomNormal } from "../../src/random";
import { expectClose, expectNoLeak, useBackend } from "./tf-helpers";

useBackend();

// The article's Step 6 weights.
const ARTICLE = { W1: [[3, 1], [2, 4]], b1: [-1, 0], W2: [[1, 0], [0, 1]], b2: [0, 0] };

describe("FeedForward", () => {
  it("FFN([0.58, 0]) with the article's weights is [0.74, 0.58]", () => {
    const ffn = new FeedForward(2, 2, 0, { weights: ARTICLE });
    const x = tf.tensor2d([[0.58, 0]]);
    expectNoLeak(() => ffn.steps(x), (s) => {
      // x W1 = [0.58*3 + 0*2, 0.58*1 + 0*4] = [1.74, 0.58]; + b1 = [0.74, 0.58]
      expectClose(s.hidden, [[0.74, 0.58]]);
      expectClose(s.activated, [[0.74, 0.58]]); // both positive: ReLU keeps them
      expectClose(s.output, [[0.74, 0.58]]); // W2 = I, b2 = 0
    });
    x.dispose();
    disposeModule(ffn);
  });

  it("FFN of the corrected Z_it [0.513631, 0.131827] is [0.804549, 1.040941]", () => {
    const ffn = new FeedForward(2, 2, 0, { weights: ARTICLE });
    const x = tf.tensor2d([[0.513631, 0.131827]]);
    // [3*0.513631 + 2*0.131827 - 1, 0.513631 + 4*0.131827] = [1.540893 + 0.263654 - 1, 0.513631 + 0.527308]
    expectNoLeak(() => ffn.apply(x), (y) => expectClose(y, [[0.804547, 1.040939]]));
    x.dispose();
    disposeModule(ffn);
  });

  it("ReLU zeroes negative hidden units", () => {
    const ffn = new FeedForward(2, 2, 0, { weights: ARTICLE });
    const x = tf.tensor2d([[-1, 0]]);
    // x W1 + b1 = [-3 - 1, -1 + 0] = [-4, -1] -> ReLU [0, 0] -> output [0, 0]
    expectNoLeak(() => ffn.steps(x), (s) => {
      expectClose(s.hidden, [[-4, -1]]);
      expectClose(s.output, [[0, 0]]);
    });
    x.dispose();
    disposeModule(ffn);
  });

  it("GELU is x * sigmoid(1.702 x)", () => {
    const x = tf.tensor1d([-1, 0, 1, 3]);
    // sigmoid(1.702) = 1 / (1 + e^-1.702) = 1 / 1.182319 = 0.845796; -1 * sigmoid(-1.702) = -(1 - 0.845796)
    // 3 * sigmoid(5.106) = 3 / (1 + e^-5.106) = 3 / 1.006060 = 2.981929
    expectNoLeak(() => activate(x, "gelu"), (y) => expectClose(y, [-0.154204, 0, 0.845796, 2.981929]));
    expect(() => activate(x, "tanh" as "relu")).toThrow('unknown activation tanh (use "relu" or "gelu")');
    x.dispose();
  });

  it("applies to every token alike, [B, T, dModel] -> [B, T, dModel], with 2 dModel dFF + dFF + dModel parameters", () => {
    const ffn = new FeedForward(4, 16, 3);
    expect(countParameters(ffn)).toBe(2 * 4 * 16 + 16 + 4);
    const x = randomNormal([2, 3, 4], 1);
    expectNoLeak(() => ffn.apply(x), (y) => {
      expect(y.shape).toEqual([2, 3, 4]);
      const alone = ffn.apply(x.slice([1, 2, 0], [1, 1, 4]));
      expectClose(y.slice([1, 2, 0], [1, 1, 4]), alone.arraySync());
    });
    x.dispose();
    disposeModule(ffn);
  });

  it("refuses weights of the wrong shape", () => {
    expect(() => new FeedForward(2, 3, 0, { weights: ARTICLE })).toThrow("W1: weight must be [2, 3], got [2, 2]");
  });
});
