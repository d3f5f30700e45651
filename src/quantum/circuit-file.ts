// SPDX-License-Identifier: MIT
/**
 * @module quantum/circuit-file
 * Circuit files (configs/circuits/*.yaml): their schema, the loader that turns one into the
 * shared Circuit IR through CircuitBuilder, and `circuitFromConfig`, which does the same for
 * the `quantum:` part of an experiment config. Every problem is one located line
 * (`FILE:LINE:COL: key.path: what was expected`), including the builder's own checks.
 *
 * The format, by example:
 *
 *     qubits: 4
 *     inputs: 4                      # features per sample
 *     operations:
 *       - gate: RY
 *         wires: [0]
 *         params: [{input: 0, scale: pi}]   # angle = π·x[0]
 *       - gate: RX
 *         wires: [1]
 *         params: [0.5]              # a constant; "pi/2", "-pi/4", "2*pi" work too
 *       - gate: RZ
 *         wires: [2]
 *         params: [weight]           # a fresh trainable weight; {weight: a} shares one named a
 *       - embedding: angle           # also amplitude, dense-angle
 *         rotation: Y
 *       - template: basic-entangler  # also strongly-entangling, random
 *         layers: 2
 *       - noise: depolarizing        # also amplitude-damping, bit-flip, phase-flip
 *         probability: 0.01
 *         wires: [0, 1]              # default: every wire
 *     measure:
 *       expval: [0, 1, [0, 1]]       # ⟨Z0⟩, ⟨Z1⟩, ⟨Z0 Z1⟩; or `all` (one ⟨Z⟩ per wire)
 *     #  probs: all                  # or the wires of a marginal, e.g. [0, 2]
 *     noise:                         # optional: after every gate on its wires, and at readout
 *       depolarizing: 0.001
 *       readout: 0.02
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { deriveSeed } from "../random.js";
import { UsageError } from "../errors.js";
import { formatPath, validateYaml, type KeyPath } from "../config/validate-yaml.js";
import { DENSITY_MATRIX_MAX_QUBITS, densityMatrixLimitMessage, needsDensityMatrix } from "./density-matrix.js";
import { CircuitBuilder, type AngleSource, type Circuit, type NoiseChannelName, type Rotation } from "./circuit.js";
import { GATE_NAMES, GATES } from "./gates.js";
import { embeddingCapacity, noiseModelSchema, type QuantumConfig } from "./schema.js";

const AXES = ["X", "Y", "Z"] as const;
const NOISE_CHANNELS = ["depolarizing", "amplitude-damping", "bit-flip", "phase-flip"] as const satisfies readonly NoiseChannelName[];

const PI_MULTIPLE = /^([+-])?\s*(\d+\.?\d*|\.\d+)?\s*\*?\s*pi\s*(?:\/\s*(\d+\.?\d*|\.\d+))?$/;

/** "pi", "pi/2", "-pi/4", "2*pi", "0.5pi" → the number; undefined when not of that form. */
export function parsePiMultiple(text: string): number | undefined {
  const match = PI_MULTIPLE.exec(text.trim());
  if (match === null) return undefined;
  const factor = (match[1] === "-" ? -1 : 1) * (match[2] === undefined ? 1 : Number(match[2]));
  const divisor = match[3] === undefined ? 1 : Number(match[3]);
  return divisor === 0 ? undefined : (factor * Math.PI) / divisor;
}

/** A finite number, or a multiple of π written as text. */
const realNumber = z.unknown().transform((value, context): number => {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const parsed = parsePiMultiple(value);
    if (parsed !== undefined) return parsed;
  }
  context.addIssue({ code: "custom", message: `expected a number or a multiple of pi like "pi/2", got ${JSON.stringify(value)}` });
  return z.NEVER;
});

const probability = z.number().min(0).max(1);
const wireList = z.array(z.number().int().min(0)).min(1);

/** A gate angle as written: 0.5 | "pi/2" | weight | {weight: NAME} | {input: I, scale: S}. */
export type ParamSpec =
  | { kind: "constant"; value: number }
  | { kind: "weight"; name?: string }
  | { kind: "input"; index: number; scale: number };

const PARAM_FORMS = `a number, "pi/2", weight, {weight: NAME} or {input: INDEX, scale: S}`;
const inputParam = z.strictObject({ input: z.number().int().min(0), scale: realNumber.optional() });
const namedWeightParam = z.strictObject({ weight: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a name like theta_1") });

const paramSchema = z.unknown().transform((value, context): ParamSpec => {
  if (value === "weight") return { kind: "weight" };
  if (typeof value === "number" || typeof value === "string") {
    const parsed = realNumber.safeParse(value);
    if (parsed.success) return { kind: "constant", value: parsed.data };
    context.addIssue({ code: "custom", message: `expected ${PARAM_FORMS}, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    if ("input" in value) {
      const parsed = inputParam.safeParse(value);
      if (parsed.success) return { kind: "input", index: parsed.data.input, scale: parsed.data.scale ?? 1 };
      forwardIssues(parsed.error.issues, context, "an input angle", ["input", "scale"]);
      return z.NEVER;
    }
    if ("weight" in value) {
      const parsed = namedWeightParam.safeParse(value);
      if (parsed.success) return { kind: "weight", name: parsed.data.weight };
      forwardIssues(parsed.error.issues, context, "a named weight", ["weight"]);
      return z.NEVER;
    }
  }
  context.addIssue({ code: "custom", message: `expected ${PARAM_FORMS}, got ${describe(value)}` });
  return z.NEVER;
});

const gateOperation = z.strictObject({
  gate: z.enum(GATE_NAMES),
  wires: wireList,
  params: z.array(paramSchema).default([]),
});

const embeddingOperation = z.discriminatedUnion("embedding", [
  z.strictObject({
    embedding: z.literal("amplitude"),
    normalize: z.boolean().default(true),
    pad: z.number().optional(),
    start: z.number().int().min(0).optional(),
    count: z.number().int().min(1).optional(),
  }),
  z.strictObject({
    embedding: z.literal("angle"),
    rotation: z.enum(AXES).default("X"),
    scale: realNumber.optional(),
    start: z.number().int().min(0).optional(),
    count: z.number().int().min(1).optional(),
  }),
  z.strictObject({
    embedding: z.literal("dense-angle"),
    scale: realNumber.optional(),
    start: z.number().int().min(0).optional(),
    count: z.number().int().min(1).optional(),
  }),
]);

const weightName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a name like entangler_1");
const templateOperation = z.discriminatedUnion("template", [
  z.strictObject({
    template: z.literal("basic-entangler"),
    layers: z.number().int().min(1),
    rotation: z.enum(AXES).default("X"),
    name: weightName.optional(),
  }),
  z.strictObject({
    template: z.literal("strongly-entangling"),
    layers: z.number().int().min(1),
    ranges: z.array(z.number().int().min(1)).optional(),
    imprimitive: z.enum(["CNOT", "CZ"]).default("CNOT"),
    name: weightName.optional(),
  }),
  z.strictObject({
    template: z.literal("random"),
    layers: z.number().int().min(1),
    /** Rotations (trainable angles) per layer: the second extent of the [L, k] weights. */
    rotations: z.number().int().min(1),
    seed: z.number().int().min(1).max(2 ** 31 - 1),
    ratioImprimitive: probability.default(0.3),
    axes: z.array(z.enum(AXES)).min(1).default([...AXES]),
    trainable: z.boolean().default(true),
    name: weightName.optional(),
  }),
]);

const noiseOperation = z.strictObject({
  noise: z.enum(NOISE_CHANNELS),
  probability,
  wires: wireList.optional(),
});

const OPERATION_KINDS = {
  gate: { schema: gateOperation, what: "a gate" },
  embedding: { schema: embeddingOperation, what: "an embedding" },
  template: { schema: templateOperation, what: "a template" },
  noise: { schema: noiseOperation, what: "a noise channel" },
} as const;
type OperationKind = keyof typeof OPERATION_KINDS;

export type OperationSpec =
  | ({ kind: "gate" } & z.output<typeof gateOperation>)
  | ({ kind: "embedding" } & z.output<typeof embeddingOperation>)
  | ({ kind: "template" } & z.output<typeof templateOperation>)
  | ({ kind: "noise" } & z.output<typeof noiseOperation>);

/** Picks the operation's schema by which of gate/embedding/template/noise it names. */
const operationSchema = z.unknown().transform((value, context): OperationSpec => {
  const kinds = Object.keys(OPERATION_KINDS) as OperationKind[];
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    context.addIssue({ code: "custom", message: `expected a mapping with one of the keys ${kinds.join(", ")}, got ${describe(value)}` });
    return z.NEVER;
  }
  const named = kinds.filter((kind) => kind in value);
  if (named.length !== 1) {
    context.addIssue({
      code: "custom",
      message:
        named.length === 0
          ? `expected one of the keys ${kinds.join(", ")} (what the operation is), got ${Object.keys(value).join(", ") || "none"}`
          : `an operation is one thing, but this names ${named.join(" and ")}`,
    });
    return z.NEVER;
  }
  const kind = named[0];
  const { schema, what } = OPERATION_KINDS[kind];
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    forwardIssues(parsed.error.issues, context, what, knownOperationKeys(kind, value as Record<string, unknown>));
    return z.NEVER;
  }
  return { kind, ...parsed.data } as OperationSpec;
});

/** An observable group: one wire, or a list of wires whose Z's multiply. */
const observableSchema = z.union([z.number().int().min(0), wireList]);
const measureSchema = z
  .strictObject({
    expval: z.union([z.literal("all"), z.array(observableSchema).min(1)]).optional(),
    probs: z.union([z.literal("all"), wireList]).optional(),
  })
  .refine((measure) => (measure.expval === undefined) !== (measure.probs === undefined), {
    message: "expected exactly one of expval or probs",
  });

export const circuitFileSchema = z.strictObject({
  qubits: z.number().int().min(1).max(30),
  /** Features per sample (what inputs[b] holds). */
  inputs: z.number().int().min(0).default(0),
  operations: z.array(operationSchema).default([]),
  measure: measureSchema,
  noise: noiseModelSchema.optional(),
});
export type CircuitFile = z.output<typeof circuitFileSchema>;

/** Reads, validates and builds a circuit file; problems are one located UsageError line. */
export function loadCircuitFile(path: string): Circuit {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: cannot read the circuit file (${code === "ENOENT" ? "no such file" : (code ?? String(error))})`);
  }
  return parseCircuitFile(text, path);
}

/** The same from text; `sourceName` names it in messages. */
export function parseCircuitFile(text: string, sourceName: string): Circuit {
  const { value, document } = validateYaml(circuitFileSchema, text, sourceName);
  const locate = (path: KeyPath): string => {
    const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0] ?? 0;
    const before = text.slice(0, offset).split("\n");
    return `${sourceName}:${before.length}:${before[before.length - 1].length + 1}`;
  };
  return buildCircuit(value, (path, message) => new UsageError(`${locate(path)}: ${formatPath(path)}: ${message}`));
}

/** Builds the IR from a validated circuit file; `fail` turns a builder RangeError at a key path into an error to throw. */
export function buildCircuit(file: CircuitFile, fail: (path: KeyPath, message: string) => Error): Circuit {
  const attempt = <T>(path: KeyPath, step: () => T): T => {
    try {
      return step();
    } catch (error) {
      if (error instanceof RangeError) throw fail(path, error.message);
      throw error;
    }
  };
  const builder = attempt(["qubits"], () => new CircuitBuilder(file.qubits, file.inputs));
  const namedWeights = new Map<string, number>();
  const angle = (param: ParamSpec, path: KeyPath): AngleSource => {
    switch (param.kind) {
      case "constant":
        return { kind: "constant", value: param.value };
      case "input":
        if (param.index >= file.inputs) {
          throw fail(
            [...path, "input"],
            file.inputs === 0
              ? `input feature ${param.index}, but the circuit declares no inputs (add inputs: N at the top)`
              : `input feature ${param.index} is outside 0..${file.inputs - 1} (inputs: ${file.inputs})`,
          );
        }
        return { kind: "input", index: param.index, scale: param.scale };
      case "weight": {
        if (param.name === undefined) return builder.weight();
        let index = namedWeights.get(param.name);
        if (index === undefined) {
          index = builder.allocateWeights(param.name, [1]);
          namedWeights.set(param.name, index);
        }
        return { kind: "weight", index };
      }
    }
  };
  file.operations.forEach((operation, position) => {
    const path: KeyPath = ["operations", position];
    attempt(path, () => addOperation(builder, operation, path, angle));
  });
  attempt(["measure"], () => {
    const { expval, probs } = file.measure;
    if (expval !== undefined) builder.expval(expval === "all" ? undefined : expval.map((group) => (typeof group === "number" ? [group] : group)));
    else builder.probs(probs === "all" || probs === undefined ? undefined : probs);
  });
  if (file.noise !== undefined) attempt(["noise"], () => builder.withNoise(file.noise!));
  const circuit = builder.build();
  if (needsDensityMatrix(circuit) && circuit.qubits > DENSITY_MATRIX_MAX_QUBITS) {
    const noiseOperation = file.operations.findIndex((operation) => operation.kind === "noise");
    throw fail(noiseOperation >= 0 ? ["operations", noiseOperation] : ["noise"], densityMatrixLimitMessage(circuit.qubits));
  }
  return circuit;
}

function addOperation(
  builder: CircuitBuilder,
  operation: OperationSpec,
  path: KeyPath,
  angle: (param: ParamSpec, path: KeyPath) => AngleSource,
): void {
  const rotation = (axis: (typeof AXES)[number]): Rotation => `R${axis}`;
  switch (operation.kind) {
    case "gate": {
      const expected = GATES[operation.gate].params;
      if (operation.params.length !== expected) {
        throw new RangeError(`${operation.gate} takes ${expected} angle(s) in params, got ${operation.params.length}`);
      }
      builder.gate(operation.gate, operation.wires, operation.params.map((param, index) => angle(param, [...path, "params", index])));
      return;
    }
    case "embedding":
      switch (operation.embedding) {
        case "amplitude":
          builder.amplitudeEmbedding({ start: operation.start, count: operation.count, pad: operation.pad, normalize: operation.normalize });
          return;
        case "angle":
          builder.angleEmbedding({ rotation: rotation(operation.rotation), start: operation.start, count: operation.count, scale: operation.scale });
          return;
        case "dense-angle":
          builder.denseAngleEmbedding({ start: operation.start, count: operation.count, scale: operation.scale });
          return;
      }
      return;
    case "template":
      switch (operation.template) {
        case "basic-entangler":
          builder.basicEntanglerLayers({ layers: operation.layers, rotation: rotation(operation.rotation), name: operation.name });
          return;
        case "strongly-entangling":
          builder.stronglyEntanglingLayers({ layers: operation.layers, ranges: operation.ranges, imprimitive: operation.imprimitive, name: operation.name });
          return;
        case "random":
          builder.randomLayers({
            layers: operation.layers,
            rotationsPerLayer: operation.rotations,
            seed: operation.seed,
            ratioImprimitive: operation.ratioImprimitive,
            rotations: operation.axes.map(rotation),
            trainable: operation.trainable,
            name: operation.name,
          });
          return;
      }
      return;
    case "noise": {
      const wires = operation.wires ?? Array.from({ length: builder.qubits }, (_, wire) => wire);
      builder.noiseChannel(operation.noise, operation.probability, wires);
      return;
    }
  }
}

/**
 * The circuit of an experiment's quantum layer. With `quantum.circuit` the file is loaded
 * (through `loadFile`, which resolves the path) and its qubits and inputs win; otherwise the
 * preset: embedding → template with `layers` → ⟨Z⟩ per wire or all probabilities.
 * `quantum.noise` replaces the file's noise model. RandomLayers' structure seed is derived
 * from `seed` (the experiment's).
 */
export function circuitFromConfig(quantum: QuantumConfig, loadFile: (path: string) => Circuit, options: { seed?: number } = {}): Circuit {
  let circuit: Circuit;
  if (quantum.circuit !== undefined) {
    circuit = loadFile(quantum.circuit);
    if (quantum.features !== undefined && quantum.features !== circuit.inputSize) {
      throw new UsageError(`quantum.features: ${quantum.features}, but the circuit file ${quantum.circuit} takes ${circuit.inputSize} inputs`);
    }
  } else {
    const n = quantum.qubits;
    const features = quantum.features ?? embeddingCapacity(quantum.embedding, n);
    const fail = (path: string, error: unknown): never => {
      throw new UsageError(`quantum.${path}: ${error instanceof Error ? error.message : String(error)}`);
    };
    const builder = new CircuitBuilder(n, features);
    try {
      if (quantum.embedding === "amplitude") builder.amplitudeEmbedding({ pad: 0, normalize: true });
      else if (quantum.embedding === "angle") builder.angleEmbedding({ rotation: `R${quantum.rotation}` });
      else builder.denseAngleEmbedding();
    } catch (error) {
      fail("embedding", error);
    }
    try {
      if (quantum.layers > 0) {
        if (quantum.template === "basic-entangler") builder.basicEntanglerLayers({ layers: quantum.layers });
        else if (quantum.template === "strongly-entangling") builder.stronglyEntanglingLayers({ layers: quantum.layers });
        else builder.randomLayers({ layers: quantum.layers, rotationsPerLayer: n, seed: deriveSeed(options.seed ?? 1, "quantum:random-layers") });
      }
    } catch (error) {
      fail("template", error);
    }
    if (quantum.measure === "expval") builder.expval();
    else builder.probs();
    circuit = builder.build();
  }
  if (quantum.noise !== undefined) {
    circuit = { ...circuit, noise: { ...quantum.noise } };
    if (needsDensityMatrix(circuit) && circuit.qubits > DENSITY_MATRIX_MAX_QUBITS) {
      throw new UsageError(`quantum.noise: ${densityMatrixLimitMessage(circuit.qubits)}`);
    }
  }
  return circuit;
}

function knownOperationKeys(kind: OperationKind, value: Record<string, unknown>): string[] {
  const schema = OPERATION_KINDS[kind].schema as unknown as {
    shape?: Record<string, unknown>;
    options?: { shape: Record<string, unknown> }[];
  };
  if (schema.shape) return Object.keys(schema.shape);
  const option = schema.options?.find((candidate) => {
    const discriminator = candidate.shape[kind] as { value?: unknown; def?: { values?: unknown[] } };
    return discriminator.def?.values?.includes(value[kind]);
  });
  return option ? Object.keys(option.shape) : [];
}

/**
 * Re-raises a sub-schema's issues in the enclosing transform, so paths stay relative to the
 * operation and the messages name what was expected (known keys, discriminator values).
 */
function forwardIssues(
  issues: z.core.$ZodIssue[],
  context: z.core.$RefinementCtx,
  what: string,
  knownKeys: string[],
): void {
  const issue = issues[0];
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0];
    const suggestion = knownKeys.find((known) => known.toLowerCase() === key.toLowerCase() || similar(known, key));
    context.addIssue({
      code: "custom",
      path: [...issue.path, key],
      message: `unknown key for ${what}` + (suggestion ? ` (did you mean "${suggestion}"?)` : `; expected one of: ${knownKeys.join(", ")}`),
    });
    return;
  }
  if (issue.code === "invalid_union" && "options" in issue && Array.isArray((issue as { options?: unknown[] }).options)) {
    context.addIssue({ code: "invalid_value", path: issue.path, values: (issue as unknown as { options: string[] }).options } as never);
    return;
  }
  context.addIssue(issue as never);
}

function similar(a: string, b: string): boolean {
  const x = a.toLowerCase(), y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, index) => index);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length] <= Math.max(2, Math.floor(b.length / 3));
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}
