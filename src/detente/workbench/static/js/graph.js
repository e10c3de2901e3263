// The graph of states and moves as interactive SVG: states as circles (equilibria filled, the
// status quo ringed), unilateral moves as lines coloured by the moving party, improving moves
// solid with an arrowhead towards the better state, other moves dashed. Pan by dragging, zoom
// with the wheel; click a state to explain it. Large models show a neighbourhood.

import { api } from "./api.js";
import { h, replace, s } from "./dom.js";
import { forceLayout, planeLayout } from "./layout.js";
import { attempt } from "./messages.js";
import { CONCEPT_NAMES, CONCEPTS, describeState, partyColour } from "./states.js";

const WIDTH = 700;
const HEIGHT = 460;
const MARGIN = 46;

export function createGraphPanel({ onSelect }) {
  const conceptSelect = h(
    "select",
    { "aria-label": "Highlight equilibria of", "data-testid": "graph-concept", onchange: () => draw() },
    h("option", { value: "any" }, "any concept"),
    CONCEPTS.map((concept) => h("option", { value: concept }, CONCEPT_NAMES[concept])),
  );
  const layoutSelect = h(
    "select",
    { "aria-label": "Layout", "data-testid": "graph-layout", onchange: () => relayout() },
    h("option", { value: "plane" }, "preference plane"),
    h("option", { value: "force" }, "force-directed"),
  );
  const showOther = h("input", { type: "checkbox", checked: true, "data-testid": "graph-show-other", onchange: () => draw() });
  const focusInput = h("input", { type: "text", class: "code-input", placeholder: "state", "aria-label": "Focus state", "data-testid": "graph-focus", list: "graph-states" });
  const states = h("datalist", { id: "graph-states" });
  const radiusInput = h("input", { type: "number", min: 1, max: 6, value: 1, class: "narrow", "aria-label": "Radius", "data-testid": "graph-radius" });
  const note = h("span", { class: "muted graph-note", "data-testid": "graph-note" });
  const svg = s("svg", {
    class: "graph",
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    preserveAspectRatio: "xMidYMid meet",
    role: "img",
    "aria-label": "Graph of states and moves",
    "data-testid": "graph-svg",
  });
  const legend = h("div", { class: "legend", "data-testid": "graph-legend" });
  const element = h(
    "div",
    { class: "graph-panel" },
    h(
      "div",
      { class: "toolbar graph-controls" },
      h("label", {}, "Equilibria of ", conceptSelect),
      h("label", {}, "Layout ", layoutSelect),
      h("label", {}, showOther, " other moves"),
      h("span", { class: "spacer" }),
      h("button", { class: "small", type: "button", title: "Reset zoom and pan", onclick: () => resetView() }, "Fit"),
    ),
    h(
      "div",
      { class: "toolbar graph-controls" },
      h("label", {}, "Neighbourhood of ", focusInput, states),
      h("label", {}, "radius ", radiusInput),
      h("button", { class: "small", type: "button", "data-testid": "graph-neighbourhood", onclick: () => neighbourhood(focusInput.value.trim()) }, "Show"),
      h("button", { class: "small", type: "button", "data-testid": "graph-whole", onclick: () => reload({}) }, "Whole graph"),
    ),
    svg,
    h("div", { class: "graph-footer" }, note, legend),
  );

  let data = null;
  let context = null;
  let positions = new Map();
  let selected = null;
  let view = { x: 0, y: 0, k: 1 };
  let viewport = null;
  let source = null;

  async function reload(params, { chooseLayout = false } = {}) {
    if (!source) return;
    const result = await attempt(() => api.graph(source.id, { version: source.version, limit: 400, ...params }), "Loading the graph");
    if (!result) return;
    data = result;
    if (chooseLayout) {
      layoutSelect.value = planeIsReadable() ? "plane" : "force";
      showOther.checked = data.nodes.length <= 80;
    }
    relayout();
  }

  /** The preference plane reads well for two parties whose levels rarely tie. */
  function planeIsReadable() {
    if (data.parties.length !== 2) return false;
    const points = new Set(data.nodes.map((node) => data.parties.map((party) => node.payoff[party]).join(":")));
    return points.size >= 0.9 * data.nodes.length;
  }

  function neighbourhood(code) {
    if (!code) return;
    focusInput.value = code;
    reload({ focus: code, radius: Number(radiusInput.value) || 1 });
  }

  function relayout() {
    if (!data) return;
    const radius = nodeRadius();
    const options = { width: WIDTH, height: HEIGHT, margin: MARGIN, radius };
    positions =
      layoutSelect.value === "plane" && data.parties.length >= 2
        ? planeLayout(data.nodes, data.parties, options)
        : forceLayout(data.nodes, data.edges, data.parties, options);
    resetView();
  }

  function resetView() {
    view = { x: 0, y: 0, k: 1 };
    draw();
  }

  function nodeRadius() {
    const count = data ? data.nodes.length : 1;
    return Math.max(5, Math.min(14, 16 - count / 25));
  }

  function isEquilibrium(node) {
    const concept = conceptSelect.value;
    return concept === "any" ? node.equilibrium.length > 0 : node.equilibrium.includes(concept);
  }

  function axes() {
    if (layoutSelect.value !== "plane" || data.parties.length < 2) return null;
    const names = context.names || {};
    const [first, second] = data.parties;
    return s(
      "g",
      { class: "axes" },
      s("line", { x1: MARGIN - 20, y1: HEIGHT - MARGIN + 20, x2: WIDTH - MARGIN + 20, y2: HEIGHT - MARGIN + 20, "marker-end": "url(#axis-arrow)" }),
      s("line", { x1: MARGIN - 20, y1: HEIGHT - MARGIN + 20, x2: MARGIN - 20, y2: MARGIN - 20, "marker-end": "url(#axis-arrow)" }),
      s("text", { x: WIDTH - MARGIN + 16, y: HEIGHT - MARGIN + 36, "text-anchor": "end" }, `better for ${names[first] || first} →`),
      s("text", { x: MARGIN - 28, y: MARGIN - 14, transform: `rotate(-90 ${MARGIN - 28} ${MARGIN - 14})`, "text-anchor": "end" }, `better for ${names[second] || second} →`),
    );
  }

  function edgesLayer(radius) {
    const groups = new Map();
    for (const edge of data.edges) {
      const [a, b] = edge.source < edge.target ? [edge.source, edge.target] : [edge.target, edge.source];
      const key = `${a}|${b}|${edge.party}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(edge);
    }
    const lines = [];
    for (const group of groups.values()) {
      const improving = group.filter((edge) => edge.improvement);
      const drawn = improving.length ? improving : showOther.checked ? [group[0]] : [];
      for (const edge of drawn) {
        const from = positions.get(edge.source);
        const to = positions.get(edge.target);
        if (!from || !to) continue;
        const length = Math.max(Math.hypot(to.x - from.x, to.y - from.y), 0.01);
        const ux = (to.x - from.x) / length;
        const uy = (to.y - from.y) / length;
        const colour = partyColour(data.parties, edge.party);
        const oneWay = group.length === 1;
        lines.push(
          s("line", {
            class: edge.improvement ? "edge improving" : "edge other",
            x1: from.x + ux * (radius + 1),
            y1: from.y + uy * (radius + 1),
            x2: to.x - ux * (radius + 3),
            y2: to.y - uy * (radius + 3),
            stroke: colour,
            "marker-end": edge.improvement || oneWay ? `url(#arrow-${data.parties.indexOf(edge.party)})` : null,
            "data-testid": "graph-edge",
            "data-source": edge.source,
            "data-target": edge.target,
            "data-party": edge.party,
            "data-improvement": String(Boolean(edge.improvement)),
          }),
        );
      }
    }
    return s("g", { class: "edges" }, lines);
  }

  function nodesLayer(radius) {
    const names = context.names || {};
    const labels = data.nodes.length <= 90;
    return s(
      "g",
      { class: "nodes" },
      data.nodes.map((node) => {
        const at = positions.get(node.code);
        const equilibrium = isEquilibrium(node);
        const tooltip = [
          `${node.code}: ${describeState(node.code, context.options, context.labels)}`,
          `levels: ${data.parties.map((party) => `${names[party] || party} ${node.payoff[party]}`).join(", ")}`,
          node.equilibrium.length ? `equilibrium: ${node.equilibrium.map((concept) => CONCEPT_NAMES[concept] || concept).join(", ")}` : "not an equilibrium",
          node.status_quo ? "status quo" : null,
        ]
          .filter(Boolean)
          .join("\n");
        const group = s(
          "g",
          {
            class: `node${equilibrium ? " equilibrium" : ""}${node.status_quo ? " status-quo" : ""}${node.code === selected ? " selected" : ""}`,
            transform: `translate(${at.x.toFixed(1)} ${at.y.toFixed(1)})`,
            "data-testid": "graph-node",
            "data-state": node.code,
            "data-equilibrium": node.equilibrium.join(" "),
            tabindex: "0",
            onclick: (event) => {
              event.stopPropagation();
              choose(node.code);
            },
            onkeydown: (event) => {
              if (event.key === "Enter") choose(node.code);
            },
            ondblclick: () => {
              if (!data.complete) neighbourhood(node.code);
            },
          },
          s("title", {}, tooltip),
          node.status_quo ? s("circle", { class: "sq-ring", r: radius + 4.5 }) : null,
          s("circle", { class: "dot", r: radius }),
          labels ? s("text", { class: "label", y: radius + 12, "text-anchor": "middle" }, node.code) : null,
          node.status_quo ? s("text", { class: "sq-label", y: -radius - 8, "text-anchor": "middle" }, "status quo") : null,
        );
        return group;
      }),
    );
  }

  function draw() {
    if (!data || !context) return;
    const radius = nodeRadius();
    const markers = data.parties.map((party, index) =>
      s(
        "marker",
        { id: `arrow-${index}`, viewBox: "0 0 10 10", refX: "8", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" },
        s("path", { d: "M0,0 L10,5 L0,10 z", fill: partyColour(data.parties, party) }),
      ),
    );
    markers.push(
      s("marker", { id: "axis-arrow", viewBox: "0 0 10 10", refX: "8", refY: "5", markerWidth: "6", markerHeight: "6", orient: "auto" }, s("path", { d: "M0,0 L10,5 L0,10 z", class: "axis-head" })),
    );
    viewport = s("g", { class: "viewport", transform: transform() }, axes(), edgesLayer(radius), nodesLayer(radius));
    replace(svg, s("defs", {}, markers), s("rect", { class: "background", x: 0, y: 0, width: WIDTH, height: HEIGHT }), viewport);
    highlight();
    note.textContent = data.complete
      ? `All ${data.nodes.length} states and their unilateral moves.`
      : `Neighbourhood: ${data.nodes.length} of ${data.total} states within ${radiusInput.value} move(s) of ${data.focus}. Double-click a state to centre on it.`;
    replace(states, data.nodes.map((node) => h("option", { value: node.code })));
    if (!focusInput.value && data.focus) focusInput.value = data.focus;
    const names = context.names || {};
    replace(
      legend,
      data.parties.map((party) =>
        h("span", { class: "legend-item" }, h("span", { class: "swatch line", style: `background:${partyColour(data.parties, party)}` }), `moves by ${names[party] || party}`),
      ),
      h("span", { class: "legend-item" }, h("span", { class: "swatch solid" }), "improving (arrow to the better state)"),
      h("span", { class: "legend-item" }, h("span", { class: "swatch dashed" }), "other move"),
      h("span", { class: "legend-item" }, h("span", { class: "swatch eq" }), `equilibrium (${conceptSelect.value === "any" ? "any concept" : CONCEPT_NAMES[conceptSelect.value]})`),
      h("span", { class: "legend-item" }, h("span", { class: "swatch sq" }), "status quo"),
    );
  }

  function transform() {
    return `translate(${view.x} ${view.y}) scale(${view.k})`;
  }

  function highlight() {
    for (const node of svg.querySelectorAll(".node")) node.classList.toggle("selected", node.dataset.state === selected);
    for (const edge of svg.querySelectorAll(".edge")) {
      const touches = selected && (edge.dataset.source === selected || edge.dataset.target === selected);
      edge.classList.toggle("dim", Boolean(selected) && !touches);
      edge.classList.toggle("focus", Boolean(touches));
    }
  }

  function choose(code) {
    selected = code;
    highlight();
    onSelect(code);
  }

  // Pan and zoom.
  let drag = null;
  const unitsPerPixel = () => WIDTH / Math.max(svg.clientWidth, 1);
  svg.addEventListener("pointerdown", (event) => {
    if (event.target.closest(".node")) return;
    drag = { x: event.clientX, y: event.clientY, view: { ...view } };
    svg.setPointerCapture(event.pointerId);
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag || !viewport) return;
    const factor = unitsPerPixel();
    view.x = drag.view.x + (event.clientX - drag.x) * factor;
    view.y = drag.view.y + (event.clientY - drag.y) * factor;
    viewport.setAttribute("transform", transform());
  });
  svg.addEventListener("pointerup", () => {
    drag = null;
  });
  svg.addEventListener(
    "wheel",
    (event) => {
      if (!viewport) return;
      event.preventDefault();
      const rect = svg.getBoundingClientRect();
      const factor = unitsPerPixel();
      const px = (event.clientX - rect.left) * factor;
      const py = (event.clientY - rect.top) * factor;
      const k = Math.max(0.3, Math.min(8, view.k * Math.exp(-event.deltaY * 0.0015)));
      view.x = px - ((px - view.x) * k) / view.k;
      view.y = py - ((py - view.y) * k) / view.k;
      view.k = k;
      viewport.setAttribute("transform", transform());
    },
    { passive: false },
  );

  return {
    element,
    /** Show the graph of scenario `id` at `version`; `ctx` has options, labels and names. */
    async load(id, version, ctx) {
      source = { id, version };
      context = ctx;
      selected = null;
      focusInput.value = "";
      await reload({}, { chooseLayout: true });
    },
    select(code) {
      selected = code;
      highlight();
    },
    setContext(ctx) {
      context = ctx;
      draw();
    },
  };
}
