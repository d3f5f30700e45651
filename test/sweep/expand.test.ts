import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { drawSamples, expandSweep, type SweepAxes } from "../../src/sweep/expand.js";
import { UsageError } from "../../src/errors.js";

const none: SweepAxes = { set: {}, grid: {}, include: [], exclude: [] };
const values = (axes: Partial<SweepAxes>): Record<string, unknown>[] => expandSweep({ ...none, ...axes }).map((assignment) => assignment.values);

describe("expandSweep", () => {
  const table: [string, Partial<SweepAxes>, Record<string, unknown>[]][] = [
    ["no axes give the base alone", {}, [{}]],
    ["one grid axis gives one trial per value", { grid: { "training.epochs": [1, 2] } }, [{ "training.epochs": 1 }, { "training.epochs": 2 }]],
    [
      "two grid axes give every combination, the last key fastest",
      { grid: { a: [1, 2], b: ["x", "y"] } },
      [{ a: 1, b: "x" }, { a: 1, b: "y" }, { a: 2, b: "x" }, { a: 2, b: "y" }],
    ],
    ["list values stay whole", { grid: { "model.channels": [[16, 32], [8]] } }, [{ "model.channels": [16, 32] }, { "model.channels": [8] }]],
    ["seeds multiply every combination", { grid: { a: [1, 2] }, seeds: [7, 9] }, [{ a: 1, seed: 7 }, { a: 1, seed: 9 }, { a: 2, seed: 7 }, { a: 2, seed: 9 }]],
    ["repeats: N runs seeds 1..N", { repeats: 3 }, [{ seed: 1 }, { seed: 2 }, { seed: 3 }]],
    ["include adds combinations after the grid", { grid: { a: [1] }, include: [{ a: 5, b: true }] }, [{ a: 1 }, { a: 5, b: true }]],
    ["include without axes adds to the base", { include: [{ a: 1 }, { a: 2 }] }, [{}, { a: 1 }, { a: 2 }]],
    ["include entries get the seeds too", { include: [{ a: 1 }], seeds: [1, 2] }, [{ seed: 1 }, { seed: 2 }, { a: 1, seed: 1 }, { a: 1, seed: 2 }]],
    ["exclude drops every match of all its keys", { grid: { a: [1, 2], b: [1, 2] }, exclude: [{ a: 2, b: 1 }] }, [{ a: 1, b: 1 }, { a: 1, b: 2 }, { a: 2, b: 2 }]],
    ["exclude can name a seed", { grid: { a: [1, 2] }, seeds: [1, 2], exclude: [{ a: 2, seed: 2 }] }, [{ a: 1, seed: 1 }, { a: 1, seed: 2 }, { a: 2, seed: 1 }]],
    ["exclude compares lists by value", { grid: { c: [[1, 2], [3]] }, exclude: [{ c: [3] }] }, [{ c: [1, 2] }]],
    ["duplicates (an include repeating a grid point) appear once", { grid: { a: [1, 2] }, include: [{ a: 2 }] }, [{ a: 1 }, { a: 2 }]],
    ["set values are not part of the assignment", { set: { "data.limit": 100 }, grid: { a: [1] } }, [{ a: 1 }]],
  ];
  for (const [name, axes, expected] of table) {
    it(name, () => assert.deepEqual(values(axes), expected));
  }

  it("random samples are crossed with the grid", () => {
    const trials = values({ grid: { a: [1, 2] }, random: { samples: 3, seed: 4, parameters: { lr: { distribution: "log-uniform", min: 1e-4, max: 1e-2 } } } });
    assert.equal(trials.length, 6);
    assert.deepEqual(trials.slice(0, 3).map((t) => t.lr), trials.slice(3).map((t) => t.lr));
  });

  it("records where each value came from in the sweep file", () => {
    const [first] = expandSweep({ ...none, grid: { a: [1] }, include: [], seeds: [3] });
    assert.deepEqual(first.sources, { a: ["grid", "a", 0], seed: ["seeds", 0] });
  });

  const conflicts: [string, Partial<SweepAxes>, RegExp][] = [
    ["a key swept by grid and random", { grid: { a: [1] }, random: { samples: 1, seed: 1, parameters: { a: { distribution: "uniform", min: 0, max: 1 } } } }, /random\.parameters\.a: swept by both grid and random/],
    ["a key both fixed and swept", { set: { a: 1 }, grid: { a: [1, 2] } }, /set\.a: fixed here but also swept/],
    ["seeds and repeats together", { seeds: [1], repeats: 2 }, /give seeds: or repeats:, not both/],
    ["a seed listed twice", { seeds: [1, 1] }, /seeds\[1\]: seed 1 is listed twice/],
    ["a seed swept twice", { seeds: [1], grid: { seed: [1, 2] } }, /grid\.seed: the seed is swept by seeds: already/],
    ["a bad key path", { grid: { "a..b": [1] } }, /"a\.\.b" is not a key path/],
    ["an inverted range", { random: { samples: 1, seed: 1, parameters: { a: { distribution: "uniform", min: 2, max: 1 } } } }, /max 1 is below min 2/],
  ];
  for (const [name, axes, message] of conflicts) {
    it(`rejects ${name} with a usage error`, () => {
      assert.throws(() => expandSweep({ ...none, ...axes }), (error: unknown) => error instanceof UsageError && message.test(error.message));
    });
  }
});

describe("drawSamples", () => {
  it("draws the same samples whatever the order of the parameters", () => {
    const a = drawSamples({ x: { distribution: "uniform", min: 0, max: 1 }, y: { distribution: "int-uniform", min: 1, max: 6 } }, 5, 3);
    const b = drawSamples({ y: { distribution: "int-uniform", min: 1, max: 6 }, x: { distribution: "uniform", min: 0, max: 1 } }, 5, 3);
    assert.deepEqual(a, b);
  });

  it("keeps every draw inside its distribution", () => {
    const samples = drawSamples(
      {
        u: { distribution: "uniform", min: -1, max: 1 },
        l: { distribution: "log-uniform", min: 1e-4, max: 1e-1 },
        i: { distribution: "int-uniform", min: 2, max: 4 },
        c: { distribution: "choice", values: ["sgd", "adam"] },
      },
      400,
      11,
    );
    for (const sample of samples) {
      assert.ok((sample.u as number) >= -1 && (sample.u as number) < 1);
      assert.ok((sample.l as number) >= 1e-4 && (sample.l as number) <= 1e-1);
      assert.ok([2, 3, 4].includes(sample.i as number));
      assert.ok(["sgd", "adam"].includes(sample.c as string));
    }
    assert.deepEqual(new Set(samples.map((s) => s.i)), new Set([2, 3, 4]));
    // Log-uniform: about a third of the draws in each decade.
    const lowDecade = samples.filter((s) => (s.l as number) < 1e-3).length;
    assert.ok(lowDecade > 100 && lowDecade < 170, `${lowDecade} of 400 below 1e-3`);
  });

  it("gives other samples for another seed", () => {
    const parameters = { x: { distribution: "uniform" as const, min: 0, max: 1 } };
    assert.notDeepEqual(drawSamples(parameters, 3, 1), drawSamples(parameters, 3, 2));
  });
});
