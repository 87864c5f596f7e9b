"""A titled list of French sentences: how a wide analysis is read.

Where a table would be too wide to read (weight intervals of every criterion
for every EPCI, what changes when a pair is imposed), pages show one sentence
per case under a title, and say in a note where the full table is. A
:class:`Summary` is shown the same way in JupyterLab (``_repr_html_``), in
the exported pages and as plain text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Summary"]


@dataclass
class Summary:
    """A titled list of French sentences (shown like a table, read like text).

    Examples
    --------
    >>> s = Summary("Titre", ["Une <phrase>."], notes=["Note."])
    >>> "&lt;phrase&gt;" in s._repr_html_(), str(s).splitlines()[1]
    (True, '- Une <phrase>.')
    """

    title: str
    sentences: list[str]
    notes: Sequence[str] = ()

    def to_html(self) -> str:
        """The title, the sentences as a list, the notes in small type."""
        esc = html.escape
        items = "".join(f"<li>{esc(s)}</li>" for s in self.sentences)
        notes = "".join(
            f'<p style="margin:4px 0;font-size:12px;color:#57606a">{esc(n)}</p>'
            for n in self.notes
        )
        return (
            '<div class="mit-synthese" style="margin:10px 0 18px">'
            f'<p style="font-weight:600;margin:0 0 4px">{esc(self.title)}</p>'
            f'<ul style="margin:0 0 4px">{items}</ul>{notes}</div>'
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return "\n".join([self.title, *(f"- {s}" for s in self.sentences), *self.notes])

    __repr__ = __str__
