"""Articles not in English are refused with one line naming the language; English full of names never is."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from pipeline.errors import InputError
from pipeline.ingest import read_article
from pipeline.language import detect_language, refuse_unsupported_language
from tests.conftest import BUNDLED_ARTICLE, PROJECT_ROOT

ENGLISH_FULL_OF_NAMES = [
    "Kim Jong Un met Moon Jae-in in Panmunjom.",
    "Yoon Suk-yeol, Lee Jae-myung, Han Duck-soo, Choo Kyung-ho and Park Jin said on Tuesday that the talks in Pyeongchang had gone well.",
    "Ngozi Okonjo-Iweala, Nkosazana Dlamini-Zuma, Uhuru Kenyatta and Cyril Ramaphosa met in Addis Ababa with Abiy Ahmed, "
    "Félix Tshisekedi and Bola Tinubu, according to Oluwaseun Adebayo-Okafor of Nnamdi Azikiwe University.",
    "Xi Jinping and Nguyen Xuan Phuc met Jean-Luc Mélenchon, Olaf Scholz and Søren Kierkegaard in Tianjin on Tuesday.",
    'The minister said "liberté, égalité, fraternité" was the motto of the republic and would remain so after the vote, which he called historic.',
    "Hello",
]

FOREIGN = [
    ("习近平周二在北京会见了来访的法国总统。双方讨论了贸易问题。中国外交部发言人表示，两国将继续加强合作。", "Chinese (zh)"),
    ("Le président a rencontré le chancelier allemand mardi à Paris pour discuter du commerce et des sanctions.", "French (fr)"),
    ("Der Bundeskanzler traf am Dienstag in Berlin den französischen Präsidenten, um über Handel zu sprechen.", "German (de)"),
    ("Мы встретились в Москве во вторник, чтобы обсудить торговлю и новые санкции против наших партнёров.", "Russian (ru)"),
]


@pytest.mark.parametrize("text", ENGLISH_FULL_OF_NAMES)
def test_english_with_foreign_names_or_too_short_to_tell_is_not_refused(text):
    refuse_unsupported_language(text, "article a.txt")


def test_every_bundled_and_evaluation_article_is_english():
    articles = [BUNDLED_ARTICLE, *sorted(PROJECT_ROOT.glob("eval_cases*/*/article.txt"))]
    assert len(articles) > 30
    for path in articles:
        language = detect_language(path.read_text(encoding="utf-8"))
        assert language is not None and language.code == "en", path
        read_article(path)


@pytest.mark.parametrize("text, named", FOREIGN)
def test_foreign_text_is_refused_naming_its_language(text, named):
    with pytest.raises(InputError) as caught:
        refuse_unsupported_language(text, "article x.txt")
    assert str(caught.value) == f"article x.txt is in {named}; only English is supported"


def test_cli_refuses_a_chinese_article_with_one_line_and_no_report(tmp_path):
    article = tmp_path / "x.txt"
    article.write_text(FOREIGN[0][0] * 3, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(article), "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: article {article} is in Chinese (zh); only English is supported"]
    assert not (tmp_path / "r.json").exists()


def test_a_chinese_docx_is_refused_too(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph(FOREIGN[0][0])
    document.save(str(tmp_path / "x.docx"))
    with pytest.raises(InputError, match=r"is in Chinese \(zh\)"):
        read_article(Path(tmp_path / "x.docx"))
