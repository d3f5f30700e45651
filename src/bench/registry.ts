// SPDX-License-Identifier: MIT
/**
 * @module bench/registry
 * Every benchmark workload `npm run bench` knows, in the order they run.
 */
import type { Workload } from "./workload.js";

export const WORKLOADS: Workload[] = [];
