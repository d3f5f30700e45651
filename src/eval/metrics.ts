// SPDX-License-Identifier: MIT
/**
 * @module eval/metrics
 * Classification metrics on plain typed arrays: top-1 and top-k accuracy, per-class
 * accuracy and the confusion matrix. Probabilities (or logits: only the order matters
 * here) are a row-major Float32Array of N rows × K classes; labels an Int32Array of N.
 *
 * Ties: a row's prediction is its first largest entry (as tf.argMax), and in top-k a
 * class ranks before the true class when its score is larger, or equal with a smaller
 * index, so top-1 accuracy equals plain argmax accuracy.
 */

/** Checks the shapes agree and returns the class count K. */
export function classCountOf(scores: Float32Array, labels: Int32Array, classCount?: number): number {
  const rows = labels.length;
  const count = classCount ?? (rows === 0 ? 0 : scores.length / rows);
  if (!Number.isInteger(count) || scores.length !== rows * count) {
    throw new RangeError(`scores hold ${scores.length} values, not ${rows} rows × ${count} classes`);
  }
  for (let row = 0; row < rows; row++) {
    const label = labels[row];
    if (!(label >= 0 && label < count)) throw new RangeError(`label ${label} at row ${row} is outside 0..${count - 1}`);
  }
  return count;
}

/** Index of each row's first largest score. */
export function argmaxRows(scores: Float32Array, classCount: number): Int32Array {
  const rows = classCount === 0 ? 0 : scores.length / classCount;
  const predicted = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const offset = row * classCount;
    let best = 0;
    for (let k = 1; k < classCount; k++) if (scores[offset + k] > scores[offset + best]) best = k;
    predicted[row] = best;
  }
  return predicted;
}

/** Fraction of rows whose true class is among the k best-scored (ties as in the module note). */
export function topKAccuracy(scores: Float32Array, labels: Int32Array, k: number, classCount?: number): number {
  const count = classCountOf(scores, labels, classCount);
  if (labels.length === 0) return Number.NaN;
  let hits = 0;
  for (let row = 0; row < labels.length; row++) {
    const offset = row * count;
    const label = labels[row];
    const own = scores[offset + label];
    let ahead = 0;
    for (let j = 0; j < count && ahead < k; j++) {
      const other = scores[offset + j];
      if (other > own || (other === own && j < label)) ahead++;
    }
    if (ahead < k) hits++;
  }
  return hits / labels.length;
}

export function accuracy(scores: Float32Array, labels: Int32Array, classCount?: number): number {
  return topKAccuracy(scores, labels, 1, classCount);
}

/** K×K counts, rows = true class, columns = predicted class. */
export function confusionMatrix(labels: Int32Array, predicted: Int32Array, classCount: number): number[][] {
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let row = 0; row < labels.length; row++) matrix[labels[row]][predicted[row]]++;
  return matrix;
}

export interface PerClassAccuracy {
  /** Recall of each class; null where the class has no samples. */
  accuracy: (number | null)[];
  /** Samples of each class. */
  support: number[];
}

export function perClassAccuracy(labels: Int32Array, predicted: Int32Array, classCount: number): PerClassAccuracy {
  const support = new Array<number>(classCount).fill(0);
  const correct = new Array<number>(classCount).fill(0);
  for (let row = 0; row < labels.length; row++) {
    support[labels[row]]++;
    if (predicted[row] === labels[row]) correct[labels[row]]++;
  }
  return { accuracy: support.map((n, k) => (n === 0 ? null : correct[k] / n)), support };
}

export interface ClassificationMetrics {
  count: number;
  accuracy: number;
  /** k of the top-k accuracy: min(5, K). */
  topK: number;
  topKAccuracy: number;
  perClassAccuracy: (number | null)[];
  support: number[];
  /** Rows = true class, columns = predicted class. */
  confusionMatrix: number[][];
}

export function classificationMetrics(scores: Float32Array, labels: Int32Array, classCount?: number, k = 5): ClassificationMetrics {
  const count = classCountOf(scores, labels, classCount);
  const predicted = argmaxRows(scores, count);
  const topK = Math.min(k, count);
  const perClass = perClassAccuracy(labels, predicted, count);
  return {
    count: labels.length,
    accuracy: accuracy(scores, labels, count),
    topK,
    topKAccuracy: topKAccuracy(scores, labels, topK, count),
    perClassAccuracy: perClass.accuracy,
    support: perClass.support,
    confusionMatrix: confusionMatrix(labels, predicted, count),
  };
}
