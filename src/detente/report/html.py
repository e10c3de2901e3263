"""A self-contained HTML report: one file, inline styles and figures, works offline."""

from __future__ import annotations

from html import escape

from detente.bargaining.analysis import SOLUTION_NAMES
from detente.graph_model.stability import CONCEPT_NAMES
from detente.report.build import ReportData, assumptions
from detente.report.narrative import describe_state

__all__ = ["render_html"]

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:62rem;
margin:2rem auto;padding:0 1rem;color:#1d2430;line-height:1.5}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d6dbe3}
.headline{font-size:1.15rem;background:#f2f5fa;border-left:4px solid #2f6db5;padding:.7rem 1rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #d6dbe3;padding:.3rem .55rem;vertical-align:top;text-align:left}
th{background:#f2f5fa}code{font-size:.85rem}figure{margin:1rem 0}figure svg{max-width:100%;
height:auto}.note{color:#6b7380;font-size:.9rem}.yes{color:#1f7a3a;font-weight:600}
"""


def _list(sentences: tuple[str, ...]) -> str:
    if not sentences:
        return "<p class='note'>Nothing to report.</p>"
    return "<ul>" + "".join(f"<li>{escape(s)}</li>" for s in sentences) + "</ul>"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(data: ReportData, name: str, caption: str) -> str:
    if name in data.figures:
        return f"<figure>{data.figures[name]}<figcaption>{escape(caption)}</figcaption></figure>"
    note = data.figure_note or "no figure"
    return f"<p class='note'>Figure not drawn: {escape(note)}</p>"


def _graph_sections(data: ReportData) -> list[str]:
    result = data.stability
    if result is None:
        return []
    model = result.model
    parts = ["<h2 id='parties'>Parties and options</h2>"]
    rows = []
    for i, party in enumerate(model.parties):
        for k, option in enumerate(model.options):
            if int(model.owner[k]) == i:
                rows.append(
                    [
                        escape(party.name),
                        escape(option.label),
                        f"<code>{option.id}</code>",
                        escape(option.moves),
                    ]
                )
    parts.append(_table(["party", "option", "id", "moves"], rows))
    parts.append("<h2 id='graph'>States and moves</h2>")
    parts.append(
        _figure(
            data,
            "graph",
            "Each arrow is a move that gains for the party that "
            "makes it; ringed states are sequentially stable equilibria.",
        )
    )
    parts.append("<h2 id='equilibria'>Equilibria</h2>")
    rows = []
    for concept in result.concepts:
        codes = result.equilibria(concept)
        shown = "<br>".join(
            f"<code>{c}</code> {escape(describe_state(model, c))}" for c in codes[:20]
        )
        more = f"<br>… and {len(codes) - 20} more" if len(codes) > 20 else ""
        rows.append([escape(CONCEPT_NAMES[concept]), str(len(codes)), (shown or "none") + more])
    parts.append(_table(["concept", "count", "equilibria"], rows))
    if model.n_states <= 64:
        header = [
            "state",
            *[f"{p.name} (level)" for p in model.parties],
            *[c.upper() for c in result.concepts],
        ]
        rows = []
        for index in range(model.n_states):
            row = [f"<code>{model.code(index)}</code>"]
            row += [str(int(model.payoff[i][index])) for i in range(len(model.parties))]
            for concept in result.concepts:
                ok = bool(result.equilibrium_mask(concept)[index])
                row.append("<span class='yes'>equilibrium</span>" if ok else "")
            rows.append(row)
        parts.append(_table(header, rows))
    parts.append("<h2 id='explanations'>Why</h2>")
    parts.append("<h3>Why the equilibria hold</h3>" + _list(data.narrative.equilibria))
    parts.append("<h3>Why the proposals fail or hold</h3>" + _list(data.narrative.proposals))
    if data.hypergame is not None:
        parts.append("<h2 id='perceptions'>What each side expected</h2>")
        parts.append(_list(data.narrative.expectations))
        focus: str = "seq" if "seq" in data.hypergame.concepts else data.hypergame.concepts[-1]
        header = ["state", "real game", *[f"as {p.name} saw it" for p in model.parties]]
        real = set(data.hypergame.real.equilibria(focus))
        views = {p.id: set(data.hypergame.expected(p.id, focus)) for p in model.parties}
        rows = []
        for code in model.codes():
            marks = [code in real] + [code in views[p.id] for p in model.parties]
            if any(marks):
                rows.append(
                    [f"<code>{code}</code> {escape(describe_state(model, code))}"]
                    + ["<span class='yes'>equilibrium</span>" if m else "" for m in marks]
                )
        parts.append(f"<p>Equilibria under {escape(CONCEPT_NAMES[focus])}, side by side:</p>")
        parts.append(_table(header, rows))
    if data.status_quo is not None:
        parts.append("<h2 id='status-quo'>From the status quo</h2>")
        parts.append(_list(data.narrative.status_quo))
    return parts


def _bargaining_sections(data: ReportData) -> list[str]:
    result = data.bargaining
    if result is None:
        return []
    problem = result.problem
    names = [p.name for p in problem.parties]
    parts = ["<h2 id='bargaining'>Bargaining</h2>", _list(data.narrative.bargaining)]
    parts.append(
        _figure(
            data,
            "bargaining",
            "Every package, the Pareto-optimal ones, each "
            "side's walk-away value and the classic solutions.",
        )
    )
    if result.solutions:
        rows = [
            [
                escape(SOLUTION_NAMES[name]),
                escape(", ".join(f"{k} {v}" for k, v in s.values.items())),
                *[f"{u:.3f}" for u in s.utilities],
            ]
            for name, s in result.solutions.items()
        ]
        parts.append(_table(["solution", "package", *names], rows))
    return parts


def _simulation_sections(data: ReportData) -> list[str]:
    if not data.matchups or data.bargaining is None:
        return []
    problem = data.bargaining.problem
    names = [p.name for p in problem.parties]
    first = data.matchups[0].trace
    agreed = [m for m in data.matchups if m.trace.agreement is not None]
    summary = (
        f"{len(agreed)} of {len(data.matchups)} strategy pairs reach an agreement."
        if agreed
        else f"None of the {len(data.matchups)} strategy pairs reaches an "
        "agreement: with no package that beats walking away for both, talks end in a "
        "walk-out or at the deadline."
    )
    parts = [
        "<h2 id='simulation'>Simulated negotiations</h2>",
        f"<p>Each built-in strategy of {escape(names[0])} against each of {escape(names[1])}: "
        f"alternating offers, {escape(names[first.first_proposer])} first, at most "
        f"{first.deadline} rounds. An agreement is worth less each round by the parties' "
        f"discount factors; walking away gives the walk-away value. {escape(summary)}</p>",
    ]
    rows = []
    for match in data.matchups:
        ending = match.trace.ending
        if ending.agreement is not None:
            what = escape(
                ", ".join(f"{k} {v}" for k, v in problem.outcome(ending.agreement).items())
            )
            how = f"agreement in round {ending.round}: {what}"
        elif ending.walked_by is not None:
            how = f"{escape(names[ending.walked_by])} walks away in round {ending.round}"
        else:
            how = "no deal by the deadline"
        rows.append(
            [
                escape(match.first),
                escape(match.second),
                how,
                *[f"{u:.3f}" for u in ending.utilities],
            ]
        )
    parts.append(_table([f"{names[0]} plays", f"{names[1]} plays", "result", *names], rows))
    return parts


def render_html(data: ReportData) -> str:
    """The whole report as one HTML page."""
    document = data.scenario.document
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(document.title)} — detente report</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{escape(document.title)}</h1>",
        f"<p>{escape(document.summary or '')}</p>",
        "<h2 id='summary'>Summary</h2>",
        f"<p class='headline'>{escape(data.narrative.headline)}</p>",
    ]
    parts += _graph_sections(data)
    parts += _bargaining_sections(data)
    parts += _simulation_sections(data)
    if data.whatif:
        parts.append("<h2 id='whatif'>What would have worked</h2>")
        parts.append(_list(data.whatif))
    parts.append("<h2 id='assumptions'>Assumptions and evidence</h2>")
    rows = []
    for item in assumptions(data.scenario):
        evidence = "<br>".join(
            f"{escape(title)}: “{escape(quote)}”" if quote else escape(title)
            for title, quote in item.evidence
        )
        rows.append([escape(item.where), escape(item.what), escape(item.because), evidence])
    parts.append(_table(["where", "assumption", "because", "evidence"], rows))
    parts.append("<h2 id='sources'>Sources</h2><ul>")
    for source in document.sources:
        extra = ", ".join(str(x) for x in (source.authors, source.year, source.publisher) if x)
        parts.append(
            f"<li><strong>{escape(source.title)}</strong>"
            f"{' — ' + escape(extra) if extra else ''}"
            f"{' — ' + escape(source.note) if source.note else ''}</li>"
        )
    parts.append(
        "</ul><p class='note'>Made with detente from "
        f"{escape(data.scenario.source)}.</p></body></html>"
    )
    return "\n".join(parts)
