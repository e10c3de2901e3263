// Deterministic layouts for the graph of states: the same data always gives the same picture.

/**
 * The preference plane: x is the first party's preference level, y the second's (up is
 * better). States sharing a point are spread side by side.
 */
export function planeLayout(nodes, parties, { width, height, margin, radius }) {
  const [first, second] = parties;
  const maxX = Math.max(1, ...nodes.map((node) => node.payoff[first] ?? 0));
  const maxY = Math.max(1, ...nodes.map((node) => node.payoff[second] ?? 0));
  const positions = new Map();
  const groups = new Map();
  for (const node of nodes) {
    const x = margin + ((node.payoff[first] ?? 0) / maxX) * (width - 2 * margin);
    const y = height - margin - ((second === undefined ? 0 : node.payoff[second] ?? 0) / maxY) * (height - 2 * margin);
    const key = `${Math.round(x)}:${Math.round(y)}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push({ node, x, y });
  }
  for (const members of groups.values()) {
    members.forEach(({ node, x, y }, index) => {
      const offset = (index - (members.length - 1) / 2) * radius * 2.4;
      positions.set(node.code, { x: x + offset, y });
    });
  }
  return positions;
}

/**
 * A force-directed layout (Fruchterman and Reingold 1991) with a fixed number of iterations,
 * started from the preference plane (or a circle) so that it is deterministic.
 */
export function forceLayout(nodes, edges, parties, { width, height, margin, radius }) {
  const count = nodes.length;
  const index = new Map(nodes.map((node, position) => [node.code, position]));
  const start = parties.length >= 2 ? planeLayout(nodes, parties, { width, height, margin, radius }) : null;
  const xs = new Float64Array(count);
  const ys = new Float64Array(count);
  nodes.forEach((node, position) => {
    // A small golden-angle offset separates states that start on the same point.
    const angle = position * 2.399963;
    if (start) {
      xs[position] = start.get(node.code).x + Math.cos(angle) * 3;
      ys[position] = start.get(node.code).y + Math.sin(angle) * 3;
    } else {
      xs[position] = width / 2 + Math.cos((2 * Math.PI * position) / count) * (width / 3);
      ys[position] = height / 2 + Math.sin((2 * Math.PI * position) / count) * (height / 3);
    }
  });
  const links = [];
  const seen = new Set();
  for (const edge of edges) {
    const a = index.get(edge.source);
    const b = index.get(edge.target);
    if (a === undefined || b === undefined) continue;
    const key = a < b ? `${a}:${b}` : `${b}:${a}`;
    if (!seen.has(key)) {
      seen.add(key);
      links.push([a, b]);
    }
  }
  const area = (width - 2 * margin) * (height - 2 * margin);
  const k = Math.sqrt(area / Math.max(count, 1)) * 0.9;
  const iterations = Math.max(40, Math.min(300, Math.floor(4e6 / Math.max(count * count, 1))));
  const dx = new Float64Array(count);
  const dy = new Float64Array(count);
  let temperature = width / 8;
  for (let step = 0; step < iterations; step += 1) {
    dx.fill(0);
    dy.fill(0);
    for (let a = 0; a < count; a += 1) {
      for (let b = a + 1; b < count; b += 1) {
        let x = xs[a] - xs[b];
        let y = ys[a] - ys[b];
        let distance = Math.hypot(x, y);
        if (distance < 0.01) {
          x = 0.01 * ((a % 7) - 3);
          y = 0.01;
          distance = Math.hypot(x, y);
        }
        const force = (k * k) / distance;
        dx[a] += (x / distance) * force;
        dy[a] += (y / distance) * force;
        dx[b] -= (x / distance) * force;
        dy[b] -= (y / distance) * force;
      }
    }
    for (const [a, b] of links) {
      const x = xs[a] - xs[b];
      const y = ys[a] - ys[b];
      const distance = Math.max(Math.hypot(x, y), 0.01);
      const force = (distance * distance) / k;
      dx[a] -= (x / distance) * force;
      dy[a] -= (y / distance) * force;
      dx[b] += (x / distance) * force;
      dy[b] += (y / distance) * force;
    }
    for (let a = 0; a < count; a += 1) {
      const length = Math.max(Math.hypot(dx[a], dy[a]), 0.01);
      xs[a] += (dx[a] / length) * Math.min(length, temperature);
      ys[a] += (dy[a] / length) * Math.min(length, temperature);
    }
    temperature = Math.max(0.5, temperature * 0.97);
  }
  return fit(nodes, xs, ys, { width, height, margin });
}

/** Scale positions into the drawing area. */
function fit(nodes, xs, ys, { width, height, margin }) {
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const minY = Math.min(...ys);
  const maxY = Math.max(...ys);
  const scale = Math.min((width - 2 * margin) / Math.max(maxX - minX, 1), (height - 2 * margin) / Math.max(maxY - minY, 1));
  const offsetX = (width - (maxX - minX) * scale) / 2;
  const offsetY = (height - (maxY - minY) * scale) / 2;
  const positions = new Map();
  nodes.forEach((node, position) => {
    positions.set(node.code, { x: offsetX + (xs[position] - minX) * scale, y: offsetY + (ys[position] - minY) * scale });
  });
  return positions;
}
