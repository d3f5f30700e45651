// SPDX-License-Identifier: MIT
/**
 * @module models/schema
 * The `model:` part of an experiment config: which architecture and its sizes. The circuit
 * of a hybrid model's quantum layer is described by the separate `quantum:` part.
 */
import { z } from "zod";

export const MODEL_KINDS = ["cnn", "hybrid", "quanv", "resnet"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const modelSchema = z.strictObject({
  kind: z.enum(MODEL_KINDS).default("cnn"),
  /** Output channels of each convolution block of the feature extractor. */
  channels: z.array(z.number().int().positive()).min(1).default([16, 32]),
  kernelSize: z.number().int().positive().default(3),
  padding: z.enum(["same", "valid"]).default("same"),
  /** Batch normalisation after each convolution (Conv-BN-ReLU-MaxPool). */
  batchNorm: z.boolean().default(true),
  /** How the last feature map becomes a vector: flatten it, or average each channel. */
  pooling: z.enum(["flatten", "global-average"]).default("global-average"),
  /** Hidden dense layers (ReLU) of the classical head. */
  dense: z.array(z.number().int().positive()).default([64]),
  dropout: z.number().min(0).lt(1).default(0),
  /** The seed 2 hybrid head: features → Linear(hidden) → Linear(→ circuit inputs) → circuit → Linear(post) → output. */
  hybrid: z
    .strictObject({
      hidden: z.number().int().positive().default(256),
      post: z.number().int().positive().default(128),
      /** Applied to the circuit's inputs: seed 2 uses softmax (then amplitude normalisation). */
      inputActivation: z.enum(["softmax", "tanh", "sigmoid", "linear"]).default("softmax"),
      /** Multiplies angle-embedding inputs after the activation, e.g. π for tanh → [−π, π]. */
      inputScale: z.number().positive().default(1),
    })
    .prefault({}),
  /** Quanvolution front layer (model.kind: quanv), Henderson et al. 2019. */
  quanv: z
    .strictObject({
      patch: z.number().int().min(1).max(4).default(2),
      stride: z.number().int().positive().default(2),
      /** Independent random circuits, each giving `patch²` output channels (one ⟨Z⟩ per qubit). */
      filters: z.number().int().positive().default(1),
      /** RandomLayers depth of each filter circuit. */
      layers: z.number().int().positive().default(1),
      /** Train the circuits' weights instead of fixing them (then nothing is cached). */
      trainable: z.boolean().default(false),
    })
    .prefault({}),
  /** ResNet head: a dense classifier, or the seed 3 VQC head (2048 → quantum.qubits angles → circuit → classes). */
  head: z.enum(["classical", "quantum"]).default("classical"),
  /** ResNet depth and width multiplier (model.kind: resnet). */
  depth: z.union([z.literal(18), z.literal(34), z.literal(50)]).default(18),
  widthMultiplier: z.number().positive().default(1),
  /** A local tfjs layers-format model.json whose weights initialise the backbone. */
  weights: z.string().min(1).optional(),
  /** Freeze the backbone and train only the head. */
  freezeBackbone: z.boolean().default(false),
  /** Build the matched classical control: the quantum layer replaced by a dense layer. */
  control: z.boolean().default(false),
  /** Train the model and then its matched control in one command (as `--with-control`). */
  withControl: z.boolean().default(false),
});
export type ModelConfig = z.infer<typeof modelSchema>;

/** Whether the model has a quantum layer (and so a matched classical control). */
export function hasQuantumLayer(model: Pick<ModelConfig, "kind" | "head">): boolean {
  return model.kind === "hybrid" || model.kind === "quanv" || (model.kind === "resnet" && model.head === "quantum");
}
