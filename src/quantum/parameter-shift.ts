// SPDX-License-Identifier: MIT
/**
 * @module quantum/parameter-shift
 * Jacobians of a circuit's exact measurement by the parameter-shift rule, independent of
 * autodiff: each angle occurrence is shifted by inserting a constant rotation of the same
 * kind beside it (G(θ+s) = G(s)·G(θ) for one-generator gates; Rot is expanded to
 * RZ·RY·RZ), and the measurement is re-evaluated. Two-term rule (shifts ±π/2, factor 1/2)
 * for RX, RY, RZ, PhaseShift and Rot's angles; four-term rule for CRX, CRY, CRZ
 * (Wierichs et al. 2022; PennyLane's default for controlled rotations). Cost: 2 or 4
 * batched simulations per angle occurrence, so use it as a check, not for training.
 */
import * as tf from "@tensorflow/tfjs";
import type { AngleSource, Circuit, Operation } from "./circuit.js";
import { constant } from "./circuit.js";
import { gateSpec, type GateName } from "./gates.js";
import { simulate } from "./simulate.js";

export interface ParameterShiftJacobian {
  /** [B, outputs, weightCount]: ∂ output / ∂ weight. */
  weights: tf.Tensor3D;
  /** [B, outputs, inputSize]: ∂ output_b / ∂ input_b (per sample). */
  inputs: tf.Tensor3D;
}

type GateOperation = Extract<Operation, { kind: "gate" }>;

const FOUR_TERM_NEAR = (Math.SQRT2 + 1) / (4 * Math.SQRT2);
const FOUR_TERM_FAR = (Math.SQRT2 - 1) / (4 * Math.SQRT2);

/** The operations of `circuit` with `operations[index]`'s angle `param` shifted by `shift`. */
function shifted(circuit: Circuit, index: number, param: number, shift: number): Circuit {
  const op = circuit.operations[index] as GateOperation;
  let replacement: GateOperation[];
  if (op.gate === "Rot") {
    const axes: GateName[] = ["RZ", "RY", "RZ"];
    replacement = [];
    axes.forEach((gate, p) => {
      replacement.push({ kind: "gate", gate, wires: op.wires, params: [op.params[p]] });
      if (p === param) replacement.push({ kind: "gate", gate, wires: op.wires, params: [constant(shift)] });
    });
  } else {
    replacement = [op, { kind: "gate", gate: op.gate, wires: op.wires, params: [constant(shift)] }];
  }
  const operations = [...circuit.operations.slice(0, index), ...replacement, ...circuit.operations.slice(index + 1)];
  return { ...circuit, operations };
}

export function parameterShiftGradient(circuit: Circuit, inputs: tf.Tensor2D, weights?: tf.Tensor1D): ParameterShiftJacobian {
  const batch = inputs.shape[0];
  const base = simulate(circuit, inputs, weights);
  const outputs = base.shape[1];
  base.dispose();
  const gradWeights = new Float64Array(batch * outputs * circuit.weightCount);
  const gradInputs = new Float64Array(batch * outputs * circuit.inputSize);
  const evaluate = (index: number, param: number, shift: number): Float32Array => {
    const result = simulate(shifted(circuit, index, param, shift), inputs, weights);
    const values = result.dataSync() as Float32Array;
    result.dispose();
    return values;
  };
  circuit.operations.forEach((op, index) => {
    if (op.kind !== "gate") return;
    op.params.forEach((source: AngleSource, param) => {
      if (source.kind === "constant") return;
      const rule = gateSpec(op.gate).shiftRule;
      const derivative = new Float64Array(batch * outputs);
      const addDifference = (shift: number, factor: number): void => {
        const plus = evaluate(index, param, shift), minus = evaluate(index, param, -shift);
        for (let i = 0; i < derivative.length; i++) derivative[i] += factor * (plus[i] - minus[i]);
      };
      if (rule === "four-term") {
        addDifference(Math.PI / 2, FOUR_TERM_NEAR);
        addDifference((3 * Math.PI) / 2, -FOUR_TERM_FAR);
      } else {
        addDifference(Math.PI / 2, 0.5);
      }
      for (let b = 0; b < batch; b++) {
        for (let o = 0; o < outputs; o++) {
          const d = derivative[b * outputs + o];
          if (source.kind === "weight") gradWeights[(b * outputs + o) * circuit.weightCount + source.index] += d;
          else gradInputs[(b * outputs + o) * circuit.inputSize + source.index] += source.scale * d;
        }
      }
    });
  });
  return {
    weights: tf.tensor3d(Float32Array.from(gradWeights), [batch, outputs, circuit.weightCount]),
    inputs: tf.tensor3d(Float32Array.from(gradInputs), [batch, outputs, circuit.inputSize]),
  };
}
