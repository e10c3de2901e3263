// Why a state is or is not stable, for each party: verdicts per concept, each unilateral
// improvement and, for each concept, the sanction that blocks it (or that nothing does).

import { api } from "./api.js";
import { h, replace } from "./dom.js";
import { attempt } from "./messages.js";
import { CONCEPT_NAMES, CONCEPT_TITLES, describeMove, describeState, partyColour } from "./states.js";

function sanctionLine(concept, sanction, context) {
  const name = CONCEPT_NAMES[concept] || concept;
  if (!sanction) {
    return h("li", { class: "sanction open" }, h("strong", {}, `${name}: `), "not blocked, so this improvement makes the state unstable under ", name, ".");
  }
  const moves = (sanction.moves || []).map((move) => describeMove(move, context));
  return h(
    "li",
    { class: "sanction blocked" },
    h("strong", {}, `${name}: `),
    "blocked: ",
    moves.length ? moves.join(", then ") : "a response",
    ` leads to ${sanction.state}, level ${sanction.level}, no better than staying.`,
  );
}

/** The explanation's sentences, without the verdict line and the list of moves (shown as badges and a list). */
function leadSentences(text) {
  const kept = [];
  for (const line of String(text || "").split("\n")) {
    if (line.startsWith("- ") || line.startsWith(" ")) break;
    if (!line.startsWith("Verdicts:")) kept.push(line);
  }
  return kept.join(" ");
}

function partyCard(entry, context, parties) {
  const concepts = Object.keys(entry.stable || {});
  return h(
    "article",
    { class: "party-card", "data-testid": "explanation-party", "data-party": entry.party, style: `border-top-color:${partyColour(parties, entry.party)}` },
    h("h4", {}, entry.name || entry.party, h("span", { class: "muted" }, ` preference level ${entry.level}${entry.top !== undefined ? ` of ${entry.top}` : ""}`)),
    h(
      "div",
      { class: "badges" },
      concepts.map((concept) =>
        h(
          "span",
          {
            class: `badge ${entry.stable[concept] ? "stable" : "unstable"}`,
            title: CONCEPT_TITLES[concept] || concept,
            "data-testid": `stable-${concept}`,
            "data-stable": String(entry.stable[concept]),
          },
          `${CONCEPT_NAMES[concept] || concept} ${entry.stable[concept] ? "stable" : "unstable"}`,
        ),
      ),
    ),
    h("p", { class: "explanation-text", "data-testid": "explanation-text", title: entry.text }, leadSentences(entry.text)),
    entry.improvements && entry.improvements.length
      ? h(
          "div",
          { class: "improvements" },
          h(
            "ol",
            {},
            entry.improvements.map((improvement) =>
              h(
                "li",
                { "data-testid": "improvement" },
                h("div", {}, describeMove(improvement.move, context), `, reaching level ${improvement.level}.`),
                h(
                  "ul",
                  { class: "sanctions" },
                  Object.entries(improvement.sanctions || {}).map(([concept, sanction]) => sanctionLine(concept, sanction, context)),
                ),
              ),
            ),
          ),
        )
      : null,
  );
}

export function createExplainPanel() {
  const body = h("div", { class: "explanation-body" }, h("p", { class: "muted" }, "Click a state in the graph or the table to see why it is or is not stable."));
  const element = h("section", { class: "panel explanation", "data-testid": "explanation" }, h("h3", {}, "Explanation"), body);
  let request = 0;

  return {
    element,
    async show(id, version, code, context) {
      const seq = ++request;
      replace(body, h("p", { class: "muted" }, `Explaining ${code}…`));
      const result = await attempt(() => api.explain(id, { state: code, version }), `Explaining ${code}`);
      if (seq !== request) return;
      if (!result) {
        replace(body, h("p", { class: "muted" }, `No explanation for ${code}.`));
        return;
      }
      element.dataset.state = result.state;
      const parties = result.parties.map((entry) => entry.party);
      replace(
        body,
        h(
          "div",
          { class: "explanation-head" },
          h("code", { class: "state-code", "data-testid": "explanation-state" }, result.state),
          " ",
          h("span", {}, result.description || describeState(result.state, context.options, context.labels)),
        ),
        h("div", { class: "party-cards" }, result.parties.map((entry) => partyCard(entry, context, parties))),
      );
    },
    clear() {
      delete element.dataset.state;
      replace(body, h("p", { class: "muted" }, "Click a state in the graph or the table to see why it is or is not stable."));
    },
  };
}
