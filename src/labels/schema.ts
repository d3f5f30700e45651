// SPDX-License-Identifier: MIT
/**
 * @module labels/schema
 * The `labels:` part of an experiment config: which training targets the classifier sees.
 * All modes go through one soft-target cross-entropy.
 */
import { z } from "zod";

export const LABEL_MODES = ["onehot", "smoothing"] as const;

export const labelsSchema = z.strictObject({
  mode: z.enum(LABEL_MODES).default("onehot"),
  /** Label smoothing ε: q = (1 − ε)·onehot + ε/K (Szegedy et al.). */
  epsilon: z.number().min(0).lt(1).default(0.1),
});
export type LabelsConfig = z.infer<typeof labelsSchema>;
