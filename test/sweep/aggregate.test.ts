import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { aggregateSweep } from "../../src/sweep/aggregate.js";
import { loadSweep, type SweepPlan, type Trial, type TrialRun } from "../../src/sweep/plan.js";
import { csvField, writeSweepReport } from "../../src/sweep/report.js";
import { REPOSITORY_ROOT } from "../cli/run-cli.js";

const scratch = (): string => mkdtempSync(join(tmpdir(), "qhybrid-sweep-aggregate-"));

function planFor(base: string, axes: string): SweepPlan {
  const dir = scratch();
  const file = join(dir, "s.yaml");
  writeFileSync(file, `base: ${join(REPOSITORY_ROOT, base)}\n${axes}output: ${join(dir, "out")}\n`);
  return loadSweep(file);
}

/** What `qhybrid train` leaves behind: summary.json (and eval.json) in runs/<name>/<run-id>/. */
function finishRun(trial: Trial, run: TrialRun, metrics: { accuracy: number; nll: number; noise?: number }): void {
  const runDirectory = join(trial.dir, "runs", run.name, "20261124-000000-000-abcd");
  mkdirSync(join(runDirectory, "eval"), { recursive: true });
  const summary = {
    runDirectory,
    variant: run.control ? "control" : "model",
    seed: trial.seed,
    configHash: run.configHash,
    epochs: 1,
    test: { split: "test", accuracy: metrics.accuracy, top5: null, nll: metrics.nll, ece: 0.01, checkpoint: "last" },
    secondsPerEpoch: 2,
    samplesPerSecond: 100,
  };
  writeFileSync(join(runDirectory, "summary.json"), JSON.stringify(summary));
  if (metrics.noise !== undefined) {
    const evaluation = { clean: { brier: 0.1 }, robustness: { noise: [{ level: 0.1, accuracy: metrics.noise }], rotate: [], fgsm: [], pgd: null, corrupt: [] } };
    writeFileSync(join(runDirectory, "eval", "eval.json"), JSON.stringify(evaluation));
  }
}

const near = (actual: number | null, expected: number, tolerance = 1e-6): void => {
  assert.ok(actual !== null && Math.abs(actual - expected) < tolerance, `${actual} ≠ ${expected}`);
};

describe("aggregateSweep", () => {
  it("matches hand-computed means, standard deviations and 95% intervals per group", () => {
    const plan = planFor("configs/mnist-cnn.yaml", "grid:\n  training.epochs: [1, 2]\nseeds: [1, 2, 3]\n");
    const accuracy: Record<number, number[]> = { 1: [0.9, 0.92, 0.94], 2: [0.95, 0.96, 0.97] };
    const nll: Record<number, number[]> = { 1: [0.3, 0.2, 0.25], 2: [0.2, 0.1, 0.15] };
    for (const trial of plan.trials) {
      const epochs = trial.config.training.epochs;
      finishRun(trial, trial.runs[0], { accuracy: accuracy[epochs][trial.seed - 1], nll: nll[epochs][trial.seed - 1], noise: accuracy[epochs][trial.seed - 1] - 0.1 });
    }
    const aggregate = aggregateSweep(plan);
    assert.equal(aggregate.trials.finished, 6);
    assert.deepEqual(aggregate.axes, ["training.epochs"]);
    assert.equal(aggregate.groups.length, 2);
    const [one, two] = aggregate.groups;
    assert.deepEqual(one.axes, { "training.epochs": 1 });
    assert.deepEqual(one.seeds, [1, 2, 3]);
    // mean 0.92, s = 0.02, half-width t_{0.975,2} · s / √3 = 4.302653 · 0.02 / 1.732051 = 0.0496828
    near(one.metrics.accuracy.mean, 0.92);
    near(one.metrics.accuracy.std, 0.02);
    near(one.metrics.accuracy.low, 0.92 - 0.0496828);
    near(one.metrics.accuracy.high, 0.92 + 0.0496828);
    // mean 0.96, s = 0.01, half-width 0.0248414
    near(two.metrics.accuracy.mean, 0.96);
    near(two.metrics.accuracy.std, 0.01);
    near(two.metrics.accuracy.high, 0.96 + 0.0248414);
    near(two.metrics["noise 0.1 accuracy"].mean, 0.86);
    // nll 0.3, 0.2, 0.25: mean 0.25, s = 0.05
    near(one.metrics.nll.mean, 0.25);
    near(one.metrics.nll.std, 0.05);

    const best = Object.fromEntries(aggregate.best.map((entry) => [entry.metric, entry.label]));
    assert.equal(best.accuracy, "training.epochs=2");
    assert.equal(best.nll, "training.epochs=2", "lower NLL is better");

    const paired = aggregate.comparisons.find((c) => c.metric === "accuracy")!;
    assert.equal(paired.axis, "training.epochs");
    assert.deepEqual([paired.valueA, paired.valueB, paired.seeds], [1, 2, [1, 2, 3]]);
    near(paired.meanDifference, 0.04);
    // Three positive differences: 2 of the 8 sign patterns are as extreme.
    assert.equal(paired.p, 0.25);
  });

  it("splits a trial's model and control runs into a model.control axis and pairs them by seed", () => {
    const plan = planFor("configs/mnist-hybrid.yaml", "seeds: [1, 2]\n");
    for (const trial of plan.trials) {
      finishRun(trial, trial.runs[0], { accuracy: 0.9 + trial.seed / 100, nll: 0.3 });
      finishRun(trial, trial.runs[1], { accuracy: 0.8 + trial.seed / 100, nll: 0.4 });
    }
    const aggregate = aggregateSweep(plan);
    assert.deepEqual(aggregate.groups.map((g) => g.axes), [{ "model.control": false }, { "model.control": true }]);
    const paired = aggregate.comparisons.find((c) => c.metric === "accuracy")!;
    assert.equal(paired.axis, "model.control");
    near(paired.meanDifference, -0.1);
  });

  it("leaves out unfinished trials and runs whose config hash does not match", () => {
    const plan = planFor("configs/mnist-cnn.yaml", "seeds: [1, 2, 3]\n");
    finishRun(plan.trials[0], plan.trials[0].runs[0], { accuracy: 0.5, nll: 1 });
    finishRun(plan.trials[1], { ...plan.trials[1].runs[0], configHash: "0000000000000000" }, { accuracy: 0.7, nll: 1 });
    const aggregate = aggregateSweep(plan);
    assert.equal(aggregate.rows.length, 1);
    assert.deepEqual(aggregate.trials, { total: 3, finished: 1, failed: 0, running: 0, pending: 2 });
    assert.equal(aggregate.groups[0].metrics.accuracy.std, null);
  });
});

describe("writeSweepReport", () => {
  it("writes report.json, report.md, both CSVs and a plot per metric and swept axis", async () => {
    const plan = planFor("configs/mnist-cnn.yaml", "grid:\n  model.dense: [[16], [32]]\n  training.epochs: [1, 2]\nseeds: [1, 2]\n");
    for (const trial of plan.trials) finishRun(trial, trial.runs[0], { accuracy: 0.5 + trial.config.training.epochs / 10 + trial.seed / 100, nll: 1 });
    const dir = join(plan.output, "report");
    const files = await writeSweepReport(dir, aggregateSweep(plan), { pngScale: 1 });
    for (const path of [files.json, files.markdown, files.runsCsv, files.groupsCsv, join(dir, "accuracy-vs-training.epochs.png"), join(dir, "accuracy-vs-model.dense.svg")]) {
      assert.ok(existsSync(path), path);
    }
    const runs = readFileSync(files.runsCsv, "utf8").trimEnd().split("\r\n");
    assert.equal(runs.length, 1 + 8);
    assert.equal(runs[0], "trial,variant,seed,model.dense,training.epochs,accuracy,nll,ece,seconds per epoch");
    assert.match(runs[1], /^[0-9a-f]{16},model,1,\[16\],1,0\.61,1,0\.01,2$/);
    const groups = readFileSync(files.groupsCsv, "utf8").trimEnd().split("\r\n");
    assert.equal(groups.length, 1 + 4);
    const markdown = readFileSync(files.markdown, "utf8");
    assert.match(markdown, /## Best configuration per metric/);
    assert.match(markdown, /\| accuracy \(higher is better\) \| model\.dense=\[16\] training\.epochs=2 \| 71\.50% \[/);
    assert.match(markdown, /## Paired comparisons across seeds/);
    assert.match(readFileSync(join(dir, "accuracy-vs-training.epochs.svg"), "utf8"), /<polygon /);
  });
});

describe("csvField", () => {
  it("quotes commas, quotes, line breaks and edge spaces, and nothing else", () => {
    assert.equal(csvField("plain"), "plain");
    assert.equal(csvField("a,b"), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField("two\nlines"), '"two\nlines"');
    assert.equal(csvField(" padded"), '" padded"');
    assert.equal(csvField([16, 32]), '"[16,32]"');
    assert.equal(csvField(0.25), "0.25");
    assert.equal(csvField(null), "");
    assert.equal(csvField(Number.NaN), "");
  });
});
