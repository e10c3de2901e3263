// Background runs: a tracker (live progress bar, polled every 300 ms, with Cancel) used by
// every view that starts a run, and the Runs view listing the scenario's runs with exports.

import { api } from "./api.js";
import { formatShortDate, h, replace } from "./dom.js";
import { attempt, showError, showInfo } from "./messages.js";
import { emit, on, store } from "./store.js";

const POLL_MS = 300;
const ACTIVE = new Set(["queued", "running"]);

function percent(run) {
  if (run.status === "done") return 100;
  if (run.progress && run.progress.total > 0) return Math.round((100 * run.progress.done) / run.progress.total);
  return null;
}

function statusText(run) {
  const counts = run.progress && run.progress.total ? ` ${run.progress.done} / ${run.progress.total}` : "";
  if (run.status === "failed") return `failed: ${run.error || "no reason given"}`;
  return `${run.status}${ACTIVE.has(run.status) ? counts : ""}`;
}

/** Start a run and track it in `host`; `onDone(run)` receives the finished run with its result. */
export async function startRun(host, kind, params, { onDone, version } = {}) {
  const run = await attempt(() => api.startRun(store.scenario.id, kind, params, version), `Starting the ${kind} run`);
  if (!run) return null;
  emit("runs-changed");
  const tracker = trackRun(run, { onDone });
  replace(host, tracker.element);
  return tracker;
}

function trackRun(run, { onDone } = {}) {
  const bar = h("div", { class: "bar" });
  const progress = h("div", { class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "data-testid": "run-progress" }, bar);
  const status = h("span", { class: "run-status", "data-testid": "run-status" });
  const cancel = h(
    "button",
    {
      class: "small danger",
      type: "button",
      "data-testid": "run-cancel",
      onclick: async () => {
        cancel.disabled = true;
        const cancelled = await attempt(() => api.cancelRun(run.id), "Cancelling the run");
        if (cancelled) update(cancelled);
      },
    },
    "Cancel",
  );
  const element = h(
    "div",
    { class: "run-tracker", "data-testid": "run-tracker", "data-run": run.id },
    h("div", { class: "run-line" }, h("strong", {}, `Run #${run.id}`), h("span", { class: "muted" }, ` ${run.kind}, version ${run.version}`), status, cancel),
    progress,
  );
  let stopped = false;
  let timer = null;
  let finished = false;

  function update(current) {
    element.dataset.status = current.status;
    const value = percent(current);
    progress.classList.toggle("indeterminate", value === null && ACTIVE.has(current.status));
    bar.style.width = `${value ?? (ACTIVE.has(current.status) ? 30 : 0)}%`;
    progress.setAttribute("aria-valuenow", String(value ?? 0));
    status.textContent = statusText(current);
    status.className = `run-status ${current.status}`;
    cancel.hidden = !ACTIVE.has(current.status);
    if (ACTIVE.has(current.status) || finished) return;
    finished = true;
    stopped = true;
    clearTimeout(timer);
    emit("runs-changed");
    if (current.status === "done") {
      if (current.result === undefined || current.result === null) {
        // The run object from POST or cancel has no result; fetch it once.
        attempt(() => api.run(current.id), "Loading the run's result").then((full) => full && onDone && onDone(full));
      } else if (onDone) onDone(current);
    } else if (current.status === "failed") {
      showError(current.error || "The run failed without a message.", `Run #${current.id} (${current.kind}) failed`);
    } else if (current.status === "cancelled") {
      showInfo(`Run #${current.id} (${current.kind}) was cancelled.`);
    }
  }

  async function poll() {
    if (stopped) return;
    const current = await attempt(() => api.run(run.id), `Following run #${run.id}`);
    if (stopped) return;
    if (!current) {
      stopped = true;
      return;
    }
    update(current);
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }

  update(run);
  if (!stopped) timer = setTimeout(poll, POLL_MS);
  return {
    element,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

function paramsText(params) {
  const entries = Object.entries(params || {}).filter(([, value]) => value !== undefined && value !== null);
  if (!entries.length) return "defaults";
  return entries
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(" ") : typeof value === "object" ? JSON.stringify(value) : value}`)
    .join(", ")
    .slice(0, 120);
}

export function createRunsView({ goTo }) {
  const body = h("tbody", {});
  const reportHost = h("div", { class: "tracker-host" });
  const element = h(
    "div",
    { class: "runs-view" },
    h(
      "section",
      { class: "panel" },
      h(
        "div",
        { class: "toolbar" },
        h("h3", {}, "Runs of this scenario"),
        h("span", { class: "spacer" }),
        h("button", { class: "small", type: "button", onclick: () => refresh() }, "Refresh"),
        " ",
        h(
          "button",
          {
            class: "small primary",
            type: "button",
            "data-testid": "make-report",
            onclick: () =>
              startRun(reportHost, "report", {}, {
                onDone: (run) => showInfo(`Report run #${run.id} is ready: download it with its html link below.`),
              }),
          },
          "Make a report",
        ),
      ),
      reportHost,
      h("p", { class: "hint" }, "Runs execute in the background; the HTML export of an analysis or report run is the full scenario report."),
      h(
        "table",
        { class: "data", "data-testid": "runs-table" },
        h("thead", {}, h("tr", {}, ["#", "Kind", "Version", "Status", "Parameters", "Started", "Finished", "Result", "Export"].map((text) => h("th", {}, text)))),
        body,
      ),
    ),
  );
  let timer = null;
  let visible = false;

  function row(run) {
    const done = run.status === "done";
    return h(
      "tr",
      { "data-testid": "run-row", "data-run": run.id, "data-kind": run.kind, "data-status": run.status },
      h("td", {}, String(run.id)),
      h("td", {}, run.kind),
      h("td", {}, String(run.version)),
      h(
        "td",
        {},
        h("span", { class: `badge ${run.status}` }, run.status),
        run.progress && ACTIVE.has(run.status) ? ` ${run.progress.done}/${run.progress.total}` : "",
        run.error ? h("div", { class: "error-text" }, run.error) : null,
      ),
      h("td", { class: "params" }, paramsText(run.params)),
      h("td", { title: run.created }, formatShortDate(run.started || run.created)),
      h("td", { title: run.finished || "" }, formatShortDate(run.finished)),
      h(
        "td",
        {},
        done
          ? h("button", { class: "small", type: "button", "data-testid": "show-run", onclick: () => showRun(run) }, "Show")
          : ACTIVE.has(run.status)
            ? h(
                "button",
                {
                  class: "small danger",
                  type: "button",
                  onclick: async () => {
                    await attempt(() => api.cancelRun(run.id), "Cancelling the run");
                    refresh();
                  },
                },
                "Cancel",
              )
            : "",
      ),
      h(
        "td",
        { class: "exports" },
        done
          ? ["json", "csv", "html"].map((format) =>
              h("a", { class: "button small", href: api.runExportUrl(run.id, format), download: "", "data-testid": `export-${format}` }, format),
            )
          : "",
      ),
    );
  }

  async function showRun(run) {
    const full = await attempt(() => api.run(run.id), `Loading run #${run.id}`);
    if (!full) return;
    const tab = { analysis: "analyse", simulation: "simulate", tournament: "simulate", report: "runs" }[full.kind] || "whatif";
    goTo(tab);
    emit("show-run", full);
  }

  async function refresh() {
    if (!store.scenario) return;
    const id = store.scenario.id;
    const result = await attempt(() => api.runs(id), "Loading the runs");
    if (!result || !store.scenario || store.scenario.id !== id) return;
    replace(body, result.runs.length ? result.runs.map(row) : h("tr", {}, h("td", { colspan: 9, class: "muted" }, "No runs yet.")));
    clearTimeout(timer);
    if (visible && result.runs.some((run) => ACTIVE.has(run.status))) timer = setTimeout(refresh, 1000);
  }

  on("runs-changed", () => visible && refresh());
  on("scenario", () => replace(reportHost));
  on("tab", (name) => {
    visible = name === "runs";
    if (!visible) clearTimeout(timer);
  });

  return { element, show: () => refresh() };
}
