"""A finished run as a download: JSON, its main table as CSV, or an HTML page."""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

from detente.workbench.store import RunRecord

__all__ = ["run_csv", "run_html", "run_json"]


def run_json(run: RunRecord) -> str:
    return json.dumps(
        {
            "format": "detente/run/1",
            "id": run.id,
            "kind": run.kind,
            "scenario_id": run.scenario_id,
            "version": run.version,
            "params": run.params,
            "result": run.result,
        },
        indent=1,
    )


def _rows(run: RunRecord) -> list[list[Any]]:
    result = run.result or {}
    if run.kind == "analysis" and "analysis" in result:
        analysis = result["analysis"]
        parties, concepts = analysis["parties"], analysis["concepts"]
        header = ["state", *(f"payoff_{p}" for p in parties)]
        header += [f"stable_{c}_{p}" for c in concepts for p in parties]
        header += [f"equilibrium_{c}" for c in concepts]
        rows: list[list[Any]] = [header]
        for state in analysis.get("states", []):
            row = [state["code"], *(state["payoff"][p] for p in parties)]
            row += [int(p in state["stable"][c]) for c in concepts for p in parties]
            row += [int(c in state["equilibrium"]) for c in concepts]
            rows.append(row)
        return rows
    if run.kind == "simulation" and result.get("simulation"):
        simulation = result["simulation"]
        parties = simulation["parties"]
        rows = [["round", "proposer", "walked", "offer", *(f"utility_{p}" for p in parties)]]
        for item in simulation["rounds"]:
            offer = item["offer"]
            utilities = item["utilities"] or {}
            rows.append(
                [
                    item["round"],
                    item["proposer"],
                    int(item["walked"]),
                    "" if offer is None else "; ".join(f"{k}={v}" for k, v in offer.items()),
                    *(utilities.get(p, "") for p in parties),
                ]
            )
        return rows
    if run.kind == "tournament" and result.get("strategies"):
        table = result.get("rows") or result["strategies"]
        columns = list(table[0])
        return [columns, *([row.get(c) for c in columns] for row in table)]
    if run.kind == "robustness" and (result.get("graph_model") or {}).get("states"):
        graph = result["graph_model"]
        concepts = graph["concepts"]
        rows = [["state", *(f"p_equilibrium_{c}" for c in concepts)]]
        for entry in graph["states"]:
            rows.append(
                [entry["state"], *(entry["equilibrium"][c]["probability"] for c in concepts)]
            )
        return rows
    rows = [["key", "value"]]
    for key, value in result.items():
        text = value if isinstance(value, str | int | float) or value is None else json.dumps(value)
        rows.append([key, text])
    return rows


def run_csv(run: RunRecord) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(_rows(run))
    return buffer.getvalue()


def run_html(run: RunRecord, title: str) -> str:
    """The stored report for analysis and report runs; otherwise a page with the run's table."""
    if run.report:
        return run.report
    rows = _rows(run)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
        for row in rows[1:]
    )
    lines = (run.result or {}).get("summary") if isinstance(run.result, dict) else None
    if isinstance(lines, str):
        lines = lines.splitlines()
    summary = "".join(f"<p>{html.escape(str(line))}</p>" for line in lines or [])
    params = html.escape(json.dumps(run.params))
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}: {run.kind} run {run.id}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
        "padding:0 1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:.2rem .5rem;text-align:left}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{run.kind} run {run.id} of version {run.version}, "
        f"parameters <code>{params}</code>.</p>{summary}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"
    )
