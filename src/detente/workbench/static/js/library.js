// The library (examples and catalogue shipped with detente) and the workspace (saved
// scenarios): open, upload, delete. Shown in the sidebar and, with no scenario open, as the
// home page.

import { api } from "./api.js";
import { formatDate, formatShortDate, h, replace } from "./dom.js";
import { attempt, showError, showInfo } from "./messages.js";
import { on, store } from "./store.js";

let library = [];
let scenarios = [];

/** A delete button that asks again in place (no browser dialog). */
function deleteButton(scenario, onDeleted) {
  const button = h("button", { class: "icon danger", type: "button", title: `Delete “${scenario.title}”`, "aria-label": "Delete scenario", "data-testid": "scenario-delete" }, "×");
  let armed = false;
  let timer = null;
  button.addEventListener("click", async (event) => {
    event.stopPropagation();
    if (!armed) {
      armed = true;
      button.textContent = "Delete?";
      button.classList.add("armed");
      timer = setTimeout(() => {
        armed = false;
        button.textContent = "×";
        button.classList.remove("armed");
      }, 4000);
      return;
    }
    clearTimeout(timer);
    try {
      await api.deleteScenario(scenario.id);
      showInfo(`Deleted “${scenario.title}”.`);
      onDeleted(scenario);
    } catch (error) {
      showError(error, `Deleting “${scenario.title}”`);
    }
  });
  return button;
}

export function createLibrary({ openScenarioById, onOpened, onDeleted }) {
  const scenarioList = h("ul", { class: "nav-list", "data-testid": "scenario-list" });
  const libraryList = h("ul", { class: "nav-list", "data-testid": "library-list" });
  const fileInput = h("input", { type: "file", accept: ".yaml,.yml,.json,text/yaml,application/json", "data-testid": "upload-input", class: "visually-hidden", id: "upload-input" });
  const home = h("div", { class: "home", "data-testid": "home" });

  const sidebar = h(
    "div",
    { class: "sidebar-inner" },
    h("h2", {}, "Workspace"),
    scenarioList,
    h("label", { class: "button small upload", for: "upload-input" }, "Upload a scenario…"),
    fileInput,
    h("h2", {}, "Library"),
    libraryList,
  );

  async function openLibrary(entry) {
    const scenario = await attempt(() => api.createScenario({ library: entry.id }), `Opening “${entry.title}”`);
    if (!scenario) return;
    showInfo(`“${scenario.title}” copied into the workspace.`);
    await refreshScenarios();
    onOpened(scenario);
  }

  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!file) return;
    const scenario = await attempt(() => api.uploadScenario(file), `Uploading ${file.name}`);
    if (!scenario) return;
    showInfo(`Uploaded “${scenario.title}”.`);
    await refreshScenarios();
    onOpened(scenario);
  });

  function deleted(scenario) {
    refreshScenarios();
    onDeleted(scenario);
  }

  function renderScenarios() {
    const current = store.scenario ? store.scenario.id : null;
    replace(
      scenarioList,
      scenarios.length
        ? scenarios.map((scenario) =>
            h(
              "li",
              { class: scenario.id === current ? "active" : "", "data-testid": "scenario-item", "data-id": scenario.id },
              h(
                "button",
                { class: "nav-item", type: "button", title: `${scenario.name} (saved ${formatDate(scenario.updated)})`, onclick: () => openScenarioById(scenario.id) },
                h("span", { class: "nav-title" }, scenario.title),
                h("span", { class: "nav-meta" }, `${scenario.name === scenario.title ? "" : `${scenario.name} · `}version ${scenario.version} · ${formatShortDate(scenario.updated)}`),
              ),
              deleteButton(scenario, deleted),
            ),
          )
        : h("li", { class: "muted empty" }, "Nothing saved yet: open an entry of the library or upload a file."),
    );
    renderHome();
  }

  function renderLibrary() {
    replace(
      libraryList,
      library.map((entry) =>
        h(
          "li",
          { "data-testid": "library-entry", "data-library": entry.id },
          h(
            "button",
            { class: "nav-item", type: "button", title: entry.summary || entry.title, "data-testid": "library-open", onclick: () => openLibrary(entry) },
            h("span", { class: "nav-title" }, entry.title),
            h("span", { class: "nav-meta" }, `${entry.kind} · ${entry.id}`),
          ),
        ),
      ),
    );
    renderHome();
  }

  function renderHome() {
    replace(
      home,
      h(
        "section",
        { class: "hero" },
        h("h1", {}, "detente workbench"),
        h(
          "p",
          {},
          "Build a conflict model, see which states no party would leave and why, test what it would have taken, and simulate the negotiation. Open an example or a published conflict from the library, or upload a scenario file (YAML or JSON, format detente/1).",
        ),
      ),
      h(
        "section",
        { class: "panel" },
        h("h3", {}, "Library"),
        h(
          "div",
          { class: "cards", "data-testid": "library-cards" },
          library.map((entry) =>
            h(
              "article",
              { class: "card", "data-testid": "library-card", "data-library": entry.id },
              h("div", { class: "card-kind" }, entry.kind === "example" ? "Example" : "Published conflict"),
              h("h4", {}, entry.title),
              h("p", {}, entry.summary || ""),
              h("button", { class: "primary small", type: "button", "data-testid": "library-card-open", onclick: () => openLibrary(entry) }, "Open"),
            ),
          ),
        ),
      ),
      h(
        "section",
        { class: "panel" },
        h("h3", {}, "Saved scenarios"),
        scenarios.length
          ? h(
              "table",
              { class: "data", "data-testid": "workspace-table" },
              h("thead", {}, h("tr", {}, ["Title", "Name", "Version", "Saved"].map((text) => h("th", {}, text)))),
              h(
                "tbody",
                {},
                scenarios.map((scenario) =>
                  h(
                    "tr",
                    { class: "clickable", onclick: () => openScenarioById(scenario.id) },
                    h("td", {}, scenario.title),
                    h("td", {}, scenario.name),
                    h("td", {}, String(scenario.version)),
                    h("td", {}, formatDate(scenario.updated)),
                  ),
                ),
              ),
            )
          : h("p", { class: "muted" }, "None yet."),
      ),
    );
  }

  async function refreshScenarios() {
    const result = await attempt(() => api.scenarios(), "Loading the workspace");
    if (result) {
      scenarios = result.scenarios;
      renderScenarios();
    }
  }

  async function refreshLibrary() {
    const result = await attempt(() => api.library(), "Loading the library");
    if (result) {
      library = result.entries;
      renderLibrary();
    }
  }

  on("scenarios-changed", () => refreshScenarios());
  on("scenario", () => renderScenarios());

  return { sidebar, home, refreshScenarios, refreshLibrary };
}
