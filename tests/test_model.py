"""The compiled model record: state codes, preference levels, and its own input checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente import GraphModel
from detente.errors import DetenteError, NotFoundError
from detente.graph_model.model import code_of, codes_of, preference_levels, state_of_code


@given(st.lists(st.integers(-5, 5), min_size=1, max_size=40))
def test_levels_keep_order_share_ties_and_have_no_gaps(values: list[int]) -> None:
    levels = preference_levels(values)
    assert sorted(set(levels.tolist())) == list(range(len(set(values))))
    for a, la in zip(values, levels, strict=True):
        for b, lb in zip(values, levels, strict=True):
            assert (a < b) == (la < lb) and (a == b) == (la == lb)


@given(st.integers(1, 12), st.data())
def test_codes_round_trip(n: int, data: st.DataObject) -> None:
    states = data.draw(st.lists(st.integers(0, 2**n - 1), min_size=1, max_size=20))
    codes = codes_of(np.array(states, dtype=np.int64), n)
    assert codes == [code_of(s, n) for s in states]
    assert [state_of_code(c) for c in codes] == states


def test_first_option_is_leftmost() -> None:
    assert code_of(0b001, 3) == "YNN"
    assert state_of_code("NNY") == 0b100


def test_build_sorts_states_and_finds_status_quo() -> None:
    model = GraphModel.build(
        ["a", "b"], [("x", "a"), ("y", "b")], [3, 0, 2], [[1, 5, 5], [0, 1, 2]], status_quo=2
    )
    assert model.states.tolist() == [0, 2, 3]
    assert model.payoff.tolist() == [[1, 1, 0], [1, 2, 0]]
    assert model.status_quo == 1 and model.code(1) == "NY"
    with pytest.raises(ValueError, match="read-only"):
        model.payoff[0, 0] = 9


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"states": [0, 0]}, "must not repeat"),
        ({"states": [0, 9]}, "does not fit"),
        ({"states": []}, "at least one feasible state"),
        ({"payoff": [[0, 1]]}, "shape"),
        ({"status_quo": 3}, "not a feasible state"),
    ],
)
def test_build_rejects_bad_input(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"states": [0, 1], "payoff": [[0, 1], [1, 0]]}
    arguments.update(kwargs)
    if arguments["states"] == [] and "payoff" not in kwargs:
        arguments["payoff"] = [[], []]
    with pytest.raises(DetenteError, match=message):
        GraphModel.build(["a", "b"], [("x", "a"), ("y", "b")], **arguments)  # type: ignore[arg-type]


def test_lookups_name_what_exists() -> None:
    model = GraphModel.build(["a", "b"], [("x", "a"), ("y", "b")], [0, 1], [[0, 1], [1, 0]])
    with pytest.raises(NotFoundError, match="the parties are a, b"):
        model.party_index("c")
    with pytest.raises(NotFoundError, match="not feasible"):
        model.index_of("NY")
    with pytest.raises(NotFoundError, match="2 letters"):
        model.index_of("NNN")
