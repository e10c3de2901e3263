// Show validation problems next to the form field they concern. A problem's `location` such
// as `graph_model.options[2].party` is matched against the `data-loc` attributes of the form;
// the most specific element whose location is a prefix of the problem's wins.

import { h } from "./dom.js";

/** `a.b[2].c` → [`a.b[2].c`, `a.b[2]`, `a.b`, `a`]. */
function locationPrefixes(location) {
  const prefixes = [];
  let rest = String(location || "");
  while (rest) {
    prefixes.push(rest);
    const cut = Math.max(rest.lastIndexOf("."), rest.lastIndexOf("["));
    rest = cut > 0 ? rest.slice(0, cut) : "";
  }
  return prefixes;
}

function findTarget(container, location) {
  for (const prefix of locationPrefixes(location)) {
    const element = container.querySelector(`[data-loc="${CSS.escape(prefix)}"]`);
    if (element) return element;
  }
  return null;
}

function note(problem) {
  return h(
    "div",
    { class: "field-problem", role: "alert", "data-testid": "field-problem", "data-location": problem.location || "" },
    problem.message,
    problem.hint ? h("span", { class: "hint" }, ` ${problem.hint}`) : null,
  );
}

/** Place each problem beside its field; return the problems no field could take. */
export function applyProblems(container, problems) {
  for (const old of container.querySelectorAll(".field-problem")) old.remove();
  for (const marked of container.querySelectorAll(".invalid")) marked.classList.remove("invalid");
  const unplaced = [];
  for (const problem of problems || []) {
    const target = findTarget(container, problem.location);
    if (!target) {
      unplaced.push(problem);
      continue;
    }
    target.classList.add("invalid");
    const isInput = ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName);
    const host = isInput ? target.closest(".field, .cell") || target.parentElement : target.querySelector(":scope > .problem-slot") || target;
    host.append(note(problem));
  }
  return unplaced;
}
