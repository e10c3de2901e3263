"""Built-in strategies by name: every name builds a strategy; bad names and parameters get
clear errors."""

from __future__ import annotations

import pytest

from detente.errors import DetenteError, NotFoundError
from detente.simulation import (
    BUILTIN_STRATEGIES,
    Strategy,
    StrategyParameterError,
    UnknownStrategyError,
    make_strategy,
    simulate,
    strategy_parameters,
)
from test_simulation_contract import pie


@pytest.mark.parametrize("name", sorted(BUILTIN_STRATEGIES))
def test_every_name_builds_a_working_strategy(name: str) -> None:
    strategy = make_strategy(name)
    assert isinstance(strategy, Strategy) and strategy.name.startswith(name)
    trace = simulate(pie(grid=11, deadline=6), [strategy, make_strategy("conceder")], seed=0)
    assert trace.strategies[0] == strategy.name


def test_the_built_ins_have_distinct_default_names() -> None:
    names = [make_strategy(n).name for n in BUILTIN_STRATEGIES]
    assert len(set(names)) == len(names)


def test_parameters_are_listed_without_internal_ones() -> None:
    assert strategy_parameters("boulware") == ("e",)
    assert strategy_parameters("random") == ("p_accept", "seed")
    assert strategy_parameters("time_dependent") == ("e",)
    assert strategy_parameters("hardliner") == ()


def test_an_unknown_name_suggests_close_ones() -> None:
    with pytest.raises(UnknownStrategyError, match=r"'boulwere'; did you mean boulware\?"):
        make_strategy("boulwere")
    with pytest.raises(UnknownStrategyError, match="built-in: boulware, linear"):
        make_strategy("zzz")
    assert issubclass(UnknownStrategyError, NotFoundError)
    assert issubclass(UnknownStrategyError, LookupError)


def test_an_unknown_parameter_is_named_with_the_accepted_ones() -> None:
    with pytest.raises(StrategyParameterError, match="boulware takes e; got beta"):
        make_strategy("boulware", beta=0.3)
    with pytest.raises(StrategyParameterError, match="hardliner takes no parameters; got e"):
        make_strategy("hardliner", e=1)
    assert issubclass(StrategyParameterError, DetenteError)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("boulware", {"e": 2.0}, "below 1"),
        ("conceder", {"e": 1.0}, "above 1"),
        ("time_dependent", {"e": 0}, "above 0"),
        ("walk_away_aware", {"e": -1}, "above 0"),
        ("random", {"p_accept": 1.2}, r"in \[0, 1\]"),
        ("random", {"seed": -4}, "non-negative integer"),
        ("relative_tit_for_tat", {"delay": 0}, "rounds >= 1"),
        ("absolute_tit_for_tat", {"delay": 2.0}, "rounds >= 1"),
    ],
)
def test_invalid_parameter_values_are_refused(
    name: str, params: dict[str, object], message: str
) -> None:
    with pytest.raises(StrategyParameterError, match=message):
        make_strategy(name, **params)


def test_parameters_reach_the_strategy() -> None:
    assert make_strategy("time_dependent", e=3.0).name == "time_dependent(e=3)"
    assert make_strategy("absolute_tit_for_tat", delay=2).name == "absolute_tit_for_tat(delay=2)"
    assert make_strategy("walk_away_aware", e=0.5).name == "walk_away_aware(e=0.5)"
