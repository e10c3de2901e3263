"""What the workbench API tests (test_api_*.py) share: texts, request helpers and the oracle.

The API is tested against its contract (docs/reference/workbench-api.md). Answers are checked
against the Python API and, for the graph of states and moves, against a brute force written
here straight from the definitions (``Oracle``: a move by party p changes only p's options,
reaches a feasible state and respects each option's irreversibility).

Every request goes through ``RecordingClient``, which remembers each status; the fixture
``no_server_errors`` (conftest.py, applied to every test of the test_api_* modules with
``pytestmark``) fails any test during which the server answered with 500 or more.

Importing this module skips the importing test module when the web extras are missing; the
test modules therefore take ``TestClient``, ``create_app`` and ``Workspace`` from here.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")
pytest.importorskip("httpx")
pytest.importorskip("multipart")

import yaml
from fastapi.testclient import TestClient

from detente.scenario.loader import load_scenario_text
from detente.workbench.app import create_app as create_app  # re-exported: see above
from detente.workbench.store import Workspace as Workspace  # re-exported: see above

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HANOI_PATH = EXAMPLES / "hanoi-2019.yaml"
HANOI_TEXT = HANOI_PATH.read_text(encoding="utf-8")
PD_TEXT = (EXAMPLES / "prisoners-dilemma.yaml").read_text(encoding="utf-8")
UNCERTAINTY = yaml.safe_load((EXAMPLES / "uncertainty" / "hanoi-2019.yaml").read_text("utf-8"))
CONCEPTS = ("nash", "gmr", "smr", "seq")
FINISHED = {"done", "failed", "cancelled"}
ONE_MIB = 1 << 20  # the contract's upload and text limit
INTERACTIVE_LIMIT = 65_536  # the contract's interactive limit, in states
NORTH_OFFER = "civilian_relief and yongbyon and not dismantle_all and not resume_tests"
LONG_ROBUSTNESS = {"samples": 100_000, "seed": 1, "uncertainty": UNCERTAINTY}


def _edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the example changed: {old!r} is not in it exactly once"
    return text.replace(old, new)


# North Korea wanting to dismantle everything: the equilibria of the edited model differ.
HANOI_EDITED = _edit(
    HANOI_TEXT,
    "      - expr: not dismantle_all\n        because: >-\n          Trust was too low",
    "      - expr: dismantle_all\n        because: >-\n          Trust was too low",
)
# The option "pressure" given to a party that does not exist.
PRESSURE_PARTY = "      party: us\n      label: Raise pressure\n"
HANOI_BAD_PARTY = _edit(
    HANOI_TEXT, PRESSURE_PARTY, "      party: nobody\n      label: Raise pressure\n"
)

TRADE_TEXT = """\
format: detente/1
title: Two-issue trade
parties:
  - {id: buyer, name: Buyer}
  - {id: seller, name: Seller}
bargaining:
  issues:
    - id: price
      values: [low, mid, high]
    - id: delivery
      values: [slow, fast]
  preferences:
    buyer:
      weights: {price: 0.7, delivery: 0.3}
      scores:
        price: {low: 1.0, mid: 0.5, high: 0.0}
        delivery: {slow: 0.0, fast: 1.0}
      reservation: 0.3
      discount: 0.95
    seller:
      weights: {price: 0.6, delivery: 0.4}
      scores:
        price: {low: 0.0, mid: 0.6, high: 1.0}
        delivery: {slow: 1.0, fast: 0.2}
      reservation: 0.3
      discount: 0.9
  deadline: 12
"""


# --- no answer of 500 or more ------------------------------------------------------------------

_RESPONSES: list[tuple[str, str, int]] = []
_checked = [0]


class RecordingClient(TestClient):
    """A TestClient remembering every response's status (server exceptions still raise)."""

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        _RESPONSES.append((method, str(url), response.status_code))
        return response


def assert_no_server_errors(responses: list[tuple[str, str, int]]) -> None:
    errors = [r for r in responses if r[2] >= 500]
    assert not errors, f"the server answered with 5xx: {errors}"


def check_new_responses() -> None:
    """Fail if the server answered with 5xx since the last check (after each test)."""
    start, _checked[0] = _checked[0], len(_RESPONSES)
    assert_no_server_errors(_RESPONSES[start:])


# --- helpers -----------------------------------------------------------------------------------


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def refused(response: Any, status: int) -> dict[str, Any]:
    """The error detail of a refusal, after checking its status and shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ["detail"], body
    message = body["detail"]["message"]
    assert isinstance(message, str), body
    assert message.strip(), body
    return body["detail"]


def create(client: TestClient, **body: Any) -> dict[str, Any]:
    return ok(client.post("/api/scenarios", json=body), 201)  # type: ignore[no-any-return]


def save(client: TestClient, scenario_id: int, **body: Any) -> dict[str, Any]:
    return ok(client.put(f"/api/scenarios/{scenario_id}", json=body))  # type: ignore[no-any-return]


def start(
    client: TestClient,
    scenario_id: int,
    kind: str,
    params: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind, **extra}
    if params is not None:
        body["params"] = params
    run = ok(client.post(f"/api/scenarios/{scenario_id}/runs", json=body), 202)
    assert run["kind"] == kind
    assert run["scenario_id"] == scenario_id
    assert run["status"] in ("queued", "running")
    assert run["result"] is None
    for key, value in (params or {}).items():
        assert run["params"][key] == value
    return run  # type: ignore[no-any-return]


def wait_for(client: TestClient, run_id: int, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        run = ok(client.get(f"/api/runs/{run_id}"))
        if run["status"] in FINISHED:
            return run  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            pytest.fail(f"run {run_id} still {run['status']} after {timeout} s")
        time.sleep(0.05)


def versions(client: TestClient, scenario_id: int) -> list[dict[str, Any]]:
    return ok(client.get(f"/api/scenarios/{scenario_id}/versions"))["versions"]  # type: ignore[no-any-return]


def scenario_ids(client: TestClient) -> list[int]:
    return [s["id"] for s in ok(client.get("/api/scenarios"))["scenarios"]]


def line_of(text: str, fragment: str) -> int:
    """1-based number of the line where ``fragment`` starts."""
    return text[: text.index(fragment)].count("\n") + 1


# --- the brute-force oracle of the graph model -------------------------------------------------


@dataclass(frozen=True)
class Oracle:
    """States, payoffs and unilateral moves of a two-party model, found by brute force."""

    codes: tuple[str, ...]
    parties: tuple[str, ...]
    payoff: dict[str, dict[str, int]]  # party -> code -> preference level
    moves: frozenset[tuple[str, str, str]]  # (source, target, party)

    @classmethod
    def of(cls, text: str) -> Oracle:
        scenario = load_scenario_text(text, source="oracle")
        model = scenario.graph_model
        assert model is not None
        data = yaml.safe_load(text)
        options = data["graph_model"]["options"]
        owners = [o["party"] for o in options]
        direction = [o.get("moves", "both") for o in options]
        codes = tuple(model.codes())
        moves = set()
        for source, target in product(codes, codes):
            changed = [k for k, (a, b) in enumerate(zip(source, target, strict=True)) if a != b]
            movers = {owners[k] for k in changed}
            if len(movers) != 1:
                continue  # no change, or several parties' options changed
            legal = all(
                direction[k] == "both"
                or (direction[k] == "forward" and target[k] == "Y")
                or (direction[k] == "backward" and target[k] == "N")
                for k in changed
            )
            if legal:
                moves.add((source, target, movers.pop()))
        parties = tuple(p["id"] for p in data["parties"])
        payoff = {
            p: dict(zip(codes, (int(x) for x in model.payoff[i]), strict=True))
            for i, p in enumerate(parties)
        }
        return cls(codes, parties, payoff, frozenset(moves))

    def targets(self, party: str, code: str) -> set[str]:
        return {t for s, t, p in self.moves if s == code and p == party}

    def improvements(self, party: str, code: str) -> set[str]:
        level = self.payoff[party]
        return {t for t in self.targets(party, code) if level[t] > level[code]}

    def stable(self, concept: str, party: str, code: str) -> bool:
        """Fang, Hipel & Kilgour (1993) for two parties: the opponent answers with one move."""
        (other,) = (p for p in self.parties if p != party)
        mine, theirs = self.payoff[party], self.payoff[other]
        here = mine[code]

        def blocked(s1: str) -> bool:
            for s2 in self.targets(other, s1):
                if mine[s2] > here:
                    continue
                if concept == "seq" and theirs[s2] <= theirs[s1]:
                    continue
                if concept == "smr" and any(mine[s3] > here for s3 in self.targets(party, s2)):
                    continue
                return True
            return False

        improvements = self.improvements(party, code)
        if concept == "nash":
            return not improvements
        return all(blocked(s1) for s1 in improvements)

    def equilibria(self, concept: str) -> list[str]:
        return [c for c in self.codes if all(self.stable(concept, p, c) for p in self.parties)]

    def distances(self, start: str, improving: bool = False) -> dict[str, int]:
        seen = {start: 0}
        queue = deque([start])
        while queue:
            state = queue.popleft()
            for s, t, p in self.moves:
                if s != state or t in seen:
                    continue
                if improving and self.payoff[p][t] <= self.payoff[p][s]:
                    continue
                seen[t] = seen[state] + 1
                queue.append(t)
        return seen

    def within(self, focus: str, radius: int) -> set[str]:
        return {c for c, d in self.distances(focus).items() if d <= radius}
