// Editors shared by the model form: ordered statement lists (preferences, infeasible states,
// perceptions) and the reasons behind an assumption (`because` and `evidence`).

import { h } from "./dom.js";

/** Set an optional text field, removing the key when it is emptied. */
export function setOptional(owner, key, value) {
  if (value === "" || value === null || value === undefined) delete owner[key];
  else owner[key] = value;
}

function statementExpr(statement) {
  return typeof statement === "string" ? statement : (statement && statement.expr) || "";
}

function shorten(text, length) {
  const flat = String(text || "").replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

function sourceSelect(value, sourceIds, loc, onInput) {
  const ids = [...sourceIds];
  if (value && !ids.includes(value)) ids.push(value);
  return h(
    "select",
    { "data-loc": loc, "aria-label": "Source", onchange: (event) => onInput(event.target.value) },
    h("option", { value: "", selected: !value }, "(source)"),
    ids.map((id) => h("option", { value: id, selected: id === value }, id)),
  );
}

/**
 * The reasons behind an assumption: a `because` sentence and a list of `evidence`
 * ({source, quote, where}). `getOwner(create)` returns the mapping that holds them, turning a
 * plain-string statement into a mapping when `create` is true.
 */
export function reasonsEditor({ getOwner, loc, sourceIds, onChange, rerender }) {
  const owner = getOwner(false) || {};
  const evidence = Array.isArray(owner.evidence) ? owner.evidence : [];
  const summaryText = owner.because ? shorten(owner.because, 140) : "No reason recorded yet";
  const count = evidence.length;
  const details = h(
    "details",
    { class: "why", "data-testid": "reasons" },
    h(
      "summary",
      {},
      h("span", { class: owner.because ? "because-preview" : "because-preview missing" }, summaryText),
      h("span", { class: "why-label" }, "Why, and on what evidence"),
      h("span", { class: "evidence-count", title: "Pieces of evidence" }, count === 1 ? "1 source" : `${count} sources`),
    ),
  );
  const because = h("textarea", {
    class: "because",
    rows: 3,
    "data-loc": `${loc}.because`,
    "data-testid": "because",
    placeholder: "Why: the reasoning behind this assumption, in a sentence or two.",
    value: owner.because || "",
    oninput: (event) => {
      setOptional(getOwner(true), "because", event.target.value);
      onChange();
    },
  });
  const rows = evidence.map((item, index) => {
    const itemLoc = `${loc}.evidence[${index}]`;
    const update = (key, value) => {
      setOptional(getOwner(true).evidence[index], key, value);
      onChange();
    };
    return h(
      "div",
      { class: "evidence-row", "data-loc": itemLoc, "data-testid": "evidence" },
      h("span", { class: "cell" }, sourceSelect(item.source, sourceIds, `${itemLoc}.source`, (value) => update("source", value))),
      h(
        "span",
        { class: "cell grow" },
        h("input", {
          type: "text",
          value: item.quote || "",
          placeholder: "Quote from the source",
          "aria-label": "Quote",
          "data-loc": `${itemLoc}.quote`,
          oninput: (event) => update("quote", event.target.value),
        }),
      ),
      h(
        "span",
        { class: "cell" },
        h("input", {
          type: "text",
          class: "narrow",
          value: item.where || "",
          placeholder: "where",
          "aria-label": "Where in the source",
          "data-loc": `${itemLoc}.where`,
          oninput: (event) => update("where", event.target.value),
        }),
      ),
      h(
        "button",
        {
          class: "icon",
          type: "button",
          title: "Remove this evidence",
          "aria-label": "Remove evidence",
          onclick: () => {
            getOwner(true).evidence.splice(index, 1);
            if (getOwner(true).evidence.length === 0) delete getOwner(true).evidence;
            onChange();
            rerender();
          },
        },
        "×",
      ),
      h("div", { class: "problem-slot" }),
    );
  });
  const add = h(
    "button",
    {
      class: "small",
      type: "button",
      onclick: () => {
        const target = getOwner(true);
        if (!Array.isArray(target.evidence)) target.evidence = [];
        target.evidence.push({ source: sourceIds[0] || "" });
        onChange();
        rerender();
      },
    },
    "+ evidence",
  );
  details.append(
    h("label", { class: "field" }, h("span", { class: "field-label" }, "Because"), because),
    h("div", { class: "evidence-list" }, rows, add),
  );
  return details;
}

/** An ordered list of statements (most important first) with reordering. */
export function statementList({ list, loc, testid, sourceIds, onChange, rerender, placeholder }) {
  const items = list.map((statement, index) => {
    const itemLoc = `${loc}[${index}]`;
    const getOwner = (create) => {
      if (typeof list[index] === "string") {
        if (!create) return null;
        list[index] = { expr: list[index] };
      }
      return list[index];
    };
    const move = (delta) => {
      const [moved] = list.splice(index, 1);
      list.splice(index + delta, 0, moved);
      onChange();
      rerender();
    };
    const expr = statementExpr(statement);
    return h(
      "li",
      { class: "statement", "data-loc": itemLoc, "data-testid": "statement", "data-index": index, "data-expr": expr },
      h(
        "div",
        { class: "statement-head" },
        h("span", { class: "rank", title: "Position in the list (1 = most important)" }, String(index + 1)),
        h(
          "span",
          { class: "cell grow" },
          h("input", {
            type: "text",
            class: "expr",
            value: expr,
            placeholder: placeholder || "expression over option ids, e.g. not pressure",
            "aria-label": `Statement ${index + 1}`,
            "data-loc": `${itemLoc}.expr`,
            "data-testid": "statement-expr",
            oninput: (event) => {
              if (typeof list[index] === "string") list[index] = event.target.value;
              else list[index].expr = event.target.value;
              event.target.closest("li").dataset.expr = event.target.value;
              onChange();
            },
          }),
        ),
        h(
          "button",
          { class: "icon", type: "button", title: "Move up", "aria-label": "Move up", "data-testid": "move-up", disabled: index === 0, onclick: () => move(-1) },
          "↑",
        ),
        h(
          "button",
          {
            class: "icon",
            type: "button",
            title: "Move down",
            "aria-label": "Move down",
            "data-testid": "move-down",
            disabled: index === list.length - 1,
            onclick: () => move(1),
          },
          "↓",
        ),
        h(
          "button",
          {
            class: "icon danger",
            type: "button",
            title: "Remove this statement",
            "aria-label": "Remove statement",
            onclick: () => {
              list.splice(index, 1);
              onChange();
              rerender();
            },
          },
          "×",
        ),
      ),
      h("div", { class: "problem-slot" }),
      reasonsEditor({ getOwner, loc: itemLoc, sourceIds, onChange, rerender }),
    );
  });
  return h(
    "div",
    { class: "statement-list", "data-loc": loc },
    h("ol", { class: "statements", "data-testid": testid }, items),
    h(
      "button",
      {
        class: "small",
        type: "button",
        onclick: () => {
          list.push("");
          onChange();
          rerender();
        },
      },
      "+ statement",
    ),
  );
}
