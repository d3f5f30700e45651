// SPDX-License-Identifier: MIT
/**
 * @module sweep/plots
 * Metric vs one swept axis: a line per combination of the other axes through the group
 * means, with the 95% interval as a shaded band (and whiskers, which stay visible where a
 * line has a single point). Numeric axes are placed by value (on a log scale when they
 * span a factor of 20 or more); any other axis (model names, true/false) gets evenly
 * spaced categories. Built from report/svg.ts's parts, in
 * the look of report/plots.ts's line charts.
 */
import { axes, legend, niceDomain, niceTicks, PALETTE, px, svgDocument, text, textWidth, title } from "../report/svg.js";
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
  const numeric = options.xValues.length > 0 && options.xValues.every((value) => typeof value === "number" && Number.isFinite(value));
  const scale = numeric ? numericScale(options.xValues as number[]) : undefined;
  const position = (value: unknown): number =>
    scale !== undefined ? scale.position(value as number) : options.xValues.findIndex((candidate) => formatAxisValue(candidate) === formatAxisValue(value));
  const xDomain: [number, number] = scale?.domain ?? [-0.5, options.xValues.length - 0.5];
  const ys = options.series.flatMap((series) => series.points.flatMap((point) => [point.interval.mean, point.interval.low ?? point.interval.mean, point.interval.high ?? point.interval.mean]));
  const frame = axes({
    area,
    xDomain,
    yDomain: niceDomain(ys),
    xLabel: scale?.log ? `${options.xLabel} (log scale)` : options.xLabel,
    yLabel: options.yLabel,
    yPercent: options.yPercent,
    // The x tick labels are drawn here: category names, or swept values on a log scale.
    xTicks: [],
  });
  const body = [...title(width, options.title, options.subtitle), ...frame.background];
  const ticks: [number, string][] = scale?.ticks ?? options.xValues.map((value, index) => [index, formatAxisValue(value)]);
  for (const [at, label] of ticks) {
    body.push(`<line x1="${px(frame.x(at))}" y1="${px(area.y + area.height)}" x2="${px(frame.x(at))}" y2="${px(area.y + area.height + 5)}" stroke="#444" stroke-width="1"/>`);
    body.push(text(frame.x(at), area.y + area.height + 20, label, { size: 12, anchor: "middle" }));
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

interface NumericScale {
  log: boolean;
  position: (value: number) => number;
  domain: [number, number];
  ticks: [number, string][];
}

/**
 * Positions for a numeric axis: logarithmic when the values are positive and span a factor
 * of 20 or more (learning rates), else linear; 5% room at both ends so that no point sits
 * on the frame. Ticks at the swept values where they are few and far enough apart to
 * label, else round values (powers of ten on a log scale).
 */
function numericScale(values: number[]): NumericScale {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const log = min > 0 && max / min >= 20;
  const position = (value: number): number => (log ? Math.log10(value) : value);
  const positions = [...new Set(values.map(position))].sort((a, b) => a - b);
  const low = positions[0];
  const high = positions[positions.length - 1];
  const span = high - low || Math.abs(low) || 1;
  const domain: [number, number] = [low - 0.05 * span, high + 0.05 * span];
  const label = (value: number): string => String(Number(value.toPrecision(3)));
  const spaced = positions.length <= 8 && positions.every((at, index) => index === 0 || at - positions[index - 1] >= 0.15 * span);
  let ticks: [number, string][];
  if (spaced) {
    ticks = positions.map((at) => [at, label(log ? 10 ** at : at)]);
  } else if (log) {
    ticks = [];
    for (let power = Math.ceil(domain[0]); power <= Math.floor(domain[1]); power++) ticks.push([power, label(10 ** power)]);
  } else {
    ticks = niceTicks(domain[0], domain[1], 6).map((at) => [at, label(at)]);
  }
  return { log, position, domain, ticks };
}
