// The workbench JSON API (docs/reference/workbench-api.md), one function per endpoint.

export class ApiError extends Error {
  constructor(status, message, problems, body) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.problems = problems || [];
    this.body = body;
  }
}

function messageFrom(detail, method, path, status) {
  if (typeof detail === "string") return detail;
  if (detail && typeof detail.message === "string") return detail.message;
  if (Array.isArray(detail)) {
    // FastAPI's own request validation errors: [{loc, msg, type}].
    return detail.map((item) => `${(item.loc || []).join(".")}: ${item.msg}`).join("; ");
  }
  return `${method} ${path} failed (HTTP ${status}).`;
}

async function request(method, path, { json, body } = {}) {
  const init = { method, headers: { Accept: "application/json" } };
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, `Could not reach the workbench server (${error.message}). Is detente serve still running?`);
  }
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  let payload = null;
  if (type.includes("json")) payload = await response.json().catch(() => null);
  else payload = await response.text().catch(() => null);
  if (!response.ok) {
    const detail = payload && typeof payload === "object" ? payload.detail : payload;
    throw new ApiError(
      response.status,
      messageFrom(detail, method, path, response.status),
      detail && Array.isArray(detail.problems) ? detail.problems : [],
      payload,
    );
  }
  return payload;
}

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const api = {
  health: () => request("GET", "/api/health"),
  library: () => request("GET", "/api/library"),
  strategies: () => request("GET", "/api/strategies"),

  scenarios: () => request("GET", "/api/scenarios"),
  createScenario: (payload) => request("POST", "/api/scenarios", { json: payload }),
  uploadScenario(file) {
    const form = new FormData();
    form.append("file", file, file.name);
    return request("POST", "/api/scenarios/upload", { body: form });
  },
  scenario: (id) => request("GET", `/api/scenarios/${id}`),
  version: (id, number) => request("GET", `/api/scenarios/${id}/versions/${number}`),
  versions: (id) => request("GET", `/api/scenarios/${id}/versions`),
  diff: (id, oldNumber, newNumber) => request("GET", `/api/scenarios/${id}/diff${query({ old: oldNumber, new: newNumber })}`),
  saveScenario: (id, payload) => request("PUT", `/api/scenarios/${id}`, { json: payload }),
  deleteScenario: (id) => request("DELETE", `/api/scenarios/${id}`),
  validate: (payload) => request("POST", "/api/validate", { json: payload }),
  exportUrl: (id, version) => `/api/scenarios/${id}/export${query({ version })}`,

  analysis: (id, version) => request("GET", `/api/scenarios/${id}/analysis${query({ version })}`),
  graph: (id, params) => request("GET", `/api/scenarios/${id}/graph${query(params)}`),
  explain: (id, params) => request("GET", `/api/scenarios/${id}/explain${query(params)}`),
  bargaining: (id, version) => request("GET", `/api/scenarios/${id}/bargaining${query({ version })}`),

  startRun: (id, kind, params, version) =>
    request("POST", `/api/scenarios/${id}/runs`, { json: { kind, params: params || {}, ...(version ? { version } : {}) } }),
  runs: (scenarioId) => request("GET", `/api/runs${query({ scenario_id: scenarioId })}`),
  run: (runId) => request("GET", `/api/runs/${runId}`),
  cancelRun: (runId) => request("POST", `/api/runs/${runId}/cancel`),
  runExportUrl: (runId, format) => `/api/runs/${runId}/export${query({ format })}`,
};
