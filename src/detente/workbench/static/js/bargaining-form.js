// The bargaining part of the model form: the issues and their values; for each bargaining party
// its weights, the score of every value, its walk-away (reservation) value and its discount
// factor; the deadline and the first proposer; the reasons and evidence of each. What the form
// does not edit (the scored combinations of terms, phasing) stays in the document untouched.

import {
  addBargainingParty,
  addIssue,
  addValue,
  newBargaining,
  rangeValues,
  removeIssue,
  removeValue,
  renameIssue,
  renameValue,
} from "./bargaining-edit.js";
import { formatNumber, h } from "./dom.js";
import { addButton, cell, iconButton, idSelect, isMapping, numberInput, renameKey, sectionOf, textInput } from "./form-fields.js";
import { reasonsEditor } from "./statements.js";

export { renameBargainingParty } from "./bargaining-edit.js";

const SCORE_STEP = "0.05";

function field(label, ...children) {
  return h("label", { class: "field inline-field" }, h("span", { class: "field-label" }, label), ...children);
}

/** A value typed in a text box keeps the type it had: 50 stays a number. */
function typedValue(original, text) {
  const trimmed = text.trim();
  return typeof original === "number" && trimmed !== "" && Number.isFinite(Number(trimmed)) ? Number(trimmed) : text;
}

/** The mapping at owner[key], made on demand (for weights and score tables not written yet). */
function mappingAt(owner, key) {
  return (create) => {
    if (!isMapping(owner[key])) {
      if (!create) return null;
      owner[key] = {};
    }
    return owner[key];
  };
}

function issueValues(bargaining, issue, loc, ctx) {
  if (Array.isArray(issue.values)) {
    return h(
      "div",
      { class: "value-list", "data-loc": `${loc}.values` },
      h("span", { class: "field-label" }, "Values"),
      issue.values.map((value, index) =>
        h(
          "span",
          { class: "value-item" },
          h("input", {
            type: "text",
            class: "value-input",
            value: String(value),
            "aria-label": `Value ${index + 1} of ${issue.id}`,
            "data-loc": `${loc}.values[${index}]`,
            "data-testid": "issue-value",
            oninput: (event) => {
              issue.values[index] = typedValue(value, event.target.value);
              ctx.onChange();
            },
            onchange: () => {
              renameValue(bargaining, issue.id, value, issue.values[index]);
              ctx.onChange();
              ctx.rerender();
            },
          }),
          iconButton("Remove value", "×", () => {
            removeValue(bargaining, issue, index);
            ctx.onChange();
            ctx.rerender();
          }),
        ),
      ),
      addButton("+ value", () => {
        addValue(issue);
        ctx.onChange();
        ctx.rerender();
      }),
    );
  }
  if (isMapping(issue.range)) {
    const range = issue.range;
    const preview = h("span", { class: "hint", "data-testid": "range-values" });
    const showValues = () => {
      const values = rangeValues(range);
      preview.textContent = values ? `${values.count} value${values.count === 1 ? "" : "s"}: ${values.shown.join(", ")}` : "";
    };
    const changed = () => {
      ctx.onChange();
      showValues();
    };
    showValues();
    return h(
      "div",
      { class: "value-list", "data-loc": `${loc}.range` },
      h("span", { class: "field-label" }, "Range"),
      "from",
      numberInput(range, "min", `${loc}.range.min`, { label: `Smallest value of ${issue.id}`, onChange: changed }),
      "to",
      numberInput(range, "max", `${loc}.range.max`, { label: `Largest value of ${issue.id}`, onChange: changed }),
      "step",
      numberInput(range, "step", `${loc}.range.step`, { label: `Step of ${issue.id}`, onChange: changed }),
      preview,
    );
  }
  return h("p", { class: "hint value-list" }, "Give either values or a range (in the YAML tab).");
}

function issuesBlock(bargaining, ctx) {
  const issues = bargaining.issues;
  const rows = issues.map((issue, index) => {
    const loc = `bargaining.issues[${index}]`;
    if (!isMapping(issue)) return h("div", { class: "row", "data-loc": loc }, h("span", { class: "hint" }, "Not an issue (edit it in the YAML tab)."), h("div", { class: "problem-slot" }));
    const previous = issue.id;
    return h(
      "div",
      { class: "row issue-row", "data-loc": loc, "data-testid": "issue-row", "data-issue": issue.id },
      h("span", { class: "rank" }, String(index + 1)),
      cell(
        textInput(issue, "id", `${loc}.id`, {
          label: "Issue id",
          className: "id",
          placeholder: "id",
          onChange: ctx.onChange,
          onCommit: (value) => {
            if (value === previous) return;
            renameIssue(bargaining, previous, value);
            ctx.onChange();
            ctx.rerender();
          },
        }),
      ),
      h("span", { class: "cell grow" }, textInput(issue, "label", `${loc}.label`, { optional: true, label: "Issue label", placeholder: "Name in reports", onChange: ctx.onChange })),
      iconButton("Remove issue", "×", () => {
        removeIssue(bargaining, index);
        ctx.onChange();
        ctx.rerender();
      }),
      issueValues(bargaining, issue, loc, ctx),
      h("div", { class: "problem-slot" }),
      reasonsEditor({ getOwner: () => issue, loc, sourceIds: ctx.sourceIds, onChange: ctx.onChange, rerender: ctx.rerender }),
    );
  });
  return [
    h("h4", { class: "subhead" }, "Issues"),
    h("p", { class: "hint" }, "What is negotiated; an outcome takes one value of each issue. Renaming an issue or a value updates the scores that use it."),
    h("div", { class: "rows", "data-loc": "bargaining.issues" }, rows),
    h(
      "div",
      { class: "inline" },
      addButton("+ issue with values", () => {
        addIssue(bargaining, "values");
        ctx.onChange();
        ctx.rerender();
      }),
      addButton("+ numeric issue (range)", () => {
        addIssue(bargaining, "range");
        ctx.onChange();
        ctx.rerender();
      }),
    ),
  ];
}

/** The score of each value of an issue; for a range, scored points between which scores run linearly. */
function scoreCell(issue, scores, loc, label, onChange, rerender) {
  const id = issue.id;
  const table = (create) => {
    const all = scores(create);
    if (!all) return null;
    if (!isMapping(all[id])) {
      if (!create) return null;
      all[id] = {};
    }
    return all[id];
  };
  const scoreInput = (key) =>
    numberInput(table, key, `${loc}.scores.${id}.${key}`, { className: "num score", label: `${label}: score of ${key}`, min: 0, max: 1, step: SCORE_STEP, onChange });
  if (Array.isArray(issue.values)) {
    return h(
      "td",
      { "data-loc": `${loc}.scores.${id}` },
      h("div", { class: "scores" }, issue.values.map((value) => h("label", { class: "score-item" }, h("span", { class: "score-value" }, String(value)), scoreInput(String(value))))),
    );
  }
  const points = Object.entries(table(false) || {}).filter(([, score]) => score !== undefined);
  return h(
    "td",
    { "data-loc": `${loc}.scores.${id}` },
    h(
      "div",
      { class: "scores" },
      points.map(([point]) =>
        h(
          "span",
          { class: "score-item" },
          h("input", {
            type: "number",
            class: "num point",
            step: "any",
            value: point,
            "aria-label": `${label}: scored point`,
            onchange: (event) => {
              if (event.target.value !== "" && renameKey(table(true), point, String(Number(event.target.value)))) onChange();
              rerender();
            },
          }),
          "→",
          scoreInput(point),
          iconButton("Remove this point", "×", () => {
            delete table(true)[point];
            onChange();
            rerender();
          }),
        ),
      ),
      addButton("+ point", () => {
        const scored = table(true);
        scored[newPoint(issue.range, scored)] = 0;
        onChange();
        rerender();
      }),
      points.length ? h("span", { class: "hint" }, "linear in between") : null,
    ),
  );
}

/** A point to score next: the first value of the range not scored yet, else one past the last. */
function newPoint(range, scored) {
  const taken = Object.keys(scored).filter((key) => scored[key] !== undefined);
  const values = rangeValues(range, 1000);
  const free = values && values.count <= 1000 ? values.shown.find((value) => !taken.includes(String(value))) : undefined;
  if (free !== undefined) return String(free);
  let point = taken.length ? Math.max(...taken.map(Number).filter(Number.isFinite), 0) + 1 : 0;
  while (taken.includes(String(point))) point += 1;
  return String(point);
}

function weightSum(preferences) {
  const sum = (values) => values.reduce((total, value) => total + (typeof value === "number" ? value : 0), 0);
  const onIssues = sum(Object.values(isMapping(preferences.weights) ? preferences.weights : {}));
  const terms = Array.isArray(preferences.terms) ? preferences.terms.filter(isMapping) : [];
  const onTerms = sum(terms.map((term) => (term.weight === undefined ? 1 : term.weight)));
  return { onIssues, onTerms, total: onIssues + onTerms, terms: terms.length };
}

function termsBlock(preferences, loc, ctx, onChange) {
  const terms = Array.isArray(preferences.terms) ? preferences.terms : [];
  if (!terms.length) return null;
  return h(
    "div",
    { class: "terms", "data-loc": `${loc}.terms` },
    h("h5", {}, "Terms over several issues"),
    h("p", { class: "hint" }, "Combinations of values scored together; their weight counts with the issue weights. The combinations are edited in the YAML tab."),
    terms.map((term, index) => {
      const termLoc = `${loc}.terms[${index}]`;
      if (!isMapping(term)) return h("div", { class: "row", "data-loc": termLoc }, h("div", { class: "problem-slot" }));
      const entries = Array.isArray(term.scores) ? term.scores.length : 0;
      const issues = Array.isArray(term.issues) ? term.issues.join(" × ") : "?";
      return h(
        "div",
        { class: "row term-row", "data-loc": termLoc, "data-testid": "term-row" },
        h(
          "span",
          { class: "cell grow" },
          h("code", {}, issues),
          h("span", { class: "hint" }, ` ${entries} scored combination${entries === 1 ? "" : "s"}${typeof term.default === "number" ? `, any other scores ${formatNumber(term.default)}` : ""}`),
        ),
        field("Weight", numberInput(term, "weight", `${termLoc}.weight`, { label: `Weight of term ${index + 1}`, placeholder: "1", min: 0, step: SCORE_STEP, onChange })),
        h("div", { class: "problem-slot" }),
        reasonsEditor({ getOwner: () => term, loc: termLoc, sourceIds: ctx.sourceIds, onChange: ctx.onChange, rerender: ctx.rerender }),
      );
    }),
  );
}

function partyBlock(bargaining, party, ctx) {
  const preferences = bargaining.preferences[party];
  const loc = `bargaining.preferences.${party}`;
  const name = ctx.names[party] || party;
  const remove = iconButton(`Take ${name} out of the bargaining`, "×", () => {
    delete bargaining.preferences[party];
    ctx.onChange();
    ctx.rerender();
  });
  const heading = h("h4", {}, name, h("span", { class: "muted" }, ` (${party})`), ctx.names[party] ? null : h("span", { class: "tag warn" }, "not a declared party"), h("span", { class: "spacer" }), remove);
  if (!isMapping(preferences)) {
    return h("div", { class: "bargaining-party", "data-loc": loc, "data-party": party }, heading, h("div", { class: "problem-slot" }), h("p", { class: "hint" }, "Not a mapping: edit it in the YAML tab."));
  }
  const sumText = h("span", {});
  const sumLine = h("div", { class: "weight-sum", "data-loc": `${loc}.weights`, "data-testid": "weight-sum" }, sumText, h("div", { class: "problem-slot" }));
  const showSum = () => {
    const { onIssues, onTerms, total, terms } = weightSum(preferences);
    const parts = terms ? ` (${formatNumber(onIssues)} on issues + ${formatNumber(onTerms)} on terms)` : "";
    const normalised = preferences.normalize_weights === true;
    sumText.textContent = `Weights add up to ${formatNumber(total, 6)}${parts}${normalised ? "; scaled to sum to 1" : Math.abs(total - 1) > 1e-6 ? "; they must add up to 1" : ""}.`;
    sumLine.classList.toggle("off", !normalised && Math.abs(total - 1) > 1e-6);
  };
  const onChange = () => {
    ctx.onChange();
    showSum();
  };
  showSum();
  const weights = mappingAt(preferences, "weights");
  const scores = mappingAt(preferences, "scores");
  const issues = ctx.issues.filter((issue) => isMapping(issue) && issue.id);
  const known = new Set(issues.map((issue) => issue.id));
  const strays = [...new Set([...Object.keys(weights(false) || {}), ...Object.keys(scores(false) || {})])].filter((id) => !known.has(id));
  const rows = issues.map((issue) =>
    h(
      "tr",
      { "data-issue": issue.id },
      h("td", {}, issue.label || issue.id, issue.label ? h("div", { class: "muted mono" }, issue.id) : null),
      h("td", {}, numberInput(weights, issue.id, `${loc}.weights.${issue.id}`, { label: `${name}: weight of ${issue.id}`, placeholder: "–", min: 0, step: SCORE_STEP, onChange })),
      scoreCell(issue, scores, loc, name, onChange, ctx.rerender),
    ),
  );
  for (const id of strays) {
    rows.push(
      h(
        "tr",
        { "data-issue": id },
        h("td", {}, h("code", {}, id), h("span", { class: "tag warn" }, "not an issue")),
        h("td", { "data-loc": `${loc}.weights.${id}` }, formatNumber((weights(false) || {})[id])),
        h(
          "td",
          { "data-loc": `${loc}.scores.${id}` },
          addButton("Remove", () => {
            for (const mapping of [weights(false), scores(false)]) if (mapping) delete mapping[id];
            ctx.onChange();
            ctx.rerender();
          }),
        ),
      ),
    );
  }
  return h(
    "div",
    { class: "bargaining-party", "data-loc": loc, "data-testid": "bargaining-party", "data-party": party },
    heading,
    h("div", { class: "problem-slot" }),
    h(
      "div",
      { class: "inline-fields" },
      field("Walk-away (reservation) value", numberInput(preferences, "reservation", `${loc}.reservation`, { label: `${name}: reservation value`, placeholder: "0", min: 0, max: 1, step: SCORE_STEP, onChange })),
      field("Discount per round", numberInput(preferences, "discount", `${loc}.discount`, { label: `${name}: discount factor`, placeholder: "1", min: 0, max: 1, step: "0.01", onChange })),
      h(
        "label",
        { class: "inline check", "data-loc": `${loc}.normalize_weights` },
        h("input", {
          type: "checkbox",
          checked: preferences.normalize_weights === true,
          onchange: (event) => {
            preferences.normalize_weights = event.target.checked ? true : undefined;
            onChange();
          },
        }),
        "scale the weights to sum to 1",
      ),
    ),
    h(
      "table",
      { class: "data score-table", "data-testid": "score-table" },
      h("thead", {}, h("tr", {}, h("th", {}, "Issue"), h("th", {}, "Weight"), h("th", {}, "Score of each value (0 worst, 1 best)"))),
      h("tbody", {}, rows),
    ),
    termsBlock(preferences, loc, ctx, onChange),
    sumLine,
    reasonsEditor({ getOwner: () => preferences, loc, sourceIds: ctx.sourceIds, onChange: ctx.onChange, rerender: ctx.rerender }),
  );
}

function phasingBlock(bargaining, ctx) {
  const phasing = bargaining.phasing;
  if (phasing === undefined) return null;
  const target = isMapping(phasing) && isMapping(phasing.target) ? Object.entries(phasing.target).map(([issue, value]) => `${issue} ${value}`).join(", ") : "";
  return h(
    "div",
    { class: "row", "data-loc": "bargaining.phasing", "data-testid": "phasing" },
    h(
      "span",
      { class: "cell grow" },
      h("strong", {}, "Phased delivery"),
      h("span", { class: "hint" }, `${target ? ` towards ${target}` : ""}${isMapping(phasing) && phasing.max_stages ? `, in up to ${phasing.max_stages} stages` : ""}. Edited in the YAML tab; the form keeps it as it is.`),
    ),
    h("div", { class: "problem-slot" }),
    isMapping(phasing) ? reasonsEditor({ getOwner: () => phasing, loc: "bargaining.phasing", sourceIds: ctx.sourceIds, onChange: ctx.onChange, rerender: ctx.rerender }) : null,
  );
}

/** The Bargaining section of the model form. */
export function bargainingSection({ document, partyIds, names, sourceIds, onChange, rerender }) {
  const attributes = { "data-loc": "bargaining", "data-testid": "bargaining-section" };
  const bargaining = document.bargaining;
  if (bargaining === undefined || bargaining === null) {
    return sectionOf(
      "Bargaining",
      attributes,
      h("p", { class: "hint" }, "No bargaining section: the issues on the table, what each package is worth to each party, and what walking away is worth."),
      addButton(
        "+ bargaining section",
        () => {
          document.bargaining = newBargaining(partyIds);
          onChange();
          rerender();
        },
        { disabled: partyIds.length < 2 },
      ),
    );
  }
  if (!isMapping(bargaining)) throw new Error("bargaining is not a mapping");
  if (!Array.isArray(bargaining.issues)) throw new Error("bargaining.issues is not a list");
  if (bargaining.preferences !== undefined && !isMapping(bargaining.preferences)) throw new Error("bargaining.preferences is not a mapping");
  const preferences = bargaining.preferences || {};
  const atTable = [...partyIds.filter((id) => Object.hasOwn(preferences, id)), ...Object.keys(preferences).filter((id) => !partyIds.includes(id))];
  const ctx = { issues: bargaining.issues, names, sourceIds, onChange, rerender };
  const newcomer = h(
    "select",
    { "aria-label": "Party to bring to the table" },
    partyIds.filter((id) => !atTable.includes(id)).map((id) => h("option", { value: id }, names[id] || id)),
  );
  return sectionOf(
    "Bargaining",
    attributes,
    h("p", { class: "hint" }, "The negotiation as a bargaining problem, analysed in the Bargaining tab."),
    issuesBlock(bargaining, ctx),
    h("h4", { class: "subhead" }, "Parties at the table"),
    h("p", { class: "hint" }, "Each party's utility: a weight per issue (weights add up to 1) times the score of the value agreed; walking away is worth its reservation value; its discount factor is what a round of delay leaves of a deal's worth."),
    h("div", { class: "columns bargaining-parties", "data-loc": "bargaining.preferences" }, atTable.map((party) => partyBlock(bargaining, party, ctx))),
    newcomer.options.length
      ? h(
          "div",
          { class: "inline" },
          newcomer,
          addButton("+ party at the table", () => {
            addBargainingParty(bargaining, newcomer.value);
            onChange();
            rerender();
          }),
        )
      : null,
    h("h4", { class: "subhead" }, "Rounds"),
    h(
      "div",
      { class: "inline-fields" },
      field("Deadline (rounds)", numberInput(bargaining, "deadline", "bargaining.deadline", { label: "Deadline in rounds", placeholder: "none", min: 1, step: 1, onChange })),
      field("First proposer", idSelect(bargaining, "first_proposer", "bargaining.first_proposer", atTable, { none: "(the first party at the table)", label: "First proposer", onChange })),
    ),
    phasingBlock(bargaining, ctx),
  );
}
