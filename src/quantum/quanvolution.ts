// SPDX-License-Identifier: MIT
/**
 * @module quantum/quanvolution
 * The quanvolutional layer of Henderson et al. 2019 (and of seed 3, after PennyLane's
 * tutorial): each k×k patch (stride s) is encoded as RY(π·x) on k² qubits, run through a
 * fixed random circuit (RandomLayers with seeded weights), and read out as k² Pauli-Z
 * expectations, which become k² output channels per filter. Colour images are averaged to
 * one grey channel first, as the tutorial and seed 3 did.
 *
 * Patches are extracted with one forward convolution whose k×k×1×k² kernel is one-hot (a
 * fast kernel on every backend, and differentiable, so attacks can go through this layer),
 * and all patches of the batch run through the simulator as one batch: B·H'·W' samples.
 * The filter weights are layer weights (saved in checkpoints), fixed unless `trainable`.
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed } from "../random.js";
import { CircuitBuilder, type Circuit } from "./circuit.js";
import { simulate } from "./simulate.js";

export interface QuanvolutionArgs {
  patch: number;
  stride: number;
  filters: number;
  /** RandomLayers depth of each filter. */
  layers: number;
  seed: number;
  trainable?: boolean;
  name?: string;
}

/** The circuit of filter `index`: RY(π·x_i) on wire i, then RandomLayers seeded per filter. */
export function quanvolutionCircuit(args: Pick<QuanvolutionArgs, "patch" | "layers" | "seed">, index: number): Circuit {
  const qubits = args.patch * args.patch;
  return new CircuitBuilder(qubits, qubits)
    .angleEmbedding({ rotation: "RY", scale: Math.PI })
    .randomLayers({ layers: args.layers, rotationsPerLayer: qubits, seed: deriveSeed(args.seed, `quanvolution:circuit:${index}`) })
    .expval()
    .build();
}

export class QuanvolutionLayer extends tf.layers.Layer {
  static readonly className = "QhybridQuanvolution";
  private readonly args: QuanvolutionArgs;
  private readonly circuits: Circuit[];
  private filterWeights: tf.LayerVariable[] = [];

  constructor(args: QuanvolutionArgs) {
    super({ name: args.name, trainable: args.trainable ?? false });
    this.args = args;
    this.circuits = Array.from({ length: args.filters }, (_, index) => quanvolutionCircuit(args, index));
  }

  override build(): void {
    this.filterWeights = this.circuits.map((circuit, index) =>
      this.addWeight(
        `filter_${index}`,
        [circuit.weightCount],
        "float32",
        tf.initializers.randomUniform({ minval: 0, maxval: 2 * Math.PI, seed: deriveSeed(this.args.seed, `quanvolution:weights:${index}`) }),
        undefined,
        this.args.trainable ?? false,
      ),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const out = (size: number | null): number | null => (size === null ? null : Math.floor((size - this.args.patch) / this.args.stride) + 1);
    return [shape[0], out(shape[1]), out(shape[2]), this.args.filters * this.args.patch ** 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      const { patch, stride } = this.args;
      const qubits = patch * patch;
      const grey = x.shape[3] === 1 ? x : (tf.mean(x, 3, true) as tf.Tensor4D);
      // One-hot kernel: output channel p·k + q copies pixel (p, q) of each patch.
      const kernel = tf.tensor4d(
        Array.from({ length: qubits * qubits }, (_, index) => (Math.floor(index / qubits) === index % qubits ? 1 : 0)),
        [patch, patch, 1, qubits],
      );
      const patches = tf.conv2d(grey, kernel, stride, "valid");
      const [batch, height, width] = patches.shape;
      const flat = patches.reshape([batch * height * width, qubits]) as tf.Tensor2D;
      const outputs = this.circuits.map((circuit, index) => simulate(circuit, flat, this.filterWeights[index].read() as tf.Tensor1D));
      const joined = outputs.length === 1 ? outputs[0] : tf.concat(outputs, 1);
      return joined.reshape([batch, height, width, this.args.filters * qubits]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { name: _name, ...args } = this.args;
    return { ...super.getConfig(), ...args };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config as never);
  }
}
tf.serialization.registerClass(QuanvolutionLayer);
