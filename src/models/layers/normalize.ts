// SPDX-License-Identifier: MIT
/**
 * @module models/layers/normalize
 * Per-channel (x − mean) / std as the model's first layer, so the model takes pixels on
 * the [0, 1] scale and attacks (FGSM, PGD) and noise are applied on that scale, as the
 * field's convention asks (Madry et al.; RobustBench).
 */
import * as tf from "@tensorflow/tfjs";

export interface NormalizeArgs {
  mean: number[];
  std: number[];
  name?: string;
}

export class Normalize extends tf.layers.Layer {
  static readonly className = "QhybridNormalize";
  private readonly mean: number[];
  private readonly std: number[];

  constructor(args: NormalizeArgs) {
    super({ name: args.name });
    this.mean = args.mean;
    this.std = args.std;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => x.sub(tf.tensor1d(this.mean)).div(tf.tensor1d(this.std)));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mean: this.mean, std: this.std };
  }
}
tf.serialization.registerClass(Normalize);
