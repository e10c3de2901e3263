"""Reports: every section and figure present, plain-language reasons, offline, both formats."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from browser import CHROMIUM_FLAGS
from detente import load_scenario
from detente.cli.main import app
from detente.errors import DetenteError
from detente.report import collect, render_html, render_markdown, write_report

FULL = Path(__file__).parent / "fixtures" / "toy-full.yaml"
SECTIONS = [
    "summary",
    "parties",
    "graph",
    "equilibria",
    "explanations",
    "perceptions",
    "status-quo",
    "bargaining",
    "simulation",
    "whatif",
    "assumptions",
    "sources",
]


def _text(page: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", page, flags=re.S)))


def test_html_report_has_every_section_and_figure(tmp_path: Path) -> None:
    target = write_report(load_scenario(FULL), tmp_path / "report.html")
    page = target.read_text()
    ids = re.findall(r"<h2 id='([a-z-]+)'", page)
    assert ids == SECTIONS
    assert page.count("<svg") == 2  # the state graph and the bargaining plot, inline
    assert "http://" not in _text(page) and "<script" not in page and "<link" not in page
    text = _text(page)
    # The reasons, by label: the US drops relief rather than pay for Yongbyon alone.
    assert "Yongbyon for partial relief (put forward by North Korea) is not an equilibrium" in text
    assert "United States does better to drop 'partial relief'" in text
    assert "North Korea expected outcomes that the real game does not support" in text
    assert "the zone of possible agreement is empty" in text
    # What would have worked: the reservation change equals the zone gap.
    assert "The smallest change of reservation (total 0.1) that opens a deal" in text
    # With no zone, no pair of strategies can agree.
    assert "None of the 36 strategy pairs reaches an agreement" in text
    assert "falls short by 0.1 in total" in text
    # Assumptions carry their evidence.
    assert "Relief for Yongbyon alone is too little." in text
    assert "Test notes: “not enough”" in text


def test_markdown_report(tmp_path: Path) -> None:
    target = write_report(load_scenario(FULL), tmp_path / "report.md")
    text = target.read_text()
    for heading in (
        "## Summary",
        "## Equilibria",
        "## Why",
        "## What each side expected",
        "## Bargaining",
        "## Simulated negotiations",
        "## What would have worked",
        "## Assumptions and evidence",
        "## Sources",
    ):
        assert heading in text
    assert text.count("data:image/svg+xml;base64,") == 2


def test_report_without_matplotlib_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise DetenteError("plotting needs matplotlib: pip install 'detente[plot]'")

    monkeypatch.setattr("detente.plots.bargaining._pyplot", missing)
    data = collect(load_scenario(FULL))
    assert data.figures == {}
    page = render_html(data)
    assert "Figure not drawn: plotting needs matplotlib" in unescape(page)
    assert "Figure not drawn" in render_markdown(data)


def test_report_command(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(FULL), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0
    assert "is an equilibrium under NASH, GMR, SMR and SEQ" in result.stdout
    result = runner.invoke(app, ["report", str(FULL), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2 and "use .html or .md" in result.stderr


def test_catalogue_report_without_bargaining(tmp_path: Path) -> None:
    page = write_report(
        load_scenario(FULL.parents[1].parent / "examples" / "prisoners-dilemma.yaml"),
        tmp_path / "pd.html",
    ).read_text()
    ids = re.findall(r"<h2 id='([a-z-]+)'", page)
    assert "bargaining" not in ids and "graph" in ids and page.count("<svg") == 1


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_browser() is None, reason="no Chromium on this machine (.ci/run installs it)")
def test_hanoi_report_opens_in_a_browser(tmp_path: Path) -> None:
    """Chromium loads the flagship report offline and lays out every section and figure."""
    hanoi = FULL.parents[2] / "examples" / "hanoi-2019.yaml"
    page = write_report(load_scenario(hanoi), tmp_path / "hanoi.html")
    command = [
        str(_browser()),
        "--headless",
        *CHROMIUM_FLAGS,
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
        page.as_uri(),
    ]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    assert re.findall(r'<h2 id="([a-z-]+)"', dom) == SECTIONS
    assert dom.count("<svg") >= 2
    assert "None of the 2 offers on the table is stable under any concept" in dom


def test_hanoi_report_says_what_would_have_worked(tmp_path: Path) -> None:
    hanoi = FULL.parents[2] / "examples" / "hanoi-2019.yaml"
    text = _text(write_report(load_scenario(hanoi), tmp_path / "h.html").read_text())
    # Inverse analysis: half of the US statement orders would have let the offer hold (GMR).
    assert "would have held under GMR for 2,520 of 5,040 orders" in text
    # Smallest change: one swap in the US priorities.
    assert "with 1 swap(s) of preference statements" in text
    # Phased delivery: the phased deal itself falls short, whatever the trust.
    assert "No level of trust would make it work" in text
    # Bargaining: the reservation change equals the zone gap.
    assert "The smallest change of reservation (total 0.125)" in text
