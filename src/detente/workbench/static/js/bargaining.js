// The Bargaining view: the utility plane (every outcome, the Pareto frontier, the walk-away
// point and the zone it leaves, the solutions), the sentences and the tables.

import { api } from "./api.js";
import { formatNumber, h, replace, s } from "./dom.js";
import { chart } from "./plot.js";
import { on, store } from "./store.js";

const SOLUTION_NAMES = {
  nash: "Nash bargaining solution",
  kalai_smorodinsky: "Kalai–Smorodinsky",
  egalitarian: "Egalitarian",
  utilitarian: "Utilitarian (largest total)",
  time_pressure: "Time pressure (asymmetric Nash)",
};
const SHORT_NAMES = {
  nash: "Nash",
  kalai_smorodinsky: "K–S",
  egalitarian: "egalitarian",
  utilitarian: "utilitarian",
  time_pressure: "time pressure",
};
const SOLUTION_COLOURS = ["#7c3aed", "#d97706", "#0891b2", "#059669", "#db2777"];

function outcomeText(values, labels) {
  return Object.entries(values || {})
    .map(([issue, value]) => `${labels[issue] || issue}: ${value}`)
    .join("; ");
}

function issueLabels() {
  const bargaining = store.scenario && store.scenario.document.bargaining;
  return Object.fromEntries(((bargaining && bargaining.issues) || []).map((issue) => [issue.id, issue.label || issue.id]));
}

function plot(result, names) {
  const document = result.bargaining;
  const [first, second] = document.parties;
  const view = chart({
    width: 640,
    height: 460,
    xDomain: [0, 1],
    yDomain: [0, 1],
    xTitle: `utility of ${names[first] || first}`,
    yTitle: `utility of ${names[second] || second}`,
    testid: "bargaining-plot",
    label: "Utilities of every outcome, the Pareto frontier, walk-away values and solutions",
  });
  const { plot: layer, x, y } = view;
  const reservation = document.reservation;
  const d = [reservation[first], reservation[second]];
  layer.append(
    s("rect", {
      class: document.zone && !document.zone.empty ? "zone" : "zone empty",
      x: x(d[0]),
      y: y(1),
      width: x(1) - x(d[0]),
      height: y(d[1]) - y(1),
      "data-testid": "zone",
    }),
    s("text", { class: "zone-label", x: x(1) - 6, y: y(1) + 14, "text-anchor": "end" }, document.zone && !document.zone.empty ? `zone of agreement: ${document.zone.size} outcomes` : "no outcome beats walking away for both"),
  );
  for (const [u, v] of result.cloud || []) layer.append(s("circle", { class: "cloud", cx: x(u), cy: y(v), r: 2.6 }));
  const frontier = [...(result.frontier_points || [])].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  if (frontier.length) {
    layer.append(s("polyline", { class: "frontier", points: frontier.map(([u, v]) => `${x(u)},${y(v)}`).join(" "), "data-testid": "frontier" }));
    for (const [u, v] of frontier) layer.append(s("circle", { class: "frontier-point", cx: x(u), cy: y(v), r: 3.6 }, s("title", {}, `frontier: ${formatNumber(u)}, ${formatNumber(v)}`)));
  }
  layer.append(
    s("line", { class: "reservation", x1: x(d[0]), x2: x(d[0]), y1: y(0), y2: y(1) }),
    s("line", { class: "reservation", x1: x(0), x2: x(1), y1: y(d[1]), y2: y(d[1]) }),
    s(
      "g",
      { class: "walk-away", transform: `translate(${x(d[0])} ${y(d[1])})`, "data-testid": "reservation-point" },
      s("path", { d: "M-6,-6 L6,6 M-6,6 L6,-6" }),
      s("title", {}, `walk-away values: ${formatNumber(d[0])}, ${formatNumber(d[1])}`),
      s("text", { x: 8, y: 16 }, "walk away"),
    ),
  );
  // Solutions that pick the same outcome share one marker and one label.
  const groups = new Map();
  Object.entries(document.solutions || {}).forEach(([key, solution], index) => {
    const u = solution.utilities;
    const at = `${formatNumber(u[first])}:${formatNumber(u[second])}`;
    if (!groups.has(at)) groups.set(at, { u, keys: [], colour: SOLUTION_COLOURS[index % SOLUTION_COLOURS.length] });
    groups.get(at).keys.push(key);
    if (solution.point) {
      const colour = SOLUTION_COLOURS[index % SOLUTION_COLOURS.length];
      layer.append(
        s(
          "circle",
          { class: "lottery", cx: x(solution.point[first]), cy: y(solution.point[second]), r: 5, stroke: colour },
          s("title", {}, `${SOLUTION_NAMES[key] || key} with lotteries: ${formatNumber(solution.point[first])}, ${formatNumber(solution.point[second])}`),
        ),
      );
    }
  });
  [...groups.values()].forEach((group, index) => {
    const names = group.keys.map((key) => SHORT_NAMES[key] || key);
    layer.append(
      s(
        "g",
        { class: "solution", "data-testid": "solution", "data-solutions": group.keys.join(" "), transform: `translate(${x(group.u[first])} ${y(group.u[second])})` },
        s("rect", { x: -5.5, y: -5.5, width: 11, height: 11, fill: group.colour, transform: "rotate(45)" }),
        s("title", {}, `${group.keys.map((key) => SOLUTION_NAMES[key] || key).join(", ")}: ${formatNumber(group.u[first])}, ${formatNumber(group.u[second])}`),
        s("text", { x: index % 2 ? -10 : 10, y: 4, "text-anchor": index % 2 ? "end" : "start", fill: group.colour }, names.join(", ")),
      ),
    );
  });
  if (document.gap) {
    const u = document.gap.utilities;
    layer.append(
      s(
        "g",
        { class: "gap", transform: `translate(${x(u[first])} ${y(u[second])})`, "data-testid": "gap-point" },
        s("circle", { r: 7 }),
        s("title", {}, `smallest concession (${formatNumber(document.gap.total)}) opens a deal here`),
        s("text", { x: -10, y: 4, "text-anchor": "end" }, "closest deal"),
      ),
    );
  }
  return view.svg;
}

function tables(document, names, labels) {
  const parties = document.parties;
  const header = (first) => h("tr", {}, h("th", {}, first), h("th", {}, "Outcome"), parties.map((party) => h("th", { class: "number" }, names[party] || party)));
  const outcomeRow = (name, outcome, extra = {}) =>
    h(
      "tr",
      extra,
      h("td", {}, name),
      h("td", {}, outcomeText(outcome.values, labels)),
      parties.map((party) => h("td", { class: "number" }, formatNumber(outcome.utilities[party]))),
    );
  const blocks = [];
  const solutions = Object.entries(document.solutions || {});
  blocks.push(
    h("h4", {}, "Solutions"),
    solutions.length
      ? h("table", { class: "data", "data-testid": "solutions-table" }, h("thead", {}, header("Solution")), h("tbody", {}, solutions.map(([key, solution]) => outcomeRow(SOLUTION_NAMES[key] || key, solution, { "data-solution": key }))))
      : h("p", { class: "muted", "data-testid": "solutions-table" }, "No solutions: the zone of possible agreement is empty."),
  );
  if (document.gap) {
    blocks.push(
      h("h4", {}, "What would open a deal"),
      h(
        "p",
        {},
        `The smallest total concession is ${formatNumber(document.gap.total)} (`,
        parties.filter((party) => document.gap.concessions[party] > 0).map((party) => `${names[party] || party} by ${formatNumber(document.gap.concessions[party])}`).join(", "),
        `), at ${outcomeText(document.gap.values, labels)}.`,
      ),
    );
  }
  blocks.push(
    h("h4", {}, "Walk-away values and patience"),
    h(
      "table",
      { class: "data" },
      h("thead", {}, h("tr", {}, h("th", {}, "Party"), h("th", { class: "number" }, "Reservation"), h("th", { class: "number" }, "Discount"), h("th", { class: "number" }, "Power"), h("th", { class: "number" }, "Rubinstein share"))),
      h(
        "tbody",
        {},
        parties.map((party) =>
          h(
            "tr",
            {},
            h("td", {}, names[party] || party),
            h("td", { class: "number" }, formatNumber(document.reservation[party])),
            h("td", { class: "number" }, formatNumber(document.discount[party])),
            h("td", { class: "number" }, formatNumber((document.powers || {})[party])),
            h("td", { class: "number" }, document.rubinstein ? formatNumber(document.rubinstein.shares[party]) : "–"),
          ),
        ),
      ),
    ),
  );
  const frontier = (document.frontier && document.frontier.outcomes) || [];
  blocks.push(
    h(
      "details",
      {},
      h("summary", {}, `Pareto frontier: ${document.frontier ? document.frontier.size : frontier.length} outcomes`),
      h("table", { class: "data", "data-testid": "frontier-table" }, h("thead", {}, header("#")), h("tbody", {}, frontier.map((outcome, index) => outcomeRow(String(index + 1), outcome)))),
    ),
  );
  return blocks;
}

export function createBargainingView() {
  const body = h("div", { class: "bargaining-body" });
  const element = h("div", { class: "bargaining-view" }, body);
  let loadedKey = null;

  async function load() {
    const scenario = store.scenario;
    loadedKey = `${scenario.id}:${scenario.version}`;
    if (scenario.summary && scenario.summary.bargaining === false) {
      replace(body, h("div", { class: "notice" }, "This scenario has no bargaining section (issues, utilities and walk-away values)."));
      return;
    }
    replace(body, h("p", { class: "muted" }, "Loading…"));
    let result;
    try {
      result = await api.bargaining(scenario.id, scenario.version);
    } catch (error) {
      replace(body, h("div", { class: "notice error-text", "data-testid": "bargaining-error" }, error.message));
      return;
    }
    const names = Object.fromEntries((scenario.document.parties || []).map((party) => [party.id, party.name || party.id]));
    const labels = issueLabels();
    const document = result.bargaining;
    replace(
      body,
      h(
        "div",
        { class: "two-columns wide-left" },
        h(
          "section",
          { class: "panel" },
          h("h3", {}, `${document.outcomes} outcomes over ${document.issues.length} issues`),
          document.parties.length === 2 ? plot(result, names) : h("p", { class: "muted" }, "The utility plane is drawn for two parties."),
          h(
            "p",
            { class: "hint" },
            `Grey: every outcome; blue line: the Pareto frontier; cross and dashed lines: walk-away values; shaded: where both do at least as well as walking away${document.zone && !document.zone.empty ? "; diamonds: solutions (circles: with lotteries)" : ", empty here; dashed circle: the closest deal"}.`,
          ),
        ),
        h("section", { class: "panel" }, h("h3", {}, "In words"), h("ul", { class: "sentences", "data-testid": "bargaining-sentences" }, (result.sentences || []).map((text) => h("li", {}, text)))),
      ),
      h("section", { class: "panel" }, tables(document, names, labels)),
    );
  }

  on("scenario", () => {
    loadedKey = null;
  });

  return {
    element,
    show: () => {
      if (store.scenario && loadedKey !== `${store.scenario.id}:${store.scenario.version}`) load();
    },
  };
}
