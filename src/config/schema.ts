// SPDX-License-Identifier: MIT
/**
 * @module config/schema
 * The whole experiment schema, composed from the part schemas that live beside the code
 * consuming them, plus the checks that span parts (impossible combinations).
 */
import { z } from "zod";
import { backendChoiceSchema } from "../backend/schema.js";
import { dataSchema } from "../data/schema.js";
import { evalSchema } from "../eval/schema.js";
import { labelsSchema } from "../labels/schema.js";
import { hasQuantumLayer, modelSchema } from "../models/schema.js";
import { embeddingCapacity, quantumSchema } from "../quantum/schema.js";
import { outputSchema } from "../run/schema.js";
import { trainingSchema } from "../train/schema.js";

export const experimentSchema = z
  .strictObject({
    /** Names the experiment's folder under output.dir. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' or '-'")
      .default("experiment"),
    /** One seed from which every random stream of the run is derived. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    backend: backendChoiceSchema.default("auto"),
    data: dataSchema.prefault({}),
    model: modelSchema.prefault({}),
    quantum: quantumSchema.prefault({}),
    labels: labelsSchema.prefault({}),
    training: trainingSchema.prefault({}),
    eval: evalSchema.prefault({}),
    output: outputSchema.prefault({}),
  })
  .superRefine((config, context) => {
    const quantum = config.quantum;
    const capacity = embeddingCapacity(quantum.embedding, quantum.qubits);
    if (quantum.features !== undefined && quantum.features > capacity) {
      context.addIssue({
        code: "custom",
        path: ["quantum", "features"],
        message: `${quantum.embedding} embedding on ${quantum.qubits} qubits holds at most ${capacity} features, got ${quantum.features}`,
      });
    }
    const classical = !hasQuantumLayer(config.model);
    for (const key of ["control", "withControl"] as const) {
      if (config.model[key] && classical) {
        context.addIssue({
          code: "custom",
          path: ["model", key],
          message: `a matched control replaces a quantum layer; model.kind: ${config.model.kind}${config.model.kind === "resnet" ? " with head: classical" : ""} has none`,
        });
      }
    }
    const augment = config.data.augment;
    if (augment.crop !== undefined && config.data.resize !== undefined) {
      const [height, width] = config.data.resize;
      if (augment.crop > Math.min(height, width)) {
        context.addIssue({
          code: "custom",
          path: ["data", "augment", "crop"],
          message: `a crop of ${augment.crop} pixels does not fit in images resized to ${height}×${width}`,
        });
      }
    }
    const normalize = config.data.normalize;
    if (normalize !== undefined && normalize.mean.length !== normalize.std.length) {
      context.addIssue({
        code: "custom",
        path: ["data", "normalize", "std"],
        message: `mean has ${normalize.mean.length} channels but std has ${normalize.std.length}`,
      });
    }
  });

export type ExperimentConfig = z.infer<typeof experimentSchema>;
/** What a YAML file may contain before defaults are filled in. */
export type ExperimentInput = z.input<typeof experimentSchema>;
