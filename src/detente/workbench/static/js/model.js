// The Model view: a form over the scenario document (parties, options, infeasible states,
// preferences, status quo, proposals, perceptions, bargaining, sources), validated as the user
// edits. It follows the YAML editor too: once edited YAML reads as data, the form shows it.

import { bargainingSection, renameBargainingParty } from "./bargaining-form.js";
import { h, replace } from "./dom.js";
import { discardEdits, formEdited, readYamlNow } from "./editor.js";
import { addButton, cell, guarded, iconButton, idSelect, isMapping, renameKey as renameMappingKey, sectionOf, textInput as fieldText } from "./form-fields.js";
import { applyProblems } from "./problems.js";
import { rankingEditor } from "./ranking.js";
import { reasonsEditor, setOptional, statementList } from "./statements.js";
import { on, store } from "./store.js";

const MOVES = [
  ["", "both (reversible)"],
  ["forward", "forward only (irreversible)"],
  ["backward", "backward only"],
];

function textInput(owner, key, loc, options = {}) {
  return fieldText(owner, key, loc, { onChange: formEdited, ...options });
}

function partySelect(owner, key, loc, partyIds, { allowNone = false } = {}) {
  return idSelect(owner, key, loc, partyIds, { none: allowNone ? "(nobody)" : null, onChange: formEdited });
}

/** Rename a party everywhere the document refers to it by id. */
function renameParty(document, before, after) {
  if (!before || !after || before === after) return;
  renameBargainingParty(document.bargaining, before, after);
  const graphModel = document.graph_model;
  if (!isMapping(graphModel)) return;
  for (const option of graphModel.options || []) if (option.party === before) option.party = after;
  for (const proposal of graphModel.proposals || []) if (proposal.by === before) proposal.by = after;
  const renameKey = (mapping) => renameMappingKey(mapping, before, after);
  renameKey(graphModel.preferences);
  renameKey(graphModel.perceptions);
  for (const beliefs of Object.values(graphModel.perceptions || {})) renameKey(beliefs);
}

/** Option ids in state-code order and their labels, for the words beside a state code. */
function optionWords(graphModel) {
  const options = (Array.isArray(graphModel.options) ? graphModel.options : []).map((option) => (isMapping(option) ? option : {}));
  return { optionIds: options.map((option) => String(option.id ?? "?")), labels: Object.fromEntries(options.map((option) => [String(option.id ?? "?"), option.label || option.id])) };
}

export function createModelView({ goTo }) {
  const banner = h("div", { class: "notice", hidden: true, "data-testid": "form-locked" });
  const unplaced = h("div", { class: "problem-box", hidden: true, "data-testid": "form-problems" });
  const fieldset = h("fieldset", { class: "model-form", "data-testid": "model-form" });
  const element = h("div", { class: "model-view" }, banner, unplaced, fieldset);

  const rerender = () => render();
  // The form is drawn when visible: following the YAML as it is typed costs nothing while the
  // YAML tab is the one shown.
  let stale = true;

  function partiesSection(document) {
    const parties = document.parties || (document.parties = []);
    return sectionOf(
      "Parties",
      { "data-loc": "parties", "data-testid": "parties-section" },
      h("p", { class: "hint" }, "The decision makers. Renaming an id updates the options, preferences and perceptions that use it."),
      h(
        "div",
        { class: "rows" },
        parties.map((party, index) =>
          h(
            "div",
            { class: "row", "data-loc": `parties[${index}]`, "data-testid": "party-row" },
            cell(
              textInput(party, "id", `parties[${index}].id`, {
                label: "Party id",
                className: "id",
                placeholder: "id",
                onCommit: (value) => {
                  renameParty(document, party.__previousId, value);
                  formEdited();
                  render();
                },
              }),
            ),
            h("span", { class: "cell grow" }, textInput(party, "name", `parties[${index}].name`, { optional: true, label: "Party name", placeholder: "Name in reports" })),
            iconButton("Remove party", "×", () => {
              parties.splice(index, 1);
              formEdited();
              render();
            }),
            h("div", { class: "problem-slot" }),
          ),
        ),
      ),
      h(
        "button",
        {
          class: "small",
          type: "button",
          onclick: () => {
            parties.push({ id: `party${parties.length + 1}`, name: "" });
            formEdited();
            render();
          },
        },
        "+ party",
      ),
    );
  }

  function optionsSection(graphModel, partyIds, sourceIds) {
    const options = graphModel.options || (graphModel.options = []);
    const rows = options.map((option, index) => {
      const loc = `graph_model.options[${index}]`;
      const move = (delta) => {
        const [moved] = options.splice(index, 1);
        options.splice(index + delta, 0, moved);
        formEdited();
        render();
      };
      const moves = h(
        "select",
        {
          "data-loc": `${loc}.moves`,
          "aria-label": "Moves allowed",
          onchange: (event) => {
            setOptional(option, "moves", event.target.value);
            formEdited();
          },
        },
        MOVES.map(([value, text]) => h("option", { value, selected: (option.moves || "") === value }, text)),
      );
      return h(
        "div",
        { class: "row option-row", "data-loc": loc, "data-testid": "option-row", "data-option": option.id },
        h("span", { class: "rank", title: "Letter position in state codes" }, String(index + 1)),
        cell(textInput(option, "id", `${loc}.id`, { label: "Option id", className: "id", placeholder: "id" })),
        cell(partySelect(option, "party", `${loc}.party`, partyIds)),
        h("span", { class: "cell grow" }, textInput(option, "label", `${loc}.label`, { optional: true, label: "Option label", placeholder: "What taking it means" })),
        cell(moves),
        iconButton("Move up", "↑", () => move(-1), { disabled: index === 0 }),
        iconButton("Move down", "↓", () => move(1), { disabled: index === options.length - 1 }),
        iconButton("Remove option", "×", () => {
          options.splice(index, 1);
          formEdited();
          render();
        }),
        h("div", { class: "problem-slot" }),
        reasonsEditor({ getOwner: () => option, loc, sourceIds, onChange: formEdited, rerender }),
      );
    });
    return sectionOf(
      "Options",
      { "data-loc": "graph_model.options", "data-testid": "options-section" },
      h("p", { class: "hint" }, "Yes/no options in state-code order: letter k of a state code is option k."),
      h("div", { class: "rows" }, rows),
      h(
        "button",
        {
          class: "small",
          type: "button",
          onclick: () => {
            options.push({ id: `option${options.length + 1}`, party: partyIds[0] || "" });
            formEdited();
            render();
          },
        },
        "+ option",
      ),
    );
  }

  function preferencesSection(graphModel, partyIds, sourceIds, names) {
    const preferences = graphModel.preferences || (graphModel.preferences = {});
    const columns = partyIds.map((party) => {
      const loc = `graph_model.preferences.${party}`;
      const value = preferences[party];
      let body;
      if (Array.isArray(value)) {
        body = statementList({ list: value, loc, testid: `preferences-${party}`, sourceIds, onChange: formEdited, rerender });
      } else if (isMapping(value) && Array.isArray(value.ranking)) {
        body = rankingEditor({ spec: value, loc, testid: `ranking-${party}`, ...optionWords(graphModel), sourceIds, onChange: formEdited, rerender });
      } else if (value && value.ranking) {
        body = h(
          "div",
          { "data-loc": loc },
          h("p", { class: "hint" }, "Explicit ranking (most preferred first; brackets group ties). Edit it in the YAML tab."),
          h("code", { class: "ranking" }, JSON.stringify(value.ranking)),
        );
      } else {
        body = h(
          "div",
          { "data-loc": loc },
          h("p", { class: "hint" }, "No preferences yet."),
          h(
            "button",
            {
              class: "small",
              type: "button",
              onclick: () => {
                preferences[party] = [""];
                formEdited();
                render();
              },
            },
            "+ preference list",
          ),
        );
      }
      return h("div", { class: "party-column", "data-testid": `party-preferences-${party}` }, h("h4", {}, names[party] || party, h("span", { class: "muted" }, ` (${party})`)), body);
    });
    return sectionOf(
      "Preferences",
      { "data-loc": "graph_model.preferences", "data-testid": "preferences-section" },
      h("p", { class: "hint" }, "Option prioritisation: each party's statements, most important first, or an explicit ranking of states. Reorder with ↑ ↓."),
      h("div", { class: "columns" }, columns),
    );
  }

  function infeasibleSection(graphModel, sourceIds) {
    const list = graphModel.infeasible || (graphModel.infeasible = []);
    return sectionOf(
      "Infeasible states",
      { "data-testid": "infeasible-section" },
      h("p", { class: "hint" }, "Conditions that cannot hold; every state satisfying one is removed."),
      statementList({ list, loc: "graph_model.infeasible", testid: "infeasible", sourceIds, onChange: formEdited, rerender }),
    );
  }

  function statusQuoSection(graphModel, partyIds, sourceIds) {
    const proposals = graphModel.proposals || [];
    const rows = proposals.map((proposal, index) => {
      const loc = `graph_model.proposals[${index}]`;
      return h(
        "div",
        { class: "row", "data-loc": loc, "data-testid": "proposal-row" },
        cell(textInput(proposal, "id", `${loc}.id`, { label: "Proposal id", className: "id" })),
        h("span", { class: "cell grow" }, textInput(proposal, "label", `${loc}.label`, { optional: true, label: "Proposal label", placeholder: "Label" })),
        h("span", { class: "cell grow" }, textInput(proposal, "state", `${loc}.state`, { label: "Proposal state", placeholder: "code, pattern or expression" })),
        cell(partySelect(proposal, "by", `${loc}.by`, partyIds, { allowNone: true })),
        iconButton("Remove proposal", "×", () => {
          proposals.splice(index, 1);
          if (proposals.length === 0) delete graphModel.proposals;
          formEdited();
          render();
        }),
        h("div", { class: "problem-slot" }),
        reasonsEditor({ getOwner: () => proposal, loc, sourceIds, onChange: formEdited, rerender }),
      );
    });
    return sectionOf(
      "Status quo and proposals",
      { "data-testid": "status-quo-section" },
      h(
        "label",
        { class: "field" },
        h("span", { class: "field-label" }, "Status quo"),
        textInput(graphModel, "status_quo", "graph_model.status_quo", {
          optional: true,
          label: "Status quo",
          placeholder: "state code (NNYN), pattern (-N-Y) or expression",
        }),
      ),
      h("h4", {}, "Proposals"),
      h("div", { class: "rows", "data-loc": "graph_model.proposals" }, rows),
      h(
        "button",
        {
          class: "small",
          type: "button",
          onclick: () => {
            if (!graphModel.proposals) graphModel.proposals = [];
            graphModel.proposals.push({ id: `proposal${graphModel.proposals.length + 1}`, state: "" });
            formEdited();
            render();
          },
        },
        "+ proposal",
      ),
    );
  }

  function perceptionsSection(graphModel, partyIds, sourceIds, names) {
    const perceptions = graphModel.perceptions || {};
    const blocks = [];
    for (const [perceiver, beliefs] of Object.entries(perceptions)) {
      for (const [perceived, value] of Object.entries(beliefs || {})) {
        const loc = `graph_model.perceptions.${perceiver}.${perceived}`;
        blocks.push(
          h(
            "div",
            { class: "party-column", "data-testid": `perception-${perceiver}-${perceived}` },
            h(
              "h4",
              {},
              `What ${names[perceiver] || perceiver} believes ${names[perceived] || perceived} prefers`,
              iconButton("Remove this perception", "×", () => {
                delete beliefs[perceived];
                if (Object.keys(beliefs).length === 0) delete perceptions[perceiver];
                if (Object.keys(perceptions).length === 0) delete graphModel.perceptions;
                formEdited();
                render();
              }),
            ),
            Array.isArray(value)
              ? statementList({ list: value, loc, testid: `perceived-${perceiver}-${perceived}`, sourceIds, onChange: formEdited, rerender })
              : isMapping(value) && Array.isArray(value.ranking)
                ? rankingEditor({ spec: value, loc, testid: `perceived-ranking-${perceiver}-${perceived}`, ...optionWords(graphModel), sourceIds, onChange: formEdited, rerender })
                : h("p", { class: "hint", "data-loc": loc }, "Explicit ranking: edit it in the YAML tab."),
          ),
        );
      }
    }
    const perceiver = h("select", { "aria-label": "Perceiving party" }, partyIds.map((id) => h("option", { value: id }, id)));
    const perceived = h("select", { "aria-label": "Perceived party" }, partyIds.map((id, index) => h("option", { value: id, selected: index === 1 }, id)));
    return sectionOf(
      "Perceptions",
      { "data-loc": "graph_model.perceptions", "data-testid": "perceptions-section" },
      h("p", { class: "hint" }, "Misperception (a first-level hypergame): the preferences a party believes another has."),
      h("div", { class: "columns" }, blocks),
      h(
        "div",
        { class: "inline" },
        perceiver,
        " believes ",
        perceived,
        " prefers… ",
        h(
          "button",
          {
            class: "small",
            type: "button",
            onclick: () => {
              if (perceiver.value === perceived.value) return;
              if (!graphModel.perceptions) graphModel.perceptions = {};
              const beliefs = graphModel.perceptions[perceiver.value] || (graphModel.perceptions[perceiver.value] = {});
              if (!beliefs[perceived.value]) beliefs[perceived.value] = [""];
              formEdited();
              render();
            },
          },
          "+ perception",
        ),
      ),
    );
  }

  function sourcesSection(document) {
    const sources = document.sources || [];
    const rows = sources.map((source, index) => {
      const loc = `sources[${index}]`;
      return h(
        "div",
        { class: "row", "data-loc": loc, "data-testid": "source-row" },
        cell(textInput(source, "id", `${loc}.id`, { label: "Source id", className: "id" })),
        h("span", { class: "cell grow" }, textInput(source, "title", `${loc}.title`, { label: "Source title", placeholder: "Title" })),
        cell(textInput(source, "publisher", `${loc}.publisher`, { optional: true, label: "Publisher", placeholder: "publisher" })),
        cell(
          h("input", {
            type: "number",
            class: "narrow",
            value: source.year ?? "",
            placeholder: "year",
            "aria-label": "Year",
            "data-loc": `${loc}.year`,
            oninput: (event) => {
              setOptional(source, "year", event.target.value === "" ? "" : Number(event.target.value));
              formEdited();
            },
          }),
        ),
        iconButton("Remove source", "×", () => {
          sources.splice(index, 1);
          if (sources.length === 0) delete document.sources;
          formEdited();
          render();
        }),
        h("div", { class: "problem-slot" }),
      );
    });
    return sectionOf(
      "Sources",
      { "data-loc": "sources", "data-testid": "sources-section" },
      h("p", { class: "hint" }, "What evidence refers to. Uncertainty and published results are edited in the YAML tab."),
      h("div", { class: "rows" }, rows),
      h(
        "button",
        {
          class: "small",
          type: "button",
          onclick: () => {
            if (!document.sources) document.sources = [];
            document.sources.push({ id: `source${document.sources.length + 1}`, title: "" });
            formEdited();
            render();
          },
        },
        "+ source",
      ),
    );
  }

  /** Lock the form while the YAML's edits are not (or cannot be) read as data. */
  function showLock() {
    const status = store.draft ? store.draft.status : "read";
    const locked = status !== "read";
    banner.hidden = !locked;
    banner.dataset.status = status;
    fieldset.disabled = locked;
    if (!locked) return;
    const words = {
      reading: "Reading the YAML edits…",
      unreadable: "The YAML cannot be read (see its problems in the YAML tab), so the form is read-only and shows the last text that could be read. Fix the YAML first, or discard the edits.",
      "not-mapping": "The YAML reads as data but not as a mapping of fields, so the form is read-only. Fix the YAML first, or discard the edits.",
    };
    replace(
      banner,
      h("span", {}, `${words[status] || words.reading} `),
      status === "reading" ? null : [h("button", { class: "small primary", type: "button", onclick: () => goTo("yaml") }, "Fix the YAML"), " ", h("button", { class: "small", type: "button", onclick: () => discardEdits() }, "Discard")],
    );
  }

  function render() {
    stale = false;
    if (!store.draft) return;
    showLock();
    const document = store.draft.document;
    if (!isMapping(document)) {
      replace(fieldset);
      showProblems();
      return;
    }
    const parties = Array.isArray(document.parties) ? document.parties.filter(isMapping) : [];
    for (const party of parties) Object.defineProperty(party, "__previousId", { value: party.id, configurable: true, enumerable: false });
    const partyIds = parties.map((party) => party.id);
    const names = Object.fromEntries(parties.map((party) => [party.id, party.name || party.id]));
    const sourceIds = (Array.isArray(document.sources) ? document.sources.filter(isMapping) : []).map((source) => source.id);
    const general = sectionOf(
      "Scenario",
      {},
      h("label", { class: "field" }, h("span", { class: "field-label" }, "Title"), textInput(document, "title", "title", { label: "Title" })),
      h(
        "label",
        { class: "field" },
        h("span", { class: "field-label" }, "Summary"),
        h("textarea", {
          rows: 3,
          "data-loc": "summary",
          "aria-label": "Summary",
          value: document.summary || "",
          oninput: (event) => {
            setOptional(document, "summary", event.target.value);
            formEdited();
          },
        }),
      ),
    );
    const sections = [general, guarded("Parties", () => partiesSection(document))];
    const graphModel = document.graph_model;
    if (isMapping(graphModel)) {
      sections.push(
        guarded("Options", () => optionsSection(graphModel, partyIds, sourceIds)),
        guarded("Infeasible states", () => infeasibleSection(graphModel, sourceIds)),
        guarded("Preferences", () => preferencesSection(graphModel, partyIds, sourceIds, names)),
        guarded("Status quo and proposals", () => statusQuoSection(graphModel, partyIds, sourceIds)),
        guarded("Perceptions", () => perceptionsSection(graphModel, partyIds, sourceIds, names)),
      );
    } else if (graphModel === undefined || graphModel === null) {
      sections.push(
        sectionOf(
          "Graph model",
          {},
          h("p", { class: "hint" }, "This scenario has no graph model (options and preferences), so there is no stability analysis."),
          addButton("+ graph model", () => {
            document.graph_model = { options: [], preferences: {} };
            formEdited();
            render();
          }),
        ),
      );
    } else {
      sections.push(guarded("Graph model", () => {
        throw new Error("graph_model is not a mapping");
      }));
    }
    sections.push(
      guarded("Bargaining", () => bargainingSection({ document, partyIds, names, sourceIds, onChange: formEdited, rerender })),
      guarded("Sources", () => sourcesSection(document)),
    );
    replace(fieldset, sections);
    showProblems();
  }

  function showProblems() {
    const rest = applyProblems(fieldset, store.problems);
    unplaced.hidden = rest.length === 0;
    replace(
      unplaced,
      h("strong", {}, `${rest.length} problem${rest.length === 1 ? "" : "s"} outside the form's fields:`),
      h(
        "ul",
        {},
        rest.map((problem) =>
          h("li", { "data-testid": "form-problem" }, `${problem.location || "scenario"}${problem.line ? ` (line ${problem.line})` : ""}: ${problem.message}`),
        ),
      ),
    );
  }

  const renderWhenVisible = () => {
    if (element.hidden) stale = true;
    else render();
  };
  on("draft", ({ from, document }) => {
    // The form's own edits are already on screen; a new document (loaded, or read from the
    // YAML) is drawn again; typing in the YAML editor only locks the form until it is read.
    if (document) renderWhenVisible();
    else if (from !== "form") showLock();
  });
  on("problems", () => showProblems());

  return {
    element,
    show: () => {
      readYamlNow();
      if (stale) render();
    },
  };
}
