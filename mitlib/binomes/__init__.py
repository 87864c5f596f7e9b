"""Les binômes coachs–projets : affinité, appariement exact, feuilles, explorateur."""
