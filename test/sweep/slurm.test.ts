import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { shellQuote, slurmScript } from "../../src/sweep/slurm.js";
import { REPOSITORY_ROOT, runCli } from "../cli/run-cli.js";
import { startSlurmCluster } from "./slurm-cluster.js";

const cli = { command: "/usr/bin/node", args: ["--import", "tsx", "/opt/qhybrid/src/cli/main.ts"] };

describe("slurmScript", () => {
  it("writes an array whose task I runs shard I/N of the sweep in the emitting folder", () => {
    const script = slurmScript({
      sweepFile: "configs/sweeps/a b.yaml",
      output: "results/sweeps/a",
      name: "a b",
      tasks: 4,
      maxParallel: 2,
      partition: "gpu",
      gpusPerTask: 1,
      cpusPerTask: 8,
      time: "04:00:00",
      parallel: 2,
      cli,
      workingDirectory: "/home/me/project",
    });
    const lines = script.split("\n");
    assert.equal(lines[0], "#!/bin/bash");
    for (const directive of [
      "#SBATCH --job-name=qhybrid-a-b",
      "#SBATCH --array=0-3%2",
      "#SBATCH --output=/home/me/project/results/sweeps/a/slurm/%A_%a.out",
      "#SBATCH --partition=gpu",
      "#SBATCH --gpus-per-task=1",
      "#SBATCH --cpus-per-task=8",
      "#SBATCH --time=04:00:00",
      "cd /home/me/project",
      `exec /usr/bin/node --import tsx /opt/qhybrid/src/cli/main.ts sweep run '/home/me/project/configs/sweeps/a b.yaml' --shard "\${SLURM_ARRAY_TASK_ID}/4" --parallel 2`,
    ]) {
      assert.ok(lines.includes(directive), `missing: ${directive}\n${script}`);
    }
    assert.ok(!script.includes("--mem"), "options not given are left out");
  });

  it("refuses Slurm options with spaces", () => {
    assert.throws(() => slurmScript({ sweepFile: "s.yaml", output: "o", name: "s", tasks: 1, partition: "a b", cli, workingDirectory: "/" }), /cannot hold spaces/);
  });

  it("quotes shell words only where needed", () => {
    assert.equal(shellQuote("/usr/bin/node"), "/usr/bin/node");
    assert.equal(shellQuote("it's here"), `'it'\\''s here'`);
  });
});

describe("qhybrid sweep emit --slurm", () => {
  it("prints the script, or writes it executable with --out, one task per trial by default", () => {
    const dir = mkdtempSync(join(tmpdir(), "qhybrid-sweep-emit-"));
    const file = join(dir, "s.yaml");
    writeFileSync(file, `base: ${join(REPOSITORY_ROOT, "configs/mnist-cnn.yaml")}\nrepeats: 3\noutput: ${join(dir, "out")}\n`);
    const printed = runCli(["sweep", "emit", file, "--slurm"]);
    assert.equal(printed.status, 0, printed.stderr);
    assert.match(printed.stdout, /#SBATCH --array=0-2\n/);
    assert.match(printed.stdout, /sweep run \S+s\.yaml --shard "\$\{SLURM_ARRAY_TASK_ID\}\/3"/);
    assert.ok(existsSync(join(dir, "out", "slurm")), "the folder for the tasks' output exists");
    const script = join(dir, "sweep.sh");
    const written = runCli(["sweep", "emit", file, "--slurm", "--tasks", "2", "--out", script]);
    assert.equal(written.status, 0, written.stderr);
    assert.equal(written.stdout.trim(), script);
    assert.match(readFileSync(script, "utf8"), /--shard "\$\{SLURM_ARRAY_TASK_ID\}\/2"/);
    const missingTarget = runCli(["sweep", "emit", file]);
    assert.equal(missingTarget.status, 2);
    assert.match(missingTarget.stderr, /choose a target: --slurm/);
  });
});

describe("a Slurm job array on a localhost cluster", () => {
  it("runs every trial of the sweep through `sweep run --shard I/N` tasks", (context) => {
    const cluster = startSlurmCluster();
    if (typeof cluster === "string") {
      context.skip(`Slurm could not start here: ${cluster}`);
      return;
    }
    try {
      const dir = mkdtempSync(join(tmpdir(), "qhybrid-sweep-slurm-"));
      const output = join(dir, "out");
      const file = join(dir, "s.yaml");
      writeFileSync(
        file,
        `base: ${join(REPOSITORY_ROOT, "configs/mnist-cnn.yaml")}\nset:\n  data.limit: 200\n  data.validationFraction: 0.5\n  training.batchSize: 50\n  eval.split: validation\n  model.channels: [4, 8]\n  model.dense: [16]\nseeds: [1, 2, 3]\noutput: ${output}\n`,
      );
      const script = join(dir, "sweep.sh");
      const emitted = runCli(["sweep", "emit", file, "--slurm", "--tasks", "2", "--cpus-per-task", "1", "--time", "00:05:00", "--backend", "wasm", "--out", script]);
      assert.equal(emitted.status, 0, emitted.stderr);
      const submitted = spawnSync("sbatch", ["--wait", "--parsable", script], { env: cluster.env, encoding: "utf8", timeout: 150_000 });
      const logs = existsSync(join(output, "slurm")) ? readdirSync(join(output, "slurm")).map((name) => readFileSync(join(output, "slurm", name), "utf8")).join("\n") : "";
      assert.equal(submitted.status, 0, `sbatch: ${submitted.stderr}\n${logs}`);
      const jobId = submitted.stdout.trim().split(";")[0];
      assert.deepEqual(readdirSync(join(output, "slurm")).sort(), [`${jobId}_0.out`, `${jobId}_1.out`]);
      const plan = JSON.parse(runCli(["sweep", "plan", file, "--json"]).stdout) as { trials: { status: string }[] };
      assert.deepEqual(plan.trials.map((trial) => trial.status), ["finished", "finished", "finished"], logs);
    } finally {
      cluster.stop();
    }
  });
});
