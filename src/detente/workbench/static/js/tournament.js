// The tournament panel of the Simulate view: every ordered pairing of the chosen strategies
// (each with optional parameters such as e=0.1) negotiates, in a background run with the
// usual progress bar; then the ranking and the matrix of pairings (tournament-result.js).

import { h, replace } from "./dom.js";
import { startRun } from "./runs.js";
import { on, store } from "./store.js";
import { tournamentResult } from "./tournament-result.js";

const DEFAULT_STRATEGIES = ["boulware", "linear", "conceder", "hardliner", "nash_seeking"];

/** "boulware" and "e = 0.1, delay=2" → "boulware:e=0.1,delay=2"; no parameters → the name. */
export function strategySpec(name, text) {
  const parts = String(text || "")
    .replace(/\s*=\s*/g, "=")
    .split(/[\s,;]+/)
    .filter(Boolean);
  return parts.length ? `${name}:${parts.join(",")}` : name;
}

function partyNames(scenario) {
  return Object.fromEntries((scenario.document.parties || []).map((party) => [party.id, party.name || party.id]));
}

function numberField(label, input) {
  return h("label", { class: "field" }, h("span", { class: "field-label" }, label), input);
}

export function createTournamentPanel() {
  const form = h("form", { class: "panel tournament-form", "data-testid": "tournament-form" });
  const trackerHost = h("div", { class: "tracker-host", "data-testid": "tournament-run" });
  const result = h("div", { class: "tournament-result", "data-testid": "tournament-result" });
  const element = h("div", { class: "tournament-view", "data-testid": "tournament-panel" }, form, trackerHost, result);
  let choices = [];
  let inputs = null;
  let tracker = null;

  function sizeText() {
    const count = choices.filter((choice) => choice.check.checked).length;
    const repetitions = Number(inputs.repetitions.value) || 0;
    if (count < 2) return "Choose at least two strategies.";
    const negotiations = count * count * repetitions;
    return `${count} strategies: ${count * count} pairings × ${repetitions} repetition${repetitions === 1 ? "" : "s"} = ${negotiations.toLocaleString()} negotiations.`;
  }

  function refreshSize() {
    for (const choice of choices) choice.row.classList.toggle("chosen", choice.check.checked);
    inputs.size.textContent = sizeText();
    inputs.start.disabled = choices.filter((choice) => choice.check.checked).length < 2;
  }

  function strategyChoice(name, chosen) {
    const check = h("input", { type: "checkbox", checked: chosen, "aria-label": `Play ${name}`, onchange: refreshSize });
    const params = h("input", {
      type: "text",
      class: "strategy-params",
      placeholder: "name=value",
      spellcheck: "false",
      autocomplete: "off",
      "aria-label": `Parameters of ${name}`,
      title: `Optional parameters of ${name}, e.g. e=0.1 (several: separated by commas)`,
      oninput: () => {
        // Writing parameters for a strategy means playing it.
        if (params.value.trim() && !check.checked) {
          check.checked = true;
          refreshSize();
        }
      },
    });
    const row = h("div", { class: "strategy-option", "data-testid": "tournament-strategy", "data-strategy": name }, h("label", { class: "strategy-name" }, check, h("code", {}, name)), params);
    return { name, check, params, row };
  }

  /** (Re)build the form for the open scenario; `strategies` are the names the server knows. */
  function build(scenario, strategies) {
    const bargaining = (scenario.document && scenario.document.bargaining) || null;
    element.hidden = !bargaining || (scenario.summary && scenario.summary.bargaining === false);
    if (element.hidden) return;
    const defaults = strategies.filter((name) => DEFAULT_STRATEGIES.includes(name));
    const chosen = new Set(defaults.length >= 2 ? defaults : strategies.slice(0, 5));
    choices = strategies.map((name) => strategyChoice(name, chosen.has(name)));
    inputs = {
      repetitions: h("input", { type: "number", min: 1, max: 200, value: 5, class: "narrow", "data-testid": "tournament-repetitions", oninput: refreshSize }),
      deadline: h("input", { type: "number", min: 1, max: 10000, value: bargaining.deadline || 20, class: "narrow", "data-testid": "tournament-deadline" }),
      seed: h("input", { type: "number", min: 0, value: 1, class: "narrow", "data-testid": "tournament-seed" }),
      start: h("button", { class: "primary", type: "submit", "data-testid": "tournament-start" }, "Run the tournament"),
      size: h("p", { class: "hint", "data-testid": "tournament-size" }),
    };
    replace(
      form,
      h("h3", {}, "Tournament"),
      h(
        "p",
        { class: "hint" },
        "Every ordered pairing of the chosen strategies negotiates, a strategy meeting itself too; the first party's strategy against the second's. " +
          "Parameters are optional, as name=value (e.g. e=0.1), several separated by commas.",
      ),
      h("div", { class: "strategy-grid", role: "group", "aria-label": "Strategies" }, choices.map((choice) => choice.row)),
      h(
        "div",
        { class: "form-grid" },
        numberField("Repetitions", inputs.repetitions),
        numberField("Deadline (rounds)", inputs.deadline),
        numberField("Seed", inputs.seed),
        h("div", { class: "field" }, h("span", { class: "field-label" }, " "), inputs.start),
      ),
      inputs.size,
    );
    refreshSize();
  }

  function showResult(run) {
    if (!store.scenario || run.scenario_id !== store.scenario.id || !run.result) return;
    replace(result, tournamentResult(run, partyNames(store.scenario)));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!inputs) return;
    const params = {
      strategies: choices.filter((choice) => choice.check.checked).map((choice) => strategySpec(choice.name, choice.params.value)),
      repetitions: Number(inputs.repetitions.value),
      deadline: Number(inputs.deadline.value),
      seed: Number(inputs.seed.value),
    };
    const started = await startRun(trackerHost, "tournament", params, { onDone: showResult });
    if (!started) return; // refused: the message area says why; the previous result stays
    if (tracker) tracker.stop();
    tracker = started;
    replace(result);
  });

  on("scenario", () => {
    if (tracker) tracker.stop();
    tracker = null;
    replace(trackerHost);
    replace(result);
  });
  on("show-run", (run) => {
    if (run.kind !== "tournament") return;
    showResult(run);
    // Shown from the Runs view: the Simulate tab opens at the top, the result is below.
    requestAnimationFrame(() => result.scrollIntoView({ block: "start" }));
  });

  return { element, build };
}
