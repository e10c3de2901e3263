"""Built-in strategies by name, with their parameters checked: the entry point for
configuration files and the command line."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Mapping
from types import MappingProxyType

from detente.simulation.errors import StrategyParameterError, UnknownStrategyError
from detente.simulation.protocol import Strategy
from detente.simulation.strategies.hardliner import HardLiner
from detente.simulation.strategies.nash_seeking import NashSeeking
from detente.simulation.strategies.random_offers import RandomOffers
from detente.simulation.strategies.rubinstein import Rubinstein
from detente.simulation.strategies.time_dependent import (
    TimeDependent,
    boulware,
    conceder,
    linear,
)
from detente.simulation.strategies.tit_for_tat import AbsoluteTitForTat, RelativeTitForTat
from detente.simulation.strategies.walk_away import WalkAwayAware

__all__ = [
    "BUILTIN_STRATEGIES",
    "make_strategy",
    "parse_strategy_spec",
    "strategy_from_spec",
    "strategy_parameters",
]

#: Factories of the built-in strategies, keyed by the name used in configs and on the CLI.
BUILTIN_STRATEGIES: Mapping[str, Callable[..., Strategy]] = MappingProxyType(
    {
        "boulware": boulware,
        "linear": linear,
        "conceder": conceder,
        "time_dependent": TimeDependent,
        "relative_tit_for_tat": RelativeTitForTat,
        "absolute_tit_for_tat": AbsoluteTitForTat,
        "hardliner": HardLiner,
        "random": RandomOffers,
        "walk_away_aware": WalkAwayAware,
        "nash_seeking": NashSeeking,
        "rubinstein": Rubinstein,
    }
)

#: Parameters that are not part of a strategy's behaviour.
_HIDDEN = frozenset({"self", "name"})


def strategy_parameters(name: str) -> tuple[str, ...]:
    """The parameters a built-in strategy takes, in order."""
    factory = _factory(name)
    return tuple(p for p in inspect.signature(factory).parameters if p not in _HIDDEN)


def _factory(name: str) -> Callable[..., Strategy]:
    if name not in BUILTIN_STRATEGIES:
        close = difflib.get_close_matches(name, list(BUILTIN_STRATEGIES), n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        known = ", ".join(BUILTIN_STRATEGIES)
        raise UnknownStrategyError(f"unknown strategy {name!r}{hint} (built-in: {known})")
    return BUILTIN_STRATEGIES[name]


def make_strategy(name: str, **params: object) -> Strategy:
    """A new built-in strategy by name, with its parameters checked.

    Examples
    --------
    >>> make_strategy("boulware", e=0.1).name
    'boulware(e=0.1)'
    >>> make_strategy("linear", speed=2)
    Traceback (most recent call last):
    ...
    detente.simulation.errors.StrategyParameterError: linear takes no parameters; got speed
    """
    factory = _factory(name)
    accepted = strategy_parameters(name)
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        takes = f"takes {', '.join(accepted)}" if accepted else "takes no parameters"
        raise StrategyParameterError(f"{name} {takes}; got {', '.join(unknown)}")
    return factory(**params)


def parse_strategy_spec(text: str) -> tuple[str, dict[str, object]]:
    """``boulware`` or ``boulware:e=0.1,delay=2`` → the name and its parameters (numbers parsed).

    Examples
    --------
    >>> parse_strategy_spec("boulware:e=0.1")
    ('boulware', {'e': 0.1})
    """
    name, _, rest = text.partition(":")
    params: dict[str, object] = {}
    for item in filter(None, (part.strip() for part in rest.split(","))):
        key, sep, value = item.partition("=")
        if not sep:
            raise StrategyParameterError(
                f"strategy parameter {item!r} needs a value: write {key}=VALUE"
            )
        if key.strip() == "name":
            raise StrategyParameterError(
                "'name' is not a strategy parameter: put the strategy's name "
                "before the colon, e.g. boulware:e=0.1"
            )
        try:
            params[key.strip()] = (
                int(value) if value.strip().lstrip("-").isdigit() else float(value)
            )
        except ValueError:
            params[key.strip()] = value.strip()
    return name.strip(), params


def strategy_from_spec(text: str) -> Strategy:
    """A new built-in strategy from a spec such as ``boulware:e=0.1``."""
    name, params = parse_strategy_spec(text)
    return make_strategy(name, **params)
