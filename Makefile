# Two entry points (see README): `make demo` and `make test`. Both create .venv on first use.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install bench clean

$(BIN)/legalreview: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

install: $(BIN)/legalreview

# Review the bundled sample village rules: terminal report + opinion .docx + commented copy + JSON.
demo: install
	@mkdir -p out
	$(BIN)/legalreview review examples/村规民约示例.docx --type village_rules \
	    -o out/审查意见书.docx --annotate out/批注版.docx --force
	$(BIN)/legalreview review examples/村规民约示例.docx --format json -o out/report.json --force
	@echo "输出见 out/：审查意见书.docx、批注版.docx、report.json"

test: install
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) out .pytest_cache
