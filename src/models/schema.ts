// SPDX-License-Identifier: MIT
/**
 * @module models/schema
 * The `model:` part of an experiment config: which architecture and its sizes. The quantum
 * layer inside a hybrid model is described by the separate `quantum:` part.
 */
import { z } from "zod";

export const MODEL_KINDS = ["cnn", "hybrid", "quanv", "resnet"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const modelSchema = z.strictObject({
  kind: z.enum(MODEL_KINDS).default("cnn"),
  /** Output channels of each Conv-BN-ReLU-MaxPool block of the feature extractor. */
  channels: z.array(z.number().int().positive()).min(1).default([16, 32]),
  /** Kernel size of every convolution. */
  kernelSize: z.number().int().positive().default(3),
  /** Batch normalisation after each convolution. */
  batchNorm: z.boolean().default(true),
  /** Hidden dense layers between the features and the output (classical head). */
  dense: z.array(z.number().int().positive()).default([64]),
  dropout: z.number().min(0).lt(1).default(0),
  /** ResNet depth and width multiplier (model.kind: resnet). */
  depth: z.union([z.literal(18), z.literal(34), z.literal(50)]).default(18),
  widthMultiplier: z.number().positive().default(1),
  /** A local tfjs layers-format model.json whose weights initialise the backbone. */
  weights: z.string().min(1).optional(),
  /** Freeze the backbone and train only the head. */
  freezeBackbone: z.boolean().default(false),
  /** Build the matched classical control: the quantum layer replaced by a dense layer. */
  control: z.boolean().default(false),
});
export type ModelConfig = z.infer<typeof modelSchema>;
