"""Phased agreements under low trust: reciprocal stages that each party prefers to keep.

A deal that neither side will deliver all at once may still be reached in steps, if every step
is small enough that cheating on it is worth less than the rest of the deal. This is the
gradualism of Pitchford & Snyder (2004), "A solution to the hold-up problem involving gradual
investment", *Journal of Economic Theory* 114(1): 88-103 (the host's temptation to expropriate
is kept below the value of investment still to come), and of Kurzban, Rigdon & Wilson (2008),
"Incremental approaches to establishing trust", *Experimental Economics* 11(4): 370-389 (trust
built by raising stakes step by step); Osgood (1962), *An Alternative to War or Surrender*
(graduated reciprocation in tension reduction, GRIT), proposed it for arms control. Fearon
(1995), "Rationalist explanations for war", *International Organization* 49(3): 379-414,
names the obstacle: a commitment problem, when a side cannot promise not to exploit what it is
given.

The model
---------
Two parties ``i`` and ``j``. Delivering all of its concessions costs ``i`` the amount ``c_i``
and receiving all of the other's is worth ``g_i`` to it, both in ``i``'s own utility, measured
from a baseline in which nothing has been delivered (utility ``b_i``); walking away is worth
``w_i``. A fraction ``rho_i`` in [0, 1] of ``i``'s concessions is reversible (sanctions can
snap back; dismantling cannot). ``delta_i`` in (0, 1] is ``i``'s discount factor per stage.

A schedule of ``K`` stages gives cumulative shares ``0 = x_i(0) <= x_i(1) <= ... <= x_i(K) = 1``
for both parties; at stage ``m`` party ``i`` delivers ``x_i(m) - x_i(m-1)``. Before stage
``k+1`` (the decision point ``k = 0..K-1``) each party weighs:

* **defecting** (cheating on stage ``k+1``): it stops paying and keeps what it has received;
  the victim then withdraws its reversible concessions. Verification ``v_i`` is the probability
  that ``i``'s cheating is detected before the other pays its share of stage ``k+1``; if it is
  not, ``i`` also pockets that share::

      D_i(k) = g_i (1 - rho_j) [v_i x_j(k) + (1 - v_i) x_j(k+1)] - c_i x_i(k)

* **continuing**: ``p_i`` is ``i``'s belief that the other delivers each stage (independently).
  If the other breaks off at stage ``m``, ``i`` has paid its share of it (the cautious case) and
  withdraws its reversible concessions, keeping what it has received::

      L_i(m) = g_i x_j(m-1) - c_i (1 - rho_i) x_i(m)
      V_i(k) = p_i W_i(k+1) + (1 - p_i) L_i(k+1),
      W_i(K) = g_i - c_i,   W_i(m) = delta_i V_i(m)  for m < K

  (a stage takes one period; the deal's value counts from its last stage).

A schedule is **feasible** when, for both parties,

1. the target beats walking away: ``b_i + g_i - c_i >= w_i`` (individual rationality);
2. starting beats walking away: ``V_i(0) >= w_i - b_i``;
3. continuing beats defecting at every decision point: ``V_i(k) >= D_i(k)``, ``k = 0..K-1``
   (incentive compatibility at every step);
4. each party wants the other to keep delivering: ``W_i(m) >= L_i(m)``, ``m = 1..K`` (mutual
   interest; without it a party could gain from being cheated, which no reciprocal deal
   intends, and trust would no longer help, see below).

Monotonicity (why bisection on trust is exact)
---------------------------------------------
Fix a schedule feasible at beliefs ``p`` and let ``p' >= p`` (per party). By backward induction
``V_i`` at ``p'`` is at least ``V_i`` at ``p`` at every point: at ``k = K-1``, ``W_i(K)`` does
not depend on beliefs and condition 4 gives ``W_i(K) >= L_i(K)``, so raising ``p_i`` moves
weight to the larger term. If ``V'_i(k+1) >= V_i(k+1)`` then ``W'_i(k+1) >= W_i(k+1) >= L_i(k+1)``
(condition 4 at ``p``), so ``V'_i(k) = p' W' + (1-p') L >= p W' + (1-p) L >= p W + (1-p) L =
V_i(k)``. ``D_i`` and ``L_i`` do not depend on beliefs, so conditions 2-4 still hold at ``p'``:
the set of feasible schedules only grows with trust, and so does its non-emptiness, over any
fixed set of candidate schedules (the grid below). Likewise ``D_i`` falls as ``v_i`` rises,
because ``x_j(k) <= x_j(k+1)``, and nothing else depends on ``v``: feasibility is monotone in
verification. The least common trust ``p`` is therefore found by bisection.

Search
------
All conditions are affine in the cumulative shares, so for each number of stages ``K = 1..max``
every schedule on the grid ``x_i(m) in {0, 1/n, ..., 1}`` is checked at once: the slack of each
condition is ``A x_i + B x_j + r``, evaluated for all schedules of each party separately and
added pairwise by broadcasting (in blocks, to bound memory). Among feasible schedules of the
fewest stages, the one with the largest smallest slack (the most robust) is reported.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations_with_replacement

import numpy as np
from numpy.typing import NDArray

from detente.bargaining.problem import BargainingProblem
from detente.errors import DetenteError, ModelTooLargeError, NotFoundError

__all__ = [
    "MAX_PAIRS",
    "PhasedInputs",
    "PhasedResult",
    "Stage",
    "phased_agreement",
    "phased_inputs",
]

_SLACK_TOLERANCE = 1e-12
_BISECTION_TOLERANCE = 1e-12
_BLOCK = 2_000_000
#: The most pairs of schedules one search may check (about a second of work each million).
MAX_PAIRS = 20_000_000

Pair = tuple[float, float]
Array = NDArray[np.float64]


@dataclass(frozen=True)
class PhasedInputs:
    """The two parties' stakes in a deal, each a pair ``(first party, second party)``.

    Attributes
    ----------
    parties
        The two party ids.
    gain
        ``g_i``: the value to each party of receiving all of the other's concessions.
    cost
        ``c_i``: the cost to each party of delivering all of its own concessions.
    reversible
        ``rho_i``: the share of each party's concessions it can take back.
    discount
        ``delta_i``: each party's discount factor per stage, in (0, 1].
    baseline
        ``b_i``: each party's utility when nothing has been delivered.
    walk_away
        ``w_i``: each party's utility of walking away (its reservation value).
    """

    parties: tuple[str, str]
    gain: Pair
    cost: Pair
    reversible: Pair = (0.0, 0.0)
    discount: Pair = (1.0, 1.0)
    baseline: Pair = (0.0, 0.0)
    walk_away: Pair = (0.0, 0.0)

    def __post_init__(self) -> None:
        if len(self.parties) != 2 or self.parties[0] == self.parties[1]:
            raise DetenteError("a phased agreement needs exactly two distinct parties")
        for name in ("gain", "cost", "reversible", "discount", "baseline", "walk_away"):
            pair = getattr(self, name)
            if len(pair) != 2 or not all(math.isfinite(float(x)) for x in pair):
                raise DetenteError(f"{name} must be two finite numbers, one per party")
        if min(self.gain) < 0 or min(self.cost) < 0:
            raise DetenteError("gains and costs must be >= 0 (a cost is a positive number)")
        if not all(0.0 <= x <= 1.0 for x in self.reversible):
            raise DetenteError(f"reversible shares must be in [0, 1], got {self.reversible}")
        if not all(0.0 < x <= 1.0 for x in self.discount):
            raise DetenteError(f"discount factors must be in (0, 1], got {self.discount}")


@dataclass(frozen=True)
class Stage:
    """One stage of a schedule, with the decision that precedes it.

    ``delivers`` is each party's share delivered in this stage and ``cumulative`` the shares
    delivered by its end; ``continuation`` and ``defection`` are each party's values ``V_i`` and
    ``D_i`` at the decision point just before it (relative to the baseline).
    """

    index: int
    delivers: Pair
    cumulative: Pair
    continuation: Pair
    defection: Pair


@dataclass(frozen=True)
class PhasedResult:
    """Whether a phased deal exists and the least trust that would allow one.

    Attributes
    ----------
    inputs
        The stakes analysed.
    feasible
        Whether a feasible schedule of at most ``max_stages`` stages exists at ``beliefs``.
    stages
        The schedule found (fewest stages, then largest margin); empty when none exists.
    margin
        The smallest slack of any condition in that schedule (``nan`` when none).
    least_trust
        The least common belief ``p`` (both parties) at which some schedule of at most
        ``max_stages`` stages is feasible, to ``tolerance``; ``None`` if even ``p = 1`` fails.
    beliefs, verification, max_stages, grid, tolerance
        The parameters used.
    reason
        Why no schedule exists at any trust, when that is the case (else empty).
    method
        How the answer was computed.
    """

    inputs: PhasedInputs
    feasible: bool
    stages: tuple[Stage, ...]
    margin: float
    least_trust: float | None
    beliefs: Pair
    verification: Pair
    max_stages: int
    grid: int
    tolerance: float
    reason: str
    method: str


def phased_inputs(
    problem: BargainingProblem,
    target: Mapping[str, str],
    delivered_by: Mapping[str, str],
    baseline: Mapping[str, str],
    reversible: Mapping[str, float] | None = None,
) -> PhasedInputs:
    """Stakes of a two-party bargaining problem's target deal, from its utilities.

    ``delivered_by`` names the party that concedes each issue; ``baseline`` gives each such
    issue's value before anything is delivered (issues not named keep their target value).
    With ``B`` the baseline outcome, ``T`` the target and ``I_i`` the baseline with ``i``'s
    issues at their target values: ``c_i = u_i(B) - u_i(I_i)``, ``g_i = u_i(T) - u_i(I_i)``,
    ``b_i = u_i(B)``, so ``b_i + g_i - c_i = u_i(T)``; ``w_i`` is the reservation value and
    ``delta_i`` the problem's discount. ``reversible`` maps party id to the share of its
    concessions it can take back (default 0).
    """
    if len(problem.parties) != 2:
        raise DetenteError("a phased agreement needs a bargaining problem with two parties")
    ids = tuple(p.id for p in problem.parties)
    issue_ids = [issue.id for issue in problem.issues]
    for name, mapping in (("target", target), ("delivered_by", delivered_by)):
        unknown = sorted(set(mapping) - set(issue_ids))
        if unknown:
            raise NotFoundError(
                f"{name} names unknown issues {unknown}; the issues are {', '.join(issue_ids)}"
            )
    if set(baseline) != set(delivered_by):
        raise DetenteError("baseline must give a value for exactly the issues in delivered_by")
    for issue, party in delivered_by.items():
        problem.party_index(party)
        if issue not in target:
            raise DetenteError(f"delivered issue {issue!r} has no target value")
    if not set(delivered_by.values()) == set(ids):
        raise DetenteError("each party must deliver at least one issue")
    utilities = problem.utilities()
    full = dict(target)
    t = problem.index_of(full)  # raises NotFoundError for missing issues or unknown values
    b = problem.index_of({**full, **baseline})
    gain, cost, base = [], [], []
    for i, party in enumerate(ids):
        own = {k: target[k] for k, who in delivered_by.items() if who == party}
        only = problem.index_of({**full, **baseline, **own})
        cost.append(float(utilities[b, i] - utilities[only, i]))
        gain.append(float(utilities[t, i] - utilities[only, i]))
        base.append(float(utilities[b, i]))
    if min(cost) < 0 or min(gain) < 0:
        raise DetenteError(
            f"the target is not an exchange of concessions (costs {cost}, gains {gain}): each "
            "party must lose by its own deliveries and gain by the other's; check delivered_by"
        )
    unknown_parties = sorted(set(reversible or {}) - set(ids))
    if unknown_parties:
        raise NotFoundError(f"reversible names unknown parties {unknown_parties}")
    rho = [float((reversible or {}).get(party, 0.0)) for party in ids]
    return PhasedInputs(
        parties=(ids[0], ids[1]),
        gain=(gain[0], gain[1]),
        cost=(cost[0], cost[1]),
        reversible=(rho[0], rho[1]),
        discount=(float(problem.discount[0]), float(problem.discount[1])),
        baseline=(base[0], base[1]),
        walk_away=(float(problem.reservation[0]), float(problem.reservation[1])),
    )


def _pair(value: float | Sequence[float], name: str) -> Pair:
    items = [float(value)] * 2 if isinstance(value, int | float) else [float(v) for v in value]
    if len(items) != 2 or not all(math.isfinite(x) and 0.0 <= x <= 1.0 for x in items):
        raise DetenteError(f"{name} must be a number in [0, 1] or one per party, got {value!r}")
    return items[0], items[1]


def _values(
    inputs: PhasedInputs, xa: Array, xb: Array, beliefs: Pair, verification: Pair
) -> tuple[list[Array], list[Array], list[Array]]:
    """Per party: continuation ``V`` and defection ``D`` (points 0..K-1) and slacks.

    ``xa``, ``xb`` broadcast against each other, last axis the K+1 cumulative shares.
    """
    k_stages = xa.shape[-1] - 1
    conts, defs, slacks = [], [], []
    for i, (xi, xj) in enumerate(((xa, xb), (xb, xa))):
        g, c = inputs.gain[i], inputs.cost[i]
        rho_i, rho_j = inputs.reversible[i], inputs.reversible[1 - i]
        p, v, delta = beliefs[i], verification[i], inputs.discount[i]
        loss = g * xj[..., :-1] - c * (1.0 - rho_i) * xi[..., 1:]  # L(m), m = 1..K
        defect = g * (1.0 - rho_j) * (v * xj[..., :-1] + (1.0 - v) * xj[..., 1:]) - c * xi[..., :-1]
        shape = np.broadcast_shapes(loss.shape, defect.shape)
        cont = np.empty(shape)
        after = np.full(shape[:-1], g - c)  # W(K)
        rows = [after - loss[..., -1]]
        for k in range(k_stages - 1, -1, -1):
            cont[..., k] = p * after + (1.0 - p) * loss[..., k]
            after = delta * cont[..., k]
            if k > 0:
                rows.append(after - loss[..., k - 1])
        rows.append(cont[..., 0] - (inputs.walk_away[i] - inputs.baseline[i]))
        slack = np.concatenate([np.stack(rows, axis=-1), cont - defect], axis=-1)
        conts.append(cont)
        defs.append(defect)
        slacks.append(slack)
    return conts, defs, slacks


def _schedules(k_stages: int, grid: int) -> Array:
    """Every nondecreasing cumulative schedule from 0 to 1 on the grid, shape (M, K+1)."""
    combos = list(combinations_with_replacement(range(grid + 1), k_stages - 1))
    inner = np.array(combos, dtype=np.float64).reshape(len(combos), k_stages - 1)
    zeros = np.zeros((inner.shape[0], 1))
    return np.hstack([zeros, inner, zeros + grid]) / grid


def _best_pair(
    inputs: PhasedInputs, sched: Array, beliefs: Pair, verification: Pair
) -> tuple[float, int, int]:
    """The largest smallest slack over all pairs of schedules, and the pair attaining it."""
    dim = sched.shape[1]
    eye, zero = np.eye(dim), np.zeros((1, dim))

    def affine(f: Callable[[Array, Array], Array]) -> tuple[Array, Array, Array]:
        r = f(zero, zero)[0]
        return f(eye, np.zeros_like(eye)) - r, f(np.zeros_like(eye), eye) - r, r

    def both(xa: Array, xb: Array) -> Array:
        return np.concatenate(_values(inputs, xa, xb, beliefs, verification)[2], axis=-1)

    coef_a, coef_b, const = affine(both)
    part_a = sched @ coef_a + const
    part_b = sched @ coef_b
    best, best_a, best_b = -math.inf, -1, -1
    step = max(1, _BLOCK // max(1, part_b.size))
    for start in range(0, part_a.shape[0], step):
        block = (part_a[start : start + step, None, :] + part_b[None, :, :]).min(axis=-1)
        flat = int(np.argmax(block))
        a, b = divmod(flat, block.shape[1])
        if block[a, b] > best:
            best, best_a, best_b = float(block[a, b]), start + a, b
    return best, best_a, best_b


def _search(
    inputs: PhasedInputs, max_stages: int, grid: int, beliefs: Pair, verification: Pair
) -> tuple[float, Array, Array] | None:
    for k_stages in range(1, max_stages + 1):
        sched = _schedules(k_stages, grid)
        margin, a, b = _best_pair(inputs, sched, beliefs, verification)
        if margin >= -_SLACK_TOLERANCE:
            return margin, sched[a], sched[b]
    return None


def phased_agreement(
    problem_or_inputs: BargainingProblem | PhasedInputs,
    target: Mapping[str, str] | None = None,
    *,
    max_stages: int,
    beliefs: float | Sequence[float] = 1.0,
    verification: float | Sequence[float] = 0.0,
    grid: int = 20,
    delivered_by: Mapping[str, str] | None = None,
    baseline: Mapping[str, str] | None = None,
    reversible: Mapping[str, float] | None = None,
    tolerance: float = _BISECTION_TOLERANCE,
) -> PhasedResult:
    """Find a schedule of reciprocal stages that each party prefers to keep, or the trust needed.

    Parameters
    ----------
    problem_or_inputs
        A two-party :class:`BargainingProblem` (then ``target``, ``delivered_by`` and
        ``baseline`` are required, see :func:`phased_inputs`) or :class:`PhasedInputs`.
    target
        The deal to reach, issue id to value (a problem only).
    max_stages
        The most stages allowed (``K >= 1``).
    beliefs
        ``p_i``: each party's belief that the other keeps delivering (one number for both).
    verification
        ``v_i``: the probability that a party's cheating is detected before the other pays.
    grid
        Shares are multiples of ``1/grid``.
    delivered_by, baseline, reversible
        For a problem: who concedes each issue, its value before delivery, and the share of
        each party's concessions it can take back (see :func:`phased_inputs`).
    tolerance
        Bisection tolerance of the least trust.

    Returns
    -------
    PhasedResult
        See the module docstring for the model and the search.
    """
    if isinstance(problem_or_inputs, PhasedInputs):
        if any(x is not None for x in (target, delivered_by, baseline, reversible)):
            raise DetenteError(
                "target, delivered_by, baseline and reversible apply to a bargaining problem"
            )
        inputs = problem_or_inputs
    else:
        if target is None or delivered_by is None or baseline is None:
            raise DetenteError(
                "a bargaining problem needs target, delivered_by and baseline "
                "(who concedes each issue and its value before anything is delivered)"
            )
        inputs = phased_inputs(problem_or_inputs, target, delivered_by, baseline, reversible)
    if isinstance(max_stages, bool) or not isinstance(max_stages, int) or max_stages < 1:
        raise DetenteError(f"max_stages must be an integer >= 1, got {max_stages!r}")
    if isinstance(grid, bool) or not isinstance(grid, int) or grid < 1:
        raise DetenteError(f"grid must be an integer >= 1, got {grid!r}")
    if not 0.0 < tolerance < 1.0:
        raise DetenteError(f"tolerance must be in (0, 1), got {tolerance!r}")
    pairs = math.comb(grid + max_stages - 1, max_stages - 1) ** 2
    if pairs > MAX_PAIRS:
        raise ModelTooLargeError(
            f"{max_stages} stages on a grid of 1/{grid} give {pairs:,} pairs of schedules to "
            f"check, over the limit of {MAX_PAIRS:,}; use a coarser grid or fewer stages"
        )
    belief_pair = _pair(beliefs, "beliefs")
    verify_pair = _pair(verification, "verification")

    short = [
        inputs.parties[i]
        for i in range(2)
        if inputs.baseline[i] + inputs.gain[i] - inputs.cost[i] < inputs.walk_away[i] - 1e-12
    ]
    reason = (
        f"the target is worth less than walking away to {', '.join(short)}: no schedule helps"
        if short
        else ""
    )

    def feasible(p: Pair) -> tuple[float, Array, Array] | None:
        return None if short else _search(inputs, max_stages, grid, p, verify_pair)

    found = feasible(belief_pair)
    least: float | None
    if short or feasible((1.0, 1.0)) is None:
        least = None
        if not short:
            reason = f"no schedule of at most {max_stages} stages works even with full trust"
    elif feasible((0.0, 0.0)) is not None:
        least = 0.0
    else:
        lo, hi = 0.0, 1.0
        while hi - lo > tolerance:
            mid = 0.5 * (lo + hi)
            if feasible((mid, mid)) is None:
                lo = mid
            else:
                hi = mid
        least = hi

    stages: tuple[Stage, ...] = ()
    margin = math.nan
    if found is not None:
        margin, xa, xb = found
        conts, defs, _ = _values(inputs, xa, xb, belief_pair, verify_pair)
        stages = tuple(
            Stage(
                index=m,
                delivers=(float(xa[m] - xa[m - 1]), float(xb[m] - xb[m - 1])),
                cumulative=(float(xa[m]), float(xb[m])),
                continuation=(float(conts[0][m - 1]), float(conts[1][m - 1])),
                defection=(float(defs[0][m - 1]), float(defs[1][m - 1])),
            )
            for m in range(1, xa.shape[0])
        )
    method = (
        f"exhaustive search of schedules with 1..{max_stages} stages, shares in steps of "
        f"1/{grid}, all conditions affine and checked pairwise by broadcasting; least common "
        f"trust by bisection to {tolerance:g} (feasibility is monotone in trust)"
    )
    return PhasedResult(
        inputs=inputs,
        feasible=found is not None,
        stages=stages,
        margin=margin,
        least_trust=least,
        beliefs=belief_pair,
        verification=verify_pair,
        max_stages=max_stages,
        grid=grid,
        tolerance=tolerance,
        reason=reason,
        method=method,
    )
