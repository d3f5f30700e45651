import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadExperimentConfig } from "../../src/config/load.js";
import { parseOverride } from "../../src/config/validate-yaml.js";
import { UsageError } from "../../src/errors.js";

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "qhybrid-config-")), "experiment.yaml");
  writeFileSync(path, text);
  return path;
}

/** Asserts that loading fails with a UsageError whose one-line message matches. */
function assertRefused(text: string, pattern: RegExp, overrides: string[] = []): string {
  const path = configFile(text);
  let message = "";
  assert.throws(
    () => loadExperimentConfig(path, overrides),
    (error: unknown) => {
      assert.ok(error instanceof UsageError, `expected a UsageError, got ${String(error)}`);
      message = error.message;
      return true;
    },
  );
  assert.ok(!message.includes("\n"), `the error is one line: ${message}`);
  assert.match(message.replace(path, "FILE"), pattern);
  return message;
}

describe("experiment configs", () => {
  it("an empty file resolves to the documented defaults", () => {
    const { config } = loadExperimentConfig(configFile(""));
    assert.equal(config.name, "experiment");
    assert.equal(config.backend, "auto");
    assert.equal(config.data.name, "mnist");
    assert.equal(config.training.optimizer.name, "adam");
    assert.equal(config.eval.bins, 15);
  });

  it("a typo in a key names the file, line, column, key path and the likely key", () => {
    assertRefused("name: t\ntraining:\n  epocs: 3\n", /^FILE:3:3: training\.epocs: unknown key \(did you mean "epochs"\?\)$/);
  });

  it("a wrong type names where it is and what was expected", () => {
    assertRefused("quantum:\n  qubits: four\n", /^FILE:2:11: quantum\.qubits: expected a number, got "four"$/);
  });

  it("an unknown enum value lists the accepted ones", () => {
    assertRefused("data:\n  name: imagenet\n", /^FILE:2:9: data\.name: expected one of "mnist", .*"vmmrdb", got "imagenet"$/);
  });

  it("amplitude embedding of more features than 2^n amplitudes is refused", () => {
    assertRefused(
      "quantum:\n  qubits: 4\n  embedding: amplitude\n  features: 20\n",
      /^FILE:4:13: quantum\.features: amplitude embedding on 4 qubits holds at most 16 features, got 20$/,
    );
  });

  it("a matched control of a model without a quantum layer is refused", () => {
    assertRefused("model:\n  kind: cnn\n  control: true\n", /^FILE:3:12: model\.control: a matched control replaces a quantum layer; model\.kind: cnn has none$/);
  });

  it("broken YAML is reported with its position", () => {
    assertRefused("a: [1,\n", /^FILE:2:1: invalid YAML: /);
  });

  it("duplicate keys are refused", () => {
    assertRefused("seed: 1\nseed: 2\n", /^FILE:2:1: invalid YAML: Map keys must be unique/);
  });

  it("a missing file is one clear line", () => {
    assert.throws(() => loadExperimentConfig("/nonexistent/x.yaml"), /\/nonexistent\/x\.yaml: cannot read the config: no such file/);
  });

  it("--set overrides coerce numbers, booleans and lists", () => {
    const { config } = loadExperimentConfig(configFile("training:\n  epochs: 5\n"), [
      "training.epochs=3",
      "model.control=true",
      "model.channels=[8, 16, 32]",
      "model.kind=hybrid",
    ]);
    assert.equal(config.training.epochs, 3);
    assert.equal(config.model.control, true);
    assert.deepEqual(config.model.channels, [8, 16, 32]);
  });

  it("a bad --set value is reported against the --set text", () => {
    assertRefused("", /^--set training\.epochs=x: training\.epochs: expected a number, got "x"$/, ["training.epochs=x"]);
  });

  it("a --set without '=' is refused", () => {
    assert.throws(() => parseOverride("training.epochs"), /expected KEY\.PATH=VALUE/);
  });
});
