import json

from flows.check_article import check_article_flow
from pipeline.report import render_html
from tests.conftest import BUNDLED_ARTICLE


def test_check_article_flow_writes_a_report_with_the_nauert_flag(prefect_harness, tiny_config, tmp_path):
    output = tmp_path / "report.json"
    data = check_article_flow(str(BUNDLED_ARTICLE), outputs={str(output): "json"}, config_path=str(tiny_config))
    assert json.loads(output.read_text(encoding="utf-8")) == json.loads(json.dumps(data))
    text = BUNDLED_ARTICLE.read_text(encoding="utf-8")
    for item in data["flags"] + data["claims"]:
        assert text[item["start"] : item["end"]] == item["text"]
    (nuart,) = [f for f in data["flags"] if f["type"] == "name_misspelling"]
    assert (nuart["text"], nuart["suggestion"]) == ("Heather Nuart", "Heather Nauert")
    assert sum(f["type"] == "malformed_quote" for f in data["flags"]) == 3
    assert set(data["timings"]) >= {"segment", "retrieve", "verify", "attribution"}
    assert "<mark" in render_html(data)
