import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { configHash } from "../../src/config/hash.js";
import { experimentSchema } from "../../src/config/schema.js";
import { validateYaml } from "../../src/config/validate-yaml.js";
import { UsageError } from "../../src/errors.js";
import { loadSweep } from "../../src/sweep/plan.js";
import { parseShard, shardTrials } from "../../src/sweep/run.js";
import { REPOSITORY_ROOT } from "../cli/run-cli.js";

const scratch = (): string => mkdtempSync(join(tmpdir(), "qhybrid-sweep-plan-"));
const CNN = join(REPOSITORY_ROOT, "configs/mnist-cnn.yaml");

function sweepFile(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function usageError(pattern: RegExp): (error: unknown) => boolean {
  return (error) => error instanceof UsageError && pattern.test(error.message);
}

describe("loadSweep", () => {
  it("gives the same trial ids whatever the order of keys in the sweep and the base config", () => {
    const dir = scratch();
    const a = sweepFile(
      dir,
      "a.yaml",
      `base: ${CNN}\nset:\n  data.limit: 100\n  training.batchSize: 50\ngrid:\n  training.epochs: [1, 2]\n  model.dense: [[16], [32]]\nseeds: [1, 2]\n`,
    );
    const reorderedBase = sweepFile(
      dir,
      "base.yaml",
      "training:\n  optimizer:\n    learningRate: 0.001\n    name: adam\n  batchSize: 128\n  epochs: 1\nmodel:\n  dense: [64]\n  pooling: flatten\n  batchNorm: false\n  padding: valid\n  kernelSize: 3\n  channels: [16, 32]\n  kind: cnn\ndata:\n  validationFraction: 0.1\n  name: mnist\nseed: 1\nname: mnist-cnn\n",
    );
    const b = sweepFile(
      dir,
      "b.yaml",
      `seeds: [2, 1]\ngrid:\n  model.dense: [[32], [16]]\n  training.epochs: [2, 1]\nset:\n  training.batchSize: 50\n  data.limit: 100\nbase: ${reorderedBase}\n`,
    );
    const idsA = loadSweep(a).trials.map((trial) => trial.id);
    const idsB = loadSweep(b).trials.map((trial) => trial.id);
    assert.equal(idsA.length, 8);
    assert.equal(new Set(idsA).size, 8);
    assert.deepEqual([...idsA].sort(), [...idsB].sort());
  });

  it("keeps the ids of existing trials when the sweep gains an axis value", () => {
    const dir = scratch();
    const before = loadSweep(sweepFile(dir, "s.yaml", `base: ${CNN}\ngrid:\n  training.epochs: [1, 2]\n`)).trials.map((t) => t.id);
    const after = loadSweep(sweepFile(dir, "s.yaml", `base: ${CNN}\ngrid:\n  training.epochs: [1, 2, 3]\n`)).trials.map((t) => t.id);
    assert.deepEqual(after.slice(0, 2), before);
    assert.equal(after.length, 3);
  });

  it("puts each trial in <output>/trials/<id>/ and its runs under runs/ there", () => {
    const dir = scratch();
    const plan = loadSweep(sweepFile(dir, "tiny.yaml", `base: ${CNN}\nrepeats: 2\n`));
    assert.equal(plan.output, join("results", "sweeps", "tiny"));
    for (const trial of plan.trials) {
      assert.equal(trial.dir, join("results", "sweeps", "tiny", "trials", trial.id));
      assert.equal(trial.runConfig.output.dir, join(trial.dir, "runs"));
      assert.deepEqual(trial.runs.map((run) => run.name), ["mnist-cnn"]);
    }
    assert.deepEqual(plan.trials.map((t) => t.seed), [1, 2]);
  });

  it("expects a model run and a control run from a trial with model.withControl", () => {
    const dir = scratch();
    const plan = loadSweep(sweepFile(dir, "s.yaml", `base: ${join(REPOSITORY_ROOT, "configs/mnist-hybrid.yaml")}\n`));
    assert.deepEqual(plan.trials[0].runs.map((run) => [run.name, run.control]), [["mnist-hybrid", false], ["mnist-hybrid-control", true]]);
    assert.notEqual(plan.trials[0].runs[0].configHash, plan.trials[0].runs[1].configHash);
  });

  it("reads a base config given inline", () => {
    const dir = scratch();
    const plan = loadSweep(sweepFile(dir, "s.yaml", "config:\n  name: inline\n  model:\n    kind: cnn\ngrid:\n  training.epochs: [1, 2]\n"));
    assert.equal(plan.base, "inline");
    assert.deepEqual(plan.trials.map((t) => [t.config.name, t.config.model.kind, t.config.training.epochs]), [["inline", "cnn", 1], ["inline", "cnn", 2]]);
  });

  const errors: [string, string, RegExp][] = [
    ["a grid value the experiment schema rejects, at its line and column", `base: ${CNN}\ngrid:\n  quantum.qubits: [4, 30]\n`, /s\.yaml:3:23: grid\.quantum\.qubits\[1\] sets quantum\.qubits = 30 \(trial 2: quantum\.qubits=30\): quantum\.qubits: expected a number ≤ 24, got 30/],
    ["an unknown key path in set:", `base: ${CNN}\nset:\n  training.epoch: 3\n`, /s\.yaml:3:19: set\.training\.epoch sets training\.epoch = 3: training\.epoch: unknown key \(did you mean "epochs"\?\)/],
    ["a bad value in an include entry", `base: ${CNN}\ninclude:\n  - {data.name: imagenet}\n`, /s\.yaml:3:17: include\[0\]\.data\.name sets data\.name = "imagenet"/],
    ["a bad value in an inline config, at its line in the sweep file", "grid:\n  training.epochs: [1]\nconfig:\n  name: x\n  model:\n    kind: cnnn\n", /s\.yaml:6:11: model\.kind: expected one of/],
    ["an unknown key of the sweep file itself", `base: ${CNN}\ngird:\n  a: [1]\n`, /s\.yaml:2:1: gird: unknown key \(did you mean "grid"\?\)/],
    ["an unknown distribution", `base: ${CNN}\nrandom:\n  samples: 2\n  parameters:\n    training.epochs: {distribution: normal, min: 1, max: 2}\n`, /s\.yaml:5:37: random\.parameters\.training\.epochs\.distribution: got "normal"/],
    ["a missing base file", "base: nowhere.yaml\n", /nowhere\.yaml: cannot read the base config \(base: nowhere\.yaml at .*s\.yaml:1:7\): no such file/],
    ["neither base nor config", "grid:\n  a: [1]\n", /exactly one of them/],
    ["a swept key also fixed", `base: ${CNN}\nset:\n  training.epochs: 1\ngrid:\n  training.epochs: [1, 2]\n`, /s\.yaml:3:20: set\.training\.epochs: fixed here but also swept/],
    ["an exclude that drops everything", `base: ${CNN}\ngrid:\n  training.epochs: [1]\nexclude:\n  - {training.epochs: 1}\n`, /the sweep has no trials/],
  ];
  for (const [name, text, message] of errors) {
    it(`rejects ${name}`, () => {
      const dir = scratch();
      assert.throws(() => loadSweep(sweepFile(dir, "s.yaml", text)), usageError(message));
    });
  }
});

describe("shards", () => {
  it("partition the trials exactly, in balanced parts", () => {
    const dir = scratch();
    const plan = loadSweep(sweepFile(dir, "s.yaml", `base: ${CNN}\ngrid:\n  training.epochs: [1, 2, 3, 4, 5, 6, 7]\nseeds: [1, 2]\n`));
    assert.equal(plan.trials.length, 14);
    for (let count = 1; count <= 16; count++) {
      const parts = Array.from({ length: count }, (_, index) => shardTrials(plan.trials, parseShard(`${index}/${count}`)).map((t) => t.id));
      const all = parts.flat();
      assert.equal(all.length, plan.trials.length, `${count} shards`);
      assert.deepEqual(new Set(all), new Set(plan.trials.map((t) => t.id)));
      const sizes = parts.map((part) => part.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${count} shards: sizes ${sizes.join(", ")}`);
    }
  });

  it("are written I/N with 0 ≤ I < N", () => {
    assert.deepEqual(parseShard("2/4"), { index: 2, count: 4 });
    for (const bad of ["4/4", "1/0", "-1/3", "1", "a/b"]) assert.throws(() => parseShard(bad), usageError(/expected I\/N/));
  });
});

describe("configs/sweeps", () => {
  const dir = join(REPOSITORY_ROOT, "configs/sweeps");
  const files = readdirSync(dir).filter((name) => name.endsWith(".yaml"));

  it("holds the hybrid-vs-control and ablation sweeps", () => {
    for (const name of ["hybrid-vs-control-mnist.yaml", "hybrid-vs-control-cifar100.yaml", "hybrid-vs-control-stl10.yaml", "ablation-qubits.yaml", "ablation-entanglers.yaml"]) {
      assert.ok(files.includes(name), name);
    }
  });

  for (const name of files) {
    it(`${name} plans, and every trial's config file reads back to the same config`, () => {
      const plan = loadSweep(join(dir, name));
      assert.ok(plan.trials.length > 1);
      for (const trial of plan.trials) {
        const reread = validateYaml(experimentSchema, stringify(trial.runConfig, { lineWidth: 0 }), "trial.yaml").value;
        assert.equal(configHash(reread), configHash(trial.runConfig));
      }
    });
  }
});
