// SPDX-License-Identifier: MIT
/**
 * @module eval/calibration
 * Calibration metrics on plain typed arrays (probabilities: row-major Float32Array N×K;
 * labels: Int32Array N), and temperature scaling fitted on logits.
 *
 * Definitions (conf_i = max_k p_ik, the top-1 confidence; correct_i = argmax_k p_ik = y_i):
 * - Bins: M equal-width bins B_b = (b/M, (b+1)/M], b = 0..M-1; a confidence of exactly 0
 *   goes to the first bin. Bins apply to the float32 value as stored.
 * - ECE = Σ_b (|B_b|/N)·|acc(B_b) − conf(B_b)| (Guo et al. 2017, M = 15 by default);
 *   MCE = max over non-empty bins of |acc(B_b) − conf(B_b)|.
 * - Classwise ECE (Kull et al. 2019; Nixon et al. 2019 "SCE"): for every class k, bin p_ik of
 *   all samples with the same M equal-width bins, compare the bin's mean p_ik with the
 *   fraction of its samples whose label is k; ECE_k = Σ_b (|B_b|/N)·|freq − mean|; report the
 *   mean of ECE_k over the K classes.
 * - Adaptive ECE (Nixon et al. 2019, equal mass): sort by confidence (stable), bin b holds
 *   sorted samples ⌊bN/M⌋ .. ⌊(b+1)N/M⌋−1; then the ECE sum over these bins.
 * - NLL = mean −ln max(p_iy, ε) with ε = 1e-12 (so a zero probability costs 27.6 nats, not ∞).
 * - Brier = mean over samples of Σ_k (p_ik − onehot(y_i)_k)², the undivided sum as in
 *   Brier (1950), range [0, 2]; `brierPerClass` is the same divided by K.
 * - Temperature scaling (Guo et al. 2017): p = softmax(z / T) with one T > 0 fitted on
 *   validation logits by minimising NLL. NLL is convex in 1/T (log-sum-exp of linear
 *   functions minus a linear one), hence unimodal in u = ln T; we golden-section search
 *   u over [ln 0.01, ln 100] to a width of 1e-7.
 */
import { argmaxRows, classCountOf } from "./metrics.js";

export const DEFAULT_BINS = 15;
export const NLL_EPSILON = 1e-12;

export interface ReliabilityBin {
  /** Exclusive lower edge b/M (the first bin also takes confidence 0). */
  lower: number;
  /** Inclusive upper edge (b+1)/M. */
  upper: number;
  count: number;
  /** Mean top-1 confidence in the bin; null when empty. */
  meanConfidence: number | null;
  /** Fraction correct in the bin; null when empty. */
  accuracy: number | null;
}

export interface CalibrationMetrics {
  count: number;
  bins: number;
  accuracy: number;
  meanConfidence: number;
  /** meanConfidence − accuracy: positive means over-confident. */
  overconfidence: number;
  ece: number;
  mce: number;
  classwiseEce: number;
  adaptiveEce: number;
  nll: number;
  /** Σ_k (p_k − y_k)², mean over samples (undivided). */
  brier: number;
  /** brier / K. */
  brierPerClass: number;
  reliability: ReliabilityBin[];
}

/** Equal-width bin of a value in [0,1]: (b/M, (b+1)/M], with 0 in bin 0. */
export function binIndex(value: number, bins: number): number {
  if (!(value > 0)) return 0;
  return Math.min(bins - 1, Math.max(0, Math.ceil(value * bins) - 1));
}

export function topConfidences(probabilities: Float32Array, classCount: number): Float64Array {
  const rows = classCount === 0 ? 0 : probabilities.length / classCount;
  const confidences = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    let best = probabilities[row * classCount];
    for (let k = 1; k < classCount; k++) best = Math.max(best, probabilities[row * classCount + k]);
    confidences[row] = best;
  }
  return confidences;
}

/** Per-bin count, mean confidence and accuracy over M equal-width bins. */
export function reliabilityBins(confidences: ArrayLike<number>, correct: ArrayLike<boolean | number>, bins = DEFAULT_BINS): ReliabilityBin[] {
  const counts = new Array<number>(bins).fill(0);
  const confidenceSums = new Array<number>(bins).fill(0);
  const correctSums = new Array<number>(bins).fill(0);
  for (let i = 0; i < confidences.length; i++) {
    const b = binIndex(confidences[i], bins);
    counts[b]++;
    confidenceSums[b] += confidences[i];
    correctSums[b] += correct[i] ? 1 : 0;
  }
  return counts.map((count, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count,
    meanConfidence: count === 0 ? null : confidenceSums[b] / count,
    accuracy: count === 0 ? null : correctSums[b] / count,
  }));
}

function gapSum(bins: ReliabilityBin[], total: number): { ece: number; mce: number } {
  let ece = 0;
  let mce = 0;
  for (const bin of bins) {
    if (bin.count === 0) continue;
    const gap = Math.abs(bin.accuracy! - bin.meanConfidence!);
    ece += (bin.count / total) * gap;
    mce = Math.max(mce, gap);
  }
  return { ece, mce };
}

/** Expected and maximum calibration error of top-1 confidence over M equal-width bins. */
export function expectedCalibrationError(probabilities: Float32Array, labels: Int32Array, bins = DEFAULT_BINS): { ece: number; mce: number } {
  const count = classCountOf(probabilities, labels);
  const confidences = topConfidences(probabilities, count);
  const predicted = argmaxRows(probabilities, count);
  const correct = Array.from(predicted, (p, i) => p === labels[i]);
  return gapSum(reliabilityBins(confidences, correct, bins), labels.length);
}

export function classwiseExpectedCalibrationError(probabilities: Float32Array, labels: Int32Array, bins = DEFAULT_BINS): number {
  const count = classCountOf(probabilities, labels);
  const rows = labels.length;
  if (rows === 0) return Number.NaN;
  let total = 0;
  const column = new Float64Array(rows);
  const isClass = new Uint8Array(rows);
  for (let k = 0; k < count; k++) {
    for (let row = 0; row < rows; row++) {
      column[row] = probabilities[row * count + k];
      isClass[row] = labels[row] === k ? 1 : 0;
    }
    total += gapSum(reliabilityBins(column, isClass, bins), rows).ece;
  }
  return total / count;
}

export function adaptiveExpectedCalibrationError(probabilities: Float32Array, labels: Int32Array, bins = DEFAULT_BINS): number {
  const count = classCountOf(probabilities, labels);
  const rows = labels.length;
  if (rows === 0) return Number.NaN;
  const confidences = topConfidences(probabilities, count);
  const predicted = argmaxRows(probabilities, count);
  const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => confidences[a] - confidences[b]);
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    const start = Math.floor((b * rows) / bins);
    const end = Math.floor(((b + 1) * rows) / bins);
    if (end <= start) continue;
    let confidenceSum = 0;
    let correctSum = 0;
    for (let j = start; j < end; j++) {
      confidenceSum += confidences[order[j]];
      correctSum += predicted[order[j]] === labels[order[j]] ? 1 : 0;
    }
    ece += Math.abs(correctSum - confidenceSum) / rows;
  }
  return ece;
}

export function negativeLogLikelihood(probabilities: Float32Array, labels: Int32Array): number {
  const count = classCountOf(probabilities, labels);
  if (labels.length === 0) return Number.NaN;
  let sum = 0;
  for (let row = 0; row < labels.length; row++) sum -= Math.log(Math.max(probabilities[row * count + labels[row]], NLL_EPSILON));
  return sum / labels.length;
}

/** Mean over samples of Σ_k (p_k − y_k)² (undivided; divide by K for the per-class form). */
export function brierScore(probabilities: Float32Array, labels: Int32Array): number {
  const count = classCountOf(probabilities, labels);
  if (labels.length === 0) return Number.NaN;
  let sum = 0;
  for (let row = 0; row < labels.length; row++) {
    for (let k = 0; k < count; k++) {
      const diff = probabilities[row * count + k] - (labels[row] === k ? 1 : 0);
      sum += diff * diff;
    }
  }
  return sum / labels.length;
}

export function calibrationMetrics(probabilities: Float32Array, labels: Int32Array, bins = DEFAULT_BINS): CalibrationMetrics {
  const count = classCountOf(probabilities, labels);
  const confidences = topConfidences(probabilities, count);
  const predicted = argmaxRows(probabilities, count);
  const correct = Array.from(predicted, (p, i) => p === labels[i]);
  const reliability = reliabilityBins(confidences, correct, bins);
  const { ece, mce } = gapSum(reliability, labels.length);
  const rows = labels.length;
  const accuracy = rows === 0 ? Number.NaN : correct.filter(Boolean).length / rows;
  const meanConfidence = rows === 0 ? Number.NaN : confidences.reduce((a, b) => a + b, 0) / rows;
  const brier = brierScore(probabilities, labels);
  return {
    count: rows,
    bins,
    accuracy,
    meanConfidence,
    overconfidence: meanConfidence - accuracy,
    ece,
    mce,
    classwiseEce: classwiseExpectedCalibrationError(probabilities, labels, bins),
    adaptiveEce: adaptiveExpectedCalibrationError(probabilities, labels, bins),
    nll: negativeLogLikelihood(probabilities, labels),
    brier,
    brierPerClass: brier / count,
    reliability,
  };
}

/** Row-wise softmax(z / temperature), computed in float64 and stored as float32. */
export function softmaxRows(logits: Float32Array, classCount: number, temperature = 1): Float32Array {
  const out = new Float32Array(logits.length);
  const rows = classCount === 0 ? 0 : logits.length / classCount;
  for (let row = 0; row < rows; row++) {
    const offset = row * classCount;
    let max = -Infinity;
    for (let k = 0; k < classCount; k++) max = Math.max(max, logits[offset + k] / temperature);
    let sum = 0;
    for (let k = 0; k < classCount; k++) sum += Math.exp(logits[offset + k] / temperature - max);
    for (let k = 0; k < classCount; k++) out[offset + k] = Math.exp(logits[offset + k] / temperature - max) / sum;
  }
  return out;
}

/** Mean NLL of softmax(z / T), exact in float64 (log-sum-exp, no clamp). */
export function temperatureNll(logits: Float32Array, labels: Int32Array, temperature: number): number {
  const count = classCountOf(logits, labels);
  let sum = 0;
  for (let row = 0; row < labels.length; row++) {
    const offset = row * count;
    let max = -Infinity;
    for (let k = 0; k < count; k++) max = Math.max(max, logits[offset + k] / temperature);
    let total = 0;
    for (let k = 0; k < count; k++) total += Math.exp(logits[offset + k] / temperature - max);
    sum += max + Math.log(total) - logits[offset + labels[row]] / temperature;
  }
  return sum / labels.length;
}

export interface TemperatureFit {
  temperature: number;
  /** Validation NLL at T = 1 and at the fitted T. */
  nllBefore: number;
  nllAfter: number;
  /** Objective evaluations the search used. */
  evaluations: number;
  /** True when T ended at an end of TEMPERATURE_RANGE (the optimum may lie beyond it). */
  atSearchBound: boolean;
}

export const TEMPERATURE_RANGE: readonly [number, number] = [0.01, 100];

/** Fits T > 0 minimising validation NLL by golden-section search over ln T (see module note). */
export function fitTemperature(logits: Float32Array, labels: Int32Array, tolerance = 1e-7): TemperatureFit {
  if (labels.length === 0) throw new RangeError("temperature scaling needs at least one validation sample");
  const objective = (u: number): number => temperatureNll(logits, labels, Math.exp(u));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let low = Math.log(TEMPERATURE_RANGE[0]);
  let high = Math.log(TEMPERATURE_RANGE[1]);
  let left = high - ratio * (high - low);
  let right = low + ratio * (high - low);
  let leftValue = objective(left);
  let rightValue = objective(right);
  let evaluations = 2;
  while (high - low > tolerance) {
    if (leftValue <= rightValue) {
      high = right;
      right = left;
      rightValue = leftValue;
      left = high - ratio * (high - low);
      leftValue = objective(left);
    } else {
      low = left;
      left = right;
      leftValue = rightValue;
      right = low + ratio * (high - low);
      rightValue = objective(right);
    }
    evaluations++;
  }
  const temperature = Math.exp((low + high) / 2);
  const [lowest, highest] = TEMPERATURE_RANGE;
  return {
    temperature,
    atSearchBound: temperature <= lowest * (1 + 1e-4) || temperature >= highest * (1 - 1e-4),
    nllBefore: temperatureNll(logits, labels, 1),
    nllAfter: temperatureNll(logits, labels, temperature),
    evaluations,
  };
}
