"""The NLI training mix and the contrastive pair generator (pipeline.training.nli_data)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.training import nli_data
from pipeline.training.nli_data import (
    build_mix,
    change_direction,
    change_month,
    change_number,
    contrastive_pairs,
    detokenise_fever,
    drop_clause,
    read_training_file,
    same_topic_neutrals,
    swap_clauses,
    toggle_negation,
)

RNG = random.Random(0)


@pytest.mark.parametrize("edit, sentence", [
    (change_number, "The bridge is 120 metres long and opened in 1932."),
    (change_month, "The album was released in March 2004."),
    (change_direction, "Sales rose in the second quarter."),
    (toggle_negation, "The mayor was re-elected in the spring."),
    (toggle_negation, "The mayor was not re-elected in the spring."),
])
def test_contradiction_edits_change_the_sentence(edit, sentence):
    edited = edit(sentence, random.Random(1))
    assert edited and edited != sentence
    assert abs(len(edited.split()) - len(sentence.split())) <= 1  # one word changed, not a rewrite


def test_number_edit_leaves_hedged_numbers_alone():
    assert change_number("It has more than 26 million subscribers.", RNG) is None


def test_entailment_edits_keep_the_content():
    sentence = "Kahne scored 18 wins in the Cup Series, and he won the Brickyard 400 in 2017."
    assert drop_clause(sentence, RNG) == "Kahne scored 18 wins in the Cup Series."
    swapped = swap_clauses(sentence, RNG)
    assert swapped.startswith("He won the Brickyard 400 in 2017, and ")
    assert sorted(swapped.lower().strip(".").replace(",", "").split()) == \
        sorted(sentence.lower().strip(".").replace(",", "").split())
    assert swap_clauses("First sentence here, and more. Second sentence follows here, and so on.", RNG) is None


def test_generator_labels_and_sources():
    premises = ["The river rose by 3 metres in March, and the town was flooded for a week.",
                "The company was founded in 1998 by two students in Boston.",
                "The river flooded the town of Ely in 2007 after heavy rain.",
                "Heavy rain in Ely caused the river to burst its banks twice."]
    rows = contrastive_pairs(premises, limit=9, seed=2)
    assert rows and all(r["premise"] != r["hypothesis"] for r in rows)
    kinds = {r["source"].split(":")[1]: r["label"] for r in rows}
    for kind, label in kinds.items():
        expected = {"drop_clause": "entailment", "swap_clauses": "entailment", "same_topic": "neutral"}.get(kind, "contradiction")
        assert label == expected, kind
    neutrals = same_topic_neutrals(premises, random.Random(0), 5)
    assert neutrals and all(n["label"] == "neutral" and n["premise"] != n["hypothesis"] for n in neutrals)


def test_fever_detokenised():
    raw = "Soul Food is a 1997 film produced by Kenneth `` Babyface '' Edmonds -LRB- born 1958 -RRB- , and others ."
    assert detokenise_fever(raw) == 'Soul Food is a 1997 film produced by Kenneth "Babyface" Edmonds (born 1958), and others.'


def _write(path: Path, n: int, premise: str = "Premise {i} says that -LRB- x -RRB- ,") -> Path:
    labels = ("entailment", "neutral", "contradiction")
    path.write_text("".join(json.dumps({"premise": premise.format(i=i), "hypothesis": f"h{i}", "label": labels[i % 3]}) + "\n"
                            for i in range(n)), encoding="utf-8")
    return path


def test_mix_caps_every_file_and_refuses_sick(tmp_path):
    _write(tmp_path / "fever_nli.jsonl", 30)
    _write(tmp_path / "check_covid.jsonl", 5)
    rows = build_mix(tmp_path, caps={"fever_nli.jsonl": 10, "check_covid.jsonl": 100}, contrastive=0)
    summary = nli_data.mix_summary(rows)
    assert sum(summary["fever_nli.jsonl"].values()) == 10 and sum(summary["check_covid.jsonl"].values()) == 5
    assert all("-LRB-" not in r["premise"] for r in rows if r["source"] == "fever_nli.jsonl")
    _write(tmp_path / "sick_train.jsonl", 3)
    with pytest.raises(InputError, match="non-commercial"):
        read_training_file(tmp_path / "sick_train.jsonl")
    with pytest.raises(InputError):
        build_mix(tmp_path, caps={"sick_train.jsonl": 3}, contrastive=0)
