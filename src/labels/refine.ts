// SPDX-License-Identifier: MIT
/**
 * @module labels/refine
 * QPLR as library calls. `refineLabels` is stage 1 (`qhybrid label-refine`): train the
 * labeller on the experiment's training rows (data.limit and the validation split as in
 * `qhybrid train`, so stage 2's validation images are never seen by the labeller), label
 * every image of the dataset's training split, write the labels file and the label
 * report. A labels file whose header matches the dataset and the labeller config hash is
 * reused instead of trained again. `softTargetsFor` gives stage 2 its targets.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { BackendChoice } from "../backend/schema.js";
import { selectBackend } from "../backend/select.js";
import { configHash } from "../config/hash.js";
import { loadExperimentConfig } from "../config/load.js";
import type { ExperimentConfig } from "../config/schema.js";
import { loadInMemory, openOptionsFromConfig } from "../data/index.js";
import { UsageError } from "../errors.js";
import { deriveSeed } from "../random.js";
import { prepareTrainingData } from "../train/data.js";
import { checkLabelsFile, labelsMismatch, LABELS_FORMAT, readLabelsFile, sampleOrderChecksum, writeLabelsFile, type LabelsHeader, type SplitIdentity } from "./file.js";
import { buildLabeller, featurizerFor, labelImages, refineDistributions, trainLabeller } from "./labeller.js";
import { labelStatistics, writeLabelReport, type LabelStatistics } from "./report.js";
import type { LabellerConfig } from "./schema.js";

export const LABELS_FILE = "labels.bin";

export interface RefineOptions {
  config: ExperimentConfig;
  /** The labeller to run; default config.labels.labeller. */
  labeller?: LabellerConfig;
  /** Where to write (or find) the labels file; default under output.dir. */
  file?: string;
  /** Reuse a matching labels file instead of training again. */
  reuse?: boolean;
  log: (line: string) => void;
}

export interface RefineResult {
  file: string;
  reused: boolean;
  header: LabelsHeader;
  distributions: Float32Array;
  /** Absent when the file was reused. */
  report?: { dir: string; files: string[]; accuracy: { test: number; validation: number | null }; statistics: LabelStatistics; parameters: { classical: number; quantum: number; total: number }; trainedOn: number; labellingImagesPerSecond: number };
}

/** The hash a labels file carries: the labeller, the seed and the data it trains on. */
export function labellerHash(config: ExperimentConfig, labeller: LabellerConfig): string {
  const { name, limit, validationFraction } = config.data;
  return configHash({ format: LABELS_FORMAT, data: { name, limit, validationFraction }, seed: config.seed, labeller });
}

export function defaultLabelsPath(config: ExperimentConfig, labeller: LabellerConfig): string {
  return join(config.output.dir, config.name, "labels", `${labeller.kind}-${labellerHash(config, labeller)}`, LABELS_FILE);
}

async function loadSplits(config: ExperimentConfig) {
  const dataset = await loadInMemory(config.data.name, openOptionsFromConfig(config.data, config.seed));
  const train = dataset.splits.train;
  return { dataset, train, identity: { dataset: dataset.name, split: "train", count: train.count, classes: dataset.classNames.length, orderChecksum: sampleOrderChecksum(train.images, train.labels) } satisfies SplitIdentity };
}

export async function refineLabels(options: RefineOptions): Promise<RefineResult> {
  const { config, log } = options;
  const labeller = options.labeller ?? config.labels.labeller;
  const hash = labellerHash(config, labeller);
  const file = options.file ?? defaultLabelsPath(config, labeller);
  const { dataset, train, identity } = await loadSplits(config);
  if (options.reuse && existsSync(file)) {
    const cached = readLabelsFile(file);
    const problem = labelsMismatch(cached.header, { ...identity, configHash: hash });
    if (problem === null) {
      log(`labels: reusing ${file} (labeller ${labeller.kind}, config hash ${hash})`);
      return { file, reused: true, header: cached.header, distributions: cached.distributions };
    }
    log(`labels: ${file} is stale (${problem}); labelling again`);
  }
  const shape = dataset.imageShape;
  const pixels = shape[0] * shape[1] * shape[2];
  const classes = dataset.classNames.length;
  const rows = await prepareTrainingData(config.data, config.seed);
  const featurizer = featurizerFor(labeller, rows.train.images, rows.train.count, shape, config.seed);
  const model = buildLabeller(labeller, featurizer.size, classes, deriveSeed(config.seed, `labeller:${labeller.kind}`));
  try {
    log(`labels: ${labeller.kind} labeller, ${model.parameters.total} parameters (${model.parameters.quantum} quantum); input ${featurizer.description}; trained on ${rows.train.count} images of ${dataset.name}${labeller.kind === "classical" ? "" : labeller.shots ? `, ${labeller.shots} shots` : ", exact probabilities"}`);
    const training = trainLabeller({ labeller: model, featurizer, images: rows.train.images, labels: rows.train.labels, count: rows.train.count, pixels, config: labeller, seed: config.seed, log });
    const accuracyOf = (images: Uint8Array, labels: Int32Array, count: number, purpose: string): number => {
      const probabilities = labelImages(model, featurizer, images, count, pixels, classes, { shots: labeller.shots, seed: deriveSeed(config.seed, purpose) });
      let correct = 0;
      for (let i = 0; i < count; i++) {
        let top = 0;
        for (let k = 1; k < classes; k++) if (probabilities[i * classes + k] > probabilities[i * classes + top]) top = k;
        if (top === labels[i]) correct++;
      }
      return correct / Math.max(1, count);
    };
    const started = performance.now();
    const probabilities = labelImages(model, featurizer, train.images, train.count, pixels, classes, { shots: labeller.shots, seed: deriveSeed(config.seed, "labeller:train-split") });
    const labellingImagesPerSecond = train.count / ((performance.now() - started) / 1000);
    log(`labels: labelled ${train.count} training images at ${labellingImagesPerSecond.toFixed(0)} images/s`);
    const test = dataset.splits.test;
    const accuracy = {
      test: accuracyOf(test.images, test.labels, test.count, "labeller:test"),
      validation: rows.validation.count > 0 ? accuracyOf(rows.validation.images, rows.validation.labels, rows.validation.count, "labeller:validation") : null,
    };
    const distributions = refineDistributions(probabilities, train.labels, classes, { temperature: labeller.temperature, alpha: labeller.alpha, confidence: labeller.confidence });
    const header: LabelsHeader = {
      format: LABELS_FORMAT,
      ...identity,
      classNames: dataset.classNames,
      configHash: hash,
      mapping: model.mapping,
      labeller: { ...labeller, parameters: model.parameters, input: featurizer.description, trainedOn: rows.train.count, testAccuracy: accuracy.test, validationAccuracy: accuracy.validation, seed: config.seed },
      createdAt: new Date().toISOString(),
    };
    writeLabelsFile(file, { header, distributions });
    const statistics = labelStatistics(distributions, train.labels, dataset.classNames);
    const files = await writeLabelReport({ dir: dirname(file), statistics, header: header as unknown as Record<string, unknown>, accuracy, training, images: train.images, labels: train.labels, distributions, shape, classNames: dataset.classNames });
    log(`labels: labeller test accuracy ${(accuracy.test * 100).toFixed(2)}%, soft-label argmax agrees with the true label on ${(statistics.agreement * 100).toFixed(2)}%; wrote ${file}`);
    return { file, reused: false, header, distributions, report: { dir: dirname(file), files, accuracy, statistics, parameters: model.parameters, trainedOn: rows.train.count, labellingImagesPerSecond } };
  } finally {
    model.dispose();
  }
}

/** The labeller of the classical-soft control for a config: a dense network sized like its quantum labeller. */
export function classicalLabeller(labeller: LabellerConfig): LabellerConfig {
  return { ...labeller, kind: "classical", matches: labeller.kind === "paper" ? "paper" : labeller.kind === "classical" ? labeller.matches : "born" };
}

export type SoftSource = "file" | "quantum" | "classical";

/**
 * Stage 2's soft targets, [train split count × K] indexed by the sample's index in the
 * dataset's training split: from labels.file (checked against the dataset), or from
 * stage 1 (the configured labeller, or the classical control), reused when cached.
 */
export async function softTargetsFor(config: ExperimentConfig, source: SoftSource, log: (line: string) => void): Promise<{ distributions: Float32Array; file: string; header: LabelsHeader }> {
  if (source === "file") {
    const path = config.labels.file;
    if (path === undefined) throw new UsageError("labels.file: labels.mode soft needs a labels file (written by qhybrid label-refine)");
    const { identity } = await loadSplits(config);
    const file = readLabelsFile(path);
    checkLabelsFile(path, file, identity);
    log(`labels: soft targets from ${path} (${file.header.labeller.kind ?? "?"} labeller, config hash ${file.header.configHash})`);
    return { distributions: file.distributions, file: path, header: file.header };
  }
  const labeller = source === "classical" ? classicalLabeller(config.labels.labeller) : config.labels.labeller;
  const result = await refineLabels({ config, labeller, file: source === "quantum" ? config.labels.file : undefined, reuse: true, log });
  return { distributions: result.distributions, file: result.file, header: result.header };
}

export interface LabelRefineOptions {
  configPath: string;
  sets?: string[];
  limit?: number;
  backend?: BackendChoice;
  /** Labels file to write; default labels.file, else under output.dir. */
  out?: string;
  /** Run the classical-soft control labeller instead of the configured one. */
  classical?: boolean;
  log: (line: string) => void;
}

/** `qhybrid label-refine` as a library call: resolve the config, select the backend, run stage 1. */
export async function labelRefine(options: LabelRefineOptions): Promise<RefineResult & { backend: string }> {
  const sets = [...(options.sets ?? [])];
  if (options.limit !== undefined) sets.push(`data.limit=${options.limit}`);
  const { config } = loadExperimentConfig(options.configPath, sets);
  const backend = await selectBackend(options.backend ?? config.backend);
  const labeller = options.classical ? classicalLabeller(config.labels.labeller) : config.labels.labeller;
  const file = options.out ?? (options.classical ? undefined : config.labels.file);
  const result = await refineLabels({ config, labeller, file, reuse: false, log: options.log });
  return { ...result, backend: backend.name };
}
