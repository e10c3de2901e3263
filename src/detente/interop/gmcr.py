"""Import GMCR+ (gmcr-py) ``.gmcr`` files as ``detente/1`` scenarios.

A ``.gmcr`` file is JSON: ``options`` (``{name, permittedDirection}`` with ``both``, ``fwd`` or
``back``), ``decisionMakers`` (``{name, options, preferences, preferenceRanking}``, options as
indices into ``options``), ``infeasibles`` and a flag ``useManualPreferenceRanking`` (older
files: ``useManualPreferenceVectors`` with ``preferenceVector``). A *condition* is a conjunction
``[[option, "Y" | "N"], ...]`` or ``{"compound": true, "members": [conjunction, ...]}``, their
disjunction. GMCR+ orders the options by decision maker and numbers each feasible state by the
1-based position of its code (option k = bit k) among the feasible codes sorted ascending; its
manual rankings list those numbers, best first, ties as nested lists. GMCR+ is described in
Kinsara, Petersons, Hipel & Kilgour (2015), "Advanced decision support for the graph model for
conflict resolution", Journal of Decision Systems 24(2); its source is at
https://github.com/onp/gmcr-py.

GMCR+ itself writes only ``"Y"``/``"N"`` (its editor drops "either" before saving), only simple
infeasible conditions, and silently drops a preference statement equal to an earlier one, which
shifts the priority weights; this importer does the same and refuses anything it could not read
exactly. Misperceptions (hypergame views) and coalition groupings have no ``detente/1`` field and
are mentioned in the summary instead.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np
import yaml

from detente.errors import Problem, ScenarioError
from detente.graph_model.model import code_of
from detente.interop.ids import unique_id

__all__ = ["gmcr_to_scenario", "import_gmcr", "read_gmcr", "scenario_yaml"]

_MOVES = {"both": "both", "fwd": "forward", "back": "backward"}
_KEYWORDS = frozenset({"true", "false", "not", "and", "or", "implies", "iff"})
#: Above this many options the 2**n candidate states are not enumerated.
_MAX_ENUMERATED = 20

Conjunction = tuple[tuple[int, bool], ...]  # (index into the file's options, taken)
Condition = tuple[Conjunction, ...]  # a disjunction of conjunctions


@dataclass(frozen=True)
class _Model:
    names: tuple[str, ...]  # options, in file order
    moves: tuple[str, ...]
    dm_names: tuple[str, ...]
    order: tuple[int, ...]  # file index of scenario option k (the GMCR+ DM-ordered bit k)
    owner: tuple[int, ...]  # owning DM of each file option
    infeasibles: tuple[Condition, ...]
    preferences: tuple[tuple[Condition, ...], ...]
    dropped: int  # duplicate preference statements dropped, as GMCR+ does
    feasible: tuple[int, ...]  # feasible states in scenario bit order, ascending
    rankings: tuple[list[list[int]], ...] | None  # GMCR+ state numbers, best first


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


class _Reader:
    """Walks the raw JSON, collecting every problem with its JSON path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(where, message, hint))

    def get(self, obj: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
        at = f"{where}.{key}" if where else key
        if key not in obj:
            self.fail(at, "is missing")
            return None
        if not isinstance(obj[key], kind):
            self.fail(at, f"must be a {'list' if kind is list else 'string'}")
            return None
        return obj[key]

    def index(self, value: object, where: str, n: int) -> bool:
        if _is_int(value) and 0 <= value < n:
            return True
        self.fail(where, f"must be an option index from 0 to {n - 1}, got {value!r}")
        return False

    def conjunction(self, value: object, where: str, n: int) -> Conjunction | None:
        if not isinstance(value, list):
            self.fail(where, 'must be a list of [option index, "Y" or "N"] pairs')
            return None
        literals: dict[int, bool] = {}
        ok = True
        for j, pair in enumerate(value):
            at = f"{where}[{j}]"
            if not (isinstance(pair, list) and len(pair) == 2):
                self.fail(at, 'must be a pair [option index, "Y" or "N"]')
                ok = False
                continue
            good_index = self.index(pair[0], f"{at}[0]", n)
            if pair[1] not in ("Y", "N"):
                hint = (
                    "GMCR+ never stores '-' (either): leave the option out of the condition"
                    if pair[1] == "-"
                    else "GMCR+ only matches upper-case Y and N"
                )
                self.fail(f"{at}[1]", f'must be "Y" or "N", got {pair[1]!r}', hint)
                ok = False
            elif good_index and literals.setdefault(pair[0], pair[1] == "Y") != (pair[1] == "Y"):
                self.fail(where, f"option {pair[0]} is required both taken and not taken")
                ok = False
            ok = ok and good_index
        return tuple(literals.items()) if ok else None

    def condition(self, value: object, where: str, n: int) -> Condition | None:
        if isinstance(value, list):
            single = self.conjunction(value, where, n)
            return None if single is None else (single,)
        if isinstance(value, Mapping) and value.get("compound") is True:
            members = value.get("members")
            if not isinstance(members, list):
                self.fail(f"{where}.members", "must be a list of conjunctions")
                return None
            parts = [self.conjunction(m, f"{where}.members[{i}]", n) for i, m in enumerate(members)]
            return None if None in parts else tuple(p for p in parts if p is not None)
        self.fail(where, 'must be a list of pairs or {"compound": true, "members": [...]}')
        return None

    def ranking(self, value: object, where: str, count: int) -> list[list[int]]:
        if not isinstance(value, list):
            problem = "is missing" if value is None else "must be a list of state numbers"
            self.fail(where, problem, "the file sets useManualPreferenceRanking")
            return []
        groups: list[list[int]] = []
        seen: set[int] = set()
        for i, entry in enumerate(value):
            group = entry if isinstance(entry, list) else [entry]
            for number in group:
                if not (_is_int(number) and 1 <= number <= count):
                    self.fail(f"{where}[{i}]", f"no feasible state number {number!r} (1..{count})")
                elif number in seen:
                    self.fail(f"{where}[{i}]", f"state {number} is ranked twice")
                seen.add(number)
            if group:  # GMCR+ passes over an empty tie group
                groups.append(group)
        if missing := sorted(set(range(1, count + 1)) - seen):
            self.fail(where, f"states {missing} are missing", "GMCR+ needs every feasible state")
        return groups


def _parse(data: object) -> _Model:
    r = _Reader()
    if not isinstance(data, Mapping):
        raise ScenarioError([Problem("", "a GMCR+ file holds one JSON object")])
    options = r.get(data, "options", list, "") or []
    names = [f"option {i}" for i in range(len(options))]
    moves = ["both"] * len(options)
    for i, option in enumerate(options):
        if not isinstance(option, Mapping):
            r.fail(f"options[{i}]", "must be an object with name and permittedDirection")
            continue
        names[i] = r.get(option, "name", str, f"options[{i}]") or names[i]
        direction = r.get(option, "permittedDirection", str, f"options[{i}]")
        if direction is not None and direction not in _MOVES:
            r.fail(f"options[{i}].permittedDirection", f"must be both, fwd or back: {direction!r}")
        moves[i] = _MOVES.get(direction, "both")
    n = len(names)
    flag_key = "useManualPreferenceVectors"
    if "useManualPreferenceRanking" in data or flag_key not in data:
        flag_key = "useManualPreferenceRanking"
    manual = data.get(flag_key, False)
    if not isinstance(manual, bool):
        r.fail(flag_key, "must be true or false")
    dms = r.get(data, "decisionMakers", list, "") or []
    dm_names: list[str] = []
    order: list[int] = []  # GMCR+ puts options in decision-maker order before numbering states
    owners: dict[int, list[int]] = {}
    preferences: list[list[Condition]] = []
    raw_rankings: list[tuple[str, object]] = []
    for d, dm in enumerate(dms):
        at = f"decisionMakers[{d}]"
        dm_names.append(f"decision maker {d + 1}")
        if not isinstance(dm, Mapping):
            r.fail(at, "must be an object with name, options and preferences")
            continue
        dm_names[d] = r.get(dm, "name", str, at) or dm_names[d]
        for j, index in enumerate(r.get(dm, "options", list, at) or []):
            if r.index(index, f"{at}.options[{j}]", n) and d not in owners.get(index, []):
                owners.setdefault(index, []).append(d)
                order.append(index)
        parsed = [
            r.condition(p, f"{at}.preferences[{k}]", n)
            for k, p in enumerate(r.get(dm, "preferences", list, at) or [])
        ]
        preferences.append([s for s in parsed if s is not None])
        present = [k for k in ("preferenceRanking", "preferenceVector") if k in dm]
        old = flag_key == "useManualPreferenceVectors"
        key = present[0] if present else ("preferenceVector" if old else "preferenceRanking")
        raw_rankings.append((f"{at}.{key}", dm.get(key)))
    for key, value in (("options", options), ("decisionMakers", dms)):
        if key in data and not value:
            r.fail(key, "is empty")
    for i in range(n):
        held = owners.get(i, [])
        if len(held) != 1:
            who = " and ".join(dm_names[d] for d in held) or "no decision maker"
            hint = "each option must appear in exactly one decision maker's options"
            r.fail(f"options[{i}]", f"option {names[i]!r} belongs to {who}", hint)
    infeasibles: list[Condition] = []
    for k, raw in enumerate(r.get(data, "infeasibles", list, "") or []):
        condition = r.condition(raw, f"infeasibles[{k}]", n)
        if condition is not None and () in condition:
            r.fail(f"infeasibles[{k}]", "an empty condition would remove every state")
        elif condition is not None:
            infeasibles.append(condition)
    if r.problems:
        raise ScenarioError(r.problems)
    position = {index: k for k, index in enumerate(order)}
    feasible: tuple[int, ...] = ()
    if n <= _MAX_ENUMERATED:
        feasible = _feasible_states(n, infeasibles, position)
        if not feasible:
            r.fail("infeasibles", "no feasible state remains")
    elif manual:
        r.fail("options", f"{n} options are too many to map a ranking ({_MAX_ENUMERATED} at most)")
    rankings = None
    if manual and feasible:
        rankings = tuple(r.ranking(raw, at, len(feasible)) for at, raw in raw_rankings)
    if r.problems:
        raise ScenarioError(r.problems)
    kept: list[tuple[Condition, ...]] = []
    for statements in preferences:
        first: dict[Any, Condition] = {}
        for statement in statements:  # GMCR+ ignores a condition equal to an earlier one
            first.setdefault(_name(statement), statement)
        kept.append(tuple(first.values()))
    return _Model(
        names=tuple(names),
        moves=tuple(moves),
        dm_names=tuple(dm_names),
        order=tuple(order),
        owner=tuple(owners[i][0] for i in range(n)),
        infeasibles=tuple(infeasibles),
        preferences=tuple(kept),
        dropped=sum(map(len, preferences)) - sum(map(len, kept)),
        feasible=feasible,
        rankings=rankings,
    )


def _name(condition: Condition) -> tuple[tuple[tuple[int, bool], ...], ...]:
    """What GMCR+ compares to spot a repeated condition (its sorted Y/N/- patterns)."""
    return tuple(sorted(tuple(sorted(conjunction)) for conjunction in condition))


def _feasible_states(
    n: int, infeasibles: list[Condition], position: Mapping[int, int]
) -> tuple[int, ...]:
    """States (scenario bit order) matched by no infeasible condition, ascending, as GMCR+."""
    states = np.arange(1 << n, dtype=np.int64)
    keep = np.ones(len(states), dtype=bool)
    for conjunction in (c for condition in infeasibles for c in condition):
        hit = np.ones(len(states), dtype=bool)
        for index, taken in conjunction:
            hit &= ((states >> position[index]) & 1) == int(taken)
        keep &= ~hit
    return tuple(int(s) for s in states[keep])


def _expression(condition: Condition, ids: Mapping[int, str]) -> str:
    parts = [
        " and ".join(ids[i] if taken else f"not {ids[i]}" for i, taken in c) or "true"
        for c in condition
    ]
    if len(parts) == 1:
        return parts[0]
    return " or ".join(f"({p})" if " and " in p else p for p in parts) or "false"


def _pattern(condition: Condition, model: _Model) -> str:
    """The condition in GMCR+'s Y/N/- notation (scenario option order), for ``because``."""
    patterns = []
    for conjunction in condition:
        letters = {g: "Y" if taken else "N" for g, taken in conjunction}
        patterns.append("".join(letters.get(g, "-") for g in model.order))
    kind = "compound condition" if len(patterns) != 1 else "condition"
    return f"Imported from GMCR+ {kind} {', '.join(patterns) or '(empty)'}"


def gmcr_to_scenario(
    data: Mapping[str, Any], *, title: str | None = None, file_name: str | None = None
) -> dict[str, Any]:
    """Convert a GMCR+ conflict (the JSON of a ``.gmcr`` file) into a ``detente/1`` mapping.

    Scenario option ``k`` is GMCR+'s option bit ``k`` (options ordered by decision maker), so
    state codes agree with GMCR+'s; infeasible conditions and preference statements become
    expressions in the same order, and manual rankings become state codes.

    Raises
    ------
    ScenarioError
        Listing every problem in ``data``, located by JSON path.
    """
    model = _parse(data)
    used: set[str] = set()
    party_ids = [unique_id(name, used, "party", length=30) for name in model.dm_names]
    ids = {g: unique_id(model.names[g], used, "option", length=30) for g in model.order}
    options: list[dict[str, str]] = []
    for g in model.order:
        option = {"id": ids[g], "party": party_ids[model.owner[g]], "label": model.names[g]}
        if model.moves[g] != "both":
            option["moves"] = model.moves[g]
        options.append(option)
    preferences: dict[str, Any] = {}
    for d, pid in enumerate(party_ids):
        if model.rankings is not None:
            codes = [
                [code_of(model.feasible[s - 1], len(ids)) for s in g] for g in model.rankings[d]
            ]
            numbers = ", ".join(str(g[0]) if len(g) == 1 else str(g) for g in model.rankings[d])
            preferences[pid] = {
                "ranking": [c[0] if len(c) == 1 else c for c in codes],
                "because": f"Imported from GMCR+ ranking of feasible-state numbers {numbers}",
            }
        else:
            preferences[pid] = [
                {"expr": _expression(s, ids), "because": _pattern(s, model)}
                for s in model.preferences[d]
            ]
    name = file_name or "a GMCR+ file"
    counts = f"{len(party_ids)} decision makers, {len(ids)} options"
    if model.feasible:
        counts += f", {len(model.feasible)} feasible states"
    how = "explicit rankings" if model.rankings is not None else "option prioritisation"
    summary = f"Imported from {name}: {counts}; preferences by {how}."
    if model.dropped:
        summary += f" {model.dropped} repeated preference statement(s) dropped, as GMCR+ does."
    views = [dm.get("name", "?") for dm in data["decisionMakers"] if dm.get("misperceptions")]
    if views:
        summary += f" Misperceptions of {', '.join(map(str, views))} were not imported."
    coalitions = data.get("coalitions")
    if isinstance(coalitions, list) and any(isinstance(c, list) and len(c) > 1 for c in coalitions):
        summary += " GMCR+ coalitions were not imported."
    program = " ".join(str(data[k]) for k in ("program", "version") if k in data) or "GMCR+"
    return {
        "format": "detente/1",
        "title": title or (Path(file_name).stem if file_name else "Imported GMCR+ model"),
        "summary": summary,
        "sources": [
            {
                "id": "gmcr-import",
                "title": f"GMCR+ model {name}",
                "url": "https://github.com/onp/gmcr-py",
                "note": f"Converted by detente from a file saved by {program}.",
            }
        ],
        "parties": [{"id": p, "name": n} for p, n in zip(party_ids, model.dm_names, strict=True)],
        "graph_model": {
            "options": options,
            "infeasible": [
                {"expr": _expression(c, ids), "because": _pattern(c, model)}
                for c in model.infeasibles
            ],
            "preferences": preferences,
        },
    }


def read_gmcr(path_or_text: str | os.PathLike[str]) -> dict[str, Any]:
    """Read and check a ``.gmcr`` file (a path, or the JSON text itself) and return its JSON.

    Raises
    ------
    ScenarioError
        If the file cannot be read, is not JSON (with line and column), or is not a GMCR+
        conflict that can be imported exactly (every problem, located by JSON path).
    """
    text = str(path_or_text) if not isinstance(path_or_text, os.PathLike) else ""
    source = "<text>"
    if not text.lstrip().startswith(("{", "[")):
        path = Path(path_or_text)
        source = path.name
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not UTF-8 text"
            raise ScenarioError([Problem("", f"cannot read: {reason}")], source) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        message = f"not valid JSON: {error.msg} at column {error.colno}"
        problem = Problem("", message, "GMCR+ saves JSON; was the file edited?", error.lineno)
        raise ScenarioError([problem], source) from None
    try:
        _parse(data)
    except ScenarioError as error:
        raise ScenarioError(error.problems, source) from None
    return dict(data)


class _Dumper(yaml.SafeDumper):
    """Block style, except that lists of state codes (rankings) stay on one line."""


def _represent_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.Node:
    codes = all(isinstance(i, str | list) for i in items) and not any(
        isinstance(i, list) and not all(isinstance(j, str) for j in i) for i in items
    )
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=codes)


_Dumper.add_representer(list, _represent_list)


def scenario_yaml(scenario: Mapping[str, Any]) -> str:
    """A scenario mapping as block-style YAML text, keys in the format's order."""
    return yaml.dump(dict(scenario), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def import_gmcr(path: str | os.PathLike[str], out_path: str | os.PathLike[str]) -> dict[str, Any]:
    """Convert the ``.gmcr`` file at ``path`` into a ``detente/1`` YAML file; return the mapping."""
    scenario = gmcr_to_scenario(read_gmcr(Path(path)), file_name=Path(path).name)
    Path(out_path).write_text(scenario_yaml(scenario), encoding="utf-8")
    return scenario
