"""PDF and Word articles (and evidence) are read with offsets into the extracted text; a file whose content
is not what its suffix says is refused with one line."""

import io
import zipfile

import pytest
from typer.testing import CliRunner

from cli.main import app
from pipeline.errors import InputError
from pipeline.formats import reflow_pdf_page
from pipeline.ingest import read_article
from pipeline.segment import segment

PARAGRAPHS = [
    "North Korean leader Kim Jong Un met South Korean President Moon Jae-in at the border village of Panmunjom on Friday, "
    "the first summit between the two countries in more than a decade.",
    "The two leaders agreed to work towards the complete denuclearisation of the Korean peninsula, according to a joint statement.",
    '"We are at the starting line," Kim said before the talks began.',  # the PDF core fonts have no curly quotes
]


def make_pdf(path, paragraphs, *, title="Summit at Panmunjom"):
    """A PDF of ``paragraphs`` (wrapped by fpdf2 over several lines each) in a core font."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(4)
    pdf.output(str(path))
    return path


def make_docx(path, paragraphs, *, title="Summit at Panmunjom"):
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def assert_offsets_index_the_text(article):
    parts = segment(article)
    assert parts.sentences
    for sentence in parts.sentences:
        assert article.text[sentence.start:sentence.end] == sentence.text
    return parts


def test_pdf_article_is_read_as_its_paragraphs_with_offsets_into_the_extracted_text(tmp_path):
    article = read_article(make_pdf(tmp_path / "summit.pdf", PARAGRAPHS))
    assert article.format == "pdf" and article.title == "Summit at Panmunjom"
    # multi_cell wrapped the first two paragraphs over two lines each; each is one line (one paragraph) again
    assert article.text.splitlines() == PARAGRAPHS
    parts = assert_offsets_index_the_text(article)
    assert any(s.text.startswith("The two leaders agreed") for s in parts.sentences)


def test_docx_article_is_read_with_its_title_and_offsets(tmp_path):
    article = read_article(make_docx(tmp_path / "summit.docx", PARAGRAPHS))
    assert article.format == "docx" and article.title == "Summit at Panmunjom"
    assert article.text.splitlines() == ["Summit at Panmunjom", *PARAGRAPHS]
    parts = assert_offsets_index_the_text(article)
    assert parts.quotes and parts.quotes[0].speaker == "Kim"


def test_reflow_keeps_short_sentence_lines_as_paragraph_ends():
    page = "The first paragraph runs over a line that is\nwrapped here and ends now.\nA second one.\n\nA third, after a blank line."
    assert reflow_pdf_page(page).splitlines() == [
        "The first paragraph runs over a line that is wrapped here and ends now.",
        "A second one.",
        "A third, after a blank line.",
    ]


def test_a_paragraph_running_over_a_page_break_stays_one():
    from pipeline.formats import join_pdf_pages

    assert join_pdf_pages(["One ends here.\nThe next runs over the", "page break. Then a new one."]) == (
        "One ends here.\nThe next runs over the page break. Then a new one."
    )
    assert join_pdf_pages(["A page ends a sentence.", "A new page."]) == "A page ends a sentence.\n\nA new page."


def _zip_without_document(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    return path


def _image_only_pdf(path):
    from fpdf import FPDF
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(image, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(image, x=10, y=10, w=100)
    pdf.output(str(path))
    return path


@pytest.mark.parametrize(
    "name, make, message",
    [
        ("plain.pdf", lambda p: p.write_text("BT /F1 12 Tf (Hello) Tj ET\nJust text named .pdf", encoding="utf-8"), "is named .pdf but is not a PDF (it does not start with %PDF-)"),
        ("archive.docx", _zip_without_document, "is named .docx but is not a Word document"),
        ("report.txt", lambda p: make_pdf(p, PARAGRAPHS), "is named .txt but is a PDF; rename it to .pdf"),
        ("page.html", lambda p: make_pdf(p, PARAGRAPHS), "is named .html but is a PDF; rename it to .pdf"),
        ("story.md", lambda p: make_docx(p, PARAGRAPHS), "is named .md but is a Word document; rename it to .docx"),
        ("scan.pdf", _image_only_pdf, "is a PDF with no text layer"),
        ("broken.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj garbage"), "is a damaged PDF"),
    ],
)
def test_content_that_does_not_match_the_suffix_is_refused_with_one_line(tmp_path, name, make, message):
    path = tmp_path / name
    make(path)
    with pytest.raises(InputError, match="^article .*") as caught:
        read_article(path)
    assert message in str(caught.value)
    result = CliRunner().invoke(app, ["check", str(path), "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"error: {caught.value}"]
    assert not (tmp_path / "r.json").exists()


EVIDENCE = [
    "Kim Jong Un and Moon Jae-in met at Panmunjom on 27 April 2018, the first inter-Korean summit in more than a decade.",
    "The two leaders signed the Panmunjom Declaration, committing to the complete denuclearisation of the peninsula.",
]


@pytest.mark.parametrize("suffix, make", [(".pdf", make_pdf), (".docx", make_docx)])
def test_evidence_pdf_or_docx_in_a_folder_or_given_directly_is_one_passage_per_paragraph(tmp_path, suffix, make):
    from pipeline.evidence import load_evidence

    folder = tmp_path / "evidence"
    folder.mkdir()
    document = make(folder / f"summit{suffix}", EVIDENCE, title="Inter-Korean summit")
    (folder / "notes.txt").write_text("A plain text passage about the border village.\n", encoding="utf-8")
    passages = load_evidence([folder])
    texts = [p.text for p in passages if p.source == f"summit{suffix}"]
    assert EVIDENCE[0] in texts and EVIDENCE[1] in texts
    assert {p.title for p in passages if p.source == f"summit{suffix}"} == {"Inter-Korean summit"}
    assert "A plain text passage about the border village." in [p.text for p in passages]
    direct = load_evidence([document])
    assert EVIDENCE[1] in [p.text for p in direct]


def test_an_evidence_pdf_passage_is_found_by_retrieval(tmp_path):
    from pipeline.embed import SentenceEmbedder
    from pipeline.evidence import EvidenceIndex
    from tests.tiny_models import minilm_path

    folder = tmp_path / "evidence"
    folder.mkdir()
    make_pdf(folder / "summit.pdf", EVIDENCE)
    (folder / "other.txt").write_text("The central bank cut interest rates by a quarter point on Thursday.\n", encoding="utf-8")
    index = EvidenceIndex.for_files([folder], tmp_path / "index", SentenceEmbedder(minilm_path()), ann_threshold=10_000)
    [hits] = index.search(["Which declaration did the two leaders sign at Panmunjom?"], top_k=1, candidates=10, rrf_k=60)
    assert hits[0].passage.text == EVIDENCE[1] and hits[0].passage.source == "summit.pdf"


def test_evidence_named_pdf_that_is_not_one_is_refused(tmp_path):
    from pipeline.evidence import load_evidence

    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "fake.pdf").write_text("just text", encoding="utf-8")
    with pytest.raises(InputError, match=r"^evidence .*fake\.pdf is named \.pdf but is not a PDF"):
        load_evidence([folder])
