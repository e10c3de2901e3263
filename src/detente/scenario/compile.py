"""Turning the ``graph_model`` section of a scenario into a :class:`GraphModel`.

Checks every cross-reference and collects *all* problems (unknown ids, expression errors,
rankings that miss, repeat or invent states, an impossible status quo) before giving up, so a user
fixes a file in one pass. Feasibility and option-prioritisation scores are evaluated on arrays over
all ``2**n`` states at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from detente.errors import ExpressionError, Problem, ScenarioError
from detente.expressions import Expression, check_names, parse_expression
from detente.graph_model.budget import check_dense_budget
from detente.graph_model.model import GraphModel, Option, Party, codes_of
from detente.scenario.document import Path
from detente.scenario.schema import GraphModelSection, RankingSpec, ScenarioDocument, Statement

__all__ = [
    "Proposal",
    "compile_graph_model",
    "compile_perceptions",
    "compile_proposals",
    "resolve_state",
]

_MAX_LISTED = 5


class _OptionBits(Mapping[str, NDArray[np.bool_]]):
    """Truth value of every option over all ``2**n`` states, computed on first use."""

    def __init__(self, option_ids: tuple[str, ...]):
        self._position = {option: k for k, option in enumerate(option_ids)}
        self._states = np.arange(1 << len(option_ids), dtype=np.int64)
        self._cache: dict[str, NDArray[np.bool_]] = {}

    def __getitem__(self, name: str) -> NDArray[np.bool_]:
        if name not in self._cache:
            self._cache[name] = ((self._states >> self._position[name]) & 1).astype(bool)
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __len__(self) -> int:
        return len(self._position)

    @property
    def size(self) -> int:
        return len(self._states)


@dataclass
class _Context:
    """What compiling needs to hand around: option ids, their truth arrays, and the problems."""

    option_ids: tuple[str, ...]
    bits: _OptionBits
    problems: list[tuple[Path, str, str | None]]

    def report(self, path: Path, message: str, hint: str | None = None) -> None:
        self.problems.append((path, message, hint))

    def evaluate(self, statement: Statement, path: Path) -> NDArray[np.bool_] | None:
        """Parse and evaluate one statement; report and return ``None`` if it is broken."""
        try:
            expression: Expression = parse_expression(statement.expr)
            check_names(expression, self.option_ids, statement.expr)
        except ExpressionError as error:
            self.report(path, str(error), "expressions use option ids, not, and, or, ->, <->")
            return None
        value = expression.evaluate(self.bits)
        return np.broadcast_to(np.asarray(value, dtype=bool), (self.bits.size,))


def _listing(items: list[str], total: int | None = None) -> str:
    """The first few items, and how many more there are of ``total`` (default: all items)."""
    count = len(items) if total is None else total
    shown = ", ".join(items[:_MAX_LISTED])
    if count > _MAX_LISTED:
        shown += f" and {count - _MAX_LISTED} more"
    return shown


def compile_graph_model(
    document: ScenarioDocument, problems: list[tuple[Path, str, str | None]]
) -> GraphModel | None:
    """Compile ``document.graph_model``; append ``(path, message, hint)`` for every problem."""
    section = document.graph_model
    if section is None:
        return None
    base: Path = ("graph_model",)
    party_ids = [p.id for p in document.parties]
    option_ids = tuple(o.id for o in section.options)
    start = len(problems)
    _check_options(section, party_ids, problems)
    owners = [p for p in party_ids if any(o.party == p for o in section.options)]
    # An option assigned to an unknown party is probably a typo for a known one: do not also
    # complain that this party's preferences belong to nobody's options.
    orphans = any(o.party not in party_ids for o in section.options)
    check_dense_budget(len(option_ids), len(owners))
    context = _Context(option_ids, _OptionBits(option_ids), problems)

    feasible = np.ones(context.bits.size, dtype=bool)
    for k, rule in enumerate(section.infeasible):
        matched = context.evaluate(rule, (*base, "infeasible", k))
        if matched is not None:
            feasible &= ~matched
    states = np.flatnonzero(feasible).astype(np.int64)
    if len(problems) == start and len(states) == 0:
        context.report(
            (*base, "infeasible"),
            "no feasible state is left: the infeasibility rules remove every state",
            "check the rules for a condition that is always true",
        )

    for party in section.preferences:
        if party not in party_ids:
            context.report(
                (*base, "preferences", party),
                f"unknown party {party!r}",
                f"parties are: {', '.join(party_ids)}",
            )
        elif party not in owners and not orphans:
            context.report(
                (*base, "preferences", party),
                f"party {party!r} controls no option in the graph model",
                "give it an option or remove its preferences",
            )
    payoff: list[NDArray[np.int64]] = []
    for party in owners:
        spec = section.preferences.get(party)
        path = (*base, "preferences", party)
        if spec is None:
            context.report(
                (*base, "preferences"),
                f"party {party!r} has no preferences",
                "add a list of preference statements or a ranking for it",
            )
        else:
            payoff.append(_scores(spec, path, states, context))
    status_quo = _status_quo(section.status_quo, (*base, "status_quo"), states, context)
    if len(problems) > start:
        return None
    parties = {p.id: p for p in document.parties}
    return GraphModel.build(
        parties=[Party(p, parties[p].display_name) for p in owners],
        options=[Option(o.id, o.party, o.label or o.id, o.moves) for o in section.options],
        states=states,
        payoff=np.stack(payoff),
        title=document.title,
        status_quo=status_quo,
    )


def _scores(
    spec: tuple[Statement, ...] | RankingSpec,
    path: Path,
    states: NDArray[np.int64],
    context: _Context,
) -> NDArray[np.int64]:
    if isinstance(spec, RankingSpec):
        return _ranking_scores(spec, path, states, context)
    return _prioritisation_scores(spec, path, states, context)


def compile_perceptions(
    document: ScenarioDocument, model: GraphModel, problems: list[tuple[Path, str, str | None]]
) -> dict[str, GraphModel]:
    """The game as each perceiving party sees it (a first-level hypergame; Wang, Hipel &
    Fraser 1988): its own preferences are the true ones, the others' are what it believes
    (their true preferences where it states no belief)."""
    section = document.graph_model
    if section is None or not section.perceptions:
        return {}
    base: Path = ("graph_model", "perceptions")
    ids = [p.id for p in model.parties]
    context = _Context(
        tuple(o.id for o in model.options),
        _OptionBits(tuple(o.id for o in model.options)),
        problems,
    )
    games: dict[str, GraphModel] = {}
    for perceiver, beliefs in section.perceptions.items():
        if perceiver not in ids:
            context.report(
                (*base, perceiver),
                f"{perceiver!r} is not a party of the graph model",
                f"parties with options are: {', '.join(ids)}",
            )
            continue
        payoff = model.payoff.astype(np.int64)
        for perceived, spec in beliefs.items():
            where = (*base, perceiver, perceived)
            if perceived == perceiver:
                context.report(
                    where,
                    f"{perceiver!r} cannot misperceive its own preferences",
                    "its own preferences are under graph_model.preferences",
                )
            elif perceived not in ids:
                context.report(
                    where,
                    f"{perceived!r} is not a party of the graph model",
                    f"parties with options are: {', '.join(ids)}",
                )
            else:
                payoff[ids.index(perceived)] = _scores(spec, where, model.states, context)
        games[perceiver] = GraphModel.build(
            parties=model.parties,
            options=model.options,
            states=model.states,
            payoff=payoff,
            title=f"{model.title}, as {perceiver} sees it",
            status_quo=None if model.status_quo is None else int(model.states[model.status_quo]),
        )
    return games


def _check_options(
    section: GraphModelSection, party_ids: list[str], problems: list[tuple[Path, str, str | None]]
) -> None:
    seen: dict[str, int] = {}
    for k, option in enumerate(section.options):
        path: Path = ("graph_model", "options", k)
        if option.id in seen:
            problems.append(
                (
                    (*path, "id"),
                    f"option id {option.id!r} is used twice (also options[{seen[option.id]}])",
                    "give each option its own id",
                )
            )
        seen.setdefault(option.id, k)
        if option.party not in party_ids:
            problems.append(
                (
                    (*path, "party"),
                    f"option {option.id!r} belongs to unknown party {option.party!r}",
                    f"parties are: {', '.join(party_ids)}",
                )
            )
    owners = {o.party for o in section.options if o.party in party_ids}
    if not problems and len(owners) < 2:
        problems.append(
            (
                ("graph_model", "options"),
                "a graph model needs options for at least two parties",
                "add options for the other side",
            )
        )


def _prioritisation_scores(
    statements: tuple[Statement, ...], path: Path, states: NDArray[np.int64], context: _Context
) -> NDArray[np.int64]:
    """Scores of option prioritisation: statement k of P weighs 2**(P-1-k)
    (Fang, Hipel & Kilgour 1993, sec. 2.4; Hipel, Kilgour & Fang's decision support system)."""
    truths = [context.evaluate(s, (*path, k)) for k, s in enumerate(statements)]
    if any(t is None for t in truths) or len(states) == 0:
        return np.zeros(len(states), dtype=np.int64)
    columns = np.stack([t[states] for t in truths if t is not None], axis=1)
    if columns.shape[1] <= 62:
        weights = np.int64(1) << np.arange(columns.shape[1] - 1, -1, -1, dtype=np.int64)
        return np.asarray(columns.astype(np.int64) @ weights)
    # Beyond 62 statements the weights overflow int64: rank the truth vectors lexicographically.
    packed = np.packbits(columns, axis=1)
    keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, inverse = np.unique(keys, return_inverse=True)
    return inverse.astype(np.int64).ravel()


def _code_state(code: str, n_options: int) -> int | None:
    if len(code) != n_options or any(letter not in "YN" for letter in code):
        return None
    return sum(1 << k for k, letter in enumerate(code) if letter == "Y")


def _ranking_scores(
    spec: RankingSpec, path: Path, states: NDArray[np.int64], context: _Context
) -> NDArray[np.int64]:
    n = len(context.option_ids)
    scores = np.full(len(states), -1, dtype=np.int64)
    groups = len(spec.ranking)
    first_seen: dict[int, int] = {}
    for rank, entry in enumerate(spec.ranking):
        codes = (entry,) if isinstance(entry, str) else entry
        for code in codes:
            where = (*path, "ranking", rank)
            state = _code_state(code, n)
            if state is None:
                context.report(
                    where,
                    f"{code!r} is not a state code",
                    f"write {n} letters Y or N, one per option in order",
                )
                continue
            index = _find(states, state)
            if index is None:
                context.report(
                    where,
                    f"state {code} is not feasible",
                    "remove it from the ranking or from the infeasibility rules",
                )
            elif state in first_seen:
                context.report(
                    where,
                    f"state {code} is ranked twice (also at ranking[{first_seen[state]}])",
                    "keep one",
                )
            else:
                first_seen[state] = rank
                scores[index] = groups - rank
    missing = np.flatnonzero(scores < 0)
    if len(missing) and len(states):
        codes_missing = codes_of(states[missing[: _MAX_LISTED + 1]], n)
        context.report(
            (*path, "ranking"),
            f"the ranking misses {len(missing)} feasible state(s): "
            f"{_listing(codes_missing, len(missing))}",
            "rank every feasible state",
        )
    return scores


def _find(states: NDArray[np.int64], state: int) -> int | None:
    index = int(np.searchsorted(states, state))
    return index if index < len(states) and states[index] == state else None


def _status_quo(
    pattern: str | None, path: Path, states: NDArray[np.int64], context: _Context
) -> int | None:
    if pattern is None or len(states) == 0:
        return None
    return _match_state(pattern, path, states, context, "status quo")


def _match_state(
    text: str, path: Path, states: NDArray[np.int64], context: _Context, what: str
) -> int | None:
    """The one feasible state described by ``text``: a code, a code with ``-`` for "either",
    or a logical expression over options."""
    n = len(context.option_ids)
    if len(text) == n and all(letter in "YN-" for letter in text):
        care = sum(1 << k for k, letter in enumerate(text) if letter != "-")
        value = sum(1 << k for k, letter in enumerate(text) if letter == "Y")
        matches = states[(states & care) == value]
    else:
        truth = context.evaluate(Statement(expr=text), path)
        if truth is None:
            return None
        matches = states[truth[states]]
    if len(matches) == 0:
        context.report(
            path,
            f"{what} {text} matches no feasible state",
            "it is removed by an infeasibility rule; fix it or the rules",
        )
        return None
    if len(matches) > 1:
        shown = _listing(codes_of(matches[: _MAX_LISTED + 1], n), len(matches))
        context.report(
            path,
            f"{what} {text} is ambiguous: it matches {len(matches)} feasible states ({shown})",
            "say more: replace a - by Y or N, or add conditions to the expression",
        )
        return None
    return int(matches[0])


@dataclass(frozen=True)
class Proposal:
    """A salient state named in the scenario (an offer on the table, a feared outcome)."""

    id: str
    label: str
    state: int
    by: str | None


def compile_proposals(
    document: ScenarioDocument, model: GraphModel, problems: list[tuple[Path, str, str | None]]
) -> tuple[Proposal, ...]:
    """Resolve ``graph_model.proposals`` to feasible states of ``model``."""
    section = document.graph_model
    if section is None:
        return ()
    ids = tuple(o.id for o in model.options)
    context = _Context(ids, _OptionBits(ids), problems)
    parties = [p.id for p in model.parties]
    found = []
    seen: set[str] = set()
    for k, spec in enumerate(section.proposals):
        path: Path = ("graph_model", "proposals", k)
        if spec.id in seen:
            context.report((*path, "id"), f"proposal id {spec.id!r} is used twice", None)
        seen.add(spec.id)
        if spec.by is not None and spec.by not in parties:
            context.report(
                (*path, "by"),
                f"{spec.by!r} is not a party of the graph model",
                f"parties with options are: {', '.join(parties)}",
            )
        state = _match_state(spec.state, (*path, "state"), model.states, context, "proposal")
        if state is not None:
            found.append(Proposal(spec.id, spec.label or spec.id, state, spec.by))
    return tuple(found)


def resolve_state(model: GraphModel, text: str) -> int:
    """The one feasible state number described by ``text`` (a code, a code with ``-``, or an
    expression over options); :class:`ScenarioError` when it matches none or several."""
    ids = tuple(o.id for o in model.options)
    problems: list[tuple[Path, str, str | None]] = []
    state = _match_state(text, (), model.states, _Context(ids, _OptionBits(ids), problems), "state")
    if state is None:
        raise ScenarioError([Problem("", message, hint) for _, message, hint in problems])
    return state
