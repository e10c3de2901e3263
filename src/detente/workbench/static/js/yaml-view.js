// The YAML view: the whole scenario as text, validated as the user types.

import { h, replace } from "./dom.js";
import { yamlEdited } from "./editor.js";
import { on, store } from "./store.js";
import { createYamlEditor } from "./yaml-editor.js";

export function createYamlView() {
  const editor = createYamlEditor({ onInput: (text) => yamlEdited(text) });
  const note = h("p", { class: "hint", "data-testid": "yaml-note" });
  const status = h("div", { class: "validation-status", "data-testid": "validation-status" });
  const list = h("ul", { class: "problem-list", "data-testid": "yaml-problems" });
  const element = h(
    "div",
    { class: "yaml-view" },
    h("div", { class: "toolbar" }, status, note),
    editor.element,
    list,
  );

  function showNote() {
    note.textContent =
      store.draft && store.draft.source === "form"
        ? "Generated from your edits in the form (YAML comments are not kept once the form is used)."
        : "Edits here are validated as you type; the form follows them as soon as the YAML reads as data.";
  }

  function showProblems(problems) {
    editor.setProblems(problems);
    const count = problems.length;
    status.className = `validation-status ${count ? "bad" : "good"}`;
    status.textContent = count ? `${count} problem${count === 1 ? "" : "s"}` : "Valid";
    replace(
      list,
      problems.map((problem) =>
        h(
          "li",
          { "data-testid": "yaml-problem" },
          problem.line
            ? h("button", { class: "link", type: "button", onclick: () => editor.goToLine(problem.line) }, `line ${problem.line}`)
            : h("span", { class: "muted" }, "—"),
          " ",
          h("code", {}, problem.location || ""),
          " ",
          problem.message,
          problem.hint ? h("span", { class: "hint" }, ` ${problem.hint}`) : null,
        ),
      ),
    );
  }

  on("draft", ({ from }) => {
    if (from !== "yaml" && store.draft) editor.setText(store.draft.text);
    showNote();
  });
  on("problems", (problems) => showProblems(problems || []));

  return {
    element,
    show: () => {
      // The textarea measures its lines only once visible.
      if (store.draft) editor.setText(store.draft.text);
    },
  };
}
