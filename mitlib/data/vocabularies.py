"""The controlled vocabularies of the tables.

Each vocabulary maps a canonical French value to the aliases a user may
type (accents and case are ignored when reading, :mod:`mitlib.data.cells`):
the five themes of the cycle, actor categories, perimeters, event and
premises types, vacancy, building state, owner types, revitalisation
labels, expertise domains, coach types, project maturity. The tables
(:mod:`mitlib.data.schemas`) use them as choices; the diagnostic, the
candidacies and the pairing use them as their categories.
"""

from __future__ import annotations

__all__ = [
    "ACTOR_CATEGORIES",
    "BUILDING_STATE",
    "COACH_TYPES",
    "DOMAINS",
    "EVENT_TYPES",
    "LABELS",
    "MATURITY",
    "OWNER_TYPES",
    "PERIMETERS",
    "PREMISES_TYPES",
    "SUPPORT_CATEGORIES",
    "THEMES",
    "VACANCY",
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


LABELS: dict[str, tuple[str, ...]] = {
    "ACV": ("action coeur de ville", "action cœur de ville"),
    "PVD": ("petites villes de demain", "petite ville de demain"),
    "aucun": ("non", "sans", "sans label", "-"),
}


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
