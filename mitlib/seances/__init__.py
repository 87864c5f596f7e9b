"""Live sessions without code: Voilà apps for the comité and the organisers."""
