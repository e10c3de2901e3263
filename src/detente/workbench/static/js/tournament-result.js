// The result of a tournament run: its summary with the exports, the ranking of the strategies
// (mean utility with its 95 % interval, agreement rate, rounds) and the matrix of pairings
// (the first party's strategy down, the second party's across, coloured by agreement rate).

import { api } from "./api.js";
import { formatNumber, formatPercent, h, s } from "./dom.js";

// Agreement rate 0 → a neutral grey, 1 → a green; the legend shows the same ramp.
const NO_AGREEMENT = [246, 247, 249];
const ALL_AGREEMENT = [120, 199, 158];

function isNumber(value) {
  return typeof value === "number" && Number.isFinite(value);
}

export function agreementColour(rate) {
  const share = isNumber(rate) ? Math.min(1, Math.max(0, rate)) : 0;
  const channel = (index) => Math.round(NO_AGREEMENT[index] + share * (ALL_AGREEMENT[index] - NO_AGREEMENT[index]));
  return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
}

function interval(low, high) {
  return isNumber(low) && isNumber(high) ? `${formatNumber(low)} – ${formatNumber(high)}` : "–";
}

/** A small bar over [0, 1]: the interval as a band and the mean as a dot. */
function intervalBar(mean, low, high) {
  const width = 120;
  const x = (value) => 4 + Math.min(1, Math.max(0, value)) * (width - 8);
  return s(
    "svg",
    { class: "interval-bar", viewBox: `0 0 ${width} 14`, width, height: 14, "aria-hidden": "true" },
    s("line", { class: "track", x1: x(0), x2: x(1), y1: 7, y2: 7 }),
    isNumber(low) && isNumber(high) ? s("line", { class: "band", x1: x(low), x2: x(high), y1: 7, y2: 7 }) : null,
    isNumber(mean) ? s("circle", { class: "mean", cx: x(mean), cy: 7, r: 3.5 }) : null,
  );
}

function rankingTable(strategies) {
  return h(
    "table",
    { class: "data ranking", "data-testid": "tournament-ranking" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { class: "number" }, "#"),
        h("th", {}, "Strategy"),
        h("th", { class: "number" }, "Mean utility"),
        h("th", { class: "number" }, "95 % interval"),
        h("th", { title: "The 95 % interval as a band over [0, 1], the mean as a dot" }, "on [0, 1]"),
        h("th", { class: "number" }, "Agreement rate"),
        h("th", { class: "number" }, "Mean rounds"),
      ),
    ),
    h(
      "tbody",
      {},
      strategies.map((entry, index) =>
        h(
          "tr",
          { "data-testid": "ranking-row", "data-strategy": entry.strategy },
          h("td", { class: "number muted" }, String(index + 1)),
          h("td", { "data-testid": "ranking-strategy" }, h("code", {}, entry.strategy)),
          h("td", { class: "number", "data-testid": "ranking-utility", "data-value": String(entry.utility_mean) }, formatNumber(entry.utility_mean)),
          h("td", { class: "number muted" }, interval(entry.utility_low, entry.utility_high)),
          h("td", { class: "bar-cell" }, intervalBar(entry.utility_mean, entry.utility_low, entry.utility_high)),
          h(
            "td",
            { class: "number", title: `95 % interval ${interval(entry.agreement_low, entry.agreement_high)}` },
            formatPercent(entry.agreement_mean),
          ),
          h("td", { class: "number", title: `95 % interval ${interval(entry.rounds_low, entry.rounds_high)}` }, formatNumber(entry.rounds_mean, 1)),
        ),
      ),
    ),
  );
}

function pairCell(pair, first, second, partyNames) {
  if (!pair) return h("td", { class: "pair", "data-testid": "pair-cell", "data-first": first, "data-second": second }, "–");
  const [one, two] = partyNames;
  return h(
    "td",
    {
      class: "pair",
      "data-testid": "pair-cell",
      "data-first": first,
      "data-second": second,
      "data-agreement": String(pair.agreement),
      style: `background-color: ${agreementColour(pair.agreement)}`,
      title:
        `${one} playing ${first} against ${two} playing ${second}: agreement in ${formatPercent(pair.agreement)} of ` +
        `${pair.negotiations} negotiation${pair.negotiations === 1 ? "" : "s"}; mean utility ` +
        `${formatNumber(pair.utility_first)} for ${one}, ${formatNumber(pair.utility_second)} for ${two}.`,
    },
    h(
      "div",
      { class: "pair-utilities" },
      h("span", { class: "first", "data-testid": "pair-utility-first" }, formatNumber(pair.utility_first)),
      h("span", { class: "separator" }, " / "),
      h("span", { class: "second", "data-testid": "pair-utility-second" }, formatNumber(pair.utility_second)),
    ),
    h("div", { class: "pair-agreement" }, `${formatPercent(pair.agreement, 0)} agreed`),
  );
}

function pairingMatrix(order, pairs, partyNames) {
  const byPair = new Map(pairs.map((pair) => [`${pair.first}\u0000${pair.second}`, pair]));
  const [one, two] = partyNames;
  return h(
    "div",
    { class: "matrix-scroll" },
    h(
      "table",
      { class: "matrix", "data-testid": "pairing-matrix" },
      h(
        "thead",
        {},
        h("tr", {}, h("th", { class: "matrix-corner", rowspan: 2 }, `${one} plays ↓`), h("th", { class: "matrix-axis", colspan: order.length }, `${two} plays →`)),
        h(
          "tr",
          {},
          order.map((name) => h("th", { class: "matrix-column", scope: "col" }, h("code", {}, name))),
        ),
      ),
      h(
        "tbody",
        {},
        order.map((first) =>
          h(
            "tr",
            { "data-testid": "matrix-row", "data-first": first },
            h("th", { class: "matrix-row-head", scope: "row" }, h("code", {}, first)),
            order.map((second) => pairCell(byPair.get(`${first}\u0000${second}`), first, second, partyNames)),
          ),
        ),
      ),
    ),
  );
}

function matrixLegend(partyNames) {
  const [one, two] = partyNames;
  return h(
    "div",
    { class: "legend matrix-legend", "data-testid": "matrix-legend" },
    h("span", { class: "legend-item" }, "Each cell: mean utility of ", h("strong", {}, one), " / of ", two),
    h(
      "span",
      { class: "legend-item" },
      "agreement rate",
      h("span", { class: "agreement-end" }, "0 %"),
      h("span", { class: "agreement-scale", style: `background: linear-gradient(to right, ${agreementColour(0)}, ${agreementColour(1)})` }),
      h("span", { class: "agreement-end" }, "100 %"),
    ),
  );
}

/** The panels showing a finished tournament run; `names` maps party ids to names. */
export function tournamentResult(run, names) {
  const data = run.result || {};
  const strategies = Array.isArray(data.strategies) ? data.strategies : [];
  const pairs = Array.isArray(data.pairs) ? data.pairs : [];
  const parties = Array.isArray(data.parties) ? data.parties : [];
  const partyNames = [0, 1].map((index) => (parties[index] ? names[parties[index]] || parties[index] : index === 0 ? "First party" : "Second party"));
  // Rows and columns in ranking order (best first), then any strategy only seen in a pairing.
  const order = strategies.map((entry) => entry.strategy);
  for (const pair of pairs) for (const name of [pair.first, pair.second]) if (!order.includes(name)) order.push(name);
  return [
    h(
      "section",
      { class: "panel", "data-testid": "tournament-summary" },
      h(
        "div",
        { class: "toolbar" },
        h("h3", {}, `Run #${run.id}: tournament of ${order.length} strategies`),
        h("span", { class: "spacer" }),
        h("span", { class: "muted" }, "Download"),
        ["json", "csv"].map((format) =>
          h("a", { class: "button small", href: api.runExportUrl(run.id, format), download: "", "data-testid": `tournament-export-${format}` }, format.toUpperCase()),
        ),
      ),
      h(
        "ul",
        { class: "sentences", "data-testid": "tournament-sentences" },
        (data.summary || []).map((sentence) => h("li", {}, String(sentence))),
      ),
      h("h4", { class: "subhead" }, "Ranking"),
      rankingTable(strategies),
      h("p", { class: "hint" }, "Over every negotiation a strategy played, in either role; best mean utility first."),
    ),
    h(
      "section",
      { class: "panel", "data-testid": "tournament-pairings" },
      h("h3", {}, "Pairings"),
      h("p", { class: "hint" }, "Each negotiation of a pairing, on average: what each party got, and how often they agreed."),
      pairingMatrix(order, pairs, partyNames),
      matrixLegend(partyNames),
    ),
  ];
}
