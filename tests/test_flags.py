"""How verdict flags and the attribution check's flags are merged into one report."""

from pipeline.flags import merge_attribution_flags
from pipeline.types import Change, Flag

ARTICLE = "“It is admirable to admit a mistake. But they are back in the fold now,” Johnson said."


def _flag(kind: str, text: str, changes=()) -> Flag:
    start = ARTICLE.index(text)
    return Flag(kind, None, start, start + len(text), text, "message", changes=tuple(changes))


def test_a_quotations_first_sentence_is_not_flagged_again_for_the_speaker_the_attribution_check_flagged():
    # eval_cases_dev 151, 171, 229: the speaker comes after the quotation's last sentence; the attribution check
    # flags the name, and the verdict of the first sentence named the same wrong speaker a second time
    by_name = _flag("misattribution", "Johnson")
    first_sentence = _flag("misattribution", "“It is admirable to admit a mistake.",
                           [Change("speaker", "Johnson", "Aleksander Ceferin", None, None, None, None)])
    assert merge_attribution_flags([by_name], [first_sentence]) == [by_name]
    # another speaker the attribution check did not flag keeps its flag
    other = _flag("misattribution", "“It is admirable to admit a mistake.", [Change("speaker", "Boris Johnson", "Ceferin", None, None, None, None)])
    assert merge_attribution_flags([by_name], [other]) == [other, by_name]
    # and so does a contradiction in the same sentence
    contradicted = _flag("contradicted", "“It is admirable to admit a mistake.")
    assert merge_attribution_flags([by_name], [contradicted]) == [contradicted, by_name]


def test_a_review_flag_names_the_terms_a_sentence_much_like_the_claim_does_not_give():
    from pipeline.flags import verdict_flags
    from pipeline.types import Claim, Verdict

    claim = Claim("c1", "Khan, first elected in May 2012, won a third term.", 0, 49, 0.9, "s1")
    note = "An evidence sentence says much the same (similarity 0.64) but does not give “May 2012”"
    (flag,) = verdict_flags([claim], {"c1": Verdict("c1", "needs_review", 0.5, note=note)}, min_checkworthiness=0.5)
    assert flag.type == "needs_review" and flag.message == f"{note}; an editor should compare them."
    (plain,) = verdict_flags([claim], {"c1": Verdict("c1", "needs_review", 0.5)}, min_checkworthiness=0.5)
    assert plain.message.startswith("The checker could not decide this claim confidently")


def test_a_contradiction_whose_only_change_is_a_name_the_attribution_check_flagged_is_dropped():
    # eval_cases_dev 467, 211: "Jordon" flagged as a misspelling, and again as an entity change of the sentence
    by_name = _flag("name_misspelling", "Johnson")
    start = ARTICLE.index("Johnson")
    entity = Change("entity", "Johnson", "Johnston", start, start + 7, 0, 8)
    sentence = _flag("contradicted", "But they are back in the fold now,” Johnson said.", [entity])
    assert merge_attribution_flags([by_name], [sentence]) == [by_name]
    # another change in the sentence keeps the contradiction
    number = Change("number", "back", "not back", ARTICLE.index("back"), ARTICLE.index("back") + 4, 0, 8)
    both = _flag("contradicted", "But they are back in the fold now,” Johnson said.", [entity, number])
    assert merge_attribution_flags([by_name], [both]) == [both, by_name]
