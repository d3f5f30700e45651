// SPDX-License-Identifier: MIT
/**
 * @module bench/workloads/timing
 * Wall-clock and process-CPU time of a timed repeat. The machine is shared: on a loaded
 * machine the wall figure falls with the load while the CPU figure (this process's user +
 * system time; tfjs-backend-wasm runs on one thread) stays close to what an idle machine
 * gives, so the quantum workloads report both.
 */
export interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
}

export function timed(work: () => void): Timing {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  work();
  const cpu = process.cpuUsage(cpuStart);
  return { wallSeconds: (performance.now() - start) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
