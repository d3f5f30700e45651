// SPDX-License-Identifier: MIT
/**
 * @module train/schedule
 * The learning rate at a given point of training: optional linear warm-up over the first
 * epochs, then constant, step decay (× gamma every stepEpochs) or cosine annealing to zero
 * at the last step (Loshchilov & Hutter 2017, without restarts). Evaluated per step.
 */
import type { TrainingConfig } from "./schema.js";

export function learningRateAt(training: TrainingConfig, epoch: number, stepInEpoch: number, stepsPerEpoch: number): number {
  const base = training.optimizer.learningRate;
  const { kind, warmupEpochs, stepEpochs, gamma } = training.schedule;
  const progress = epoch + stepInEpoch / stepsPerEpoch; // epochs done, fractional
  if (warmupEpochs > 0 && progress < warmupEpochs) return (base * (progress + 1 / stepsPerEpoch)) / warmupEpochs;
  switch (kind) {
    case "constant":
      return base;
    case "step":
      return base * gamma ** Math.floor(epoch / stepEpochs);
    case "cosine": {
      const span = Math.max(training.epochs - warmupEpochs, 1e-9);
      const t = Math.min(Math.max((progress - warmupEpochs) / span, 0), 1);
      return 0.5 * base * (1 + Math.cos(Math.PI * t));
    }
  }
}
