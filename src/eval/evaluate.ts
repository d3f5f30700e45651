// SPDX-License-Identifier: MIT
/**
 * @module eval/evaluate
 * The evaluation driver: runs a model's `predict` (logits, evaluation mode) over a uint8
 * image set in batches, clean and under each requested perturbation, and returns one
 * JSON-able `EvaluationResult` holding every number: clean classification and calibration
 * metrics, accuracy/ECE/NLL/mean confidence per perturbation level, and temperature
 * scaling fitted on validation data (calibration before and after).
 *
 * Images arrive as uint8 N×H×W×C (HWC) and are scaled to [0,1] one batch at a time, so a
 * 10,000-image set never sits in float32 all at once. Every tensor made here is disposed.
 * Random perturbations get one derived non-zero seed per (perturbation, level, batch
 * start), so a result repeats for the same seed and batch size.
 */
import * as tf from "@tensorflow/tfjs";
import { imageBatch } from "../backend/train-step.js";
import { deriveSeed } from "../random.js";
import { calibrationMetrics, DEFAULT_BINS, fitTemperature, softmaxRows, type CalibrationMetrics, type ReliabilityBin } from "./calibration.js";
import { classificationMetrics } from "./metrics.js";
import { corrupt, CORRUPTIONS, fgsm, gaussianNoise, pgd, rotate, type CorruptionName, type Predict } from "./perturb.js";

export interface PgdSettings {
  epsilon: number;
  steps: number;
  stepSize: number;
  randomStart?: boolean;
}

export interface PerturbationPlan {
  /** Gaussian noise σ on the [0,1] scale. */
  noise?: number[];
  /** Rotations in degrees. */
  rotate?: number[];
  /** FGSM ε on the [0,1] scale. */
  fgsm?: number[];
  pgd?: PgdSettings;
  corrupt?: { name: CorruptionName; severity: number }[];
}

export interface LabelledImages {
  /** uint8 N×H×W×C, HWC order. */
  images: Uint8Array;
  labels: Int32Array;
}

export interface EvaluationProgress {
  condition: string;
  done: number;
  total: number;
}

export interface EvaluationInput extends LabelledImages {
  predict: Predict;
  /** [H, W, C]. */
  imageShape: readonly [number, number, number];
  classNames: string[];
  batchSize?: number;
  perturbations?: PerturbationPlan;
  /** Equal-width calibration bins (default 15). */
  bins?: number;
  /** The run's seed; every random perturbation derives its own from it. */
  seed: number;
  /** Where temperature scaling is fitted; omitted means no temperature scaling. */
  validation?: LabelledImages;
  onProgress?: (progress: EvaluationProgress) => void;
}

/** Accuracy and calibration of one perturbed copy of the evaluation set. */
export interface LevelResult {
  level: number;
  accuracy: number;
  ece: number;
  nll: number;
  meanConfidence: number;
}

export type CalibrationSummary = Pick<
  CalibrationMetrics,
  "ece" | "mce" | "classwiseEce" | "adaptiveEce" | "nll" | "brier" | "brierPerClass" | "meanConfidence" | "accuracy"
>;

export interface TemperatureScalingResult {
  temperature: number;
  /** T ended at an end of the search range [0.01, 100]: the best T may lie beyond it. */
  atSearchBound: boolean;
  validationCount: number;
  validationNllBefore: number;
  validationNllAfter: number;
  /** On the evaluated split, T = 1. */
  before: CalibrationSummary;
  /** On the evaluated split, softmax(z / T). */
  after: CalibrationSummary;
  reliabilityAfter: ReliabilityBin[];
}

export interface CleanResult {
  count: number;
  accuracy: number;
  topK: number;
  topKAccuracy: number;
  nll: number;
  brier: number;
  brierPerClass: number;
  ece: number;
  mce: number;
  classwiseEce: number;
  adaptiveEce: number;
  meanConfidence: number;
  overconfidence: number;
  perClassAccuracy: (number | null)[];
  support: number[];
  /** Rows = true class, columns = predicted class. */
  confusionMatrix: number[][];
  reliability: ReliabilityBin[];
}

export interface EvaluationResult {
  format: "qhybrid-eval/1";
  count: number;
  imageShape: [number, number, number];
  classNames: string[];
  bins: number;
  seed: number;
  batchSize: number;
  clean: CleanResult;
  temperatureScaling: TemperatureScalingResult | null;
  robustness: {
    noise: LevelResult[];
    rotate: LevelResult[];
    fgsm: LevelResult[];
    pgd: (LevelResult & { steps: number; stepSize: number; randomStart: boolean }) | null;
    corrupt: (LevelResult & { name: CorruptionName; severity: number; description: string })[];
  };
  /** Wall-clock seconds per condition ("clean", "noise:0.1", ...) and in total. */
  seconds: Record<string, number>;
}

type Transform = (images: tf.Tensor4D, labels: Int32Array, start: number) => tf.Tensor4D;

function toBatch(images: Uint8Array, shape: readonly [number, number, number], start: number, end: number): tf.Tensor4D {
  return imageBatch(images, Int32Array.from({ length: end - start }, (_, row) => start + row), shape);
}

function summary(metrics: CalibrationMetrics): CalibrationSummary {
  const { ece, mce, classwiseEce, adaptiveEce, nll, brier, brierPerClass, meanConfidence, accuracy } = metrics;
  return { ece, mce, classwiseEce, adaptiveEce, nll, brier, brierPerClass, meanConfidence, accuracy };
}

function checkInput(input: EvaluationInput): void {
  const [height, width, channels] = input.imageShape;
  const size = height * width * channels;
  for (const [name, set] of [["evaluation", input], ["validation", input.validation]] as const) {
    if (set === undefined) continue;
    if (set.images.length !== set.labels.length * size) {
      throw new RangeError(`${name} images hold ${set.images.length} bytes, not ${set.labels.length} × ${height}×${width}×${channels}`);
    }
  }
  const batchSize = input.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(input.seed) || input.seed === 0) throw new RangeError(`seed must be a non-zero integer, got ${input.seed}`);
}

export async function evaluateModel(input: EvaluationInput): Promise<EvaluationResult> {
  checkInput(input);
  const { predict, imageShape, classNames, seed } = input;
  const batchSize = input.batchSize ?? 256;
  const bins = input.bins ?? DEFAULT_BINS;
  const classCount = classNames.length;
  const plan = input.perturbations ?? {};
  const seconds: Record<string, number> = {};
  const started = performance.now();

  /** Logits (N×K) of `set` after `transform`, batch by batch. */
  async function logitsOf(condition: string, set: LabelledImages, transform?: Transform): Promise<Float32Array> {
    const begin = performance.now();
    const count = set.labels.length;
    const logits = new Float32Array(count * classCount);
    for (let start = 0; start < count; start += batchSize) {
      const end = Math.min(count, start + batchSize);
      const labels = set.labels.subarray(start, end);
      const batchLogits = tf.tidy(() => {
        const clean = toBatch(set.images, imageShape, start, end);
        const images = transform === undefined ? clean : transform(clean, labels, start);
        return predict(images);
      });
      try {
        if (batchLogits.shape[1] !== classCount) {
          throw new RangeError(`predict returned ${batchLogits.shape[1]} logits per image, but there are ${classCount} class names`);
        }
        logits.set(await batchLogits.data(), start * classCount);
      } finally {
        batchLogits.dispose();
      }
      input.onProgress?.({ condition, done: end, total: count });
    }
    seconds[condition] = (performance.now() - begin) / 1000;
    return logits;
  }

  async function level(condition: string, levelValue: number, transform: Transform): Promise<LevelResult> {
    const logits = await logitsOf(condition, input, transform);
    const metrics = calibrationMetrics(softmaxRows(logits, classCount), input.labels, bins);
    return { level: levelValue, accuracy: metrics.accuracy, ece: metrics.ece, nll: metrics.nll, meanConfidence: metrics.meanConfidence };
  }

  const cleanLogits = await logitsOf("clean", input);
  const cleanProbabilities = softmaxRows(cleanLogits, classCount);
  const classification = classificationMetrics(cleanProbabilities, input.labels, classCount);
  const calibration = calibrationMetrics(cleanProbabilities, input.labels, bins);
  const clean: CleanResult = {
    count: classification.count,
    accuracy: classification.accuracy,
    topK: classification.topK,
    topKAccuracy: classification.topKAccuracy,
    nll: calibration.nll,
    brier: calibration.brier,
    brierPerClass: calibration.brierPerClass,
    ece: calibration.ece,
    mce: calibration.mce,
    classwiseEce: calibration.classwiseEce,
    adaptiveEce: calibration.adaptiveEce,
    meanConfidence: calibration.meanConfidence,
    overconfidence: calibration.overconfidence,
    perClassAccuracy: classification.perClassAccuracy,
    support: classification.support,
    confusionMatrix: classification.confusionMatrix,
    reliability: calibration.reliability,
  };

  let temperatureScaling: TemperatureScalingResult | null = null;
  if (input.validation !== undefined && input.validation.labels.length > 0) {
    const validationLogits = await logitsOf("validation", input.validation);
    const fit = fitTemperature(validationLogits, input.validation.labels);
    const after = calibrationMetrics(softmaxRows(cleanLogits, classCount, fit.temperature), input.labels, bins);
    temperatureScaling = {
      temperature: fit.temperature,
      atSearchBound: fit.atSearchBound,
      validationCount: input.validation.labels.length,
      validationNllBefore: fit.nllBefore,
      validationNllAfter: fit.nllAfter,
      before: summary(calibration),
      after: summary(after),
      reliabilityAfter: after.reliability,
    };
  }

  const robustness: EvaluationResult["robustness"] = { noise: [], rotate: [], fgsm: [], pgd: null, corrupt: [] };
  for (const sigma of plan.noise ?? []) {
    robustness.noise.push(await level(`noise:${sigma}`, sigma, (x, _labels, start) => gaussianNoise(x, sigma, deriveSeed(seed, `noise:${sigma}:${start}`))));
  }
  for (const degrees of plan.rotate ?? []) {
    robustness.rotate.push(await level(`rotate:${degrees}`, degrees, (x) => rotate(x, degrees)));
  }
  for (const epsilon of plan.fgsm ?? []) {
    robustness.fgsm.push(await level(`fgsm:${epsilon}`, epsilon, (x, labels) => fgsm(predict, x, labels, epsilon)));
  }
  if (plan.pgd !== undefined) {
    const { epsilon, steps, stepSize, randomStart = true } = plan.pgd;
    const result = await level(`pgd:${epsilon}:${steps}:${stepSize}`, epsilon, (x, labels, start) =>
      pgd(predict, x, labels, { epsilon, steps, stepSize, randomStart, seed: deriveSeed(seed, `pgd:${start}`) }),
    );
    robustness.pgd = { ...result, steps, stepSize, randomStart };
  }
  for (const { name, severity } of plan.corrupt ?? []) {
    const result = await level(`corrupt:${name}:${severity}`, severity, (x, _labels, start) =>
      corrupt(x, name, severity, deriveSeed(seed, `corrupt:${name}:${severity}:${start}`)),
    );
    robustness.corrupt.push({ ...result, name, severity, description: CORRUPTIONS[name].description });
  }
  seconds.total = (performance.now() - started) / 1000;

  return {
    format: "qhybrid-eval/1",
    count: input.labels.length,
    imageShape: [...imageShape],
    classNames: [...classNames],
    bins,
    seed,
    batchSize,
    clean,
    temperatureScaling,
    robustness,
    seconds,
  };
}
