// The History view: every saved version, each viewable and exportable; an old version can be
// put back in the editor and saved as the newest.

import { api } from "./api.js";
import { formatDate, h, replace } from "./dom.js";
import { restoreText } from "./editor.js";
import { attempt } from "./messages.js";
import { on, store } from "./store.js";
import { createYamlEditor } from "./yaml-editor.js";

export function createHistoryView({ goTo }) {
  const list = h("div", { class: "panel" });
  const viewer = createYamlEditor({ readOnly: true, testid: "version-text" });
  const viewerHead = h("div", { class: "toolbar" });
  const viewerPanel = h("section", { class: "panel", hidden: true, "data-testid": "version-viewer" }, viewerHead, viewer.element);
  const element = h("div", { class: "history-view" }, list, viewerPanel);
  let loadedFor = null;

  async function viewVersion(number) {
    const version = await attempt(() => api.version(store.scenario.id, number), `Loading version ${number}`);
    if (!version) return;
    viewerPanel.hidden = false;
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
  }

  async function load() {
    if (!store.scenario) return;
    const scenario = store.scenario;
    const result = await attempt(() => api.versions(scenario.id), "Loading the versions");
    if (!result) return;
    loadedFor = `${scenario.id}:${scenario.version}`;
    replace(
      list,
      h("h3", {}, "Versions"),
      h("p", { class: "hint" }, "Every save makes a new version; none is ever overwritten."),
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
                h("a", { class: "button small", href: api.exportUrl(scenario.id, version.number), download: "" }, "YAML"),
              ),
            ),
          ),
        ),
      ),
    );
  }

  on("scenario", () => {
    viewerPanel.hidden = true;
    loadedFor = null;
  });

  return {
    element,
    show: () => {
      if (store.scenario && loadedFor !== `${store.scenario.id}:${store.scenario.version}`) load();
    },
  };
}
