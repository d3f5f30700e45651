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
 * Cost grows as 4^n per gate and channel: on tfjs-wasm (2 cores) one gate on a 10-qubit ρ
 * took ≈ 0.2 s per sample when measured, so noisy training is practical up to about 8
 * qubits; at 4 qubits (noisy-bel4.yaml, batch 128) forward + backward ran at ≈ 760
 * samples/s, bound by the ≈ 2,000 small tensor ops per forward pass. Noiseless circuits belong to the
 * statevector simulator.
 */
import * as tf from "@tensorflow/tfjs";
import { UsageError } from "../errors.js";
import { Random } from "../random.js";
import type { AngleSource, Circuit, Measurement, NoiseChannelName, NoiseModel, Operation } from "./circuit.js";
import { GATES } from "./gates.js";

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
  const model = circuit.noise ?? {};
  const masks = new WireMasks(n);
  for (const operation of circuit.operations) {
    if (operation.kind === "amplitude-embedding") continue;
    if (operation.kind === "noise") {
      for (const wire of operation.wires) state = applyChannel(state, n, wire, operation.channel, operation.probability, masks);
      continue;
    }
    state = applyGate(state, n, operation, angles);
    state = applyNoiseModel(state, n, operation.wires, model, masks);
  }
  return state;
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
 * Constant [1, D, D] masks over (row index, column index) for one wire: the sign
 * (−1)^(r ⊕ c) of its bits (ZρZ = ρ ⊙ sign), its bits' values, built once per run.
 */
class WireMasks {
  private readonly cache = new Map<string, tf.Tensor>();
  constructor(private readonly n: number) {}

  /** f(row bit, column bit) of `wire` for every entry of ρ. */
  mask(key: string, wire: number, f: (row: number, column: number) => number): tf.Tensor {
    const name = `${key}:${wire}`;
    let mask = this.cache.get(name);
    if (mask === undefined) {
      const dimension = 2 ** this.n;
      const shift = this.n - 1 - wire;
      const values = new Float32Array(dimension * dimension);
      for (let row = 0; row < dimension; row++) {
        for (let column = 0; column < dimension; column++) values[row * dimension + column] = f((row >> shift) & 1, (column >> shift) & 1);
      }
      mask = tf.tensor3d(values, [1, dimension, dimension]);
      this.cache.set(name, mask);
    }
    return mask;
  }
}

/** a ⊙ x + b ⊙ y on both parts (masks are real). */
function mix(x: Pair, a: tf.Tensor, y: Pair, b: tf.Tensor): Pair {
  return { re: tf.add(tf.mul(x.re, a), tf.mul(y.re, b)), im: tf.add(tf.mul(x.im, a), tf.mul(y.im, b)) };
}

/**
 * ρ ↦ Σ_k K_k ρ K_k† on one wire, in closed forms that need at most one XρX (the only
 * permutation) and element-wise masks, instead of one sandwich per Kraus operator:
 *   depolarizing:      (1−p)ρ + p/3·(XρX + YρY + ZρZ), with ZρZ = ρ⊙S and YρY = (XρX)⊙S
 *   amplitude damping: ρ⊙(√(1−γ)^(r+c)) + γ·(XρX)⊙[r = c = 0]
 *   bit flip:          (1−p)ρ + p·XρX
 *   phase flip:        ρ⊙((1−p) + p·S)
 * where S = (−1)^(r ⊕ c) over the wire's row and column bits.
 */
function applyChannel(state: Pair, n: number, wire: number, channel: NoiseChannelName, probability: number, masks: WireMasks): Pair {
  const p = probability;
  if (p === 0) return state;
  const sign = (r: number, c: number): number => (r ^ c ? -1 : 1);
  switch (channel) {
    case "phase-flip": {
      const keep = masks.mask(`phase-flip:${p}`, wire, (r, c) => 1 - p + p * sign(r, c));
      return { re: tf.mul(state.re, keep), im: tf.mul(state.im, keep) };
    }
    case "bit-flip":
      return mix(state, tf.scalar(1 - p), sandwich(state, n, wire, PAULI_X), tf.scalar(p));
    case "depolarizing": {
      const keep = masks.mask(`depolarizing-keep:${p}`, wire, (r, c) => 1 - p + (p / 3) * sign(r, c));
      const flipped = masks.mask(`depolarizing-flip:${p}`, wire, (r, c) => (p / 3) * (1 + sign(r, c)));
      return mix(state, keep, sandwich(state, n, wire, PAULI_X), flipped);
    }
    case "amplitude-damping": {
      const keep = masks.mask(`damping-keep:${p}`, wire, (r, c) => Math.sqrt(1 - p) ** (r + c));
      const decay = masks.mask(`damping-decay:${p}`, wire, (r, c) => (r === 0 && c === 0 ? p : 0));
      return mix(state, keep, sandwich(state, n, wire, PAULI_X), decay);
    }
  }
}

const MODEL_CHANNELS: [keyof NoiseModel, NoiseChannelName][] = [
  ["depolarizing", "depolarizing"],
  ["amplitudeDamping", "amplitude-damping"],
  ["bitFlip", "bit-flip"],
  ["phaseFlip", "phase-flip"],
];

function applyNoiseModel(state: Pair, n: number, wires: number[], model: NoiseModel, masks: WireMasks): Pair {
  let current = state;
  for (const [key, channel] of MODEL_CHANNELS) {
    const probability = model[key] ?? 0;
    if (probability > 0) for (const wire of wires) current = applyChannel(current, n, wire, channel, probability, masks);
  }
  return current;
}
