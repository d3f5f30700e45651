// SPDX-License-Identifier: MIT
/**
 * @module backend/schema
 * The `backend:` key of an experiment and the `--backend` flag share these names.
 */
import { z } from "zod";

/** In the order `auto` tries them: fastest first, pure JavaScript last. */
export const BACKEND_NAMES = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export const backendChoiceSchema = z.enum(["auto", ...BACKEND_NAMES]);
export type BackendChoice = z.infer<typeof backendChoiceSchema>;
