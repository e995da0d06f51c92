/**
 * Label smoothing (the paper's section 5.4, epsilon_ls = 0.1) as its own loss.
 *
 * Instead of asking the model to put probability 1 on the right token, the
 * target distribution keeps 1 - smoothing on it and spreads `smoothing` evenly
 * over the other tokens that could appear (every token but the right one and
 * padding, which is never a target: vocabSize - 2 of them). Rows whose label is
 * padding are not targets at all and count for nothing.
 *
 * The loss is the cross-entropy between that distribution q and the model's
 * softmax p, averaged over the real (non-padding) target tokens:
 *
 *   loss = - (1 / N) sum_rows sum_v q_v log p_v
 *
 * With smoothing 0 this is the ordinary cross-entropy of the right token.
 * (The Annotated Transformer reports the KL divergence instead, which is this
 * minus the entropy of q: the same for smoothing 0, and the same gradient.)
 *
 * The gradient is written by hand, d loss / d logits = (p - q) / N per row,
 * which is both exact and cheaper on wasm than differentiating log-softmax.
 */
import * as tf from "@tensorflow/tfjs";

/** The smoothed target distribution of each label, [labels.length][vocabSize]; a padding label gives a row of zeros. */
export function smoothedTargets(labels: readonly number[], vocabSize: number, smoothing: number, pad: number): number[][] {
  checkArguments(vocabSize, smoothing, pad);
  const off = smoothing / (vocabSize - 2);
  return labels.map((label) => {
    checkLabel(label, vocabSize);
    if (label === pad) return new Array<number>(vocabSize).fill(0);
    const row = new Array<number>(vocabSize).fill(off);
    row[pad] = 0;
    row[label] = 1 - smoothing;
    return row;
  });
}

type CustomGrad = (...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
};

/**
 * Mean label-smoothed cross-entropy of `logits` [N, vocabSize] against int
 * `labels` (N of them), skipping padding labels. A scalar.
 */
export function labelSmoothingLoss(logits: tf.Tensor, labels: readonly number[], smoothing: number, pad: number): tf.Scalar {
  if (logits.rank !== 2) throw new Error(`labelSmoothingLoss needs logits [tokens, vocabSize], got [${logits.shape.join(", ")}]`);
  const [n, vocabSize] = logits.shape;
  if (labels.length !== n) throw new Error(`labelSmoothingLoss: ${labels.length} labels for ${n} rows of logits`);
  const target = new Float32Array(n * vocabSize);
  smoothedTargets(labels, vocabSize, smoothing, pad).forEach((row, i) => target.set(row, i * vocabSize));
  const count = labels.filter((l) => l !== pad).length;
  if (count === 0) throw new Error("labelSmoothingLoss: every label is padding, there is nothing to learn");
  return tf.tidy(() => {
    const q = tf.tensor2d(target, [n, vocabSize]); // [N, V]
    const loss = tf.customGrad(((z: tf.Tensor, qIn: tf.Tensor, save: tf.GradSaveFunc) => {
      const logP = tf.sub(z, tf.logSumExp(z, -1, true)); // [N, V], log-softmax
      save([logP, qIn]);
      return {
        value: tf.div(tf.neg(tf.sum(tf.mul(qIn, logP))), count),
        gradFunc: (dy, [savedLogP, savedQ]) => {
          const p = tf.mul(tf.exp(savedLogP), rowWeight(labels, pad)); // [N, V], padding rows zeroed
          return [tf.mul(tf.div(tf.sub(p, savedQ), count), dy), tf.zerosLike(savedQ)];
        },
      };
    }) as CustomGrad);
    return loss(logits, q) as tf.Scalar;
  });
}

/** [N, 1]: 1 for a real label, 0 for padding (whose rows take no part in the loss or its gradient). */
function rowWeight(labels: readonly number[], pad: number): tf.Tensor {
  return tf.tensor2d(labels.map((l) => (l === pad ? 0 : 1)), [labels.length, 1]);
}

function checkArguments(vocabSize: number, smoothing: number, pad: number): void {
  if (!Number.isInteger(vocabSize) || vocabSize < 3) throw new Error(`label smoothing needs a vocabulary of at least 3 tokens, got ${vocabSize}`);
  if (!(smoothing >= 0 && smoothing < 1)) throw new Error(`smoothing must be in [0, 1), got ${smoothing}`);
  checkLabel(pad, vocabSize);
}

function checkLabel(label: number, vocabSize: number): void {
  if (!Number.isInteger(label) || label < 0 || label >= vocabSize) throw new RangeError(`label ${label} is outside the vocabulary [0, ${vocabSize})`);
}
