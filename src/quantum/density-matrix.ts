// SPDX-License-Identifier: MIT
/**
 * @module quantum/density-matrix
 * Noisy circuits: a batched density-matrix simulator on tfjs tensors, the Kraus channels of
 * the noise model, and readout error. Differentiable by tfjs autodiff with respect to both
 * the weights and the inputs, so noisy hybrid models train like noiseless ones.
 *
 * Representation: ρ for each sample as two float32 tensors (real, imaginary) of shape
 * [B, D, D], D = 2^n, wire 0 the most significant bit of both indices (the wasm backend
 * has no complex kernels). A gate U maps ρ ↦ UρU† = U·(U·ρ)† (ρ is Hermitian): U acts as
 * a 2×2 complex combination along its wire's bit of the row index, through [B, X, 2, Y]
 * views, so no tensor ever exceeds rank 4 (several tfjs kernels do not go further), and †
 * is one transpose. Controlled gates use x ↦ P0·x + P1·U_t(x) on the control bit.
 *
 * Channels (PennyLane's Kraus operators, pennylane/ops/channel.py), on each wire listed:
 *   depolarizing(p):      √(1−p)·I, √(p/3)·X, √(p/3)·Y, √(p/3)·Z
 *   amplitude-damping(γ): [[1, 0], [0, √(1−γ)]], [[0, √γ], [0, 0]]
 *   bit-flip(p):          √(1−p)·I, √p·X
 *   phase-flip(p):        √(1−p)·I, √p·Z
 * The circuit's NoiseModel applies, after every gate and on each of that gate's wires, in
 * this order: depolarizing, amplitude damping, bit flip, phase flip. State preparation
 * (amplitude embedding) is taken as exact. Readout error flips each measured bit
 * independently with probability p: the confusion matrix [[1−p, p], [p, 1−p]] per wire on
 * the probabilities, hence ⟨Z_S⟩ ↦ (1 − 2p)^|S|·⟨Z_S⟩ on expectations.
 *
 * Limits: ρ needs 4^n entries per sample, so this path takes at most 10 qubits (8 MiB per
 * sample at n = 10); batches are processed in chunks of at most 2^22 entries per tensor.
 * Strategy by size. Up to 6 qubits, gates whose angles are weights or constants are folded
 * into full D×D operators (a run of them costs two plain 2-D matMuls on the batch, the
 * fast product on wasm) and channels use one permutation XρX by matMul; per-sample gates
 * (angles from inputs) and everything beyond 6 qubits use the bit-wise [B, X, 2, Y] path,
 * whose cost grows as 4^n but not as 8^n. On tfjs-wasm (2 shared cores) noisy-bel4.yaml
 * trained (forward + backward, batch 128) at ≈ 770 samples/s, and one gate on a 10-qubit
 * ρ took ≈ 0.2 s per sample, so noisy training is practical up to about 8 qubits. Noiseless circuits belong to the
 * statevector simulator.
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError } from "../errors.js";
import { Random } from "../random.js";
import type { AngleSource, Circuit, Measurement, NoiseChannelName, NoiseModel, Operation } from "./circuit.js";
import { GATES, type GateSpec } from "./gates.js";

export const DENSITY_MATRIX_MAX_QUBITS = 10;
const CHUNK_ENTRIES = 2 ** 22;

/** A number, or a tensor of shape [] (weights) or [B, 1, 1, 1] (inputs), for broadcasting against [B, X, 2, Y] views. */
export type Scalar = number | tf.Tensor;
export interface Entry {
  re: Scalar;
  im: Scalar;
}
/** Row-major 2×2 complex matrix. */
export type Matrix2 = [Entry, Entry, Entry, Entry];
interface Pair {
  re: tf.Tensor;
  im: tf.Tensor;
}

export interface NoisyRunOptions {
  /** Finite-shot estimate (Born rule on the noisy distribution); omitted: exact. */
  shots?: number;
  /** Seed of the shot sampler (non-zero recommended; same seed, same samples). */
  seed?: number;
  /** Entries per ρ tensor above which the batch is split into chunks (memory bound); default 2^22. */
  chunkEntries?: number;
}

/** True when simulating the circuit needs density matrices (noise on gates), not only readout. */
export function needsDensityMatrix(circuit: Circuit): boolean {
  const model = circuit.noise ?? {};
  return (
    circuit.operations.some((operation) => operation.kind === "noise" && operation.probability > 0) ||
    [model.depolarizing, model.amplitudeDamping, model.bitFlip, model.phaseFlip].some((p) => (p ?? 0) > 0)
  );
}

export function densityMatrixLimitMessage(qubits: number): string {
  return `noise is simulated with density matrices, which take at most ${DENSITY_MATRIX_MAX_QUBITS} qubits (4^n entries per sample); this circuit has ${qubits}: drop the noise or use fewer qubits`;
}

/** Refuses circuits too large for density matrices with a line saying why. */
export function checkDensityMatrixSize(circuit: Circuit): void {
  if (circuit.qubits > DENSITY_MATRIX_MAX_QUBITS) {
    throw new UsageError(densityMatrixLimitMessage(circuit.qubits));
  }
}

function checkArguments(circuit: Circuit, inputs: tf.Tensor, weights: tf.Tensor): void {
  if (inputs.rank !== 2 || inputs.shape[1] !== circuit.inputSize || inputs.shape[0] < 1) {
    throw new RangeError(`inputs must have shape [batch ≥ 1, ${circuit.inputSize}], got [${inputs.shape.join(", ")}]`);
  }
  if (weights.rank !== 1 || weights.size !== circuit.weightCount) {
    throw new RangeError(`weights must have shape [${circuit.weightCount}], got [${weights.shape.join(", ")}]`);
  }
}

/**
 * The final density matrices ρ(x_b, w) for a batch: real and imaginary parts [B, D, D].
 * Readout error is not part of the state (it acts on measurement results).
 */
export function densityMatrix(circuit: Circuit, inputs: tf.Tensor2D, weights: tf.Tensor1D): { real: tf.Tensor3D; imaginary: tf.Tensor3D } {
  checkDensityMatrixSize(circuit);
  checkArguments(circuit, inputs, weights);
  return tf.tidy(() => {
    const state = evolve(circuit, inputs, weights);
    return { real: state.re as tf.Tensor3D, imaginary: state.im as tf.Tensor3D };
  });
}

/**
 * The measurement of the noisy circuit for a batch: [B, observables] expectations or
 * [B, 2^|wires|] probabilities, readout error included. Exact values are differentiable;
 * with shots the value is the sampled estimate and the gradient that of the exact value
 * (straight-through), so finite-shot training still gets a signal.
 */
export function simulateDensityMatrix(circuit: Circuit, inputs: tf.Tensor2D, weights: tf.Tensor1D, options: NoisyRunOptions = {}): tf.Tensor2D {
  checkDensityMatrixSize(circuit);
  checkArguments(circuit, inputs, weights);
  const batch = inputs.shape[0];
  const dimension = 2 ** circuit.qubits;
  const chunk = Math.max(1, Math.floor((options.chunkEntries ?? CHUNK_ENTRIES) / (dimension * dimension)));
  return tf.tidy(() => {
    const parts: tf.Tensor2D[] = [];
    for (let start = 0; start < batch; start += chunk) {
      const size = Math.min(chunk, batch - start);
      const slice = size === batch ? inputs : inputs.slice([start, 0], [size, inputs.shape[1]]);
      const state = evolve(circuit, slice, weights);
      parts.push(basisProbabilities(state.re as tf.Tensor3D));
    }
    let probabilities = parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D);
    const readout = circuit.noise?.readout ?? 0;
    if (readout > 0) probabilities = flipBits(probabilities, circuit.qubits, readout);
    if (options.shots !== undefined) {
      const sampled = sampleProbabilities(probabilities, options.shots, options.seed ?? 1);
      probabilities = straightThrough(probabilities, sampled);
    }
    return measureFromProbabilities(probabilities, circuit.qubits, circuit.measurement);
  });
}

/**
 * Readout error on a measurement computed without it (e.g. by the statevector simulator):
 * each measured bit flipped with probability p. Exact for both kinds of measurement.
 */
export function applyReadoutError(measurement: Measurement, values: tf.Tensor2D, probability: number): tf.Tensor2D {
  if (probability === 0) return values;
  return tf.tidy(() => {
    if (measurement.kind === "probs") return flipBits(values, measurement.wires.length, probability);
    const factors = measurement.observables.map((group) => (1 - 2 * probability) ** group.length);
    return values.mul(tf.tensor1d(factors)) as tf.Tensor2D;
  });
}

/** The value of `estimate` with the gradient of `exact` (identity). */
function straightThrough(exact: tf.Tensor2D, estimate: tf.Tensor2D): tf.Tensor2D {
  const pass = tf.customGrad((x) => ({ value: estimate.clone(), gradFunc: (dy: tf.Tensor) => dy }));
  return pass(exact as tf.Tensor) as tf.Tensor2D;
}

/** p(b) ↦ (1−p)·p(b) + p·p(b with bit flipped), for each of the `bits` bits of the index. */
function flipBits(probabilities: tf.Tensor2D, bits: number, probability: number): tf.Tensor2D {
  const [batch, size] = probabilities.shape;
  let current: tf.Tensor = probabilities;
  for (let bit = 0; bit < bits; bit++) {
    const view = current.reshape([batch, 2 ** bit, 2, size / 2 ** (bit + 1)]);
    const [zero, one] = tf.split(view, 2, 2);
    const flipped = tf.concat([one, zero], 2);
    current = view.mul(1 - probability).add(flipped.mul(probability));
  }
  return current.reshape([batch, size]);
}

/** diag ρ: [B, D, D] → [B, D] (mask and sum: differentiable on every backend). */
function basisProbabilities(real: tf.Tensor3D): tf.Tensor2D {
  const dimension = real.shape[1];
  return real.mul(tf.eye(dimension).expandDims(0)).sum(2) as tf.Tensor2D;
}

/** Expectations or marginal probabilities from the full distribution, as one matMul. */
export function measureFromProbabilities(probabilities: tf.Tensor2D, qubits: number, measurement: Measurement): tf.Tensor2D {
  const dimension = 2 ** qubits;
  const bit = (index: number, wire: number): number => (index >> (qubits - 1 - wire)) & 1;
  if (measurement.kind === "probs" && measurement.wires.length === qubits && measurement.wires.every((wire, index) => wire === index)) {
    return probabilities;
  }
  const columns = measurement.kind === "probs" ? 2 ** measurement.wires.length : measurement.observables.length;
  const matrix = new Float32Array(dimension * columns);
  for (let index = 0; index < dimension; index++) {
    if (measurement.kind === "probs") {
      let outcome = 0;
      for (const wire of measurement.wires) outcome = (outcome << 1) | bit(index, wire);
      matrix[index * columns + outcome] = 1;
    } else {
      measurement.observables.forEach((group, column) => {
        const parity = group.reduce((sum, wire) => sum + bit(index, wire), 0) & 1;
        matrix[index * columns + column] = parity ? -1 : 1;
      });
    }
  }
  return tf.matMul(probabilities, tf.tensor2d(matrix, [dimension, columns]));
}

/** Empirical frequencies of `shots` Born-rule samples per row, seeded (the same on every backend). */
export function sampleProbabilities(probabilities: tf.Tensor2D, shots: number, seed: number): tf.Tensor2D {
  const [batch, size] = probabilities.shape;
  const values = probabilities.dataSync();
  const random = new Random(seed);
  const frequencies = new Float32Array(batch * size);
  const cumulative = new Float64Array(size);
  for (let row = 0; row < batch; row++) {
    let total = 0;
    for (let index = 0; index < size; index++) {
      total += Math.max(0, values[row * size + index]);
      cumulative[index] = total;
    }
    for (let shot = 0; shot < shots; shot++) {
      const target = random.uniform() * total;
      let low = 0, high = size - 1;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (cumulative[middle] > target) high = middle;
        else low = middle + 1;
      }
      frequencies[row * size + low] += 1 / shots;
    }
  }
  return tf.tensor2d(frequencies, [batch, size]);
}

/** Up to this many qubits, batch-independent gates are folded into full D×D operators. */
const FULL_OPERATOR_MAX_QUBITS = 6;

function evolve(circuit: Circuit, inputs: tf.Tensor2D, weights: tf.Tensor1D): Pair {
  const batch = inputs.shape[0];
  const n = circuit.qubits;
  const dimension = 2 ** n;
  const angles = new AngleCache(inputs, weights);
  let state: Pair;
  const first = circuit.operations[0];
  if (first?.kind === "amplitude-embedding") {
    const vector = amplitudeVector(inputs, first, dimension);
    state = { re: vector.expandDims(2).mul(vector.expandDims(1)), im: tf.zeros([batch, dimension, dimension]) };
  } else {
    const initial = new Float32Array(batch * dimension * dimension);
    for (let sample = 0; sample < batch; sample++) initial[sample * dimension * dimension] = 1;
    state = { re: tf.tensor3d(initial, [batch, dimension, dimension]), im: tf.zeros([batch, dimension, dimension]) };
  }
  const constants = new Constants(n);
  const fullOperators = n <= FULL_OPERATOR_MAX_QUBITS;
  const gateNoise = modelTables(circuit.noise ?? {});
  // Gates whose angles do not depend on the sample are collected into one operator (as
  // V = U†) and applied together; the noise model's channels after them wait on their
  // wires. This reorders only operations on disjoint wires, which commute: a gate on a
  // wire with pending noise first flushes the block and the noise.
  let block: Operator | undefined;
  const pending = new Set<number>();
  const flush = (): void => {
    if (block) state = applyOperator(state, block);
    block = undefined;
    for (const wire of pending) state = applyTables(state, n, wire, gateNoise!, constants, fullOperators);
    pending.clear();
  };
  for (const operation of circuit.operations) {
    if (operation.kind === "amplitude-embedding") continue;
    if (operation.kind === "noise") {
      flush();
      for (const wire of operation.wires) state = applyTables(state, n, wire, channelTables(operation.channel, operation.probability), constants, fullOperators);
      continue;
    }
    if (operation.wires.some((wire) => pending.has(wire))) flush();
    const perSample = operation.params.some((param) => param.kind === "input");
    if (fullOperators && !perSample) {
      for (const adjoint of gateAdjoints(operation, angles, constants)) block = block ? complexProduct(block, adjoint) : adjoint;
    } else {
      flush();
      state = applyGate(state, n, operation, angles);
    }
    if (gateNoise) for (const wire of operation.wires) pending.add(wire);
  }
  flush();
  return state;
}

/** A gate as full-register operators V = U† in the order they act (Rot: RZ, RY, RZ). */
function gateAdjoints(operation: Extract<Operation, { kind: "gate" }>, angles: AngleCache, constants: Constants): Operator[] {
  const params = operation.params.map((source) => angles.get(source));
  const wires = operation.wires;
  const controlled = (matrix: Matrix2): Entry[] => [ONE, ZERO, ZERO, ZERO, ZERO, ONE, ZERO, ZERO, ZERO, ZERO, matrix[0], matrix[1], ZERO, ZERO, matrix[2], matrix[3]];
  switch (operation.gate) {
    case "RX":
    case "RY":
    case "RZ":
    case "PhaseShift":
      return [adjointOperator(rotation(operation.gate, params[0]), wires, constants)];
    case "Rot":
      return (["RZ", "RY", "RZ"] as const).map((gate, index) => adjointOperator(rotation(gate, params[index]), wires, constants));
    case "CRX":
    case "CRY":
    case "CRZ":
      return [adjointOperator(controlled(rotation(operation.gate.slice(1) as "RX" | "RY" | "RZ", params[0])), wires, constants)];
    default: {
      const matrix = (GATES[operation.gate] as GateSpec).matrix([]);
      const entries = Array.from(matrix.real, (re, index): Entry => ({ re, im: matrix.imaginary[index] }));
      return [adjointOperator(entries, wires, constants)];
    }
  }
}

/** PennyLane AmplitudeEmbedding: the features, padded to 2^n, optionally L2-normalised. */
function amplitudeVector(inputs: tf.Tensor2D, embedding: Extract<Operation, { kind: "amplitude-embedding" }>, dimension: number): tf.Tensor2D {
  const batch = inputs.shape[0];
  let vector: tf.Tensor2D = inputs.slice([0, embedding.start], [batch, embedding.count]);
  if (embedding.count < dimension) vector = vector.pad([[0, 0], [0, dimension - embedding.count]], embedding.pad);
  if (embedding.normalize) vector = vector.div(vector.square().sum(1, true).sqrt());
  return vector;
}

/** Angle tensors, each gathered once per run. */
class AngleCache {
  private readonly cache = new Map<string, Scalar>();
  constructor(
    private readonly inputs: tf.Tensor2D,
    private readonly weights: tf.Tensor1D,
  ) {}

  get(source: AngleSource): Scalar {
    if (source.kind === "constant") return source.value;
    const key = source.kind === "weight" ? `w${source.index}` : `x${source.index}*${source.scale}`;
    let value = this.cache.get(key);
    if (value === undefined) {
      value =
        source.kind === "weight"
          ? this.weights.slice([source.index], [1]).reshape([])
          : this.inputs.slice([0, source.index], [this.inputs.shape[0], 1]).mul(source.scale).reshape([-1, 1, 1, 1]);
      this.cache.set(key, value);
    }
    return value;
  }
}

const cos = (x: Scalar): Scalar => (typeof x === "number" ? Math.cos(x) : tf.cos(x));
const sin = (x: Scalar): Scalar => (typeof x === "number" ? Math.sin(x) : tf.sin(x));
const half = (x: Scalar): Scalar => (typeof x === "number" ? x / 2 : tf.mul(x, 0.5));
const negate = (x: Scalar): Scalar => (typeof x === "number" ? -x : tf.neg(x));
const real = (re: Scalar): Entry => ({ re, im: 0 });
const ZERO: Entry = { re: 0, im: 0 };
const ONE: Entry = { re: 1, im: 0 };

function rotation(gate: "RX" | "RY" | "RZ" | "PhaseShift", theta: Scalar): Matrix2 {
  if (gate === "PhaseShift") return [ONE, ZERO, ZERO, { re: cos(theta), im: sin(theta) }];
  const c = cos(half(theta)), s = sin(half(theta));
  if (gate === "RX") return [real(c), { re: 0, im: negate(s) }, { re: 0, im: negate(s) }, real(c)];
  if (gate === "RY") return [real(c), real(negate(s)), real(s), real(c)];
  return [{ re: c, im: negate(s) }, ZERO, ZERO, { re: c, im: s }];
}

function numericMatrix(gate: keyof typeof GATES): Matrix2 {
  const matrix = GATES[gate].matrix([]);
  return [0, 1, 2, 3].map((index) => ({ re: matrix.real[index], im: matrix.imaginary[index] })) as Matrix2;
}

const PAULI_X = numericMatrix("X");

function applyGate(state: Pair, n: number, operation: Extract<Operation, { kind: "gate" }>, angles: AngleCache): Pair {
  const params = operation.params.map((source) => angles.get(source));
  const [first, second] = operation.wires;
  switch (operation.gate) {
    case "RX":
    case "RY":
    case "RZ":
    case "PhaseShift":
      return sandwich(state, n, first, rotation(operation.gate, params[0]));
    case "Rot": {
      const [phi, theta, omega] = params;
      let next = sandwich(state, n, first, rotation("RZ", phi));
      next = sandwich(next, n, first, rotation("RY", theta));
      return sandwich(next, n, first, rotation("RZ", omega));
    }
    case "H":
    case "X":
    case "Y":
    case "Z":
    case "S":
    case "T":
      return sandwich(state, n, first, numericMatrix(operation.gate));
    case "CNOT":
      return controlled(state, n, first, second, PAULI_X);
    case "CZ":
      return controlled(state, n, first, second, numericMatrix("Z"));
    case "CRX":
    case "CRY":
    case "CRZ":
      return controlled(state, n, first, second, rotation(operation.gate.slice(1) as "RX" | "RY" | "RZ", params[0]));
    case "SWAP": {
      let next = controlled(state, n, first, second, PAULI_X);
      next = controlled(next, n, second, first, PAULI_X);
      return controlled(next, n, first, second, PAULI_X);
    }
  }
}

/**
 * ρ ↦ MρM† for a one-wire M (a gate, or one Kraus operator), as M·(M·ρ)†: valid because ρ
 * is Hermitian, and it only ever multiplies along row bits, whose [B, X, 2, Y] views keep
 * long contiguous runs (column-bit views cut ρ into runs of a few floats, which tfjs
 * slices an order of magnitude more slowly); the price is one transpose.
 */
function sandwich(state: Pair, n: number, wire: number, matrix: Matrix2): Pair {
  return leftMultiply(dagger(leftMultiply(state, n, wire, matrix)), n, wire, matrix);
}

/** ρ ↦ CU ρ CU† with CU = |0⟩⟨0| ⊗ I + |1⟩⟨1| ⊗ U on (control, target), as CU·(CU·ρ)†. */
function controlled(state: Pair, n: number, control: number, target: number, matrix: Matrix2): Pair {
  const left = (current: Pair): Pair => {
    const applied = leftMultiply(current, n, target, matrix);
    return { re: selectByBit(current.re, applied.re, n, control), im: selectByBit(current.im, applied.im, n, control) };
  };
  return left(dagger(left(state)));
}

/** A† for each sample: transpose, negate the imaginary part. */
function dagger(state: Pair): Pair {
  return { re: tf.transpose(state.re, [0, 2, 1]), im: tf.neg(tf.transpose(state.im, [0, 2, 1])) };
}

/** Where the control bit of the row index is 0, `keep`; where it is 1, `replace`. */
function selectByBit(keep: tf.Tensor, replace: tf.Tensor, n: number, wire: number): tf.Tensor {
  const shape = keep.shape;
  const [keepZero] = tf.split(view(keep, n, wire), 2, 2);
  const [, replaceOne] = tf.split(view(replace, n, wire), 2, 2);
  return tf.concat([keepZero, replaceOne], 2).reshape(shape);
}

/**
 * [B, D, D] as [B, X, 2, Y] with the wire's bit of the row index on axis 2; a batch-shaped
 * angle [B, 1, 1, 1] broadcasts against it.
 */
function view(tensor: tf.Tensor, n: number, wire: number): tf.Tensor4D {
  const batch = tensor.shape[0];
  return tensor.reshape([batch, 2 ** wire, 2, 2 ** (n - 1 - wire) * 2 ** n]);
}

/** M·ρ for a 2×2 M on one wire (along that wire's bit of the row index). */
function leftMultiply(state: Pair, n: number, wire: number, matrix: Matrix2): Pair {
  const shape = state.re.shape;
  if (isZeroEntry(matrix[1]) && isZeroEntry(matrix[2])) {
    // Diagonal (RZ, phase gates, Z-type Kraus operators): one broadcast product, no split.
    const diagonal = (part: "re" | "im"): Scalar | undefined => {
      const [top, bottom] = [matrix[0][part], matrix[3][part]];
      if (isZero(top) && isZero(bottom)) return undefined;
      if (typeof top === "number" && typeof bottom === "number") return tf.tensor4d([top, bottom], [1, 1, 2, 1]);
      return tf.add(tf.mul(top, tf.tensor4d([1, 0], [1, 1, 2, 1])), tf.mul(bottom, tf.tensor4d([0, 1], [1, 1, 2, 1])));
    };
    const product = times({ re: diagonal("re") ?? 0, im: diagonal("im") ?? 0 }, { re: view(state.re, n, wire), im: view(state.im, n, wire) });
    if (product === undefined) return { re: tf.zerosLike(state.re), im: tf.zerosLike(state.im) };
    return { re: product.re.reshape(shape), im: product.im.reshape(shape) };
  }
  const [re0, re1] = tf.split(view(state.re, n, wire), 2, 2);
  const [im0, im1] = tf.split(view(state.im, n, wire), 2, 2);
  const zero = { re: re0, im: im0 }, one = { re: re1, im: im1 };
  const top = combine(matrix[0], zero, matrix[1], one, re0);
  const bottom = combine(matrix[2], zero, matrix[3], one, re0);
  return { re: tf.concat([top.re, bottom.re], 2).reshape(shape), im: tf.concat([top.im, bottom.im], 2).reshape(shape) };
}

/** a·x + b·y for complex entries and complex tensors, skipping zero terms. */
function combine(a: Entry, x: Pair, b: Entry, y: Pair, like: tf.Tensor): Pair {
  const terms = [times(a, x), times(b, y)].filter((term): term is Pair => term !== undefined);
  if (terms.length === 0) return { re: tf.zerosLike(like), im: tf.zerosLike(like) };
  if (terms.length === 1) return terms[0];
  return { re: tf.add(terms[0].re, terms[1].re), im: tf.add(terms[0].im, terms[1].im) };
}

function isZeroEntry(entry: Entry): boolean {
  return isZero(entry.re) && isZero(entry.im);
}

function isZero(value: Scalar): boolean {
  return typeof value === "number" && value === 0;
}

function scale(value: Scalar, tensor: tf.Tensor): tf.Tensor {
  return typeof value === "number" && value === 1 ? tensor : tf.mul(tensor, value);
}

function times(entry: Entry, x: Pair): Pair | undefined {
  const hasReal = !isZero(entry.re), hasImaginary = !isZero(entry.im);
  if (!hasReal && !hasImaginary) return undefined;
  if (!hasImaginary) return { re: scale(entry.re, x.re), im: scale(entry.re, x.im) };
  if (!hasReal) return { re: tf.neg(scale(entry.im, x.im)), im: scale(entry.im, x.re) };
  return {
    re: tf.sub(scale(entry.re, x.re), scale(entry.im, x.im)),
    im: tf.add(scale(entry.re, x.im), scale(entry.im, x.re)),
  };
}

/**
 * A single-wire channel of our four kinds in the form ρ ↦ ρ⊙K + (XρX)⊙F, where K and F
 * depend only on the wire's row bit r and column bit c (tables indexed 2r + c). Closed
 * forms, from the Kraus operators above, with S = (−1)^(r ⊕ c) (ZρZ = ρ⊙S, YρY = XρX⊙S):
 *   depolarizing:      K = 1−p + p/3·S,  F = p/3·(1 + S)
 *   amplitude damping: K = √(1−γ)^(r+c), F = γ·[r = c = 0]
 *   bit flip:          K = 1−p,          F = p
 *   phase flip:        K = 1−p + p·S,    F = 0
 * The form is closed under composition, so the whole noise model on a wire is one pair
 * (K, F): one permutation XρX and two element-wise products instead of a sandwich per
 * Kraus operator.
 */
export interface ChannelTables {
  keep: number[];
  flip: number[];
}

export function channelTables(channel: NoiseChannelName, p: number): ChannelTables {
  const sign = [1, -1, -1, 1];
  switch (channel) {
    case "depolarizing":
      return { keep: sign.map((s) => 1 - p + (p / 3) * s), flip: sign.map((s) => (p / 3) * (1 + s)) };
    case "amplitude-damping":
      return { keep: [1, Math.sqrt(1 - p), Math.sqrt(1 - p), 1 - p], flip: [p, 0, 0, 0] };
    case "bit-flip":
      return { keep: [1 - p, 1 - p, 1 - p, 1 - p], flip: [p, p, p, p] };
    case "phase-flip":
      return { keep: sign.map((s) => 1 - p + p * s), flip: [0, 0, 0, 0] };
  }
}

/** `first` then `second`: with X(t)(r, c) = t(1−r, 1−c), K = K1·K2 + X(F1)·F2 and F = F1·K2 + X(K1)·F2. */
export function composeTables(first: ChannelTables, second: ChannelTables): ChannelTables {
  const flipped = (table: number[]): number[] => [table[3], table[2], table[1], table[0]];
  const [k1, f1, xk1, xf1] = [first.keep, first.flip, flipped(first.keep), flipped(first.flip)];
  return {
    keep: k1.map((value, index) => value * second.keep[index] + xf1[index] * second.flip[index]),
    flip: f1.map((value, index) => value * second.keep[index] + xk1[index] * second.flip[index]),
  };
}

const MODEL_CHANNELS: [keyof NoiseModel, NoiseChannelName][] = [
  ["depolarizing", "depolarizing"],
  ["amplitudeDamping", "amplitude-damping"],
  ["bitFlip", "bit-flip"],
  ["phaseFlip", "phase-flip"],
];

/** The noise model's per-gate channels composed in order; undefined when there are none. */
function modelTables(model: NoiseModel): ChannelTables | undefined {
  let tables: ChannelTables | undefined;
  for (const [key, channel] of MODEL_CHANNELS) {
    const p = model[key] ?? 0;
    if (p > 0) tables = tables ? composeTables(tables, channelTables(channel, p)) : channelTables(channel, p);
  }
  return tables;
}

/** A D×D complex matrix as two [D, D] tensors; a null part is zero. */
interface Operator {
  re: tf.Tensor2D | null;
  im: tf.Tensor2D | null;
}

/**
 * Per-run constants: channel masks over ρ's entries and the 0/1 matrices from which
 * full-register operators are assembled. Disposed with the run's tidy scope.
 */
class Constants {
  private readonly cache = new Map<string, tf.Tensor>();
  readonly dimension: number;
  constructor(readonly n: number) {
    this.dimension = 2 ** n;
  }

  private cached<T extends tf.Tensor>(key: string, make: () => T): T {
    let value = this.cache.get(key) as T | undefined;
    if (value === undefined) this.cache.set(key, (value = make()));
    return value;
  }

  /** table[2r + c] over ρ's entries, r and c the wire's bits of the row and column index: [1, D, D]. */
  mask(table: number[], wire: number): tf.Tensor {
    return this.cached(`mask:${wire}:${table.join(",")}`, () => {
      const d = this.dimension, shift = this.n - 1 - wire;
      const values = new Float32Array(d * d);
      for (let row = 0; row < d; row++) for (let column = 0; column < d; column++) values[row * d + column] = table[2 * ((row >> shift) & 1) + ((column >> shift) & 1)];
      return tf.tensor3d(values, [1, d, d]);
    });
  }

  /** Pauli X on a wire as a full-register (real, symmetric) operator. */
  pauliX(wire: number): Operator {
    return { re: this.cached(`x:${wire}`, () => tf.tensor2d(this.placement([wire], [0, 1, 1, 0]), [this.dimension, this.dimension])), im: null };
  }

  /**
   * The D×D matrix with `entries[a·2^k + b]` where the wires' bits of (row, column) are
   * (a, b) and every other bit of row and column agree (I ⊗ M ⊗ I with M on `wires`).
   */
  placement(wires: number[], entries: ArrayLike<number>): Float32Array {
    const d = this.dimension, k = wires.length;
    const shifts = wires.map((wire) => this.n - 1 - wire);
    let mask = 0;
    for (const shift of shifts) mask |= 1 << shift;
    const local = (index: number): number => shifts.reduce((acc, shift) => (acc << 1) | ((index >> shift) & 1), 0);
    const values = new Float32Array(d * d);
    for (let row = 0; row < d; row++) {
      const rest = row & ~mask, a = local(row);
      for (let b = 0; b < 1 << k; b++) {
        let column = rest;
        for (let bit = 0; bit < k; bit++) if ((b >> (k - 1 - bit)) & 1) column |= 1 << shifts[bit];
        values[row * d + column] = entries[a * (1 << k) + b];
      }
    }
    return values;
  }

  /** The 0/1 placement of a single entry (a, b), cached: what a tensor-valued entry multiplies. */
  unit(wires: number[], a: number, b: number): tf.Tensor2D {
    return this.cached(`unit:${wires.join(",")}:${a}:${b}`, () => {
      const size = 1 << wires.length;
      const entries = new Float32Array(size * size);
      entries[a * size + b] = 1;
      return tf.tensor2d(this.placement(wires, entries), [this.dimension, this.dimension]);
    });
  }
}

/**
 * U† as a full-register operator for a gate matrix given by entries (numbers or scalar
 * tensors) on `wires`: V[b, a] = conj(U[a, b]). Numeric entries are placed on the host;
 * each tensor entry costs one product with a constant 0/1 matrix.
 */
function adjointOperator(entries: Entry[], wires: number[], constants: Constants): Operator {
  const size = 1 << wires.length;
  const numericRe = new Float32Array(size * size), numericIm = new Float32Array(size * size);
  const tensorRe: tf.Tensor[] = [], tensorIm: tf.Tensor[] = [];
  entries.forEach((entry, index) => {
    const a = Math.floor(index / size), b = index % size, at = b * size + a;
    if (typeof entry.re === "number") numericRe[at] = entry.re;
    else tensorRe.push(tf.mul(entry.re, constants.unit(wires, b, a)));
    if (typeof entry.im === "number") numericIm[at] = -entry.im;
    else tensorIm.push(tf.mul(tf.neg(entry.im), constants.unit(wires, b, a)));
  });
  const d = constants.dimension;
  const part = (numeric: Float32Array, tensors: tf.Tensor[]): tf.Tensor2D | null => {
    const hasNumeric = numeric.some((value) => value !== 0);
    const terms = [...(hasNumeric ? [tf.tensor2d(constants.placement(wires, numeric), [d, d])] : []), ...tensors];
    if (terms.length === 0) return null;
    return (terms.length === 1 ? terms[0] : tf.addN(terms)) as tf.Tensor2D;
  };
  return { re: part(numericRe, tensorRe), im: part(numericIm, tensorIm) };
}

/** x·y for [N, D] (or [D, D]) by [D, D] complex matrices, skipping zero parts. */
function complexProduct(x: Operator, y: Operator): Operator {
  const product = (a: tf.Tensor2D | null, b: tf.Tensor2D | null): tf.Tensor2D | null => (a && b ? tf.matMul(a, b) : null);
  const join = (first: tf.Tensor2D | null, second: tf.Tensor2D | null, subtract: boolean): tf.Tensor2D | null => {
    if (first && second) return subtract ? tf.sub(first, second) : tf.add(first, second);
    if (second) return subtract ? tf.neg(second) : second;
    return first;
  };
  return {
    re: join(product(x.re, y.re), product(x.im, y.im), true),
    im: join(product(x.re, y.im), product(x.im, y.re), false),
  };
}

/** ρ·V for each sample, through plain 2-D products (the fast matMul on wasm). */
function rightMultiply(state: Pair, operator: Operator): Pair {
  const shape = state.re.shape;
  const d = shape[2]!;
  const rows: Operator = { re: state.re.reshape([-1, d]) as tf.Tensor2D, im: state.im.reshape([-1, d]) as tf.Tensor2D };
  const product = complexProduct(rows, operator);
  return {
    re: product.re ? product.re.reshape(shape) : tf.zeros(shape),
    im: product.im ? product.im.reshape(shape) : tf.zeros(shape),
  };
}

/** UρU† = ((ρ·U†)†)·U† for Hermitian ρ, given V = U†. */
function applyOperator(state: Pair, adjoint: Operator): Pair {
  return rightMultiply(dagger(rightMultiply(state, adjoint)), adjoint);
}

/** ρ ↦ ρ⊙K + (XρX)⊙F on one wire. */
function applyTables(state: Pair, n: number, wire: number, tables: ChannelTables, constants: Constants, fullOperators: boolean): Pair {
  const keep = constants.mask(tables.keep, wire);
  const kept = { re: tf.mul(state.re, keep), im: tf.mul(state.im, keep) };
  if (tables.flip.every((value) => value === 0)) return kept;
  const flip = constants.mask(tables.flip, wire);
  const flipped = fullOperators ? applyOperator(state, constants.pauliX(wire)) : sandwich(state, n, wire, PAULI_X);
  return { re: tf.add(kept.re, tf.mul(flipped.re, flip)), im: tf.add(kept.im, tf.mul(flipped.im, flip)) };
}
