// Start-up: the layout, the tabs, the scenario bar (save, conflicts) and the router
// (#/s/<scenario id>/<tab>), so a reload shows the same scenario and view.

import { api } from "./api.js";
import { createAnalysisView } from "./analysis.js";
import { createBargainingView } from "./bargaining.js";
import { byId, formatShortDate, h, replace } from "./dom.js";
import { closeScenario, discardEdits, openScenario, reloadLatest, save } from "./editor.js";
import { createHistoryView } from "./history.js";
import { createLibrary } from "./library.js";
import { attempt, clearMessages, showError } from "./messages.js";
import { createModelView } from "./model.js";
import { createRunsView } from "./runs.js";
import { createSimulationView } from "./simulation.js";
import { emit, isDirty, on, store } from "./store.js";
import { createWhatIfView } from "./whatif.js";
import { createYamlView } from "./yaml-view.js";

const TABS = [
  ["model", "Model", createModelView],
  ["yaml", "YAML", createYamlView],
  ["history", "History", createHistoryView],
  ["analyse", "Analyse", createAnalysisView],
  ["bargaining", "Bargaining", createBargainingView],
  ["whatif", "What-if", createWhatIfView],
  ["simulate", "Simulate", createSimulationView],
  ["runs", "Runs", createRunsView],
];

const views = new Map();
let currentTab = null;

function goTo(tab, id = store.scenario && store.scenario.id) {
  const target = id ? `#/s/${id}/${tab}` : "#/";
  if (location.hash === target) route();
  else location.hash = target;
}

function defaultTab(scenario) {
  if (!scenario.summary || scenario.summary.graph_model) return "analyse";
  return scenario.summary.bargaining ? "bargaining" : "model";
}

function parseHash() {
  const match = /^#\/s\/(\d+)(?:\/([a-z]+))?/.exec(location.hash);
  return match ? { id: Number(match[1]), tab: match[2] } : { id: null, tab: null };
}

async function route() {
  const { id, tab } = parseHash();
  const home = byId("home");
  const workspace = byId("workspace-view");
  if (!id) {
    if (store.scenario) closeScenario();
    home.hidden = false;
    workspace.hidden = true;
    currentTab = null;
    emit("tab", null);
    return;
  }
  if (!store.scenario || store.scenario.id !== id) {
    clearMessages();
    const scenario = await attempt(() => api.scenario(id), `Opening scenario ${id}`);
    if (!scenario) {
      location.hash = "#/";
      return;
    }
    openScenario(scenario);
  }
  home.hidden = true;
  workspace.hidden = false;
  const name = views.has(tab) ? tab : defaultTab(store.scenario);
  currentTab = name;
  for (const button of byId("tabs").querySelectorAll("[role=tab]")) {
    const active = button.dataset.tab === name;
    button.setAttribute("aria-selected", String(active));
    button.classList.toggle("active", active);
  }
  for (const [key, view] of views) view.element.hidden = key !== name;
  emit("tab", name);
  views.get(name).show();
}

function createScenarioBar() {
  const title = h("h1", { class: "scenario-title", "data-testid": "scenario-title" });
  const meta = h("span", { class: "scenario-meta", "data-testid": "scenario-version" });
  const dirty = h("span", { class: "dirty", "data-testid": "dirty-indicator", hidden: true }, "unsaved changes");
  const problems = h("span", { class: "problem-count", "data-testid": "problem-count", hidden: true });
  const message = h("input", { type: "text", class: "save-message", placeholder: "What changed? (optional)", "aria-label": "Version message", "data-testid": "save-message" });
  const saveButton = h("button", { class: "primary", type: "button", "data-testid": "save-button", onclick: () => doSave() }, "Save");
  const discardButton = h("button", { type: "button", "data-testid": "discard-button", onclick: () => discardEdits() }, "Discard");
  const exportLink = h("a", { class: "button", download: "", "data-testid": "export-yaml" }, "Export YAML");
  const conflict = h("div", { class: "conflict", role: "alert", hidden: true, "data-testid": "conflict-banner" });
  const element = h(
    "div",
    { class: "scenario-bar" },
    h("div", { class: "scenario-heading" }, title, h("div", {}, meta, dirty, problems)),
    h("div", { class: "scenario-actions" }, message, saveButton, discardButton, exportLink),
    conflict,
  );

  async function doSave(force = false) {
    const saved = await save({ message: message.value.trim(), force });
    if (saved) message.value = "";
  }

  function refresh() {
    const scenario = store.scenario;
    if (!scenario) return;
    title.textContent = scenario.title;
    meta.textContent = `${scenario.name && scenario.name !== scenario.title ? `${scenario.name} · ` : ""}version ${scenario.version} · saved ${formatShortDate(scenario.updated)}`;
    meta.dataset.version = String(scenario.version);
    exportLink.href = api.exportUrl(scenario.id);
    const changed = isDirty();
    dirty.hidden = !changed;
    saveButton.disabled = !changed;
    discardButton.disabled = !changed;
    document.title = `${scenario.title} · detente workbench`;
  }

  on("scenario", () => {
    conflict.hidden = true;
    refresh();
  });
  on("draft", refresh);
  on("problems", (list) => {
    problems.hidden = !list || list.length === 0;
    problems.textContent = list && list.length ? `${list.length} problem${list.length === 1 ? "" : "s"}` : "";
  });
  on("conflict", (info) => {
    conflict.hidden = false;
    replace(
      conflict,
      h(
        "p",
        {},
        h("strong", {}, "Not saved: someone saved a newer version. "),
        `You started from version ${info.base}; the latest is version ${info.latest ?? "?"}. Your edits are still here.`,
      ),
      h("button", { type: "button", "data-testid": "conflict-reload", onclick: () => reloadLatest() }, "Load the latest (drop my edits)"),
      " ",
      h("button", { type: "button", class: "danger", "data-testid": "conflict-overwrite", onclick: () => doSave(true) }, "Save mine as the newest version"),
    );
  });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "s" && store.scenario) {
      event.preventDefault();
      if (isDirty()) doSave();
    }
  });
  return element;
}

async function start() {
  const library = createLibrary({
    openScenarioById: (id) => goTo(currentTab || "analyse", id),
    onOpened: (scenario) => {
      openScenario(scenario);
      goTo(defaultTab(scenario), scenario.id);
    },
    onDeleted: (scenario) => {
      if (store.scenario && store.scenario.id === scenario.id) {
        closeScenario();
        location.hash = "#/";
      }
    },
  });
  byId("sidebar").append(library.sidebar);
  byId("home").append(library.home);
  byId("scenario-bar").append(createScenarioBar());

  const tabs = byId("tabs");
  const container = byId("views");
  for (const [name, label, create] of TABS) {
    const view = create({ goTo });
    view.element.classList.add("view");
    view.element.dataset.view = name;
    view.element.hidden = true;
    views.set(name, view);
    container.append(view.element);
    tabs.append(h("button", { type: "button", role: "tab", "data-tab": name, "data-testid": `tab-${name}`, onclick: () => goTo(name) }, label));
  }

  window.addEventListener("hashchange", route);
  const health = await attempt(() => api.health(), "Connecting to the workbench server");
  replace(
    byId("server-status"),
    health ? h("span", { class: "ok", "data-testid": "server-ok" }, `detente ${health.version}`) : h("span", { class: "bad" }, "server unreachable"),
  );
  await Promise.all([library.refreshLibrary(), library.refreshScenarios()]);
  await route();
  document.body.dataset.ready = "true";
}

start().catch((error) => showError(error, "Starting the workbench"));
