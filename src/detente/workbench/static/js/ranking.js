// The editor of an explicit ranking (`{ranking: [CODE, [CODE, CODE], ...], because, evidence}`):
// states from most to least preferred, a nested list being a group of tied states. It edits the
// `ranking` list in place, keeping a lone state a plain code and a tie a list, so the rest of
// the document (and the YAML's shape) is left as it was.

import { h } from "./dom.js";
import { describeState } from "./states.js";
import { reasonsEditor } from "./statements.js";

const members = (entry) => (Array.isArray(entry) ? entry : [entry]);
const pack = (list) => (list.length === 1 ? list[0] : list);
const codeText = (code) => (typeof code === "string" ? code : JSON.stringify(code));

function button(label, text, testid, onclick, disabled = false) {
  return h("button", { class: "icon", type: "button", title: label, "aria-label": label, "data-testid": testid, disabled, onclick }, text);
}

/** "Driver 1 stands firm", or why the code is not a state of this model. */
function stateWords(code, optionIds, labels) {
  if (typeof code !== "string" || code.length !== optionIds.length || !/^[YN]+$/.test(code)) {
    return `not a state code of this model (${optionIds.length} letters Y or N)`;
  }
  return describeState(code, optionIds, labels);
}

/**
 * The ranking of one party (or of one perceived party). `spec` is the mapping holding
 * `ranking`; `loc` is its location (`graph_model.preferences.p1`), `optionIds` and `labels`
 * name the options for the words beside each code.
 */
export function rankingEditor({ spec, loc, testid, optionIds, labels, sourceIds, onChange, rerender }) {
  const ranking = spec.ranking;
  const rankingLoc = `${loc}.ranking`;
  const done = () => {
    onChange();
    rerender();
  };
  const moveGroup = (index, delta) => {
    const [moved] = ranking.splice(index, 1);
    ranking.splice(index + delta, 0, moved);
    done();
  };
  const tieWithAbove = (index) => {
    ranking[index - 1] = [...members(ranking[index - 1]), ...members(ranking[index])];
    ranking.splice(index, 1);
    done();
  };
  const splitOut = (index, member, below) => {
    const group = members(ranking[index]);
    const [state] = group.splice(member, 1);
    ranking[index] = pack(group);
    ranking.splice(below ? index + 1 : index, 0, state);
    done();
  };

  const groups = ranking.map((entry, index) => {
    const states = members(entry);
    const tie = Array.isArray(entry);
    const label = tie ? "group of tied states" : `state ${codeText(entry)}`;
    const rows = states.map((code, member) =>
      h(
        "div",
        { class: "ranking-state", "data-testid": "ranking-state", "data-state": codeText(code), "data-loc": tie ? `${rankingLoc}[${index}][${member}]` : null },
        h("code", { class: "state-code" }, codeText(code)),
        h("span", { class: "state-words" }, stateWords(code, optionIds, labels)),
        tie
          ? [
              button(`Split ${codeText(code)} out of the tie, above it`, "⤒", "split-up", () => splitOut(index, member, false)),
              button(`Split ${codeText(code)} out of the tie, below it`, "⤓", "split-down", () => splitOut(index, member, true)),
            ]
          : null,
        h("div", { class: "problem-slot" }),
      ),
    );
    return h(
      "li",
      {
        class: tie ? "ranking-group tie" : "ranking-group",
        "data-loc": `${rankingLoc}[${index}]`,
        "data-testid": "ranking-group",
        "data-index": index,
        "data-states": states.map(codeText).join(" "),
      },
      h("span", { class: "rank", title: tie ? "Position in the ranking (1 = most preferred); these states are tied" : "Position in the ranking (1 = most preferred)" }, tie ? `${index + 1}=` : String(index + 1)),
      h("div", { class: "ranking-states" }, tie ? h("span", { class: "tie-label" }, `tied (${states.length})`) : null, rows),
      h(
        "span",
        { class: "ranking-buttons" },
        button(`Move ${label} up`, "↑", "move-up", () => moveGroup(index, -1), index === 0),
        button(`Move ${label} down`, "↓", "move-down", () => moveGroup(index, 1), index === ranking.length - 1),
        button(`Tie ${label} with the one above`, "=", "tie-up", () => tieWithAbove(index), index === 0),
      ),
      h("div", { class: "problem-slot" }),
    );
  });

  return h(
    "div",
    { class: "ranking-wrap", "data-loc": loc },
    h("div", { class: "problem-slot" }),
    h(
      "div",
      { class: "ranking-editor", "data-loc": rankingLoc, "data-testid": testid },
      h("p", { class: "hint" }, "Explicit ranking, most preferred first. ↑ ↓ move a state or a tie; = ties it with the one above; ⤒ ⤓ split a state out of a tie."),
      h("div", { class: "problem-slot" }),
      h("ol", { class: "ranking-list" }, groups),
    ),
    reasonsEditor({ getOwner: () => spec, loc, sourceIds, onChange, rerender }),
  );
}
