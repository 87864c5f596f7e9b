"""Les candidatures : grille, notes, robustesse, attribution, dossier du comité."""
