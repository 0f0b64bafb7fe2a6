# systemkarta — the two commands are `make demo` and `make test`; everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= config.settings.dev
# Where `make demo` serves: `make demo PORT=8001` runs a second instance beside the first.
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint bench fuzz mutants schema messages clean system-packages

$(STAMP): pyproject.toml package.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@if [ -f package.json ]; then npm install --no-audit --no-fund --silent; fi
	touch $(STAMP)

# Debian's Chromium for the browser tests (never a downloaded browser build) and GNU gettext
# for the translation catalogues, installed with apt where missing.
system-packages:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing Debian packages:$$missing — run: sudo apt-get install$$missing"; fi; \
	fi

install: $(STAMP)
	mkdir -p static/vendor/graphiql && cp node_modules/graphiql/graphiql.min.js node_modules/graphiql/graphiql.min.css node_modules/graphiql/graphiql.min.css.map node_modules/graphiql/graphiql.min.js.map node_modules/react/umd/react.production.min.js node_modules/react-dom/umd/react-dom.production.min.js static/vendor/graphiql/
	$(BIN)/python manage.py collectstatic --noinput -v0
	@if [ -d locale ] && command -v msgfmt >/dev/null 2>&1; then \
	  $(BIN)/python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules; fi

# The web server and, beside it, the worker that runs the background tasks (django-tasks-db: the
# tasks wait in the same database, no other server). Ctrl-C stops both; so does the server's end.
demo: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py create_demo_users
	@$(BIN)/python manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: system-packages install
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest

lint: install
	$(BIN)/ruff check .

bench: install
	DJANGO_SETTINGS_MODULE=config.settings.bench $(BIN)/python -m bench

fuzz: install
	DJANGO_SETTINGS_MODULE=config.settings.test FUZZ_EXAMPLES=2000 $(BIN)/pytest -m fuzz -p no:randomly

# Mutation testing (mutmut; files and tests in pyproject's [tool.mutmut]): slow, so not in `make test`.
# Resumes where it stopped; `rm -rf mutants` starts afresh. `$(BIN)/mutmut browse` shows survivors.
mutants: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mutmut run --max-children $$(nproc)
	$(BIN)/mutmut export-cicd-stats
	@cat mutants/mutmut-cicd-stats.json

schema: install
	$(BIN)/python manage.py graphql_schema --schema config.schema.schema --out schema.graphql

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles mutants systemkarta.sqlite3*
