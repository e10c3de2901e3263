// Write plain JSON data as block-style YAML. Used to show the form's edits in the YAML editor.
// Strings that are not obviously safe as plain scalars are written JSON-quoted, which is valid
// YAML double-quoted style, so the output always reads back as the same data.

const RESERVED = new Set(["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", ""]);
const PLAIN = /^[A-Za-z_][A-Za-z0-9_ .,;'()/+%\-]*$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FLOW_WIDTH = 96;

function scalar(value, inFlow = false) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  const text = String(value);
  const plain =
    PLAIN.test(text) &&
    !RESERVED.has(text.toLowerCase()) &&
    !text.endsWith(" ") &&
    !text.includes(" #") &&
    !text.includes(": ") &&
    !(inFlow && text.includes(","));
  return plain ? text : JSON.stringify(text);
}

function key(name) {
  return KEY.test(name) && !RESERVED.has(name.toLowerCase()) ? name : JSON.stringify(name);
}

const isScalar = (value) => value === null || typeof value !== "object";

/** The entries of a mapping, without undefined values (a form field emptied for now). */
const entries = (mapping) => Object.entries(mapping).filter(([, item]) => item !== undefined);

function flow(value) {
  if (isScalar(value)) return scalar(value, true);
  if (Array.isArray(value)) return `[${value.map(flow).join(", ")}]`;
  return `{${entries(value)
    .map(([name, item]) => `${key(name)}: ${flow(item)}`)
    .join(", ")}}`;
}

/** Small lists of scalars and small mappings of scalars read best on one line. */
function flowable(value, room) {
  if (isScalar(value)) return true;
  const items = Array.isArray(value) ? value : entries(value).map(([, item]) => item);
  const simple = items.every((item) => isScalar(item) || (Array.isArray(item) && item.every(isScalar)));
  return simple && flow(value).length <= room;
}

function block(value, indent) {
  const pad = " ".repeat(indent);
  const lines = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (flowable(item, FLOW_WIDTH - indent)) {
        lines.push(`${pad}- ${flow(item)}`);
      } else if (Array.isArray(item)) {
        lines.push(`${pad}-`);
        lines.push(...block(item, indent + 2));
      } else {
        const inner = block(item, indent + 2);
        if (inner.length === 0) lines.push(`${pad}- {}`);
        else lines.push(`${pad}- ${inner[0].slice(indent + 2)}`, ...inner.slice(1));
      }
    }
    return lines;
  }
  for (const [name, item] of entries(value)) {
    const head = `${pad}${key(name)}:`;
    if (isScalar(item)) lines.push(`${head} ${scalar(item)}`);
    else if (Array.isArray(item) && item.length === 0) lines.push(`${head} []`);
    else if (!Array.isArray(item) && entries(item).length === 0) lines.push(`${head} {}`);
    else if (flowable(item, FLOW_WIDTH - head.length - 1) && (Array.isArray(item) || !hasNested(value))) {
      lines.push(`${head} ${flow(item)}`);
    } else {
      lines.push(head);
      lines.push(...block(item, indent + 2));
    }
  }
  return lines;
}

function hasNested(mapping) {
  // Mappings of mappings (e.g. preferences by party) stay in block style for readability.
  return entries(mapping).filter(([, item]) => !isScalar(item) && !Array.isArray(item)).length > 1;
}

/** The YAML text of a JSON-compatible value. */
export function toYaml(value) {
  return `${block(value, 0).join("\n")}\n`;
}
