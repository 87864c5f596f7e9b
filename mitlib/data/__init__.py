"""Les données : contrats des tables, lecture robuste, territoire, modèles, exemple
fictif."""
