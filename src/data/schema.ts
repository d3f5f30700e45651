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
  /** Folder of the resized-image cache (Stanford Cars, VMMRdb); default `$QHYBRID_CACHE` or ~/.cache/qhybrid. */
  cacheDir: z.string().min(1).optional(),
  /** Batches read and decoded ahead of the trainer (memory: (prefetch+1) batches). */
  prefetch: z.number().int().min(0).max(64).default(2),
  /** Images decoded at once; default: the number of CPUs. */
  decodeConcurrency: z.number().int().positive().optional(),
  stl10: z
    .strictObject({
      /** Train on one of the 10 predefined folds of 1,000 images (0–9) instead of all 5,000. */
      fold: z.number().int().min(0).max(9).optional(),
      /** Also open the 100,000-image unlabeled split. */
      unlabeled: z.boolean().default(false),
    })
    .prefault({}),
  stanfordCars: z
    .strictObject({
      /** Crop each image to its annotated bounding box before resizing. */
      boundingBox: z.boolean().default(false),
    })
    .prefault({}),
  vmmrdb: z
    .strictObject({
      /** Classes with fewer usable images are dropped before splitting. */
      minImagesPerClass: z.number().int().min(2).default(5),
      /** Fraction of each class held out for test (at least one image); validation uses validationFraction. */
      testFraction: z.number().gt(0).lt(1).default(0.15),
      /** Split manifest to reuse or write; default: in the cache folder, named by the split options. */
      manifest: z.string().min(1).optional(),
    })
    .prefault({}),
});
export type DataConfig = z.infer<typeof dataSchema>;
