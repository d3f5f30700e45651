// SPDX-License-Identifier: MIT
/**
 * @module run/schema
 * The `output:` part of an experiment config: where run directories go.
 */
import { z } from "zod";

export const outputSchema = z.strictObject({
  /** Run directories are created as <dir>/<experiment name>/<run id>/. */
  dir: z.string().min(1).default("results"),
  /** Keep a checkpoint for every epoch instead of only the last and the best. */
  keepAllCheckpoints: z.boolean().default(false),
});
export type OutputConfig = z.infer<typeof outputSchema>;
