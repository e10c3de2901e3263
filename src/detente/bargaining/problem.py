"""A compiled bargaining problem: issues, the outcome space and every party's utilities.

The outcome space is the product of the issues' values. Outcome ``o`` is numbered in mixed radix
with the *first* issue most significant (NumPy's C order over the shape ``(n_1, ..., n_m)``), so
utilities of all outcomes are built by broadcasting per-issue score vectors: no Python loop over
outcomes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from detente.errors import DetenteError, ModelTooLargeError, NotFoundError
from detente.graph_model.budget import memory_limit
from detente.graph_model.model import Party

__all__ = [
    "BYTES_PER_OUTCOME_PER_PARTY",
    "BargainingProblem",
    "Issue",
    "UtilityTerm",
    "check_outcome_budget",
]

_DECIMALS = 12

#: Working memory of the analysis per outcome and party (utilities, gains, sort keys).
BYTES_PER_OUTCOME_PER_PARTY = 40


@dataclass(frozen=True)
class Issue:
    """A negotiated issue and its possible values (as display text, in order)."""

    id: str
    values: tuple[str, ...]
    label: str = ""

    @property
    def size(self) -> int:
        return len(self.values)


@dataclass(frozen=True, eq=False)
class UtilityTerm:
    """``weight * table[values of issues]``: one additive part of a party's utility.

    ``table`` has one axis per issue in ``issues`` (by position in the problem's issue list).
    A linear-additive utility is one single-issue term per issue.
    """

    issues: tuple[int, ...]
    table: NDArray[np.float64]
    weight: float = 1.0


def check_outcome_budget(sizes: Sequence[int], n_parties: int) -> int:
    """Number of outcomes; :class:`ModelTooLargeError` if their utilities would not fit."""
    count = 1
    for size in sizes:
        count *= int(size)
    need = count * BYTES_PER_OUTCOME_PER_PARTY * max(n_parties, 1)
    limit = memory_limit()
    if need > limit:
        raise ModelTooLargeError(
            f"the outcome space has {count:,} outcomes ({' × '.join(map(str, sizes))}); "
            f"analysing it for {n_parties} parties needs about {need / 2**30:.1f} GiB, over the "
            f"limit of {limit / 2**30:.1f} GiB. Coarsen a range issue's step, merge values, or "
            "drop an issue that no party cares about (or raise DETENTE_MEMORY_LIMIT)"
        )
    return count


@dataclass(frozen=True, eq=False)
class BargainingProblem:
    """Parties bargaining over the product of issues, each with a walk-away value.

    Attributes
    ----------
    parties
        The bargaining parties, in order.
    issues
        The issues; outcomes are their value combinations.
    terms
        Per party, the utility terms that add up to its utility (in [0, 1]).
    reservation
        Per party, the utility of walking away (the disagreement point).
    discount
        Per party, the factor applied to utility per round of delay (1 = no impatience).
    deadline
        Number of rounds before talks end, if any.
    first_proposer
        Index of the party that proposes first.
    """

    title: str
    parties: tuple[Party, ...]
    issues: tuple[Issue, ...]
    terms: tuple[tuple[UtilityTerm, ...], ...]
    reservation: NDArray[np.float64]
    discount: NDArray[np.float64]
    deadline: int | None = None
    first_proposer: int = 0
    _utilities: list[NDArray[np.float64]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if len(self.terms) != len(self.parties):
            raise DetenteError("one list of utility terms is needed per party")
        check_outcome_budget([i.size for i in self.issues], len(self.parties))
        self.reservation.setflags(write=False)
        self.discount.setflags(write=False)

    @classmethod
    def linear(
        cls,
        parties: Sequence[str],
        issues: Sequence[tuple[str, Sequence[str]]],
        weights: ArrayLike,
        scores: Sequence[Sequence[ArrayLike]],
        reservation: ArrayLike,
        discount: ArrayLike | None = None,
        *,
        title: str = "",
        deadline: int | None = None,
    ) -> BargainingProblem:
        """A problem with linear-additive utilities from plain data.

        ``weights[p][i]`` is party p's weight on issue i; ``scores[p][i][v]`` its score of value
        v of issue i.
        """
        issue_records = tuple(Issue(i, tuple(str(v) for v in values)) for i, values in issues)
        weight_array = np.asarray(weights, dtype=float)
        terms = tuple(
            tuple(
                UtilityTerm((i,), np.asarray(scores[p][i], dtype=float), float(weight_array[p, i]))
                for i in range(len(issue_records))
            )
            for p in range(len(parties))
        )
        k = len(parties)
        return cls(
            title=title,
            parties=tuple(Party(p, p) for p in parties),
            issues=issue_records,
            terms=terms,
            reservation=np.asarray(reservation, dtype=float).reshape(k),
            discount=np.ones(k) if discount is None else np.asarray(discount, float).reshape(k),
            deadline=deadline,
        )

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(issue.size for issue in self.issues)

    @property
    def n_outcomes(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def party_index(self, party: str) -> int:
        for i, record in enumerate(self.parties):
            if record.id == party:
                return i
        known = ", ".join(p.id for p in self.parties)
        raise NotFoundError(f"unknown party {party!r}; the bargaining parties are {known}")

    def utilities(self) -> NDArray[np.float64]:
        """Utility of every outcome for every party, shape ``(n_outcomes, n_parties)``.

        Computed once by broadcasting each term's table over the outcome grid, rounded to 12
        decimals, then cached.
        """
        if not self._utilities:
            shape = self.shape
            stacked = np.zeros((self.n_outcomes, len(self.terms)), dtype=np.float64)
            for column, party_terms in enumerate(self.terms):
                total = np.zeros(shape, dtype=np.float64)
                for term in party_terms:
                    view_shape = [1] * len(shape)
                    order = np.argsort(term.issues)
                    table = np.transpose(term.table, order)
                    for axis in term.issues:
                        view_shape[axis] = shape[axis]
                    total += term.weight * table.reshape(view_shape)
                stacked[:, column] = total.reshape(-1)
            # Sums of products carry rounding noise (0.1 * 0.9 + 0.9 * 0.4 is 0.45000000000000007,
            # not 0.45): rounding to 12 decimals makes equal utilities equal, so no outcome looks
            # Pareto-optimal only by a rounding error.
            np.round(stacked, _DECIMALS, out=stacked)
            stacked.setflags(write=False)
            self._utilities.append(stacked)
        return self._utilities[0]

    def outcome(self, index: int) -> dict[str, str]:
        """The issue values of outcome ``index``."""
        if not 0 <= index < self.n_outcomes:
            raise NotFoundError(f"outcome {index} is outside 0..{self.n_outcomes - 1}")
        position = np.unravel_index(index, self.shape)
        return {
            issue.id: issue.values[int(v)] for issue, v in zip(self.issues, position, strict=True)
        }

    def index_of(self, outcome: dict[str, str]) -> int:
        """The index of an outcome given as issue id → value."""
        position = []
        for issue in self.issues:
            if issue.id not in outcome:
                raise NotFoundError(f"outcome does not give a value for issue {issue.id!r}")
            value = str(outcome[issue.id])
            if value not in issue.values:
                known = ", ".join(issue.values)
                raise NotFoundError(f"{value!r} is not a value of {issue.id!r} ({known})")
            position.append(issue.values.index(value))
        return int(np.ravel_multi_index(position, self.shape))
