"""L'optimisation : le flot et la couche LP/MILP communs à l'attribution et aux
binômes."""
