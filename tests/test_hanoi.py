"""The flagship scenarios reach the conclusions their evidence supports.

Hanoi 2019: the no-deal status quo is an equilibrium under every main concept and no deal state
is; the US is better off refusing the North's Yongbyon-for-relief offer; nothing holds the US to
the big deal once the North has disarmed (the North's lack of trust); no package beats walking
away for both; the more patient side has the stronger hand. Singapore 2018: the joint statement
is an equilibrium and lies in a non-empty zone of agreement. 2017-2018: escalation is not an
equilibrium and a path of improving moves leads to talks brokered by Seoul.

State codes are built from option ids, so reordering options in a file does not break a test.
"""

from __future__ import annotations

from collections import deque
from functools import cache
from pathlib import Path

import pytest

from detente import (
    CONCEPTS,
    GraphModel,
    Scenario,
    StabilityResult,
    analyze_stability,
    explain_state,
    load_scenario,
    solve_bargaining,
)
from detente.graph_model.hypergame import analyze_hypergame

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@cache
def _scenario(name: str) -> Scenario:
    return load_scenario(EXAMPLES / name)


@cache
def _stability(name: str) -> StabilityResult:
    model = _scenario(name).graph_model
    assert model is not None
    return analyze_stability(model)


def _model(name: str) -> GraphModel:
    model = _scenario(name).graph_model
    assert model is not None
    return model


def code(model: GraphModel, *taken: str) -> str:
    """The state code with exactly the options ``taken`` chosen."""
    ids = [option.id for option in model.options]
    unknown = set(taken) - set(ids)
    if unknown:
        raise KeyError(f"no such options: {sorted(unknown)}")
    return "".join("Y" if option in taken else "N" for option in ids)


def level(model: GraphModel, party: str, state: str) -> int:
    return int(model.payoff[model.party_index(party), model.index_of(state)])


def taken(model: GraphModel, state: str) -> set[str]:
    return {o.id for o, c in zip(model.options, state, strict=True) if c == "Y"}


# --- Hanoi 2019 ---------------------------------------------------------------------------

HANOI = "hanoi-2019.yaml"
RELIEF = ("civilian_relief", "full_relief")
DISMANTLING = ("yongbyon", "dismantle_all")


def hanoi_deals(model: GraphModel) -> list[str]:
    """Feasible states in which the US lifts sanctions and the North dismantles something."""
    return [
        state
        for state in model.codes()
        if taken(model, state) & set(RELIEF) and taken(model, state) & set(DISMANTLING)
    ]


def test_hanoi_status_quo_is_the_no_deal_state() -> None:
    model = _model(HANOI)
    assert model.status_quo is not None
    assert model.code(model.status_quo) == code(model)


@pytest.mark.parametrize("concept", CONCEPTS)
def test_hanoi_status_quo_is_an_equilibrium(concept: str) -> None:
    model = _model(HANOI)
    assert code(model) in _stability(HANOI).equilibria(concept)


@pytest.mark.parametrize("concept", CONCEPTS)
def test_hanoi_no_deal_state_is_an_equilibrium(concept: str) -> None:
    model = _model(HANOI)
    deals = hanoi_deals(model)
    # The offers on the table are among them, so the check below is not vacuous.
    assert code(model, "civilian_relief", "yongbyon") in deals
    assert code(model, "full_relief", "yongbyon", "dismantle_all") in deals
    equilibria = set(_stability(HANOI).equilibria(concept))
    assert equilibria.isdisjoint(deals), sorted(equilibria & set(deals))


def test_hanoi_us_is_better_off_refusing_the_yongbyon_offer() -> None:
    model = _model(HANOI)
    offer = code(model, "civilian_relief", "yongbyon")
    assert level(model, "us", offer) < level(model, "us", code(model))
    assert level(model, "dprk", offer) > level(model, "dprk", code(model))
    explanation = explain_state(_stability(HANOI), offer, "us")
    assert not any(explanation.stable.values())
    label = model.options[[o.id for o in model.options].index("civilian_relief")].label
    refusals = [i for i in explanation.improvements if label in i.move.withdrawn]
    assert refusals, "the US has no improvement that takes the relief back"
    # No concept finds a response by the North that would make refusing a mistake.
    assert all(s is None for r in refusals for s in r.sanctions.values())


def test_hanoi_big_deal_fails_for_lack_of_trust() -> None:
    """The North ranks the big deal below no deal, and once it has disarmed nothing stops the
    US from keeping its sanctions: the state it would be left in is itself an equilibrium."""
    model = _model(HANOI)
    big_deal = code(model, "full_relief", "yongbyon", "dismantle_all")
    assert level(model, "dprk", big_deal) < level(model, "dprk", code(model))
    explanation = explain_state(_stability(HANOI), big_deal, "us")
    disarmed_unpaid = code(model, "yongbyon", "dismantle_all")
    reneging = [i for i in explanation.improvements if i.move.after == disarmed_unpaid]
    assert len(reneging) == 1
    assert all(s is None for s in reneging[0].sanctions.values())
    for concept in CONCEPTS:
        assert disarmed_unpaid in _stability(HANOI).equilibria(concept)


def test_hanoi_zone_of_agreement_is_empty() -> None:
    problem = _scenario(HANOI).bargaining
    assert problem is not None
    result = solve_bargaining(problem)
    assert result.zone_empty
    assert result.gap is not None and result.gap.total > 0
    closest = problem.outcome(result.gap.outcome)
    assert closest == {
        "denuclearization": "full",
        "sanctions_relief": "full",
        "sequencing": "all_at_once",
        "verification": "none",
    }
    utilities = problem.utilities()
    us, dprk = problem.party_index("us"), problem.party_index("dprk")
    offer = problem.index_of(
        {
            "denuclearization": "yongbyon",
            "sanctions_relief": "civilian",
            "sequencing": "phased",
            "verification": "observed",
        }
    )
    big_deal = problem.index_of(
        {
            "denuclearization": "full",
            "sanctions_relief": "full",
            "sequencing": "all_at_once",
            "verification": "declaration",
        }
    )
    assert utilities[offer, us] < problem.reservation[us] < utilities[big_deal, us]
    assert utilities[big_deal, dprk] < problem.reservation[dprk] < utilities[offer, dprk]


def test_hanoi_patient_side_holds_the_stronger_hand() -> None:
    problem = _scenario(HANOI).bargaining
    assert problem is not None
    us, dprk = problem.party_index("us"), problem.party_index("dprk")
    assert problem.discount[us] > problem.discount[dprk]
    result = solve_bargaining(problem)
    assert result.powers[us] > result.powers[dprk]
    assert result.rubinstein is not None
    # The North proposes first and still gets the smaller share.
    assert problem.first_proposer == dprk
    assert result.rubinstein.shares[us] > result.rubinstein.shares[dprk]


def test_hanoi_north_expected_a_yongbyon_deal_the_us_would_not_accept() -> None:
    scenario = _scenario(HANOI)
    model = _model(HANOI)
    offer = code(model, "civilian_relief", "yongbyon")
    hypergame = analyze_hypergame(model, scenario.perceptions)
    for concept in CONCEPTS:
        assert offer in hypergame.expected("dprk", concept)
        assert not _stability(HANOI).is_stable(concept, "us", offer)


def test_hanoi_us_expected_the_north_to_prefer_the_big_deal() -> None:
    """Trump believed the North would take everything for the end of sanctions; the real North
    ranks the big deal below no deal."""
    scenario = _scenario(HANOI)
    model = _model(HANOI)
    seen_by_us = scenario.perceptions["us"]
    big_deal, no_deal = code(model, "full_relief", "yongbyon", "dismantle_all"), code(model)
    assert level(seen_by_us, "dprk", big_deal) > level(seen_by_us, "dprk", no_deal)
    assert level(model, "dprk", big_deal) < level(model, "dprk", no_deal)


# --- Singapore 2018 -----------------------------------------------------------------------

SINGAPORE = "singapore-2018.yaml"


def singapore_statement(model: GraphModel) -> str:
    return code(model, "us_signs", "suspend_exercises", "dprk_signs", "test_moratorium")


@pytest.mark.parametrize("concept", CONCEPTS)
def test_singapore_statement_is_an_equilibrium(concept: str) -> None:
    model = _model(SINGAPORE)
    assert singapore_statement(model) in _stability(SINGAPORE).equilibria(concept)


def test_singapore_statement_is_better_than_the_status_quo_for_both() -> None:
    model = _model(SINGAPORE)
    assert model.status_quo is not None
    before = model.code(model.status_quo)
    assert before == code(model, "test_moratorium")
    for party in ("us", "dprk"):
        assert level(model, party, singapore_statement(model)) > level(model, party, before)


def test_singapore_zone_holds_the_vague_statement() -> None:
    problem = _scenario(SINGAPORE).bargaining
    assert problem is not None
    result = solve_bargaining(problem)
    assert not result.zone_empty
    signed = {
        "denuclearization": "general",
        "security_guarantees": "general",
        "sanctions": "remain",
        "exercises": "suspended",
    }
    index = problem.index_of(signed)
    assert all(problem.utilities()[index] >= problem.reservation)
    assert dict(result.solutions["nash"].values) == signed
    # Concrete steps are outside the zone: the statement committed to little.
    for outcome in range(problem.n_outcomes):
        if problem.outcome(outcome)["denuclearization"] == "concrete":
            assert not all(problem.utilities()[outcome] >= problem.reservation)


# --- From escalation to talks, 2017-2018 ---------------------------------------------------

ESCALATION = "escalation-2017.yaml"


def improving_moves(model: GraphModel, state: str) -> list[tuple[str, str]]:
    """Every (party, next state) that one party reaches in one move and strictly prefers;
    by brute force over the feasible states, straight from the definition."""
    moves = []
    for i, party in enumerate(model.parties):
        for target in model.codes():
            changed = [k for k, (a, b) in enumerate(zip(state, target, strict=True)) if a != b]
            if not changed or any(int(model.owner[k]) != i for k in changed):
                continue
            if any(
                (model.options[k].moves == "forward" and target[k] == "N")
                or (model.options[k].moves == "backward" and target[k] == "Y")
                for k in changed
            ):
                continue
            if level(model, party.id, target) > level(model, party.id, state):
                moves.append((party.id, target))
    return moves


def test_escalation_is_not_an_equilibrium_and_talks_are() -> None:
    model = _model(ESCALATION)
    assert model.status_quo is not None
    escalation = model.code(model.status_quo)
    assert escalation == code(model, "pressure", "tests")
    talks = code(model, "us_talks", "dprk_talks", "mediate")
    result = _stability(ESCALATION)
    for concept in CONCEPTS:
        assert escalation not in result.equilibria(concept)
        assert talks in result.equilibria(concept)
    assert result.equilibria("nash") == [talks]


def test_improving_moves_lead_from_escalation_to_talks() -> None:
    model = _model(ESCALATION)
    assert model.status_quo is not None
    start = model.code(model.status_quo)
    talks = code(model, "us_talks", "dprk_talks", "mediate")
    parent: dict[str, tuple[str, str] | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for party, target in improving_moves(model, state):
            if target not in parent:
                parent[target] = (party, state)
                queue.append(target)
    assert talks in parent


def test_only_seoul_breaks_the_standoff_after_the_north_offers_talks() -> None:
    """Once the North has stopped testing and offered talks, and the US has held off pressure,
    neither of them moves; South Korea's mediation is what is left."""
    model = _model(ESCALATION)
    standoff = code(model, "dprk_talks")
    result = _stability(ESCALATION)
    assert result.is_stable("nash", "us", standoff)
    assert result.is_stable("nash", "dprk", standoff)
    assert [party for party, _ in improving_moves(model, standoff)] == ["rok"]


def test_talks_without_seoul_do_not_hold_for_the_us() -> None:
    model = _model(ESCALATION)
    unbrokered = code(model, "us_talks", "dprk_talks")
    assert not _stability(ESCALATION).is_stable("nash", "us", unbrokered)
    assert any(
        party == "us" and "us_talks" not in taken(model, target)
        for party, target in improving_moves(model, unbrokered)
    )
