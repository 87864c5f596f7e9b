"""L'optimisation commune à l'attribution et aux binômes : le flot (flows), la
couche LP/MILP unique sur HiGHS (milp) et l'explication d'une affectation
impossible par la condition de Hall (hall)."""
