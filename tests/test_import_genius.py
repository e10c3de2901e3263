"""Importing Genius / ANAC negotiation domains (XML) as detente/1 scenarios.

The fixtures in ``tests/fixtures/genius`` are hand-written; their comments work out, by hand and
with Genius's rules (each discrete issue's evaluations divided by its largest; integer issues
``clip(slope * (v - lowerbound) + offset)``; real issues by their evaluator function), the scores
and the utilities of a few outcomes that the tests below check.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from detente.bargaining import solve_bargaining
from detente.bargaining.problem import BargainingProblem
from detente.errors import ScenarioError
from detente.interop import genius
from detente.interop.genius import import_genius, read_genius
from detente.scenario import load_scenario, load_scenario_data

FIXTURES = Path(__file__).parent / "fixtures" / "genius"
HOLIDAY = FIXTURES / "holiday"
SUPPLY = FIXTURES / "supply"
DOMAIN = HOLIDAY / "holiday_domain.xml"
ALICE = HOLIDAY / "alice.xml"
BOB = HOLIDAY / "bob.xml"


def holiday(**options: Any) -> dict[str, Any]:
    return read_genius(DOMAIN, [ALICE, BOB], **options)


def supply(**options: Any) -> dict[str, Any]:
    return read_genius(
        SUPPLY / "supply_domain.xml", [SUPPLY / "buyer.xml", SUPPLY / "seller.xml"], **options
    )


def problem_of(scenario: dict[str, Any]) -> BargainingProblem:
    problem = load_scenario_data(scenario).bargaining
    assert problem is not None
    return problem


def utility(problem: BargainingProblem, **outcome: str) -> tuple[float, ...]:
    return tuple(problem.utilities()[problem.index_of(outcome)])


def variant(tmp_path: Path, source: Path, *edits: tuple[str, str], name: str | None = None) -> Path:
    """A copy of ``source`` with each ``(old, new)`` edit applied once (each must apply)."""
    text = source.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / (name or source.name)
    path.write_text(text, encoding="utf-8")
    return path


def problems(
    domain: Path, profiles: list[Path], **options: Any
) -> list[tuple[str, str, int | None]]:
    """(location, message, line) of every problem reported for a conversion."""
    with pytest.raises(ScenarioError) as caught:
        read_genius(domain, profiles, **options)
    return [(p.location, p.message, p.line) for p in caught.value.problems]


# -- conversion ------------------------------------------------------------------------------


def test_holiday_domain_is_converted_to_a_bargaining_section() -> None:
    scenario = holiday()
    assert list(scenario) == ["format", "title", "summary", "sources", "parties", "bargaining"]
    assert scenario["format"] == "detente/1"
    assert scenario["title"] == "Holiday"  # the domain's objective name
    assert [s["title"] for s in scenario["sources"]] == [
        "Genius domain holiday_domain.xml",
        "Genius preference profile alice.xml",
        "Genius preference profile bob.xml",
    ]
    assert scenario["parties"] == [{"id": "alice", "name": "alice"}, {"id": "bob", "name": "bob"}]
    section = scenario["bargaining"]
    assert section["issues"][:2] == [
        {"id": "destination", "label": "Destination", "values": ["Beach", "Mountains", "City"]},
        {"id": "hotel", "label": "Hotel", "values": ["2 stars", "3 stars", "5 stars"]},
    ]
    assert section["issues"][2]["range"] == {"min": 3, "max": 7, "step": 1}
    alice, bob = section["preferences"]["alice"], section["preferences"]["bob"]
    # Discrete scores are written already divided by the issue's largest evaluation.
    assert alice["scores"]["destination"] == {"Beach": 1.0, "Mountains": 0.5, "City": 0.25}
    assert alice["scores"]["hotel"] == {"2 stars": 1 / 6, "3 stars": 0.5, "5 stars": 1.0}
    assert bob["scores"]["hotel"] == {"2 stars": 1.0, "3 stars": 0.5, "5 stars": 0.2}
    # Integer issues: the ends of the clipped line and where it is clipped.
    assert alice["scores"]["nights"] == {3: 0.0, 7: 1.0}
    assert bob["scores"]["nights"] == {3: 1.0, 4: 1.0, 6: 0.0, 7: 0.0}
    # Weights as written, scaled by detente.
    assert bob["weights"] == {"destination": 2.0, "hotel": 1.0, "nights": 1.0}
    assert alice["normalize_weights"] is bob["normalize_weights"] is True
    assert (alice["reservation"], alice["discount"]) == (0.4, 0.9)
    assert (bob["reservation"], bob["discount"]) == (0.25, 1.0)  # no discount_factor: 1
    assert alice["evidence"] == [{"source": "genius-profile-alice"}]
    assert "bob.xml sum to 4" in scenario["summary"]
    assert "45 outcomes" in scenario["summary"]


def test_the_converted_scenario_loads() -> None:
    scenario = load_scenario_data(holiday())
    problem = scenario.bargaining
    assert problem is not None and scenario.graph_model is None
    assert [p.id for p in problem.parties] == ["alice", "bob"]
    assert [i.values for i in problem.issues] == [
        ("Beach", "Mountains", "City"),
        ("2 stars", "3 stars", "5 stars"),
        ("3", "4", "5", "6", "7"),
    ]
    assert problem.n_outcomes == 45
    np.testing.assert_array_equal(problem.reservation, [0.4, 0.25])
    np.testing.assert_array_equal(problem.discount, [0.9, 1.0])


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (("Beach", "5 stars", "5"), (0.9, 0.275)),
        (("City", "2 stars", "3"), (0.175, 1.0)),
        (("Mountains", "3 stars", "4"), (0.45, 0.675)),
        (("Beach", "3 stars", "7"), (0.85, 0.225)),
    ],
)
def test_hand_computed_utilities(
    outcome: tuple[str, str, str], expected: tuple[float, float]
) -> None:
    problem = problem_of(holiday())
    destination, hotel, nights = outcome
    got = utility(problem, destination=destination, hotel=hotel, nights=nights)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


# Genius semantics written out from the definition, with the raw numbers of the fixture files.
RAW = {
    "alice": ({"Beach": 8, "Mountains": 4, "City": 2}, {"2 stars": 1, "3 stars": 3, "5 stars": 6}),
    "bob": ({"Beach": 1, "Mountains": 3, "City": 5}, {"2 stars": 20, "3 stars": 10, "5 stars": 4}),
}
LINES = {"alice": (0.25, 0.0), "bob": (-0.5, 1.5)}  # (slope, offset) of Nights
WEIGHTS = {"alice": (0.5, 0.3, 0.2), "bob": (2.0, 1.0, 1.0)}


def genius_utility(
    party: str, destination: str, hotel: str, nights: int, *, normalise: bool = True
) -> float:
    tables = RAW[party]
    evaluations = []
    for table, value in zip(tables, (destination, hotel), strict=True):
        evaluations.append(table[value] / max(table.values()) if normalise else table[value])
    slope, offset = LINES[party]
    evaluations.append(min(1.0, max(0.0, slope * (nights - 3) + offset)))
    weights = WEIGHTS[party]
    return sum(w * e for w, e in zip(weights, evaluations, strict=True)) / sum(weights)


OUTCOMES = list(
    itertools.product(
        ["Beach", "Mountains", "City"], ["2 stars", "3 stars", "5 stars"], range(3, 8)
    )
)


@pytest.mark.parametrize("party", ["alice", "bob"])
def test_every_utility_and_ordering_follows_genius_semantics(party: str) -> None:
    problem = problem_of(holiday())
    column = problem.party_index(party)
    ours = np.array(
        [utility(problem, destination=d, hotel=h, nights=str(n))[column] for d, h, n in OUTCOMES]
    )
    oracle = np.array([genius_utility(party, d, h, n) for d, h, n in OUTCOMES])
    np.testing.assert_allclose(ours, oracle, rtol=0, atol=1e-12)
    # Same weak order of the 45 outcomes: compare every pair (ties to within 1e-12).
    for i, j in itertools.combinations(range(len(OUTCOMES)), 2):
        assert np.sign(np.round(ours[i] - ours[j], 12)) == np.sign(
            np.round(oracle[i] - oracle[j], 12)
        )


def test_normalisation_changes_the_order_of_bobs_outcomes() -> None:
    # Without Genius's division by the largest evaluation the order of these two flips.
    normalised = [
        genius_utility("bob", d, h, 5) for d, h in [("City", "5 stars"), ("Beach", "2 stars")]
    ]
    raw = [
        genius_utility("bob", d, h, 5, normalise=False)
        for d, h in [("City", "5 stars"), ("Beach", "2 stars")]
    ]
    assert normalised[0] > normalised[1] and raw[0] < raw[1]
    problem = problem_of(holiday())
    bob = problem.party_index("bob")
    city = utility(problem, destination="City", hotel="5 stars", nights="5")[bob]
    beach = utility(problem, destination="Beach", hotel="2 stars", nights="5")[bob]
    assert city > beach


def test_the_imported_problem_can_be_solved() -> None:
    result = solve_bargaining(problem_of(holiday()))
    assert len(result.frontier) > 0 and not result.zone_empty
    nash = result.solutions["nash"]
    assert all(u >= d for u, d in zip(nash.utilities, (0.4, 0.25), strict=True))


# -- real issues -------------------------------------------------------------------------------


def test_real_issue_is_cut_into_evenly_spaced_values() -> None:
    scenario = supply()
    price = scenario["bargaining"]["issues"][0]
    assert price["values"] == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert "real_steps=11" in price["because"]
    assert scenario["title"] == "supply_domain"  # the objective is called "root"
    problem = problem_of(scenario)
    np.testing.assert_allclose(
        utility(problem, price="40", delivery="fast"), (0.76, 0.5625), atol=1e-12
    )
    np.testing.assert_allclose(
        utility(problem, price="70", delivery="slow"), (0.6 * 0.15 + 0.4 / 3, 0.5), atol=1e-12
    )
    buyer = [utility(problem, price=str(x), delivery="fast")[0] for x in range(0, 101, 10)]
    expected = [1, 1, 0.9, 0.75, 0.6, 0.45, 0.3, 0.15, 0, 0, 0]
    np.testing.assert_allclose(buyer, [0.6 * e + 0.4 for e in expected], atol=1e-12)
    seller = [utility(problem, price=str(x), delivery="slow")[1] for x in range(0, 101, 10)]
    triangle = [0, 0, 0, 1 / 3, 2 / 3, 1, 2 / 3, 1 / 3, 0, 0, 0]
    np.testing.assert_allclose(seller, [0.75 * t + 0.25 for t in triangle], atol=1e-12)


def test_real_steps_sets_the_grid() -> None:
    scenario = supply(real_steps=5)
    assert scenario["bargaining"]["issues"][0]["values"] == [0, 25, 50, 75, 100]
    problem = problem_of(scenario)
    np.testing.assert_allclose(
        utility(problem, price="25", delivery="fast"),
        (0.6 * 0.825 + 0.4, 0.75 / 6 + 0.25 * 0.25),
        atol=1e-12,
    )


def test_real_values_that_percent_g_would_round_are_written_exactly() -> None:
    problem = problem_of(supply(real_steps=4))  # 0, 33.333..., 66.666..., 100
    values = problem.issues[0].values
    assert values == ("0", "33.333333333333336", "66.66666666666667", "100")
    got = utility(problem, price=values[1], delivery="fast")[0]
    assert got == pytest.approx(0.6 * (1.2 - 0.015 * 100 / 3) + 0.4, abs=1e-12)


def test_constant_real_evaluator(tmp_path: Path) -> None:
    buyer = variant(
        tmp_path,
        SUPPLY / "buyer.xml",
        (
            'ftype="linear" parameter0="1.2" parameter1="-0.015"',
            'ftype="constant" parameter0="0.7"',
        ),
    )
    problem = problem_of(read_genius(SUPPLY / "supply_domain.xml", [buyer, SUPPLY / "seller.xml"]))
    prices = [utility(problem, price=str(x), delivery="slow")[0] for x in (0, 50, 100)]
    np.testing.assert_allclose(prices, [0.6 * 0.7 + 0.4 / 3] * 3, atol=1e-12)


# -- discounting, ids, titles ------------------------------------------------------------------


def test_discount_factor_zero_means_no_discounting_as_in_genius() -> None:
    scenario = supply()
    assert scenario["bargaining"]["preferences"]["seller"]["discount"] == 1.0
    assert "discount_factor 0 in seller.xml means no discounting" in scenario["summary"]


def test_deadline_turns_the_whole_negotiation_discount_into_a_per_round_one() -> None:
    scenario = supply(deadline=2)
    section = scenario["bargaining"]
    assert section["deadline"] == 2
    assert section["preferences"]["buyer"]["discount"] == pytest.approx(
        0.9, abs=1e-12
    )  # 0.81 ** (1/2)
    problem = problem_of(scenario)
    assert problem.deadline == 2


def test_party_ids_and_title_can_be_given() -> None:
    scenario = holiday(party_ids=["a", "b"], title="A holiday")
    assert [p["id"] for p in scenario["parties"]] == ["a", "b"]
    assert set(scenario["bargaining"]["preferences"]) == {"a", "b"}
    assert scenario["title"] == "A holiday"


def test_party_ids_from_file_names_are_slugged_and_unique(tmp_path: Path) -> None:
    first = variant(tmp_path, ALICE, name="Party 1 (Kh).xml")
    (tmp_path / "copy").mkdir()
    second = variant(tmp_path / "copy", ALICE, name="Party 1 (Kh).xml")
    third = variant(tmp_path, BOB, name="2nd.xml")
    scenario = read_genius(DOMAIN, [first, second, third])
    assert [p["id"] for p in scenario["parties"]] == ["party_1_kh", "party_1_kh_2", "party_2nd"]
    assert scenario["parties"][0]["name"] == "Party 1 (Kh)"
    assert load_scenario_data(scenario).bargaining is not None


def test_older_range_element_for_integer_bounds_is_accepted(tmp_path: Path) -> None:
    old = '<range lowerbound="3" upperbound="7"/>'
    domain = variant(
        tmp_path,
        DOMAIN,
        ('vtype="integer" lowerbound="3" upperbound="7"/>', f'vtype="integer">{old}</issue>'),
    )
    alice = variant(
        tmp_path,
        ALICE,
        ('vtype="integer" lowerbound="3" upperbound="7">', f'vtype="integer">{old}'),
    )
    ours = problem_of(read_genius(domain, [alice, BOB])).utilities()
    np.testing.assert_array_equal(ours, problem_of(holiday()).utilities())


def test_wide_integer_issue_is_written_value_by_value(tmp_path: Path) -> None:
    bounds = ('lowerbound="3" upperbound="7"', 'lowerbound="999998" upperbound="1000002"')
    domain = variant(tmp_path, DOMAIN, bounds)
    alice = variant(tmp_path, ALICE, bounds)
    bob = variant(tmp_path, BOB, bounds)
    scenario = read_genius(domain, [alice, bob])
    assert scenario["bargaining"]["issues"][2]["values"] == [
        999998,
        999999,
        1000000,
        1000001,
        1000002,
    ]
    problem = problem_of(scenario)
    assert problem.issues[2].values == ("999998", "999999", "1000000", "1000001", "1000002")
    # Bob's line: clip(-0.5 * (v - 999998) + 1.5): 1, 1, 0.5, 0, 0 as for 3..7 nights.
    got = [
        utility(problem, destination="City", hotel="2 stars", nights=v)[1]
        for v in problem.issues[2].values
    ]
    np.testing.assert_allclose(got, [0.5 + 0.25 + 0.25 * e for e in (1, 1, 0.5, 0, 0)], atol=1e-12)


# -- writing YAML --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["holiday", "supply"])
def test_written_yaml_loads_back_to_identical_utilities(tmp_path: Path, which: str) -> None:
    domain, profiles = (
        (DOMAIN, [ALICE, BOB])
        if which == "holiday"
        else (SUPPLY / "supply_domain.xml", [SUPPLY / "buyer.xml", SUPPLY / "seller.xml"])
    )
    out = tmp_path / "scenario.yaml"
    mapping = import_genius(domain, profiles, out, real_steps=4)
    assert yaml.safe_load(out.read_text(encoding="utf-8")) == mapping
    loaded = load_scenario(out).bargaining
    assert loaded is not None
    direct = problem_of(mapping)
    np.testing.assert_array_equal(loaded.utilities(), direct.utilities())
    np.testing.assert_array_equal(loaded.reservation, direct.reservation)
    np.testing.assert_array_equal(loaded.discount, direct.discount)
    assert [i.values for i in loaded.issues] == [i.values for i in direct.issues]


def test_import_without_out_path_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert import_genius(DOMAIN, [ALICE, BOB]) == holiday()
    assert list(tmp_path.iterdir()) == []


# -- errors ----------------------------------------------------------------------------------------


def test_malformed_xml_names_file_and_line() -> None:
    [(location, message, line)] = problems(DOMAIN, [ALICE, FIXTURES / "bad" / "truncated.xml"])
    assert location == "truncated.xml"
    assert "not well-formed XML: mismatched tag" in message
    assert line == 8


def test_doctype_is_refused() -> None:
    [(location, message, line)] = problems(DOMAIN, [ALICE, FIXTURES / "bad" / "doctype.xml"])
    assert (location, line) == ("doctype.xml", 2)
    assert "DOCTYPE" in message


def test_negative_and_missing_evaluations() -> None:
    found = problems(DOMAIN, [ALICE, FIXTURES / "bad" / "negative_evaluation.xml"])
    assert found == [
        (
            "negative_evaluation.xml: objective/issue[@name='Destination']"
            "/item[@value='Mountains']",
            "evaluation -4.0 is negative",
            7,
        ),
        (
            "negative_evaluation.xml: objective/issue[@name='Hotel']/item[@value='3 stars']",
            "the item has no evaluation",
            12,
        ),
    ]


def test_profile_referring_to_unknown_issues_and_values() -> None:
    found = problems(DOMAIN, [ALICE, FIXTURES / "bad" / "foreign.xml"])
    assert found == [
        (
            "foreign.xml: objective/issue[@name='Destination']/item[@value='Desert']",
            "'Desert' is not a value of 'Destination'",
            7,
        ),
        (
            "foreign.xml: objective/issue[@name='Transport']",
            "the domain has no issue with index 4",
            17,
        ),
        ("foreign.xml: objective/weight[@index='4']", "the domain has no issue with index 4", 25),
        ("foreign.xml: objective", "issue 'Hotel' (index 2) has no weight", 5),
    ]


def test_nonlinear_profiles_are_refused() -> None:
    [(location, message, line)] = problems(DOMAIN, [ALICE, FIXTURES / "bad" / "nonlinear.xml"])
    assert (location, line) == ("nonlinear.xml", 3)
    assert "nonlinear utility space is not supported" in message


PROFILE_ERRORS = [
    pytest.param(
        [
            ('<weight index="1" value="0.5"/>', '<weight index="1" value="0"/>'),
            ('<weight index="2" value="0.3"/>', '<weight index="2" value="0"/>'),
            ('<weight index="3" value="0.2"/>', '<weight index="3" value="0.0"/>'),
        ],
        "objective",
        "every weight is zero",
        id="all-weights-zero",
    ),
    pytest.param(
        [('<weight index="2" value="0.3"/>', '<weight index="2" value="-0.3"/>')],
        "objective/weight[@index='2']",
        "weight -0.3 is negative",
        id="negative-weight",
    ),
    pytest.param(
        [('<reservation value="0.4"/>', '<reservation value="1.5"/>')],
        "reservation",
        "reservation value 1.5 is outside [0, 1]",
        id="reservation-above-one",
    ),
    pytest.param(
        [('<reservation value="0.4"/>', '<reservation value="-0.1"/>')],
        "reservation",
        "reservation value -0.1 is outside [0, 1]",
        id="reservation-negative",
    ),
    pytest.param(
        [('<discount_factor value="0.9"/>', '<discount_factor value="1.5"/>')],
        "discount_factor",
        "discount factor 1.5 is outside (0, 1]",
        id="discount-above-one",
    ),
    pytest.param(
        [('<discount_factor value="0.9"/>', '<discount_factor value="-0.5"/>')],
        "discount_factor",
        "discount factor -0.5 is outside (0, 1]",
        id="discount-negative",
    ),
    pytest.param(
        [('<discount_factor value="0.9"/>', '<discount_factor value="nan"/>')],
        "discount_factor",
        "value='nan' is not a number",
        id="discount-not-a-number",
    ),
    pytest.param(
        [('<reservation value="0.4"/>', "<reservation/>")],
        "reservation",
        "attribute 'value' is missing",
        id="reservation-without-value",
    ),
    pytest.param(
        [('value="City" evaluation="2"', 'value="City" evaluation="2,5"')],
        "objective/issue[@name='Destination']/item[@value='City']",
        "evaluation='2,5' is not a number",
        id="evaluation-not-a-number",
    ),
    pytest.param(
        [('      <item index="3" value="City" evaluation="2"/>\n', "")],
        "objective/issue[@name='Destination']",
        "values without an evaluation: 'City'",
        id="value-not-scored",
    ),
    pytest.param(
        [
            (
                'value="Beach" evaluation="8"/>',
                'value="Beach" evaluation="8"/><item value="Beach" evaluation="1"/>',
            )
        ],
        "objective/issue[@name='Destination']/item[@value='Beach']",
        "value 'Beach' is scored twice",
        id="value-scored-twice",
    ),
    pytest.param(
        [('name="Hotel" type="discrete"', 'name="Hotels" type="discrete"')],
        "objective/issue[@name='Hotels']",
        "issue 2 is 'Hotel' in the domain, 'Hotels' here",
        id="issue-name-differs",
    ),
    pytest.param(
        [('name="Hotel" type="discrete"', 'name="Hotel" type="integer"')],
        "objective/issue[@name='Hotel']",
        "issue 2 is discrete in the domain, integer here",
        id="issue-type-differs",
    ),
    pytest.param(
        [('name="Hotel" type="discrete"', 'name="Hotel" type="fuzzy"')],
        "objective/issue[@name='Hotel']",
        "unknown issue type 'fuzzy'",
        id="unknown-issue-type",
    ),
    pytest.param(
        [('<evaluator ftype="linear" slope="0.25" offset="0.0"/>', "")],
        "objective/issue[@name='Nights']",
        "expected one <evaluator> element, found no",
        id="integer-without-evaluator",
    ),
    pytest.param(
        [('slope="0.25" offset="0.0"', 'slope="0.25"')],
        "objective/issue[@name='Nights']/evaluator",
        "attribute 'offset' is missing",
        id="integer-without-offset",
    ),
    pytest.param(
        [('ftype="linear" slope="0.25"', 'ftype="triangular" slope="0.25"')],
        "objective/issue[@name='Nights']/evaluator",
        "ftype 'triangular' is not supported here",
        id="integer-not-linear",
    ),
    pytest.param(
        [('lowerbound="3" upperbound="7">', 'lowerbound="2" upperbound="7">')],
        "objective/issue[@name='Nights']",
        "range [2, 7] differs from the domain's [3, 7]",
        id="integer-range-differs",
    ),
    pytest.param(
        [('<issue index="1" name="Destination"', '<issue index="one" name="Destination"')],
        "objective/issue[@name='Destination']",
        "index='one' is not a whole number",
        id="index-not-a-number",
    ),
    pytest.param(
        [
            (
                '<objective index="0"',
                '<objective index="0"><objective index="9" name="sub"/></objective>'
                '<objective index="0"',
            )
        ],
        "",
        "expected one <objective> element, found 2",
        id="two-objectives",
    ),
]


PROFILE_ERRORS += [
    pytest.param(
        [
            (
                '<weight index="3" value="0.2"/>',
                '<weight index="3" value="0.2"/><weight index="3" value="0.1"/>',
            )
        ],
        "objective/weight[@index='3']",
        "issue 3 has two weights",
        id="two-weights",
    ),
    pytest.param(
        [
            (
                '<weight index="1" value="0.5"/>',
                '<issue index="2" name="Hotel" type="discrete"/><weight index="1" value="0.5"/>',
            )
        ],
        "objective/issue[@name='Hotel']",
        "issue index 2 is scored twice",
        id="issue-scored-twice",
    ),
    pytest.param(
        [
            (
                '<discount_factor value="0.9"/>',
                '<discount_factor value="0.9"/><discount_factor value="0.8"/>',
            )
        ],
        "",
        "expected one <discount_factor> element, found 2",
        id="two-discount-factors",
    ),
]


@pytest.mark.parametrize(("edits", "where", "message"), PROFILE_ERRORS)
def test_profile_errors(
    tmp_path: Path, edits: list[tuple[str, str]], where: str, message: str
) -> None:
    alice = variant(tmp_path, ALICE, *edits)
    found = problems(DOMAIN, [alice, BOB])
    locations = {(loc, msg) for loc, msg, _ in found}
    expected_location = f"alice.xml: {where}" if where else "alice.xml"
    assert (expected_location, message) in locations, found
    assert all(loc.startswith("alice.xml") for loc, _, _ in found)
    assert all(line is not None for _, _, line in found)


def test_nested_objectives_are_refused(tmp_path: Path) -> None:
    alice = variant(
        tmp_path, ALICE, ('<weight index="1"', '<objective index="9" name="sub"/><weight index="1"')
    )
    [(location, message, _)] = problems(DOMAIN, [alice, BOB])
    assert (location, message) == ("alice.xml: objective", "nested objectives are not supported")


def test_domain_given_as_a_profile_is_explained() -> None:
    [(location, message, line)] = problems(DOMAIN, [ALICE, DOMAIN])
    assert location == "holiday_domain.xml"
    assert "not <negotiation_template>" in message and line == 4
    with pytest.raises(ScenarioError) as caught:
        read_genius(DOMAIN, [ALICE, DOMAIN])
    assert caught.value.problems[0].hint == "this looks like the domain file"


DOMAIN_ERRORS = [
    pytest.param(
        [('<item index="3" value="City"/>', '<item index="3" value="Beach"/>')],
        "objective/issue[@name='Destination']/item[@value='Beach']",
        "value 'Beach' is listed twice",
        id="duplicate-value",
    ),
    pytest.param(
        [('<issue index="2" name="Hotel"', '<issue index="1" name="Hotel"')],
        "objective/issue[@name='Hotel']",
        "issue index 1 is used twice",
        id="duplicate-index",
    ),
    pytest.param(
        [('lowerbound="3" upperbound="7"', 'lowerbound="7" upperbound="3"')],
        "objective/issue[@name='Nights']",
        "upperbound 3 is below lowerbound 7",
        id="bounds-reversed",
    ),
    pytest.param(
        [('lowerbound="3" upperbound="7"', 'lowerbound="3.5" upperbound="7"')],
        "objective/issue[@name='Nights']",
        "lowerbound='3.5' is not a whole number",
        id="integer-bound-not-whole",
    ),
    pytest.param(
        [(' lowerbound="3" upperbound="7"', "")],
        "objective/issue[@name='Nights']",
        "the issue has no bounds",
        id="integer-without-bounds",
    ),
    pytest.param(
        [
            (
                'lowerbound="3" upperbound="7"/>',
                'lowerbound="3" upperbound="7"><range lowerbound="1" upperbound="7"/></issue>',
            )
        ],
        "objective/issue[@name='Nights']",
        "the issue gives two different ranges: (3, 7) and (1, 7)",
        id="two-different-ranges",
    ),
    pytest.param(
        [('lowerbound="3" upperbound="7"', 'lowerbound="0" upperbound="200000"')],
        "objective/issue[@name='Nights']",
        "200,001 integer values (limit 100,000)",
        id="too-many-integer-values",
    ),
    pytest.param(
        [('<item index="1" value="Beach"/>', '<item index="1"/>')],
        "objective/issue[@name='Destination']/item",
        "attribute 'value' is missing",
        id="item-without-value",
    ),
]


DOMAIN_ERRORS += [
    pytest.param(
        [('<item index="2" value="Mountains"/>', '<item index="2" value="  "/>')],
        "objective/issue[@name='Destination']/item[@value='  ']",
        "the value is empty",
        id="empty-value",
    ),
    pytest.param(
        [('<utility_space number_of_issues="3">', "<space>"), ("</utility_space>", "</space>")],
        "",
        "expected one <utility_space> element, found no",
        id="no-utility-space",
    ),
]


@pytest.mark.parametrize(("edits", "where", "message"), DOMAIN_ERRORS)
def test_domain_errors(
    tmp_path: Path, edits: list[tuple[str, str]], where: str, message: str
) -> None:
    domain = variant(tmp_path, DOMAIN, *edits)
    found = problems(domain, [ALICE, BOB])
    location = f"holiday_domain.xml: {where}" if where else "holiday_domain.xml"
    assert (location, message) in {(loc, msg) for loc, msg, _ in found}, found
    assert all(line is not None for _, _, line in found)


REAL_ERRORS = [
    pytest.param(
        ('ftype="linear" parameter0="1.2" parameter1="-0.015"', 'ftype="faratin" parameter0="1.2"'),
        "ftype 'faratin' is not supported",
        id="faratin",
    ),
    pytest.param(
        (
            'ftype="linear" parameter0="1.2" parameter1="-0.015"',
            'parameter0="1.2" parameter1="-0.015"',
        ),
        "attribute 'ftype' is missing",
        id="no-ftype",
    ),
    pytest.param(
        (
            'ftype="linear" parameter0="1.2" parameter1="-0.015"',
            'ftype="constant" parameter0="1.2"',
        ),
        "constant utility 1.2 is outside [0, 1]",
        id="constant-above-one",
    ),
    pytest.param(
        ('parameter1="-0.015"', 'parameter2="-0.015"'),
        "attribute 'parameter1' is missing",
        id="linear-without-slope",
    ),
]


@pytest.mark.parametrize(("edit", "message"), REAL_ERRORS)
def test_real_evaluator_errors(tmp_path: Path, edit: tuple[str, str], message: str) -> None:
    buyer = variant(tmp_path, SUPPLY / "buyer.xml", edit)
    found = problems(SUPPLY / "supply_domain.xml", [buyer, SUPPLY / "seller.xml"])
    assert [(loc, msg) for loc, msg, _ in found] == [
        ("buyer.xml: objective/issue[@name='Price']/evaluator", message)
    ]


def test_real_range_too_narrow_for_the_steps(tmp_path: Path) -> None:
    domain = variant(
        tmp_path,
        SUPPLY / "supply_domain.xml",
        ('lowerbound="0.0" upperbound="100.0"', 'lowerbound="1" upperbound="1.0000000000000002"'),
    )
    [(location, message, _)] = problems(domain, [SUPPLY / "buyer.xml", SUPPLY / "seller.xml"])
    assert location == "supply_domain.xml: objective/issue[@name='Price']"
    assert message == "the range is too narrow for 11 distinct values"


def test_every_problem_of_every_file_is_reported_together(tmp_path: Path) -> None:
    alice = variant(tmp_path, ALICE, ('<reservation value="0.4"/>', '<reservation value="2"/>'))
    bob = variant(
        tmp_path, BOB, ('<weight index="3" value="1"/>', '<weight index="3" value="-1"/>')
    )
    found = problems(DOMAIN, [alice, bob])
    assert {loc.split(":")[0] for loc, _, _ in found} == {"alice.xml", "bob.xml"}


def test_missing_file_and_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    [(location, message, _)] = problems(DOMAIN, [ALICE, tmp_path / "nowhere.xml"])
    assert location == "nowhere.xml" and message.startswith("cannot read")
    monkeypatch.setattr(genius, "MAX_FILE_BYTES", 100)
    found = problems(DOMAIN, [ALICE, BOB])
    assert len(found) == 3 and all("Genius files are limited to 100" in m for _, m, _ in found)


@pytest.mark.parametrize(
    ("options", "where"),
    [
        ({"real_steps": 1}, "real_steps"),
        ({"real_steps": True}, "real_steps"),
        ({"deadline": 0}, "deadline"),
        ({"party_ids": ["a"]}, "party_ids"),
        ({"party_ids": ["a", "a"]}, "party_ids"),
        ({"party_ids": ["a", "not"]}, "party_ids"),
        ({"party_ids": ["a", "1b"]}, "party_ids"),
    ],
)
def test_bad_arguments(options: dict[str, Any], where: str) -> None:
    found = problems(DOMAIN, [ALICE, BOB], **options)
    assert [loc for loc, _, _ in found] == [where]


def test_profiles_must_be_a_list_of_two_or_more() -> None:
    assert problems(DOMAIN, ALICE)[0][:2] == ("profiles", "give a list of profile files")  # type: ignore[arg-type]
    assert problems(DOMAIN, [ALICE])[0][:2] == (
        "profiles",
        "bargaining needs at least two profiles",
    )


def test_real_issue_with_equal_bounds_has_one_value(tmp_path: Path) -> None:
    edit = ('lowerbound="0.0" upperbound="100.0"', 'lowerbound="40" upperbound="40"')
    domain = variant(tmp_path, SUPPLY / "supply_domain.xml", edit)
    buyer = variant(tmp_path, SUPPLY / "buyer.xml", edit)
    seller = variant(tmp_path, SUPPLY / "seller.xml", edit)
    problem = problem_of(read_genius(domain, [buyer, seller]))
    assert problem.issues[0].values == ("40",)
    np.testing.assert_allclose(
        utility(problem, price="40", delivery="fast"), (0.76, 0.5625), atol=1e-12
    )


def test_domain_without_issues(tmp_path: Path) -> None:
    text = DOMAIN.read_text(encoding="utf-8")
    start, end = text.index('      <issue index="1"'), text.index("    </objective>")
    domain = tmp_path / "empty_domain.xml"
    domain.write_text(text[:start] + text[end:], encoding="utf-8")
    [(location, message, line)] = problems(domain, [ALICE, BOB])
    assert (location, message, line) == (
        "empty_domain.xml: objective",
        "the domain has no issues",
        6,
    )
