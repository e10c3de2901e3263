// The Simulate view: two strategies negotiate over the bargaining issues, in a background run
// with a live progress bar; then the offer trace (table and utility per round) and a summary.

import { api } from "./api.js";
import { formatNumber, h, replace, s } from "./dom.js";
import { attempt } from "./messages.js";
import { chart, ticks } from "./plot.js";
import { startRun } from "./runs.js";
import { partyColour } from "./states.js";
import { on, store } from "./store.js";
import { createTournamentPanel } from "./tournament.js";

function strategySelect(testid, chosen, strategies) {
  return h(
    "select",
    { "data-testid": testid, "aria-label": testid },
    strategies.map((name) => h("option", { value: name, selected: name === chosen }, name)),
  );
}

function tracePlot(simulation, names, reservations) {
  const rounds = (simulation.rounds || []).filter((round) => round.utilities);
  const parties = simulation.parties;
  const last = Math.max(1, ...rounds.map((round) => round.round));
  const view = chart({
    width: 640,
    height: 340,
    xDomain: [0, last],
    yDomain: [0, 1],
    xTicks: ticks(0, last, 8).filter(Number.isInteger),
    xTitle: "round",
    yTitle: "utility",
    testid: "simulation-plot",
    label: "Each party's utility of its own offers and of the offers it received, per round",
  });
  const { plot, x, y } = view;
  const line = (points, attributes) =>
    s("polyline", { ...attributes, points: points.map((round) => `${x(round.round)},${y(round.value)}`).join(" ") });
  parties.forEach((party) => {
    const colour = partyColour(parties, party);
    if (typeof reservations[party] === "number") {
      plot.append(
        s("line", { class: "reservation-line", x1: x(0), x2: x(last), y1: y(reservations[party]), y2: y(reservations[party]), stroke: colour }, s("title", {}, `${names[party] || party} walks away below ${reservations[party]}`)),
      );
    }
    const own = rounds.filter((round) => round.proposer === party).map((round) => ({ round: round.round, value: round.utilities[party] }));
    const received = rounds.filter((round) => round.proposer !== party).map((round) => ({ round: round.round, value: round.utilities[party] }));
    plot.append(line(own, { class: "trace own", stroke: colour, "data-party": party }), line(received, { class: "trace received", stroke: colour, "data-party": party }));
    for (const round of rounds) {
      const mine = round.proposer === party;
      plot.append(
        s(
          "circle",
          { class: "trace-point", cx: x(round.round), cy: y(round.utilities[party]), r: mine ? 3.5 : 2.8, stroke: colour, fill: mine ? colour : "#fff" },
          s("title", {}, `round ${round.round}, offer by ${names[round.proposer] || round.proposer}: worth ${formatNumber(round.utilities[party])} to ${names[party] || party}`),
        ),
      );
    }
  });
  const legend = h(
    "div",
    { class: "legend" },
    parties.map((party) =>
      h("span", { class: "legend-item" }, h("span", { class: "swatch line", style: `background:${partyColour(parties, party)}` }), `${names[party] || party} (${simulation.strategies[party]})`),
    ),
    h("span", { class: "legend-item" }, h("span", { class: "swatch solid" }), "its own offers"),
    h("span", { class: "legend-item" }, h("span", { class: "swatch dashed" }), "offers it received"),
    h("span", { class: "legend-item" }, "thin dashes: walk-away value"),
  );
  return h("div", {}, view.svg, legend);
}

function endingText(ending, names, labels) {
  if (!ending) return "";
  if (ending.agreement) {
    const terms = Object.entries(ending.agreement).map(([issue, value]) => `${labels[issue] || issue}: ${value}`).join("; ");
    return `Agreement in round ${ending.round}: ${terms}.`;
  }
  if (ending.walked_by) return `${names[ending.walked_by] || ending.walked_by} walked away in round ${ending.round}.`;
  return `No agreement by the deadline (round ${ending.round}); both keep their walk-away values.`;
}

export function createSimulationView() {
  const form = h("form", { class: "panel sim-form", "data-testid": "simulation-form" });
  const trackerHost = h("div", { class: "tracker-host", "data-testid": "simulation-run" });
  const result = h("div", { class: "simulation-result", "data-testid": "simulation-result" });
  const tournament = createTournamentPanel();
  const element = h("div", { class: "simulation-view" }, form, trackerHost, result, tournament.element);
  let inputs = null;
  let formFor = null;

  async function buildForm() {
    const scenario = store.scenario;
    formFor = scenario.id;
    if (scenario.summary && scenario.summary.bargaining === false) {
      replace(form, h("div", { class: "notice" }, "Simulations need a bargaining section (issues and utilities) in the scenario."));
      inputs = null;
      tournament.build(scenario, []);
      return;
    }
    if (!store.strategies) {
      const answer = await attempt(() => api.strategies(), "Loading the strategies");
      store.strategies = answer ? answer.strategies : [];
    }
    const strategies = store.strategies;
    const bargaining = scenario.document.bargaining || {};
    inputs = {
      a: strategySelect("sim-a", strategies.includes("boulware") ? "boulware" : strategies[0], strategies),
      b: strategySelect("sim-b", strategies.includes("conceder") ? "conceder" : strategies[0], strategies),
      deadline: h("input", { type: "number", min: 1, max: 10000, value: bargaining.deadline || 20, "data-testid": "sim-deadline", class: "narrow" }),
      seed: h("input", { type: "number", min: 0, value: 1, "data-testid": "sim-seed", class: "narrow" }),
      repeats: h("input", { type: "number", min: 1, max: 1000, value: 20, "data-testid": "sim-repeats", class: "narrow" }),
    };
    const parties = (scenario.document.parties || []).filter((party) => (bargaining.preferences || {})[party.id]);
    const label = (index) => (parties[index] ? parties[index].name || parties[index].id : index === 0 ? "First party" : "Second party");
    replace(
      form,
      h("h3", {}, "Simulate a negotiation"),
      h(
        "div",
        { class: "form-grid" },
        h("label", { class: "field" }, h("span", { class: "field-label" }, `${label(0)} plays`), inputs.a),
        h("label", { class: "field" }, h("span", { class: "field-label" }, `${label(1)} plays`), inputs.b),
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Deadline (rounds)"), inputs.deadline),
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Seed"), inputs.seed),
        h("label", { class: "field" }, h("span", { class: "field-label" }, "Repeats"), inputs.repeats),
        h("div", { class: "field" }, h("span", { class: "field-label" }, " "), h("button", { class: "primary", type: "submit", "data-testid": "sim-start" }, "Run the simulation")),
      ),
    );
    tournament.build(scenario, strategies);
  }

  let tracker = null; // the run being followed, stopped when another scenario opens

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!inputs) return;
    const params = {
      a: inputs.a.value,
      b: inputs.b.value,
      deadline: Number(inputs.deadline.value),
      seed: Number(inputs.seed.value),
      repeats: Number(inputs.repeats.value),
    };
    replace(result);
    const started = await startRun(trackerHost, "simulation", params, {
      onDone: (run) => showResult(run),
    });
    if (!started) return; // refused: the message area says why
    if (tracker) tracker.stop();
    tracker = started;
  });

  function showResult(run) {
    const data = run.result;
    if (!data || !data.simulation) return;
    const scenario = store.scenario;
    const simulation = data.simulation;
    const names = Object.fromEntries((scenario.document.parties || []).map((party) => [party.id, party.name || party.id]));
    const bargaining = scenario.document.bargaining || {};
    const labels = Object.fromEntries((bargaining.issues || []).map((issue) => [issue.id, issue.label || issue.id]));
    const reservations = Object.fromEntries(Object.entries(bargaining.preferences || {}).map(([party, preference]) => [party, preference.reservation]));
    const rounds = data.rounds || [];
    const meanRounds = rounds.length ? rounds.reduce((total, value) => total + value, 0) / rounds.length : null;
    const issues = simulation.rounds.length ? Object.keys(simulation.rounds[0].offer || {}) : [];
    replace(
      result,
      h(
        "div",
        { class: "two-columns sim-top" },
        h(
        "section",
        { class: "panel", "data-testid": "simulation-summary" },
        h("h3", {}, `Run #${run.id}: ${simulation.strategies[simulation.parties[0]]} against ${simulation.strategies[simulation.parties[1]]}`),
        h(
          "ul",
          { class: "sentences" },
          h("li", { "data-testid": "sim-agreements" }, `${data.agreements} of ${data.repeats} negotiations reached an agreement.`),
          h(
            "li",
            {},
            "Mean utilities: ",
            Object.entries(data.mean_utilities || {})
              .map(([party, value]) => `${names[party] || party} ${formatNumber(value)}`)
              .join(", "),
            ".",
          ),
          meanRounds !== null ? h("li", {}, `Rounds played: ${formatNumber(meanRounds, 1)} on average (from ${Math.min(...rounds)} to ${Math.max(...rounds)}).`) : null,
          h("li", { "data-testid": "sim-ending" }, `First negotiation: ${endingText(simulation.ending, names, labels)}`),
        ),
      ),
        h("section", { class: "panel" }, h("h3", {}, "Offers of the first negotiation"), tracePlot(simulation, names, reservations)),
      ),
      h(
        "section",
        { class: "panel" },
        h("h3", {}, "Offer trace"),
        h(
          "div",
          { class: "table-scroll" },
          h(
            "table",
            { class: "data", "data-testid": "offer-trace" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", {}, "Round"),
                h("th", {}, "Proposer"),
                issues.map((issue) => h("th", {}, labels[issue] || issue)),
                simulation.parties.map((party) => h("th", { class: "number" }, names[party] || party)),
                h("th", {}, "Answer"),
              ),
            ),
            h(
              "tbody",
              {},
              simulation.rounds.map((round) =>
                h(
                  "tr",
                  { "data-testid": "trace-row" },
                  h("td", {}, String(round.round)),
                  h("td", {}, names[round.proposer] || round.proposer),
                  issues.map((issue) => h("td", {}, round.offer ? String(round.offer[issue]) : "–")),
                  simulation.parties.map((party) => h("td", { class: "number" }, round.utilities ? formatNumber(round.utilities[party]) : "–")),
                  h(
                    "td",
                    {},
                    round.walked
                      ? "walked away"
                      : Object.entries(round.answers || {})
                          .map(([party, answer]) => `${names[party] || party}: ${answer}`)
                          .join(", "),
                  ),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }

  on("scenario", () => {
    formFor = null;
    if (tracker) tracker.stop();
    tracker = null;
    replace(trackerHost);
    replace(result);
  });
  on("show-run", (run) => {
    if (run.kind === "simulation") showResult(run);
  });

  return {
    element,
    show: () => {
      if (store.scenario && formFor !== store.scenario.id) buildForm();
    },
  };
}
