import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { studentTCdf, studentTQuantile, summarize } from "../../src/sweep/stats.js";

describe("studentTQuantile", () => {
  // Two-sided 95% (and other) critical values from standard t tables.
  const table: [number, number, number][] = [
    [0.975, 1, 12.706],
    [0.975, 2, 4.303],
    [0.975, 3, 3.182],
    [0.975, 4, 2.776],
    [0.975, 9, 2.262],
    [0.975, 29, 2.045],
    [0.995, 5, 4.032],
    [0.9, 10, 1.372],
  ];
  for (const [p, df, expected] of table) {
    it(`t_{${p},${df}} = ${expected}`, () => assert.ok(Math.abs(studentTQuantile(p, df) - expected) < 5e-4, String(studentTQuantile(p, df))));
  }

  it("tends to the normal quantile 1.95996 for many degrees of freedom", () => {
    assert.ok(Math.abs(studentTQuantile(0.975, 1e6) - 1.959964) < 1e-4);
  });

  it("is symmetric and inverts the distribution function", () => {
    assert.ok(Math.abs(studentTQuantile(0.025, 4) + studentTQuantile(0.975, 4)) < 1e-9);
    assert.ok(Math.abs(studentTCdf(studentTQuantile(0.8, 7), 7) - 0.8) < 1e-9);
    // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π.
    assert.ok(Math.abs(studentTCdf(2, 1) - (0.5 + Math.atan(2) / Math.PI)) < 1e-12);
  });
});

describe("summarize", () => {
  it("matches the hand-computed mean, standard deviation and 95% interval", () => {
    // 0.90, 0.92, 0.94: mean 0.92, s = 0.02, half-width 4.303 · 0.02 / √3 = 0.049687.
    const interval = summarize([0.9, 0.92, 0.94]);
    assert.ok(Math.abs(interval.mean - 0.92) < 1e-12);
    assert.ok(Math.abs(interval.std! - 0.02) < 1e-12);
    assert.ok(Math.abs(interval.high! - interval.mean - 0.049687) < 1e-5);
    assert.ok(Math.abs(interval.mean - interval.low! - 0.049687) < 1e-5);
  });

  it("gives no spread for a single seed", () => {
    assert.deepEqual(summarize([0.5]), { n: 1, mean: 0.5, std: null, low: null, high: null });
  });
});
