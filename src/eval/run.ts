// SPDX-License-Identifier: MIT
/**
 * @module eval/run
 * Evaluation of a trained run: rebuild its model from the run's resolved config, load a
 * checkpoint (latest or best), evaluate on the chosen split — clean, calibration,
 * temperature scaling fitted on the run's own validation split, and the perturbations of
 * the config's `eval:` part (or the command line's) — and write eval.json, report.md and
 * the plots into <run>/eval/. `qhybrid train` calls evaluateTrainedModel at its end with
 * the model still in memory; `qhybrid eval` calls evaluateRun.
 */
import type * as tf from "@tensorflow/tfjs";
import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { selectBackend } from "../backend/select.js";
import type { BackendChoice } from "../backend/schema.js";
import { loadExperimentConfig } from "../config/load.js";
import type { ExperimentConfig } from "../config/schema.js";
import { UsageError } from "../errors.js";
import { hasQuantumLayer } from "../models/schema.js";
import { buildModel } from "../models/build.js";
import { writeEvaluationReport, type ReportFiles } from "../report/write.js";
import { RunDirectory, RUN_FILES } from "../run/run-directory.js";
import { loadCheckpoint, restoreWeights } from "../train/checkpoint.js";
import { prepareBatches, prepareTrainingData, type ImageSet, type TrainingData } from "../train/data.js";
import { evaluateModel, type EvaluationProgress, type EvaluationResult } from "./evaluate.js";
import type { EvalConfig } from "./schema.js";

export const EVAL_FOLDER = "eval";

export interface TrainedModelEvaluation {
  model: tf.LayersModel;
  data: TrainingData;
  evaluation: EvalConfig;
  seed: number;
  run: RunDirectory;
  title: string;
  source: string;
  onProgress?: (progress: EvaluationProgress) => void;
}

function splitOf(data: TrainingData, split: EvalConfig["split"]): ImageSet {
  if (split === "validation" && data.validation.count === 0) throw new UsageError("eval.split: validation, but data.validationFraction is 0: there is no validation split");
  return split === "test" ? data.test : split === "validation" ? data.validation : data.train;
}

export async function evaluateTrainedModel(options: TrainedModelEvaluation): Promise<{ result: EvaluationResult; files: ReportFiles }> {
  const { model, data, evaluation } = options;
  const set = splitOf(data, evaluation.split);
  const useValidation = evaluation.temperatureScaling && evaluation.split !== "validation" && data.validation.count > 0;
  const result = await evaluateModel({
    predict: (images) => model.apply(images, { training: false }) as tf.Tensor2D,
    images: set.images,
    labels: set.labels,
    imageShape: data.imageShape,
    classNames: data.classNames,
    batchSize: evaluation.batchSize,
    bins: evaluation.bins,
    seed: options.seed === 0 ? 1 : options.seed,
    validation: useValidation ? { images: data.validation.images, labels: data.validation.labels } : undefined,
    perturbations: {
      noise: evaluation.noise,
      rotate: evaluation.rotate,
      fgsm: evaluation.fgsm,
      pgd: evaluation.pgd,
      corrupt: evaluation.corrupt,
    },
    onProgress: options.onProgress,
  });
  const files = await writeEvaluationReport(options.run.file(EVAL_FOLDER), result, {
    title: options.title,
    source: options.source,
    trainingHistory: options.run.readMetrics(),
  });
  return { result, files };
}

export interface RunEvaluationOptions {
  /** A run directory, or one of its checkpoint folders (checkpoints/best, checkpoints/epoch-0003). */
  target: string;
  /** `eval:` keys to override, e.g. from --noise / --fgsm flags. */
  evaluation?: Partial<EvalConfig>;
  checkpoint?: "latest" | "best";
  backend?: BackendChoice;
  onProgress?: (progress: EvaluationProgress) => void;
}

/** Finds the run and the checkpoint folder a target names. */
function resolveTarget(target: string, checkpoint: "latest" | "best"): { run: RunDirectory; folder: "latest" | "best" | string } {
  if (existsSync(join(target, "model.json"))) {
    const checkpoints = dirname(target);
    if (basename(checkpoints) !== RUN_FILES.checkpoints) throw new UsageError(`${target}: a checkpoint must sit in a run's ${RUN_FILES.checkpoints}/ folder`);
    return { run: RunDirectory.open(dirname(checkpoints)), folder: target };
  }
  if (!existsSync(target)) throw new UsageError(`${target}: no such run directory or checkpoint`);
  return { run: RunDirectory.open(target), folder: checkpoint };
}

export async function evaluateRun(options: RunEvaluationOptions): Promise<{ result: EvaluationResult; files: ReportFiles; run: RunDirectory }> {
  const { run, folder } = resolveTarget(options.target, options.checkpoint ?? "latest");
  const loaded = loadExperimentConfig(run.file(RUN_FILES.config));
  const config: ExperimentConfig = { ...loaded.config, eval: { ...loaded.config.eval, ...options.evaluation } };
  const backend = await selectBackend(options.backend ?? config.backend);
  const checkpoint = loadCheckpoint(run.checkpointsPath, folder);
  const { data } = prepareBatches(await prepareTrainingData(config.data, config.seed), config.data);
  const quantumModel = hasQuantumLayer(config.model);
  const quantum = quantumModel ? (await import("../quantum/model-parts.js")).quantumPartsFor(config) : undefined;
  const built = buildModel(config.model, { classes: data.classNames.length, imageShape: data.imageShape, seed: config.seed, normalize: config.data.normalize, quantum });
  restoreWeights(built.model, checkpoint.weights, checkpoint.folder);
  const { result, files } = await evaluateTrainedModel({
    model: built.model,
    data,
    evaluation: config.eval,
    seed: config.seed,
    run,
    title: `${config.name}${config.model.control ? " (control)" : ""}`,
    source: `Checkpoint ${checkpoint.folder} (epoch ${checkpoint.state.epoch}), ${config.eval.split} split, backend ${backend.name}`,
    onProgress: options.onProgress,
  });
  built.model.dispose();
  return { result, files, run };
}
