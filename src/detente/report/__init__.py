"""Reports a person wants to read: plain-language narrative, tables and figures in one file."""

from pathlib import Path

from detente.errors import DetenteError
from detente.report.build import ReportData, collect
from detente.report.html import render_html
from detente.report.markdown import render_markdown
from detente.report.narrative import Narrative, describe_state, narrate
from detente.scenario.loader import Scenario

__all__ = [
    "Narrative",
    "ReportData",
    "collect",
    "describe_state",
    "narrate",
    "render_html",
    "render_markdown",
    "write_report",
]


def write_report(scenario: Scenario, path: str | Path, *, data: ReportData | None = None) -> Path:
    """Analyse ``scenario`` (unless ``data`` already holds its analyses) and write the report to
    ``path`` (``.html`` or ``.md``)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in {".html", ".htm", ".md"}:
        raise DetenteError(f"cannot write a report to {target.name!r}: use .html or .md")
    data = data if data is not None else collect(scenario)
    text = render_markdown(data) if suffix == ".md" else render_html(data)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise DetenteError(f"cannot write {target}: {error.strerror}") from None
    return target
