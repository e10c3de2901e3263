// The editing session of the open scenario: the draft, validation as the user types, saving
// with optimistic concurrency (base_version), and what to do on a conflict.
//
// The form edits `draft.document` and the YAML editor `draft.text`; each follows the other.
// A form edit rewrites the text from the document at once. A YAML edit is read back as data by
// the server's validation (POST /api/validate returns the text as data whenever it is
// well-formed): until then `draft.status` is "reading" and the form is read-only, so that no
// form edit can be made on a document that lacks the YAML's latest edits.

import { api } from "./api.js";
import { clone, debounce } from "./dom.js";
import { attempt, showError, showInfo } from "./messages.js";
import { emit, store } from "./store.js";
import { toYaml } from "./yaml-emit.js";

let validationSeq = 0;

/** Make `scenario` (an API Scenario) the open one, dropping any draft. */
export function openScenario(scenario) {
  store.scenario = scenario;
  store.draft = {
    document: clone(scenario.document),
    text: scenario.text,
    source: "saved",
    status: "read",
    base: scenario.version,
  };
  store.problems = [];
  store.conflict = null;
  validateSoon.cancel();
  emit("scenario", scenario);
  emit("draft", { from: "load", document: true });
  emit("problems", []);
}

export function closeScenario() {
  store.scenario = null;
  store.draft = null;
  store.problems = [];
  store.conflict = null;
  emit("scenario", null);
}

/** The form changed store.draft.document in place. */
export function formEdited() {
  if (store.draft.status !== "read") return; // the form is read-only then; never drop YAML edits
  store.draft.source = "form";
  store.draft.text = toYaml(store.draft.document);
  emit("draft", { from: "form" });
  validateSoon();
}

/** The YAML editor holds new text. */
export function yamlEdited(text) {
  store.draft.text = text;
  store.draft.source = text === store.scenario.text ? "saved" : "yaml";
  if (store.draft.source === "saved") {
    store.draft.document = clone(store.scenario.document);
    store.draft.status = "read";
    emit("draft", { from: "yaml", document: true });
  } else {
    store.draft.status = "reading";
    emit("draft", { from: "yaml" });
  }
  validateSoon();
}

const isMapping = (value) => value !== null && typeof value === "object" && !Array.isArray(value);

/** Take the validated text's data as the draft's document (the form follows the YAML). */
function readDocument(data) {
  if (store.draft.source !== "yaml") return;
  if (isMapping(data)) {
    store.draft.document = data;
    store.draft.status = "read";
    emit("draft", { from: "yaml", document: true });
  } else {
    store.draft.status = data === null || data === undefined ? "unreadable" : "not-mapping";
    emit("draft", { from: "yaml" });
  }
}

/** Read pending YAML edits now rather than after the typing pause (the form is wanted). */
export function readYamlNow() {
  if (store.draft && store.draft.status === "reading") {
    validateSoon.cancel();
    validateNow();
  }
}

function payload() {
  return store.draft.source === "yaml" ? { text: store.draft.text } : { document: store.draft.document };
}

async function validateNow() {
  if (!store.draft) return;
  const seq = ++validationSeq;
  const draft = store.draft;
  const text = draft.text;
  // Validate the YAML text in both cases (for form edits, the YAML generated from the form,
  // which is what the YAML view shows), so that problem lines match the lines on screen.
  const result = await attempt(() => api.validate({ text }), "Validation");
  // Drop answers about text that has changed since (a newer validation is on its way).
  if (!result || seq !== validationSeq || store.draft !== draft || draft.text !== text) return;
  if (draft.status !== "read") readDocument(result.document);
  store.problems = result.problems || [];
  emit("problems", store.problems);
}

const validateSoon = debounce(validateNow, 350);

/** Save the draft as a new version. With `force`, no base_version is sent (overwrite). */
export async function save({ message, force = false } = {}) {
  if (!store.draft || !store.scenario) return null;
  validateSoon.cancel();
  const body = { ...payload() };
  if (!force) body.base_version = store.draft.base;
  if (message) body.message = message;
  try {
    const saved = await api.saveScenario(store.scenario.id, body);
    openScenario(saved);
    showInfo(`Saved “${saved.title}” as version ${saved.version}.`);
    emit("scenarios-changed");
    emit("saved", saved);
    return saved;
  } catch (error) {
    if (error.status === 409) {
      const latest = await attempt(() => api.scenario(store.scenario.id), "Loading the latest version");
      store.conflict = { latest: latest ? latest.version : null, base: store.draft.base, message: error.message };
      emit("conflict", store.conflict);
      showError(error, "Not saved, someone else saved a newer version");
    } else {
      if (error.problems && error.problems.length) {
        store.problems = error.problems;
        emit("problems", store.problems);
      }
      showError(error, "Not saved");
    }
    return null;
  }
}

/** Drop the draft and show the latest saved version (after a conflict, or to discard edits). */
export async function reloadLatest() {
  if (!store.scenario) return;
  const latest = await attempt(() => api.scenario(store.scenario.id), "Reloading");
  if (latest) {
    openScenario(latest);
    emit("scenarios-changed");
  }
}

export function discardEdits() {
  if (store.scenario) openScenario(store.scenario);
}

/** Put an old version's text in the editor, to be saved as the newest version. */
export function restoreText(text) {
  yamlEdited(text);
}
