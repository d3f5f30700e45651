// SPDX-License-Identifier: MIT
/**
 * @module data/schema
 * The `data:` part of an experiment config: which dataset, where it lives, how much of it,
 * and how training images are augmented. Consumed by the dataset loaders in src/data/.
 */
import { z } from "zod";

export const DATASET_NAMES = [
  "mnist",
  "fashion-mnist",
  "cifar100",
  "stl10",
  "stanford-cars",
  "vmmrdb",
] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

const unitInterval = z.number().min(0).max(1);

export const augmentSchema = z.strictObject({
  /** Random crop of this size (pixels, square) after resizing; omitted: no crop. */
  crop: z.number().int().positive().optional(),
  /** Random horizontal flip with probability 0.5. */
  flip: z.boolean().default(false),
  /** Random rotation, uniform in [-degrees, +degrees]. */
  rotation: z.number().min(0).max(180).default(0),
  colorJitter: z
    .strictObject({
      brightness: unitInterval.default(0),
      contrast: unitInterval.default(0),
      saturation: unitInterval.default(0),
      hue: z.number().min(0).max(0.5).default(0),
    })
    .optional(),
});

export const dataSchema = z.strictObject({
  name: z.enum(DATASET_NAMES).default("mnist"),
  /** Folder holding the dataset files; default: the search order in the README. */
  root: z.string().min(1).optional(),
  /** Use only the first N training images (smoke runs). */
  limit: z.number().int().positive().optional(),
  /** Fraction of the training split held out for validation (early stopping, calibration). */
  validationFraction: z.number().min(0).lt(1).default(0.1),
  /** Resize every image to [height, width] before anything else. */
  resize: z.tuple([z.number().int().positive(), z.number().int().positive()]).optional(),
  /** CIFAR-100 only: train on the 20 coarse superclasses instead of the 100 fine classes. */
  coarseLabels: z.boolean().default(false),
  /** Per-channel normalisation applied inside the model, on [0,1] pixels. */
  normalize: z
    .strictObject({ mean: z.array(z.number()).min(1), std: z.array(z.number().positive()).min(1) })
    .optional(),
  augment: augmentSchema.prefault({}),
});
export type DataConfig = z.infer<typeof dataSchema>;
