// SPDX-License-Identifier: MIT
/**
 * @module train/optimizers
 * Adam, AdamW and SGD with momentum, written here rather than taken from tfjs so that
 * their state (moments, step count) goes into checkpoints and `--resume` continues to the
 * bit, and so that AdamW's decoupled weight decay (Loshchilov & Hutter 2019: w ← w − η·λ·w,
 * apart from the adaptive step) exists at all; tfjs has no AdamW. Adam and SGD apply weight
 * decay as an L2 term added to the gradient, as PyTorch's `weight_decay` does.
 */
import * as tf from "@tensorflow/tfjs";

export interface OptimizerSettings {
  name: "adam" | "adamw" | "sgd";
  weightDecay: number;
  momentum: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

export class Optimizer {
  private step = 0;
  /**
   * Per variable position in the list given to apply() (names are not stable: tfjs
   * uniquifies them per process): first moment (Adam) or velocity (SGD), second moment.
   */
  private readonly first = new Map<string, tf.Variable>();
  private readonly second = new Map<string, tf.Variable>();

  constructor(readonly settings: OptimizerSettings) {}

  get steps(): number {
    return this.step;
  }

  /** One update of `variables` with their `gradients` at this learning rate. */
  apply(variables: tf.Variable[], gradients: tf.Tensor[], learningRate: number): void {
    this.step++;
    const { name, weightDecay, momentum } = this.settings;
    const correction1 = 1 - BETA1 ** this.step;
    const correction2 = 1 - BETA2 ** this.step;
    tf.tidy(() => {
      variables.forEach((variable, index) => {
        let gradient = gradients[index];
        if (weightDecay > 0 && name !== "adamw") gradient = gradient.add(variable.mul(weightDecay));
        if (name === "sgd") {
          const velocity = this.slot(this.first, index, variable);
          velocity.assign(velocity.mul(momentum).add(gradient));
          variable.assign(variable.sub(velocity.mul(learningRate)));
          return;
        }
        const m = this.slot(this.first, index, variable);
        const v = this.slot(this.second, index, variable);
        m.assign(m.mul(BETA1).add(gradient.mul(1 - BETA1)));
        v.assign(v.mul(BETA2).add(gradient.square().mul(1 - BETA2)));
        const update = m.div(correction1).div(v.div(correction2).sqrt().add(EPSILON)).mul(learningRate);
        let next = variable.sub(update);
        if (name === "adamw" && weightDecay > 0) next = next.sub(variable.mul(learningRate * weightDecay));
        variable.assign(next);
      });
    });
  }

  private slot(slots: Map<string, tf.Variable>, index: number, variable: tf.Variable): tf.Variable {
    let slot = slots.get(String(index));
    if (slot === undefined) {
      slot = tf.keep(tf.variable(tf.zerosLike(variable), false));
      slots.set(String(index), slot);
    }
    return slot;
  }

  /** The state to checkpoint: step count and every slot's values by name. */
  state(): { step: number; slots: { name: string; shape: number[]; values: Float32Array }[] } {
    const slots: { name: string; shape: number[]; values: Float32Array }[] = [];
    for (const [prefix, map] of [["m", this.first], ["v", this.second]] as const) {
      for (const [name, variable] of map) slots.push({ name: `${prefix}:${name}`, shape: variable.shape, values: variable.dataSync() as Float32Array });
    }
    return { step: this.step, slots };
  }

  restore(state: ReturnType<Optimizer["state"]>): void {
    this.dispose();
    this.step = state.step;
    for (const slot of state.slots) {
      const separator = slot.name.indexOf(":");
      const map = slot.name.slice(0, separator) === "m" ? this.first : this.second;
      map.set(slot.name.slice(separator + 1), tf.variable(tf.tensor(slot.values, slot.shape), false));
    }
  }

  dispose(): void {
    for (const map of [this.first, this.second]) {
      for (const variable of map.values()) variable.dispose();
      map.clear();
    }
  }
}

/** Scales gradients so their global L2 norm is at most maxNorm (PyTorch's clip_grad_norm_). */
export function clipByGlobalNorm(gradients: tf.Tensor[], maxNorm: number): tf.Tensor[] {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(gradients.map((gradient) => tf.sum(tf.square(gradient)))));
    const scale = tf.minimum(tf.scalar(1), tf.scalar(maxNorm).div(norm.add(1e-6)));
    return gradients.map((gradient) => gradient.mul(scale));
  });
}
