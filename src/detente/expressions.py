"""Logical expressions over yes/no options: infeasibility rules and preference statements.

Scenario files state which option combinations are infeasible and what each party prefers as
logical statements over options, in the style of option prioritisation (Fang, Hipel & Kilgour
1993, *Interactive Decision Making*, ch. 4). The grammar, tightest binding first::

    atom    := option-id | true | false | "(" expr ")"
    not     := ("not" | "!") not | atom
    and     := not (("and" | "&") not)*              left-associative
    or      := and (("or" | "|") and)*               left-associative
    implies := or (("implies" | "->") implies)?      right-associative
    expr    := implies (("iff" | "<->") implies)*    left-associative

An option id starts with an ASCII letter or ``_`` and continues with letters, digits and ``_``;
``.`` and ``-`` may join such runs (``x-1.y_2``) but not end an id, so ``a->b`` is ``a -> b``.
Keywords are lower case only; ``AND`` or ``True`` is an error rather than an option id, because
reading it as a name would hide the mistake. Parsing and every tree walk are iterative, so chains
of thousands of terms never hit Python's recursion limit.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple, TypeAlias, TypeVar

import numpy as np
from numpy.typing import NDArray

from detente.errors import ExpressionError

__all__ = [
    "And",
    "Constant",
    "Expression",
    "Iff",
    "Implies",
    "Name",
    "Not",
    "Or",
    "check_names",
    "parse_expression",
]

Value: TypeAlias = NDArray[np.bool_] | bool
_Evaluated: TypeAlias = tuple[Value, bool]  # a value, and whether we may overwrite it in place
_T = TypeVar("_T")


@dataclass(frozen=True, eq=False, repr=False)
class Expression:
    """A node of a parsed expression; immutable, compared and hashed by structure.

    ``position`` is the 0-based offset where the node starts in the parsed text; it takes no part
    in equality, so ``parse_expression("a and b") == parse_expression("(a)  &  b")``.
    """

    position: int = field(default=0, compare=False, kw_only=True)
    strength: ClassVar[int] = 6  # binding strength when rendered; higher binds tighter

    def _children(self) -> tuple[Expression, ...]:
        return ()

    def _step(self, args: list[_Evaluated], values: Mapping[str, Value]) -> _Evaluated:
        raise NotImplementedError

    def _render(self, args: list[tuple[str, int]]) -> str:
        raise NotImplementedError

    def names(self) -> frozenset[str]:
        """The option ids the expression mentions."""
        return frozenset(node.id for node in _preorder(self) if isinstance(node, Name))

    def evaluate(self, values: Mapping[str, Value]) -> Value:
        """Evaluate element-wise over NumPy bool arrays (or plain bools).

        Arrays broadcast against each other and against constants; the result is a Python bool
        when every value used is a scalar. A name without a value raises
        :class:`~detente.errors.ExpressionError`.
        """
        for node in _preorder(self):
            if isinstance(node, Name) and node.id not in values:
                shown = str(self)
                found = re.search(rf"(?<![\w.-]){re.escape(node.id)}(?![\w.-])", shown)
                reason = f"no value given for option '{node.id}'"
                raise ExpressionError(reason, shown, found.start() if found else 0)
        value, _ = _fold(self, lambda node, args: node._step(args, values))
        return value

    def __str__(self) -> str:
        return _fold(self, lambda node, args: (node._render(args), node.strength))[0]

    def __repr__(self) -> str:
        def visit(node: Expression, args: list[str]) -> str:
            inner = ", ".join(args) if args else repr(_payload(node))
            return f"{type(node).__name__}({inner})"

        return _fold(self, visit)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expression):
            return NotImplemented
        return _structure(self) == _structure(other)

    def __hash__(self) -> int:
        return hash(_structure(self))


@dataclass(frozen=True, eq=False, repr=False)
class Name(Expression):
    """An option id: true in the states where that option is taken."""

    id: str

    def _step(self, args: list[_Evaluated], values: Mapping[str, Value]) -> _Evaluated:
        raw = values[self.id]
        if isinstance(raw, bool | np.bool_):
            return bool(raw), False
        array = np.asarray(raw)
        if array.dtype != np.bool_:
            raise TypeError(f"value of '{self.id}' must be bool or a bool array, not {array.dtype}")
        return (bool(array) if array.ndim == 0 else array), False

    def _render(self, args: list[tuple[str, int]]) -> str:
        return self.id


@dataclass(frozen=True, eq=False, repr=False)
class Constant(Expression):
    """``true`` or ``false``."""

    value: bool

    def _step(self, args: list[_Evaluated], values: Mapping[str, Value]) -> _Evaluated:
        return self.value, False

    def _render(self, args: list[tuple[str, int]]) -> str:
        return "true" if self.value else "false"


@dataclass(frozen=True, eq=False, repr=False)
class Not(Expression):
    """Negation: ``not a`` or ``!a``."""

    operand: Expression
    strength: ClassVar[int] = 5

    def _children(self) -> tuple[Expression, ...]:
        return (self.operand,)

    def _step(self, args: list[_Evaluated], values: Mapping[str, Value]) -> _Evaluated:
        return _negate(args[0])

    def _render(self, args: list[tuple[str, int]]) -> str:
        text, strength = args[0]
        return "not " + (text if strength >= self.strength else f"({text})")


@dataclass(frozen=True, eq=False, repr=False)
class _Binary(Expression):
    left: Expression
    right: Expression
    word: ClassVar[str]
    ufunc: ClassVar[np.ufunc]
    right_associative: ClassVar[bool] = False

    def _children(self) -> tuple[Expression, ...]:
        return (self.left, self.right)

    def _step(self, args: list[_Evaluated], values: Mapping[str, Value]) -> _Evaluated:
        return _combine(self.ufunc, args[0], args[1])

    def _render(self, args: list[tuple[str, int]]) -> str:
        # A same-strength operand needs parentheses on the side the operator does not group to.
        (left, left_strength), (right, right_strength) = args
        left_bare = left_strength > self.strength or (
            left_strength == self.strength and not self.right_associative
        )
        right_bare = right_strength > self.strength or (
            right_strength == self.strength and self.right_associative
        )
        left = left if left_bare else f"({left})"
        right = right if right_bare else f"({right})"
        return f"{left} {self.word} {right}"


@dataclass(frozen=True, eq=False, repr=False)
class And(_Binary):
    """Conjunction: ``a and b`` or ``a & b``."""

    word, ufunc, strength = "and", np.logical_and, 4


@dataclass(frozen=True, eq=False, repr=False)
class Or(_Binary):
    """Inclusive disjunction: ``a or b`` or ``a | b``."""

    word, ufunc, strength = "or", np.logical_or, 3


@dataclass(frozen=True, eq=False, repr=False)
class Implies(_Binary):
    """Material implication: ``a implies b`` or ``a -> b``; ``a -> b -> c`` is ``a -> (b -> c)``."""

    word, ufunc, strength, right_associative = "implies", np.logical_or, 2, True

    def _step(self, args: list[_Evaluated], values: Mapping[str, Value]) -> _Evaluated:
        return _combine(np.logical_or, _negate(args[0]), args[1])


@dataclass(frozen=True, eq=False, repr=False)
class Iff(_Binary):
    """Equivalence: ``a iff b`` or ``a <-> b``."""

    word, ufunc, strength = "iff", np.equal, 1


def _negate(item: _Evaluated) -> _Evaluated:
    value, owned = item
    if isinstance(value, bool):
        return not value, False
    return np.logical_not(value, out=value if owned else None), True


def _combine(ufunc: np.ufunc, left: _Evaluated, right: _Evaluated) -> _Evaluated:
    (a, a_owned), (b, b_owned) = left, right
    if isinstance(a, bool) and isinstance(b, bool):
        return bool(ufunc(a, b)), False
    # Reuse an intermediate result we allocated ourselves: no new 16 MB array per operator.
    shape = np.broadcast_shapes(np.shape(a), np.shape(b))
    out = a if a_owned and np.shape(a) == shape else b if b_owned and np.shape(b) == shape else None
    return ufunc(a, b, out=out), True


def _preorder(root: Expression) -> list[Expression]:
    nodes, stack = [], [root]
    while stack:
        node = stack.pop()
        nodes.append(node)
        stack.extend(reversed(node._children()))
    return nodes


def _payload(node: Expression) -> object:
    return node.id if isinstance(node, Name) else node.value if isinstance(node, Constant) else ""


def _structure(root: Expression) -> tuple[object, ...]:
    # Prefix form with fixed arities is unambiguous, so equal tuples mean equal trees.
    return tuple(item for n in _preorder(root) for item in (type(n), _payload(n)))


def _fold(root: Expression, visit: Callable[[Expression, list[_T]], _T]) -> _T:
    """Combine child results bottom-up, left to right, without recursion."""
    results: list[_T] = []
    stack: list[tuple[Expression, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        children = node._children()
        if expanded or not children:
            start = len(results) - len(children)
            args = results[start:]
            del results[start:]
            results.append(visit(node, args))
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children))
    return results[0]


class _Token(NamedTuple):
    kind: str  # "name", a keyword, "(", ")" or "end"
    text: str
    position: int


# Dots and hyphens only between word characters: "a-->b" is an error, not the name "a-".
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*(?:[.-]+\w+)*", re.ASCII)
_KEYWORDS = frozenset({"true", "false", "not", "and", "or", "implies", "iff"})
_SYMBOLS = {"<->": "iff", "->": "implies", "&": "and", "|": "or", "!": "not", "(": "(", ")": ")"}
_MISTAKES = {  # checked before _SYMBOLS, longest first, so "&&" is not read as "&" "&"
    "<=>": "write '<->' or 'iff'",
    "&&": "write '&' or 'and'",
    "||": "write '|' or 'or'",
    "==": "write '<->' or 'iff' for 'if and only if'",
    "!=": "for 'exactly one of a, b' write 'not (a iff b)'",
    "=>": "write '->' or 'implies'",
    "=": "write '<->' or 'iff' for 'if and only if'",
    "~": "write '!' or 'not'",
    "^": "for 'exactly one of a, b' write 'not (a iff b)'",
}
_CASE_HINT = dict.fromkeys(_KEYWORDS, "operators are lower case: and, or, not, implies, iff")
_CASE_HINT.update(
    true="constants are lower case: true, false", false="constants are lower case: true, false"
)
_EXPECTED = "expected an operator (and, or, implies, iff), ')' or the end"
_BINARY: dict[str, type[_Binary]] = {"and": And, "or": Or, "implies": Implies, "iff": Iff}


def _tokenise(text: str) -> list[_Token]:
    tokens, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif match := _IDENTIFIER.match(text, i):
            word = match.group()
            if word.lower() in _KEYWORDS and word not in _KEYWORDS:
                raise ExpressionError(
                    f"unexpected name '{word}'; {_CASE_HINT[word.lower()]}", text, i
                )
            tokens.append(_Token(word if word in _KEYWORDS else "name", word, i))
            i = match.end()
        else:
            mistake = next((m for m in _MISTAKES if text.startswith(m, i)), None)
            if mistake is not None:
                reason = f"'{mistake}' is not an operator here; {_MISTAKES[mistake]}"
                raise ExpressionError(reason, text, i)
            symbol = next((s for s in _SYMBOLS if text.startswith(s, i)), None)
            if symbol is None:
                reason = f"unexpected character {text[i]!r}"
                if text[i].isdigit() or not text[i].isascii():
                    reason += "; option ids start with an ASCII letter or '_'"
                elif text[i] in ".-":
                    reason += (
                        "; '.' and '-' may only join parts of an option id (write '->' unspaced)"
                    )
                raise ExpressionError(reason, text, i)
            tokens.append(_Token(_SYMBOLS[symbol], symbol, i))
            i += len(symbol)
    tokens.append(_Token("end", "", len(text.rstrip())))
    return tokens


def _reduce(operator: _Token, output: list[Expression]) -> None:
    if operator.kind == "not":
        output.append(Not(output.pop(), position=operator.position))
    else:
        right, left = output.pop(), output.pop()
        output.append(_BINARY[operator.kind](left, right, position=left.position))


def _binds_first(stacked: str, incoming: str) -> bool:
    """Whether the stacked operator takes its right operand before ``incoming`` is applied."""
    if stacked == "not":
        return True
    higher, lower = _BINARY[stacked].strength, _BINARY[incoming].strength
    return higher > lower or (higher == lower and not _BINARY[incoming].right_associative)


def _describe(token: _Token) -> str:
    return "the end" if token.kind == "end" else f"'{token.text}'"


def parse_expression(text: str) -> Expression:
    """Parse an expression; raise :class:`~detente.errors.ExpressionError` saying where it fails.

    Operator precedence parsing ("shunting yard", Dijkstra 1961) with an explicit operator stack,
    so deep nesting and long chains cost no recursion.

    Examples
    --------
    >>> str(parse_expression("!a & b -> c | d"))
    'not a and b implies c or d'
    """
    if not isinstance(text, str):
        if text is None:
            raise ExpressionError("empty expression: nothing was written", "", 0)
        reason = f"an expression must be text, not {type(text).__name__} {text!r}"
        hint = "in YAML, put it in quotes: yes, no, on, off, true, false and numbers are not text"
        raise ExpressionError(f"{reason} ({hint})", str(text), 0)
    output: list[Expression] = []
    operators: list[_Token] = []
    previous: _Token | None = None
    for token in _tokenise(text):
        expecting_operand = previous is None or previous.kind not in ("name", "true", "false", ")")
        if expecting_operand:
            if token.kind == "name":
                output.append(Name(token.text, position=token.position))
            elif token.kind in ("true", "false"):
                output.append(Constant(token.kind == "true", position=token.position))
            elif token.kind in ("not", "("):
                operators.append(token)
            elif previous is None:
                reason = f"'{token.text}' is missing its left operand"
                if token.kind == "end":
                    reason = "empty expression"
                raise ExpressionError(reason, text, token.position)
            elif previous.kind == "(" and token.kind == ")":
                raise ExpressionError("empty parentheses", text, previous.position)
            else:
                reason = f"expected an expression after '{previous.text}', found {_describe(token)}"
                raise ExpressionError(reason, text, token.position)
        elif token.kind in _BINARY:
            while (
                operators
                and operators[-1].kind != "("
                and _binds_first(operators[-1].kind, token.kind)
            ):
                _reduce(operators.pop(), output)
            operators.append(token)
        elif token.kind in (")", "end"):
            while operators and operators[-1].kind != "(":
                _reduce(operators.pop(), output)
            if token.kind == "end":
                if operators:
                    raise ExpressionError(
                        "missing ')' to close this '('", text, operators[-1].position
                    )
                return output[0]
            if not operators:
                raise ExpressionError("unmatched ')': no '(' before it", text, token.position)
            output[-1] = dataclasses.replace(output[-1], position=operators.pop().position)
        else:
            what = "name " if token.kind == "name" else ""
            reason = f"unexpected {what}{_describe(token)} after an expression; {_EXPECTED}"
            reason += " (did you mean 'and not'?)" if token.kind == "not" else ""
            raise ExpressionError(reason, text, token.position)
        previous = token
    raise AssertionError("unreachable: the token list always ends with 'end'")


def check_names(expression: Expression, known: Collection[str], text: str) -> None:
    """Raise :class:`~detente.errors.ExpressionError` at the first name not in ``known``.

    ``text`` must be the text ``expression`` was parsed from, so positions point into it.
    """
    for node in _preorder(expression):  # pre-order visits names left to right, as written
        if isinstance(node, Name) and node.id not in known:
            folded = [k for k in known if k.lower() == node.id.lower()]
            close = folded or difflib.get_close_matches(node.id, list(known), n=3)
            if close:
                hint = "did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
            else:
                listed = sorted(known)
                hint = "known options: " + (", ".join(listed[:12]) or "none")
                hint += ", ..." if len(listed) > 12 else ""
            raise ExpressionError(f"unknown option '{node.id}'; {hint}", text, node.position)
