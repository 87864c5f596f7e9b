"""Data contracts of the tables the chargés de mission keep.

Each table is declared once here, as a :class:`TableSchema` made of
:class:`Field` objects. That single declaration drives:

* parsing and validation of user files (:mod:`mitlib.data.io`, through a pandera
  schema built by :meth:`TableSchema.pandera_schema`),
* the blank templates (CSV and XLSX, :func:`mitlib.data.templates.write_templates`),
* the documentation of the columns (:meth:`TableSchema.to_markdown`),
* which columns may reach a public output: an explicit list per table
  (:attr:`TableSchema.public_columns`, used by
  :meth:`TableSchema.public_frame`); personal data (names, e-mails, phones:
  :attr:`TableSchema.private_columns`) and undeclared columns never do.

Column names are French and borrow the national schemas where they overlap
(CNIG Friches: ``bati_vacance``, ``bati_etat``, ``proprio_type``; data·inclusion:
``siret``, ``reseaux``, ``date_maj``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas and pandera load in ~0.4 s: not for `mit --help`
    import pandas as pd
    import pandera.pandas as pa

__all__ = [
    "ACTOR_CATEGORIES",
    "EVENT_TYPES",
    "BUILDING_STATE",
    "FICTIONAL_MARK",
    "LABELS",
    "MATURITY",
    "OWNER_TYPES",
    "PERIMETERS",
    "PREMISES_TYPES",
    "SUPPORT_CATEGORIES",
    "TABLES",
    "VACANCY",
    "THEMES",
    "Field",
    "TableSchema",
    "get_schema",
]

#: The five themes of the marathon cycle (DOMAIN.md), with accepted aliases.
THEMES: dict[str, tuple[str, ...]] = {
    "artisanat et commerce": ("commerce", "artisanat", "mon incroyable commerce"),
    "tourisme": ("mon incroyable tourisme",),
    "résilience alimentaire": (
        "alimentation",
        "terroir",
        "agriculture",
        "mon incroyable terroir",
    ),
    "culture et patrimoine": ("culture", "patrimoine", "mon incroyable culture"),
    "bien-vivre et bien-vieillir": (
        "bien vieillir",
        "bien-vieillir",
        "bien vivre",
        "quotidien",
        "mon incroyable quotidien",
    ),
}

ACTOR_CATEGORIES: dict[str, tuple[str, ...]] = {
    "structure d'accompagnement": (
        "accompagnement",
        "chambre consulaire",
        "incubateur",
        "cci",
        "cma",
    ),
    "financeur": ("financement", "banque", "financeurs"),
    "collectivité": ("collectivite locale", "commune", "epci", "mairie"),
    "emploi et formation": ("emploi", "formation", "mission locale", "france travail"),
    "tiers-lieu": ("tiers lieu", "coworking", "tiers-lieux"),
    "association": ("asso", "associations"),
    "commerçant ou artisan référent": (
        "commercant referent",
        "artisan referent",
        "commercant",
        "artisan",
    ),
}

#: Categories counted as "support actors" for distances and zones blanches.
SUPPORT_CATEGORIES: tuple[str, ...] = (
    "structure d'accompagnement",
    "financeur",
    "tiers-lieu",
)

PERIMETERS: dict[str, tuple[str, ...]] = {
    "commune": ("communal",),
    "EPCI": ("intercommunalite", "intercommunal", "communaute de communes"),
    "Pays": ("pays de la vallee du lot", "territoire"),
    "département": ("departemental", "lot-et-garonne", "47"),
    "région": ("regional", "nouvelle-aquitaine"),
}

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "foire": ("foires",),
    "marché": ("marche de producteurs", "marches"),
    "salon": ("salons",),
    "forum": ("forum emploi", "forums"),
    "festival": ("fete", "festivals"),
    "atelier ou réunion": ("atelier", "reunion", "conference", "rencontre"),
    "autre": (),
}

PREMISES_TYPES: dict[str, tuple[str, ...]] = {
    "commerce": ("boutique", "local commercial", "magasin"),
    "bureau": ("bureaux",),
    "atelier": ("local artisanal", "local d'activite"),
    "restaurant": ("cafe", "bar", "cafe-restaurant"),
    "entrepôt": ("entrepot", "hangar", "stockage"),
    "autre": (),
}

VACANCY: dict[str, tuple[str, ...]] = {
    "vacant": ("vide", "libre"),
    "partiellement occupé": ("partiellement occupe", "partiel"),
    "occupé": ("occupe",),
}

BUILDING_STATE: dict[str, tuple[str, ...]] = {
    "bon état": ("bon", "bon etat", "neuf"),
    "à rafraîchir": ("a rafraichir", "moyen", "rafraichir"),
    "travaux lourds": ("a renover", "degrade", "travaux"),
    "inconnu": ("ne sait pas", "nsp"),
}

OWNER_TYPES: dict[str, tuple[str, ...]] = {
    "particulier": ("prive", "personne physique"),
    "société": ("societe", "sci", "entreprise"),
    "commune": ("mairie",),
    "EPCI": ("intercommunalite",),
    "bailleur social": ("bailleur",),
    "autre public": ("epf", "sem", "etablissement public"),
}

#: Text put in the ``source`` column of every sample row, detected by loaders
#: and maps to label outputs as fictional.
FICTIONAL_MARK = "DONNÉES FICTIVES (exemple mitlib)"


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
        raise KeyError(f"Colonne inconnue pour la table {self.name} : {name}")

    def pandera_schema(self) -> pa.DataFrameSchema:
        """Constraints checked after parsing, as a pandera schema.

        Parsing (decimal comma, dates, vocabularies, communes) happens first in
        :mod:`mitlib.data.io`; this schema then checks presence, bounds and
        uniqueness on the typed table, with French messages.
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


_LAT = Field(
    "latitude",
    "latitude",
    "Latitude WGS84 en degrés décimaux (virgule ou point). Vide : la mairie.",
    minimum=-90,
    maximum=90,
    example="44,4087",
)
_LON = Field(
    "longitude",
    "longitude",
    "Longitude WGS84 en degrés décimaux. Vide : la mairie.",
    minimum=-180,
    maximum=180,
    example="0,7045",
)
_COMMUNE = Field(
    "commune",
    "commune",
    "Code INSEE (5 caractères) ou nom de la commune, avec ou sans accents.",
    required=True,
    example="Villeneuve-sur-Lot",
)
_THEMES = Field(
    "themes",
    "liste",
    "Thèmes du cycle concernés.",
    choices=THEMES,
    example="tourisme | culture et patrimoine",
)
_DATE_MAJ = Field(
    "date_maj", "date", "Date de mise à jour de la ligne.", example="15/09/2026"
)
_SOURCE = Field(
    "source", "texte", "Origine de l'information (relevé terrain, fichier…)."
)

LOCAUX = TableSchema(
    name="locaux",
    title="Locaux vacants",
    description=(
        "Locaux vacants proposés par leurs propriétaires, pour un marathon ou au-delà. "
        "Champs repris du schéma CNIG Friches (bati_vacance, bati_etat, proprio_type)."
    ),
    fields=(
        Field(
            "id",
            "identifiant",
            "Identifiant unique du local.",
            required=True,
            example="L-047-001",
        ),
        _COMMUNE,
        Field("adresse", "texte", "Adresse postale.", example="12 rue de Paris"),
        _LAT,
        _LON,
        Field("type_local", "choix", "Type de local.", choices=PREMISES_TYPES),
        Field(
            "surface_m2",
            "decimal",
            "Surface en m².",
            minimum=0,
            maximum=100_000,
            example="85,5",
        ),
        Field(
            "loyer_mensuel",
            "decimal",
            "Loyer mensuel hors charges, en euros.",
            minimum=0,
            example="650",
        ),
        Field("vacant_depuis", "date", "Date de début de vacance.", example="01/2024"),
        Field("bati_vacance", "choix", "Occupation du bâti.", choices=VACANCY),
        Field("bati_etat", "choix", "État du bâti.", choices=BUILDING_STATE),
        Field("proprio_type", "choix", "Type de propriétaire.", choices=OWNER_TYPES),
        Field(
            "disponible_marathon",
            "booleen",
            "Le propriétaire accepte de le prêter pour un marathon (oui/non).",
            example="oui",
        ),
        _SOURCE,
        _DATE_MAJ,
        Field(
            "proprio_contact",
            "texte",
            "Nom, courriel ou téléphone du propriétaire.",
            private=True,
        ),
    ),
    public=(
        "id",
        "commune",
        "adresse",
        "latitude",
        "longitude",
        "type_local",
        "surface_m2",
        "loyer_mensuel",
        "vacant_depuis",
        "bati_vacance",
        "bati_etat",
        "proprio_type",
        "disponible_marathon",
        "source",
        "date_maj",
    ),
)

ACTEURS = TableSchema(
    name="acteurs",
    title="Acteurs de l'accompagnement",
    description=(
        "Structures d'accompagnement, financeurs, collectivités, emploi-formation, "
        "tiers-lieux, associations, commerçants et artisans référents. Champs repris "
        "du schéma data·inclusion (siret, reseaux, date_maj)."
    ),
    fields=(
        Field(
            "id", "identifiant", "Identifiant unique.", required=True, example="A-01"
        ),
        Field("nom", "texte", "Nom de la structure.", required=True),
        Field("siret", "siret", "SIRET (14 chiffres), facultatif."),
        Field(
            "categorie",
            "choix",
            "Catégorie d'acteur.",
            required=True,
            choices=ACTOR_CATEGORIES,
        ),
        Field(
            "reseaux",
            "liste",
            "Réseaux d'appartenance (chambres-consulaires, france-active, "
            "initiative-france, reseau-entreprendre, reseau-bge, adie…), "
            "séparés par |.",
        ),
        Field("expertise", "texte", "Expertises en texte libre, niveau compris."),
        _THEMES,
        Field(
            "perimetre",
            "choix",
            "Périmètre d'intervention.",
            choices=PERIMETERS,
            example="EPCI",
        ),
        Field("apporte", "texte", "Ce que l'acteur apporte aux porteurs de projet."),
        Field("attend", "texte", "Ce que l'acteur attend du programme."),
        _COMMUNE,
        Field("adresse", "texte", "Adresse postale."),
        _LAT,
        _LON,
        Field(
            "contact",
            "texte",
            "Personne à contacter, courriel, téléphone.",
            private=True,
        ),
        _SOURCE,
        _DATE_MAJ,
    ),
    public=(
        "id",
        "nom",
        "siret",
        "categorie",
        "reseaux",
        "expertise",
        "themes",
        "perimetre",
        "apporte",
        "attend",
        "commune",
        "adresse",
        "latitude",
        "longitude",
        "source",
        "date_maj",
    ),
)

EVENEMENTS = TableSchema(
    name="evenements",
    title="Événements locaux",
    description=(
        "Foires, marchés, salons, forums où rencontrer de futurs entrepreneurs."
    ),
    fields=(
        Field(
            "id", "identifiant", "Identifiant unique.", required=True, example="E-01"
        ),
        Field("nom", "texte", "Nom de l'événement.", required=True),
        Field("type", "choix", "Type d'événement.", choices=EVENT_TYPES),
        _COMMUNE,
        Field(
            "date_debut", "date", "Premier jour.", required=True, example="02/06/2023"
        ),
        Field("date_fin", "date", "Dernier jour (vide : un seul jour)."),
        _THEMES,
        _LAT,
        _LON,
        _SOURCE,
    ),
    public=(
        "id",
        "nom",
        "type",
        "commune",
        "date_debut",
        "date_fin",
        "themes",
        "latitude",
        "longitude",
        "source",
    ),
)

LABELS: dict[str, tuple[str, ...]] = {
    "ACV": ("action coeur de ville", "action cœur de ville"),
    "PVD": ("petites villes de demain", "petite ville de demain"),
    "aucun": ("non", "sans", "sans label", "-"),
}

_RANKED_THEMES = tuple(
    Field(
        f"theme_{rank}",
        "choix",
        f"Thème classé en position {rank} par la commune"
        + (" (obligatoire)." if rank == 1 else " (facultatif)."),
        required=rank == 1,
        choices=THEMES,
    )
    for rank in range(1, 6)
)

CANDIDATURES = TableSchema(
    name="candidatures",
    title="Candidatures des communes",
    description=(
        "Communes candidates pour accueillir un marathon, avec leur classement des "
        "thèmes, leurs périodes possibles et leurs moyens."
    ),
    fields=(
        Field(
            "id", "identifiant", "Identifiant unique.", required=True, example="C-01"
        ),
        _COMMUNE,
        Field(
            "label", "choix", "Label de revitalisation.", required=True, choices=LABELS
        ),
        *_RANKED_THEMES,
        Field(
            "periodes",
            "liste",
            "Périodes où la commune peut accueillir, séparées par |.",
            example="2025-S1 | 2025-S2",
        ),
        Field("locaux_nb", "entier", "Locaux vacants mobilisables.", minimum=0),
        Field(
            "locaux_ids",
            "liste",
            "Identifiants des locaux mobilisables (table locaux), séparés par |.",
        ),
        Field(
            "capacite_accueil",
            "entier",
            "Capacité de la salle principale (personnes).",
            minimum=0,
        ),
        Field("partenaires_engages", "entier", "Partenaires engagés.", minimum=0),
        Field("elu_referent", "texte", "Élu référent (fonction)."),
        Field("motivation", "texte", "Motivation en quelques lignes."),
        Field("deja_accueilli", "booleen", "A déjà accueilli un marathon (oui/non)."),
        Field("commentaires", "texte", "Commentaires libres."),
        Field("contact", "texte", "Courriel ou téléphone du dossier.", private=True),
        _SOURCE,
    ),
    geolocated=False,
    public=(
        "id",
        "commune",
        "label",
        *(f"theme_{rank}" for rank in range(1, 6)),
        "periodes",
        "locaux_nb",
        "locaux_ids",
        "capacite_accueil",
        "partenaires_engages",
        "elu_referent",
        "motivation",
        "deja_accueilli",
        "commentaires",
        "source",
    ),
)

#: Controlled vocabulary of expertise domains (coaches and project needs).
DOMAINS: dict[str, tuple[str, ...]] = {
    "financement": ("finance", "financer", "levee de fonds"),
    "juridique": ("droit", "statuts", "statut juridique"),
    "comptabilité/gestion": ("comptabilite", "gestion", "compta"),
    "marketing/communication": ("marketing", "communication"),
    "vente/commerce": ("vente", "commerce"),
    "numérique": ("numerique", "digital", "informatique"),
    "RH/management": ("rh", "management", "ressources humaines"),
    "gouvernance collective/ESS": (
        "ess",
        "gouvernance",
        "economie sociale et solidaire",
    ),
    "immobilier/local commercial": ("immobilier", "local commercial", "local"),
    "agriculture/alimentation": ("agriculture", "alimentation"),
    "tourisme": (),
    "culture/patrimoine": ("culture", "patrimoine"),
    "santé/bien-vieillir": ("sante", "bien vieillir", "bien-vieillir"),
    "mobilité": ("mobilite", "transport"),
}

COACH_TYPES: dict[str, tuple[str, ...]] = {
    "expert création d'entreprise": ("expert creation", "creation d'entreprise"),
    "commerçant/artisan": ("commercant", "artisan"),
    "banquier/financeur": ("banquier", "financeur"),
    "élu/technicien": ("elu", "technicien"),
    "expert thématique": ("expert thematique", "expert"),
}

MATURITY: dict[str, tuple[str, ...]] = {
    "idée": ("idee",),
    "initiative": (),
    "projet en cours": ("en cours",),
    "projet avancé": ("avance", "projet avance"),
    "installation": (),
    "reprise": ("reprise d'entreprise",),
    "développement": ("developpement",),
}

_DOMAINS_FIELD = Field(
    "domaines",
    "liste",
    "Domaines d'expertise (vocabulaire contrôlé), séparés par |.",
    choices=DOMAINS,
    example="financement | immobilier/local commercial",
)

COACHS = TableSchema(
    name="coachs",
    title="Coachs des marathons",
    description="Coachs bénévoles : experts, commerçants, banquiers, élus…",
    fields=(
        Field(
            "id", "identifiant", "Identifiant unique.", required=True, example="K-01"
        ),
        Field("nom", "texte", "Prénom et nom.", required=True, private=True),
        Field("organisation", "texte", "Structure d'appartenance."),
        Field(
            "type_coach", "choix", "Type de coach.", required=True, choices=COACH_TYPES
        ),
        Field("expertise", "texte", "Expertise en texte libre."),
        _DOMAINS_FIELD,
        _THEMES,
        Field(
            "marathons",
            "liste",
            "Identifiants des marathons où le coach est disponible, séparés par |.",
            required=True,
        ),
        Field(
            "capacite_max",
            "entier",
            "Nombre maximal de projets accompagnés par marathon.",
            minimum=0,
            maximum=100,
            example="3",
        ),
        Field("commune", "texte", "Commune de résidence ou d'activité (libre)."),
        Field(
            "conflits",
            "liste",
            "Projets avec lesquels le coach a un conflit d'intérêts (identifiants, |).",
        ),
        Field("contact", "texte", "Courriel, téléphone.", private=True),
        _SOURCE,
    ),
    geolocated=False,
    # not public: the name and contact, the commune of residence (with the
    # organisation it points to a person) and the declared conflicts
    public=(
        "id",
        "organisation",
        "type_coach",
        "expertise",
        "domaines",
        "themes",
        "marathons",
        "capacite_max",
        "source",
    ),
)

PROJETS = TableSchema(
    name="projets",
    title="Projets des porteurs",
    description="Projets présentés à un marathon et leurs besoins.",
    fields=(
        Field(
            "id", "identifiant", "Identifiant unique.", required=True, example="P-01"
        ),
        Field("porteur", "texte", "Prénom et nom du porteur.", private=True),
        Field("titre", "texte", "Titre du projet.", required=True),
        Field("description", "texte", "Description du projet."),
        Field("besoins", "texte", "Besoins en texte libre."),
        _DOMAINS_FIELD,
        Field("theme", "choix", "Thème du marathon.", choices=THEMES),
        Field("maturite", "choix", "Maturité du projet.", choices=MATURITY),
        Field("commune", "texte", "Commune du projet (libre)."),
        Field("marathon", "texte", "Identifiant du marathon.", required=True),
        Field(
            "organisation",
            "texte",
            "Structure porteuse ou d'appartenance du porteur : aucun coach de la "
            "même organisation ne lui est proposé.",
        ),
        Field("contact", "texte", "Courriel, téléphone du porteur.", private=True),
        _SOURCE,
    ),
    geolocated=False,
    public=(
        "id",
        "titre",
        "description",
        "besoins",
        "domaines",
        "theme",
        "maturite",
        "commune",
        "marathon",
        "organisation",
        "source",
    ),
)

TABLES: dict[str, TableSchema] = {
    t.name: t for t in (LOCAUX, ACTEURS, EVENEMENTS, CANDIDATURES, COACHS, PROJETS)
}


def get_schema(name: str) -> TableSchema:
    """Return the schema of table ``name``.

    Examples
    --------
    >>> get_schema("locaux").required_columns
    ['id', 'commune']
    >>> get_schema("inconnue")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mitlib.core.errors.OptionError: Table inconnue : « inconnue ». Tables possibles ...
    """
    try:
        return TABLES[name]
    except KeyError:
        from mitlib.core.errors import OptionError

        raise OptionError(
            f"Table inconnue : « {name} ». Tables possibles : {', '.join(TABLES)}."
        ) from None
