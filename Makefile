# The two commands of the README's Quick start, and `make check`, the fast lane. Each sets up what it needs first.
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test check lint types bench chromium redis

# Setting up is quiet: pip's and setuptools' output goes to a log, shown only when the setup fails, so that what
# `make demo` prints is the demo's result.
INSTALL_LOG := $(VENV)/install.log
$(VENV)/.installed: pyproject.toml
	@echo "正在安装 $(VENV)（首次约需两分钟，日志：$(INSTALL_LOG)）"
	@mkdir -p $(VENV)
	@{ python3 -m venv $(VENV) && $(PY) -m pip install --upgrade pip && $(PY) -m pip install -e '.[test]'; } \
		>$(INSTALL_LOG) 2>&1 || { cat $(INSTALL_LOG); echo "安装失败：见上面的输出（$(INSTALL_LOG)）"; exit 1; }
	@touch $@

demo: $(VENV)/.installed
	@$(VENV)/bin/gapcheck demo

# Everything, as CI runs it: lint and types first, so a lint or type error fails `.ci/run` too.
test: lint types chromium redis
	$(PY) -m pytest

# The fast lane, under a minute: lint, types, and the tests that need no served portal, browser or redis
# (pytest markers e2e, browser, redis), on every core.
FAST := not e2e and not browser and not redis
# Bytecode on even where PYTHONDONTWRITEBYTECODE is set: pytest keeps its assert-rewritten test modules
# there, and rewriting all of them again costs more time than the fast tests themselves.
check: lint types
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q -n auto -m "$(FAST)"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(VENV)/.installed
	$(VENV)/bin/mypy

# The rendering tests drive Debian's Chromium (Playwright's own browser download is not used), with a CJK
# font so a report's Chinese renders as text, not boxes (tests/test_readable.py checks). CI runs as root with
# apt: install what is missing there; elsewhere say why those tests will be skipped or fail.
CHROMIUM := $(or $(GAPCHECK_CHROMIUM),/usr/bin/chromium)
chromium:
	@need=""; \
	[ -x "$(CHROMIUM)" ] || need="chromium"; \
	fc-list :lang=zh family 2>/dev/null | grep -q . || need="$$need fonts-noto-cjk"; \
	if [ -z "$$need" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing $${need# } for the rendering tests (apt-get)"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends $$need >/dev/null; \
	elif [ ! -x "$(CHROMIUM)" ]; then \
		echo "note: $(CHROMIUM) is missing: the rendering tests will be skipped (apt-get install chromium fonts-noto-cjk, or set GAPCHECK_CHROMIUM)"; \
	else \
		echo "note: no Chinese font: Chromium draws boxes for Chinese and the browser tests fail (apt-get install fonts-noto-cjk)"; \
	fi

# The distributed tests start their own redis-server (Debian's) on 127.0.0.1; installed like Chromium.
redis:
	@if command -v redis-server >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing redis-server for the distributed tests (apt-get)"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends redis-server >/dev/null; \
	else \
		echo "note: redis-server is missing: the distributed tests will be skipped (apt-get install redis-server)"; \
	fi

bench: $(VENV)/.installed
	$(PY) bench/run.py
