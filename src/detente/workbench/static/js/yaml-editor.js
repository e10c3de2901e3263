// A plain-text YAML editor: a textarea with line numbers, and each validation problem shown
// beside the line it concerns (gutter mark plus a note at the end of the line).

import { h, replace } from "./dom.js";

const LINE_HEIGHT = 20; // px; must match .yaml-editor in app.css
const PADDING = 8; // px; top padding of the textarea

export function createYamlEditor({ onInput, testid = "yaml-textarea", readOnly = false } = {}) {
  const gutter = h("div", { class: "gutter", "aria-hidden": "true" });
  const textarea = h("textarea", {
    class: "code",
    spellcheck: "false",
    wrap: "off",
    autocapitalize: "off",
    autocomplete: "off",
    "data-testid": testid,
    "aria-label": "Scenario YAML",
    readonly: readOnly,
  });
  const notes = h("div", { class: "line-notes", "aria-hidden": "true" });
  const element = h("div", { class: "yaml-editor" }, gutter, h("div", { class: "code-wrap" }, textarea, notes));
  let problems = [];
  let lineCount = 0;

  function renderGutter() {
    const count = textarea.value.split("\n").length;
    const byLine = new Map();
    for (const problem of problems) {
      if (problem.line) byLine.set(problem.line, [...(byLine.get(problem.line) || []), problem.message]);
    }
    if (count !== lineCount || gutter.dataset.problems !== String(byLine.size)) {
      const numbers = [];
      for (let line = 1; line <= count; line += 1) {
        const messages = byLine.get(line);
        numbers.push(
          h(
            "div",
            { class: messages ? "line-number has-problem" : "line-number", title: messages ? messages.join("\n") : null },
            String(line),
          ),
        );
      }
      replace(gutter, numbers);
      lineCount = count;
      gutter.dataset.problems = String(byLine.size);
    }
    renderNotes(byLine);
    syncScroll();
  }

  function renderNotes(byLine) {
    const items = [];
    for (const [line, messages] of byLine) {
      items.push(
        h(
          "div",
          {
            class: "line-note",
            "data-testid": "yaml-line-problem",
            "data-line": line,
            title: messages.join("\n"),
            style: `top:${PADDING + (line - 1) * LINE_HEIGHT}px`,
          },
          `line ${line}: ${messages[0]}${messages.length > 1 ? ` (+${messages.length - 1})` : ""}`,
        ),
      );
    }
    replace(notes, items);
  }

  function syncScroll() {
    gutter.scrollTop = textarea.scrollTop;
    notes.style.transform = `translateY(${-textarea.scrollTop}px)`;
  }

  textarea.addEventListener("scroll", syncScroll);
  textarea.addEventListener("input", () => {
    renderGutter();
    if (onInput) onInput(textarea.value);
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Tab" && !event.shiftKey && !textarea.readOnly) {
      // YAML forbids tabs for indentation: insert two spaces instead.
      event.preventDefault();
      textarea.setRangeText("  ", textarea.selectionStart, textarea.selectionEnd, "end");
      textarea.dispatchEvent(new Event("input"));
    }
  });

  return {
    element,
    textarea,
    getText: () => textarea.value,
    setText(text) {
      if (textarea.value !== text) {
        const top = textarea.scrollTop;
        textarea.value = text;
        textarea.scrollTop = top;
      }
      renderGutter();
    },
    setProblems(list) {
      problems = list || [];
      lineCount = -1; // force the gutter to redraw its marks
      renderGutter();
    },
    setReadOnly(value) {
      textarea.readOnly = value;
    },
    goToLine(line) {
      const lines = textarea.value.split("\n");
      const start = lines.slice(0, line - 1).reduce((total, text) => total + text.length + 1, 0);
      textarea.focus();
      textarea.setSelectionRange(start, start + (lines[line - 1] || "").length);
      textarea.scrollTop = Math.max(0, (line - 5) * LINE_HEIGHT);
      syncScroll();
    },
  };
}
