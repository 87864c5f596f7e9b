"""Le socle : chemins, erreurs, texte et format français, empreintes, écrivains sûrs."""
