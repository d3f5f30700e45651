// SPDX-License-Identifier: MIT
/**
 * @module cli/commands/config
 * `qhybrid config check FILE`: validate an experiment config and print it resolved.
 */
import { Command } from "commander";
import { formatResolvedConfig, loadExperimentConfig } from "../../config/load.js";
import { jsonOption, printResult, setOption } from "../options.js";

export function configCommand(): Command {
  const config = new Command("config").description("work with experiment config files");
  config
    .command("check")
    .description("validate an experiment config and print it with every default filled in")
    .argument("<file>", "experiment config (YAML)")
    .addOption(setOption())
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\nExamples:\n  qhybrid config check configs/mnist-hybrid.yaml\n  qhybrid config check configs/mnist-hybrid.yaml --set training.epochs=3 --set quantum.qubits=5 --json\n",
    )
    .action((file: string, options: { set: string[]; json?: boolean }) => {
      const loaded = loadExperimentConfig(file, options.set);
      printResult(options.json, loaded.config, () => formatResolvedConfig(loaded));
    });
  return config;
}
