// SPDX-License-Identifier: MIT
/**
 * @module sweep/plots
 * Metric vs one swept axis: a line per combination of the other axes through the group
 * means, with the 95% interval as a shaded band (and whiskers, which stay visible where a
 * line has a single point). Numeric axes are placed by value; any other axis (model
 * names, true/false) gets evenly spaced categories. Built from report/svg.ts's parts, in
 * the look of report/plots.ts's line charts.
 */
import { axes, legend, niceDomain, PALETTE, px, svgDocument, text, textWidth, title } from "../report/svg.js";
import type { Interval } from "./stats.js";

export interface IntervalPoint {
  x: unknown;
  interval: Interval;
}

export interface IntervalSeries {
  name: string;
  points: IntervalPoint[];
}

export interface IntervalChartOptions {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  /** Every value the axis takes, in order. */
  xValues: unknown[];
  series: IntervalSeries[];
  yPercent?: boolean;
}

export function formatAxisValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function intervalChartSvg(options: IntervalChartOptions): string {
  const width = 840;
  const height = 480;
  const names = options.series.map((series) => (series.name.length > 32 ? `${series.name.slice(0, 31)}…` : series.name));
  const legendWidth = Math.min(270, Math.max(150, ...names.map((name) => 50 + textWidth(name, 13))));
  const area = { x: 90, y: options.subtitle === undefined ? 62 : 72, width: width - 90 - legendWidth - 40, height: 0 };
  area.height = height - area.y - 80;
  const numeric = options.xValues.every((value) => typeof value === "number");
  const position = (value: unknown): number => (numeric ? (value as number) : options.xValues.findIndex((candidate) => formatAxisValue(candidate) === formatAxisValue(value)));
  const positions = options.xValues.map(position);
  const xDomain: [number, number] = numeric ? niceDomain(positions, 6) : [-0.5, options.xValues.length - 0.5];
  const ys = options.series.flatMap((series) => series.points.flatMap((point) => [point.interval.mean, point.interval.low ?? point.interval.mean, point.interval.high ?? point.interval.mean]));
  const frame = axes({
    area,
    xDomain,
    yDomain: niceDomain(ys),
    xLabel: options.xLabel,
    yLabel: options.yLabel,
    yPercent: options.yPercent,
    xTicks: numeric ? positions : [],
  });
  const body = [...title(width, options.title, options.subtitle), ...frame.background];
  if (!numeric) {
    options.xValues.forEach((value, index) => body.push(text(frame.x(index), area.y + area.height + 20, formatAxisValue(value), { size: 12, anchor: "middle" })));
  }
  options.series.forEach((series, index) => {
    const color = PALETTE[index % PALETTE.length];
    const points = series.points.filter((point) => Number.isFinite(point.interval.mean)).sort((a, b) => position(a.x) - position(b.x));
    const banded = points.filter((point) => point.interval.low !== null && point.interval.high !== null);
    if (banded.length > 1) {
      const upper = banded.map((point) => `${px(frame.x(position(point.x)))},${px(frame.y(point.interval.high!))}`);
      const lower = banded.map((point) => `${px(frame.x(position(point.x)))},${px(frame.y(point.interval.low!))}`).reverse();
      body.push(`<polygon points="${[...upper, ...lower].join(" ")}" fill="${color}" fill-opacity="0.15" stroke="none"/>`);
    }
    for (const point of banded) {
      const x = px(frame.x(position(point.x)));
      body.push(`<line x1="${x}" y1="${px(frame.y(point.interval.low!))}" x2="${x}" y2="${px(frame.y(point.interval.high!))}" stroke="${color}" stroke-width="1.5"/>`);
    }
    if (points.length > 1) {
      const path = points.map((point) => `${px(frame.x(position(point.x)))},${px(frame.y(point.interval.mean))}`).join(" ");
      body.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2.5" stroke-linejoin="round"/>`);
    }
    for (const point of points) {
      body.push(`<circle cx="${px(frame.x(position(point.x)))}" cy="${px(frame.y(point.interval.mean))}" r="4.5" fill="${color}" stroke="#fff" stroke-width="1"/>`);
    }
  });
  body.push(...frame.foreground);
  body.push(...legend(area.x + area.width + 20, area.y, names.map((name, index) => ({ label: name, color: PALETTE[index % PALETTE.length] })), legendWidth));
  return svgDocument(width, height, body);
}
