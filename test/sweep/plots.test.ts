import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { intervalChartSvg } from "../../src/sweep/plots.js";

const interval = (mean: number, half: number | null = 0.01) => ({ n: 3, mean, std: half, low: half === null ? null : mean - half, high: half === null ? null : mean + half });

describe("intervalChartSvg", () => {
  it("labels categories by name and draws a band per line", () => {
    const svg = intervalChartSvg({
      title: "accuracy vs model.control",
      xLabel: "model.control",
      yLabel: "accuracy",
      xValues: [false, true],
      series: [{ name: "accuracy", points: [{ x: false, interval: interval(0.9) }, { x: true, interval: interval(0.8) }] }],
    });
    assert.match(svg, />false<\/text>/);
    assert.match(svg, />true<\/text>/);
    assert.equal(svg.match(/<polygon /g)?.length, 1);
  });

  it("puts values spanning a factor of 20 or more on a log scale", () => {
    const svg = intervalChartSvg({
      title: "t",
      xLabel: "lr",
      yLabel: "accuracy",
      xValues: [1e-4, 1e-3, 1e-2],
      series: [{ name: "s", points: [1e-4, 1e-3, 1e-2].map((x) => ({ x, interval: interval(0.5) })) }],
    });
    assert.match(svg, />lr \(log scale\)<\/text>/);
    // Evenly spaced on the page: the three markers' x coordinates step equally.
    const xs = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((match) => Number(match[1])).slice(0, 3); // then the legend's
    assert.ok(Math.abs(xs[1] - xs[0] - (xs[2] - xs[1])) < 0.1, xs.join(", "));
  });

  it("draws a single seed's point without a band", () => {
    const svg = intervalChartSvg({ title: "t", xLabel: "q", yLabel: "a", xValues: [4, 5], series: [{ name: "s", points: [{ x: 4, interval: interval(0.5, null) }, { x: 5, interval: interval(0.6, null) }] }] });
    assert.equal(svg.match(/<polygon /g), null);
    assert.equal(svg.match(/<circle /g)?.length, 2 + 1, "two markers and the legend's");
  });
});
