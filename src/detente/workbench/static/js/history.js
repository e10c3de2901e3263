// The History view: every saved version, each viewable and exportable; the changes between
// two versions (by default the one picked against the latest); an old version can be put back
// in the editor and saved as the newest.

import { api } from "./api.js";
import { createDiffPanel } from "./diff.js";
import { formatDate, h, replace } from "./dom.js";
import { restoreText } from "./editor.js";
import { attempt } from "./messages.js";
import { on, store } from "./store.js";
import { createYamlEditor } from "./yaml-editor.js";

export function createHistoryView({ goTo }) {
  const list = h("div", { class: "panel" });
  const diff = createDiffPanel({ scenarioId: () => store.scenario.id, onCompare: (number) => markRow(number, "compared") });
  diff.element.hidden = true;
  const viewer = createYamlEditor({ readOnly: true, testid: "version-text" });
  const viewerHead = h("div", { class: "toolbar" });
  const viewerPanel = h("section", { class: "panel", hidden: true, "data-testid": "version-viewer" }, viewerHead, viewer.element);
  const element = h("div", { class: "history-view" }, list, diff.element, viewerPanel);
  let loadedFor = null;

  function markRow(number, kind) {
    for (const row of list.querySelectorAll("tr[data-version]")) row.classList.toggle(kind, row.dataset.version === String(number));
  }

  function compareWithLatest(number) {
    diff.element.scrollIntoView({ block: "nearest" });
    return diff.compare(number, store.scenario.version);
  }

  async function viewVersion(number) {
    const version = await attempt(() => api.version(store.scenario.id, number), `Loading version ${number}`);
    if (!version) return;
    viewerPanel.hidden = false;
    markRow(number, "selected");
    replace(
      viewerHead,
      h("h3", {}, `Version ${version.version}: ${version.title}`),
      h("span", { class: "spacer" }),
      h("a", { class: "button small", href: api.exportUrl(store.scenario.id, version.version), download: "" }, "Export YAML"),
      " ",
      version.version !== store.scenario.version
        ? h(
            "button",
            {
              class: "small",
              type: "button",
              "data-testid": "restore-version",
              onclick: () => {
                restoreText(version.text);
                goTo("yaml");
              },
            },
            "Restore into the editor",
          )
        : h("span", { class: "muted" }, "(latest)"),
    );
    viewer.setText(version.text);
    viewerPanel.scrollIntoView({ block: "nearest" });
  }

  async function load() {
    if (!store.scenario) return;
    const scenario = store.scenario;
    const result = await attempt(() => api.versions(scenario.id), "Loading the versions");
    if (!result) return;
    loadedFor = `${scenario.id}:${scenario.version}`;
    const latest = scenario.version;
    replace(
      list,
      h("h3", {}, "Versions"),
      h("p", { class: "hint" }, "Every save makes a new version; none is ever overwritten. Compare a version with the latest to see what changed since."),
      h(
        "table",
        { class: "data", "data-testid": "versions-table" },
        h("thead", {}, h("tr", {}, ["Version", "Saved", "Message", "Title", ""].map((text) => h("th", {}, text)))),
        h(
          "tbody",
          {},
          result.versions.map((version) =>
            h(
              "tr",
              { "data-testid": "version-row", "data-version": version.number },
              h("td", {}, String(version.number)),
              h("td", {}, formatDate(version.created)),
              h("td", {}, version.message || ""),
              h("td", {}, version.title || ""),
              h(
                "td",
                { class: "actions" },
                h("button", { class: "small", type: "button", onclick: () => viewVersion(version.number) }, "View"),
                " ",
                h(
                  "button",
                  {
                    class: "small",
                    type: "button",
                    "data-testid": "compare-version",
                    title: "What changed from this version to the latest",
                    disabled: version.number === latest,
                    onclick: () => compareWithLatest(version.number),
                  },
                  "Compare with latest",
                ),
                " ",
                h("a", { class: "button small", href: api.exportUrl(scenario.id, version.number), download: "" }, "YAML"),
              ),
            ),
          ),
        ),
      ),
    );
    const numbers = result.versions.map((version) => version.number);
    diff.element.hidden = numbers.length < 2;
    if (numbers.length >= 2) {
      diff.setVersions(numbers);
      await diff.compare(numbers[1], latest);
    }
  }

  on("scenario", () => {
    viewerPanel.hidden = true;
    diff.element.hidden = true;
    loadedFor = null;
  });

  return {
    element,
    show: () => {
      if (store.scenario && loadedFor !== `${store.scenario.id}:${store.scenario.version}`) load();
    },
  };
}
