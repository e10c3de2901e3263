// The differences between two versions of a scenario (GET /api/scenarios/{id}/diff): added
// lines green, removed lines red, unchanged lines folded except a few around each change.

import { api } from "./api.js";
import { h, replace } from "./dom.js";

const CONTEXT = 3;

/**
 * Group the lines into what is shown and what is folded: runs of unchanged lines farther than
 * `context` lines from any change become one fold (kept whole when only one line would fold).
 */
export function foldLines(lines, context = CONTEXT) {
  const near = new Array(lines.length).fill(false);
  lines.forEach((line, index) => {
    if (line.kind === "same") return;
    for (let at = Math.max(0, index - context); at <= Math.min(lines.length - 1, index + context); at += 1) near[at] = true;
  });
  const parts = [];
  let hidden = [];
  const flush = () => {
    if (hidden.length === 1) parts.push({ line: hidden[0] });
    else if (hidden.length) parts.push({ fold: hidden });
    hidden = [];
  };
  lines.forEach((line, index) => {
    if (line.kind === "same" && !near[index]) hidden.push(line);
    else {
      flush();
      parts.push({ line });
    }
  });
  flush();
  return parts;
}

const MARKS = { same: " ", added: "+", removed: "−" };

function lineRow(line) {
  return h(
    "div",
    { class: `diff-line ${line.kind}`, "data-testid": "diff-line", "data-kind": line.kind, "data-old": line.old ?? "", "data-new": line.new ?? "" },
    h("span", { class: "diff-number" }, line.old ?? ""),
    h("span", { class: "diff-number" }, line.new ?? ""),
    h("span", { class: "diff-mark", "aria-hidden": "true" }, MARKS[line.kind] || " "),
    h("span", { class: "diff-text" }, line.text),
  );
}

function foldRow(lines) {
  const first = lines[0];
  const last = lines[lines.length - 1];
  const where = first.old === first.new && last.old === last.new ? `lines ${first.old}–${last.old}` : `lines ${first.old}–${last.old} (now ${first.new}–${last.new})`;
  const row = h(
    "button",
    {
      type: "button",
      class: "diff-fold",
      "data-testid": "diff-fold",
      "data-count": lines.length,
      title: "Show these lines",
      onclick: () => row.replaceWith(...lines.map(lineRow)),
    },
    `⋯ ${lines.length} unchanged lines (${where})`,
  );
  return row;
}

function summaryText(result) {
  if (!result.added && !result.removed) return `Versions ${result.old} and ${result.new} have the same text.`;
  const count = (number, word) => `${number} line${number === 1 ? "" : "s"} ${word}`;
  return `From version ${result.old} to version ${result.new}: ${count(result.added, "added")}, ${count(result.removed, "removed")}.`;
}

/**
 * The comparison panel: two version pickers and the differences between them. `compare(old,
 * new)` shows a pair; `setVersions(numbers)` fills the pickers (newest first); `onCompare(old,
 * new)` hears of every pair shown.
 */
export function createDiffPanel({ scenarioId, onCompare }) {
  const oldPick = h("select", { "aria-label": "Older version", "data-testid": "diff-old", onchange: () => show() });
  const newPick = h("select", { "aria-label": "Newer version", "data-testid": "diff-new", onchange: () => show() });
  const everything = h("input", { type: "checkbox", "data-testid": "diff-all", onchange: () => draw() });
  const summary = h("p", { class: "diff-summary", "data-testid": "diff-summary" });
  const body = h("div", { class: "diff", "data-testid": "diff-lines" });
  const element = h(
    "section",
    { class: "panel", "data-testid": "diff-panel" },
    h(
      "div",
      { class: "toolbar" },
      h("h3", {}, "Changes"),
      h("label", {}, "version ", oldPick),
      h("label", {}, "→ version ", newPick),
      h("span", { class: "spacer" }),
      h("label", {}, everything, "show unchanged lines"),
    ),
    summary,
    body,
  );
  let result = null;
  let request = 0;

  function draw() {
    if (!result) return;
    const parts = everything.checked ? result.lines.map((line) => ({ line })) : foldLines(result.lines);
    replace(body, parts.map((part) => (part.fold ? foldRow(part.fold) : lineRow(part.line))));
  }

  async function show() {
    const pair = { old: Number(oldPick.value), new: Number(newPick.value) };
    element.dataset.old = String(pair.old);
    element.dataset.new = String(pair.new);
    if (onCompare) onCompare(pair.old, pair.new);
    const seq = ++request;
    let answer;
    try {
      answer = await api.diff(scenarioId(), pair.old, pair.new);
    } catch (error) {
      if (seq !== request) return;
      result = null;
      summary.textContent = error.message;
      summary.classList.add("error-text");
      replace(body);
      return;
    }
    if (seq !== request) return;
    result = answer;
    summary.classList.remove("error-text");
    summary.textContent = summaryText(result);
    element.dataset.added = String(result.added);
    element.dataset.removed = String(result.removed);
    draw();
  }

  function options(select, numbers, chosen) {
    replace(select, numbers.map((number) => h("option", { value: number, selected: number === chosen }, String(number))));
  }

  return {
    element,
    setVersions(numbers) {
      options(oldPick, numbers, numbers[1] ?? numbers[0]);
      options(newPick, numbers, numbers[0]);
    },
    compare(oldNumber, newNumber) {
      oldPick.value = String(oldNumber);
      newPick.value = String(newNumber);
      return show();
    },
  };
}
