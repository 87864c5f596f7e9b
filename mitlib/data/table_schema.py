"""The machinery of the table contracts: :class:`Field` and :class:`TableSchema`.

A table is a :class:`TableSchema` made of :class:`Field` objects (the six
tables are declared in :mod:`mitlib.data.schemas`). That single declaration
drives:

* parsing and validation of user files (:mod:`mitlib.data.cells`, then a
  pandera schema built by :meth:`TableSchema.pandera_schema`),
* the blank templates (CSV and XLSX, :func:`mitlib.data.templates.write_templates`),
* the documentation of the columns (:meth:`TableSchema.to_markdown`),
* which columns may reach a public output: an explicit list per table
  (:attr:`TableSchema.public_columns`, used by
  :meth:`TableSchema.public_frame`); personal data (names, e-mails, phones:
  :attr:`TableSchema.private_columns`) and undeclared columns never do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mitlib.core.errors import OptionError

if TYPE_CHECKING:  # pandas and pandera load in ~0.4 s: not for `mit --help`
    import pandas as pd
    import pandera.pandas as pa

__all__ = ["DERIVED_PUBLIC", "Field", "TableSchema"]


@dataclass(frozen=True)
class Field:
    """One column of a user table.

    Parameters
    ----------
    name : str
        Column name, French, as written in files.
    kind : str
        One of ``texte``, ``identifiant``, ``entier``, ``decimal``, ``date``,
        ``booleen``, ``choix``, ``liste``, ``commune``, ``latitude``,
        ``longitude``, ``siret``.
    description : str
        French explanation shown in templates and documentation.
    required : bool
        A blank cell is an error.
    choices : dict
        For ``choix`` and ``liste``: canonical value → accepted aliases.
    minimum, maximum : float, optional
        Bounds for numbers.
    private : bool
        Personal data (names, e-mails, phones): removed from public exports.
    example : str
        An example value for the documentation.
    """

    name: str
    kind: str
    description: str
    required: bool = False
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    private: bool = False
    example: str = ""

    @property
    def vocabulary(self) -> list[str]:
        """Canonical values of a ``choix``/``liste`` field."""
        return list(self.choices)

    def explanation(self) -> str:
        """One-line French explanation (the templates' explanation row)."""
        parts = ["obligatoire" if self.required else "facultatif"]
        if self.private:
            parts.append("donnée personnelle, jamais publiée")
        text = f"({', '.join(parts)}) {self.description}"
        if self.choices:
            sep = " ; plusieurs valeurs séparées par |" if self.kind == "liste" else ""
            text += f" Valeurs : {' | '.join(self.choices)}{sep}."
        if self.example:
            text += f" Exemple : {self.example}"
        return text


@dataclass(frozen=True)
class TableSchema:
    """A user table: its fields and how it is located on the map."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    geolocated: bool = True
    #: Columns that may be written to a public output, named one by one.
    public: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.public) - set(self.columns)
        private = set(self.public) & set(self.private_columns)
        if unknown or private:  # a mistake in this module, not the user's
            raise AssertionError(
                f"table {self.name} : colonnes publiques inconnues {sorted(unknown)} "
                f"ou personnelles {sorted(private)}"
            )

    @property
    def columns(self) -> list[str]:
        """Column names in template order."""
        return [f.name for f in self.fields]

    @property
    def required_columns(self) -> list[str]:
        """Columns that must be present in a file (and non-blank)."""
        return [f.name for f in self.fields if f.required]

    @property
    def has_commune(self) -> bool:
        """Rows name a commune of the territory (resolved to ``code_insee``)."""
        return any(f.kind == "commune" for f in self.fields)

    @property
    def private_columns(self) -> list[str]:
        """Columns holding personal data."""
        return [f.name for f in self.fields if f.private]

    @property
    def public_columns(self) -> list[str]:
        """Declared public columns, then the columns mitlib derives from them
        (:data:`DERIVED_PUBLIC`)."""
        return [*self.public, *DERIVED_PUBLIC]

    def public_frame(
        self, df: pd.DataFrame, *, extra: tuple[str, ...] = ()
    ) -> pd.DataFrame:
        """A copy of ``df`` reduced to the columns that may be made public.

        Only the columns named in :attr:`public_columns` (and ``extra``) are
        kept, in ``df``'s order; personal and undeclared columns are left
        out whatever their name. In the text columns kept, a value that looks
        like an e-mail address or a phone number is withheld (replaced by
        :data:`mitlib.data.privacy.WITHHELD`): a shifted cell must not publish a
        contact.

        Examples
        --------
        >>> import pandas as pd
        >>> from mitlib.data.schemas import get_schema
        >>> df = pd.DataFrame({"id": ["L-1"], "adresse": ["jo@exemple.fr"],
        ...                    "proprio_contact": ["Jo"], "email": ["jo@x.fr"]})
        >>> get_schema("locaux").public_frame(df).to_dict("records")
        [{'id': 'L-1', 'adresse': '(retiré : donnée personnelle probable)'}]
        """
        from mitlib.data.privacy import withhold_personal

        allowed = set(self.public_columns) | set(extra)
        kept = df[[c for c in df.columns if c in allowed]].copy()
        text = [f.name for f in self.fields if f.kind in _FREE_TEXT]
        return withhold_personal(kept, [c for c in text if c in kept.columns])

    def field(self, name: str) -> Field:
        """Return the field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise OptionError(f"Colonne inconnue pour la table {self.name} : {name}")

    def pandera_schema(self) -> pa.DataFrameSchema:
        """Constraints checked after parsing, as a pandera schema.

        Parsing (decimal comma, dates, vocabularies, communes) happens first
        (:mod:`mitlib.data.cells`, :func:`mitlib.data.io.load_table`); this
        schema then checks presence, bounds and uniqueness on the typed table,
        with French messages.
        """
        import pandera.pandas as pa

        columns: dict[str, pa.Column] = {}
        for f in self.fields:
            checks: list[pa.Check] = []
            if f.minimum is not None:
                checks.append(
                    pa.Check.ge(f.minimum, error=f"doit être ≥ {_num(f.minimum)}")
                )
            if f.maximum is not None:
                checks.append(
                    pa.Check.le(f.maximum, error=f"doit être ≤ {_num(f.maximum)}")
                )
            if f.kind == "siret":
                checks.append(
                    pa.Check.str_matches(
                        r"^\d{14}$", error="un SIRET compte 14 chiffres"
                    )
                )
            columns[f.name] = pa.Column(
                nullable=not f.required,
                checks=checks,
                required=False,
                coerce=False,
            )
        df_checks = []
        if self.name == "evenements":
            df_checks.append(
                pa.Check(
                    lambda d: d["date_fin"].isna() | (d["date_fin"] >= d["date_debut"]),
                    error="date_fin antérieure à date_debut",
                    name="date_fin",
                )
            )
        return pa.DataFrameSchema(columns, checks=df_checks, strict=False)

    def to_markdown(self) -> str:
        """French documentation of the table, as a Markdown table."""
        lines = [
            f"## {self.title} (`{self.name}`)",
            "",
            self.description,
            "",
            "| colonne | obligatoire | publique | description | valeurs |",
            "|---|---|---|---|---|",
        ]
        for f in self.fields:
            values = " \\| ".join(f.choices) if f.choices else f.kind
            desc = f.description + (" **Donnée personnelle.**" if f.private else "")
            required = "oui" if f.required else "non"
            public = "oui" if f.name in self.public else "non"
            lines.append(f"| `{f.name}` | {required} | {public} | {desc} | {values} |")
        return "\n".join(lines) + "\n"


#: Columns mitlib adds to a loaded table, public as the columns they come from.
DERIVED_PUBLIC: tuple[str, ...] = (
    "ligne",
    "code_insee",
    "epci_siren",
    "precision",
    "controle_position",
    "geometry",
)
#: Kinds of field where a person may type anything, contacts included.
_FREE_TEXT = ("texte", "liste")


def _num(x: float) -> str:
    return f"{x:g}".replace(".", ",")
