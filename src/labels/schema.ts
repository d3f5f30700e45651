// SPDX-License-Identifier: MIT
/**
 * @module labels/schema
 * The `labels:` part of an experiment config: which training targets the classifier sees
 * (one-hot, label smoothing, soft labels from a labels file, or QPLR: stage 1 then stage 2),
 * and `labels.labeller`, the stage-1 labeller of `qhybrid label-refine`. All modes go
 * through one soft-target cross-entropy.
 */
import { z } from "zod";

export const LABEL_MODES = ["onehot", "smoothing", "soft", "qplr"] as const;
export type LabelMode = (typeof LABEL_MODES)[number];

/**
 * born: the plain Born-rule labeller (encoding → variational layers → probabilities →
 * class distribution by `mapping`). paper: QPLR's own labeller (784 → 128 → 128 → qubits
 * angles, RY encoding, layers of Rot + CZ ring, all 2^n probabilities → 128 → K softmax).
 * classical: a dense network of about the same parameter count as the `born` or `paper`
 * labeller it stands in for (the classical-soft control).
 */
export const LABELLER_KINDS = ["born", "paper", "classical"] as const;
export type LabellerKind = (typeof LABELLER_KINDS)[number];

export const labellerSchema = z.strictObject({
  kind: z.enum(LABELLER_KINDS).default("born"),
  /** What the classical labeller matches in size: the born or the paper labeller. */
  matches: z.enum(["born", "paper"]).default("born"),
  /** born: amplitude (image resized/padded to 2^qubits pixels) or angle / dense-angle after a PCA fitted on the training split. */
  encoding: z.enum(["amplitude", "angle", "dense-angle"]).default("amplitude"),
  qubits: z.number().int().min(2).max(14).default(10),
  layers: z.number().int().min(1).max(20).default(4),
  template: z.enum(["strongly-entangling", "basic-entangler"]).default("strongly-entangling"),
  /**
   * born: first-k = probabilities of all wires, the first K basis states renormalised;
   * marginal = probabilities of the first ⌈log2 K⌉ wires, the first K of those renormalised.
   */
  mapping: z.enum(["first-k", "marginal"]).default("first-k"),
  /** Hidden width of the classical labeller; default: matched to the quantum labeller's parameter count. */
  hidden: z.number().int().positive().nullish(),
  epochs: z.number().int().positive().default(3),
  batchSize: z.number().int().positive().default(64),
  learningRate: z.number().positive().default(0.01),
  /** Finite shots for training and labelling (seeded); exact probabilities when absent or null. */
  shots: z.number().int().positive().nullish(),
  /** Soft label ∝ p^(1/T) (born) or softmax(z/T) (paper, classical). */
  temperature: z.number().positive().default(1),
  /** Mixing with the one-hot label: q = (1 − alpha)·soft + alpha·onehot. */
  alpha: z.number().min(0).max(1).default(0),
  /** QPLR's M4: soft labels only where the labeller's top-1 confidence ≥ this, one-hot elsewhere. */
  confidence: z.number().gt(0).max(1).nullish(),
});
export type LabellerConfig = z.infer<typeof labellerSchema>;

export const labelsSchema = z.strictObject({
  mode: z.enum(LABEL_MODES).default("onehot"),
  /** Label smoothing ε: q = (1 − ε)·onehot + ε/K (Szegedy et al.). */
  epsilon: z.number().min(0).lt(1).default(0.1),
  /** mode soft: the labels file to train on; mode qplr: where to keep the stage-1 labels (default under output.dir). */
  file: z.string().min(1).optional(),
  labeller: labellerSchema.prefault({}),
}).superRefine((labels, context) => {
  if (labels.mode === "soft" && labels.file === undefined) {
    context.addIssue({ code: "custom", path: ["file"], message: "labels.mode soft trains on a labels file: give labels.file (written by qhybrid label-refine)" });
  }
});
export type LabelsConfig = z.infer<typeof labelsSchema>;
