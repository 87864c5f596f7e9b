"""Hand-written SVG for the charts: text metrics, escaping, colours and the shell.

The charts of :mod:`mitlib.render.charts` are plain bars, intervals and grids,
so they are written directly rather than drawn by a plotting library: text
stays text (read by screen readers, searchable in the PDF, checked by tests
in French format), a chart weighs a few kilobytes, nothing is imported at
start-up, and the same input gives the same bytes (coordinates rounded to a
tenth of a pixel, no date, no random identifier).

Text is laid out with the advance widths of DejaVu Sans (the font of the
pages, declared first in :data:`FONT_FAMILY`; the fallbacks are narrower, so
labels still fit). Colours are those of Okabe & Ito (2008), told apart with
every common colour-vision deficiency.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from mitlib.core.text import format_fr

__all__ = [
    "FONT_FAMILY",
    "OKABE_ITO",
    "SERIES",
    "Chart",
    "Figure",
    "esc",
    "finite",
    "joined",
    "mix",
    "percent",
    "swatch",
    "text",
    "text_width",
    "wrap",
]

#: Font stack of every chart (DejaVu Sans first: the widths below are its own).
FONT_FAMILY = "'DejaVu Sans', Verdana, Arial, sans-serif"

#: The Okabe–Ito palette, by French colour name.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "bleu_ciel": "#56B4E9",
    "vert": "#009E73",
    "jaune": "#F0E442",
    "bleu": "#0072B2",
    "vermillon": "#D55E00",
    "pourpre": "#CC79A7",
    "noir": "#000000",
}
#: Colours of successive series (territories, bands), darkest first.
SERIES: tuple[str, ...] = (
    OKABE_ITO["bleu"],
    OKABE_ITO["orange"],
    OKABE_ITO["vert"],
    OKABE_ITO["pourpre"],
    OKABE_ITO["bleu_ciel"],
    OKABE_ITO["vermillon"],
)
INK = "#1a1a1a"
MUTED = "#595959"
GRID = "#d9d9d9"
TRACK = "#eeeeee"

# Advance widths of DejaVu Sans (thousandths of an em), characters 32 to 126.
_ASCII = (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 "
    "636 636 636 636 636 636 337 337 838 838 838 531 1000 684 686 698 770 632 575 775 "
    "752 295 295 656 557 863 748 787 603 787 695 635 611 732 684 989 685 611 685 390 "
    "337 390 838 500 500 613 635 550 635 615 352 635 634 278 278 579 278 974 634 612 "
    "635 635 411 521 392 634 592 818 592 592 525 636 337 636 838"
)
_WIDTHS = {chr(32 + i): int(w) for i, w in enumerate(_ASCII.split())}
_WIDTHS.update(
    {
        "œ": 1023, "æ": 982, "Œ": 1070, "Æ": 974, "\u202f": 200, "\u00a0": 318,
        "—": 1000, "–": 500, "’": 318, "«": 612, "»": 612, "…": 1000, "·": 318,
        "×": 838, "−": 838, "²": 401, "€": 636,
    }
)  # fmt: skip
_UNKNOWN_WIDTH = 700
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")
_BOLD = 1.16  # DejaVu Sans Bold is about 12 % wider on average
PAD = 12
WIDTH = 760


def _char_width(char: str) -> int:
    if char in _WIDTHS:
        return _WIDTHS[char]
    base = unicodedata.normalize("NFKD", char)[:1]  # é -> e: accents keep the width
    return _WIDTHS.get(base, _UNKNOWN_WIDTH)


def text_width(content: str, size: float, bold: bool = False) -> float:
    """Width in pixels of ``content`` in DejaVu Sans at ``size`` pixels.

    Examples
    --------
    >>> text_width("100 %", 10)
    31.76
    """
    width = sum(_char_width(c) for c in content) * size / 1000
    return round(width * (_BOLD if bold else 1.0), 2)


def wrap(content: str, width: float, size: float, *, lines: int = 2, bold=False):
    """Break ``content`` into at most ``lines`` lines of at most ``width`` pixels.

    Words are kept whole (« 1 000 » too: the space between digit groups
    becomes a no-break space); a word longer than the line is cut. Text
    left over after the last line ends it with « … ».

    Examples
    --------
    >>> wrap("Locaux vacants pour 1 000 habitants", 140, 12)
    ['Locaux vacants pour', '1\xa0000 habitants']
    >>> wrap("Locaux vacants pour 1 000 habitants", 140, 12, lines=1)
    ['Locaux vacants pour…']
    """
    out: list[str] = []
    words = _THOUSANDS.sub("\u00a0", str(content)).split(" ")
    while words and len(out) < lines:
        line = words.pop(0)
        if text_width(line, size, bold) > width:  # a word longer than a line
            cut = len(line)
            while cut > 1 and text_width(line[:cut], size, bold) > width:
                cut -= 1
            words.insert(0, line[cut:])
            line = line[:cut]
        while words and text_width(f"{line} {words[0]}", size, bold) <= width:
            line = f"{line} {words.pop(0)}"
        out.append(line)
    if words:
        last = out[-1]
        while last and text_width(last + "…", size, bold) > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out


def finite(value: object) -> bool:
    """Whether ``value`` is a finite number (not missing, not infinite)."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def joined(items: Sequence[str]) -> str:
    """Sentences of a text alternative: ``a ; b ; c.``"""
    return " ; ".join(items) + "." if items else ""


def esc(value: object) -> str:
    """Escape text for SVG inside HTML (quotes included)."""
    return html.escape(str(value), quote=True)


def n(value: float) -> str:
    """A coordinate: a tenth of a pixel, no trailing zeros (stable bytes)."""
    text_ = f"{round(float(value), 1):.1f}"
    return text_[:-2] if text_.endswith(".0") else text_


def percent(share: float, decimals: int = 0, *, trim: bool = False) -> str:
    r"""A share written as a French percentage (``0.235`` → ``23,5 %``).

    ``trim`` drops a zero decimal part (``1.0`` → ``100 %`` rather than
    ``100,0 %``). A missing share gives « donnée absente ».

    Examples
    --------
    >>> percent(0.2353, 1), percent(1.0, 1, trim=True)
    ('23,5\u202f%', '100\u202f%')
    """
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return format_fr(None)
    digits = format_fr(100 * float(share), decimals)
    if trim and "," in digits and set(digits.split(",")[1]) == {"0"}:
        digits = digits.split(",")[0]
    return f"{digits}\u202f%"


def mix(color: str, share: float, base: str = "#ffffff") -> str:
    """``share`` of ``color`` over ``base`` (``0`` gives ``base``), as ``#rrggbb``.

    Examples
    --------
    >>> mix("#0072B2", 0.5)
    '#80b8d8'
    """
    share = min(max(float(share), 0.0), 1.0)
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(base[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(
        f"{round(y + (x - y) * share):02x}" for x, y in zip(a, b, strict=True)
    )


def text(
    x: float,
    y: float,
    content: str | Sequence[str],
    *,
    size: float = 12,
    anchor: str = "start",
    bold: bool = False,
    fill: str = INK,
    line_height: float | None = None,
    extra: str = "",
) -> str:
    """A ``<text>`` element; a list of lines gives one ``<tspan>`` per line."""
    attrs = f'x="{n(x)}" y="{n(y)}"'
    if size != 12:
        attrs += f' font-size="{n(size)}"'
    if anchor != "start":
        attrs += f' text-anchor="{anchor}"'
    if bold:
        attrs += ' font-weight="bold"'
    if fill != INK:
        attrs += f' fill="{fill}"'
    if extra:
        attrs += f" {extra}"
    if isinstance(content, str):
        return f"<text {attrs}>{esc(content)}</text>"
    step = line_height or size * 1.25
    spans = "".join(
        f'<tspan x="{n(x)}" dy="{n(0 if i == 0 else step)}">{esc(line)}</tspan>'
        for i, line in enumerate(content)
    )
    return f"<text {attrs}>{spans}</text>"


@dataclass(frozen=True)
class Chart:
    """A chart: inline SVG, its title and its text alternative.

    Displayed by JupyterLab and in exported pages through :meth:`_repr_html_`;
    :attr:`svg` is the ``<svg>`` element for an HTML page (no namespace
    declaration, which HTML does not need), :attr:`document` a standalone
    ``.svg`` file.
    """

    svg: str
    title: str
    description: str

    def _repr_html_(self) -> str:
        return (
            '<figure class="mitlib-graphique" style="margin:0.6em 0;'
            f'break-inside:avoid;page-break-inside:avoid">{self.svg}</figure>'
        )

    @property
    def document(self) -> str:
        """The chart as a standalone SVG file."""
        head = '<svg xmlns="http://www.w3.org/2000/svg" '
        return '<?xml version="1.0" encoding="utf-8"?>\n' + head + self.svg[5:] + "\n"

    def __str__(self) -> str:
        return self._repr_html_()


class Figure:
    """Builds a chart top to bottom: title, legend, body parts, note.

    ``y`` is the running height; chart functions draw below it and move it.
    """

    def __init__(self, title: str, description: str, width: float = WIDTH):
        self.width = width
        self.title = title
        self.description = description
        self.parts: list[str] = []
        lines = wrap(title, width - 2 * PAD, 15, lines=3, bold=True)
        self.parts.append(text(PAD, PAD + 14, lines, size=15, bold=True))
        self.y = PAD + 14 + 19 * (len(lines) - 1) + 14

    def add(self, part: str) -> None:
        self.parts.append(part)

    def legend(self, items: Sequence[tuple[str, str]], x0: float = PAD) -> None:
        """One line (or more) of ``(swatch SVG drawn at 0,0 on 12×12, label)``."""
        x, y = x0, self.y
        for swatch, label in items:
            w = 18 + text_width(label, 12)
            if x > x0 and x + w > self.width - PAD:
                x, y = x0, y + 20
            self.parts.append(f'<g transform="translate({n(x)},{n(y)})">{swatch}</g>')
            self.parts.append(text(x + 17, y + 10.5, label))
            x += w + 22
        self.y = y + 26

    def note(self, content: str) -> None:
        """A muted note under the chart (sources, reading, missing values)."""
        lines = wrap(content, self.width - 2 * PAD, 11, lines=4)
        self.parts.append(text(PAD, self.y + 12, lines, size=11, fill=MUTED))
        self.y += 14 * len(lines) + 4

    def finish(self) -> Chart:
        body = "".join(self.parts)
        height = math.ceil(self.y + PAD)
        digest = hashlib.sha1(
            f"{self.title}\n{self.description}\n{body}".encode(), usedforsecurity=False
        ).hexdigest()[:10]
        ident = f"mitlib-graphique-{digest}"
        svg = (
            f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" '
            f'viewBox="0 0 {n(self.width)} {height}" width="{n(self.width)}" '
            f'height="{height}" font-family="{FONT_FAMILY}" font-size="12" '
            f'fill="{INK}" class="mitlib-graphique" style="max-width:100%;height:auto">'
            f'<title id="{ident}-t">{esc(self.title)}</title>'
            f'<desc id="{ident}-d">{esc(self.description)}</desc>'
            f'<rect width="100%" height="100%" fill="#ffffff"/>{body}</svg>'
        )
        return Chart(svg=svg, title=self.title, description=self.description)


def swatch(color: str, *, stroke: str | None = None) -> str:
    """A 12×12 legend square."""
    edge = f' stroke="{stroke}"' if stroke else ""
    return f'<rect width="12" height="12" fill="{color}"{edge}/>'
