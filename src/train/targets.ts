// SPDX-License-Identifier: MIT
/**
 * @module train/targets
 * Training targets and the one loss every label mode goes through: soft-target
 * cross-entropy L = −(1/B) Σ_b Σ_k q_bk · log softmax(z_b)_k. One-hot targets make it the
 * ordinary cross-entropy; label smoothing uses q = (1 − ε)·onehot + ε/K (Szegedy et al.
 * 2016, as PyTorch and tfjs do; QPLR's paper writes ε/(K − 1) on the wrong classes, which
 * we do not use); soft labels come from a labels file (QPLR stage 1).
 */
import * as tf from "@tensorflow/tfjs";

export type TargetMode =
  | { mode: "onehot" }
  | { mode: "smoothing"; epsilon: number }
  /** Row-major [N × K] class distributions, indexed by training-sample index. */
  | { mode: "soft"; distributions: Float32Array };

/** The [B × K] target matrix for a batch. `indices` are the samples' positions in the training split. */
export function batchTargets(labels: Int32Array, indices: Int32Array, classes: number, targets: TargetMode): Float32Array {
  const batch = labels.length;
  const out = new Float32Array(batch * classes);
  if (targets.mode === "soft") {
    for (let row = 0; row < batch; row++) {
      out.set(targets.distributions.subarray(indices[row] * classes, (indices[row] + 1) * classes), row * classes);
    }
    return out;
  }
  const epsilon = targets.mode === "smoothing" ? targets.epsilon : 0;
  const off = epsilon / classes;
  out.fill(off);
  for (let row = 0; row < batch; row++) out[row * classes + labels[row]] = 1 - epsilon + off;
  return out;
}

/** Mean over the batch of −Σ_k q_k log softmax(z)_k; logSoftmax keeps it stable for large logits. */
export function softTargetCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))));
}
