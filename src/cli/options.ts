// SPDX-License-Identifier: MIT
/**
 * @module cli/options
 * Options shared by several commands, defined once so their help text and checks agree.
 */
import { Option } from "commander";
import { BACKEND_NAMES } from "../backend/schema.js";

export function backendOption(): Option {
  return new Option("--backend <name>", "tfjs backend; auto takes the first that loads")
    .choices(["auto", ...BACKEND_NAMES])
    .env("QHYBRID_BACKEND");
}

export function setOption(): Option {
  return new Option("--set <key.path=value...>", "override config keys (repeatable), e.g. training.epochs=3").default(
    [],
  );
}

export function jsonOption(): Option {
  return new Option("--json", "print the result as one JSON document on stdout");
}

/** Prints a result: JSON on stdout with --json, the text rendering otherwise. */
export function printResult(json: boolean | undefined, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}
