// SPDX-License-Identifier: MIT
/**
 * @module quantum/layer
 * `QuantumLayer`: a tfjs Layer that runs a circuit on each row of its [B, inputSize] input
 * and returns the measurement, [B, observables] or [B, 2^k]. Its weights are ordinary layer
 * weights (saved in checkpoints, updated by any tfjs optimiser): `weights` holds the
 * trainable entries of the circuit's weight vector, `fixed_weights` the entries of blocks
 * marked not trainable (RandomLayers with trainable: false), both initialised uniformly in
 * [0, 2π) (PennyLane's TorchLayer default) from seeds derived from the layer's seed.
 *
 * Which simulator: noiseless circuits (or readout error only, without shots) run on the
 * statevector simulator (`simulate`), readout error then applied exactly to the result;
 * circuits with gate noise, or readout error with shots, run on density matrices.
 *
 * Serialisation: `getConfig()` holds the circuit IR as JSON text in hexadecimal. tfjs
 * rewrites every string of a layer config to snake_case when saving and back to camelCase
 * when loading (tfjs-layers utils/serialization_utils.ts), which would turn "CNOT" into
 * "cnot" and "basic_entangler" into "basicEntangler"; hex digits survive both unchanged.
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed } from "../random.js";
import { measurementSize, type Circuit } from "./circuit.js";
import { applyReadoutError, needsDensityMatrix, simulateDensityMatrix } from "./density-matrix.js";
import { simulate } from "./simulate.js";

type LayerArgs = NonNullable<ConstructorParameters<typeof tf.layers.Layer>[0]>;

export interface QuantumLayerArgs extends LayerArgs {
  circuit: Circuit;
  /** Seed of the weight initialisers and of shot sampling (non-zero). */
  seed: number;
  /** Finite-shot estimates instead of exact values. */
  shots?: number;
}

/** Circuit IR ↔ a string tfjs's config case conversion leaves alone. */
export function encodeCircuit(circuit: Circuit): string {
  return Buffer.from(JSON.stringify(circuit), "utf8").toString("hex");
}

export function decodeCircuit(text: string): Circuit {
  return JSON.parse(Buffer.from(text, "hex").toString("utf8")) as Circuit;
}

export class QuantumLayer extends tf.layers.Layer {
  static readonly className = "QhybridQuantumLayer";
  readonly circuit: Circuit;
  private readonly seed: number;
  private readonly shots: number | undefined;
  /** Positions of the trainable entries in the circuit's weight vector, then of the fixed ones. */
  private readonly trainableIndices: number[];
  private readonly fixedIndices: number[];
  private trainableWeight: tf.LayerVariable | undefined;
  private fixedWeight: tf.LayerVariable | undefined;
  private calls = 0;

  constructor(args: QuantumLayerArgs) {
    const { circuit: _circuit, seed: _seed, shots: _shots, ...layerArgs } = args;
    super({ ...layerArgs, trainable: args.trainable ?? true });
    if (!Number.isInteger(args.seed) || args.seed === 0) throw new RangeError(`QuantumLayer needs a non-zero integer seed, got ${args.seed}`);
    this.circuit = args.circuit;
    this.seed = args.seed;
    this.shots = args.shots;
    this.trainableIndices = [];
    this.fixedIndices = [];
    for (const block of args.circuit.weightBlocks) {
      const size = block.shape.reduce((product, extent) => product * extent, 1);
      for (let index = block.offset; index < block.offset + size; index++) (block.trainable ? this.trainableIndices : this.fixedIndices).push(index);
    }
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    if (shape.length !== 2 || (shape[1] !== null && shape[1] !== this.circuit.inputSize)) {
      throw new RangeError(`${this.name} expects inputs [batch, ${this.circuit.inputSize}], got [${shape.map(String).join(", ")}]`);
    }
    const initializer = (purpose: string) => tf.initializers.randomUniform({ minval: 0, maxval: 2 * Math.PI, seed: deriveSeed(this.seed, purpose) });
    if (this.trainableIndices.length > 0) {
      this.trainableWeight = this.addWeight("weights", [this.trainableIndices.length], "float32", initializer("quantum-layer:weights"), undefined, true);
    }
    if (this.fixedIndices.length > 0) {
      this.fixedWeight = this.addWeight("fixed_weights", [this.fixedIndices.length], "float32", initializer("quantum-layer:fixed-weights"), undefined, false);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], measurementSize(this.circuit)];
  }

  /** The circuit's full weight vector, in IR order. */
  private weightVector(): tf.Tensor1D {
    const trainable = this.trainableWeight?.read() as tf.Tensor1D | undefined;
    const fixed = this.fixedWeight?.read() as tf.Tensor1D | undefined;
    if (fixed === undefined) return trainable ?? tf.zeros([0]);
    if (trainable === undefined) return fixed;
    // Interleave by a permutation matrix: differentiable on every backend.
    const order = [...this.trainableIndices, ...this.fixedIndices];
    const permutation = new Float32Array(order.length * order.length);
    order.forEach((target, source) => (permutation[source * order.length + target] = 1));
    const joined = tf.concat([trainable, fixed]).expandDims(0);
    return tf.matMul(joined, tf.tensor2d(permutation, [order.length, order.length])).reshape([-1]);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    const seed = this.shots === undefined ? undefined : deriveSeed(this.seed, `quantum-layer:shots:${this.calls++}`);
    return tf.tidy(() => {
      const features = x.dtype === "float32" ? x : (tf.cast(x, "float32") as tf.Tensor2D);
      const weights = this.weightVector();
      const readout = this.circuit.noise?.readout ?? 0;
      if (needsDensityMatrix(this.circuit) || (readout > 0 && this.shots !== undefined)) {
        return simulateDensityMatrix(this.circuit, features, weights, { shots: this.shots, seed });
      }
      const values = simulate(this.circuit, features, weights, { shots: this.shots, seed });
      return applyReadoutError(this.circuit.measurement, values, readout);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      circuit: encodeCircuit(this.circuit),
      seed: this.seed,
      ...(this.shots !== undefined ? { shots: this.shots } : {}),
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { circuit, ...rest } = config;
    return new cls({ ...rest, circuit: decodeCircuit(circuit as string) } as never);
  }
}
tf.serialization.registerClass(QuantumLayer);
