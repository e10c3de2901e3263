"""Hypothesis strategies for graph models and ``detente/1`` scenario documents.

Shared by every test that needs random conflicts. Nothing here uses the project's expression
parser or scenario loader: :func:`scenario_documents` builds its expressions as small trees of
tuples, renders them to text and evaluates them with plain Python booleans, so a test can check
what the loader compiled against what was meant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from hypothesis import strategies as st

from detente.graph_model.model import Direction, GraphModel, Option, code_of

__all__ = [
    "MOVES",
    "Expr",
    "ScenarioCase",
    "evaluate",
    "expressions",
    "graph_models",
    "render",
    "scenario_documents",
]

#: Weighted so that most options move freely and some are irreversible.
MOVES: tuple[str, ...] = ("both", "both", "both", "forward", "backward")

# An expression tree: ("var", k) | ("const", bool) | ("not", e) | (op, left, right) with op one
# of "and", "or", "implies", "iff".
Expr = tuple[Any, ...]

_BINARY = ("and", "or", "implies", "iff")
_SPELLINGS: dict[str, tuple[str, str]] = {
    "not": ("not", "!"),
    "and": ("and", "&"),
    "or": ("or", "|"),
    "implies": ("implies", "->"),
    "iff": ("iff", "<->"),
}
# Tightest first, as in the detente/1 expression grammar.
_PRECEDENCE = {"not": 4, "and": 3, "or": 2, "implies": 1, "iff": 0}


# -- graph models ----------------------------------------------------------------------------


def _owners(draw: st.DrawFn, n_parties: int, n_options: int) -> list[int]:
    """Owner of each option, every party owning at least one, in a drawn order."""
    extra = draw(
        st.lists(
            st.integers(0, n_parties - 1),
            min_size=n_options - n_parties,
            max_size=n_options - n_parties,
        )
    )
    owners = list(range(n_parties)) + extra
    return list(draw(st.permutations(owners)))


def _feasible_states(draw: st.DrawFn, n_options: int) -> list[int]:
    """A non-empty subset of the 2^n states: all of them, most of them, about half, or few."""
    size = 1 << n_options
    every = st.integers(0, size - 1)
    mode = draw(st.sampled_from(("all", "dense", "half", "sparse")))
    if mode == "all":
        return list(range(size))
    if mode == "dense":
        removed = draw(st.sets(every, max_size=max(1, size // 4)))
        kept = [s for s in range(size) if s not in removed]
        return kept or [draw(every)]
    if mode == "half":
        flags = draw(st.lists(st.booleans(), min_size=size, max_size=size))
        kept = [s for s in range(size) if flags[s]]
        return kept or [draw(every)]
    return sorted(draw(st.sets(every, min_size=1, max_size=max(1, min(size, 12)))))


@st.composite
def graph_models(
    draw: st.DrawFn,
    min_parties: int = 2,
    max_parties: int = 4,
    min_options: int = 2,
    max_options: int = 10,
) -> GraphModel:
    """Random graph models built with :meth:`GraphModel.build`.

    2-4 parties, 2-10 options (each party owns at least one, owners interleaved), options mostly
    free to move and some ``forward``/``backward``, a non-empty feasible subset of the states
    (sometimes all of them, sometimes sparse), and payoffs drawn from small integer ranges so that
    ties are common (sometimes a wide range, for near-strict orders).
    """
    n_parties = draw(st.integers(min_parties, max_parties))
    n_options = draw(st.integers(max(min_options, n_parties), max(max_options, n_parties)))
    owners = _owners(draw, n_parties, n_options)
    moves = draw(st.lists(st.sampled_from(MOVES), min_size=n_options, max_size=n_options))
    options = [
        Option(f"o{k}", f"p{owners[k]}", f"option {k}", cast(Direction, moves[k]))
        for k in range(n_options)
    ]
    states = _feasible_states(draw, n_options)
    payoff = []
    for _ in range(n_parties):
        top = draw(st.sampled_from((1, 2, 3, 5, 1000)))
        payoff.append(
            draw(st.lists(st.integers(0, top), min_size=len(states), max_size=len(states)))
        )
    return GraphModel.build(
        [f"p{i}" for i in range(n_parties)], options, states, payoff, title="random"
    )


# -- expressions -----------------------------------------------------------------------------


def expressions(n_options: int, max_leaves: int = 6) -> st.SearchStrategy[Expr]:
    """Random expression trees over option indices ``0 .. n_options-1``."""
    leaves = st.one_of(
        st.tuples(st.just("var"), st.integers(0, n_options - 1)),
        st.tuples(st.just("var"), st.integers(0, n_options - 1)),
        st.tuples(st.just("const"), st.booleans()),
    )

    def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
        return st.one_of(
            st.tuples(st.just("not"), children),
            st.tuples(st.sampled_from(_BINARY), children, children),
        )

    return st.recursive(leaves, extend, max_leaves=max_leaves)


def evaluate(expr: Expr, state: int) -> bool:
    """Truth of ``expr`` in ``state`` (bit ``k`` set when option ``k`` is taken)."""
    kind = expr[0]
    if kind == "var":
        return bool((state >> expr[1]) & 1)
    if kind == "const":
        return bool(expr[1])
    if kind == "not":
        return not evaluate(expr[1], state)
    left, right = evaluate(expr[1], state), evaluate(expr[2], state)
    if kind == "and":
        return left and right
    if kind == "or":
        return left or right
    if kind == "implies":
        return (not left) or right
    if kind == "iff":
        return left == right
    raise ValueError(f"unknown expression node {kind!r}")


def render(draw: st.DrawFn, expr: Expr, names: list[str]) -> str:
    """Text of ``expr`` with drawn operator spellings, spacing and parentheses.

    Parentheses are either everywhere or only where precedence needs them (``and``, ``or`` and
    ``iff`` are associative as truth functions, so a chain of one of them needs none; ``implies``
    is right-associative, so only an ``implies`` on its left needs them), plus some redundant ones.
    """
    full = draw(st.booleans())

    def text(node: Expr) -> str:
        kind = node[0]
        if kind == "var":
            out = names[node[1]]
        elif kind == "const":
            out = "true" if node[1] else "false"
        elif kind == "not":
            word = draw(st.sampled_from(_SPELLINGS["not"]))
            inner = text(node[1])
            if full or node[1][0] in _BINARY:
                inner = f"({inner})"
            out = f"{word} {inner}" if word == "not" else f"!{inner}"
        else:
            left, right = text(node[1]), text(node[2])
            if full or _needs_parens(kind, node[1], is_left=True):
                left = f"({left})"
            if full or _needs_parens(kind, node[2], is_left=False):
                right = f"({right})"
            word = draw(st.sampled_from(_SPELLINGS[kind]))
            gap = " " if word.isalpha() or draw(st.booleans()) else ""
            out = f"{left}{gap}{word}{gap}{right}"
        if draw(st.integers(0, 9)) == 0:
            out = f"({out})"
        return out

    return text(expr)


def _needs_parens(parent: str, child: Expr, is_left: bool) -> bool:
    kind = child[0]
    if kind not in _BINARY:
        return False
    if _PRECEDENCE[kind] < _PRECEDENCE[parent]:
        return True
    if kind == parent:
        return parent == "implies" and is_left
    return False


# -- scenario documents ----------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioCase:
    """A random ``detente/1`` document and what it should compile to.

    Attributes
    ----------
    document
        The scenario mapping, ready for ``load_scenario_data``.
    party_ids, option_ids
        In document order.
    moves
        Each option's ``moves`` (``both`` when the document omits it).
    feasible
        The feasible state numbers, ascending, from evaluating the infeasibility rules.
    scores
        For each party id, a score per feasible state number: higher is better, equal is a tie.
        For option prioritisation the sum of the weights ``2^(P-1-k)`` of satisfied statements;
        for an explicit ranking minus the position of the state's group in the ranking.
    kind
        For each party id, ``"prioritisation"`` or ``"ranking"``.
    status_quo
        The status quo state number, if the document gives one.
    """

    document: Mapping[str, Any]
    party_ids: tuple[str, ...]
    option_ids: tuple[str, ...]
    moves: tuple[str, ...]
    feasible: tuple[int, ...]
    scores: Mapping[str, Mapping[int, int]]
    kind: Mapping[str, str]
    status_quo: int | None


def _statement(draw: st.DrawFn, text: str) -> Any:
    """A statement or rule as a plain string or as a mapping with a reason."""
    if draw(st.booleans()):
        return text
    return {"expr": text, "because": "generated for a property test"}


@st.composite
def scenario_documents(
    draw: st.DrawFn,
    min_parties: int = 2,
    max_parties: int = 4,
    max_options: int = 10,
    max_rules: int = 3,
    max_statements: int = 5,
) -> ScenarioCase:
    """Random ``detente/1`` scenario mappings with their expected compilation.

    2-4 parties, up to 10 options (at least one per party), random infeasibility rules, and for
    each party either option prioritisation (random statements) or an explicit ranking of the
    feasible codes, shuffled, with some ties as nested lists. Rules that would leave no feasible
    state are dropped.
    """
    n_parties = draw(st.integers(min_parties, max_parties))
    n_options = draw(st.integers(n_parties, max(max_options, n_parties)))
    party_ids = [f"d{i}" for i in range(n_parties)]
    option_ids = [f"opt{k}" for k in range(n_options)]
    owners = _owners(draw, n_parties, n_options)
    moves = draw(st.lists(st.sampled_from(MOVES), min_size=n_options, max_size=n_options))
    exprs = expressions(n_options)

    options_doc: list[dict[str, Any]] = []
    for k in range(n_options):
        entry: dict[str, Any] = {
            "id": option_ids[k],
            "party": party_ids[owners[k]],
            "label": f"Option {k}",
        }
        if moves[k] != "both" or draw(st.booleans()):
            entry["moves"] = moves[k]
        options_doc.append(entry)

    all_states = range(1 << n_options)
    feasible = list(all_states)
    rules: list[Any] = []
    for tree in draw(st.lists(exprs, max_size=max_rules)):
        remaining = [s for s in feasible if not evaluate(tree, s)]
        if remaining:
            feasible = remaining
            rules.append(_statement(draw, render(draw, tree, option_ids)))

    preferences: dict[str, Any] = {}
    scores: dict[str, dict[int, int]] = {}
    kind: dict[str, str] = {}
    for party in party_ids:
        if draw(st.booleans()):
            trees = draw(st.lists(exprs, min_size=1, max_size=max_statements))
            weights = [1 << (len(trees) - 1 - k) for k in range(len(trees))]
            preferences[party] = [_statement(draw, render(draw, t, option_ids)) for t in trees]
            scores[party] = {
                s: sum(w for w, t in zip(weights, trees, strict=True) if evaluate(t, s))
                for s in feasible
            }
            kind[party] = "prioritisation"
        else:
            order = draw(st.permutations(feasible))
            # Mostly strict, sometimes a state is tied with the one after it.
            groups: list[list[int]] = [[]]
            for position, state in enumerate(order):
                groups[-1].append(state)
                if position < len(order) - 1 and draw(st.integers(0, 4)) > 0:
                    groups.append([])
            ranking: list[Any] = []
            scores[party] = {}
            for rank, group in enumerate(groups):
                codes = [code_of(s, n_options) for s in group]
                if len(codes) == 1 and draw(st.integers(0, 3)) > 0:
                    ranking.append(codes[0])
                else:
                    ranking.append(codes)
                for s in group:
                    scores[party][s] = -rank
            preferences[party] = {"ranking": ranking}
            kind[party] = "ranking"

    graph_model: dict[str, Any] = {
        "options": options_doc,
        "infeasible": rules,
        "preferences": preferences,
    }
    status_quo: int | None = None
    if draw(st.booleans()):
        status_quo = draw(st.sampled_from(feasible))
        graph_model["status_quo"] = code_of(status_quo, n_options)

    document: dict[str, Any] = {
        "format": "detente/1",
        "title": "Random conflict",
        "summary": "Generated by a property test.",
        "parties": [{"id": p, "name": f"Party {p}"} for p in party_ids],
        "graph_model": graph_model,
    }
    return ScenarioCase(
        document=document,
        party_ids=tuple(party_ids),
        option_ids=tuple(option_ids),
        moves=tuple(moves),
        feasible=tuple(feasible),
        scores=scores,
        kind=kind,
        status_quo=status_quo,
    )
