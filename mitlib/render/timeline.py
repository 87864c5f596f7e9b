"""A timeline (Gantt chart) in hand-written SVG: lanes × time, bars, bands.

:func:`timeline` draws what happens to whom and when: one lane (row) per
person, team or place, one bar per activity (a coaching session, a pitch),
coloured by a key with a legend, over background bands for the blocks of a
programme (opening, meals, jury: tinted and named in a « Programme » row)
and the hours when nobody works (hatched). A lane may also have *windows*
(a coach's availability), tinted behind its bars. Hours are written the
French way (« ven 10:00 »); midnights are marked by a rule and the new day
(« samedi 13 mars »).

A long event is cut into panels of about ``panel_hours`` (12 by default: a
36-hour marathon gives three), all on the same scale, each its own
accessible SVG (``role="img"``, ``<title>``, ``<desc>`` saying its bars in
words) with its legend: a panel reads on its own on screen and fits a
printed page. A cut is moved by up to a quarter of a panel to a whole hour
that no bar crosses. The result is a :class:`Timeline`, shown by JupyterLab
and the exported pages.

Same conventions as :mod:`mitlib.render.charts`: Okabe–Ito colours, text
laid out with DejaVu Sans widths, coordinates to a tenth of a pixel, no
date or random identifier (same input, same bytes). This layer knows no
domain: it takes plain lanes, bars and bands.

Examples
--------
>>> day = datetime(2027, 3, 12, 9)
>>> chart = timeline(
...     [("E1", "Équipe 1")],
...     [Bar("E1", 60, 105, "K-1", key="banquier")],
...     start=day, end=datetime(2027, 3, 12, 13),
...     bands=[Band(0, 60, "Ouverture")], title="Séances",
... )
>>> len(chart.panels), chart.svg.count('class="barre"'), "ven 10:00" in chart.svg
(1, 1, True)
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from mitlib.core.text import french_date
from mitlib.render.svg import (
    FONT_FAMILY,
    GRID,
    INK,
    MUTED,
    OKABE_ITO,
    PAD,
    Chart,
    Figure,
    esc,
    mix,
    n,
    swatch,
    text,
    text_width,
    wrap,
)

__all__ = [
    "BAR_COLORS",
    "Band",
    "Bar",
    "Timeline",
    "day_label",
    "moment_label",
    "timeline",
]

DAYS = ("lun", "mar", "mer", "jeu", "ven", "sam", "dim")
#: Colours given to the bar keys, in order (Okabe–Ito without black).
BAR_COLORS: tuple[str, ...] = tuple(
    OKABE_ITO[c]
    for c in ("bleu", "orange", "vert", "pourpre", "bleu_ciel", "vermillon", "jaune")
)
#: Blocks of the programme (light yellow), their label boxes, hatched hours.
BLOCK_FILL = mix(OKABE_ITO["jaune"], 0.28)
BLOCK_LABEL_FILL = mix(OKABE_ITO["jaune"], 0.55)
BLOCK_EDGE = "#b8a200"
REST_FILL, REST_LINE = "#f0f0f0", "#c4c4c4"
ZEBRA = "#f7f7f7"
ROW_H, BAR_H = 22, 16
WIDTH = 960
HEAD_H = 34  # day names and hour labels over the « Programme » row
_TICK_STEPS = (1, 2, 3, 4, 6, 12, 24)


@dataclass(frozen=True)
class Bar:
    """An activity in a lane, from *start* to *end*.

    Times are ``datetime`` or minutes from the start of the timeline.
    *label* is written in the bar when it fits, *key* chooses its colour and
    its legend entry, *detail* (default: *label*) is its tooltip and its
    words in the text alternative.
    """

    lane: str
    start: datetime | float
    end: datetime | float
    label: str = ""
    key: str = ""
    detail: str = ""


@dataclass(frozen=True)
class Band:
    """A period over every lane: a block of the programme, named in the
    « Programme » row, or (*hatched*) hours off. *key* is its legend entry."""

    start: datetime | float
    end: datetime | float
    label: str = ""
    key: str = ""
    hatched: bool = False


@dataclass(frozen=True)
class Timeline:
    """A timeline: its panels (each a :class:`~mitlib.render.svg.Chart`) and,
    in their place, the sentences saying which spans were left out empty."""

    title: str
    items: tuple[Chart | str, ...]

    @property
    def panels(self) -> list[Chart]:
        return [p for p in self.items if isinstance(p, Chart)]

    @property
    def svg(self) -> str:
        """The panels' ``<svg>`` elements, one after the other."""
        return "".join(p.svg for p in self.panels)

    @property
    def description(self) -> str:
        return " ".join(p if isinstance(p, str) else p.description for p in self.items)

    def _repr_html_(self) -> str:
        parts = "".join(
            f'<p style="margin:0 0 0.8em 12px;font:13px {FONT_FAMILY}">{esc(p)}</p>'
            if isinstance(p, str)
            else '<div style="break-inside:avoid;page-break-inside:avoid;'
            f'margin:0 0 0.8em">{p.svg}</div>'
            for p in self.items
        )
        return (
            '<figure class="mitlib-graphique mitlib-frise" style="margin:0.6em 0">'
            f"{parts}</figure>"
        )

    def __str__(self) -> str:
        return self._repr_html_()


def moment_label(moment: datetime) -> str:
    """« ven 10:00 ».

    >>> moment_label(datetime(2027, 3, 12, 10))
    'ven 10:00'
    """
    return f"{DAYS[moment.weekday()]} {moment:%H:%M}"


def day_label(moment: datetime) -> str:
    """« vendredi 12 mars » (« 1er » on the first of the month).

    >>> day_label(datetime(2027, 3, 12)), day_label(datetime(2027, 4, 1))
    ('vendredi 12 mars', 'jeudi 1er avril')
    """
    return french_date(moment, weekday=True, year=False)


def _contrast_ink(color: str) -> str:
    """White or ink on *color*, whichever contrasts more (WCAG luminance)."""

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(color[i : i + 2], 16)) for i in (1, 3, 5))
    lum = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#ffffff" if 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.0601 else INK


def _stack(spans: list[tuple[float, float, int]]) -> dict[int, int]:
    """Sub-row of each bar of a lane: overlapping bars go one under the other."""
    ends: list[float] = []
    row_of: dict[int, int] = {}
    for a, b, i in sorted(spans):
        free = next((r for r, end in enumerate(ends) if end <= a), len(ends))
        if free == len(ends):
            ends.append(b)
        ends[free] = b
        row_of[i] = free
    return row_of


def _cuts(
    total: float, size: float, spans: list, soft: list = (), phase: float = 0
) -> list[float]:
    """Panel limits: as many panels as *size* asks, of even length, each cut
    moved by at most a quarter of a panel to the nearest whole hour (*phase*
    + 60 k minutes) that no span crosses (*spans*, then *soft* if possible).

    >>> _cuts(600, 240, [(170, 215)]), _cuts(600, 240, [(170, 215)], [(90, 150)])
    ([0, 120, 420, 600], [0, 240, 420, 600])
    """
    count = max(1, math.ceil(total / size - 1e-9))
    cuts: list[float] = [0]
    for k in range(1, count):
        hour = phase + 60 * round((k * total / count - phase) / 60)
        hours = sorted(range(-24, 25), key=lambda j: (abs(j), j))
        tries = [
            c
            for c in (hour + 60 * j for j in hours)
            if abs(c - hour) <= size / 4
            and cuts[-1] < c < total
            and not any(a < c < b for a, b in spans)
        ]
        best = [c for c in tries if not any(a < c < b for a, b in soft)]
        cuts.append((best or tries or [hour])[0])
    return [*cuts, total]


def _rect(x, y, w, h, fill: str, extra: str = "") -> str:
    more = f" {extra}" if extra else ""
    return (
        f'<rect x="{n(x)}" y="{n(y)}" width="{n(w)}" height="{n(h)}" '
        f'fill="{fill}"{more}/>'
    )


def _line(x1, y1, x2, y2, stroke: str, extra: str = "") -> str:
    more = f" {extra}" if extra else ""
    return (
        f'<line x1="{n(x1)}" y1="{n(y1)}" x2="{n(x2)}" y2="{n(y2)}" '
        f'stroke="{stroke}"{more}/>'
    )


def _titled(element: str, tip: str) -> str:
    """*element* (a self-closed tag) with a tooltip."""
    tag = element[1:].split(" ", 1)[0]
    return f"{element[:-2]}><title>{esc(tip)}</title></{tag}>"


@dataclass
class _Drawing:
    """What every panel of one timeline shares (built by :func:`timeline`)."""

    start: datetime
    title: str
    summary: str
    note: str | None
    width: float
    lane_title: str
    ids: list[str]
    labels: list[str]
    bars: Sequence[Bar]
    windows: Sequence[Bar]
    bands: Sequence[Band]
    palette: dict[str, str]
    spans: list[tuple[float, float]] = field(default_factory=list)
    window_spans: list[tuple[float, float]] = field(default_factory=list)
    band_spans: list[tuple[float, float]] = field(default_factory=list)
    rows_of: list[int] = field(default_factory=list)
    depth: list[int] = field(default_factory=list)
    label_w: float = 0.0
    unit: float = 0.0
    pattern: str = ""

    @property
    def x0(self) -> float:
        return PAD + self.label_w

    def offset(self, lane: int) -> float:
        return sum(self.depth[:lane]) * ROW_H

    def clock(self, m: float) -> str:
        return moment_label(self.start + timedelta(minutes=m))

    def range(self, a: float, b: float) -> str:
        """« ven 10:00–10:45 » (the end's day when it differs)."""
        first, last = self.clock(a), self.clock(b)
        return f"{first}–{last[4:] if last[:3] == first[:3] else last}"


def timeline(
    lanes: Sequence[str | tuple[str, str]],
    bars: Sequence[Bar],
    *,
    start: datetime,
    end: datetime,
    title: str,
    bands: Sequence[Band] = (),
    windows: Sequence[Bar] = (),
    colors: Mapping[str, str] | None = None,
    lane_title: str = "",
    panel_hours: int = 12,
    width: float = WIDTH,
    summary: str = "",
    note: str | None = None,
    empty: str | None = None,
) -> Timeline:
    """Lanes × time, in panels of about *panel_hours* (module docstring).

    Parameters
    ----------
    lanes : sequence of str or (id, label)
        Rows, top to bottom; a bar names its lane by id.
    bars : sequence of Bar
        Bars overlapping in a lane are drawn one under the other.
    start, end : datetime
        The time drawn; bars and bands outside are cut.
    title : str
        Title of every panel, followed by its span.
    bands : sequence of Band
    windows : sequence of Bar
        Periods of one lane (availability), tinted behind its bars with the
        colour of their key, lightened.
    colors : mapping, optional
        Key → colour; keys not given take :data:`BAR_COLORS` in order.
    lane_title : str
        Header of the lane labels (« Équipe »).
    panel_hours : int
        Hours per panel; every panel has the same scale.
    width : float
        Width of a panel in pixels (it shrinks to the page).
    summary : str
        First sentence of every panel's text alternative.
    note : str, optional
        A note under every panel (sources, fictional data…).
    empty : str, optional
        Leave out the panels without bars, saying « *empty* : <span>. » in
        their place (« Aucune séance »); by default they are drawn.

    Raises
    ------
    ValueError
        A bar names an unknown lane or does not end after it starts; *end*
        is not after *start*.
    """
    total = (end - start) / timedelta(minutes=1)
    if total <= 0 or panel_hours <= 0:
        raise ValueError("Frise : la fin doit suivre le début, panel_hours > 0.")

    def minutes(t: datetime | float) -> float:
        return (t - start) / timedelta(minutes=1) if isinstance(t, datetime) else t

    ids = [x if isinstance(x, str) else x[0] for x in lanes]
    labels = [x if isinstance(x, str) else x[1] for x in lanes]
    d = _Drawing(
        start, title, summary, note, width, lane_title, ids, labels, bars, windows,
        bands, dict(colors or {}),
    )  # fmt: skip
    for group, spans in ((bars, d.spans), (windows, d.window_spans)):
        for bar in group:
            a, b = minutes(bar.start), minutes(bar.end)
            if bar.lane not in ids or b <= a:
                raise ValueError(
                    f"Frise : « {bar.label or bar.key} » ({bar.lane}) : ligne "
                    "inconnue, ou fin avant le début."
                )
            spans.append((a, b))
            if bar.key and bar.key not in d.palette:
                d.palette[bar.key] = BAR_COLORS[len(d.palette) % len(BAR_COLORS)]
    d.band_spans = [(minutes(x.start), minutes(x.end)) for x in bands]
    d.rows_of = [0] * len(bars)
    for lane in ids:
        mine = [(*d.spans[k], k) for k, bar in enumerate(bars) if bar.lane == lane]
        stacked = _stack(mine)
        for k, r in stacked.items():
            d.rows_of[k] = r
        d.depth.append(max(stacked.values(), default=0) + 1)
    widest = max(
        [text_width(s, 11) for s in labels]
        + [text_width(lane_title, 11, True), text_width("Programme", 11)]
    )
    d.label_w = min(widest + 14, 220)
    phase = (60 - start.minute - start.second / 60) % 60
    named = [s for b, s in zip(bands, d.band_spans, strict=True) if b.label]
    cuts = _cuts(total, panel_hours * 60, d.spans, named, phase)
    longest = max(b - a for a, b in zip(cuts, cuts[1:], strict=False))
    d.unit = (width - PAD - d.x0) / longest
    ident = hashlib.sha1(title.encode(), usedforsecurity=False).hexdigest()[:8]
    items: list[Chart | str] = []
    for k, (lo, hi) in enumerate(zip(cuts, cuts[1:], strict=False)):
        if empty is not None and not any(a < hi and b > lo for a, b in d.spans):
            items.append(f"{empty} : {_span_title(start, lo, hi)}.")
            continue
        d.pattern = f"mitlib-hachures-{ident}-{k}"
        items.append(_panel(d, k, len(cuts) - 1, lo, hi))
    return Timeline(title, tuple(items))


def _span_title(start: datetime, lo: float, hi: float) -> str:
    """« vendredi 12 mars, 09:00 → 21:00 », or across two days."""
    a, b = start + timedelta(minutes=lo), start + timedelta(minutes=hi)
    if b.date() == a.date():
        return f"{day_label(a)}, {a:%H:%M} → {b:%H:%M}"
    if b == datetime.combine(a.date() + timedelta(days=1), datetime.min.time()):
        return f"{day_label(a)}, {a:%H:%M} → 24:00"
    return f"{day_label(a)} {a:%H:%M} → {day_label(b)} {b:%H:%M}"


def _panel(d: _Drawing, k: int, count: int, lo: float, hi: float) -> Chart:
    """One panel, from *lo* to *hi* minutes."""

    def x(m: float) -> float:
        return d.x0 + (m - lo) * d.unit

    def clip(a: float, b: float) -> tuple[float, float] | None:
        a, b = max(a, lo), min(b, hi)
        return (a, b) if b > a else None

    span = _span_title(d.start, lo, hi)
    heading = f"{d.title} — {span}" + (f" ({k + 1}/{count})" if count > 1 else "")
    shown = [i for i, s in enumerate(d.spans) if clip(*s)]
    fig = Figure(heading, _describe(d, span, shown, clip), width=d.width)
    fig.add(
        f'<defs><pattern id="{d.pattern}" width="6" height="6" '
        'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="{REST_FILL}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{REST_LINE}" stroke-width="2"/>'
        "</pattern></defs>"
    )
    if legend := _legend(d):
        fig.legend(legend)
    head = fig.y
    prog = head + HEAD_H  # the « Programme » row
    top = prog + ROW_H
    bottom = top + d.offset(len(d.ids))
    right = x(hi)
    lane_of = {lane: i for i, lane in enumerate(d.ids)}
    for i, depth in enumerate(d.depth):  # behind everything
        if i % 2 == 0:
            fig.add(_rect(PAD, top + d.offset(i), right - PAD, depth * ROW_H, ZEBRA))
    for w, span_ in zip(d.windows, d.window_spans, strict=True):
        if cut := clip(*span_):
            i = lane_of[w.lane]
            fill = mix(d.palette.get(w.key, BAR_COLORS[2]), 0.2)
            tip = f"{w.detail or w.key} : {d.range(*span_)}"
            shape = _rect(
                x(cut[0]), top + d.offset(i), (cut[1] - cut[0]) * d.unit,
                d.depth[i] * ROW_H, fill, 'class="fenetre"',
            )  # fmt: skip
            fig.add(_titled(shape, tip))
    for band, span_ in zip(d.bands, d.band_spans, strict=True):
        if cut := clip(*span_):
            fill = f"url(#{d.pattern})" if band.hatched else BLOCK_FILL
            what = 'class="repos"' if band.hatched else 'class="bloc" opacity="0.8"'
            bw = (cut[1] - cut[0]) * d.unit
            fig.add(_rect(x(cut[0]), prog, bw, bottom - prog, fill, what))
    _hours(fig, d, lo, hi, x, head, prog, bottom)
    fig.add(text(PAD, head + 27, d.lane_title, size=11, bold=True))
    fig.add(text(PAD, prog + 15, "Programme", size=11, fill=MUTED))
    for band, span_ in zip(d.bands, d.band_spans, strict=True):
        cut = clip(*span_)
        if cut is None or band.hatched or not band.label:
            continue
        bx, bw = x(cut[0]), (cut[1] - cut[0]) * d.unit
        box = _rect(
            bx, prog + 2, bw, ROW_H - 4, BLOCK_LABEL_FILL,
            f'stroke="{BLOCK_EDGE}" stroke-width="0.8"',
        )  # fmt: skip
        fig.add(_titled(box, f"{band.label} : {d.range(*span_)}"))
        label = wrap(band.label, bw - 4, 10, lines=1)[0] if bw >= 18 else "…"
        if label != "…":
            fig.add(text(bx + bw / 2, prog + 15, label, size=10, anchor="middle"))
    for i, label in enumerate(d.labels):
        y = top + d.offset(i)
        fig.add(
            text(PAD + 2, y + 15, wrap(label, d.label_w - 10, 11, lines=1), size=11)
        )
        fig.add(_line(PAD, y, right, y, GRID, 'stroke-width="0.6"'))
    fig.add(_line(PAD, bottom, right, bottom, GRID, 'stroke-width="0.6"'))
    for edge in (d.x0, right):
        fig.add(_line(edge, prog, edge, bottom, MUTED))
    for i in shown:
        bar = d.bars[i]
        a, b = clip(*d.spans[i])
        y = top + d.offset(lane_of[bar.lane]) + d.rows_of[i] * ROW_H
        fig.add(
            _bar(d, bar, d.spans[i], x(a), y + (ROW_H - BAR_H) / 2, (b - a) * d.unit)
        )
    fig.y = bottom + 8
    if d.note:
        fig.note(d.note)
    return fig.finish()


def _describe(d: _Drawing, span: str, shown: list[int], clip) -> str:
    """The panel's text alternative: its programme, then its bars by lane."""
    words = [d.summary] if d.summary else []
    count = "1 barre" if len(shown) == 1 else f"{len(shown)} barres"
    words.append(f"Frise de {span} : {count if shown else 'aucune barre'}.")
    named = [
        f"{band.label} {d.range(*s)}"
        for band, s in zip(d.bands, d.band_spans, strict=True)
        if band.label and not band.hatched and clip(*s)
    ]
    if named:
        words.append("Programme : " + " ; ".join(named) + ".")
    lines = []
    for lane, label in zip(d.ids, d.labels, strict=True):
        items = [
            f"{_what(d.bars[i])} {d.range(*d.spans[i])}"
            for i in shown
            if d.bars[i].lane == lane
        ]
        if items:
            lines.append(f"{label} : {', '.join(items)}")
    if lines:
        words.append(" ; ".join(lines) + ".")
    return " ".join(words)


def _what(bar: Bar) -> str:
    return bar.detail or bar.label or bar.key


def _legend(d: _Drawing) -> list[tuple[str, str]]:
    """Bar keys in order, then lane windows, then the band keys."""
    keys = dict.fromkeys(b.key for b in d.bars if b.key)
    items = [(swatch(d.palette[key]), key) for key in keys]
    for key in dict.fromkeys(w.key for w in d.windows if w.key):
        items.append((swatch(mix(d.palette[key], 0.2), stroke=GRID), key))
    seen: set[str] = set()
    for band in d.bands:
        if band.key and band.key not in seen:
            seen.add(band.key)
            fill = f"url(#{d.pattern})" if band.hatched else BLOCK_FILL
            edge = REST_LINE if band.hatched else BLOCK_EDGE
            items.append((_rect(0, 0, 12, 12, fill, f'stroke="{edge}"'), band.key))
    return items


def _hours(fig: Figure, d: _Drawing, lo, hi, x, head, prog, bottom) -> None:
    """Hour lines and labels, midnight rules and the names of the days."""
    room = text_width("ven 00:00", 10) + 20
    step = next((h for h in _TICK_STEPS if h * 60 * d.unit >= room), 24)
    midnights = []
    for h in range(math.ceil(lo / 60), math.floor(hi / 60) + 1):
        m, moment = h * 60, d.start + timedelta(hours=h)
        if moment.hour == 0 and lo < m < hi:
            midnights.append(m)
            fig.add(_line(x(m), prog, x(m), bottom, INK, 'stroke-width="1.5"'))
        elif lo < m < hi:
            fig.add(_line(x(m), prog, x(m), bottom, GRID, 'stroke-width="0.8"'))
        label = d.clock(m)
        half = text_width(label, 10) / 2
        inside = x(m) - half >= d.x0 - 14 and x(m) + half <= d.width - 2
        if moment.hour % step == 0 and inside:
            fig.add(text(x(m), head + 28, label, size=10, anchor="middle", fill=MUTED))
    first = day_label(d.start + timedelta(minutes=lo))
    if not midnights or x(midnights[0]) - d.x0 > text_width(first, 11, True) + 16:
        fig.add(text(d.x0, head + 11, first, size=11, bold=True))
    for m in midnights:
        day = day_label(d.start + timedelta(minutes=m))
        fig.add(text(x(m) + 4, head + 11, day, size=11, bold=True))


def _bar(d: _Drawing, bar: Bar, whole, x: float, y: float, w: float) -> str:
    """A bar, its tooltip and its label when the label fits."""
    color = d.palette.get(bar.key, BAR_COLORS[0])
    out = (
        f'<rect class="barre" x="{n(x)}" y="{n(y)}" width="{n(w)}" height="{BAR_H}" '
        f'rx="2" fill="{color}" stroke="#ffffff" stroke-width="0.8">'
        f"<title>{esc(f'{_what(bar)} : {d.range(*whole)}')}</title></rect>"
    )
    for size in (10, 9):
        if bar.label and text_width(bar.label, size) <= w - 4:
            ink = _contrast_ink(color)
            return out + text(
                x + w / 2, y + BAR_H / 2 + size * 0.36, bar.label, size=size,
                anchor="middle", fill=ink, extra='pointer-events="none"',
            )  # fmt: skip
    return out
