// SPDX-License-Identifier: MIT
/**
 * @module random
 * Every random stream of a run comes from here: a seeded generator (pure-rand's
 * xoroshiro128+) with the few draws we need, and `deriveSeed`, which turns the run's one
 * seed plus a purpose label into an independent, non-zero seed. Non-zero matters: tfjs
 * treats seed 0 as "unseeded" (tfjs-core/src/ops/rand_util.ts).
 */
import { createHash } from "node:crypto";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** A non-zero 31-bit seed for `purpose`, independent of the seeds for other purposes. */
export function deriveSeed(seed: number, purpose: string): number {
  const digest = createHash("sha256").update(`${seed}:${purpose}`).digest();
  return (digest.readUInt32LE(0) % 0x7ffffffe) + 1;
}

export class Random {
  private readonly generator: RandomGenerator;

  constructor(seed: number) {
    this.generator = xoroshiro128plus(seed);
  }

  /** Uniform in [0, 1), 53 bits. */
  uniform(): number {
    return uniformFloat64(this.generator);
  }

  /** Uniform integer in [0, count). */
  integer(count: number): number {
    return uniformInt(this.generator, 0, count - 1);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** Fisher–Yates permutation of 0..count-1. */
  permutation(count: number): Int32Array {
    const order = new Int32Array(count);
    for (let index = 0; index < count; index++) order[index] = index;
    for (let index = count - 1; index > 0; index--) {
      const other = this.integer(index + 1);
      const held = order[index];
      order[index] = order[other];
      order[other] = held;
    }
    return order;
  }
}
