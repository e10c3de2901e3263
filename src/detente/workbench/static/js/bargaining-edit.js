// Edits of the bargaining section that reach beyond one field: renaming an issue, a value or a
// party updates every weight, score table, term and phasing entry naming it; removing an issue
// or a value drops its weights and scores. Values are compared as text, as detente does.

import { isMapping, renameKey } from "./form-fields.js";

const asText = (value) => String(value);

function eachPreferences(bargaining, visit) {
  if (!isMapping(bargaining) || !isMapping(bargaining.preferences)) return;
  for (const preferences of Object.values(bargaining.preferences)) if (isMapping(preferences)) visit(preferences);
}

function eachTerm(preferences, visit) {
  if (!Array.isArray(preferences.terms)) return;
  for (const term of preferences.terms) if (isMapping(term) && Array.isArray(term.issues)) visit(term);
}

function unique(base, taken) {
  let number = taken.length + 1;
  while (taken.includes(`${base}${number}`)) number += 1;
  return `${base}${number}`;
}

export function renameIssue(bargaining, before, after) {
  if (!before || !after || before === after) return;
  eachPreferences(bargaining, (preferences) => {
    renameKey(preferences.weights, before, after);
    renameKey(preferences.scores, before, after);
    eachTerm(preferences, (term) => {
      term.issues.forEach((id, index) => {
        if (id === before) term.issues[index] = after;
      });
    });
  });
  const phasing = bargaining.phasing;
  if (isMapping(phasing)) for (const key of ["target", "delivered_by", "baseline"]) renameKey(phasing[key], before, after);
}

export function renameValue(bargaining, issueId, before, after) {
  if (asText(before) === asText(after) || asText(after) === "") return;
  eachPreferences(bargaining, (preferences) => {
    if (isMapping(preferences.scores)) renameKey(preferences.scores[issueId], asText(before), asText(after));
    eachTerm(preferences, (term) => {
      const position = term.issues.indexOf(issueId);
      if (position < 0 || !Array.isArray(term.scores)) return;
      for (const entry of term.scores) {
        if (isMapping(entry) && Array.isArray(entry.values) && entry.values[position] !== undefined && asText(entry.values[position]) === asText(before)) {
          entry.values[position] = after;
        }
      }
    });
  });
  const phasing = bargaining.phasing;
  if (!isMapping(phasing)) return;
  for (const key of ["target", "baseline"]) {
    if (isMapping(phasing[key]) && phasing[key][issueId] !== undefined && asText(phasing[key][issueId]) === asText(before)) phasing[key][issueId] = after;
  }
}

/** A party renamed in the parties list: its preferences, first offer and phasing follow. */
export function renameBargainingParty(bargaining, before, after) {
  if (!isMapping(bargaining)) return;
  renameKey(bargaining.preferences, before, after);
  if (bargaining.first_proposer === before) bargaining.first_proposer = after;
  const phasing = bargaining.phasing;
  if (!isMapping(phasing)) return;
  renameKey(phasing.reversible, before, after);
  if (isMapping(phasing.delivered_by)) {
    for (const [issue, party] of Object.entries(phasing.delivered_by)) if (party === before) phasing.delivered_by[issue] = after;
  }
}

export function addIssue(bargaining, kind) {
  const id = unique("issue", bargaining.issues.map((issue) => issue && issue.id));
  bargaining.issues.push(kind === "range" ? { id, range: { min: 0, max: 100, step: 10 } } : { id, values: ["low", "high"] });
}

export function removeIssue(bargaining, index) {
  const [issue] = bargaining.issues.splice(index, 1);
  const id = issue && issue.id;
  eachPreferences(bargaining, (preferences) => {
    if (isMapping(preferences.weights)) delete preferences.weights[id];
    if (isMapping(preferences.scores)) delete preferences.scores[id];
  });
}

export function addValue(issue) {
  issue.values.push(unique("value", issue.values.map(asText)));
}

export function removeValue(bargaining, issue, index) {
  const [value] = issue.values.splice(index, 1);
  eachPreferences(bargaining, (preferences) => {
    if (isMapping(preferences.scores) && isMapping(preferences.scores[issue.id])) delete preferences.scores[issue.id][asText(value)];
  });
}

/** A new party at the table: no weights yet (the problems say what is missing). */
export function addBargainingParty(bargaining, party) {
  if (!isMapping(bargaining.preferences)) bargaining.preferences = {};
  bargaining.preferences[party] = { weights: {}, scores: {}, reservation: 0, discount: 1 };
}

/** A small valid section to start from: one issue the two first parties disagree on. */
export function newBargaining(partyIds) {
  const [first, second] = partyIds;
  return {
    issues: [{ id: "issue1", values: ["low", "high"] }],
    preferences: {
      [first]: { weights: { issue1: 1 }, scores: { issue1: { low: 0, high: 1 } }, reservation: 0, discount: 1 },
      [second]: { weights: { issue1: 1 }, scores: { issue1: { low: 1, high: 0 } }, reservation: 0, discount: 1 },
    },
  };
}

/** The values of a range, as detente cuts it (up to twelve significant digits). */
export function rangeValues(range, limit = 6) {
  const { min, max, step } = range || {};
  if (![min, max, step].every((value) => typeof value === "number" && Number.isFinite(value)) || step <= 0 || max < min) return null;
  const count = Math.floor((max - min) / step + 1e-9) + 1;
  const at = (index) => Number((min + index * step).toPrecision(12));
  const shown = count <= limit ? Array.from({ length: count }, (_, index) => at(index)) : [at(0), at(1), "…", at(count - 1)];
  return { count, shown };
}
