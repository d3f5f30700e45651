// SPDX-License-Identifier: MIT
/**
 * @module quantum/inspect
 * What `qhybrid circuit FILE` does, as one library call: load a circuit file, then draw it,
 * count its resources, export OpenQASM 3 (written atomically) and run it on input samples
 * with given weights, with gradients. Gradients are Jacobians per output, from tfjs
 * autodiff (the same path training uses) and, for noiseless circuits, from the parameter-
 * shift rule beside them as an independent check (for weights and angle-encoded inputs;
 * amplitude-embedded features are not angles, so only autodiff covers them). With shots, values are finite-shot
 * estimates and gradients are those of the exact values.
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError } from "../errors.js";
import { writeFileAtomic } from "../run/atomic-write.js";
import type { Circuit } from "./circuit.js";
import { loadCircuitFile } from "./circuit-file.js";
import { applyReadoutError, needsDensityMatrix, simulateDensityMatrix } from "./density-matrix.js";
import { drawCircuit } from "./draw.js";
import { measurementSize } from "./circuit.js";
import { parameterShiftGradient } from "./parameter-shift.js";
import { exportQasm } from "./qasm.js";
import { circuitResources, formatResources, type CircuitResources } from "./resources.js";
import { simulate } from "./simulate.js";
import { readValuesFile } from "./values-file.js";

export interface InspectRequest {
  file: string;
  draw?: boolean;
  resources?: boolean;
  /** Write OpenQASM 3 here. */
  qasm?: string;
  run?: boolean;
  /** JSON or .npy: one sample, or one per row. */
  inputsFile?: string;
  /** JSON or .npy: the circuit's weight vector (nesting is flattened). */
  weightsFile?: string;
  shots?: number;
  seed?: number;
  grad?: boolean;
}

export interface SampleResult {
  inputs: number[];
  /** Expectations or probabilities, in the order of `outputs`. */
  values: number[];
  gradients?: {
    /** [output][weight] */
    weights: number[][];
    /** [output][feature] */
    inputs: number[][];
    /**
     * The same by the parameter-shift rule (noiseless circuits only). Amplitude-embedded
     * features are not gate angles, so the rule does not reach them: `inputs` is null then.
     */
    parameterShift?: { weights: number[][]; inputs: number[][] | null };
  };
}

export interface RunResult {
  simulator: "statevector" | "density-matrix";
  /** Output names: "<Z0>", "<Z0 Z1>", or basis states "|01⟩" of the measured wires. */
  outputs: string[];
  shots: number | null;
  seed: number | null;
  weights: number[];
  samples: SampleResult[];
}

export interface Inspection {
  file: string;
  draw?: string;
  resources?: CircuitResources;
  qasm?: { path: string; notes: string[] };
  run?: RunResult;
}

export function outputNames(circuit: Circuit): string[] {
  const measurement = circuit.measurement;
  if (measurement.kind === "expval") return measurement.observables.map((group) => `<${group.map((wire) => `Z${wire}`).join(" ")}>`);
  const bits = measurement.wires.length;
  return Array.from({ length: 2 ** bits }, (_, index) => `|${index.toString(2).padStart(bits, "0")}⟩`);
}

function loadInputs(circuit: Circuit, request: InspectRequest): number[][] | undefined {
  if (request.inputsFile === undefined) return undefined;
  const table = readValuesFile(request.inputsFile);
  table.rows.forEach((row, index) => {
    if (row.length !== circuit.inputSize) {
      throw new UsageError(
        `${request.inputsFile}: ${table.flat ? "" : `row ${index}: `}expected ${circuit.inputSize} input features (inputs: in ${request.file}), got ${row.length}`,
      );
    }
  });
  if (table.rows.length === 0) throw new UsageError(`${request.inputsFile}: expected at least one sample, got none`);
  return table.rows;
}

function loadWeights(circuit: Circuit, request: InspectRequest): number[] | undefined {
  if (request.weightsFile === undefined) return undefined;
  const values = readValuesFile(request.weightsFile).rows.flat();
  if (values.length !== circuit.weightCount) {
    const blocks = circuit.weightBlocks.map((block) => `${block.name} [${block.shape.join(", ")}]`).join(", ");
    throw new UsageError(`${request.weightsFile}: expected ${circuit.weightCount} weights (${blocks || "the circuit has none"}), got ${values.length}`);
  }
  return values;
}

/** Runs every part the request asks for; `run` needs a backend selected beforehand. */
export function inspectCircuit(request: InspectRequest): Inspection {
  const circuit = loadCircuitFile(request.file);
  const inputs = loadInputs(circuit, request);
  const weights = loadWeights(circuit, request);
  const result: Inspection = { file: request.file };
  if (request.draw) result.draw = drawCircuit(circuit, { weights, inputs: inputs?.length === 1 ? inputs[0] : undefined });
  if (request.resources) result.resources = circuitResources(circuit);
  if (request.qasm !== undefined) {
    const program = exportQasm(circuit, { weights, inputs: inputs?.length === 1 ? inputs[0] : undefined });
    try {
      writeFileAtomic(request.qasm, program.text);
    } catch (error) {
      throw new UsageError(`--qasm ${request.qasm}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    result.qasm = { path: request.qasm, notes: program.notes };
  }
  if (request.run) {
    if (inputs === undefined && circuit.inputSize > 0) {
      throw new UsageError(`--run needs --inputs FILE: ${request.file} takes ${circuit.inputSize} input features per sample`);
    }
    if (weights === undefined && circuit.weightCount > 0) {
      throw new UsageError(`--run needs --weights FILE: ${request.file} has ${circuit.weightCount} weights`);
    }
    result.run = runCircuit(circuit, inputs ?? [[]], weights ?? [], request);
  }
  return result;
}

function forward(circuit: Circuit, x: tf.Tensor2D, w: tf.Tensor1D, options: { shots?: number; seed?: number }): tf.Tensor2D {
  const readout = circuit.noise?.readout ?? 0;
  if (needsDensityMatrix(circuit) || (readout > 0 && options.shots !== undefined)) return simulateDensityMatrix(circuit, x, w, options);
  return applyReadoutError(circuit.measurement, simulate(circuit, x, w, options), readout);
}

/** Runs `compute`, disposing every tensor it made (tf.tidy only returns tensor containers). */
function scoped<T>(compute: () => T): T {
  tf.engine().startScope();
  try {
    return compute();
  } finally {
    tf.engine().endScope();
  }
}

export function runCircuit(circuit: Circuit, inputs: number[][], weights: number[], options: Pick<InspectRequest, "shots" | "seed" | "grad"> = {}): RunResult {
  const outputs = measurementSize(circuit);
  const noisy = needsDensityMatrix(circuit);
  const samples = scoped(() => {
    const x = tf.tensor2d(inputs, [inputs.length, circuit.inputSize]);
    const w = tf.tensor1d(weights);
    const values = forward(circuit, x, w, { shots: options.shots, seed: options.seed }).arraySync();
    return inputs.map((sample, index): SampleResult => {
      const result: SampleResult = { inputs: sample, values: values[index] };
      if (options.grad) result.gradients = jacobians(circuit, sample, weights, outputs, noisy);
      return result;
    });
  });
  return {
    simulator: noisy ? "density-matrix" : "statevector",
    outputs: outputNames(circuit),
    shots: options.shots ?? null,
    seed: options.shots !== undefined ? (options.seed ?? null) : null,
    weights,
    samples,
  };
}

/** ∂output_k/∂w and ∂output_k/∂x for one sample, by autodiff (and parameter shift when noiseless). */
function jacobians(circuit: Circuit, sample: number[], weights: number[], outputs: number, noisy: boolean): NonNullable<SampleResult["gradients"]> {
  return scoped(() => {
    const w = tf.tensor1d(weights);
    // Inputs: one row per output, each row's k-th output summed, so one backward pass gives every row.
    const rows = tf.tensor2d(Array.from({ length: outputs }, () => sample), [outputs, circuit.inputSize]);
    const pick = tf.eye(outputs);
    const inputJacobian =
      circuit.inputSize > 0 ? (tf.grad((x: tf.Tensor) => forward(circuit, x as tf.Tensor2D, w, {}).mul(pick).sum())(rows).arraySync() as number[][]) : pick.arraySync().map(() => []);
    const x = tf.tensor2d([sample], [1, circuit.inputSize]);
    const weightJacobian =
      circuit.weightCount > 0
        ? Array.from({ length: outputs }, (_, k) =>
            Array.from(tf.grad((v: tf.Tensor) => forward(circuit, x, v as tf.Tensor1D, {}).slice([0, k], [1, 1]).sum())(w).dataSync()),
          )
        : Array.from({ length: outputs }, () => []);
    const gradients: NonNullable<SampleResult["gradients"]> = { weights: weightJacobian, inputs: inputJacobian };
    if (!noisy) {
      const shift = parameterShiftGradient(circuit, x, w);
      const readout = circuit.noise?.readout ?? 0;
      // Readout error is linear in the outputs, so it maps Jacobian columns the same way.
      const mapped = (jacobian: tf.Tensor3D): number[][] => {
        const columns = jacobian.squeeze([0]).transpose() as tf.Tensor2D;
        return (applyReadoutError(circuit.measurement, columns, readout).transpose() as tf.Tensor2D).arraySync();
      };
      const amplitude = circuit.operations.some((operation) => operation.kind === "amplitude-embedding");
      gradients.parameterShift = { weights: mapped(shift.weights), inputs: amplitude ? null : mapped(shift.inputs) };
      tf.dispose([shift.weights, shift.inputs]);
    }
    return gradients;
  });
}

/** The text `qhybrid circuit` prints. */
export function formatInspection(inspection: Inspection): string {
  const sections: string[] = [];
  if (inspection.draw !== undefined) sections.push(inspection.draw);
  if (inspection.resources !== undefined) sections.push(formatResources(inspection.resources));
  if (inspection.qasm !== undefined) sections.push(`OpenQASM 3 written to ${inspection.qasm.path}`);
  if (inspection.run !== undefined) sections.push(formatRun(inspection.run));
  return sections.join("\n\n");
}

const number = (value: number): string => (Math.abs(value) < 5e-7 ? 0 : value).toFixed(6).padStart(10);
const vector = (values: number[]): string => `[${values.map((value) => number(value).trim()).join(", ")}]`;

function formatRun(run: RunResult): string {
  const lines = [`simulator: ${run.simulator}${run.shots !== null ? `, ${run.shots} shots${run.seed !== null ? ` (seed ${run.seed})` : ""}` : ", exact"}`];
  const width = Math.max(...run.outputs.map((name) => [...name].length));
  run.samples.forEach((sample, index) => {
    const shown = sample.inputs.length > 8 ? `${vector(sample.inputs.slice(0, 6)).slice(0, -1)}, … ${sample.inputs.length} features]` : vector(sample.inputs);
    lines.push(`sample ${index}${sample.inputs.length ? ` (inputs ${shown})` : ""}:`);
    sample.values.forEach((value, k) => {
      lines.push(`  ${run.outputs[k].padEnd(width)}  ${number(value)}`);
      const gradients = sample.gradients;
      if (gradients === undefined) return;
      if (gradients.weights[k].length) {
        lines.push(`    ∂/∂w  ${vector(gradients.weights[k])}`);
        if (gradients.parameterShift) lines.push(`    shift ${vector(gradients.parameterShift.weights[k])}`);
      }
      if (gradients.inputs[k].length) {
        lines.push(`    ∂/∂x  ${vector(gradients.inputs[k])}`);
        if (gradients.parameterShift?.inputs) lines.push(`    shift ${vector(gradients.parameterShift.inputs[k])}`);
      }
    });
  });
  return lines.join("\n");
}
