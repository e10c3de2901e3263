"""Tests for the logical expression language of infeasibility rules and preference statements."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.errors import ExpressionError
from detente.expressions import (
    And,
    Constant,
    Expression,
    Iff,
    Implies,
    Name,
    Not,
    Or,
    check_names,
    parse_expression,
)

a, b, c, d, e = (Name(x) for x in "abcde")
TRUE, FALSE = Constant(True), Constant(False)


# --- precedence and associativity -------------------------------------------------------------

PRECEDENCE_CASES = [
    ("not a and b", And(Not(a), b)),
    ("not (a and b)", Not(And(a, b))),
    ("a or b and c", Or(a, And(b, c))),
    ("a and b or c", Or(And(a, b), c)),
    ("a and b and c", And(And(a, b), c)),
    ("a or b or c", Or(Or(a, b), c)),
    ("a iff b iff c", Iff(Iff(a, b), c)),
    ("a -> b -> c", Implies(a, Implies(b, c))),
    ("(a -> b) -> c", Implies(Implies(a, b), c)),
    ("a <-> b -> c", Iff(a, Implies(b, c))),
    ("a -> b <-> c", Iff(Implies(a, b), c)),
    ("a | b -> c & d", Implies(Or(a, b), And(c, d))),
    ("a or b implies c", Implies(Or(a, b), c)),
    ("a iff b implies c or d and not e", Iff(a, Implies(b, Or(c, And(d, Not(e)))))),
    ("not a -> b", Implies(Not(a), b)),
    ("!!a", Not(Not(a))),
    ("not not a or b", Or(Not(Not(a)), b)),
    ("a and (b or c)", And(a, Or(b, c))),
    ("((a))", a),
    ("true and not false", And(TRUE, Not(FALSE))),
    ("a -> b -> c -> d", Implies(a, Implies(b, Implies(c, d)))),
    ("a <-> b <-> c -> d -> e", Iff(Iff(a, b), Implies(c, Implies(d, e)))),
]


@pytest.mark.parametrize(
    ("text", "expected"), PRECEDENCE_CASES, ids=[t for t, _ in PRECEDENCE_CASES]
)
def test_precedence_and_associativity(text: str, expected: Expression) -> None:
    assert parse_expression(text) == expected


@pytest.mark.parametrize(
    ("words", "symbols"),
    [
        ("a and b or not c implies d iff e", "a & b | !c -> d <-> e"),
        ("not (a or b) iff c", "!(a|b)<->c"),
        ("a implies b implies c", "a->b->c"),
        ("a and not b", "a&!b"),
    ],
)
def test_symbol_and_word_forms_are_equivalent(words: str, symbols: str) -> None:
    assert parse_expression(words) == parse_expression(symbols)
    assert str(parse_expression(symbols)) == str(parse_expression(words))


def test_whitespace_is_insignificant() -> None:
    assert parse_expression("  a\tand\n(b  ->c) ") == And(a, Implies(b, c))


# --- identifiers ------------------------------------------------------------------------------


IDENTIFIERS = ["x1", "_a", "opt_2", "us.army", "us-army", "a.b-c_d", "A", "B2B", "x-1.y_2", "a--b"]
KEYWORD_PREFIXED = ["andy", "nota", "or_else", "iffy", "true_", "falsehood", "implies_x", "not-a"]


@pytest.mark.parametrize("identifier", [*IDENTIFIERS, *KEYWORD_PREFIXED])
def test_identifiers(identifier: str) -> None:
    assert parse_expression(identifier) == Name(identifier)
    assert parse_expression(f"!{identifier} & y") == And(Not(Name(identifier)), Name("y"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a-b->c", Implies(Name("a-b"), c)),
        ("a.b<->c", Iff(Name("a.b"), c)),
        ("x->y-z", Implies(Name("x"), Name("y-z"))),
        ("a->!b", Implies(a, Not(b))),
    ],
)
def test_hyphen_before_greater_than_is_the_operator(text: str, expected: Expression) -> None:
    assert parse_expression(text) == expected


def test_node_positions_point_into_the_text() -> None:
    expression = parse_expression("(a) and  not b_1")
    assert isinstance(expression, And)
    assert expression.position == 0
    assert isinstance(expression.right, Not)
    assert expression.right.position == 9
    assert expression.right.operand.position == 13
    assert expression.left == a and expression.left.position == 0
    assert parse_expression("x or (y)").right.position == 5  # type: ignore[attr-defined]


# --- errors -----------------------------------------------------------------------------------

ERROR_CASES = [
    # (text, position, words the reason must contain)
    ("", 0, "empty expression"),
    ("   ", 0, "empty expression"),
    ("a and", 5, "after 'and', found the end"),
    ("a and   ", 5, "after 'and', found the end"),
    ("not", 3, "after 'not', found the end"),
    ("a or )", 5, "after 'or', found ')'"),
    ("a -> or b", 5, "after '->', found 'or'"),
    ("and a", 0, "'and' is missing its left operand"),
    ("-> a", 0, "'->' is missing its left operand"),
    ("(a) (b)", 4, "unexpected '('"),
    ("a b", 2, "unexpected name 'b' after an expression"),
    ("a and b c", 8, "unexpected name 'c'"),
    ("a not b", 2, "did you mean 'and not'"),
    ("a true", 2, "unexpected 'true'"),
    ("(a and b", 0, "missing ')'"),
    ("a and (b or (c)", 6, "missing ')'"),
    ("a)", 1, "unmatched ')'"),
    ("(a)) or b", 3, "unmatched ')'"),
    ("a and ()", 6, "empty parentheses"),
    ("a AND b", 2, "operators are lower case"),
    ("NOT a", 0, "operators are lower case"),
    ("a Implies b", 2, "unexpected name 'Implies'"),
    ("True or a", 0, "constants are lower case"),
    ("a && b", 2, "'&&'"),
    ("a || b", 2, "'||'"),
    ("a == b", 2, "'<->' or 'iff'"),
    ("a = b", 2, "'<->' or 'iff'"),
    ("~a", 0, "'!' or 'not'"),
    ("a => b", 2, "'->'"),
    ("a <=> b", 2, "'<->'"),
    ("a != b", 2, "not (a iff b)"),
    ("a $ b", 2, "unexpected character '$'"),
    ("1a", 0, "start with an ASCII letter"),
    ("café", 3, "unexpected character 'é'"),
    ("a - > b", 2, "unexpected character '-'"),
    ("a-->b", 1, "unexpected character '-'"),
    ("a. and b", 1, "unexpected character '.'"),
]


@pytest.mark.parametrize(
    ("text", "position", "fragment"), ERROR_CASES, ids=[t for t, *_ in ERROR_CASES]
)
def test_error_position_and_reason(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text)
    assert caught.value.position == position
    assert fragment in caught.value.reason
    assert caught.value.text == text
    assert isinstance(caught.value, ValueError)
    assert f"position {position + 1}" in str(caught.value)


@pytest.mark.parametrize("value", [True, False, 0, 1, 2.5, ["a"], {"expr": "a"}])
def test_non_text_is_rejected(value: object) -> None:
    with pytest.raises(ExpressionError, match="must be text"):
        parse_expression(value)  # type: ignore[arg-type]


def test_none_is_an_empty_expression() -> None:
    with pytest.raises(ExpressionError, match="empty expression"):
        parse_expression(None)  # type: ignore[arg-type]


# --- check_names ------------------------------------------------------------------------------


def test_check_names_accepts_known_names() -> None:
    text = "c1 and not c2"
    check_names(parse_expression(text), {"c1", "c2", "c3"}, text)


def test_check_names_points_at_first_unknown_and_suggests_close_matches() -> None:
    text = "attack and (releese or escalat)"
    known = ["attack", "release", "escalate"]
    with pytest.raises(ExpressionError) as caught:
        check_names(parse_expression(text), known, text)
    assert caught.value.position == text.index("releese")
    assert "'releese'" in caught.value.reason
    assert "'release'" in caught.value.reason


def test_check_names_suggests_case_insensitive_match() -> None:
    text = "c1 or C2"
    with pytest.raises(ExpressionError) as caught:
        check_names(parse_expression(text), ["c1", "c2"], text)
    assert caught.value.position == 6
    assert "did you mean 'c2'" in caught.value.reason


def test_check_names_lists_known_ids_when_nothing_is_close() -> None:
    text = "zebra"
    with pytest.raises(ExpressionError) as caught:
        check_names(parse_expression(text), ["modify", "delay", "insist"], text)
    assert caught.value.position == 0
    assert "delay, insist, modify" in caught.value.reason


# --- values, equality, names ------------------------------------------------------------------


def test_equality_ignores_position_and_distinguishes_structure() -> None:
    assert Name("a", position=7) == Name("a")
    assert hash(parse_expression("  (a) & b")) == hash(And(a, b))
    assert And(a, b) != Or(a, b)
    assert And(a, b) != And(b, a)
    assert Implies(a, Implies(b, c)) != Implies(Implies(a, b), c)
    assert Name("true") != TRUE
    assert Name("a") != "a"
    assert len({parse_expression("a & b"), parse_expression("a and b"), And(b, a)}) == 2


def test_nodes_are_immutable() -> None:
    expression = parse_expression("a and b")
    with pytest.raises(AttributeError):
        expression.left = b  # type: ignore[attr-defined, misc]


def test_names() -> None:
    assert parse_expression("a and (b -> not a) or true").names() == frozenset({"a", "b"})
    assert parse_expression("false").names() == frozenset()


def test_repr_shows_structure() -> None:
    assert repr(parse_expression("!a & true")) == "And(Not(Name('a')), Constant(True))"


# --- evaluation -------------------------------------------------------------------------------


def test_evaluate_scalars_returns_python_bool() -> None:
    expression = parse_expression("a -> b")
    results = {
        (x, y): expression.evaluate({"a": x, "b": np.bool_(y)})
        for x, y in itertools.product([False, True], repeat=2)
    }
    assert results == {
        (False, False): True,
        (False, True): True,
        (True, False): False,
        (True, True): True,
    }
    assert all(type(value) is bool for value in results.values())
    assert parse_expression("true iff false").evaluate({}) is False


def test_constants_broadcast_against_arrays() -> None:
    values = {"a": np.array([True, False, True])}
    for text, expected in [
        ("a or true", [True] * 3),
        ("a and false", [False] * 3),
        ("true -> a", [True, False, True]),
        ("a -> false", [False, True, False]),
    ]:
        result = parse_expression(text).evaluate(values)
        assert isinstance(result, np.ndarray)
        assert result.tolist() == expected


def test_arrays_broadcast_against_each_other() -> None:
    x = np.array([[True], [False]])
    y = np.array([[True, False, True]])
    result = parse_expression("!(x <-> y) | false").evaluate({"x": x, "y": y})
    assert isinstance(result, np.ndarray) and result.shape == (2, 3)
    np.testing.assert_array_equal(result, x != y)


def test_evaluate_never_writes_into_the_inputs() -> None:
    rng = np.random.default_rng(7)
    values = {name: rng.random(64) < 0.5 for name in "abc"}
    copies = {name: array.copy() for name, array in values.items()}
    text = "not a and (b -> c) or (a <-> not b) and not not c and not (a or b)"
    result = parse_expression(text).evaluate(values)
    for name in values:
        np.testing.assert_array_equal(values[name], copies[name])
    assert isinstance(result, np.ndarray) and result.dtype == np.bool_


def test_missing_value_raises_expression_error_naming_it() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse_expression("a and (b or c2)").evaluate({"a": True, "b": False})
    assert "'c2'" in caught.value.reason
    assert caught.value.text == "a and (b or c2)"
    assert caught.value.position == caught.value.text.index("c2")


def test_non_boolean_arrays_are_refused() -> None:
    with pytest.raises(TypeError, match="bool"):
        parse_expression("a").evaluate({"a": np.array([0, 1])})


def test_large_arrays_are_evaluated_element_wise() -> None:
    n = 1 << 24
    states = np.arange(n, dtype=np.int64)
    values = {f"o{k}": ((states >> k) & 1).astype(np.bool_) for k in range(4)}
    result = parse_expression("(o0 -> o1) and not (o2 <-> o3) or o0 & o1 & o2 & o3").evaluate(
        values
    )
    low = states & 0xF
    o = [(low >> k) & 1 == 1 for k in range(4)]
    expected = ((~o[0] | o[1]) & (o[2] != o[3])) | (o[0] & o[1] & o[2] & o[3])
    np.testing.assert_array_equal(result, expected)


# --- random expression trees ------------------------------------------------------------------

Tree = tuple[Any, ...]  # ("name", id) | ("const", bool) | ("not", Tree) | (operator, Tree, Tree)
NAMES = ["a", "b_1", "x.y", "us-army"]
STRENGTH = {"not": 5, "and": 4, "or": 3, "implies": 2, "iff": 1}
SPELLINGS = {
    "not": ["not ", "!", "! "],
    "and": ["and", "&"],
    "or": ["or", "|"],
    "implies": ["implies", "->"],
    "iff": ["iff", "<->"],
}

trees = st.recursive(
    st.one_of(
        st.sampled_from(NAMES).map(lambda n: ("name", n)), st.booleans().map(lambda v: ("const", v))
    ),
    lambda inner: st.one_of(
        inner.map(lambda t: ("not", t)),
        st.tuples(st.sampled_from(["and", "or", "implies", "iff"]), inner, inner),
    ),
    max_leaves=12,
)


def reference(tree: Tree, values: dict[str, bool]) -> bool:
    """Truth value straight from the definitions of the connectives."""
    kind = tree[0]
    if kind == "name":
        return values[tree[1]]
    if kind == "const":
        return bool(tree[1])
    if kind == "not":
        return not reference(tree[1], values)
    left, right = reference(tree[1], values), reference(tree[2], values)
    return {
        "and": left and right,
        "or": left or right,
        "implies": (not left) or right,
        "iff": left == right,
    }[kind]


def to_ast(tree: Tree) -> Expression:
    kind = tree[0]
    if kind == "name":
        return Name(tree[1])
    if kind == "const":
        return Constant(tree[1])
    if kind == "not":
        return Not(to_ast(tree[1]))
    cls = {"and": And, "or": Or, "implies": Implies, "iff": Iff}[kind]
    return cls(to_ast(tree[1]), to_ast(tree[2]))


def render(tree: Tree, data: st.DataObject) -> tuple[str, int]:
    """Text for a tree with random spellings, parentheses only where the grammar needs them
    (written from the precedence table, not from the module) plus some extra ones."""
    kind = tree[0]
    if kind == "name":
        text, strength = tree[1], 6
    elif kind == "const":
        text, strength = ("true" if tree[1] else "false"), 6
    elif kind == "not":
        inner, inner_strength = render(tree[1], data)
        inner = inner if inner_strength >= 5 else f"({inner})"
        text, strength = data.draw(st.sampled_from(SPELLINGS["not"])) + inner, 5
    else:
        strength = STRENGTH[kind]
        (left, ls), (right, rs) = render(tree[1], data), render(tree[2], data)
        right_assoc = kind == "implies"
        if ls < strength or (ls == strength and right_assoc):
            left = f"({left})"
        if rs < strength or (rs == strength and not right_assoc):
            right = f"({right})"
        text = f"{left} {data.draw(st.sampled_from(SPELLINGS[kind]))} {right}"
    if data.draw(st.integers(0, 4)) == 0:
        return f"( {text})", 6
    return text, strength


@settings(max_examples=300, deadline=None)
@given(tree=trees, data=st.data())
def test_parsed_truth_table_matches_reference(tree: Tree, data: st.DataObject) -> None:
    text, _ = render(tree, data)
    expression = parse_expression(text)
    assert expression == to_ast(tree)
    rows = np.arange(1 << len(NAMES))
    columns = {name: (rows >> k) & 1 == 1 for k, name in enumerate(NAMES)}
    result = np.broadcast_to(expression.evaluate(columns), rows.shape)
    for row in rows:
        assignment = {name: bool(columns[name][row]) for name in NAMES}
        assert bool(result[row]) == reference(tree, assignment), (text, assignment)


@settings(max_examples=300, deadline=None)
@given(tree=trees)
def test_str_round_trips(tree: Tree) -> None:
    expression = to_ast(tree)
    text = str(expression)
    assert parse_expression(text) == expression
    assert str(parse_expression(text)) == text
    assert expression.names() == {leaf for kind, leaf in _leaves(tree) if kind == "name"}


def _leaves(tree: Tree) -> list[Tree]:
    if tree[0] in ("name", "const"):
        return [tree]
    return [leaf for child in tree[1:] if isinstance(child, tuple) for leaf in _leaves(child)]


# --- long inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize("operator", ["and", "&", "or", "|", "iff", "<->", "->", "implies"])
def test_long_chains_parse_without_recursion_error(operator: str) -> None:
    terms = [f"v{i}" for i in range(500)]
    expression = parse_expression(f" {operator} ".join(terms))
    assert expression.names() == frozenset(terms)
    # Left-associative chains lean left, implication leans right: walk the spine to the end.
    spine, depth = expression, 0
    while not isinstance(spine, Name):
        spine = spine.right if operator in ("->", "implies") else spine.left  # type: ignore[attr-defined]
        depth += 1
    assert depth == 499
    assert spine == Name("v499" if operator in ("->", "implies") else "v0")
    again = parse_expression(str(expression))
    assert again == expression and hash(again) == hash(expression)
    assert repr(expression).count("Name(") == 500
    values = dict.fromkeys(terms, np.array([True, False]))
    expected = {"and": [True, False], "or": [True, False], "iff": [True, True]}
    kind = {"&": "and", "|": "or", "<->": "iff"}.get(operator, operator)
    assert np.asarray(expression.evaluate(values)).tolist() == expected.get(kind, [True, True])


def test_deep_nesting_parses_without_recursion_error() -> None:
    assert parse_expression("(" * 2000 + "a" + ")" * 2000) == a
    negated = parse_expression("not " * 1001 + "a")
    assert np.asarray(negated.evaluate({"a": np.array([True, False])})).tolist() == [False, True]
    assert str(negated) == "not " * 1001 + "a"
