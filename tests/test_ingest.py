import json

import pytest

from pipeline.errors import InputError
from pipeline.ingest import read_article
from tests.conftest import BUNDLED_ARTICLE


def test_txt_text_is_exactly_the_decoded_file():
    article = read_article(BUNDLED_ARTICLE)
    assert article.text == BUNDLED_ARTICLE.read_text(encoding="utf-8")
    assert article.title.startswith("Both President Donald Trump")
    assert len(article.sha256) == 64


def test_json_article_uses_title_and_text(tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "Rates", "text": "The bank raised rates to 5%."}), encoding="utf-8")
    article = read_article(path)
    assert (article.title, article.text, article.format) == ("Rates", "The bank raised rates to 5%.", "json")


def test_html_extracts_main_text_without_markup(tmp_path):
    path = tmp_path / "a.html"
    body = "<p>The central bank raised its main interest rate to 5.25 percent on Wednesday, its highest level in years.</p>" * 3
    path.write_text(f"<html><head><title>Rates up</title></head><body><nav>Home | World</nav><article>{body}</article></body></html>", encoding="utf-8")
    article = read_article(path)
    assert "5.25 percent" in article.text
    assert "<p>" not in article.text
    assert article.format == "html"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"   \n\n", "is empty"),
        (b"\x00\x01\x02binary", "looks binary"),
        (b"caf\xe9 au lait", "not valid UTF-8"),
    ],
)
def test_bad_articles_raise_one_line_errors(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_article(path)


def test_missing_article(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_article(tmp_path / "nope.txt")


def test_json_article_without_text(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"title": "x"}', encoding="utf-8")
    with pytest.raises(InputError, match='"text" string'):
        read_article(path)
