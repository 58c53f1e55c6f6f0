"""Copies of case sets whose evidence carries N unrelated passages: does a large evidence set invent flags?

    python bench/padded_cases.py --out /tmp/padded --unrelated 10000 eval_cases eval_cases_blind
    factcheck eval cases /tmp/padded/eval_cases --config CFG --reports /tmp/padded/reports/eval_cases
    factcheck eval cases eval_cases --config CFG --reports /tmp/padded/reports-plain/eval_cases
    python bench/padded_cases.py --compare /tmp/padded/reports-plain/eval_cases /tmp/padded/reports/eval_cases

The unrelated passages are distinct Wikipedia sentences, the premises of VitaminC
(`../shared/data/nli/vitaminc_train.jsonl`, read from there, never copied into the project),
added after each case's own evidence. ``--compare`` lists every flag (type and text) a padded
report has that the plain report of the same case has not, and the count per flag type.
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "nli" / "vitaminc_train.jsonl"


def unrelated_passages(source: Path, n: int) -> list[dict]:
    """``n`` distinct sentences (VitaminC keeps several revisions of one sentence: one per 60-character opening)."""
    seen, rows = set(), []
    with source.open(encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["premise"].strip()
            if text[:60] in seen:
                continue
            seen.add(text[:60])
            rows.append({"id": f"unrelated-{len(rows):06d}", "text": text, "source": "Wikipedia (VitaminC)"})
            if len(rows) == n:
                break
    return rows


def pad_case_set(cases: Path, out: Path, padding: list[dict]) -> int:
    """Copy every case folder of ``cases`` under ``out`` with ``padding`` appended to its evidence; returns the count."""
    count = 0
    for case in sorted(p for p in cases.iterdir() if (p / "evidence.jsonl").exists()):
        target = out / cases.name / case.name
        shutil.copytree(case, target, dirs_exist_ok=True)
        with (target / "evidence.jsonl").open("a", encoding="utf-8") as handle:
            if not (case / "evidence.jsonl").read_text(encoding="utf-8").endswith("\n"):
                handle.write("\n")
            handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in padding)
        count += 1
    return count


def new_flags(plain: Path, padded: Path) -> list[tuple[str, str, str]]:
    """(case, flag type, flagged text) of every flag a padded report has that the plain report of the case has not."""
    found = []
    for report in sorted(padded.glob("*.json")):
        key = lambda f: (f["type"], f["start"], f["end"])  # noqa: E731
        before = {key(f) for f in json.loads((plain / report.name).read_text(encoding="utf-8"))["flags"]}
        found += [(report.stem, f["type"], f["text"]) for f in json.loads(report.read_text(encoding="utf-8"))["flags"] if key(f) not in before]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("case_sets", nargs="*", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--unrelated", type=int, default=10_000)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("PLAIN_REPORTS", "PADDED_REPORTS"))
    args = parser.parse_args()
    if args.compare:
        found = new_flags(*args.compare)
        for case, kind, text in found:
            print(f"{case}\t{kind}\t{text!r}")
        print(f"new flags: {len(found)} " + " ".join(f"{k}={v}" for k, v in sorted(Counter(k for _, k, _ in found).items())))
        return
    padding = unrelated_passages(args.source, args.unrelated)
    for cases in args.case_sets:
        print(f"{cases}: {pad_case_set(cases, args.out, padding)} cases, {len(padding)} unrelated passages each -> {args.out / cases.name}")


if __name__ == "__main__":
    main()
