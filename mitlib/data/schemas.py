"""The six tables the chargés de mission keep, declared column by column.

``locaux``, ``acteurs``, ``evenements``, ``candidatures``, ``coachs`` and
``projets``: each is a :class:`~mitlib.data.table_schema.TableSchema` (its
fields, whether it is placed on the map, its public columns named one by
one), collected in :data:`TABLES` and found by :func:`get_schema`. The
vocabularies of their choice columns are in :mod:`mitlib.data.vocabularies`.

Column names are French and borrow the national schemas where they overlap
(CNIG Friches: ``bati_vacance``, ``bati_etat``, ``proprio_type``; data·inclusion:
``siret``, ``reseaux``, ``date_maj``).
"""

from __future__ import annotations

from mitlib.data.table_schema import Field, TableSchema
from mitlib.data.vocabularies import (
    ACTOR_CATEGORIES,
    BUILDING_STATE,
    COACH_TYPES,
    DOMAINS,
    EVENT_TYPES,
    LABELS,
    MATURITY,
    OWNER_TYPES,
    PERIMETERS,
    PREMISES_TYPES,
    THEMES,
    VACANCY,
)

__all__ = ["TABLES", "get_schema"]


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
        Field(
            "disponibilites",
            "texte",
            "Heures où le coach peut venir pendant le marathon (plan du marathon) : "
            "un jour puis ses plages, les jours séparés par | ; vide : tout le "
            "marathon.",
            example="ven 18:00-22:00 | sam 09:00-12:30, 14:00-17:00",
        ),
        Field("contact", "texte", "Courriel, téléphone.", private=True),
        _SOURCE,
    ),
    geolocated=False,
    # not public: the name and contact, the commune of residence (with the
    # organisation it points to a person), the declared conflicts and the
    # hours a person is free
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
