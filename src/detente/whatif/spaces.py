"""The sets of preference orderings that inverse analysis ranges over.

Inverse GMCR asks which preferences make a chosen state stable (Kinsara, Kilgour & Hipel 2015,
"Inverse approach to the graph model for conflict resolution", *IEEE Transactions on Systems,
Man, and Cybernetics: Systems* 45(5); the decision support system GMCR+ of Kinsara, Petersons,
Hipel & Kilgour 2015, *Journal of Decision Systems* 24(2), offers it). Here a party's
preferences may vary in one of three ways, the third following option prioritisation (Fang,
Hipel & Kilgour 1993, sec. 2.4):

* :class:`StrictRankings`: every strict ranking of the party's feasible states (``n!``);
* :class:`ReorderedStates`: only some states change places, taking each other's preference
  levels, every other state keeping its level; each distinct result counts once;
* :class:`StatementOrders`: every order of the party's option-prioritisation statements, the
  preference recomputed with weight ``2^(P-1-k)`` for the statement in position ``k``; each
  order counts once even when two orders give the same preference.

An *element* of a space is one integer row (a permutation or an assignment of levels); a space
turns rows into preference levels over the model's states, draws rows uniformly at random, lists
all its rows (only when small) and describes a row in the scenario's words.
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass
from math import factorial, prod

import numpy as np
from numpy.typing import NDArray

from detente.graph_model.model import GraphModel

__all__ = ["Ordering", "OrderingSpace", "ReorderedStates", "StatementOrders", "StrictRankings"]

Elements = NDArray[np.int64]
Levels = NDArray[np.int64]


@dataclass(frozen=True)
class Ordering:
    """One party's preferences in a counted (or sampled) case.

    Attributes
    ----------
    party
        The party's id.
    ranking
        State codes, best first; a group of several codes is a tie.
    statements
        For statement orders: the statements, most important first; otherwise empty.
    """

    party: str
    ranking: tuple[tuple[str, ...], ...]
    statements: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = " > ".join(" = ".join(group) for group in self.ranking)
        if self.statements:
            return f"{self.party}: {' | '.join(self.statements)} (so {text})"
        return f"{self.party}: {text}"


def _ranking(model: GraphModel, levels: Levels) -> tuple[tuple[str, ...], ...]:
    codes = model.codes()
    groups: dict[int, list[str]] = {}
    for index in np.argsort(-levels, kind="stable"):
        groups.setdefault(int(levels[index]), []).append(codes[index])
    return tuple(tuple(group) for group in groups.values())


@dataclass(frozen=True, eq=False)
class OrderingSpace(ABC):
    """The orderings one party's preferences may take."""

    model: GraphModel
    party: int

    @property
    @abstractmethod
    def size(self) -> int:
        """How many orderings the space holds."""

    @abstractmethod
    def elements(self) -> Elements:
        """Every element, one per row, in a fixed order (call only on small spaces)."""

    @abstractmethod
    def draw(self, rng: np.random.Generator, count: int) -> Elements:
        """``count`` elements drawn uniformly and independently."""

    @abstractmethod
    def levels(self, elements: Elements) -> Levels:
        """Preference levels over ``model.states`` (higher is better), one row per element."""

    @abstractmethod
    def describe(self, element: Elements) -> Ordering:
        """The ordering an element stands for."""

    @property
    @abstractmethod
    def description(self) -> str:
        """What the space holds, in words ("4! = 24 strict rankings of p1's 4 states")."""

    @property
    def party_id(self) -> str:
        return self.model.parties[self.party].id


def _permutations(n: int) -> Elements:
    rows = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    return rows.reshape(factorial(n), n)


def _shuffled(rng: np.random.Generator, row: NDArray[np.int64], count: int) -> Elements:
    return np.asarray(rng.permuted(np.tile(row, (count, 1)), axis=1), dtype=np.int64)


@dataclass(frozen=True, eq=False)
class StrictRankings(OrderingSpace):
    """Every strict ranking of the feasible states; an element lists state indices, best first."""

    @property
    def size(self) -> int:
        return factorial(self.model.n_states)

    def elements(self) -> Elements:
        return _permutations(self.model.n_states)

    def draw(self, rng: np.random.Generator, count: int) -> Elements:
        return _shuffled(rng, np.arange(self.model.n_states, dtype=np.int64), count)

    def levels(self, elements: Elements) -> Levels:
        n = self.model.n_states
        out = np.empty(elements.shape, dtype=np.int64)
        rows = np.arange(len(elements))[:, None]
        out[rows, elements] = np.arange(n - 1, -1, -1, dtype=np.int64)
        return out

    def describe(self, element: Elements) -> Ordering:
        codes = self.model.codes()
        return Ordering(self.party_id, tuple((codes[int(s)],) for s in element))

    @property
    def description(self) -> str:
        n = self.model.n_states
        return f"{n}! = {self.size:,} strict rankings of {self.party_id}'s {n} states"


@dataclass(frozen=True, eq=False)
class ReorderedStates(OrderingSpace):
    """The ``free`` states exchange preference levels; an element lists their levels in order.

    Levels are the party's levels in the model; states outside ``free`` keep theirs. When some
    free states are tied, exchanging them changes nothing, so the space holds the distinct
    arrangements only: ``k! / (m_1! m_2! ...)`` for ``k`` free states in groups of ``m`` ties.
    """

    free: NDArray[np.int64]

    @property
    def slots(self) -> NDArray[np.int64]:
        return np.sort(self.model.payoff[self.party, self.free].astype(np.int64))

    @property
    def size(self) -> int:
        counts = Counter(int(v) for v in self.slots)
        return factorial(len(self.free)) // prod(factorial(m) for m in counts.values())

    def elements(self) -> Elements:
        rows = _distinct_permutations([int(v) for v in self.slots])
        return np.array(rows, dtype=np.int64).reshape(len(rows), len(self.free))

    def draw(self, rng: np.random.Generator, count: int) -> Elements:
        # Every distinct arrangement is the image of equally many permutations of the slots.
        return _shuffled(rng, self.slots, count)

    def levels(self, elements: Elements) -> Levels:
        base = self.model.payoff[self.party].astype(np.int64)
        out = np.tile(base, (len(elements), 1))
        out[:, self.free] = elements
        return out

    def describe(self, element: Elements) -> Ordering:
        levels = self.levels(element[None, :])[0]
        return Ordering(self.party_id, _ranking(self.model, levels))

    @property
    def description(self) -> str:
        return f"{self.size:,} reorderings of {self.party_id}'s {len(self.free)} free states"


def _distinct_permutations(items: list[int]) -> list[tuple[int, ...]]:
    """Distinct permutations of a multiset, lexicographic, by the next-permutation step
    (Knuth, *TAOCP* vol. 4A, Algorithm 7.2.1.2L)."""
    current = sorted(items)
    out = [tuple(current)]
    while True:
        j = len(current) - 2
        while j >= 0 and current[j] >= current[j + 1]:
            j -= 1
        if j < 0:
            return out
        k = len(current) - 1
        while current[k] <= current[j]:
            k -= 1
        current[j], current[k] = current[k], current[j]
        current[j + 1 :] = reversed(current[j + 1 :])
        out.append(tuple(current))


@dataclass(frozen=True, eq=False)
class StatementOrders(OrderingSpace):
    """Every order of a party's prioritisation statements; an element lists statement indices,
    most important first.

    ``truth[k, s]`` says whether statement ``k`` (in its original position) holds in feasible
    state ``s``; ``texts`` are the statements as written.
    """

    truth: NDArray[np.bool_]
    texts: tuple[str, ...]

    @property
    def size(self) -> int:
        return factorial(len(self.texts))

    def elements(self) -> Elements:
        return _permutations(len(self.texts))

    def draw(self, rng: np.random.Generator, count: int) -> Elements:
        return _shuffled(rng, np.arange(len(self.texts), dtype=np.int64), count)

    def levels(self, elements: Elements) -> Levels:
        p = len(self.texts)
        weights = np.int64(1) << np.arange(p - 1, -1, -1, dtype=np.int64)
        # truth[elements] has shape (rows, P, states): statement in position k weighs 2^(P-1-k).
        chosen = self.truth[elements].astype(np.int64)
        return np.asarray(np.einsum("rks,k->rs", chosen, weights), dtype=np.int64)

    def describe(self, element: Elements) -> Ordering:
        levels = self.levels(element[None, :])[0]
        texts = tuple(self.texts[int(k)] for k in element)
        return Ordering(self.party_id, _ranking(self.model, levels), texts)

    @property
    def description(self) -> str:
        p = len(self.texts)
        return f"{p}! = {self.size:,} orders of {self.party_id}'s {p} statements"
