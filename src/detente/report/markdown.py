"""The report as Markdown, with figures embedded as data URIs so the file stands alone."""

from __future__ import annotations

import base64

from detente.bargaining.analysis import SOLUTION_NAMES
from detente.graph_model.stability import CONCEPT_NAMES
from detente.report.build import ReportData, assumptions
from detente.report.narrative import describe_state

__all__ = ["render_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _figure(data: ReportData, name: str, caption: str) -> list[str]:
    if name not in data.figures:
        return [f"*Figure not drawn: {data.figure_note or 'no figure'}*", ""]
    encoded = base64.b64encode(data.figures[name].encode()).decode()
    return [f"![{caption}](data:image/svg+xml;base64,{encoded})", ""]


def render_markdown(data: ReportData) -> str:
    """The whole report as one Markdown document."""
    document = data.scenario.document
    narrative = data.narrative
    lines = [
        f"# {document.title}",
        "",
        document.summary or "",
        "",
        "## Summary",
        "",
        f"**{narrative.headline}**",
        "",
    ]
    result = data.stability
    if result is not None:
        model = result.model
        lines += ["## States and moves", ""]
        lines += _figure(data, "graph", "states and improving moves")
        lines += ["## Equilibria", "", "| concept | count | equilibria |", "| --- | ---: | --- |"]
        for concept in result.concepts:
            codes = result.equilibria(concept)
            shown = "; ".join(f"`{c}` {describe_state(model, c)}" for c in codes[:10])
            lines.append(f"| {CONCEPT_NAMES[concept]} | {len(codes)} | {_cell(shown) or 'none'} |")
        lines += ["", "## Why", ""]
        lines += [f"- {s}" for s in narrative.equilibria + narrative.proposals]
        if narrative.expectations:
            lines += ["", "## What each side expected", ""]
            lines += [f"- {s}" for s in narrative.expectations]
        if narrative.status_quo:
            lines += ["", "## From the status quo", ""]
            lines += [f"- {s}" for s in narrative.status_quo]
        lines.append("")
    if data.bargaining is not None:
        lines += ["## Bargaining", ""]
        lines += [f"- {s}" for s in narrative.bargaining]
        lines.append("")
        lines += _figure(data, "bargaining", "bargaining: outcomes, frontier and solutions")
        names = [p.name for p in data.bargaining.problem.parties]
        if data.bargaining.solutions:
            lines += [
                "| solution | package | " + " | ".join(names) + " |",
                "| --- | --- |" + " ---: |" * len(names),
            ]
            for name, solution in data.bargaining.solutions.items():
                package = ", ".join(f"{k} {v}" for k, v in solution.values.items())
                lines.append(
                    f"| {SOLUTION_NAMES[name]} | {_cell(package)} | "
                    + " | ".join(f"{u:.3f}" for u in solution.utilities)
                    + " |"
                )
            lines.append("")
    if data.matchups and data.bargaining is not None:
        problem = data.bargaining.problem
        names = [p.name for p in problem.parties]
        lines += [
            "## Simulated negotiations",
            "",
            f"| {names[0]} plays | {names[1]} plays | result |",
            "| --- | --- | --- |",
        ]
        for match in data.matchups:
            ending = match.trace.ending
            if ending.agreement is not None:
                values = ", ".join(f"{k} {v}" for k, v in problem.outcome(ending.agreement).items())
                outcome_text = f"agreement in round {ending.round}: {values}"
            elif ending.walked_by is not None:
                outcome_text = f"{names[ending.walked_by]} walks away in round {ending.round}"
            else:
                outcome_text = "no deal by the deadline"
            lines.append(f"| {match.first} | {match.second} | {_cell(outcome_text)} |")
        lines.append("")
    if data.whatif:
        lines += ["## What would have worked", ""]
        lines += [f"- {s}" for s in data.whatif]
        lines.append("")
    lines += [
        "## Assumptions and evidence",
        "",
        "| where | assumption | because | evidence |",
        "| --- | --- | --- | --- |",
    ]
    for item in assumptions(data.scenario):
        evidence = "; ".join(f"{t}: “{q}”" if q else t for t, q in item.evidence)
        lines.append(
            f"| {_cell(item.where)} | {_cell(item.what)} | {_cell(item.because)} | "
            f"{_cell(evidence)} |"
        )
    lines += ["", "## Sources", ""]
    lines += [f"- **{s.title}**" + (f" ({s.year})" if s.year else "") for s in document.sources]
    return "\n".join(lines) + "\n"
