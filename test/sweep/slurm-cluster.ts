// A throwaway one-node Slurm cluster on localhost for the job-array test: munged (started
// if no munge daemon answers), slurmctld and slurmd with a minimal slurm.conf in a temp
// folder, on random ports. `start` says why it could not start instead of throwing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, hostname, tmpdir } from "node:os";
import { join } from "node:path";

export interface SlurmCluster {
  /** Environment for sbatch, squeue, ...: SLURM_CONF points at the cluster's config. */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

function shell(command: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 20_000): { ok: boolean; output: string } {
  const result = spawnSync("sh", ["-c", command], { env, encoding: "utf8", timeout: timeoutMs });
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`.trim() };
}

function pidIn(file: string): number | undefined {
  try {
    return Number(readFileSync(file, "utf8").trim()) || undefined;
  } catch {
    return undefined;
  }
}

function kill(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // gone already
  }
}

const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** A running cluster, or the reason there is none. */
export function startSlurmCluster(): SlurmCluster | string {
  const missing = ["sbatch", "sinfo", "slurmctld", "slurmd", "munged", "munge", "unmunge"].filter((tool) => !shell(`command -v ${tool}`).ok);
  if (missing.length > 0) return `Slurm is not installed (missing ${missing.join(", ")}; on Debian: apt-get install slurmctld slurmd slurm-client munge)`;
  if (process.getuid?.() !== 0) return "slurmd must run as root to start jobs, and this test runs as another user";
  let startedMunge = false;
  if (!shell("munge -n | unmunge").ok) {
    if (!existsSync("/etc/munge/munge.key")) return "no munge key (/etc/munge/munge.key); the munge package creates it on install";
    shell("mkdir -p /run/munge /var/log/munge /var/lib/munge && chown munge:munge /run/munge /var/log/munge /var/lib/munge && runuser -u munge -- /usr/sbin/munged");
    if (!shell("munge -n | unmunge").ok) return `munged would not start: ${shell("tail -n 3 /var/log/munge/munged.log").output}`;
    startedMunge = true;
  }
  const dir = mkdtempSync(join(tmpdir(), "qhybrid-slurm-"));
  for (const sub of ["state", "spool", "log", "run"]) mkdirSync(join(dir, sub));
  const node = hostname().split(".")[0];
  const port = 20000 + Math.floor(Math.random() * 9000) * 2;
  writeFileSync(
    join(dir, "slurm.conf"),
    [
      "ClusterName=qhybridtest",
      `SlurmctldHost=${node}`,
      "SlurmUser=root",
      "SlurmdUser=root",
      "AuthType=auth/munge",
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/run/slurmctld.pid`,
      `SlurmdPidFile=${dir}/run/slurmd.pid`,
      `SlurmctldLogFile=${dir}/log/slurmctld.log`,
      `SlurmdLogFile=${dir}/log/slurmd.log`,
      `SlurmctldPort=${port}`,
      `SlurmdPort=${port + 1}`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SwitchType=switch/none",
      "MpiDefault=none",
      "ReturnToService=2",
      "SchedulerType=sched/backfill",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_Core",
      "JobCompType=jobcomp/none",
      "AccountingStorageType=accounting_storage/none",
      "JobAcctGatherType=jobacct_gather/none",
      `NodeName=${node} CPUs=${cpus().length} RealMemory=500 State=UNKNOWN`,
      "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
      "",
    ].join("\n"),
  );
  const env = { ...process.env, SLURM_CONF: join(dir, "slurm.conf") };
  const stop = (): void => {
    kill(pidIn(join(dir, "run/slurmd.pid")));
    kill(pidIn(join(dir, "run/slurmctld.pid")));
    if (startedMunge) kill(pidIn("/run/munge/munged.pid"));
  };
  const controller = shell("slurmctld -c", env);
  const daemon = shell("slurmd", env);
  if (!controller.ok || !daemon.ok) {
    stop();
    return `slurmctld/slurmd would not start: ${controller.output} ${daemon.output}`.trim();
  }
  for (let attempt = 0; attempt < 40; attempt++) {
    if (/idle/.test(shell("sinfo -h -o %T", env).output)) return { env, stop };
    sleep(500);
  }
  const logs = shell(`tail -n 2 ${dir}/log/slurmctld.log ${dir}/log/slurmd.log`).output.replace(/\s+/g, " ");
  stop();
  return `the Slurm node did not come up within 20 s: ${logs}`;
}
