// Inputs shared by the model form's sections: each edits one key of a mapping of the draft
// document in place, carries its `data-loc` (where problems about it are shown) and calls
// `onChange` after every edit.

import { h } from "./dom.js";
import { setOptional } from "./statements.js";

// A field of something that is not a mapping (YAML may hold a bare word where the form expects
// a mapping) is shown but cannot be edited: the YAML tab is the place to fix it.
const editable = (owner) => owner !== null && typeof owner === "object";

export function textInput(owner, key, loc, { optional = false, placeholder = "", label, className, onChange, onCommit } = {}) {
  return h("input", {
    type: "text",
    class: className,
    disabled: !editable(owner),
    value: editable(owner) ? (owner[key] ?? "") : "",
    placeholder,
    "aria-label": label || key,
    "data-loc": loc,
    oninput: (event) => {
      if (optional) setOptional(owner, key, event.target.value);
      else owner[key] = event.target.value;
      onChange();
    },
    onchange: onCommit ? (event) => onCommit(event.target.value) : null,
  });
}

/**
 * A number field. Emptying it leaves the key undefined rather than deleting it, so that the
 * key keeps its place in the document (undefined keys are neither emitted nor sent). `owner`
 * may be a function `(create) => mapping | null` for a mapping made on the first edit.
 */
export function numberInput(owner, key, loc, { label, className = "num", placeholder = "", min, max, step = "any", testid, onChange } = {}) {
  const target = (create) => (typeof owner === "function" ? owner(create) : owner);
  const current = (target(false) || {})[key];
  return h("input", {
    type: "number",
    class: className,
    disabled: typeof owner !== "function" && !editable(owner),
    value: typeof current === "number" ? String(current) : "",
    placeholder,
    min,
    max,
    step,
    "aria-label": label || key,
    "data-loc": loc,
    "data-testid": testid,
    oninput: (event) => {
      const text = event.target.value;
      target(true)[key] = text === "" ? undefined : Number(text);
      onChange();
    },
  });
}

/** A choice among ids; an id the list lacks (a dangling reference) is kept and shown. */
export function idSelect(owner, key, loc, ids, { none, label, onChange } = {}) {
  const choices = [...ids];
  if (editable(owner) && owner[key] && !choices.includes(owner[key])) choices.push(owner[key]);
  return h(
    "select",
    {
      disabled: !editable(owner),
      "data-loc": loc,
      "aria-label": label || key,
      onchange: (event) => {
        if (none) setOptional(owner, key, event.target.value);
        else owner[key] = event.target.value;
        onChange();
      },
    },
    none ? h("option", { value: "", selected: !owner[key] }, none) : null,
    choices.map((id) => h("option", { value: id, selected: id === owner[key] }, id)),
  );
}

export function iconButton(label, text, onclick, extra = {}) {
  return h("button", { class: "icon", type: "button", title: label, "aria-label": label, onclick, ...extra }, text);
}

export function addButton(text, onclick, extra = {}) {
  return h("button", { class: "small", type: "button", onclick, ...extra }, text);
}

export function cell(...children) {
  return h("span", { class: "cell" }, ...children);
}

export function sectionOf(title, attributes, ...children) {
  return h("section", { class: "panel form-section", ...attributes }, h("h3", {}, title), ...children);
}

/** Rename a key of a mapping in place, keeping its position; false when it cannot. */
export function renameKey(mapping, before, after) {
  if (!isMapping(mapping) || before === after || !Object.hasOwn(mapping, before) || Object.hasOwn(mapping, after)) return false;
  const entries = Object.entries(mapping).map(([key, value]) => [key === before ? after : key, value]);
  for (const key of Object.keys(mapping)) delete mapping[key];
  Object.assign(mapping, Object.fromEntries(entries));
  return true;
}

export function isMapping(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Build a section; when the document does not have the shape it expects (the YAML may hold
 * anything well formed), show that instead of failing the whole form. The data is untouched
 * and stays editable in the YAML tab.
 */
export function guarded(title, build) {
  try {
    return build();
  } catch (error) {
    return sectionOf(
      title,
      { "data-testid": "form-section-unreadable" },
      h("p", { class: "notice", title: String(error && error.message) }, "The form cannot show this part of the scenario: it does not have the shape the form expects. Edit it in the YAML tab; it is kept as it is."),
    );
  }
}
