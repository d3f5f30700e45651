// SPDX-License-Identifier: MIT
/**
 * @module models/layers/seeded-dropout
 * Dropout whose mask is reproducible yet different at every training step. tfjs's own
 * Dropout either draws from Math.random (not repeatable) or, given a seed, draws the same
 * mask at every call. Here the trainer sets the step before each batch and the mask's seed
 * is derived from (layer seed, step), so a resumed run draws exactly the masks an
 * uninterrupted run would.
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed } from "../../random.js";

export interface SeededDropoutArgs {
  rate: number;
  seed: number;
  name?: string;
}

let currentStep = 0;

/** Called by the trainer before each training step. */
export function setDropoutStep(step: number): void {
  currentStep = step;
}

export class SeededDropout extends tf.layers.Layer {
  static readonly className = "QhybridSeededDropout";
  private readonly rate: number;
  private readonly seed: number;

  constructor(args: SeededDropoutArgs) {
    super({ name: args.name });
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x;
    return tf.tidy(() => {
      const keep = 1 - this.rate;
      const mask = tf.randomUniform(x.shape, 0, 1, "float32", deriveSeed(this.seed, `step:${currentStep}`)).less(keep);
      return x.mul(mask.cast("float32")).div(keep);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}
tf.serialization.registerClass(SeededDropout);
