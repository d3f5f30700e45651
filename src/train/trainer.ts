// SPDX-License-Identifier: MIT
/**
 * @module train/trainer
 * The training loop of one model in one run directory: seeded shuffles, per-step learning
 * rate, soft-target cross-entropy, gradient clipping, our optimisers, a validation pass and
 * a checkpoint after every epoch, early stopping, NaN/Inf detection and Ctrl-C handling.
 * Every random draw is a pure function of (seed, epoch, step), so `--resume` from any
 * checkpoint reproduces the uninterrupted run to the bit on the same backend.
 */
import * as tf from "@tensorflow/tfjs";
import { imageBatch } from "../backend/train-step.js";
import { temperatureNll } from "../eval/calibration.js";
import { accuracy, topKAccuracy } from "../eval/metrics.js";
import { UserError, EXIT_INTERRUPTED } from "../errors.js";
import { setDropoutStep } from "../models/layers/seeded-dropout.js";
import { deriveSeed, Random } from "../random.js";
import type { RunDirectory } from "../run/run-directory.js";
import { loadCheckpoint, restoreWeights, saveCheckpoint, type TrainerState } from "./checkpoint.js";
import type { BatchSource, ImageSet } from "./data.js";
import { clipByGlobalNorm, Optimizer } from "./optimizers.js";
import type { ProgressReporter } from "./progress.js";
import { learningRateAt } from "./schedule.js";
import type { TrainingConfig } from "./schema.js";
import { batchTargets, softTargetCrossEntropy, type TargetMode } from "./targets.js";

export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  validationLoss: number | null;
  validationAccuracy: number | null;
  validationTop5: number | null;
  learningRate: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface TrainLoopOptions {
  label: string;
  model: tf.LayersModel;
  train: ImageSet;
  validation: ImageSet;
  imageShape: readonly [number, number, number];
  classes: number;
  training: TrainingConfig;
  targets: TargetMode;
  seed: number;
  run: RunDirectory;
  keepAllCheckpoints: boolean;
  progress: ProgressReporter;
  /** Training batches (augmented when configured) of rows of `train`. */
  batches: BatchSource;
  /** Continue from the run's latest checkpoint. */
  resume: boolean;
}

export interface TrainLoopResult {
  epochs: EpochMetrics[];
  state: TrainerState;
  stoppedEarly: boolean;
}

/** Raised after Ctrl-C, once the state is saved; the CLI exits with 130. */
export class TrainingInterrupted extends UserError {
  constructor(runPath: string) {
    super(`interrupted; the run is saved and continues with: qhybrid train --resume ${runPath}`, EXIT_INTERRUPTED);
  }
}

/**
 * An epoch of class-balanced sampling: as many draws as there are images, each picking a
 * class uniformly and then an image of that class uniformly (with replacement), so rare
 * classes are seen as often as common ones.
 */
export function classBalancedOrder(labels: Int32Array, classes: number, random: Random): Int32Array {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  labels.forEach((label, index) => byClass[label].push(index));
  const present = byClass.filter((members) => members.length > 0);
  const order = new Int32Array(labels.length);
  for (let draw = 0; draw < order.length; draw++) {
    const members = present[random.integer(present.length)];
    order[draw] = members[random.integer(members.length)];
  }
  return order;
}

/** Logits of a whole image set, in batches, in evaluation mode. */
export function predictLogits(model: tf.LayersModel, set: ImageSet, shape: readonly [number, number, number], batchSize: number): Float32Array {
  const classes = model.outputs[0].shape[1] as number;
  const out = new Float32Array(set.count * classes);
  for (let start = 0; start < set.count; start += batchSize) {
    const rows = Int32Array.from({ length: Math.min(batchSize, set.count - start) }, (_, index) => start + index);
    const logits = tf.tidy(() => {
      const x = imageBatch(set.images, rows, shape);
      return model.apply(x, { training: false }) as tf.Tensor2D;
    });
    out.set(logits.dataSync(), start * classes);
    logits.dispose();
  }
  return out;
}

/** Mean cross-entropy, top-1 and top-5 accuracy of logits against labels (the evaluator's definitions). */
export function summarizeLogits(logits: Float32Array, labels: Int32Array, classes: number): { loss: number; accuracy: number; top5: number } {
  return {
    loss: temperatureNll(logits, labels, 1),
    accuracy: accuracy(logits, labels, classes),
    top5: topKAccuracy(logits, labels, Math.min(5, classes), classes),
  };
}

/**
 * One optimisation step: forward in training mode, soft-target cross-entropy, gradients of
 * the trainable weights, optional global-norm clipping, the optimiser's update (skipped when
 * the loss is not finite, so the weights stay at their last good values). Returns the loss
 * and the number of correct top-1 predictions; leaves no tensors behind.
 */
export function createTrainingStep(
  model: tf.LayersModel,
  optimizer: Optimizer,
  gradientClip: number | undefined,
): (x: tf.Tensor4D, targets: tf.Tensor2D, labels: Int32Array, learningRate: number) => { loss: number; correct: number } {
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  return (x, targets, labels, learningRate) => {
    let correct: tf.Scalar | undefined;
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const logits = model.apply(x, { training: true }) as tf.Tensor2D;
        correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(labels, "int32")), "float32")));
        return softTargetCrossEntropy(logits, targets);
      }, variables);
      let gradients = variables.map((variable) => grads[variable.name]);
      if (gradientClip !== undefined) gradients = clipByGlobalNorm(gradients, gradientClip);
      const lossValue = value.dataSync()[0];
      if (Number.isFinite(lossValue)) optimizer.apply(variables, gradients, learningRate);
      return lossValue;
    });
    const count = correct!.dataSync()[0];
    correct!.dispose();
    return { loss, correct: count };
  };
}

export async function trainLoop(options: TrainLoopOptions): Promise<TrainLoopResult> {
  const { model, train, training, run, progress, imageShape, classes } = options;
  const optimizer = new Optimizer(training.optimizer);
  let state: TrainerState = { epoch: 0, globalStep: 0, bestValidationAccuracy: -1, bestEpoch: 0, epochsWithoutImprovement: 0 };
  let history: EpochMetrics[] = [];
  if (options.resume) {
    const checkpoint = loadCheckpoint(run.checkpointsPath);
    restoreWeights(model, checkpoint.weights, checkpoint.folder);
    tf.dispose(checkpoint.weights);
    optimizer.restore(checkpoint.optimizerState);
    state = checkpoint.state;
    history = run.readMetrics().slice(0, state.epoch) as unknown as EpochMetrics[];
    run.writeMetrics(history as unknown as Record<string, unknown>[]);
    progress.message(`${options.label}: resuming after epoch ${state.epoch} (step ${state.globalStep})`);
  }

  let interrupted = false;
  const onInterrupt = (): void => {
    if (interrupted) process.exit(EXIT_INTERRUPTED); // a second Ctrl-C: leave at once
    interrupted = true;
    progress.message("interrupt: saving after this step; press Ctrl-C again to quit without saving");
  };
  process.on("SIGINT", onInterrupt);
  const trainingStep = createTrainingStep(model, optimizer, training.gradientClip);
  const stepsPerEpoch = Math.ceil(train.count / training.batchSize);
  let stoppedEarly = false;
  try {
    for (let epoch = state.epoch; epoch < training.epochs; epoch++) {
      const random = new Random(deriveSeed(options.seed, `shuffle:${epoch}`));
      const order = training.classBalanced ? classBalancedOrder(train.labels, classes, random) : random.permutation(train.count);
      progress.startEpoch(options.label, epoch + 1, training.epochs, stepsPerEpoch);
      const partial = state.partialEpoch;
      state.partialEpoch = undefined;
      const started = performance.now() - (partial?.seconds ?? 0) * 1000;
      let lossSum = partial?.lossSum ?? 0;
      let correct = partial?.correct ?? 0;
      let seen = partial?.seen ?? 0;
      let learningRate = training.optimizer.learningRate;
      for (let step = partial?.steps ?? 0; step < stepsPerEpoch; step++) {
        const rows = order.subarray(step * training.batchSize, Math.min(train.count, (step + 1) * training.batchSize));
        const labels = Int32Array.from(rows, (row) => train.labels[row]);
        const sourceIndices = Int32Array.from(rows, (row) => train.sourceIndices[row]);
        learningRate = learningRateAt(training, epoch, step, stepsPerEpoch);
        setDropoutStep(state.globalStep);
        const x = options.batches.trainingBatch(rows, deriveSeed(options.seed, `augment:${epoch}:${step}`));
        const y = tf.tensor2d(batchTargets(labels, sourceIndices, classes, options.targets), [rows.length, classes]);
        const { loss, correct: batchCorrect } = trainingStep(x, y, labels, learningRate);
        tf.dispose([x, y]);
        if (!Number.isFinite(loss)) {
          throw new UserError(
            `${options.label}: the loss became ${loss} at epoch ${epoch + 1}, step ${step + 1} (learning rate ${learningRate.toExponential(2)}); ` +
              `the run stopped and its last good checkpoint is kept in ${run.checkpointsPath}; lower training.optimizer.learningRate or set training.gradientClip`,
          );
        }
        state.globalStep++;
        lossSum += loss * rows.length;
        correct += batchCorrect;
        seen += rows.length;
        const elapsed = (performance.now() - started) / 1000;
        progress.step(step + 1, { loss: lossSum / seen, accuracy: correct / seen, samplesPerSecond: seen / elapsed });
        // A step is synchronous on the CPU backends: yield so Ctrl-C and the progress bar's timer get a turn.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (interrupted && step + 1 < stepsPerEpoch) {
          state.partialEpoch = { steps: step + 1, lossSum, correct, seen, seconds: elapsed };
          await saveCheckpoint(run.checkpointsPath, model, optimizer, state, { isBest: false, keepAll: true });
          throw new TrainingInterrupted(run.path);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      let validation = { loss: Number.NaN, accuracy: Number.NaN, top5: Number.NaN };
      if (options.validation.count > 0) {
        validation = summarizeLogits(predictLogits(model, options.validation, imageShape, Math.max(training.batchSize, 256)), options.validation.labels, classes);
      }
      const metrics: EpochMetrics = {
        epoch: epoch + 1,
        loss: lossSum / seen,
        accuracy: correct / seen,
        validationLoss: options.validation.count > 0 ? validation.loss : null,
        validationAccuracy: options.validation.count > 0 ? validation.accuracy : null,
        validationTop5: options.validation.count > 0 && classes > 5 ? validation.top5 : null,
        learningRate,
        seconds,
        samplesPerSecond: seen / seconds,
      };
      history.push(metrics);
      run.appendMetrics(metrics as unknown as Record<string, unknown>);
      const score = options.validation.count > 0 ? validation.accuracy : metrics.accuracy;
      const isBest = score > state.bestValidationAccuracy;
      state = {
        epoch: epoch + 1,
        globalStep: state.globalStep,
        bestValidationAccuracy: isBest ? score : state.bestValidationAccuracy,
        bestEpoch: isBest ? epoch + 1 : state.bestEpoch,
        epochsWithoutImprovement: isBest ? 0 : state.epochsWithoutImprovement + 1,
      };
      await saveCheckpoint(run.checkpointsPath, model, optimizer, state, { isBest, keepAll: options.keepAllCheckpoints });
      progress.endEpoch(
        `${options.label} epoch ${epoch + 1}/${training.epochs}: loss ${metrics.loss.toFixed(4)}, accuracy ${metrics.accuracy.toFixed(4)}` +
          (metrics.validationAccuracy !== null ? `, validation accuracy ${metrics.validationAccuracy.toFixed(4)}` : "") +
          `, ${seconds.toFixed(1)} s, ${Math.round(metrics.samplesPerSecond)} samples/s`,
      );
      if (interrupted) throw new TrainingInterrupted(run.path);
      if (training.earlyStoppingPatience !== undefined && state.epochsWithoutImprovement >= training.earlyStoppingPatience) {
        progress.message(`${options.label}: early stop after epoch ${epoch + 1}: validation accuracy has not improved for ${state.epochsWithoutImprovement} epochs`);
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    process.off("SIGINT", onInterrupt);
    optimizer.dispose();
  }
  return { epochs: history, state, stoppedEarly };
}
