"""The workbench in a real browser against the real server: the journeys a user takes.

Each test drives Chromium (Playwright) through the page served by `detente serve`, started
as a subprocess over a fresh SQLite workspace, and checks what the page shows, not merely
that it rendered. Screenshots of the main views go to artifacts/screenshots/.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .e2e_support import CHROMIUM, LAUNCH_ARGS, REPO, SCREENSHOTS, Server, detente_cli

if CHROMIUM is None:
    pytest.skip("chromium is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

VIEWPORT = {"width": 1280, "height": 800}
# The swap that changes an equilibrium (checked with `detente analyze`): when the US ranks
# "no tests" above its red line, GMR and SMR gain four states, YNNNNN among them.
US_STATEMENTS = ["(civilian_relief or full_relief) implies dismantle_all", "not resume_tests"]
# A statement of the US rewritten in the YAML editor (the fourth, "yongbyon").
EDITED_STATEMENT = "yongbyon and not pressure"
# Chicken's Driver 1 ranking, and the same with the crash (YY) moved up above swerving (NY):
# the one-sided outcome NY then stops being an equilibrium (checked with `detente analyze`).
CHICKEN_P1 = ["YN", "NN", "NY", "YY"]
CHICKEN_P1_EDITED = ["YN", "NN", "YY", "NY"]
# The strategies of the tournament (of the five played by default).
TOURNAMENT = ["boulware", "conceder", "hardliner"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = Server(tmp_path_factory.mktemp("workbench"))
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Session:
    """One browser context on the workbench, recording script errors and outside requests."""

    def __init__(self, browser: Any, server: Server) -> None:
        self.server = server
        self.context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        self.context.set_default_timeout(15_000)
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route: Any) -> None:
        # The workbench must work offline: nothing may be fetched from anywhere else.
        if route.request.url.startswith((self.server.url, "data:")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def goto(self, fragment: str = "#/") -> Any:
        self.page.goto(f"{self.server.url}/{fragment}")
        expect(self.page.locator("body")).to_have_attribute("data-ready", "true")
        return self.page

    def open_copy(self, library_id: str, tab: str) -> tuple[Any, int]:
        scenario = self.server.api("/api/scenarios", "POST", {"library": library_id})
        return self.goto(f"#/s/{scenario['id']}/{tab}"), scenario["id"]

    def close(self) -> None:
        self.context.close()
        assert self.errors == [], f"script errors in the page: {self.errors}"
        assert self.outside == [], f"requests outside the workbench: {self.outside}"


@pytest.fixture
def session(browser: Any, server: Server) -> Iterator[Session]:
    opened = Session(browser, server)
    yield opened
    opened.close()


def shoot(page: Any, name: str) -> None:
    """Save a screenshot of the viewport, without passing notices (errors stay)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for notice in page.locator(f"{tid('message-info')} button").all():
        notice.click()
    page.mouse.move(4, VIEWPORT["height"] - 4)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def tid(name: str) -> str:
    return f"[data-testid='{name}']"


def test_open_hanoi_from_the_library_shows_the_verdict(session: Session) -> None:
    page = session.goto()
    card = page.locator(f"{tid('library-card')}[data-library='hanoi-2019']")
    expect(card).to_contain_text("Hanoi")
    shoot(page, "library")
    card.locator(tid("library-card-open")).click()

    expect(page).to_have_url(re.compile(r"#/s/\d+/analyse$"))
    headline = page.locator(tid("verdict-headline"))
    expect(headline).to_contain_text("The status quo (no option taken) is an equilibrium")
    expect(page.locator(tid("scenario-title"))).to_have_text(
        "The Hanoi summit, 27-28 February 2019"
    )
    # The no-deal status quo is an equilibrium under every concept, in the table and graph.
    status_quo_row = page.locator(f"{tid('state-row')}[data-state='NNNNNN']")
    expect(status_quo_row).to_have_attribute("data-equilibrium", "nash gmr smr seq")
    expect(status_quo_row).to_contain_text("status quo")
    for concept, count in {"nash": 3, "gmr": 5, "smr": 5, "seq": 3}.items():
        expect(page.locator(tid(f"equilibria-{concept}"))).to_have_attribute(
            "data-count", str(count)
        )
    expect(page.locator(tid("graph-node"))).to_have_count(20)
    node = page.locator(f"{tid('graph-node')}[data-state='NNNNNN']")
    expect(node).to_have_class(re.compile(r"\bequilibrium\b.*\bstatus-quo\b"))
    # Perceived games side by side: North Korea expected equilibria the real game lacks.
    expect(page.locator(tid("perceptions-table"))).to_contain_text("As North Korea sees it")
    expect(page.locator(f"{tid('perceptions-table')} .chip.added").first).to_be_visible()
    expect(page.locator(tid("status-quo-paths"))).to_contain_text("Dismantle Yongbyon")
    # The filters of the equilibria table.
    page.locator(tid("equilibria-only")).check()
    expect(page.locator(tid("state-row"))).to_have_count(5)
    page.locator(tid("concept-filter-gmr")).uncheck()
    page.locator(tid("concept-filter-smr")).uncheck()
    expect(page.locator(tid("state-row"))).to_have_count(3)
    page.locator(tid("state-filter")).fill("yongbyon")
    expect(page.locator(tid("state-row"))).to_have_count(2)
    page.locator(tid("state-filter")).fill("")
    page.locator(tid("equilibria-only")).uncheck()
    expect(page.locator(tid("state-row"))).to_have_count(20)
    # The library copy is now in the workspace list.
    expect(page.locator(tid("scenario-item"))).to_have_count(1)
    page.locator(f"{tid('graph-node')}[data-state='NNYNNN']").click()
    expect(page.locator(tid("explanation"))).to_have_attribute("data-state", "NNYNNN")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "analysis")


def test_a_state_explained_for_each_party(session: Session) -> None:
    page, _ = session.open_copy("hanoi-2019", "analyse")
    # The status quo is explained on opening.
    explanation = page.locator(tid("explanation"))
    expect(explanation).to_have_attribute("data-state", "NNNNNN")

    page.locator(f"{tid('graph-node')}[data-state='NNYNNN']").click()
    expect(explanation).to_have_attribute("data-state", "NNYNNN")
    us = explanation.locator(f"{tid('explanation-party')}[data-party='us']")
    expect(us.locator(tid("stable-nash"))).to_have_attribute("data-stable", "false")
    expect(us.locator(tid("stable-gmr"))).to_have_attribute("data-stable", "true")
    improvement = us.locator(tid("improvement"))
    expect(improvement).to_have_count(1)
    expect(improvement).to_contain_text("United States withdraws ‘Raise pressure’")
    # Under GMR the move is sanctioned: North Korea resumes its tests.
    expect(improvement.locator(".sanction.blocked").first).to_contain_text(
        "North Korea takes ‘Resume tests’"
    )
    expect(improvement.locator(".sanction.open")).to_contain_text(
        ["Nash: not blocked", "SEQ: not blocked"]
    )
    dprk = explanation.locator(f"{tid('explanation-party')}[data-party='dprk']")
    expect(dprk.locator(tid("explanation-text"))).to_contain_text("no unilateral improvement")
    # Moves touching the chosen state stand out in the graph.
    expect(page.locator("[data-testid='graph-edge'].focus").first).to_be_visible()
    page.locator(tid("graph-layout")).select_option("force")
    expect(page.locator(tid("graph-node"))).to_have_count(20)
    page.locator(tid("graph-layout")).select_option("plane")
    page.locator(tid("graph-node")).first.wait_for()
    page.locator(f"{tid('graph-node')}[data-state='NNYNNN']").click()
    expect(explanation).to_have_attribute("data-state", "NNYNNN")
    explanation.scroll_into_view_if_needed()
    page.mouse.wheel(0, 220)
    shoot(page, "explanation")

    # The table opens explanations too; the neighbourhood view shrinks the graph.
    page.locator(f"{tid('state-row')}[data-state='YNNNNN']").click()
    expect(explanation).to_have_attribute("data-state", "YNNNNN")
    page.locator(tid("graph-focus")).fill("NNNNNN")
    page.locator(tid("graph-neighbourhood")).click()
    expect(page.locator(tid("graph-note"))).to_contain_text("within 1 move(s) of NNNNNN")
    assert 1 < page.locator(tid("graph-node")).count() < 20


def test_reordering_a_preference_changes_the_equilibria(session: Session) -> None:
    page, scenario_id = session.open_copy("hanoi-2019", "analyse")
    expect(page.locator(tid("equilibria-gmr"))).to_have_attribute("data-count", "5")
    expect(page.locator(f"{tid('state-row')}[data-state='YNNNNN']")).to_have_attribute(
        "data-equilibrium", ""
    )

    page.locator(tid("tab-model")).click()
    statements = page.locator(f"{tid('preferences-us')} > {tid('statement')}")
    expect(statements.nth(0)).to_have_attribute("data-expr", US_STATEMENTS[0])
    expect(statements.nth(1)).to_have_attribute("data-expr", US_STATEMENTS[1])
    # Each assumption shows its reason and evidence.
    expect(statements.nth(1).locator(".because-preview")).to_contain_text("no hurry")
    statements.nth(1).locator(tid("move-up")).click()
    expect(statements.nth(0)).to_have_attribute("data-expr", US_STATEMENTS[1])
    expect(statements.nth(1)).to_have_attribute("data-expr", US_STATEMENTS[0])
    expect(page.locator(tid("dirty-indicator"))).to_be_visible()
    statements.nth(0).locator("summary").click()
    expect(statements.nth(0).locator(tid("evidence"))).to_have_count(2)
    shoot(page, "model-form")

    page.locator(tid("save-message")).fill("US: no tests above the red line")
    page.locator(tid("save-button")).click()
    expect(page.locator(tid("scenario-version"))).to_have_attribute("data-version", "2")
    expect(page.locator(tid("dirty-indicator"))).to_be_hidden()

    page.locator(tid("tab-analyse")).click()
    page.locator(tid("analyse-button")).click()
    tracker = page.locator(tid("run-tracker"))
    expect(tracker).to_have_attribute("data-status", "done")
    expect(page.locator(tid("analysis-source"))).to_contain_text("version 2, from run #")
    expect(page.locator(tid("equilibria-gmr"))).to_have_attribute("data-count", "9")
    expect(page.locator(tid("equilibria-nash"))).to_have_attribute("data-count", "3")
    expect(page.locator(f"{tid('state-row')}[data-state='YNNNNN']")).to_have_attribute(
        "data-equilibrium", "gmr smr"
    )

    page.locator(tid("tab-history")).click()
    rows = page.locator(tid("version-row"))
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("US: no tests above the red line")
    rows.nth(1).get_by_role("button", name="View").click()
    expect(page.locator(tid("version-viewer"))).to_contain_text("Version 1")
    saved = session.server.api(f"/api/scenarios/{scenario_id}")
    us = saved["document"]["graph_model"]["preferences"]["us"]
    assert [item["expr"] for item in us[:2]] == US_STATEMENTS[::-1]


def test_a_ranking_edited_in_the_form_changes_the_equilibria(
    session: Session, tmp_path: Path
) -> None:
    page, scenario_id = session.open_copy("chicken", "model")
    ranking = page.locator(tid("ranking-p1"))
    groups = ranking.locator(tid("ranking-group"))
    expect(groups).to_have_count(4)
    for index, code in enumerate(CHICKEN_P1):
        expect(groups.nth(index)).to_have_attribute("data-states", code)
    # Each state is shown with the options taken, in words.
    expect(groups.nth(0)).to_contain_text("Driver 1 stands firm (does not swerve)")
    expect(groups.nth(1)).to_contain_text("no option taken")
    expect(page.locator(tid("party-preferences-p1")).locator(".because-preview")).to_contain_text(
        "stand firm while the other swerves"
    )

    # A broken ranking written in the YAML: its problems are shown beside the ranking.
    page.locator(tid("tab-yaml")).click()
    editor = page.locator(tid("yaml-textarea"))
    text = editor.input_value()
    editor.fill(text.replace("ranking: [YN, NN, NY, YY]", "ranking: [YN, NN, NY, NY]"))
    page.locator(tid("tab-model")).click()
    expect(groups.nth(3).locator(tid("field-problem"))).to_contain_text("ranked twice")
    expect(ranking.locator(f"{tid('field-problem')}[data-location$='p1.ranking']")).to_contain_text(
        "misses 1 feasible state(s): YY"
    )
    expect(page.locator(tid("form-problems"))).to_be_hidden()
    page.locator(tid("discard-button")).click()
    expect(ranking.locator(tid("field-problem"))).to_have_count(0)

    # Move the crash up one place; tie it with the state above, then split it out again.
    groups.nth(3).locator(tid("move-up")).click()
    for index, code in enumerate(CHICKEN_P1_EDITED):
        expect(groups.nth(index)).to_have_attribute("data-states", code)
    expect(page.locator(tid("dirty-indicator"))).to_be_visible()
    groups.nth(2).locator(tid("tie-up")).click()
    expect(groups).to_have_count(3)
    expect(groups.nth(1)).to_have_attribute("data-states", "NN YY")
    expect(groups.nth(1)).to_have_class(re.compile(r"\btie\b"))
    shoot(page, "ranking")
    groups.nth(1).locator(f"{tid('ranking-state')}[data-state='YY']").locator(
        tid("split-down")
    ).click()
    expect(groups).to_have_count(4)
    for index, code in enumerate(CHICKEN_P1_EDITED):
        expect(groups.nth(index)).to_have_attribute("data-states", code)

    page.locator(tid("save-message")).fill("Driver 1: a crash beats swerving")
    page.locator(tid("save-button")).click()
    expect(page.locator(tid("scenario-version"))).to_have_attribute("data-version", "2")

    # The saved document differs from version 1 by exactly that move.
    before = session.server.api(f"/api/scenarios/{scenario_id}/versions/1")
    saved = session.server.api(f"/api/scenarios/{scenario_id}")
    expected = copy.deepcopy(before["document"])
    assert expected["graph_model"]["preferences"]["p1"]["ranking"] == CHICKEN_P1
    expected["graph_model"]["preferences"]["p1"]["ranking"] = CHICKEN_P1_EDITED
    assert saved["document"] == expected

    # The analysis follows: the same equilibria as the command line gives for the saved file.
    old = session.server.api(f"/api/scenarios/{scenario_id}/analysis?version=1")["analysis"]
    new = session.server.api(f"/api/scenarios/{scenario_id}/analysis")["analysis"]
    assert old["equilibria"]["nash"] == ["YN", "NY"]
    edited = tmp_path / "chicken.yaml"
    edited.write_text(saved["text"], encoding="utf-8")
    command_line = json.loads(detente_cli("analyze", "--format", "json", str(edited)))
    assert new["equilibria"] == command_line["equilibria"]
    assert new["equilibria"]["nash"] == ["YN"]
    assert new["equilibria"]["gmr"] == ["NN", "YN"]


def test_problems_are_shown_beside_their_field_and_line(session: Session) -> None:
    page, _ = session.open_copy("hanoi-2019", "model")
    # In the form: an impossible status quo is flagged next to its input.
    status_quo = page.locator("input[data-loc='graph_model.status_quo']")
    status_quo.fill("NNNNNNN")
    problem = page.locator(f"{tid('field-problem')}[data-location='graph_model.status_quo']")
    expect(problem).to_contain_text("NNNNNNN")
    expect(page.locator(tid("problem-count"))).to_have_text("1 problem")
    status_quo.fill("NNNNNN")
    expect(problem).to_have_count(0)
    page.locator(tid("discard-button")).click()

    # In the YAML editor: the problem is shown at its line.
    page.locator(tid("tab-yaml")).click()
    editor = page.locator(tid("yaml-textarea"))
    text = editor.input_value()
    lines = text.split("\n")
    line = lines.index("      party: dprk") + 1
    lines[line - 1] = "      party: dprkx"
    editor.fill("\n".join(lines))
    note = page.locator(f"{tid('yaml-line-problem')}[data-line='{line}']")
    expect(note).to_contain_text("unknown party 'dprkx'")
    expect(page.locator(tid("validation-status"))).to_have_text("1 problem")
    page.locator(tid("yaml-problem")).get_by_role("button", name=f"line {line}").click()
    expect(note).to_be_in_viewport()
    shoot(page, "yaml-editor")

    # The form follows the YAML (it reads as data, though not as a valid scenario): the option
    # shows the unknown party, with the problem beside it, and stays editable.
    page.locator(tid("tab-model")).click()
    option = page.locator(f"{tid('option-row')}[data-option='yongbyon']")
    expect(option.locator("select[data-loc$='.party']")).to_have_value("dprkx")
    expect(option.locator(tid("field-problem"))).to_contain_text("dprkx")
    expect(page.locator(tid("form-locked"))).to_be_hidden()
    expect(page.locator("input[data-loc='title']")).to_be_enabled()

    # Saving an invalid scenario is refused, with the server's words in the message area.
    page.locator(tid("save-button")).click()
    expect(page.locator(tid("message-error"))).to_contain_text("unknown party 'dprkx'")
    expect(page.locator(tid("scenario-version"))).to_have_attribute("data-version", "1")

    # YAML that cannot be read at all leaves the form read-only until it is fixed.
    page.locator(tid("tab-yaml")).click()
    editor.fill(text + "  - [unclosed\n")
    page.locator(tid("tab-model")).click()
    expect(page.locator(tid("form-locked"))).to_contain_text("The YAML cannot be read")
    expect(page.locator("input[data-loc='title']")).to_be_disabled()
    page.locator(tid("discard-button")).click()
    expect(page.locator(tid("form-locked"))).to_be_hidden()
    expect(page.locator("input[data-loc='title']")).to_be_enabled()


def test_the_form_follows_edits_made_in_the_yaml(session: Session) -> None:
    page, scenario_id = session.open_copy("hanoi-2019", "yaml")
    editor = page.locator(tid("yaml-textarea"))
    text = editor.input_value()
    assert text.count("      - expr: yongbyon\n") == 1
    editor.fill(text.replace("      - expr: yongbyon\n", f"      - expr: {EDITED_STATEMENT}\n"))

    # The Model tab shows the YAML's edit at once, with its reason, and the form is editable.
    page.locator(tid("tab-model")).click()
    statements = page.locator(f"{tid('preferences-us')} > {tid('statement')}")
    expect(statements.nth(3)).to_have_attribute("data-expr", EDITED_STATEMENT)
    expect(statements.nth(3).locator(tid("statement-expr"))).to_have_value(EDITED_STATEMENT)
    expect(statements.nth(3).locator(".because-preview")).to_contain_text("verified dismantlement")
    expect(page.locator(tid("form-locked"))).to_be_hidden()
    expect(page.locator("input[data-loc='title']")).to_be_enabled()
    statements.nth(1).locator(tid("move-up")).click()
    expect(statements.nth(0)).to_have_attribute("data-expr", US_STATEMENTS[1])

    # The YAML now holds both edits: the form's reordering and the YAML's own.
    page.locator(tid("tab-yaml")).click()
    text = editor.input_value()
    assert f"- expr: {EDITED_STATEMENT}\n" in text
    us_yaml = text[text.index("  preferences:\n    us:\n") :]
    assert us_yaml.index(US_STATEMENTS[1]) < us_yaml.index(US_STATEMENTS[0])
    expect(page.locator(tid("validation-status"))).to_have_text("Valid")
    page.locator(tid("save-button")).click()
    expect(page.locator(tid("scenario-version"))).to_have_attribute("data-version", "2")
    us = session.server.api(f"/api/scenarios/{scenario_id}")["document"]["graph_model"]
    us = us["preferences"]["us"]
    expected = [US_STATEMENTS[1], US_STATEMENTS[0], "dismantle_all", EDITED_STATEMENT]
    assert [item["expr"] for item in us[:4]] == expected
    assert us[3]["because"].startswith("The verified dismantlement of Yongbyon")


def test_the_bargaining_form_moves_the_walk_away_point(session: Session) -> None:
    page, scenario_id = session.open_copy("hanoi-2019", "model")
    us = page.locator(f"{tid('bargaining-party')}[data-party='us']")
    reservation = us.locator("input[data-loc='bargaining.preferences.us.reservation']")
    expect(reservation).to_have_value("0.55")
    expect(us.locator(tid("weight-sum"))).to_have_text(
        "Weights add up to 1 (0.6 on issues + 0.4 on terms)."
    )
    denuclearisation = us.locator("tr[data-issue='denuclearization']")
    expect(denuclearisation.locator("input[aria-label$='score of yongbyon_plus']")).to_have_value(
        "0.6"
    )
    # The reasons and evidence of the party's utility, of each term and issue are there.
    expect(us.locator(f":scope > {tid('reasons')}")).to_contain_text("4 sources")
    expect(us.locator(f"{tid('term-row')} {tid('reasons')}")).to_contain_text("The red line")
    issue = page.locator(f"{tid('issue-row')}[data-issue='sanctions_relief']")
    expect(issue.locator(tid("issue-value"))).to_have_count(3)
    expect(issue.locator(tid("reasons"))).to_contain_text("5 of 11 resolutions")

    # A value out of range is flagged beside its field, by the location the API gives.
    reservation.fill("1.5")
    problem = us.locator(
        f"{tid('field-problem')}[data-location='bargaining.preferences.us.reservation']"
    )
    expect(problem).to_contain_text("reservation value 1.5 is outside [0, 1]")
    reservation.fill("0.3")
    expect(problem).to_have_count(0)
    expect(page.locator(tid("problem-count"))).to_be_hidden()
    us.evaluate("card => card.scrollIntoView({block: 'start'})")
    shoot(page, "bargaining-form")
    page.locator(tid("save-button")).click()
    expect(page.locator(tid("scenario-version"))).to_have_attribute("data-version", "2")

    # Only the reservation value changed: terms, phasing and evidence came through untouched.
    before = session.server.api(f"/api/scenarios/{scenario_id}/versions/1")["document"]
    after = session.server.api(f"/api/scenarios/{scenario_id}")["document"]
    assert after["bargaining"]["preferences"]["us"]["reservation"] == 0.3
    before["bargaining"]["preferences"]["us"]["reservation"] = 0.3
    assert after["bargaining"] == before["bargaining"]

    # The lower walk-away value opens a zone of agreement (checked with `detente bargain`).
    page.locator(tid("tab-bargaining")).click()
    expect(page.locator(tid("bargaining-sentences"))).to_contain_text(
        "2 packages beat walking away for every side"
    )
    expect(page.locator(f"{tid('bargaining-plot')} .zone-label")).to_have_text(
        "zone of agreement: 2 outcomes"
    )
    expect(page.locator(f"{tid('solutions-table')} tr[data-solution='nash']")).to_contain_text(
        "Verification: observed"
    )


def test_the_changes_between_two_versions(session: Session) -> None:
    page, _ = session.open_copy("hanoi-2019", "yaml")
    editor = page.locator(tid("yaml-textarea"))
    lines = editor.input_value().split("\n")
    changed = lines.index("      reservation: 0.55")  # the United States' walk-away value
    lines[changed] = "      reservation: 0.3"
    editor.fill("\n".join(lines))
    page.locator(tid("save-message")).fill("US walks away for less")
    page.locator(tid("save-button")).click()
    expect(page.locator(tid("scenario-version"))).to_have_attribute("data-version", "2")

    # By default the version before the latest against the latest.
    page.locator(tid("tab-history")).click()
    panel = page.locator(tid("diff-panel"))
    expect(panel).to_have_attribute("data-old", "1")
    expect(panel).to_have_attribute("data-new", "2")
    expect(panel.locator(tid("diff-summary"))).to_have_text(
        "From version 1 to version 2: 1 line added, 1 line removed."
    )
    shown = panel.locator(tid("diff-line"))
    expect(shown).to_have_count(8)  # the two changed lines and three on either side
    removed = panel.locator(f"{tid('diff-line')}[data-kind='removed']")
    added = panel.locator(f"{tid('diff-line')}[data-kind='added']")
    expect(removed).to_have_count(1)
    expect(added).to_have_count(1)
    expect(removed).to_contain_text("reservation: 0.55")
    expect(removed).to_have_attribute("data-old", str(changed + 1))
    expect(added).to_contain_text("reservation: 0.3")
    expect(added).to_have_attribute("data-new", str(changed + 1))
    expect(shown.nth(2)).to_contain_text("would not have been the end")
    assert added.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(227, 245, 236)"
    assert removed.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 236, 234)"
    folds = panel.locator(tid("diff-fold"))
    expect(folds).to_have_count(2)
    expect(folds.first).to_have_attribute("data-count", str(changed - 3))
    panel.scroll_into_view_if_needed()
    shoot(page, "history-diff")
    folds.first.click()
    expect(shown).to_have_count(changed + 5)
    expect(shown.first).to_contain_text("format: detente/1")

    # Any two versions can be picked; a version against itself has no changes.
    panel.locator(tid("diff-old")).select_option("2")
    expect(panel.locator(tid("diff-summary"))).to_have_text("Versions 2 and 2 have the same text.")
    expect(panel.locator(f"{tid('diff-line')}:not([data-kind='same'])")).to_have_count(0)
    page.locator(f"{tid('version-row')}[data-version='1']").locator(tid("compare-version")).click()
    expect(panel.locator(tid("diff-summary"))).to_contain_text("1 line added, 1 line removed")


def test_a_simulation_shows_progress_then_the_offer_trace(session: Session) -> None:
    page, _ = session.open_copy("hanoi-2019", "simulate")
    page.locator(tid("sim-a")).select_option("boulware")
    page.locator(tid("sim-b")).select_option("conceder")
    page.locator(tid("sim-deadline")).fill("20")
    page.locator(tid("sim-seed")).fill("7")
    page.locator(tid("sim-repeats")).fill("1000")
    page.locator(tid("sim-start")).click()
    tracker = page.locator(f"{tid('simulation-run')} {tid('run-tracker')}")
    expect(tracker).to_be_visible()
    expect(tracker).to_have_attribute("data-status", "done", timeout=30_000)
    expect(tracker.locator(tid("run-progress"))).to_have_attribute("aria-valuenow", "100")
    expect(tracker.locator(tid("run-status"))).to_have_text("done")

    expect(page.locator(tid("sim-agreements"))).to_contain_text("of 1000 negotiations")
    expect(page.locator(tid("sim-ending"))).to_contain_text("No agreement by the deadline")
    rows = page.locator(f"{tid('offer-trace')} {tid('trace-row')}")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text("North Korea")
    # Each party's own offers and the offers it received, as lines over the rounds.
    expect(page.locator(f"{tid('simulation-plot')} polyline.trace")).to_have_count(4)
    page.locator(tid("simulation-result")).scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "simulation")

    # A long run can be cancelled while it works.
    page.locator(tid("sim-deadline")).fill("1000")
    page.locator(tid("sim-start")).click()
    expect(tracker.locator(tid("run-status"))).to_contain_text("running", timeout=10_000)
    tracker.locator(tid("run-cancel")).click()
    expect(tracker).to_have_attribute("data-status", "cancelled")
    expect(page.locator(tid("message-info"))).to_contain_text("was cancelled")


def test_a_tournament_ranks_the_strategies_and_fills_the_pairing_matrix(
    session: Session,
) -> None:
    page, scenario_id = session.open_copy("singapore-2018", "simulate")
    form = page.locator(tid("tournament-form"))

    def choice(name: str) -> Any:
        return form.locator(f"{tid('tournament-strategy')}[data-strategy='{name}']")

    # The five built-in defaults are ticked; three of them play instead, twice per pairing.
    for name in ["boulware", "linear", "conceder", "hardliner", "nash_seeking"]:
        expect(choice(name).locator("input[type='checkbox']")).to_be_checked()
    for name in form.locator(tid("tournament-strategy")).evaluate_all(
        "rows => rows.map(row => row.dataset.strategy)"
    ):
        choice(name).locator("input[type='checkbox']").set_checked(name in TOURNAMENT)
    expect(form.locator(tid("tournament-deadline"))).to_have_value("20")  # none in the scenario
    form.locator(tid("tournament-repetitions")).fill("2")
    form.locator(tid("tournament-seed")).fill("4")
    expect(form.locator(tid("tournament-size"))).to_have_text(
        "3 strategies: 9 pairings × 2 repetitions = 18 negotiations."
    )
    form.locator(tid("tournament-start")).click()
    tracker = page.locator(f"{tid('tournament-run')} {tid('run-tracker')}")
    expect(tracker).to_have_attribute("data-status", "done", timeout=30_000)
    expect(tracker.locator(tid("run-progress"))).to_have_attribute("aria-valuenow", "100")
    expect(tracker.locator(tid("run-status"))).to_have_text("done")

    # The page shows the run's result as the API gives it.
    run = session.server.api(f"/api/runs/{tracker.get_attribute('data-run')}")
    assert run["params"] == {"strategies": TOURNAMENT, "repetitions": 2, "deadline": 20, "seed": 4}
    result = run["result"]
    expect(page.locator(f"{tid('tournament-sentences')} li")).to_have_text(result["summary"])
    ranking = page.locator(f"{tid('tournament-ranking')} {tid('ranking-row')}")
    expect(ranking).to_have_count(3)
    ranked = [entry["strategy"] for entry in result["strategies"]]
    expect(ranking.locator(tid("ranking-strategy"))).to_have_text(ranked)
    shown = ranking.locator(tid("ranking-utility")).all_inner_texts()
    expected = [entry["utility_mean"] for entry in result["strategies"]]
    assert [float(text) for text in shown] == pytest.approx(expected, abs=5e-4)
    # The matrix: the first party's strategy down, the second's across, in ranking order.
    matrix = page.locator(tid("pairing-matrix"))
    expect(matrix.locator(tid("matrix-row"))).to_have_count(3)
    expect(matrix.locator(tid("pair-cell"))).to_have_count(9)
    cells = matrix.locator(tid("pair-cell")).evaluate_all(
        """cells => cells.map(cell => [cell.dataset.first, cell.dataset.second,
            Number(cell.dataset.agreement),
            Number(cell.querySelector("[data-testid='pair-utility-first']").textContent),
            Number(cell.querySelector("[data-testid='pair-utility-second']").textContent)])"""
    )
    assert [cell[:2] for cell in cells] == [[a, b] for a in ranked for b in ranked]
    pairs = {(pair["first"], pair["second"]): pair for pair in result["pairs"]}
    for first, second, agreement, utility_first, utility_second in cells:
        pair = pairs[(first, second)]
        assert agreement == pytest.approx(pair["agreement"])
        assert utility_first == pytest.approx(pair["utility_first"], abs=5e-4)
        assert utility_second == pytest.approx(pair["utility_second"], abs=5e-4)
    expect(page.locator(tid("matrix-legend"))).to_contain_text("mean utility of United States")
    for export in ("json", "csv"):
        expect(page.locator(tid(f"tournament-export-{export}"))).to_have_attribute(
            "href", f"/api/runs/{run['id']}/export?format={export}"
        )
    tracker.evaluate("element => element.scrollIntoView()")
    shoot(page, "tournament")

    # A parameter the strategy does not take is refused with the server's own message.
    choice("boulware").locator("input[type='text']").fill("nosuch=1")
    params = {**run["params"], "strategies": ["boulware:nosuch=1", *TOURNAMENT[1:]]}
    status, detail = session.server.refusal(
        f"/api/scenarios/{scenario_id}/runs", "POST", {"kind": "tournament", "params": params}
    )
    assert status == 422 and "nosuch" in detail["message"]
    form.locator(tid("tournament-start")).click()
    expect(page.locator(tid("message-error"))).to_contain_text(detail["message"])
    expect(ranking).to_have_count(3)  # the last result stays
    assert [
        r["id"] for r in session.server.api(f"/api/runs?scenario_id={scenario_id}")["runs"]
    ] == [run["id"]]


def test_what_if_runs_show_their_results(session: Session) -> None:
    page, _ = session.open_copy("hanoi-2019", "whatif")
    page.locator(tid("inverse-state")).fill("NNNYNN")
    page.locator(tid("inverse-concept")).select_option("gmr")
    page.locator(tid("inverse-start")).click()
    expect(page.locator(tid("inverse-summary"))).not_to_be_empty()
    expect(page.locator(tid("inverse-result"))).to_contain_text("orderings")

    page.locator(tid("change-state")).fill("YNNYNN")
    page.locator(tid("change-start")).click()
    expect(page.locator(tid("change-summary"))).not_to_be_empty()
    shoot(page, "what-if")


def test_the_report_downloads_as_html(session: Session, tmp_path: Path) -> None:
    page, _ = session.open_copy("hanoi-2019", "analyse")
    page.locator(tid("analyse-button")).click()
    expect(page.locator(tid("run-tracker"))).to_have_attribute("data-status", "done")
    page.locator(tid("tab-runs")).click()
    row = page.locator(f"{tid('run-row')}[data-kind='analysis']")
    expect(row).to_have_attribute("data-status", "done")
    shoot(page, "runs")
    with page.expect_download() as download_info:
        row.locator(tid("export-html")).click()
    target = tmp_path / "report.html"
    download_info.value.save_as(target)
    report = target.read_text(encoding="utf-8")
    assert report.lstrip().lower().startswith("<!doctype html")
    assert "Hanoi" in report


def test_the_bargaining_plot_and_solutions(session: Session) -> None:
    page, _ = session.open_copy("hanoi-2019", "bargaining")
    plot = page.locator(tid("bargaining-plot"))
    expect(plot.locator("circle.cloud")).to_have_count(54)
    expect(plot.locator(tid("reservation-point"))).to_be_visible()
    expect(plot.locator(tid("gap-point"))).to_be_visible()
    expect(page.locator(tid("bargaining-sentences"))).to_contain_text(
        "the zone of possible agreement is empty"
    )
    shoot(page, "bargaining")

    page, _ = session.open_copy("singapore-2018", "bargaining")
    expect(page.locator(f"{tid('solutions-table')} tr[data-solution='nash']")).to_contain_text(
        "0.715"
    )
    marker = page.locator(f"{tid('bargaining-plot')} {tid('solution')}[data-solutions~='nash']")
    expect(marker).to_be_visible()


def test_upload_then_delete(session: Session) -> None:
    page = session.goto()
    page.locator(tid("upload-input")).set_input_files(
        str(REPO / "examples" / "prisoners-dilemma.yaml")
    )
    expect(page.locator(tid("scenario-title"))).to_have_text("Prisoner's Dilemma")
    expect(page.locator(tid("verdict-headline"))).to_be_visible()
    item = page.locator(tid("scenario-item")).filter(has_text="Prisoner's Dilemma")
    expect(item).to_have_count(1)
    item.locator(tid("scenario-delete")).click()
    item.locator(tid("scenario-delete")).click()  # asks again in place, then deletes
    expect(item).to_have_count(0)
    expect(page.locator(tid("home"))).to_be_visible()


def test_two_browsers_edit_two_scenarios_without_interfering(browser: Any, server: Server) -> None:
    first, second = Session(browser, server), Session(browser, server)
    try:
        page_a, id_a = first.open_copy("hanoi-2019", "model")
        page_b, id_b = second.open_copy("singapore-2018", "model")
        page_a.locator("input[data-loc='title']").fill("Hanoi, edited in A")
        page_b.locator("input[data-loc='title']").fill("Singapore, edited in B")
        page_a.locator(tid("save-button")).click()
        page_b.locator(tid("save-button")).click()
        for page in (page_a, page_b):
            expect(page.locator(tid("scenario-version"))).to_have_attribute("data-version", "2")
            page.reload()
        expect(page_a.locator(tid("scenario-title"))).to_have_text("Hanoi, edited in A")
        expect(page_b.locator(tid("scenario-title"))).to_have_text("Singapore, edited in B")
        assert server.api(f"/api/scenarios/{id_a}")["title"] == "Hanoi, edited in A"
        assert server.api(f"/api/scenarios/{id_b}")["title"] == "Singapore, edited in B"

        # Both on the same scenario: the second save is refused, and says so.
        page_b.goto(f"{server.url}/#/s/{id_a}/model")
        expect(page_b.locator(tid("scenario-title"))).to_have_text("Hanoi, edited in A")
        page_a.locator("input[data-loc='title']").fill("Hanoi, A again")
        page_a.locator(tid("save-button")).click()
        expect(page_a.locator(tid("scenario-version"))).to_have_attribute("data-version", "3")
        page_b.locator("input[data-loc='title']").fill("Hanoi, B too late")
        page_b.locator(tid("save-button")).click()
        banner = page_b.locator(tid("conflict-banner"))
        expect(banner).to_contain_text("the latest is version 3")
        page_b.locator(tid("conflict-reload")).click()
        expect(banner).to_be_hidden()
        expect(page_b.locator(tid("scenario-title"))).to_have_text("Hanoi, A again")
        assert server.api(f"/api/scenarios/{id_a}")["version"] == 3
    finally:
        first.close()
        second.close()


def test_the_workspace_survives_a_restart(browser: Any, server: Server) -> None:
    created = server.api("/api/scenarios", "POST", {"library": "hanoi-2019"})
    document = created["document"]
    document["title"] = "Hanoi, kept across restarts"
    server.api(
        f"/api/scenarios/{created['id']}",
        "PUT",
        {"document": document, "base_version": 1, "message": "renamed"},
    )
    server.restart()

    session = Session(browser, server)
    try:
        page = session.goto()
        item = page.locator(tid("scenario-item")).filter(has_text="Hanoi, kept across restarts")
        expect(item).to_have_count(1)
        item.locator("button.nav-item").click()
        expect(page.locator(tid("scenario-title"))).to_have_text("Hanoi, kept across restarts")
        page.locator(tid("tab-history")).click()
        rows = page.locator(tid("version-row"))
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("renamed")
        rows.nth(1).get_by_role("button", name="View").click()
        expect(page.locator(tid("version-viewer"))).to_contain_text(
            "The Hanoi summit, 27-28 February 2019"
        )
    finally:
        session.close()
