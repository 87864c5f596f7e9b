"""The invented French texts of the pairing sample (:mod:`mitlib.data.sample_pairing`).

Written per theme and per expertise domain, so that the affinity's shared terms
and explanations read like real ones:

* :data:`NEED_PHRASES`: per domain, what a project may need (``besoins``);
* :data:`EXPERTISE_PHRASES`: per domain, what a coach brings (``expertise``);
* :data:`PROJECT_IDEAS`: per marathon theme, fictional projects (title,
  description, needed domains).

The order of every table matters: the generator draws from them by position,
so reordering an entry changes the committed sample.
"""

from __future__ import annotations

__all__ = ["EXPERTISE_PHRASES", "NEED_PHRASES", "PROJECT_IDEAS"]

# What a project may need, per domain: phrases of the "besoins" column.
NEED_PHRASES = {
    "financement": (
        "boucler le plan de financement et obtenir un prêt d'honneur",
        "préparer le rendez-vous bancaire et le prêt à la création",
        "lancer une campagne de financement participatif",
        "trouver les subventions d'investissement et une garantie bancaire",
    ),
    "juridique": (
        "choisir le statut juridique et rédiger les statuts",
        "comprendre le bail commercial et les assurances",
        "sécuriser les contrats avec les fournisseurs",
    ),
    "comptabilité/gestion": (
        "construire le prévisionnel financier et le seuil de rentabilité",
        "fixer les prix de vente et suivre la trésorerie",
        "calculer les marges et tenir une comptabilité simple",
    ),
    "marketing/communication": (
        "construire une identité visuelle et une communication locale",
        "se faire connaître sur les réseaux sociaux",
        "étudier la clientèle et le positionnement de l'offre",
    ),
    "vente/commerce": (
        "aménager la vitrine et le parcours client en boutique",
        "fidéliser la clientèle et animer les ventes",
        "trouver des débouchés chez les revendeurs et sur les marchés",
    ),
    "numérique": (
        "créer un site internet avec réservation en ligne",
        "vendre en ligne avec un site marchand et le click and collect",
        "choisir un logiciel de caisse et de gestion des stocks",
    ),
    "RH/management": (
        "recruter un premier salarié et organiser le travail",
        "accueillir des apprentis et des bénévoles",
    ),
    "gouvernance collective/ESS": (
        "construire une gouvernance partagée en association ou en SCIC",
        "associer les habitants et les bénévoles au projet coopératif",
    ),
    "immobilier/local commercial": (
        "trouver un local commercial vacant en centre-bourg",
        "négocier le loyer du local et les travaux d'aménagement",
        "mettre le local aux normes d'accessibilité",
    ),
    "agriculture/alimentation": (
        "sécuriser l'approvisionnement auprès de producteurs locaux",
        "respecter les règles d'hygiène alimentaire et de transformation",
        "trouver du foncier agricole et du matériel de production",
    ),
    "tourisme": (
        "obtenir un classement ou un label touristique",
        "toucher la clientèle touristique et les offices de tourisme",
    ),
    "culture/patrimoine": (
        "valoriser le patrimoine et monter une programmation culturelle",
        "obtenir les autorisations en secteur patrimonial protégé",
    ),
    "santé/bien-vieillir": (
        "adapter l'offre aux personnes âgées et aux aidants",
        "travailler avec les professionnels de santé et les services à domicile",
    ),
    "mobilité": (
        "organiser les tournées et la livraison en milieu rural",
        "permettre aux habitants sans voiture de venir",
    ),
}

# What a coach brings, per domain: phrases of the "expertise" column.
EXPERTISE_PHRASES = {
    "financement": (
        "prêt d'honneur et garantie bancaire",
        "montage du plan de financement et prêt à la création",
        "financement participatif et subventions d'investissement",
        "microcrédit pour les créateurs",
    ),
    "juridique": (
        "choix du statut juridique et rédaction des statuts",
        "bail commercial, assurances et contrats",
        "formalités de création et de reprise d'entreprise",
    ),
    "comptabilité/gestion": (
        "prévisionnel financier et seuil de rentabilité",
        "suivi de trésorerie, calcul des marges et fixation des prix",
        "comptabilité des petites entreprises",
    ),
    "marketing/communication": (
        "étude de clientèle et positionnement de l'offre",
        "communication locale, identité visuelle et réseaux sociaux",
        "marketing des commerces de proximité",
    ),
    "vente/commerce": (
        "aménagement de vitrine et parcours client en boutique",
        "techniques de vente et fidélisation de la clientèle",
        "vente sur les marchés et chez les revendeurs",
    ),
    "numérique": (
        "création de site internet et réservation en ligne",
        "site marchand, vente en ligne et click and collect",
        "logiciel de caisse et gestion des stocks",
    ),
    "RH/management": (
        "recrutement du premier salarié et organisation du travail",
        "apprentissage, accueil des apprentis et management d'équipe",
    ),
    "gouvernance collective/ESS": (
        "gouvernance partagée, association et SCIC",
        "économie sociale et solidaire et projets coopératifs avec les habitants",
    ),
    "immobilier/local commercial": (
        "recherche de local commercial vacant en centre-bourg",
        "négociation du loyer et travaux d'aménagement du local",
        "accessibilité et mise aux normes des locaux",
    ),
    "agriculture/alimentation": (
        "circuits courts et approvisionnement auprès des producteurs locaux",
        "hygiène alimentaire et ateliers de transformation",
        "installation agricole, foncier et matériel de production",
    ),
    "tourisme": (
        "classement des hébergements et labels touristiques",
        "clientèle touristique, offices de tourisme et itinérance",
    ),
    "culture/patrimoine": (
        "valorisation du patrimoine et programmation culturelle",
        "autorisations en secteur patrimonial protégé et bâti ancien",
    ),
    "santé/bien-vieillir": (
        "offre adaptée aux personnes âgées et aux aidants",
        "coordination avec les professionnels de santé et l'aide à domicile",
    ),
    "mobilité": (
        "tournées de livraison et logistique en milieu rural",
        "transport solidaire et mobilité des habitants sans voiture",
    ),
}

# Per theme: (title, description, needed domains) of fictional projects.
PROJECT_IDEAS = {
    "artisanat et commerce": (
        (
            "Épicerie vrac du centre-bourg",
            "Une épicerie de produits en vrac et "
            "locaux dans une cellule commerciale vide de la rue principale.",
            ("financement", "immobilier/local commercial", "vente/commerce"),
        ),
        (
            "Atelier de cordonnerie et retouches",
            "Un atelier de cordonnerie, "
            "clés et retouches, service qui manque depuis dix ans.",
            ("immobilier/local commercial", "comptabilité/gestion", "financement"),
        ),
        (
            "Librairie-café",
            "Une librairie indépendante avec un coin café et des rencontres d'auteurs.",
            ("financement", "marketing/communication", "comptabilité/gestion"),
        ),
        (
            "Boutique de créateurs",
            "Une boutique partagée où douze artisans d'art "
            "vendent leurs créations à tour de rôle.",
            ("gouvernance collective/ESS", "juridique", "vente/commerce"),
        ),
        (
            "Reprise de la boulangerie",
            "La reprise d'une boulangerie-pâtisserie "
            "dont le boulanger part à la retraite.",
            ("financement", "juridique", "RH/management"),
        ),
        (
            "Atelier de réparation de vélos",
            "Un atelier de réparation et de "
            "vente de vélos d'occasion, avec location à la journée.",
            ("mobilité", "vente/commerce", "numérique"),
        ),
        (
            "Fleuriste éco-responsable",
            "Un fleuriste qui travaille des fleurs de "
            "saison cultivées dans la vallée du Lot.",
            (
                "vente/commerce",
                "marketing/communication",
                "immobilier/local commercial",
            ),
        ),
        (
            "Boutique en ligne de la quincaillerie",
            "La quincaillerie familiale "
            "veut vendre en ligne et proposer le click and collect.",
            ("numérique", "marketing/communication", "comptabilité/gestion"),
        ),
        (
            "Tiers-lieu commerçant",
            "Une ancienne banque transformée en boutique "
            "éphémère, espace de coworking et point relais.",
            ("immobilier/local commercial", "gouvernance collective/ESS", "juridique"),
        ),
        (
            "Friperie solidaire",
            "Une friperie associative qui emploie des personnes en insertion.",
            ("gouvernance collective/ESS", "RH/management", "financement"),
        ),
    ),
    "tourisme": (
        (
            "Gîte d'étape au bord du Lot",
            "Un gîte d'étape pour randonneurs et "
            "cyclistes de la véloroute de la vallée du Lot.",
            ("tourisme", "financement", "numérique"),
        ),
        (
            "Location de canoës",
            "Location de canoës et descente encadrée de la "
            "rivière, avec navette de retour.",
            ("tourisme", "mobilité", "juridique"),
        ),
        (
            "Chambres d'hôtes dans une maison de maître",
            "Cinq chambres d'hôtes et "
            "une table d'hôtes dans une maison de maître à rénover.",
            ("financement", "tourisme", "immobilier/local commercial"),
        ),
        (
            "Balades commentées en gabare",
            "Des balades commentées sur une gabare, bateau traditionnel du Lot.",
            ("tourisme", "culture/patrimoine", "juridique"),
        ),
        (
            "Guinguette saisonnière",
            "Une guinguette de bord de rivière avec "
            "concerts le week-end, de mai à septembre.",
            ("juridique", "comptabilité/gestion", "marketing/communication"),
        ),
        (
            "Glamping dans les vergers",
            "Des tentes et cabanes dans un verger de "
            "pruniers, avec dégustation de pruneaux.",
            ("tourisme", "agriculture/alimentation", "financement"),
        ),
        (
            "Circuit vélo et patrimoine",
            "Un circuit de visite à vélo électrique des bastides et des moulins.",
            ("mobilité", "culture/patrimoine", "numérique"),
        ),
        (
            "Office de réservation des hébergeurs",
            "Une plateforme commune de "
            "réservation pour les petits hébergeurs du canton.",
            ("numérique", "gouvernance collective/ESS", "marketing/communication"),
        ),
        (
            "Camping à la ferme",
            "Six emplacements de camping à la ferme et vente "
            "des produits de l'exploitation.",
            ("agriculture/alimentation", "tourisme", "juridique"),
        ),
        (
            "Escape game dans la tour médiévale",
            "Un jeu d'énigmes dans la tour "
            "médiévale du village pour familles et groupes.",
            ("culture/patrimoine", "marketing/communication", "financement"),
        ),
        (
            "Accueil des camping-cars",
            "Une aire d'accueil de camping-cars avec "
            "services et vente de produits locaux.",
            ("immobilier/local commercial", "tourisme", "comptabilité/gestion"),
        ),
    ),
    "résilience alimentaire": (
        (
            "Légumerie pour la restauration collective",
            "Une légumerie qui lave et découpe les légumes locaux pour les cantines.",
            ("agriculture/alimentation", "financement", "RH/management"),
        ),
        (
            "Magasin de producteurs",
            "Un magasin tenu par quinze producteurs en vente directe.",
            (
                "gouvernance collective/ESS",
                "agriculture/alimentation",
                "vente/commerce",
            ),
        ),
        (
            "Conserverie artisanale",
            "Une conserverie de légumes et de fruits "
            "invendus, pour les producteurs et les particuliers.",
            ("agriculture/alimentation", "financement", "juridique"),
        ),
        (
            "Maraîchage en agroécologie",
            "Une installation en maraîchage biologique avec vente en paniers.",
            ("agriculture/alimentation", "financement", "comptabilité/gestion"),
        ),
        (
            "Épicerie ambulante",
            "Un camion-épicerie qui passe chaque semaine dans "
            "les hameaux sans commerce.",
            ("mobilité", "vente/commerce", "financement"),
        ),
        (
            "Cuisine partagée",
            "Une cuisine professionnelle louée à l'heure aux "
            "traiteurs et transformateurs débutants.",
            (
                "immobilier/local commercial",
                "agriculture/alimentation",
                "gouvernance collective/ESS",
            ),
        ),
        (
            "Boulangerie paysanne",
            "Un paysan-boulanger qui cultive ses blés anciens et cuit au feu de bois.",
            ("agriculture/alimentation", "vente/commerce", "juridique"),
        ),
        (
            "Plateforme de commandes en circuit court",
            "Un site de commandes groupées auprès des fermes du Villeneuvois.",
            ("numérique", "mobilité", "agriculture/alimentation"),
        ),
        (
            "Restaurant d'insertion",
            "Un restaurant du midi qui forme des personnes "
            "éloignées de l'emploi avec des produits locaux.",
            ("RH/management", "gouvernance collective/ESS", "financement"),
        ),
        (
            "Pruneaux d'Agen en vente directe",
            "Un verger familial qui passe de la "
            "coopérative à la vente directe de pruneaux.",
            ("marketing/communication", "numérique", "agriculture/alimentation"),
        ),
        (
            "Jardins partagés nourriciers",
            "Des jardins partagés et un verger conservatoire ouverts aux habitants.",
            ("gouvernance collective/ESS", "agriculture/alimentation", "juridique"),
        ),
        (
            "Brasserie artisanale",
            "Une micro-brasserie avec orge et houblon de la vallée.",
            ("financement", "juridique", "marketing/communication"),
        ),
        (
            "Fromagerie de chèvre",
            "Une reprise d'élevage caprin avec transformation fromagère à la ferme.",
            ("agriculture/alimentation", "financement", "vente/commerce"),
        ),
        (
            "Distributeur de produits fermiers",
            "Des casiers automatiques de produits fermiers sur la place du marché.",
            ("immobilier/local commercial", "numérique", "vente/commerce"),
        ),
        (
            "Traiteur végétarien",
            "Un traiteur de plats végétariens à base de "
            "légumineuses cultivées localement.",
            (
                "agriculture/alimentation",
                "marketing/communication",
                "comptabilité/gestion",
            ),
        ),
        (
            "Moulin à huile de noix",
            "La remise en route d'un moulin à huile de noix et de noisettes.",
            ("culture/patrimoine", "agriculture/alimentation", "financement"),
        ),
    ),
    "culture et patrimoine": (
        (
            "Atelier de vitrail",
            "Un atelier de vitrail qui restaure les vitraux "
            "des églises et propose des stages.",
            ("culture/patrimoine", "financement", "marketing/communication"),
        ),
        (
            "Salle de concert associative",
            "Une salle de concert et de répétition dans un ancien cinéma.",
            (
                "gouvernance collective/ESS",
                "immobilier/local commercial",
                "financement",
            ),
        ),
        (
            "Maison d'édition régionale",
            "Une petite maison d'édition de livres sur "
            "l'histoire et le patrimoine des bastides.",
            ("culture/patrimoine", "comptabilité/gestion", "vente/commerce"),
        ),
        (
            "Restauration de bâti ancien",
            "Une entreprise de maçonnerie à la chaux "
            "pour la restauration du bâti ancien.",
            ("culture/patrimoine", "RH/management", "juridique"),
        ),
        (
            "Résidence d'artistes",
            "Une résidence d'artistes dans un pigeonnier et une grange restaurés.",
            ("culture/patrimoine", "financement", "gouvernance collective/ESS"),
        ),
        (
            "Galerie d'art éphémère",
            "Une galerie d'art dans les vitrines vides de "
            "la bastide, renouvelée chaque mois.",
            (
                "immobilier/local commercial",
                "marketing/communication",
                "culture/patrimoine",
            ),
        ),
        (
            "Visites théâtralisées",
            "Des visites théâtralisées de la bastide pour "
            "les touristes et les scolaires.",
            ("tourisme", "culture/patrimoine", "juridique"),
        ),
        (
            "Atelier de lutherie",
            "Un luthier qui fabrique et répare guitares et violons.",
            ("vente/commerce", "financement", "numérique"),
        ),
        (
            "Cinéma itinérant",
            "Un cinéma itinérant qui projette des films dans "
            "les salles des fêtes des villages.",
            ("mobilité", "gouvernance collective/ESS", "financement"),
        ),
        (
            "Fablab patrimoine",
            "Un fablab qui numérise le patrimoine en 3D et fabrique des maquettes.",
            ("numérique", "culture/patrimoine", "gouvernance collective/ESS"),
        ),
        (
            "Festival de musiques anciennes",
            "Un festival de musiques anciennes dans les églises et les castels.",
            ("culture/patrimoine", "financement", "marketing/communication"),
        ),
        (
            "Atelier de céramique",
            "Une céramiste qui ouvre atelier, boutique et cours du soir.",
            ("immobilier/local commercial", "vente/commerce", "comptabilité/gestion"),
        ),
        (
            "Librairie de livres anciens",
            "Une librairie de livres anciens et de cartes postales dans la bastide.",
            ("vente/commerce", "numérique", "financement"),
        ),
        (
            "Ateliers d'écriture",
            "Des ateliers d'écriture et de lecture à voix haute pour tous les âges.",
            ("gouvernance collective/ESS", "marketing/communication", "juridique"),
        ),
        (
            "Tapisserie d'ameublement",
            "La reprise d'un atelier de tapisserie "
            "d'ameublement et de réfection de sièges.",
            ("juridique", "financement", "comptabilité/gestion"),
        ),
        (
            "Musée du pruneau",
            "Un petit musée du pruneau et des métiers de la vallée, avec boutique.",
            ("culture/patrimoine", "tourisme", "agriculture/alimentation"),
        ),
    ),
    "bien-vivre et bien-vieillir": (
        (
            "Habitat inclusif pour seniors",
            "Six logements adaptés et une salle "
            "commune pour des personnes âgées autonomes.",
            ("santé/bien-vieillir", "immobilier/local commercial", "financement"),
        ),
        (
            "Transport solidaire",
            "Un service de transport solidaire par des "
            "chauffeurs bénévoles pour les rendez-vous médicaux.",
            ("mobilité", "gouvernance collective/ESS", "santé/bien-vieillir"),
        ),
        (
            "Café des aidants",
            "Un café associatif qui accueille les aidants et les personnes âgées.",
            ("santé/bien-vieillir", "gouvernance collective/ESS", "financement"),
        ),
        (
            "Salon de coiffure à domicile",
            "Une coiffeuse qui se déplace chez les "
            "personnes âgées et en maison de retraite.",
            ("mobilité", "comptabilité/gestion", "juridique"),
        ),
        (
            "Conciergerie rurale",
            "Une conciergerie qui rend de petits services "
            "aux habitants : courses, démarches, dépôt de colis.",
            ("numérique", "RH/management", "juridique"),
        ),
        (
            "Maison de santé pluridisciplinaire",
            "Une maison de santé qui réunit médecins, infirmiers et kinésithérapeutes.",
            ("santé/bien-vieillir", "immobilier/local commercial", "juridique"),
        ),
        (
            "Atelier de gym douce",
            "Des cours de gym douce et de prévention des chutes pour les seniors.",
            ("santé/bien-vieillir", "marketing/communication", "comptabilité/gestion"),
        ),
        (
            "Repas livrés à domicile",
            "La livraison de repas préparés avec des "
            "produits locaux aux personnes âgées isolées.",
            ("mobilité", "agriculture/alimentation", "santé/bien-vieillir"),
        ),
        (
            "Garage solidaire",
            "Un garage solidaire qui répare les voitures des "
            "personnes à faibles revenus.",
            ("mobilité", "gouvernance collective/ESS", "financement"),
        ),
        (
            "Crèche associative",
            "Une micro-crèche associative de dix places au centre du village.",
            ("gouvernance collective/ESS", "RH/management", "financement"),
        ),
        (
            "Espace de vie sociale",
            "Un espace de vie sociale avec ateliers numériques pour les seniors.",
            ("numérique", "santé/bien-vieillir", "gouvernance collective/ESS"),
        ),
        (
            "Boutique de matériel médical",
            "Une boutique de matériel médical et "
            "d'aides techniques pour le maintien à domicile.",
            ("santé/bien-vieillir", "vente/commerce", "immobilier/local commercial"),
        ),
        (
            "Jardin thérapeutique",
            "Un jardin thérapeutique accessible pour l'EHPAD et les écoles.",
            ("santé/bien-vieillir", "agriculture/alimentation", "financement"),
        ),
        (
            "Ressourcerie",
            "Une ressourcerie qui collecte, répare et revend meubles et objets.",
            (
                "gouvernance collective/ESS",
                "immobilier/local commercial",
                "RH/management",
            ),
        ),
        (
            "Cabinet d'ergothérapie",
            "Une ergothérapeute qui adapte les logements des personnes âgées.",
            ("santé/bien-vieillir", "marketing/communication", "comptabilité/gestion"),
        ),
        (
            "Tiers-lieu intergénérationnel",
            "Un tiers-lieu où écoliers et anciens "
            "partagent jardin, cuisine et ateliers.",
            (
                "gouvernance collective/ESS",
                "financement",
                "immobilier/local commercial",
            ),
        ),
    ),
}
