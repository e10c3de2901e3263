// Shared state of the page and a tiny event bus between the views.

const listeners = new Map();

export const store = {
  /** The latest saved version of the open scenario (the API's Scenario), or null. */
  scenario: null,
  /**
   * The text being edited: `document` (plain data, what the form edits), `text` (YAML) and
   * `source`, which says where the last edit was made: "saved" (no edits), "form" or "yaml".
   */
  draft: null,
  /** The last validation problems of the draft. */
  problems: [],
  /** Cached GET /api/strategies. */
  strategies: null,
};

export function on(event, listener) {
  if (!listeners.has(event)) listeners.set(event, new Set());
  listeners.get(event).add(listener);
  return () => listeners.get(event).delete(listener);
}

export function emit(event, payload) {
  for (const listener of listeners.get(event) || []) listener(payload);
}

export function isDirty() {
  return Boolean(store.draft && store.draft.source !== "saved");
}
