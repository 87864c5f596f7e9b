"""Le diagnostic territorial : indicateurs, tables, carte, explorateur."""
