// SPDX-License-Identifier: MIT
/**
 * @module config/load
 * Reads an experiment config: the YAML file (or the built-in main job), `--set`
 * overrides, defaults, validation. Returns the fully resolved config that every run saves.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { UsageError } from "../errors.js";
import { experimentSchema, type ExperimentConfig } from "./schema.js";
import { parseOverride, validateYaml, type Override } from "./validate-yaml.js";

/** The main job, run when `qhybrid train` is given no config. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL("../../configs/mnist-hybrid.yaml", import.meta.url));

export interface LoadedConfig {
  config: ExperimentConfig;
  /** The file it came from. */
  source: string;
  overrides: Override[];
}

export function loadExperimentConfig(file: string, setTexts: string[] = []): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new UsageError(`${file}: cannot read the config: ${reason}`);
  }
  const overrides = setTexts.map(parseOverride);
  const { value } = validateYaml(experimentSchema, text, file, overrides);
  return { config: value, source: file, overrides };
}

/** The resolved config as YAML, with a header saying where it came from. */
export function formatResolvedConfig(loaded: LoadedConfig): string {
  const header = [
    `# Resolved by qhybrid from ${loaded.source}`,
    ...loaded.overrides.map((override) => `# --set ${override.text}`),
  ].join("\n");
  return `${header}\n${stringify(loaded.config, { lineWidth: 0 })}`;
}
