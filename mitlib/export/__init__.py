"""L'export : exécution bornée des notebooks et dossier complet hors ligne."""
