// The message area: every API error is shown here (never swallowed), with the server's words.

import { h, byId } from "./dom.js";

function area() {
  return byId("messages");
}

function add(kind, text, details) {
  const item = h(
    "div",
    { class: `message ${kind}`, role: kind === "error" ? "alert" : "status", "data-testid": `message-${kind}` },
    h("span", { class: "message-text" }, text),
    details && details.length
      ? h("ul", { class: "message-details" }, details.map((detail) => h("li", {}, detail)))
      : null,
    h("button", { class: "icon", title: "Dismiss", "aria-label": "Dismiss", onclick: () => item.remove() }, "×"),
  );
  area().append(item);
  if (kind !== "error") setTimeout(() => item.remove(), 6000);
  return item;
}

function problemLines(problems) {
  return (problems || []).map((problem) => {
    const where = [problem.line ? `line ${problem.line}` : null, problem.location].filter(Boolean).join(", ");
    return `${where ? `${where}: ` : ""}${problem.message}${problem.hint ? ` (${problem.hint})` : ""}`;
  });
}

/** Show an error (an ApiError, an Error or a string). */
export function showError(error, context) {
  const text = error && error.message ? error.message : String(error);
  const prefix = context ? `${context}: ` : "";
  // The server's message already quotes the first problem; list them all when there are more.
  const problems = error && error.problems && error.problems.length > 1 ? problemLines(error.problems) : [];
  return add("error", `${prefix}${text}`, problems);
}

export function showInfo(text) {
  return add("info", text);
}

export function clearMessages() {
  area().replaceChildren();
}

/** Run an async action and report any failure in the message area; returns its value or null. */
export async function attempt(action, context) {
  try {
    return await action();
  } catch (error) {
    showError(error, context);
    if (!(error && error.name === "ApiError")) console.error(error);
    return null;
  }
}
