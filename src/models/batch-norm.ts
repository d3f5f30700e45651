// SPDX-License-Identifier: MIT
/**
 * @module models/batch-norm
 * The batch normalisation layer every model we build uses, and its settings.
 */
import * as tf from "@tensorflow/tfjs";

/**
 * Moving-statistics momentum of every batch normalisation, in Keras terms
 * (moving ← m·moving + (1 − m)·batch): 0.9, PyTorch's default (its momentum 0.1) and what the
 * seeds used. Keras's 0.99 leaves the moving statistics near their initial values after a
 * few hundred steps, which ruins evaluation of short runs.
 */
export const BATCH_NORM_MOMENTUM = 0.9;

/**
 * Batch normalisation (Ioffe & Szegedy 2015) over every axis but the last, as one op with
 * its closed-form gradient built from broadcasting ops. tfjs's own layer computes its
 * gradient with tf.tile of the batch statistics to the input's full shape (tfjs-core
 * gradients/FusedBatchNorm_grad.ts), which was a third of a hybrid training step on wasm. Weights, names and the moving-average rule match tfjs's
 * BatchNormalization (gamma, beta, moving_mean, moving_variance; ε = 1e-3), so checkpoints
 * in the tfjs layers format keep their meaning; the moving variance averages the unbiased
 * batch variance, as torch.nn.BatchNorm2d (the seeds' framework) does.
 */

export interface BatchNormArgs {
  name?: string;
  momentum?: number;
  epsilon?: number;
}

export class BatchNorm extends tf.layers.Layer {
  static readonly className = "QhybridBatchNorm";
  private readonly momentum: number;
  private readonly epsilon: number;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;
  private movingMean!: tf.LayerVariable;
  private movingVariance!: tf.LayerVariable;

  constructor(args: BatchNormArgs = {}) {
    super({ name: args.name });
    this.momentum = args.momentum ?? BATCH_NORM_MOMENTUM;
    this.epsilon = args.epsilon ?? 1e-3;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1] as number;
    this.gamma = this.addWeight("gamma", [channels], "float32", tf.initializers.ones());
    this.beta = this.addWeight("beta", [channels], "float32", tf.initializers.zeros());
    this.movingMean = this.addWeight("moving_mean", [channels], "float32", tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight("moving_variance", [channels], "float32", tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.tidy(() => {
      const gamma = this.gamma.read();
      const beta = this.beta.read();
      if (!kwargs.training) {
        const scale = gamma.mul(tf.rsqrt(this.movingVariance.read().add(this.epsilon)));
        return x.mul(scale).add(beta.sub(this.movingMean.read().mul(scale)));
      }
      const axes = Array.from({ length: x.rank - 1 }, (_, axis) => axis);
      const count = x.size / (x.shape[x.rank - 1] as number);
      let mean: tf.Tensor | undefined;
      let variance: tf.Tensor | undefined;
      // One op with the closed-form gradient (Ioffe & Szegedy 2015, §3):
      // dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)), dγ = Σ dy·x̂, dβ = Σ dy.
      // Autodiff through the moments takes about twice as many kernels.
      const normalize = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
        const [input, scale, shift] = args as tf.Tensor[];
        const save = args[3] as tf.GradSaveFunc;
        const moments = tf.moments(input, axes);
        mean = tf.keep(moments.mean);
        variance = tf.keep(moments.variance);
        const inverse = tf.rsqrt(moments.variance.add(this.epsilon));
        const normalized = input.sub(moments.mean).mul(inverse);
        save([normalized, inverse, scale]);
        return {
          value: normalized.mul(scale).add(shift),
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
            const [savedNormalized, savedInverse, savedScale] = saved;
            const dShift = dy.sum(axes);
            const dScale = dy.mul(savedNormalized).sum(axes);
            const dx = dy.sub(dShift.div(count)).sub(savedNormalized.mul(dScale.div(count))).mul(savedScale.mul(savedInverse));
            return [dx, dScale, dShift];
          },
        };
      });
      const output = normalize(x, gamma, beta);
      const m = this.momentum;
      // Moving statistics are state: written here, never part of the differentiated graph.
      const unbiased = variance!.mul(count / Math.max(count - 1, 1));
      this.movingMean.write(this.movingMean.read().mul(m).add(mean!.mul(1 - m)));
      this.movingVariance.write(this.movingVariance.read().mul(m).add(unbiased.mul(1 - m)));
      tf.dispose([mean!, variance!]);
      return output;
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(BatchNorm);
