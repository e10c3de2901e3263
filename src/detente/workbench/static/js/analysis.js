// The Analyse view: the verdict in sentences, the equilibria table with filters, the graph of
// states, the explanation of a chosen state, perceived games side by side and the paths from
// the status quo. "Analyse" runs the analysis in the background (progress and cancel).

import { api } from "./api.js";
import { h, replace } from "./dom.js";
import { createExplainPanel } from "./explain.js";
import { createGraphPanel } from "./graph.js";
import { startRun } from "./runs.js";
import { CONCEPT_NAMES, CONCEPT_TITLES, CONCEPTS, describeMove, describeState, partyColour } from "./states.js";
import { on, store } from "./store.js";

const VERDICT_SECTIONS = [
  ["equilibria", "Equilibria"],
  ["proposals", "Offers and proposals"],
  ["expectations", "What each side expected"],
  ["status_quo", "From the status quo"],
  ["bargaining", "Bargaining"],
];

export function createAnalysisView() {
  const runConcepts = CONCEPTS.map((concept) => h("input", { type: "checkbox", checked: true, value: concept, "aria-label": `Compute ${concept}` }));
  const runHost = h("div", { class: "tracker-host", "data-testid": "analysis-run" });
  const reportLink = h("span", { class: "report-link" });
  const source = h("span", { class: "muted", "data-testid": "analysis-source" });
  const headline = h("section", { class: "panel headline-panel" });
  const verdict = h("section", { class: "panel verdict", "data-testid": "verdict" });
  const explain = createExplainPanel();
  const graph = createGraphPanel({ onSelect: (code) => select(code, "graph") });
  const filters = {
    concepts: new Set(CONCEPTS),
    equilibriaOnly: h("input", { type: "checkbox", "data-testid": "equilibria-only", onchange: () => renderTable() }),
    text: h("input", { type: "search", placeholder: "Filter by state or option", "aria-label": "Filter states", "data-testid": "state-filter", oninput: () => renderTable() }),
  };
  const conceptFilters = h("span", { class: "concept-filters" });
  const tableCount = h("span", { class: "muted", "data-testid": "table-count" });
  const tableHost = h("div", { class: "table-scroll" });
  const summaryHost = h("div", { class: "equilibria-summary", "data-testid": "equilibria-summary" });
  const perceptions = h("section", { class: "panel", "data-testid": "perceptions" });
  const paths = h("section", { class: "panel", "data-testid": "status-quo-paths" });
  const message = h("div", { class: "notice", hidden: true, "data-testid": "analysis-notice" });

  const results = h(
    "div",
    { class: "analysis-results", hidden: true },
    h("div", { class: "analysis-grid" }, h("section", { class: "panel graph-section" }, h("h3", {}, "States and moves"), graph.element), explain.element),
    verdict,
    h(
      "section",
      { class: "panel" },
      h("h3", {}, "Equilibria"),
      summaryHost,
      h("div", { class: "toolbar" }, conceptFilters, h("label", {}, filters.equilibriaOnly, " equilibria only"), filters.text, h("span", { class: "spacer" }), tableCount),
      tableHost,
    ),
    h("div", { class: "two-columns" }, perceptions, paths),
  );
  const headlineText = h("div", { class: "headline-text" });
  replace(headline, headlineText, h(
    "div",
    { class: "run-controls" },
    h("div", { class: "run-buttons" }, reportLink, h("button", { class: "primary", type: "button", "data-testid": "analyse-button", onclick: () => analyse() }, "Analyse")),
    h("div", { class: "concept-choice" }, runConcepts.map((box) => h("label", {}, box, ` ${CONCEPT_NAMES[box.value]}`))),
    source,
  ), runHost);
  const element = h(
    "div",
    { class: "analysis-view" },
    message,
    headline,
    results,
  );

  let ctx = null;
  let loadedKey = null;
  let loads = 0;
  let selected = null;

  function context() {
    return {
      options: ctx.analysis.options,
      labels: ctx.labels || {},
      names: ctx.party_names || {},
    };
  }

  async function loadInteractive(version) {
    const scenario = store.scenario;
    message.hidden = true;
    if (!scenario.summary || scenario.summary.graph_model === false) {
      headline.hidden = true;
      showNotice("This scenario has no graph model (options and preferences), so there is no stability analysis. See the Bargaining tab.");
      return null;
    }
    try {
      return await api.analysis(scenario.id, version);
    } catch (error) {
      showNotice(`${error.message}${error.status === 422 ? " Use Analyse to run it in the background." : ""}`);
      return null;
    }
  }

  function showNotice(text) {
    message.hidden = false;
    message.textContent = text;
  }

  async function load() {
    const scenario = store.scenario;
    const generation = ++loads;
    headline.hidden = false;
    results.hidden = true;
    loadedKey = `${scenario.id}:${scenario.version}`;
    replace(reportLink);
    replace(runHost);
    const data = await loadInteractive(scenario.version);
    if (generation !== loads) return;
    if (!data) {
      ctx = null;
      clearResults();
      return;
    }
    ctx = { ...data, version: scenario.version };
    source.textContent = `version ${scenario.version}, computed on opening`;
    renderAll(true);
  }

  function clearResults() {
    results.hidden = true;
    replace(verdict);
    replace(headlineText);
    replace(tableHost);
    replace(summaryHost);
    replace(perceptions);
    replace(paths);
    explain.clear();
  }

  async function analyse() {
    if (!store.scenario) return;
    const concepts = runConcepts.filter((box) => box.checked).map((box) => box.value);
    replace(reportLink);
    await startRun(runHost, "analysis", { concepts }, { onDone: (run) => showRun(run) });
  }

  async function showRun(run) {
    if (!run.result) return;
    const generation = ++loads;
    loadedKey = `${store.scenario.id}:${store.scenario.version}`;
    let base = ctx && ctx.version === run.version ? ctx : await loadInteractive(run.version);
    if (generation !== loads) return;
    base = base || { labels: {}, party_names: {}, status_quo: null, perceptions: [] };
    ctx = { ...base, analysis: run.result.analysis, verdict: run.result.verdict, version: run.version };
    source.textContent = `version ${run.version}, from run #${run.id}`;
    replace(
      reportLink,
      h("a", { class: "button small", href: api.runExportUrl(run.id, "html"), download: "", "data-testid": "report-download" }, "Report (HTML)"),
    );
    renderAll(true);
  }

  function renderAll(reloadGraph) {
    message.hidden = true;
    headline.hidden = false;
    results.hidden = false;
    renderVerdict();
    renderConceptFilters();
    renderSummary();
    renderTable();
    renderPerceptions();
    renderPaths();
    if (reloadGraph) graph.load(store.scenario.id, ctx.version, context());
    else graph.setContext(context());
    const known = (code) => code && ctx.analysis.states.some((state) => state.code === code);
    if (known(selected)) select(selected, "reload");
    else if (ctx.status_quo && known(ctx.status_quo.state)) select(ctx.status_quo.state, "reload");
    else {
      selected = null;
      explain.clear();
    }
  }

  function renderVerdict() {
    const sentences = ctx.verdict || {};
    replace(headlineText, h("h2", { class: "headline", "data-testid": "verdict-headline" }, sentences.headline || ctx.analysis.title));
    replace(
      verdict,
      VERDICT_SECTIONS.filter(([key]) => sentences[key] && sentences[key].length).map(([key, title]) =>
        h(
          "div",
          { class: "verdict-section", "data-testid": `verdict-${key}` },
          h("h4", {}, title),
          h("ul", { class: "sentences" }, sentences[key].map((text) => h("li", {}, text))),
        ),
      ),
    );
  }

  function renderConceptFilters() {
    const computed = ctx.analysis.concepts;
    replace(
      conceptFilters,
      computed.map((concept) =>
        h(
          "label",
          { title: CONCEPT_TITLES[concept] },
          h("input", {
            type: "checkbox",
            checked: filters.concepts.has(concept),
            "data-testid": `concept-filter-${concept}`,
            onchange: (event) => {
              if (event.target.checked) filters.concepts.add(concept);
              else filters.concepts.delete(concept);
              renderTable();
            },
          }),
          ` ${CONCEPT_NAMES[concept] || concept}`,
        ),
      ),
    );
  }

  function renderSummary() {
    const analysis = ctx.analysis;
    replace(
      summaryHost,
      analysis.concepts.map((concept) => {
        const codes = analysis.equilibria[concept] || [];
        return h(
          "div",
          { class: "summary-row", "data-testid": `equilibria-${concept}`, "data-count": codes.length },
          h("span", { class: "concept", title: CONCEPT_TITLES[concept] }, CONCEPT_NAMES[concept] || concept),
          h("span", { class: "count" }, String(codes.length)),
          h(
            "span",
            { class: "codes" },
            codes.map((code) => h("button", { class: "chip", type: "button", title: describeState(code, analysis.options, ctx.labels), onclick: () => select(code, "chip") }, code)),
          ),
        );
      }),
    );
  }

  function renderTable() {
    if (!ctx) return;
    const analysis = ctx.analysis;
    const concepts = analysis.concepts.filter((concept) => filters.concepts.has(concept));
    const query = filters.text.value.trim().toLowerCase();
    const names = ctx.party_names || {};
    const rows = analysis.states.filter((state) => {
      if (filters.equilibriaOnly.checked && !concepts.some((concept) => state.equilibrium.includes(concept))) return false;
      if (!query) return true;
      const words = [state.code, ...analysis.options.filter((_, index) => state.code[index] === "Y").flatMap((id) => [id, (ctx.labels || {})[id] || ""])];
      return words.some((word) => word.toLowerCase().includes(query));
    });
    tableCount.textContent = `${rows.length} of ${analysis.states.length} states`;
    const sq = ctx.status_quo ? ctx.status_quo.state : null;
    replace(
      tableHost,
      h(
        "table",
        { class: "data states-table", "data-testid": "equilibria-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "State"),
            h("th", {}, "Options taken"),
            analysis.parties.map((party) => h("th", { class: "number", title: "Preference level (higher is better)" }, `${names[party] || party}`)),
            concepts.map((concept) => h("th", { title: CONCEPT_TITLES[concept] }, CONCEPT_NAMES[concept] || concept)),
          ),
        ),
        h(
          "tbody",
          {},
          rows.map((state) =>
            h(
              "tr",
              {
                class: `${state.code === selected ? "selected" : ""}${state.equilibrium.length ? " is-equilibrium" : ""}`,
                "data-testid": "state-row",
                "data-state": state.code,
                "data-equilibrium": state.equilibrium.join(" "),
                tabindex: "0",
                onclick: () => select(state.code, "table"),
                onkeydown: (event) => event.key === "Enter" && select(state.code, "table"),
              },
              h("td", {}, h("code", {}, state.code), state.code === sq ? h("span", { class: "tag" }, "status quo") : null),
              h("td", { class: "options-cell" }, describeState(state.code, analysis.options, ctx.labels)),
              analysis.parties.map((party) => h("td", { class: "number" }, String(state.payoff[party]))),
              concepts.map((concept) => stabilityCell(state, concept, analysis.parties, names)),
            ),
          ),
        ),
      ),
    );
  }

  function stabilityCell(state, concept, parties, names) {
    const stableFor = new Set(state.stable[concept] || []);
    const equilibrium = state.equilibrium.includes(concept);
    return h(
      "td",
      {
        class: `stability${equilibrium ? " equilibrium" : ""}`,
        "data-concept": concept,
        title: parties.map((party) => `${stableFor.has(party) ? "stable" : "unstable"} for ${names[party] || party}`).join("; "),
      },
      parties.map((party) =>
        h("span", { class: stableFor.has(party) ? "dot filled" : "dot", style: `--colour:${partyColour(parties, party)}` }),
      ),
      equilibrium ? h("span", { class: "eq-mark" }, "equilibrium") : null,
    );
  }

  function codeChips(codes, reference) {
    const set = new Set(codes);
    const chips = codes.map((code) =>
      h("button", { class: `chip${reference && !reference.has(code) ? " added" : ""}`, type: "button", title: reference && !reference.has(code) ? "Not an equilibrium of the real game" : null, onclick: () => select(code, "chip") }, code),
    );
    if (reference) {
      for (const code of reference) {
        if (!set.has(code)) chips.push(h("span", { class: "chip missing", title: "An equilibrium of the real game this party does not expect" }, code));
      }
    }
    return chips.length ? chips : h("span", { class: "muted" }, "none");
  }

  function renderPerceptions() {
    const views = ctx.perceptions || [];
    if (!views.length) {
      replace(perceptions, h("h3", {}, "Perceived games"), h("p", { class: "muted" }, "No perceptions in this scenario: every party sees the real game."));
      return;
    }
    const analysis = ctx.analysis;
    replace(
      perceptions,
      h("h3", {}, "Perceived games"),
      h("p", { class: "hint" }, "The equilibria each party expects from its beliefs, beside the real game's. Highlighted: expected but not real; struck through: real but not expected."),
      h(
        "table",
        { class: "data perceptions-table", "data-testid": "perceptions-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "Concept"),
            h("th", {}, "Real game"),
            views.map((view) => h("th", {}, `As ${view.name || view.party} sees it`, view.misperceives ? h("span", { class: "tag warn" }, "misperceives") : null)),
          ),
        ),
        h(
          "tbody",
          {},
          analysis.concepts.map((concept) => {
            const real = new Set(analysis.equilibria[concept] || []);
            return h(
              "tr",
              {},
              h("th", { title: CONCEPT_TITLES[concept] }, CONCEPT_NAMES[concept] || concept),
              h("td", {}, codeChips(analysis.equilibria[concept] || [], null)),
              views.map((view) => h("td", {}, codeChips((view.equilibria || {})[concept] || [], real))),
            );
          }),
        ),
      ),
    );
  }

  function renderPaths() {
    const sq = ctx.status_quo;
    if (!sq) {
      replace(paths, h("h3", {}, "From the status quo"), h("p", { class: "muted" }, "No status quo in this scenario."));
      return;
    }
    const entries = Object.entries(sq.paths || {});
    replace(
      paths,
      h("h3", {}, "From the status quo"),
      h("p", {}, "Status quo ", h("code", {}, sq.state), `: ${describeState(sq.state, ctx.analysis.options, ctx.labels)}.`),
      h(
        "ul",
        { class: "paths" },
        entries.map(([code, steps]) =>
          h(
            "li",
            { "data-testid": "status-quo-path", "data-state": code },
            h("button", { class: "chip", type: "button", onclick: () => select(code, "chip") }, code),
            steps.length === 0
              ? " is the status quo itself."
              : h("ol", {}, steps.map((step) => h("li", {}, describeMove(step, context())))),
          ),
        ),
      ),
      sq.unreachable && sq.unreachable.length
        ? h("p", {}, "Not reachable from the status quo: ", sq.unreachable.map((code) => h("code", { class: "spaced" }, code)))
        : null,
    );
  }

  function select(code, origin) {
    selected = code;
    for (const row of tableHost.querySelectorAll("tr[data-state]")) row.classList.toggle("selected", row.dataset.state === code);
    if (origin !== "graph") graph.select(code);
    explain.show(store.scenario.id, ctx.version, code, context());
  }

  on("scenario", () => {
    loadedKey = null;
    selected = null;
  });
  on("show-run", (run) => {
    if (run.kind === "analysis") showRun(run);
  });

  return {
    element,
    show: () => {
      if (store.scenario && loadedKey !== `${store.scenario.id}:${store.scenario.version}`) load();
    },
  };
}
