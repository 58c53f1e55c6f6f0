"""pipeline.io: text in every supported encoding, other bytes refused with their offset; several files written all or none."""

import json

import pytest

from pipeline.errors import InputError
from pipeline.ingest import read_article
from pipeline.io import read_jsonl_objects, read_text, write_all_atomically

TEXT = "Heather Nauert said “the talks” cost €3m.\nSecond line.\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
def test_utf8_and_bom_marked_unicode_decode_to_the_same_article(tmp_path, encoding):
    path = tmp_path / "a.txt"
    path.write_bytes(TEXT.encode(encoding))
    article = read_article(path)
    assert article.text == TEXT  # offsets index the decoded text, with the byte-order mark gone
    assert read_text(path, "roster") == TEXT


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_json_lines_with_a_byte_order_mark_read(tmp_path, encoding):
    path = tmp_path / "e.jsonl"
    path.write_bytes((json.dumps({"id": "a", "text": "x\u2028y"}) + "\n" + json.dumps({"id": "b", "text": "z"}) + "\n").encode(encoding))
    assert [(n, row["id"]) for n, row in read_jsonl_objects(path)] == [(1, "a"), (2, "b")]


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"caf\xe9 au lait", "is not valid UTF-8 (byte 3)"),  # Latin-1
        ("café".encode("utf-16-le"), "looks binary"),  # UTF-16 without a byte-order mark
        (b"\xff\xfe" + "ok".encode("utf-16-le") + b"\x00", "is not valid UTF-16"),  # odd length after the mark
        (b"\x89PNG\r\n\x1a\n\x00\x00", "looks binary"),
    ],
)
def test_other_bytes_are_refused_naming_the_offset_or_binary(tmp_path, raw, message):
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_text(path, "article")


def test_read_text_refuses_a_directory_and_a_missing_file(tmp_path):
    with pytest.raises(InputError, match="is not a file"):
        read_text(tmp_path, "roster")
    with pytest.raises(InputError, match="does not exist"):
        read_text(tmp_path / "nope.csv", "roster")


def test_several_files_are_published_all_or_none(tmp_path):
    first, second = tmp_path / "r.json", tmp_path / "gone" / "r.html"
    first.write_text("old", encoding="utf-8")
    (tmp_path / "gone").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(OSError):
        write_all_atomically({first: "new", second: "<p>new</p>"})
    assert first.read_text(encoding="utf-8") == "old"  # the first was not replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gone", "r.json"]  # no temporaries left
    (tmp_path / "gone").unlink()
    assert write_all_atomically({first: "new", second: "<p>new</p>"}) == [first, second]
    assert (first.read_text(encoding="utf-8"), second.read_text(encoding="utf-8")) == ("new", "<p>new</p>")
