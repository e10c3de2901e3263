// Minimal SVG charts: linear scales, axes with ticks, and a frame to draw in.

import { s } from "./dom.js";

export function scale(domainMin, domainMax, rangeMin, rangeMax) {
  const span = domainMax - domainMin || 1;
  const map = (value) => rangeMin + ((value - domainMin) / span) * (rangeMax - rangeMin);
  map.invert = (position) => domainMin + ((position - rangeMin) / (rangeMax - rangeMin)) * span;
  return map;
}

export function ticks(min, max, count = 5) {
  const span = max - min || 1;
  const rough = span / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * power).find((candidate) => span / candidate <= count) || power * 10;
  const values = [];
  for (let value = Math.ceil(min / step) * step; value <= max + step * 1e-9; value += step) values.push(Number(value.toFixed(10)));
  return values;
}

/**
 * A chart frame: returns {svg, plot, x, y} where `plot` is the group to draw data in and
 * x, y map data to SVG coordinates. Axes, grid and titles are drawn.
 */
export function chart({ width = 640, height = 420, xDomain, yDomain, xTitle, yTitle, testid, label, xTicks, yTicks }) {
  const margin = { top: 16, right: 20, bottom: 48, left: 58 };
  const x = scale(xDomain[0], xDomain[1], margin.left, width - margin.right);
  const y = scale(yDomain[0], yDomain[1], height - margin.bottom, margin.top);
  const grid = s("g", { class: "grid" });
  const axes = s("g", { class: "axis" });
  for (const value of xTicks || ticks(xDomain[0], xDomain[1], 6)) {
    grid.append(s("line", { x1: x(value), x2: x(value), y1: margin.top, y2: height - margin.bottom }));
    axes.append(s("text", { x: x(value), y: height - margin.bottom + 18, "text-anchor": "middle" }, String(value)));
  }
  for (const value of yTicks || ticks(yDomain[0], yDomain[1], 5)) {
    grid.append(s("line", { x1: margin.left, x2: width - margin.right, y1: y(value), y2: y(value) }));
    axes.append(s("text", { x: margin.left - 8, y: y(value) + 4, "text-anchor": "end" }, String(value)));
  }
  axes.append(
    s("line", { x1: margin.left, x2: width - margin.right, y1: height - margin.bottom, y2: height - margin.bottom }),
    s("line", { x1: margin.left, x2: margin.left, y1: margin.top, y2: height - margin.bottom }),
    s("text", { class: "title", x: (margin.left + width - margin.right) / 2, y: height - 8, "text-anchor": "middle" }, xTitle || ""),
    s(
      "text",
      { class: "title", x: 16, y: (margin.top + height - margin.bottom) / 2, "text-anchor": "middle", transform: `rotate(-90 16 ${(margin.top + height - margin.bottom) / 2})` },
      yTitle || "",
    ),
  );
  const plot = s("g", { class: "plot" });
  const svg = s(
    "svg",
    { class: "chart", viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": label || "", "data-testid": testid },
    grid,
    axes,
    plot,
  );
  return { svg, plot, x, y, margin, width, height };
}
