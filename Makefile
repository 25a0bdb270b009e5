# parkmap: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export PARKMAP_HOST ?= 127.0.0.1
export PARKMAP_PORT ?= 5000

.PHONY: run test data sample bench audit lint clean system-deps assets

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## data: build the GeoPackage store from data/layers/*.toml and the files they name
data: $(VENV)/.runtime
	$(BIN)/flask --app webmap build
	$(BIN)/flask --app webmap vr generate
	$(BIN)/flask --app webmap raster sample

## sample: regenerate the committed sample shapefiles and tables (deterministic)
sample: $(VENV)/.runtime
	$(BIN)/python scripts/make_sample_data.py
	$(BIN)/python scripts/make_infrastructure_data.py

## assets: the map pages' JS/CSS/fonts from npm (package-lock.json), served by the app,
## and minified copies of them and of webmap/static/ (esbuild) in build/assets/
NODE_STAMP := node_modules/.parkmap-stamp
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

ASSET_STAMP := build/assets/.parkmap-stamp
ASSET_SOURCES := $(shell find webmap/static -name '*.js' -o -name '*.css')
$(ASSET_STAMP): $(NODE_STAMP) $(ASSET_SOURCES) webmap/assetbuild.py webmap/core/assets.py | $(VENV)/.runtime
	$(BIN)/python -m webmap.assetbuild
	touch $@

assets: $(ASSET_STAMP)

## run: install, build the sample store, serve http://$(PARKMAP_HOST):$(PARKMAP_PORT)
run: data $(ASSET_STAMP)
	$(BIN)/python -m webmap

## system-deps: Debian packages the tests use (installed only when root and missing)
system-deps:
	@bash scripts/install_system_deps.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy geo layers
	$(BIN)/lint-imports  # import contracts: pyproject.toml [tool.importlinter]
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/layers/test_layout.py

## test: lint, then the whole suite
test: $(VENV)/.dev system-deps $(ASSET_STAMP) lint
	$(BIN)/python -m pytest -n 2 -q

## bench: the speed figures the issues ask for
bench: $(VENV)/.dev $(ASSET_STAMP)
	$(BIN)/python scripts/bench_build.py
	$(BIN)/python scripts/bench_tiles.py
	$(BIN)/python scripts/bench_api.py
	$(BIN)/python scripts/bench_items_cpu.py
	$(BIN)/python scripts/bench_raster.py
	$(BIN)/python scripts/bench_map.py
	$(BIN)/python scripts/bench_land.py
	$(BIN)/python scripts/bench_clearance.py
	$(BIN)/python scripts/bench_postgis.py
	$(BIN)/python scripts/bench_compression.py

## audit: issue 16's figures on every HTML page (axe-core, Lighthouse 12, bytes, grid)
audit: $(VENV)/.dev $(ASSET_STAMP)
	$(BIN)/python -m scripts.audit_pages

clean:
	rm -rf $(VENV) data/build build .pytest_cache .ruff_cache
