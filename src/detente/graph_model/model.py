"""The compiled graph model: options, parties, feasible states and preference levels as arrays.

A state is a yes/no value for every option. Internally a state is the integer whose bit ``k`` is
set when option ``k`` is taken ("Y"); its *code* is the string of ``Y``/``N`` in option order,
first option leftmost (Fang, Hipel & Kilgour 1993, option form).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.errors import DetenteError, NotFoundError

__all__ = [
    "MAX_OPTIONS",
    "Direction",
    "GraphModel",
    "Option",
    "Party",
    "code_of",
    "codes_of",
    "state_of_code",
]

Direction = Literal["both", "forward", "backward"]
DIRECTIONS: tuple[Direction, ...] = ("both", "forward", "backward")

#: Option counts beyond this cannot be addressed by a 64-bit state number.
MAX_OPTIONS = 62


@dataclass(frozen=True)
class Party:
    """A decision maker."""

    id: str
    name: str


@dataclass(frozen=True)
class Option:
    """A yes/no option controlled by one party.

    ``moves`` says how the option may change: ``both`` (freely), ``forward`` (once taken it is
    never withdrawn) or ``backward`` (once withdrawn it is never taken again).
    """

    id: str
    party: str
    label: str = ""
    moves: Direction = "both"


def code_of(state: int, n_options: int) -> str:
    """The ``Y``/``N`` code of a state number, first option leftmost."""
    return "".join("Y" if (state >> k) & 1 else "N" for k in range(n_options))


def codes_of(states: NDArray[np.int64], n_options: int) -> list[str]:
    """Codes of many state numbers at once."""
    if len(states) == 0:
        return []
    bits = (states[:, None] >> np.arange(n_options, dtype=np.int64)) & 1
    table = np.array(["N", "Y"])[bits]
    return ["".join(row) for row in table]


def state_of_code(code: str) -> int:
    """The state number of a full ``Y``/``N`` code (raises ``ValueError`` on other letters)."""
    state = 0
    for k, letter in enumerate(code):
        if letter == "Y":
            state |= 1 << k
        elif letter != "N":
            raise ValueError(f"state code {code!r} has {letter!r} at position {k + 1}; use Y or N")
    return state


@dataclass(frozen=True, eq=False)
class GraphModel:
    """A conflict in option form, compiled to arrays.

    Attributes
    ----------
    title
        Human-readable name.
    parties, options
        The decision makers and their options, in the scenario's order.
    states
        Feasible state numbers, ascending (``int64``).
    payoff
        Preference level of every feasible state for every party, shape
        ``(len(parties), len(states))``: 0 for a party's least preferred states, counting up;
        equally preferred states share a level.
    status_quo
        Index into ``states`` of the status quo, if one was given.
    """

    title: str
    parties: tuple[Party, ...]
    options: tuple[Option, ...]
    states: NDArray[np.int64]
    payoff: NDArray[np.int32]
    status_quo: int | None = None
    owner: NDArray[np.int64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        index = {party.id: i for i, party in enumerate(self.parties)}
        owner = np.array([index[option.party] for option in self.options], dtype=np.int64)
        object.__setattr__(self, "owner", owner)
        self.states.setflags(write=False)
        self.payoff.setflags(write=False)
        owner.setflags(write=False)

    @classmethod
    def build(
        cls,
        parties: Sequence[str | Party],
        options: Sequence[Option | tuple[str, str] | tuple[str, str, Direction]],
        states: ArrayLike,
        payoff: ArrayLike,
        *,
        title: str = "",
        status_quo: int | None = None,
    ) -> GraphModel:
        """Build a model from plain data.

        Parameters
        ----------
        parties
            Party ids (or :class:`Party` records), in order.
        options
            :class:`Option` records, or ``(id, party)`` / ``(id, party, moves)`` tuples.
        states
            Feasible state numbers (bit ``k`` set when option ``k`` is taken), any order.
        payoff
            Any numbers, shape ``(len(parties), len(states))``, higher meaning more preferred;
            they are converted to preference levels.
        status_quo
            A feasible state *number* (not an index), or ``None``.
        """
        party_records = tuple(p if isinstance(p, Party) else Party(p, p) for p in parties)
        option_records = tuple(
            o if isinstance(o, Option) else Option(o[0], o[1], o[0], *o[2:]) for o in options
        )
        ids = [p.id for p in party_records]
        if len(set(ids)) != len(ids):
            raise DetenteError(f"party ids must be unique, got {ids}")
        option_ids = [o.id for o in option_records]
        if len(set(option_ids)) != len(option_ids):
            raise DetenteError(f"option ids must be unique, got {option_ids}")
        for option in option_records:
            if option.party not in ids:
                raise DetenteError(
                    f"option {option.id!r} belongs to unknown party {option.party!r}"
                )
            if option.moves not in DIRECTIONS:
                raise DetenteError(f"option {option.id!r}: moves must be one of {DIRECTIONS}")
        if len(option_records) > MAX_OPTIONS:
            raise DetenteError(f"at most {MAX_OPTIONS} options are supported")
        state_array = np.asarray(states, dtype=np.int64).ravel()
        payoff_array = np.asarray(payoff)
        if payoff_array.shape != (len(party_records), len(state_array)):
            raise DetenteError(
                f"payoff must have shape (parties, states) = "
                f"({len(party_records)}, {len(state_array)}), got {payoff_array.shape}"
            )
        order = np.argsort(state_array, kind="stable")
        state_array = state_array[order]
        if len(state_array) == 0:
            raise DetenteError("a graph model needs at least one feasible state")
        if np.any(state_array[1:] == state_array[:-1]):
            raise DetenteError("feasible states must not repeat")
        if state_array[0] < 0 or state_array[-1] >= (1 << len(option_records)):
            raise DetenteError("a state number does not fit the number of options")
        levels = np.stack([preference_levels(row[order]) for row in payoff_array])
        sq_index: int | None = None
        if status_quo is not None:
            position = int(np.searchsorted(state_array, status_quo))
            if position >= len(state_array) or state_array[position] != status_quo:
                raise DetenteError(f"status quo {status_quo} is not a feasible state")
            sq_index = position
        return cls(
            title=title,
            parties=party_records,
            options=option_records,
            states=state_array,
            payoff=levels.astype(np.int32),
            status_quo=sq_index,
        )

    @property
    def n_options(self) -> int:
        return len(self.options)

    @property
    def n_states(self) -> int:
        return len(self.states)

    def party_index(self, party: str) -> int:
        """Position of a party id (:class:`NotFoundError` naming the known ids if absent)."""
        for i, record in enumerate(self.parties):
            if record.id == party:
                return i
        known = ", ".join(p.id for p in self.parties)
        raise NotFoundError(f"unknown party {party!r}; the parties are {known}")

    def code(self, index: int) -> str:
        """Code of the feasible state at ``index``."""
        return code_of(int(self.states[index]), self.n_options)

    def codes(self) -> list[str]:
        """Codes of all feasible states, in order."""
        return codes_of(self.states, self.n_options)

    def index_of(self, code: str) -> int:
        """Index into :attr:`states` of a feasible state's code."""
        if len(code) != self.n_options or set(code) - {"Y", "N"}:
            raise NotFoundError(
                f"{code!r} is not a state code of this model: write {self.n_options} letters "
                "Y or N, one per option in order"
            )
        state = state_of_code(code)
        position = int(np.searchsorted(self.states, state))
        if position >= self.n_states or self.states[position] != state:
            raise NotFoundError(f"state {code} is not feasible in this model")
        return position


def preference_levels(values: ArrayLike) -> NDArray[np.int32]:
    """Dense ranks of ``values``: 0 for the smallest, equal values sharing a level."""
    _, inverse = np.unique(np.asarray(values), return_inverse=True)
    return inverse.astype(np.int32).ravel()
