// SPDX-License-Identifier: MIT
/**
 * @module quantum/simulate
 * The public face of the statevector simulator: run a circuit on a batch of inputs with
 * one weight vector and get its measurement, differentiable with respect to inputs and
 * weights through tfjs autodiff (tf.variableGrads, optimizer.minimize, a tfjs Layer), on
 * any tfjs backend. Conventions are PennyLane's (see circuit.ts and gates.ts): wire 0 is
 * the most significant bit of a basis-state index.
 *
 * @example
 * const circuit = new CircuitBuilder(2).gate("H", [0]).gate("CNOT", [0, 1]).probs().build();
 * simulate(circuit, tf.zeros([1, 0]), tf.zeros([0])).arraySync(); // [[0.5, 0, 0, 0.5]]
 */
import * as tf from "@tensorflow/tfjs";
import { deriveSeed, Random } from "../random.js";
import type { Circuit } from "./circuit.js";
import type { ComplexMatrix } from "./gates.js";
import { embedUnitary } from "./simulator/dense.js";
import { runPlan } from "./simulator/engine.js";
import { applyTrailingMatrix, bringToEnd, matMulConstant, probabilities, standardParts, type EngineState } from "./simulator/kernels.js";
import { marginal, measureExact, sampleEstimate } from "./simulator/measure.js";
import { planCircuit, splitComponents, type Plan } from "./simulator/plan.js";

export { AMPLITUDE_NORM_EPSILON } from "./simulator/engine.js";

export interface SimulateOptions {
  /**
   * Finite shots: the value returned is the empirical estimate from `shots` Born-rule draws
   * per sample. Its gradient is the exact gradient of the expectation (the shot noise is
   * added as a constant), i.e. what an unbiased parameter-shift estimate converges to.
   */
  shots?: number;
  /** Seed of the shot draws; without it, one process-wide stream (seeded, so runs repeat) continues. */
  seed?: number;
  /** Largest number of wires folded into one dense block (planner tuning; default by size). */
  maxBlockQubits?: number;
}

export interface StateParts {
  /** [B, 2^n] real parts, basis index with wire 0 most significant. */
  re: tf.Tensor2D;
  im: tf.Tensor2D;
}

const plans = new WeakMap<Circuit, Map<number, Plan>>();
const components = new WeakMap<Circuit, ReturnType<typeof splitComponents>>();

function cachedComponents(circuit: Circuit): ReturnType<typeof splitComponents> {
  if (!components.has(circuit)) components.set(circuit, splitComponents(circuit));
  return components.get(circuit) ?? null;
}
let processShots: Random | undefined;

function cachedPlan(circuit: Circuit, maxBlockQubits: number | undefined): Plan {
  let byBlock = plans.get(circuit);
  if (!byBlock) plans.set(circuit, (byBlock = new Map()));
  const key = maxBlockQubits ?? 0;
  let plan = byBlock.get(key);
  if (!plan) byBlock.set(key, (plan = planCircuit(circuit, { maxBlockQubits })));
  return plan;
}

function checkArguments(circuit: Circuit, inputs: tf.Tensor, weights: tf.Tensor | undefined): void {
  if (inputs.rank !== 2 || inputs.shape[1] !== circuit.inputSize) {
    throw new RangeError(`inputs must have shape [batch, ${circuit.inputSize}], got [${inputs.shape.join(", ")}]`);
  }
  if (inputs.shape[0] < 1) throw new RangeError("inputs must hold at least one sample");
  const count = weights?.size ?? 0;
  if (count !== circuit.weightCount || (weights !== undefined && weights.rank !== 1)) {
    throw new RangeError(`weights must have shape [${circuit.weightCount}], got [${weights?.shape.join(", ") ?? ""}]`);
  }
}

function run(circuit: Circuit, inputs: tf.Tensor2D, weights: tf.Tensor1D | undefined, maxBlockQubits?: number): EngineState {
  checkArguments(circuit, inputs, weights);
  const plan = cachedPlan(circuit, maxBlockQubits);
  const hasWeights = weights !== undefined && weights.size > 0;
  const weightValues = hasWeights ? (weights.dataSync() as Float32Array) : new Float32Array(0);
  const floatInputs = inputs.dtype === "float32" ? inputs : (tf.cast(inputs, "float32") as tf.Tensor2D);
  return runPlan(plan, { inputs: floatInputs, weights: hasWeights ? weights : null, weightValues });
}

/**
 * The circuit's measurement for each sample: [B, observables] (expval) or [B, 2^k] (probs).
 * `inputs` is [B, circuit.inputSize] (a [B, 0] tensor for circuits without inputs),
 * `weights` is [circuit.weightCount].
 */
export function simulate(circuit: Circuit, inputs: tf.Tensor2D, weights?: tf.Tensor1D, options: SimulateOptions = {}): tf.Tensor2D {
  return tf.tidy(() => {
    if (options.shots === undefined) {
      const parts = cachedComponents(circuit);
      if (parts) {
        checkArguments(circuit, inputs, weights);
        const outputs = circuit.measurement.kind === "expval" ? circuit.measurement.observables.length : 0;
        // Gather each part's expectations into its columns: a product with a 0/1 matrix
        // (column concatenation of skinny tensors is slow on wasm).
        const gathered = parts.map(({ circuit: part, outputs: columns }) => {
          const scatter = new Float32Array(columns.length * outputs);
          columns.forEach((column, i) => (scatter[i * outputs + column] = 1));
          return matMulConstant(measureExact(run(part, inputs, weights, options.maxBlockQubits), part.measurement), tf.tensor2d(scatter, [columns.length, outputs]));
        });
        return gathered.reduce((sum, part) => tf.add(sum, part)) as tf.Tensor2D;
      }
    }
    const state = run(circuit, inputs, weights, options.maxBlockQubits);
    const exact = measureExact(state, circuit.measurement);
    if (options.shots === undefined) return exact;
    if (!Number.isInteger(options.shots) || options.shots < 1) throw new RangeError(`shots must be a positive integer, got ${options.shots}`);
    const random = options.seed !== undefined ? new Random(deriveSeed(options.seed, "shots")) : (processShots ??= new Random(deriveSeed(1, "shots")));
    const all = marginal(probabilities(state), Array.from({ length: circuit.qubits }, (_, w) => w), state.batch);
    const estimate = sampleEstimate(all.dataSync() as Float32Array, state.batch, circuit.qubits, circuit.measurement, options.shots, random);
    const exactValues = exact.dataSync();
    const noise = estimate.map((value, i) => value - exactValues[i]);
    return tf.add(exact, tf.tensor2d(noise, exact.shape)) as tf.Tensor2D;
  });
}

/** The final state (before measurement), real and imaginary parts, standard basis order. */
export function simulateState(circuit: Circuit, inputs: tf.Tensor2D, weights?: tf.Tensor1D, options: Pick<SimulateOptions, "maxBlockQubits"> = {}): StateParts {
  const parts = tf.tidy(() => {
    const { re, im } = standardParts(run(circuit, inputs, weights, options.maxBlockQubits), circuit.qubits);
    return [re, im];
  });
  return { re: parts[0], im: parts[1] };
}

/**
 * Applies a constant matrix (a gate's matrix from gates.ts, or any 2^k×2^k complex matrix,
 * first wire most significant) to `wires` of a batched state [B, 2^qubits]. Differentiable
 * with respect to the state. For density matrices, apply it to the rows then the columns.
 */
export function applyMatrix(state: StateParts, matrix: ComplexMatrix, wires: readonly number[], qubits: number): StateParts {
  const k = wires.length;
  if (matrix.dimension !== 1 << k) throw new RangeError(`a ${matrix.dimension}×${matrix.dimension} matrix cannot act on ${k} wire(s)`);
  const parts = tf.tidy(() => {
    const batch = state.re.shape[0];
    const all = Array.from({ length: qubits }, (_, w) => w);
    const start: EngineState = { tensor: tf.concat([state.re, state.im], 1) as tf.Tensor2D, axes: [-1, ...all], batch };
    const moved = bringToEnd(start, [-1, ...wires]);
    const trailing = moved.axes.slice(moved.axes.length - k - 1);
    const layout = trailing.map((axis) => (axis === -1 ? -1 : wires.indexOf(axis)));
    const r = tf.tensor2d(embedUnitary(matrix, k, layout, layout), [2 << k, 2 << k]);
    const { re, im } = standardParts(applyTrailingMatrix(moved, r, trailing, trailing, true), qubits);
    return [re, im];
  });
  return { re: parts[0], im: parts[1] };
}

export { parameterShiftGradient, type ParameterShiftJacobian } from "./parameter-shift.js";
