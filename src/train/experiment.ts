// SPDX-License-Identifier: MIT
/**
 * @module train/experiment
 * `qhybrid train` as a library call: resolve the config, check the dataset and backend
 * before any long work, then train the model (and, with --with-control, its matched
 * classical control with the same backbone, optimiser, schedule, epochs, seed and data
 * order) each in its own run directory, evaluate on the test split, and write
 * summary.json and report.md. Labels: labels.mode soft trains on a labels file, qplr runs
 * QPLR stage 1 first (src/labels); --compare trains the same classifier once per label
 * kind, each in its own run directory, and writes one comparison of them.
 */
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import os from "node:os";
import { selectBackend } from "../backend/select.js";
import type { BackendChoice } from "../backend/schema.js";
import { configHash } from "../config/hash.js";
import { DEFAULT_CONFIG_PATH, formatResolvedConfig, loadExperimentConfig, type LoadedConfig } from "../config/load.js";
import type { ExperimentConfig } from "../config/schema.js";
import { UsageError } from "../errors.js";
import { hasQuantumLayer } from "../models/schema.js";
import { buildModel, type BuiltModel } from "../models/build.js";
import { loadPretrainedWeights } from "../models/pretrained.js";
import { RunDirectory, RUN_FILES } from "../run/run-directory.js";
import { prepareBatches, prepareTrainingData, type TrainingData } from "./data.js";
import type { ProgressReporter } from "./progress.js";
import { writeTrainingReport } from "./report.js";
import { trainLoop, type EpochMetrics } from "./trainer.js";
import { evaluateTrainedModel } from "../eval/run.js";
import type { EvaluationResult } from "../eval/evaluate.js";
import { join } from "node:path";
import { comparisonKinds, targetsFor, type LabelKind } from "../labels/targets.js";
import { writeComparisonReport, type ComparedRun } from "../report/compare.js";
import { newRunId } from "../run/run-directory.js";

export interface TrainOptions {
  /** Experiment config; the main job (configs/mnist-hybrid.yaml) when absent. */
  configPath?: string;
  sets?: string[];
  backend?: BackendChoice;
  epochs?: number;
  limit?: number;
  /** Continue this run directory from its latest checkpoint. */
  resume?: string;
  /** Also train the matched classical control. */
  withControl?: boolean;
  /** Train the same classifier on each of these label kinds (and the config's own) and compare them. */
  compare?: LabelKind[];
  progress: ProgressReporter;
}

export interface RunSummary {
  experiment: string;
  runId: string;
  runDirectory: string;
  variant: "model" | "control";
  /** The label kind the run trained on. */
  labels: LabelKind;
  model: { kind: string; control: boolean; parameters: BuiltModel["parameters"] };
  dataset: { name: string; train: number; validation: number; test: number; classes: number };
  backend: string;
  seed: number;
  configHash: string;
  epochs: number;
  stoppedEarly: boolean;
  bestEpoch: number;
  bestValidationAccuracy: number | null;
  /** On eval.split (the test split by default), from the last checkpoint. */
  test: { split: string; accuracy: number; top5: number | null; nll: number; ece: number; checkpoint: "last" };
  secondsPerEpoch: number;
  samplesPerSecond: number;
  finishedAt: string;
}

/** Environment facts saved beside every run. */
function environment(backend: string, variant: string, labels: LabelKind): Record<string, unknown> {
  return {
    variant,
    labels,
    backend,
    tfjs: tf.version.tfjs,
    node: process.versions.node,
    platform: `${os.platform()}-${os.arch()}`,
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model,
    startedAt: new Date().toISOString(),
    argv: process.argv.slice(2),
  };
}

function resolveConfig(options: TrainOptions): { loaded: LoadedConfig; resumeVariant?: "model" | "control" } {
  if (options.resume !== undefined) {
    if (options.configPath !== undefined) throw new UsageError("--resume continues a run with its saved config: give the run directory without a config file");
    if (options.limit !== undefined) throw new UsageError("--resume keeps the run's data: --limit cannot change it");
    const run = RunDirectory.open(options.resume);
    // --epochs may extend a finished run; other --set overrides would silently change it midway.
    if ((options.sets ?? []).length > 0) throw new UsageError("--resume continues the run's saved config: --set cannot change it (use --epochs to train longer)");
    const loaded = loadExperimentConfig(run.file(RUN_FILES.config), options.epochs !== undefined ? [`training.epochs=${options.epochs}`] : []);
    const trainedOn = readTrainedLabels(run);
    if (trainedOn !== undefined && trainedOn !== loaded.config.labels.mode) {
      // A --compare run trained on a label kind its saved config does not name.
      throw new UsageError(`${options.resume}: this run trained on ${trainedOn} labels (from --compare), which its config.yaml does not describe; --resume cannot continue it`);
    }
    if (options.epochs !== undefined) run.writeText(RUN_FILES.config, formatResolvedConfig(loaded));
    return { loaded, resumeVariant: loaded.config.model.control ? "control" : "model" };
  }
  const sets = [...(options.sets ?? [])];
  if (options.epochs !== undefined) sets.push(`training.epochs=${options.epochs}`);
  if (options.limit !== undefined) sets.push(`data.limit=${options.limit}`);
  return { loaded: loadExperimentConfig(options.configPath ?? DEFAULT_CONFIG_PATH, sets) };
}

function readTrainedLabels(run: RunDirectory): string | undefined {
  try {
    return (JSON.parse(readFileSync(run.file(RUN_FILES.environment), "utf8")) as { labels?: string }).labels;
  } catch {
    return undefined;
  }
}

export async function trainExperiment(options: TrainOptions): Promise<RunSummary[]> {
  const { loaded, resumeVariant } = resolveConfig(options);
  const config = loaded.config;
  const quantumModel = hasQuantumLayer(config.model);
  const withControl = options.withControl === true || config.model.withControl;
  if (options.withControl && !quantumModel) {
    throw new UsageError(`--with-control: model.kind ${config.model.kind}${config.model.kind === "resnet" ? " with a classical head" : ""} has no quantum layer to replace`);
  }
  if (options.compare !== undefined && (withControl || options.resume !== undefined)) {
    throw new UsageError(`--compare trains one model per label kind: it cannot be combined with ${options.resume !== undefined ? "--resume" : "--with-control"}`);
  }
  const backend = await selectBackend(options.backend ?? config.backend);
  const { data, batches } = prepareBatches(await prepareTrainingData(config.data, config.seed), config.data);
  // Loaded only when needed: classical runs never pay for the simulator's start-up.
  const quantum = quantumModel ? (await import("../quantum/model-parts.js")).quantumPartsFor(config) : undefined;

  // Run directories are made when their model starts, so a failure leaves no empty run behind.
  const variants: { control: boolean; open: () => RunDirectory; resume: boolean; labels: LabelKind }[] = [];
  const labels = config.labels.mode;
  if (options.compare !== undefined) {
    for (const kind of comparisonKinds(config, options.compare)) {
      variants.push({ control: config.model.control, open: () => RunDirectory.create(config.output.dir, `${config.name}-${kind}`), resume: false, labels: kind });
    }
  } else if (options.resume !== undefined) {
    const run = RunDirectory.open(options.resume);
    variants.push({ control: resumeVariant === "control", open: () => run, resume: true, labels });
  } else {
    if (!config.model.control) variants.push({ control: false, open: () => RunDirectory.create(config.output.dir, config.name), resume: false, labels });
    if (config.model.control || withControl) {
      variants.push({ control: true, open: () => RunDirectory.create(config.output.dir, `${config.name}-control`), resume: false, labels });
    }
  }

  const summaries: RunSummary[] = [];
  const compared: ComparedRun[] = [];
  for (const plan of variants) {
    // Stage 1 (when the labels need it) runs before the run directory exists.
    const targets = await targetsFor(config, plan.labels, (line) => options.progress.message(line));
    const variant = { ...plan, run: plan.open() };
    const variantConfig: ExperimentConfig = { ...config, model: { ...config.model, control: variant.control } };
    const label = options.compare !== undefined ? `${config.name} (${plan.labels})` : variant.control ? `${config.name} (control)` : config.name;
    if (!variant.resume) {
      variant.run.writeText(RUN_FILES.config, formatResolvedConfig({ ...loaded, config: variantConfig }));
      variant.run.writeJson(RUN_FILES.environment, environment(backend.name, variant.control ? "control" : "model", plan.labels));
    }
    const built = buildModel(variantConfig.model, {
      classes: data.classNames.length,
      imageShape: data.imageShape,
      seed: config.seed,
      normalize: config.data.normalize,
      quantum,
    });
    if (config.model.weights !== undefined && !variant.resume) {
      const { copied, total } = loadPretrainedWeights(built.model, config.model.weights);
      options.progress.message(`${label}: initialised ${copied} of ${total} weight tensors from ${config.model.weights}`);
    }
    options.progress.message(
      `${label}: ${built.model.name}, ${built.parameters.total} parameters (${built.parameters.classical} classical, ${built.parameters.quantum} quantum), ` +
        `${data.train.count} training / ${data.validation.count} validation / ${data.test.count} test images of ${data.name}, backend ${backend.name}, run ${variant.run.path}`,
    );
    const result = await trainLoop({
      label,
      model: built.model,
      train: data.train,
      validation: data.validation,
      imageShape: data.imageShape,
      classes: data.classNames.length,
      training: config.training,
      targets,
      seed: config.seed,
      run: variant.run,
      keepAllCheckpoints: config.output.keepAllCheckpoints,
      progress: options.progress,
      batches,
      resume: variant.resume,
    });
    options.progress.message(`${label}: evaluating on the ${config.eval.split} split${describePerturbations(config)}`);
    const evaluation = await evaluateTrainedModel({
      model: built.model,
      data,
      evaluation: config.eval,
      seed: config.seed,
      run: variant.run,
      title: label,
      source: `Last checkpoint (epoch ${result.state.epoch}) of run ${variant.run.id}, ${config.eval.split} split, backend ${backend.name}`,
    });
    const summary = summarize(variantConfig, variant, built, data, backend.name, result.epochs, result, evaluation.result);
    compared.push({ name: plan.labels, result: evaluation.result });
    variant.run.writeJson(RUN_FILES.summary, summary);
    writeTrainingReport(variant.run, summary, result.epochs, evaluation.result);
    options.progress.message(`${label}: ${config.eval.split} accuracy ${(summary.test.accuracy * 100).toFixed(2)}% (${evaluation.result.count} images); results in ${variant.run.path}`);
    summaries.push(summary);
    built.model.dispose();
  }
  if (options.compare !== undefined) {
    const dir = join(config.output.dir, `${config.name}-compare`, newRunId());
    const files = await writeComparisonReport(dir, compared, { title: `${config.name}: label kinds compared (same classifier, seed ${config.seed}, ${config.training.epochs} epochs)` });
    options.progress.message(`comparison of ${compared.map((run) => run.name).join(", ")}: ${files.markdown}`);
  }
  return summaries;
}

function describePerturbations(config: ExperimentConfig): string {
  const parts = [
    config.eval.noise.length > 0 ? `noise σ ${config.eval.noise.join(", ")}` : "",
    config.eval.rotate.length > 0 ? `rotations ${config.eval.rotate.join(", ")}°` : "",
    config.eval.fgsm.length > 0 ? `FGSM ε ${config.eval.fgsm.join(", ")}` : "",
    config.eval.pgd ? `PGD ε ${config.eval.pgd.epsilon}` : "",
    config.eval.corrupt.length > 0 ? `${config.eval.corrupt.length} corruptions` : "",
  ].filter(Boolean);
  return parts.length > 0 ? `, and under ${parts.join("; ")}` : "";
}

function summarize(
  config: ExperimentConfig,
  variant: { control: boolean; run: RunDirectory; labels: LabelKind },
  built: BuiltModel,
  data: TrainingData,
  backend: string,
  epochs: EpochMetrics[],
  result: { state: { bestEpoch: number; bestValidationAccuracy: number }; stoppedEarly: boolean },
  evaluation: EvaluationResult,
): RunSummary {
  const classes = data.classNames.length;
  const seconds = epochs.reduce((sum, epoch) => sum + epoch.seconds, 0);
  const samples = epochs.reduce((sum, epoch) => sum + epoch.samplesPerSecond * epoch.seconds, 0);
  return {
    experiment: config.name,
    runId: variant.run.id,
    runDirectory: variant.run.path,
    variant: variant.control ? "control" : "model",
    labels: variant.labels,
    model: { kind: config.model.kind, control: variant.control, parameters: built.parameters },
    dataset: { name: data.name, train: data.train.count, validation: data.validation.count, test: data.test.count, classes },
    backend,
    seed: config.seed,
    configHash: configHash(config),
    epochs: epochs.length,
    stoppedEarly: result.stoppedEarly,
    bestEpoch: result.state.bestEpoch,
    bestValidationAccuracy: data.validation.count > 0 ? result.state.bestValidationAccuracy : null,
    test: {
      split: config.eval.split,
      accuracy: evaluation.clean.accuracy,
      top5: classes > 5 ? evaluation.clean.topKAccuracy : null,
      nll: evaluation.clean.nll,
      ece: evaluation.clean.ece,
      checkpoint: "last",
    },
    secondsPerEpoch: epochs.length > 0 ? seconds / epochs.length : 0,
    samplesPerSecond: seconds > 0 ? samples / seconds : 0,
    finishedAt: new Date().toISOString(),
  };
}
