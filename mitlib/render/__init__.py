"""Le rendu : coquille des pages, cartes hors ligne, palettes."""
