# Parvis — the commands a user runs (DESIGN §5). Every target goes through `install`,
# which is idempotent: it only installs what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
DEB_PACKAGES := python3-grammalecte chromium wrk curl
STAMP := $(VENV)/.installed
TRAIN_STAMP := $(VENV)/.installed-train

.PHONY: install run test bench bench-scale eval model check messages clean

install: $(STAMP)
	@# Grammalecte comes from Debian (python3-grammalecte); expose just that package to the venv.
	@$(BIN)/python -c 'import grammalecte' 2>/dev/null || ln -sfn /usr/lib/python3/dist-packages/grammalecte \
	  "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/grammalecte"
	@$(BIN)/python -c 'import grammalecte' || { echo "Grammalecte is not importable from $(VENV)"; exit 1; }

$(STAMP): pyproject.toml
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q $$missing || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $$missing; }; \
	fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

# The [train] extra (scikit-learn, SciPy, matplotlib): only training and evaluation need it.
$(TRAIN_STAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[dev,train]'
	@touch $(TRAIN_STAMP)

run: install
	@mkdir -p var
	@test -f var/parvis.toml || $(BIN)/parvis init --config var/parvis.toml --db sqlite:///var/parvis.db --demo
	$(BIN)/parvis --config var/parvis.toml serve --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

check: install
	$(BIN)/ruff format --check parvis parvis_train tools tests bench
	$(BIN)/ruff check parvis parvis_train tools tests bench
	$(BIN)/mypy parvis parvis_train tools
	$(BIN)/lint-imports

model: install $(TRAIN_STAMP)
	$(BIN)/python -m parvis_train.training

eval: install $(TRAIN_STAMP)
	$(BIN)/python -m parvis_train.evaluation

# Side by side with Isso and the bare-ASGI ceiling (../shared/bench), RATIO lines at the end.
# BENCH_DURATION / BENCH_WARMUP (s) lengthen or shorten every run; BENCH_DIR keeps the files.
bench: install
	bench/run_bench.sh $(BENCH_DIR)

# Ten million comments on PostgreSQL (database parvis_scale on 127.0.0.1:5432, user postgres):
# COPY import rate, read latency against a 100k database, RSS per web process, size per million.
# SCALE_COMMENTS / SCALE_ARTICLES change the size (e.g. SCALE_COMMENTS=1000000 for a quick run);
# SCALE_ARGS=--reuse measures again the databases a previous run loaded.
bench-scale: install
	$(BIN)/python bench/scale.py $(if $(SCALE_COMMENTS),--comments $(SCALE_COMMENTS)) \
	  $(if $(SCALE_ARTICLES),--articles $(SCALE_ARTICLES)) $(SCALE_ARGS)

messages: install
	$(BIN)/python -m tools.messages update

clean:
	rm -rf var test-artifacts .pytest_cache
