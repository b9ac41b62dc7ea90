# Repères — the README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# Debian packages: WeasyPrint's libraries (PDF certificates), Chromium for browser tests.
DEB_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils chromium

.PHONY: run test sysdeps venv bench load lint clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 est requis")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(BIN)/.installed

# Installs the Debian libraries when missing (as root, or through sudo).
sysdeps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installation des paquets Debian :$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y --no-upgrade $$missing; \
	fi

run: sysdeps venv
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_course
	DEBUG=1 $(BIN)/python manage.py seed_demo
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# axe-core for the accessibility checks, pinned in tests/browser/package-lock.json (npm registry).
AXE_JS := tests/browser/node_modules/axe-core/axe.min.js
$(AXE_JS): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# The layers first (seconds): a forbidden import fails before the long suite runs.
test: sysdeps venv $(AXE_JS)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: venv
	DEBUG=1 $(BIN)/python manage.py bench

load: sysdeps venv
	$(BIN)/python tests/load/run_load.py
	$(BIN)/python tests/load/run_live_load.py

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
