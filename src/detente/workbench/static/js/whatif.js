// The What-if view: inverse analysis (under which preferences would a state be stable?),
// the smallest change of preferences that makes a state an equilibrium, and robustness to
// uncertain assumptions. Each starts a background run and shows its result.

import { api } from "./api.js";
import { formatNumber, formatPercent, h, replace } from "./dom.js";
import { attempt } from "./messages.js";
import { startRun } from "./runs.js";
import { CONCEPT_NAMES, CONCEPTS, describeState } from "./states.js";
import { on, store } from "./store.js";

function conceptSelect(testid, chosen) {
  return h("select", { "data-testid": testid, "aria-label": "Concept" }, CONCEPTS.map((concept) => h("option", { value: concept, selected: concept === chosen }, CONCEPT_NAMES[concept])));
}


function details(result) {
  return h("details", { class: "raw" }, h("summary", {}, "All of the result (JSON)"), h("pre", {}, JSON.stringify(result, null, 2)));
}

function sentences(list, testid) {
  return h("ul", { class: "sentences", "data-testid": testid }, (Array.isArray(list) ? list : [list]).filter(Boolean).map((text) => h("li", {}, String(text))));
}

function renderInverse(result) {
  return h(
    "div",
    {},
    sentences(result.summary, "inverse-summary"),
    typeof result.fraction === "number"
      ? h(
          "p",
          { class: "big-number", "data-testid": "inverse-fraction" },
          `${formatPercent(result.fraction)} of the orderings`,
          // Counts beyond 2^53 lose digits in JavaScript: the summary above has them exactly.
          Number.isSafeInteger(result.count) && Number.isSafeInteger(result.total)
            ? h("span", { class: "muted" }, ` (${result.count.toLocaleString()} of ${result.total.toLocaleString()})`)
            : null,
        )
      : null,
    result.conditions && result.conditions.length ? h("div", {}, h("h5", {}, "Conditions"), sentences(result.conditions, "inverse-conditions")) : null,
    details(result),
  );
}

function renderChange(result) {
  return h(
    "div",
    {},
    sentences(result.summary, "change-summary"),
    result.cost !== undefined && result.cost !== null ? h("p", {}, `Cost: ${result.cost} swap${result.cost === 1 ? "" : "s"} of adjacent statements.`) : null,
    result.swaps && result.swaps.length ? h("ol", { class: "sentences" }, result.swaps.map((swap) => h("li", {}, String(swap)))) : null,
    details(result),
  );
}

function renderRobustness(result) {
  const graphModel = result.graph_model;
  let table = null;
  if (graphModel && Array.isArray(graphModel.states)) {
    const concepts = graphModel.concepts || CONCEPTS;
    const rows = graphModel.states.filter((state) => concepts.some((concept) => ((state.equilibrium || {})[concept] || {}).probability > 0));
    table = h(
      "table",
      { class: "data", "data-testid": "robustness-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "State"), concepts.map((concept) => h("th", { class: "number" }, `P(${CONCEPT_NAMES[concept] || concept} equilibrium)`)))),
      h(
        "tbody",
        {},
        rows.map((state) =>
          h(
            "tr",
            {},
            h("td", {}, h("code", {}, state.state)),
            concepts.map((concept) => {
              const entry = (state.equilibrium || {})[concept];
              return h("td", { class: "number", title: entry ? `95 % interval ${formatNumber(entry.low)} – ${formatNumber(entry.high)}` : "" }, entry ? formatPercent(entry.probability) : "–");
            }),
          ),
        ),
      ),
    );
  }
  return h("div", {}, sentences(result.summary, "robustness-summary"), table, details(result));
}

const RENDERERS = { inverse: renderInverse, change: renderChange, robustness: renderRobustness };

/** Parse "0-1, 1-2" into [[0, 1], [1, 2]]. */
function parsePairs(text) {
  return text
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => part.split(/[-\s]+/).map(Number))
    .filter((pair) => pair.length === 2 && pair.every(Number.isInteger));
}

export function createWhatIfView() {
  const body = h("div", { class: "whatif-grid" });
  const element = h("div", { class: "whatif-view" }, body);
  const hosts = {};
  let builtFor = null;

  function card(kind, title, explanation, fields, collect) {
    const trackerHost = h("div", { class: "tracker-host" });
    const result = h("div", { class: "whatif-result", "data-testid": `${kind}-result` });
    hosts[kind] = { trackerHost, result };
    const form = h(
      "form",
      {
        class: "panel whatif-card",
        "data-testid": `${kind}-form`,
        onsubmit: (event) => {
          event.preventDefault();
          const params = collect();
          if (!params) return;
          replace(result);
          startRun(trackerHost, kind, params, { onDone: (run) => show(run) });
        },
      },
      h("h3", {}, title),
      h("p", { class: "hint" }, explanation),
      h("div", { class: "form-grid" }, fields, h("div", { class: "field" }, h("span", { class: "field-label" }, " "), h("button", { class: "primary", type: "submit", "data-testid": `${kind}-start` }, "Run"))),
      trackerHost,
      result,
    );
    return form;
  }

  function show(run) {
    const host = hosts[run.kind];
    if (!host || !run.result) return;
    replace(host.result, h("p", { class: "muted" }, `Run #${run.id}, version ${run.version}`), RENDERERS[run.kind](run.result));
  }

  async function build() {
    const scenario = store.scenario;
    const key = `${scenario.id}:${scenario.version}`;
    builtFor = key;
    const document = scenario.document;
    if (!document.graph_model) {
      replace(body, h("div", { class: "notice" }, "What-if analyses of preferences need a graph model."));
      return;
    }
    // The states of the model, to choose from by code (the inverse analysis takes a code).
    const data = await attempt(() => api.analysis(scenario.id, scenario.version), "Listing the states");
    if (builtFor !== key) return;
    const codes = data ? data.analysis.states.map((state) => state.code) : [];
    const statusQuo = data && data.status_quo ? data.status_quo.state : codes[0] || "";
    const datalist = h(
      "datalist",
      { id: "whatif-states" },
      codes.map((code) => h("option", { value: code, label: describeState(code, data.analysis.options, data.labels) })),
    );
    const firstProposal = (document.graph_model.proposals || [])[0];
    const parties = (document.parties || []).map((party) => party.id);

    const inverseState = h("input", { type: "text", class: "code-input", list: "whatif-states", value: statusQuo, "data-testid": "inverse-state", placeholder: "state code" });
    const inverseConcept = conceptSelect("inverse-concept", "gmr");
    const inverseParties = parties.map((party) => h("input", { type: "checkbox", value: party, checked: true }));
    const inverse = card(
      "inverse",
      "Under which preferences would a state be stable?",
      "Counts the orderings of each party's preference statements under which the state is an equilibrium, and states the conditions.",
      [
        h("label", { class: "field wide" }, h("span", { class: "field-label" }, "State"), inverseState),
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Concept"), inverseConcept),
        h("div", { class: "field" }, h("span", { class: "field-label" }, "Preferences that may vary"), h("span", {}, inverseParties.map((box) => h("label", { class: "inline" }, box, ` ${box.value} `)))),
      ],
      () => ({
        state: inverseState.value.trim(),
        concept: inverseConcept.value,
        parties: inverseParties.filter((box) => box.checked).map((box) => box.value),
      }),
    );

    const changeState = h("input", {
      type: "text",
      list: "whatif-states",
      value: firstProposal ? firstProposal.state : statusQuo,
      "data-testid": "change-state",
      placeholder: "state code or expression",
    });
    const changeConcept = conceptSelect("change-concept", "seq");
    const change = card(
      "change",
      "What is the smallest change that makes it an equilibrium?",
      "The fewest swaps of adjacent preference statements after which the target is an equilibrium.",
      [h("label", { class: "field wide" }, h("span", { class: "field-label" }, "Target state"), changeState), h("label", { class: "field" }, h("span", { class: "field-label" }, "Concept"), changeConcept)],
      () => ({ state: changeState.value.trim(), concept: changeConcept.value }),
    );

    const samples = h("input", { type: "number", min: 1, max: 100000, value: 400, class: "narrow", "data-testid": "robustness-samples" });
    const seed = h("input", { type: "number", min: 0, value: 1, class: "narrow", "data-testid": "robustness-seed" });
    const hasOwn = Boolean(document.uncertainty);
    const swappable = parties.map((party) => h("input", { type: "text", placeholder: "e.g. 0-1, 1-2", "data-party": party, "aria-label": `Swappable statements of ${party}` }));
    const custom = h("textarea", { rows: 4, class: "code small", placeholder: '{"graph_model": {"swappable": {"us": [[0, 1]]}}}', "data-testid": "robustness-uncertainty" });
    const robustness = card(
      "robustness",
      "How robust are the conclusions?",
      hasOwn
        ? "Samples scenarios from the uncertainty section of the scenario (leave the fields below empty) or from what you state here."
        : "This scenario has no uncertainty section: say which adjacent preference statements may swap (positions count from 0), or give the uncertainty as JSON.",
      [
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Samples"), samples),
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Seed"), seed),
        swappable.map((input) => h("label", { class: "field" }, h("span", { class: "field-label" }, `Swappable (${input.dataset.party})`), input)),
        h("label", { class: "field wide" }, h("span", { class: "field-label" }, "Or uncertainty as JSON"), custom),
      ],
      () => {
        const params = { samples: Number(samples.value), seed: Number(seed.value) };
        if (custom.value.trim()) {
          try {
            params.uncertainty = JSON.parse(custom.value);
          } catch (error) {
            replace(hosts.robustness.result, h("p", { class: "error-text" }, `The uncertainty is not valid JSON: ${error.message}`));
            return null;
          }
        } else {
          const pairs = Object.fromEntries(swappable.map((input) => [input.dataset.party, parsePairs(input.value)]).filter(([, list]) => list.length));
          if (Object.keys(pairs).length) params.uncertainty = { graph_model: { swappable: pairs } };
        }
        return params;
      },
    );
    replace(body, datalist, inverse, change, robustness);
  }

  on("scenario", () => {
    builtFor = null;
  });
  let building = Promise.resolve();
  function ensureBuilt() {
    if (store.scenario && builtFor !== `${store.scenario.id}:${store.scenario.version}`) building = build();
    return building;
  }

  on("show-run", async (run) => {
    if (!RENDERERS[run.kind]) return;
    await ensureBuilt();
    show(run);
  });

  return { element, show: () => ensureBuilt() };
}
