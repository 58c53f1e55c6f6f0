"""Word-level source alignment: each kind of change, both directions, harmless edits, explanations, coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.alignment import AlignmentChecker
from pipeline.changes import compare_sentences, corrected_text, covering_passages, days_of_weekdays, passage_texts, terms_missing_from, tokenize
from pipeline.flags import verdict_flags
from pipeline.lexicon import (
    WORDNET_ANTONYMS, WORDNET_CAPITALS, WORDNET_DEMONYMS, WORDNET_PLACES, are_antonyms, build_wordnet_antonyms, build_wordnet_capitals,
    build_wordnet_demonyms, build_wordnet_places, capital_of, lies_within, same_place, same_region,
)
from pipeline.types import Claim, Passage, RetrievedPassage

# (source sentence, article sentence, kind of the one meaning change, article words, source words)
MEANING_CHANGES = [
    ("Shares fell 5% on Monday after the report.", "Shares rose 5% on Monday after the report.", "direction", "rose", "fell"),
    ("Unemployment was lower than a year earlier.", "Unemployment was higher than a year earlier.", "direction", "higher", "lower"),
    ("Fewer people voted in the election this year.", "More people voted in the election this year.", "direction", "More", "Fewer"),
    ("Labour won the general election by a wide margin.", "Labour lost the general election by a wide margin.", "direction", "lost", "won"),
    ("The index was up sharply in early trading.", "The index was down sharply in early trading.", "direction", "down", "up"),
    # Superlatives and comparatives whose lemma hides the opposite ("best" -> "well", "earlier" -> "early").
    ("He is best known for his role in the series.", "He is worst known for his role in the series.", "direction", "worst", "best"),
    ("The talks resumed earlier than planned this week.", "The talks resumed later than planned this week.", "direction", "later", "earlier"),
    # A superlative inside a compound, which spaCy tags as an adverb with itself as lemma.
    ("It was the highest-paid job in the region last year.", "It was the lowest-paid job in the region last year.", "direction", "lowest", "highest"),
    ("The party gained ground in the latest polls.", "The party lost ground in the latest polls.", "direction", "lost", "gained"),
    ("The committee approved the budget plan on Friday.", "The committee did not approve the budget plan on Friday.", "negation", "did not approve", "approved"),
    ("The bank will cut its main rate in March.", "The bank may cut its main rate in March.", "hedge", "may", "will"),
    ("The book is a non-fiction account of his life.", "The book is a fiction account of his life.", "negation", "", "non"),
    ("The developer was based in Burnaby, Canada.", "The developer was based outside Canada.", "direction", "outside", "in Burnaby"),
    ("She was the governor of Texas from 1991 to 1995.", "She was the governor of Texas for one year.", "number", "for one year", "from 1991 to 1995"),
    ("Pregnant women are likely to be hospitalized more often.", "Pregnant women are hospitalized more often.", "hedge", "are", "are likely to be"),
    ("The ministry sanctioned 28 shipping vessels last year.", "The ministry sanctioned 82 shipping vessels last year.", "number", "82", "28"),
    # A scale word for another, one letter apart: no misspelling.
    ("The startup raised $2.5 million in 2020.", "The startup raised $2.5 billion in 2020.", "number", "billion", "million"),
    ("Microsoft closed its $69 billion acquisition of Activision.", "Microsoft closed its $68bn acquisition of Activision.", "number", "68bn", "69 billion"),
    ("The Fed held its target range at 5.25%-5.5% on Wednesday.", "The Fed held its target range at 5.5% to 5.75% on Wednesday.", "number",
     "5.5% to 5.75", "5.25%-5.5"),
    # A score written as one word: each number counts once ("2-2" shares a 2 with "4-2" but is another score).
    ("Argentina beat France 4–2 on penalties after a 3–3 draw.", "Argentina beat France 2–2 on penalties after a 3–3 draw.", "number", "2–2", "4–2"),
    ("The talks were held in Singapore on 12 June.", "The talks were held in Singapore on 14 June.", "date", "14", "12"),
    ("The treaty was signed in Paris in 2019 by both leaders.", "The treaty was signed in Paris in 2021 by both leaders.", "date", "2021", "2019"),
    ("Macron met Meloni in Rome to discuss migration.", "Macron met Scholz in Rome to discuss migration.", "entity", "Scholz", "Meloni"),
    # The words before a title are a person's role: the attribution check's misattribution, with the right role.
    ("Milei beat Economy Minister Sergio Massa in the run-off.", "Milei beat Interior Minister Sergio Massa in the run-off.", "role", "Interior", "Economy"),
    # A place or organisation spelt close to another is another one.
    ("New sanctions on Iran were announced on Friday.", "New sanctions on Iraq were announced on Friday.", "entity", "Iraq", "Iran"),
    ("Mike Gates visited the plant on Monday.", "Mark Gates visited the plant on Monday.", "entity", "Mark", "Mike"),  # no short form
    # Reported speech credited to another person: who said it, a misattribution even without a quotation.
    ("Jerome Powell said the bank would keep rates steady.", "Christine Lagarde said the bank would keep rates steady.", "speaker",
     "Christine Lagarde", "Jerome Powell"),
    ("According to Powell, the bank would keep rates steady.", "According to Lagarde, the bank would keep rates steady.", "speaker",
     "Lagarde", "Powell"),
    ("Huckabee served as the 44th Governor of Arkansas.", "Huckabee served as the 44th Governor of Kansas.", "entity", "Kansas", "Arkansas"),
    ("Duane Chapman is a former bail bondsman.", "Duane Chapman is a current bail bondsman.", "direction", "current", "former"),
    # A number inside a name is a number, however close the spelling.
    ("The vaccine protects against COVID-19 in most adults.", "The vaccine protects against COVID-59 in most adults.", "number", "COVID-59", "COVID-19"),
    # What a news desk gets wrong that WordNet does not pair or the alignment read as function words (desk_antonyms.tsv,
    # pipeline.changes): a level for a change, percentage points, a rank, a multiple, a unit of time, a role's modifier,
    # two names swapped, a quantifier, an outcome.
    ("Inflation rose by 3% in March.", "Inflation rose to 3% in March.", "number", "to", "by"),
    ("The rate fell to 4% last year.", "The rate fell from 4% last year.", "number", "from", "to"),
    ("Rates rose by half a percentage point.", "Rates rose by half a percent.", "number", "percent", "percentage point"),
    ("It is the second-largest bank in Europe.", "It is the third-largest bank in Europe.", "number", "third", "second"),
    ("Profits doubled last year.", "Profits tripled last year.", "number", "tripled", "doubled"),
    ("The company raised $5 million in funding.", "The company raised €5 million in funding.", "number", "€", "$"),
    ("The deal is worth 2 billion euros.", "The deal is worth 2 billion dollars.", "number", "dollars", "euros"),
    ("The road is 30 kilometres long.", "The road is 30 miles long.", "number", "miles", "kilometres"),
    ("The bank raised rates by 25 basis points.", "The bank raised rates by 25 percentage points.", "number", "percentage", "basis"),
    ("The Fed cut rates by 25 basis points.", "The Fed cut rates by 0.5 percentage point.", "number", "0.5 percentage point", "25 basis points"),
    ("Half of the voters backed the plan.", "A third of the voters backed the plan.", "number", "A third", "Half"),
    ("He was sentenced to 12 years in prison.", "He was sentenced to 12 months in prison.", "date", "months", "years"),
    ("The bank's quarterly profit rose 10%.", "The bank's annual profit rose 10%.", "date", "annual", "quarterly"),
    ("The explosion happened on Tuesday morning.", "The explosion happened on Tuesday evening.", "date", "evening", "morning"),
    ("Former president Obama spoke at the rally.", "President Obama spoke at the rally.", "role", "", "Former"),
    ("The deputy finance minister said the deal was close.", "The finance minister said the deal was close.", "role", "", "deputy"),
    ("Most economists expect a cut in June.", "All economists expect a cut in June.", "direction", "All", "Most"),
    ("Two people died in the attack on Monday.", "Two people were injured in the attack on Monday.", "direction", "were injured", "died"),
    ("The court upheld the conviction on appeal.", "The court overturned the conviction on appeal.", "direction", "overturned", "upheld"),
    ("The Democratic senator opposed the bill.", "The Republican senator opposed the bill.", "direction", "Republican", "Democratic"),
    ("The minister denied the report on Monday.", "The minister confirmed the report on Monday.", "direction", "confirmed", "denied"),
    ("The United States lifted sanctions on Iran.", "The United States imposed sanctions on Iran.", "direction", "imposed", "lifted"),
    ("The regulator approved the merger on Friday.", "The regulator blocked the merger on Friday.", "direction", "blocked", "approved"),
    ("Hawkish officials spoke after the meeting.", "Dovish officials spoke after the meeting.", "direction", "Dovish", "Hawkish"),
    ("The company missed analysts' forecasts.", "The company beat analysts' forecasts.", "direction", "beat", "missed"),
    ("The team was relegated to the second division.", "The team was promoted to the second division.", "direction", "promoted", "relegated"),
    ("The president vetoed the bill on Friday.", "The president signed the bill on Friday.", "direction", "signed", "vetoed"),
    ("The court ruled in favour of the government.", "The court ruled against the government.", "direction", "against", "in favour of"),
    ("The vote was postponed until next month.", "The vote was postponed until last month.", "direction", "last", "next"),
    # A verb that says the deed did not happen.
    ("The Senate passed the bill on Friday.", "The Senate failed to pass the bill on Friday.", "negation", "failed to pass", "passed"),
    ("The president signed the treaty on Monday.", "The president refused to sign the treaty on Monday.", "negation", "refused to sign", "signed"),
    ("The spokesman declined to comment on Friday.", "The spokesman commented on Friday.", "negation", "commented", "declined to comment"),
    ("The company resumed production in May.", "The company suspended production in May.", "direction", "suspended", "resumed"),
    # A plan or proposal is no deed.
    ("The government is considering a ban on the drug.", "The government has banned the drug.", "hedge", "has banned", "is considering a ban"),
    # A bound turned round on the same figure: the figure cannot be both.
    ("The disease affects over 20 million people in Africa.", "The disease affects under 20 million people in Africa.", "direction", "under", "over"),
    # Another opposite next to bounds turned round on different figures still counts.
    ("Shares fell under 8% on Monday.", "Shares rose over 5% on Monday.", "direction", "rose over 5", "fell under 8"),
    # A time of day, on the 12-hour or the 24-hour clock; a share written as "one in N".
    ("Services stopped at 18:30 on strike days.", "Services stopped at 8.30pm on strike days.", "date", "8.30pm", "18:30"),
    ("Only around 20% of services ran on strike days.", "Only about one in four services ran on strike days.", "number", "about one in four", "around 20% of"),
    # Another body or place in a named person's title is whose office it is: a role, flagged as a misattribution.
    ("Kim Budil, director of Lawrence Livermore National Laboratory, called it a landmark.",
     "Kim Budil, director of Los Alamos National Laboratory, called it a landmark.", "role", "Los Alamos", "Lawrence Livermore"),
    ("The director of Lawrence Livermore National Laboratory called it a landmark.",
     "The director of Los Alamos National Laboratory called it a landmark.", "entity", "Los Alamos", "Lawrence Livermore"),
    # A date written in the other order with its year changed: the day moves, the year is the change (eval_cases_dev 460).
    ("Souza was wounded on October 21, 2021, near Santa Fe.", "Souza was wounded on 21 October 2022 near Santa Fe.", "date", "2022", "2021"),
    # "three months to 31 December" for "the quarter ended December 31" moves the day; another day is a date change
    # (eval_cases_dev 504).
    ("Disney+ lost 2.4 million subscribers in the quarter ended December 31.", "Disney+ lost 2.4 million subscribers in the three months to 30 December.",
     "date", "three months to 30", "quarter ended"),
    # A capital after "in" is a place, not its government.
    ("The summit was held in Paris in June.", "The summit was held in Berlin in June.", "entity", "Berlin", "Paris"),
]


def _kinds(changes):
    return [(c.kind, c.article, c.source) for c in changes if c.kind not in ("harmless", "content")]


@pytest.mark.parametrize("source, article, kind, article_words, source_words", MEANING_CHANGES)
def test_each_meaning_change_is_named_in_both_directions(source, article, kind, article_words, source_words):
    assert _kinds(compare_sentences(article, source)) == [(kind, article_words, source_words)]
    # The reverse edit is the same kind of change with the sides swapped.
    assert [k for k, _, _ in _kinds(compare_sentences(source, article))] == [kind]


@pytest.mark.parametrize("source, article", [
    ("The colour of the flag was changed, officials said.", "The color of the flag was changed, officials told reporters."),
    ("The Treasury said on Friday it had sanctioned 27 companies and 28 vessels.", "The Treasury said on Friday it had sanctioned 27 companies."),
    ("The talks were held on 12 June 2018 in Singapore.", "The talks were held on Tuesday in Singapore."),
    ("The organisation will publish its report in May.", "The organization would publish its report in May."),
    ("Jon Fosse, born in 1959, is one of the most performed playwrights.", "Fosse, 64, is one of the most performed playwrights."),
    # A person's name misspelt: the name checker flags it (name_misspelling), not the alignment.
    ("Governor Kazuo Ueda said financial conditions would stay accommodative.", "Governor Kazuo Udea said financial conditions would stay accommodative."),
    # A few words standing for a long stretch of the source are a rewording, not a name swapped.
    ("Elizabeth II was Britain's longest-reigning monarch, having reigned for 70 years since 1952.", "The Queen had reigned for 70 years since 1952."),
    # A date written in the other order; "May" the month is no modal verb.
    ("Loreen won the contest in Liverpool on 13 May 2023 for Sweden.", "Loreen won the contest in Liverpool on May 13, 2023 for Sweden."),
    # An organisation's acronym for its name written out, either way round.
    ("The rover was built by the European Space Agency and reached Mars in 2028.", "The rover was built by ESA and reached Mars in 2028."),
    ("Researchers at MIT published the study on Monday.", "Researchers at the Massachusetts Institute of Technology published the study on Monday."),
    # "US" is the acronym, not the pronoun "us" (vitaminc_dev: "certified gold in the US" was an entity change).
    ("The album was certified gold in the United States on January 7, 2006.", "The album was certified gold in the US on January 7, 2006."),
    # A clause the article drops holds its own negation: it negates none of the words kept.
    ("The court upheld the ruling, saying the appeal had no basis in law.", "The court upheld the ruling."),
    # ... and its own hedge: it qualifies none of them.
    ("The virus is associated with a high inflammatory burden that can induce myocarditis and arrhythmias.",
     "The virus is associated with a high inflammatory burden."),
    # An acronym written with points, or followed by a verb the source also has.
    ("West Ham United Football Club was founded in 1895.", "West Ham United F.C. was founded in 1895."),
    ("The republic was formed after the Chechen-Ingush Autonomous Soviet Socialist Republic was split in two.",
     "The republic was formed after the Chechen-Ingush ASSR split in two."),
    # A place the source's lies in (WordNet's part-of relation), either way the source writes it.
    ("The composer was born in Chennai, Tamil Nadu, in 1975.", "The composer was born in India in 1975."),
    ("The station is located in Boston, Massachusetts.", "The station is located in New England."),
    # ... its continent (WordNet files continents as objects, not locations; fever_evidence had "from North America"
    # for "from Fort Erie, Ontario" as an entity change).
    ("The producer is from Fort Erie, Ontario.", "The producer is from North America."),
    ("Nigerian officials said the talks had failed.", "African officials said the talks had failed."),
    # Another name WordNet gives the same place.
    ("Britain's economy grew 0.2% in the third quarter.", "The UK economy grew 0.2% in the third quarter."),
    ("Pope Francis visited Myanmar in 2017.", "Pope Francis visited Burma in 2017."),
    # A demonym for its place (WordNet's pertainyms).
    ("France's president said the talks had failed.", "The French president said the talks had failed."),
    ("U.S. officials said the talks had failed.", "American officials said the talks had failed."),
    # An initial for a name; an ordinal day for the day; a "one" that counts nothing for a rank.
    ("Michael Bakari Jordan starred in the film in 2013.", "Michael B. Jordan starred in the film in 2013."),
    # A short form of a given name (the nicknames package): fever_evidence had "Mike" for "Michael Dale" as an entity change.
    ("Michael Dale Huckabee served as Governor of Arkansas.", "Mike Huckabee served as Governor of Arkansas."),
    ("Joseph R. Biden said the talks would resume.", "Joe Biden said the talks would resume."),
    ("The film was released in the United States on July 8, 2005.", "The film was released in the United States on July 8th, 2005."),
    ("Michigan is the tenth most populous of the states.", "Michigan is one of the most populous of the states."),
    ("She was the governor of Texas from 1991 to 1995.", "She was the governor of Texas for four years."),
    # An amount written with a scale word, an abbreviated scale or in full.
    ("The company employs 1.5 million people.", "The company employs 1,500,000 people."),
    ("Microsoft closed its $69 billion acquisition of Activision.", "Microsoft closed its $69bn acquisition of Activision."),
    ("The company cut 10,000 jobs last year.", "The company cut ten thousand jobs last year."),
    ("The startup raised $2.5 million in 2020.", "The startup raised $2.5m in 2020."),
    # The same level, length, multiple or rank written another way.
    ("Inflation rose by 3% in March.", "Inflation rose 3% in March."),
    ("Sales declined to $5 billion in 2023.", "Sales fell to $5 billion in 2023."),
    ("The vote was 52 to 48 in favour.", "The vote was 52-48 in favour."),
    ("The president will visit Japan next week.", "The president is due to visit Japan next week."),
    ("The summit will take place in Geneva in June.", "The summit is scheduled for June in Geneva."),
    ("Interim results will be published on Thursday.", "The interim results are due on Thursday."),  # two edits, one future
    ("All games of the tournament were cancelled due to COVID-19.", "All games of the tournament were cancelled."),  # a cause
    ("The Fed cut rates by 50 basis points.", "The Fed cut rates by half a percentage point."),
    ("The Fed cut rates by 25 basis points.", "The Fed cut rates by 0.25 percentage point."),
    ("The company raised $5 million in funding.", "The company raised 5 million dollars in funding."),
    ("The company raised $5 million in funding.", "The company raised US$5 million in funding."),
    ("The road is 30 kilometres long.", "The road is 30 km long."),
    ("The firm, which won the contract, said it was pleased.", "The firm, which was awarded the contract, said it was pleased."),
    ("The contract runs for a year.", "The contract runs for 12 months."),
    ("Profits rose twofold last year.", "Profits doubled last year."),
    ("Half of the staff were laid off.", "50% of the staff were laid off."),
    ("Michigan is the tenth most populous of the states.", "Michigan is among the most populous of the states."),
    ("Police arrested him after acting on a tip.", "Police were acting on a tip when they arrested him."),
    ("Rates could rise up to 5% next year.", "Rates could rise to 5% next year."),
    # A range written as one word, or with "to".
    ("The Fed held its target range at 5.25%-5.5% on Wednesday.", "The Fed held its target range at 5.25% to 5.5% on Wednesday."),
    ("The Fed held its target range at 5.25%-5.5% on Wednesday.", "The Fed held its target range at 5.25-5.5% on Wednesday."),
    # A decimal point printed as a middle dot, the way The Lancet prints it.
    ("We estimated that 1·7 billion people have an underlying condition.", "About 1.7 billion people have an underlying condition."),
    # A time of day on the other clock; a model number in the plural; "U.S." with or without points.
    ("Services stopped at around 18:30 on strike days.", "Services stopped at around 6.30pm on strike days."),
    ("The contracts expired at 11:59 p.m. on Thursday.", "The contracts expired at 11.59pm on Thursday."),
    ("Alaska Airlines grounded its fleet of 65 Max 9 aircraft on Friday night.", "Alaska Airlines grounded its fleet of 65 Max 9s."),
    ("It was the first U.S. spacecraft on the Moon since 1972.", "It was the first US spacecraft on the Moon since 1972."),
    # A share as "one in N" or "one out of N"; a currency sign for its name, a word of the source dropped.
    ("Only around 20% of normal services ran on strike days.", "Only about one in five normal services ran on strike days."),
    ("One in three adults smoke, the survey found.", "33 per cent of adults smoke, the survey found."),
    ("They set up a 30 billion euro reconstruction fund.", "They set up a €30bn fund."),
    # What "allow ... to" says is what "could" says; a plan told as done is the NLI model's to weigh.
    ("It would change the law to allow employers to bring in agency staff.", "It would change the law so that employers could bring in agency staff."),
    ("Only 20% of services will run and half of the network will be closed.", "Only 20% of services ran and half of the network was closed."),
    # A capital for its country, as a desk writes the government; one actor named two ways is no swap.
    ("Russia had complained that the deal had not been honoured.", "Moscow had complained that the deal had not been honoured."),
    ("Saudi Arabia cut ties in 2016 after Riyadh's execution of the cleric.", "Riyadh severed ties in 2016 after Saudi Arabia's execution of the cleric."),
    # A number the article moves to its subject, and a clause it drops.
    ("The DPP won 51 seats against 52 for the KMT; the TPP won eight.", "The DPP won 51 seats to the KMT's 52."),
    # A speaker the article names in another place, with "the union" for its name: the speaker check compares quotations.
    ("“We will strike,” RMT general secretary Mick Lynch said after talks broke down.", "“We will strike,” said Mick Lynch, the union's general secretary."),
])
def test_harmless_edits_change_no_meaning(source, article):
    assert _kinds(compare_sentences(article, source)) == []


def test_another_organisation_s_acronym_and_a_negation_in_a_shared_clause_still_change_the_meaning():
    changes = compare_sentences("The rover was built by NASA and reached Mars in 2028.", "The rover was built by the European Space Agency and reached Mars in 2028.")
    assert _kinds(changes) == [("entity", "NASA", "the European Space Agency")]
    changes = compare_sentences("The court upheld the ruling, saying the appeal had a basis in law.", "The court upheld the ruling, saying the appeal had no basis in law.")
    assert [k for k, _, _ in _kinds(changes)] == ["negation"]


def test_a_name_for_a_pronoun_of_the_source_is_left_to_the_nli_model():
    source = "Born in Des Moines, Iowa, he is best known as one of two guitarists in Slipknot."
    kinds = [c.kind for c in compare_sentences("Mick Thomson is best known as one of two guitarists in Slipknot.", source)]
    assert "entity" not in kinds and "content" in kinds


def test_a_negation_inside_a_long_reworded_stretch_is_left_to_the_nli_model_but_a_not_put_in_for_one_counts():
    source = "The state lies in the Middle East and since 2012 has had the status of a non-member observer state."
    kinds = [c.kind for c in compare_sentences("The state lies in Western Asia.", source)]
    assert "negation" not in kinds and "content" in kinds
    source = "Michigan is the tenth most populous of the 50 United States, with the 11th most extensive total area."
    assert "negation" in [c.kind for c in compare_sentences("Michigan is not a U.S. state.", source)]


def test_change_offsets_index_the_article_and_the_source():
    source, article = "Shares fell 5% on Monday.", "Shares rose 5% on Monday."
    (change,) = compare_sentences(article, source, article_offset=100)
    text = " " * 100 + article
    assert text[change.article_start:change.article_end] == "rose"
    assert source[change.source_start:change.source_end] == "fell"
    assert corrected_text(article, [change], article_offset=100) == source


def test_corrected_text_puts_a_dropped_negation_back():
    source, article = "The bank did not change its forecast.", "The bank changed its forecast."
    changes = compare_sentences(article, source)
    assert corrected_text(article, changes) == source


def _claim(text: str, start: int = 0, speaker: str | None = None) -> Claim:
    return Claim("c", text, start, start + len(text), 0.9, "s", speaker=speaker)


def test_contradicted_flag_names_the_words_cites_the_deciding_passage_and_suggests_the_fix():
    unrelated = RetrievedPassage(Passage("p-chair", "Jerome Powell is the Chair of the Board of Governors."), 0.9)
    vote = RetrievedPassage(Passage("p-vote", "The FOMC vote was 11 to 1. Michelle Bowman voted against the action."), 0.5)
    claim = _claim("Michelle Bowman voted for the action.", start=40)
    verdicts = AlignmentChecker().run([claim], {"c": [unrelated, vote]})
    (flag,) = verdict_flags([claim], verdicts, min_checkworthiness=0.5)
    assert flag.type == "contradicted"
    assert flag.evidence_ids == ("p-vote",)
    assert "“for”" in flag.message and "“against”" in flag.message
    assert flag.suggestion == "Michelle Bowman voted against the action."
    assert flag.source_sentence == "Michelle Bowman voted against the action."
    assert [(c.kind, c.article, c.source) for c in flag.changes] == [("direction", "for", "against")]


def test_a_quotation_credited_to_another_speaker_is_a_misattribution():
    passage = RetrievedPassage(Passage("q", "“We will not raise taxes,” Rachel Reeves said on Monday.", speaker="Rachel Reeves"), 0.5)
    claim = _claim("“We will not raise taxes,” Keir Starmer said on Monday.", speaker="Keir Starmer")
    verdicts = AlignmentChecker().run([claim], {"c": [passage]})
    (flag,) = verdict_flags([claim], verdicts, min_checkworthiness=0.5)
    assert flag.type == "misattribution"
    assert any(c.kind == "speaker" and c.source == "Rachel Reeves" for c in flag.changes)
    assert sum(c.kind == "speaker" for c in flag.changes) == 1  # the words and the speaker field name one swap
    assert flag.suggestion == "“We will not raise taxes,” Rachel Reeves said on Monday."


def test_a_quotation_credited_to_a_role_is_left_to_the_attribution_check():
    passage = RetrievedPassage(Passage("q", "“Words barely describe the devastation,” Merkel said.", speaker="Angela Merkel"), 0.5)
    claim = _claim("“Words barely describe the devastation,” the chancellor said.", speaker="the chancellor")
    assert verdict_flags([claim], AlignmentChecker().run([claim], {"c": [passage]}), min_checkworthiness=0.5) == []


def test_a_wrong_role_is_a_misattribution_corrected_by_the_role_alone():
    passage = RetrievedPassage(Passage("p", "Milei won 55.7% of the vote against 44.3% for Economy Minister Sergio Massa."), 0.5)
    claim = _claim("Milei won 55.7% of the vote against 44.3% for Interior Minister Sergio Massa.")
    (flag,) = verdict_flags([claim], AlignmentChecker().run([claim], {"c": [passage]}), min_checkworthiness=0.5)
    assert flag.type == "misattribution"
    assert flag.suggestion == passage.passage.text


def test_a_quotation_credited_to_a_pronoun_is_not_a_misattribution():
    text = "As he stepped onto the surface he said: “That's one small step for man.”"
    passage = RetrievedPassage(Passage("q", text, speaker="Neil Armstrong"), 0.5)
    verdict = AlignmentChecker().run([_claim(text, speaker="he")], {"c": [passage]})["c"]
    assert verdict.label == "supported" and not any(c.kind == "speaker" for c in verdict.changes)


def test_only_harmless_edits_leave_a_restatement_supported():
    passage = RetrievedPassage(Passage("p", "The colour of the flag was changed on Friday, officials said."), 0.5)
    verdict = AlignmentChecker().run([_claim("The color of the flag was changed on Friday, officials told reporters.")], {"c": [passage]})["c"]
    assert verdict.label == "supported" and verdict.decided_by == ("p",)


def test_three_months_for_the_quarter_is_harmless():
    # eval_cases_dev 504
    changes = compare_sentences("Disney+ lost 2.4 million subscribers in the three months to 31 December.",
                                "Disney+ lost 2.4 million subscribers in the quarter ended December 31.")
    assert _kinds(changes) == []


def test_a_figure_with_its_unit_joined_is_mentioned_by_the_figure_and_unit_apart():
    # eval_cases_dev 528: "the 280km-wide body" where the evidence says "about 173 miles (280 kilometers) at its widest point"
    psyche = ["The asteroid Psyche measures about 173 miles (280 kilometers) at its widest point."]
    assert terms_missing_from("The spacecraft will orbit the 280km-wide asteroid Psyche.", psyche) == ()
    assert terms_missing_from("The spacecraft will orbit the 290km-wide asteroid Psyche.", psyche) == ("290km",)


def test_terms_missing_from_the_evidence():
    evidence = ["The rover landed in Jezero Crater on 18 February 2021."]
    assert terms_missing_from("The rover landed in Jezero Crater on Thursday.", evidence) == ()
    assert terms_missing_from("The rover found 412 fossils in Jezero Crater.", evidence) == ("412",)
    # A body the evidence names by its acronym is named.
    fomc = ["The FOMC vote was 11 to 1."]
    assert terms_missing_from("The decision by the Federal Open Market Committee was 11 to 1.", fomc) == ()
    assert terms_missing_from("The Federal Open Market Committee met in Geneva Palace.", ["The vote was 11 to 1."]) != ()


def test_a_figure_is_mentioned_only_by_a_passage_about_the_same_thing():
    """Issue 17: with 10,000 unrelated passages added, "14 countries" was found in a sentence about the death
    penalty, and the claim it was invented for was no longer `unsupported`."""
    claim = "Her findings have already been written into equal-pay legislation in 14 countries."
    unrelated = ["By contrast, 14 countries or jurisdictions impose the death penalty for homosexuality."]
    assert terms_missing_from(claim, unrelated) == ("14",)
    views = ["The music video has since received over 50 million views."]  # "since" says nothing of what is counted
    assert terms_missing_from("Prices have risen in all 50 states since records began.", views) == ("50",)
    assert terms_missing_from(claim, ["Equal-pay legislation now exists in 14 countries."]) == ()
    # A claim with nothing else to go by takes the figure from any passage.
    assert terms_missing_from("It rose 14%.", ["Exports rose 14% in March."]) == ()


def test_a_bound_or_decade_is_mentioned_by_a_figure_of_its_size_that_may_bear_it_out():
    """VitaminC dev: 68 true claims such as "more than 30 active cases" against "40 active cases" were flagged
    `unsupported` because no passage gives 30 itself."""
    germany = ["There are 40 active coronavirus cases in Germany."]
    assert terms_missing_from("There are more than 30 active coronavirus cases in Germany.", germany) == ()
    assert terms_missing_from("There are 30 active coronavirus cases in Germany.", germany) == ("30",)
    reviews = "Rotten Tomatoes gives the film a rating of 93%, based on {} reviews."
    claim = "On Rotten Tomatoes, the film's rating is based on under 255 reviews."
    assert terms_missing_from(claim, [reviews.format(253)]) == ()
    assert terms_missing_from(claim, [reviews.format(300)]) == ("255",)  # a figure the bound rules out
    assert terms_missing_from(claim, ["Rotten Tomatoes gives the film a rating of 93%."]) == ("255",)  # 93 is no count of reviews
    assert terms_missing_from("Spider-Man 2 was released in the 2000s.", ["Spider-Man 2 is a 2004 American film."]) == ()
    assert terms_missing_from("Spider-Man 2 was released in the 1990s.", ["Spider-Man 2 is a 2004 American film."]) == ("1990s",)


def test_a_name_partly_mentioned_is_mentioned_but_a_title_does_not_mention_the_name_after_it():
    balmoral = ["The Queen died peacefully at Balmoral on Thursday afternoon, Buckingham Palace said."]
    assert terms_missing_from("The Queen died at Balmoral Castle in Scotland on Thursday.", balmoral) == ()
    # A place the evidence names otherwise, or names a part of.
    assert terms_missing_from("The United Kingdom left the European Union in 2020.", ["Britain left the EU in 2020."]) == ()
    assert terms_missing_from("The New Zealand government said so.", ["Britain's government said so."]) == ("New", "Zealand")
    korea = ["South Korean President Moon Jae-in said talks should start."]
    assert terms_missing_from("South Korean President Rex Tillerson said talks should start.", korea) == ("Rex", "Tillerson")


def test_a_passage_s_source_and_title_fields_name_things_too():
    passage = Passage("p", "The lander was operating on its battery.", source="Japan Aerospace Exploration Agency")
    claim = "The lander ran on its battery, the Japan Aerospace Exploration Agency said."
    assert terms_missing_from(claim, [passage.text]) != ()
    assert terms_missing_from(claim, passage_texts([passage])) == ()


def _ranked(*texts):
    return [RetrievedPassage(Passage(f"p{i}", text), 1.0 / (i + 1)) for i, text in enumerate(texts)]


def test_a_passage_naming_what_the_best_passages_miss_is_swapped_in_from_further_down():
    """Issue 17: in a 20,000-passage archive the passage naming Trump fell to sixth place, and the claim naming
    Trump and Moon Jae-in became `unsupported` although the evidence retrieved for it names both."""
    claim = "President Donald Trump and President Moon Jae-in agreed to hold talks."
    ranked = _ranked(
        "Moon Jae-in has been President of South Korea since May 2017.",
        "Moon Jae-in said talks with North Korea should start soon.",
        "The talks were held at the border village.",
        "Officials agreed on a date for the talks.",
        "North Korea sent a delegation to the talks.",
        "A judge held hearings on the case.",
        "President Donald Trump met state governors at the White House.",
    )
    assert terms_missing_from(claim, [r.passage.text for r in ranked[:5]]) != ()
    chosen = covering_passages(claim, ranked, 5)
    assert [r.passage.id for r in chosen] == ["p0", "p1", "p2", "p3", "p6"]  # the lowest-ranked of the five made room
    assert terms_missing_from(claim, [r.passage.text for r in chosen]) == ()
    # The five best already name everything: nothing changes; nothing further down names it either: nothing changes.
    assert covering_passages(claim, ranked[6:] + ranked[:6], 5) == ranked[6:] + ranked[:4]
    assert covering_passages(claim, ranked[:6], 5) == ranked[:5]


def test_antonym_table_holds_wordnet_and_desk_pairs():
    assert are_antonyms("rise", "fall") and are_antonyms("high", "low") and are_antonyms("win", "lose")
    assert are_antonyms("more", "fewer") and are_antonyms("surplus", "deficit")  # the desk list
    assert not are_antonyms("say", "tell")


@pytest.mark.skipif(not Path("/usr/share/wordnet/data.noun").is_file(), reason="Debian's wordnet-base is not installed")
def test_shipped_antonym_table_is_what_wordnet_gives():
    shipped = {tuple(line.split("\t")) for line in WORDNET_ANTONYMS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")}
    assert shipped == set(build_wordnet_antonyms("/usr/share/wordnet"))


@pytest.mark.parametrize("up, down", [("surged", "slumped"), ("rallied", "slid"), ("accelerated", "slowed"), ("improved", "worsened"),
                                      ("added", "cut"), ("exceeded", "missed"), ("widened", "shrank"), ("increased", "slashed")])
def test_a_word_of_one_market_direction_for_one_of_the_other_is_a_direction_change(up, down):
    source = f"Shares in the company {up} on Monday, analysts said."
    article = source.replace(up, down)
    assert _kinds(compare_sentences(article, source)) == [("direction", down, up)]
    assert _kinds(compare_sentences(source, article)) == [("direction", up, down)]


def test_words_of_one_market_direction_are_no_direction_change_and_magnitudes_in_words_are_numbers():
    assert _kinds(compare_sentences("Shares in the company climbed on Monday.", "Shares in the company rose on Monday.")) == []
    assert _kinds(compare_sentences("Shares in the company surged on Monday.", "Shares in the company jumped on Monday.")) == []
    assert _kinds(compare_sentences("Thousands of people were evacuated.", "Hundreds of people were evacuated.")) == [
        ("number", "Thousands", "Hundreds")]


def test_a_person_who_is_no_speaker_is_an_entity_change():
    assert _kinds(compare_sentences("Christine Lagarde met the bank chiefs on Monday.", "Jerome Powell met the bank chiefs on Monday.")) == [
        ("entity", "Christine Lagarde", "Jerome Powell")]
    # The name after "said" is what was said, not who said it.
    assert [k for k, _, _ in _kinds(compare_sentences("Lagarde said Powell would keep rates steady.", "Lagarde said Yellen would keep rates steady."))] == [
        "entity"]


def test_two_names_swapped_between_their_places_or_across_their_verb_are_entity_changes():
    assert _kinds(compare_sentences("China's exports to Germany fell in May.", "Germany's exports to China fell in May.")) == [
        ("entity", "China", "Germany"), ("entity", "Germany", "China")]
    assert _kinds(compare_sentences("China and Germany signed the deal.", "Germany and China signed the deal.")) == []
    # A name moved across its verb: the doer and the done-to change places.
    assert [k for k, _, _ in _kinds(compare_sentences("Italy beat Spain 2-1 in the final.", "Spain beat Italy 2-1 in the final."))] == [
        "entity", "entity"]
    assert [k for k, _, _ in _kinds(compare_sentences("Ukraine accused Russia of shelling the plant.", "Russia accused Ukraine of shelling the plant."))] == [
        "entity", "entity"]
    # Not a verb that works both ways, a passive, or a clause moved whole.
    for article, source in [
        ("Xi met Biden in Bali on Monday.", "Biden met Xi in Bali on Monday."),
        ("Biden signed the bill on Friday.", "The bill was signed by Biden on Friday."),
        ("After beating Spain in the final, Italy won the title.", "Italy won the title after beating Spain in the final."),
        ("Argentina beat France as Messi scored twice.", "Messi scored twice as Argentina beat France."),
    ]:
        assert _kinds(compare_sentences(article, source)) == [], article


def test_a_role_word_or_unit_of_time_in_a_reworded_stretch_or_under_a_bound_is_left_to_the_nli_model():
    # fever_evidence: "former" in another description, "acting" as a noun, a bound that may hold for either unit.
    for article, source in [
        ("Efraim Diveroli is an American citizen.", "Efraim Diveroli is an American former arms dealer and author."),
        ("Tom Baker has narrated commercials.", "In addition to performing acting roles, Baker has narrated commercials."),
        ("Michelin Guides have been published for more than a decade.", "Michelin Guides have been published for more than a century."),
        # vitaminc_dev: "considered" as "regarded as" is no hedge, only "considering" (weighing) is.
        ("Ronaldinho is one of the best players of his generation.",
         "Often considered one of the best players of his generation, Ronaldinho won two FIFA World Player of the Year awards."),
        ("Lex Luthor sees the alien as a threat to his city.", "Billionaire Lex Luthor considers the alien a threat to his city."),
        # eval_cases 016: "former" before a state's name is part of the name, no one's title.
        ("Only the former Soviet Union, the United States and China had landed on the moon.",
         "Only the Soviet Union, the United States and China had soft-landed on the moon."),
    ]:
        assert _kinds(compare_sentences(article, source)) == [], article


def test_a_superlative_without_its_rank_claims_more_and_one_with_one_of_says_less():
    assert _kinds(compare_sentences("It is the largest bank in Europe.", "It is one of the largest banks in Europe.")) == [
        ("number", "", "one of")]
    assert _kinds(compare_sentences("It is the largest bank in Europe.", "It is the second-largest bank in Europe.")) == [
        ("number", "", "second")]
    assert _kinds(compare_sentences("It is one of the largest banks in Europe.", "It is the largest bank in Europe.")) == []
    assert _kinds(compare_sentences("It is one of the largest banks in Europe.", "It is the fourth-largest bank in Europe.")) == []


def test_a_place_inside_the_source_s_is_left_to_the_nli_model_and_an_unrelated_one_is_a_change():
    assert lies_within("Chennai", "India") and lies_within("Detroit", "U.S.") and not lies_within("India", "Chennai")
    assert [c.kind for c in compare_sentences("The talks were held in Tokyo.", "The talks were held in Japan.") if c.kind != "harmless"] == ["content"]
    assert _kinds(compare_sentences("The talks were held in Hanoi.", "The talks were held in Singapore.")) == [("entity", "Hanoi", "Singapore")]
    assert _kinds(compare_sentences("The talks were held in Vietnam.", "The talks were held in Singapore.")) == [("entity", "Vietnam", "Singapore")]
    assert _kinds(compare_sentences("France imposed sanctions on Monday.", "Britain imposed sanctions on Monday.")) == [("entity", "France", "Britain")]
    assert _kinds(compare_sentences("The talks were held in Asia.", "The talks were held in Europe.")) == [("entity", "Asia", "Europe")]
    assert [c.kind for c in compare_sentences("African officials said so.", "Nigerian officials said so.")] == ["harmless"]
    assert [c.kind for c in compare_sentences("Nigerian officials said so.", "African officials said so.")] == ["content"]
    # Names that share a WordNet sense but each name another place first are two places.
    assert not same_place("China", "Taiwan") and same_place("Republic of China", "Taiwan")
    assert _kinds(compare_sentences("Taiwan's defence ministry said the drills had ended.", "China's defence ministry said the drills had ended.")) == [
        ("entity", "Taiwan", "China")]
    assert _kinds(compare_sentences("Taiwanese officials said the drills had ended.", "Chinese officials said the drills had ended.")) == [
        ("entity", "Taiwanese", "Chinese")]


@pytest.mark.skipif(not Path("/usr/share/wordnet/data.noun").is_file(), reason="Debian's wordnet-base is not installed")
def test_a_capital_stands_for_its_country_but_not_after_in_and_no_other_city_does():
    assert capital_of("Moscow", "Russia") and capital_of("Washington", "United States") and not capital_of("Paris", "United States")
    assert not capital_of("Chelyabinsk", "Russia")
    assert [c.kind for c in compare_sentences("The summit was held in Moscow.", "The summit was held in Russia.")] == ["content"]
    assert [c.kind for c in compare_sentences("Chelyabinsk had complained about the deal.", "Russia had complained about the deal.")] == ["content"]
    assert _kinds(compare_sentences("Kyiv had complained about the deal.", "Russia had complained about the deal.")) == [("entity", "Kyiv", "Russia")]
    # Two countries swapped between their places still are.
    assert [k for k, _, _ in _kinds(compare_sentences("China's exports to Germany rose.", "Germany's exports to China rose."))] == ["entity", "entity"]


def test_moving_a_number_is_no_change_but_swapping_two_is():
    source = "The DPP won 51 seats against 52 for the KMT; the TPP won eight."
    swapped = _kinds(compare_sentences("The DPP won 52 seats to the KMT's 51.", source))
    assert swapped[0] == ("number", "52", "51") and {kind for kind, _, _ in swapped} == {"number"}
    # A number the source gives of someone else is no moved number: Haaland was second, Mbappé third.
    source = "Erling Haaland finished second in the voting, with Paris St Germain forward Kylian Mbappé third."
    assert _kinds(compare_sentences("Erling Haaland finished third in the voting.", source)) == [("number", "third", "second")]


@pytest.mark.skipif(not Path("/usr/share/wordnet/data.noun").is_file(), reason="Debian's wordnet-base is not installed")
def test_shipped_capital_table_is_what_wordnet_gives():
    rows = [line for line in WORDNET_CAPITALS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert rows == build_wordnet_capitals("/usr/share/wordnet") and "moscow.n.01" in rows


def test_a_single_place_far_from_every_place_the_evidence_names_is_a_missing_term():
    sources = ["Jon Fosse, the Norwegian writer, won the Nobel Prize in Literature.", "Fosse was born in Haugesund, Norway, in 1959."]
    assert terms_missing_from("Jon Fosse later received an honorary award from the city of Seville.", sources) == ("Seville",)
    assert terms_missing_from("Jon Fosse later received an honorary award from the city of Bergen.", sources) == ()  # in Norway
    assert same_region("Scotland", "Buckingham Palace") and not same_region("Seville", "Norway")
    # A place in the possessive qualifies one the evidence names (WordNet lacks Baja California, not California).
    splashdown = ["Orion splashed down in the Pacific Ocean west of Baja California on 11 December 2022."]
    assert terms_missing_from("Orion splashed down in the Pacific off Mexico's Baja California on Sunday.", splashdown) == ()
    # Evidence that names no place leaves a single place to the NLI model.
    assert terms_missing_from("Jon Fosse gave a reading in Seville.", ["Jon Fosse won the Nobel Prize in Literature."]) == ()


def test_a_number_in_two_words_is_one_number_and_a_day_counted_from_an_event_is_left_to_the_nli_model():
    assert [(t.text, t.key) for t in tokenize("Thirty-eight cars and twenty one trucks")] == [
        ("Thirty-eight", "38"), ("cars", "car"), ("and", "and"), ("twenty one", "21"), ("trucks", "truck")]
    assert _kinds(compare_sentences("Forty-eight cars derailed.", "Thirty-eight cars derailed.")) == [("number", "Forty-eight", "Thirty-eight")]
    # eval_cases_dev 186: "three days after the crash" may be 6 February; a calendar day against another is a date change.
    burn = "On February 6, officials burned vinyl chloride from five tank cars."
    assert _kinds(compare_sentences("Three days after the crash, officials burned vinyl chloride from five tank cars.", burn)) == []
    assert _kinds(compare_sentences("On February 9, officials burned vinyl chloride from five tank cars.", burn)) == [("date", "9", "6")]


def test_have_to_is_must_and_might_is_could():
    # eval_cases_dev 226, 250: the same modality in other words; another one is still a hedge.
    assert _kinds(compare_sentences("Athletes will have to suppress their testosterone.", "Athletes must suppress their testosterone.")) == []
    assert _kinds(compare_sentences("He said NGOs might be setting fires.", "He said NGOs could be setting fires.")) == []
    assert _kinds(compare_sentences("He said NGOs may set fires.", "He said NGOs will set fires.")) == [("hedge", "may", "will")]


def test_a_legislature_called_parliament_is_the_one_the_source_names():
    # eval_cases_dev 200: South Korea's National Assembly is its parliament; another named body is another.
    source = "The National Assembly impeached him on December 14."
    assert _kinds(compare_sentences("Parliament impeached him on 14 December.", source)) == []
    assert _kinds(compare_sentences("Lawmakers impeached him on 14 December.", source)) == []
    assert _kinds(compare_sentences("The Senate impeached him on 14 December.", source)) == [("entity", "Senate", "National Assembly")]


def test_a_day_of_the_year_a_passage_about_something_else_gives_is_no_missing_figure():
    # eval_cases_dev 217: the date's passage shares no other word with the claim ("membership", "members").
    sources = ["Their membership will take effect on January 1, 2024.", "The bloc comprises Brazil, Russia, India, China and South Africa."]
    claim = "The six will become members on 1 January 2024, joining Brazil, Russia, India, China and South Africa."
    assert terms_missing_from(claim, sources) == ()
    assert terms_missing_from(claim.replace("1 January 2024", "2 January 2024"), sources) == ("2", "2024")
    assert terms_missing_from(claim.replace("2024", "2025"), sources) == ("1", "2025")


def test_how_long_something_lasts_is_a_figure_the_evidence_must_give():
    # eval_cases 016: an invented sentence whose only new term is a length of time.
    slim = ["JAXA said SLIM's solar cells were not generating electricity and the lander was operating on its battery.",
            "Japan's SLIM lander touched down on the moon on 20 January 2024."]
    assert terms_missing_from("JAXA said the lander would keep operating for at least a year.", slim) == ("a year",)
    # eval_cases_dev 187: how long something takes, too.
    assert terms_missing_from("JAXA said engineers would restore power within two weeks.", slim) == ("two weeks",)
    # The same length another way, a bound the evidence bears out, or years the evidence spans are given.
    assert terms_missing_from("The lander will operate for 12 months.", ["The lander will operate for a year."]) == ()
    assert terms_missing_from("The virus can be detected for over a month.", ["Shedding lasted 37 days."]) == ()
    assert terms_missing_from("Guides have been published for more than a decade.", ["Guides have been published for more than a century."]) == ()
    assert terms_missing_from("Droplets linger in the air for at least eight minutes.", ["They disappear in 8 to 14 min."]) == ()
    assert terms_missing_from("She starred in the show for two years.", ["From April 2011 to May 2013, she starred in the show."]) == ()
    # A length that is no duration ("a year ago") is left to the NLI model.
    assert terms_missing_from("A year ago the lander touched down.", slim) == ()


def test_a_starting_level_worked_out_a_figure_ending_a_sentence_and_a_scale_suffix_on_both_sides_are_mentioned():
    jobs = ["Australia's unemployment rate fell by 0.1 percentage points to 3.4% in July 2022, the lowest since August 1974."]
    assert terms_missing_from("Australia's jobless rate fell to 3.4% in July from 3.5%, its lowest since August 1974.", jobs) == ()
    assert terms_missing_from("Australia's jobless rate fell to 3.4% in July from 3.7%, its lowest since August 1974.", jobs) == ("3.7",)
    record = ["The global average temperature in 2023 was 14.98°C, 0.17°C higher than the previous record."]
    assert terms_missing_from("The average temperature was 14.98C, beating the record by 0.17C.", record) == ()
    cuts = ["The Tories, after slashing £4bn of funding from National Rail, are preventing a settlement."]
    assert terms_missing_from("The Tories slashed £4bn of funding from National Rail.", cuts) == ()


def test_a_weekday_of_a_dated_passage_gives_its_day():
    assert days_of_weekdays("A judge in Boston on Tuesday blocked the deal.", "2024-01-16") == "16 January 2024"
    assert days_of_weekdays("Markets fell on Monday.", "2024-01-16") == "15 January 2024"
    assert days_of_weekdays("Markets fell on Monday.", "") == ""
    judged = [Passage("a", "A federal judge in Boston on Tuesday blocked JetBlue's acquisition of Spirit.", date="2024-01-16")]
    assert terms_missing_from("A federal judge blocked the acquisition on 16 January.", passage_texts(judged)) == ()
    assert terms_missing_from("A federal judge blocked the acquisition on 17 January.", passage_texts(judged)) == ("17",)


def test_shipped_demonym_table_is_what_wordnet_gives():
    rows = [tuple(line.split("\t")) for line in WORDNET_DEMONYMS.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert rows == build_wordnet_demonyms("/usr/share/wordnet")
    assert ("French", "France") in rows and ("North Korean", "North Korea") in rows


@pytest.mark.skipif(not Path("/usr/share/wordnet/data.noun").is_file(), reason="Debian's wordnet-base is not installed")
def test_shipped_place_table_is_what_wordnet_gives():
    rows = [line.split("\t") for line in WORDNET_PLACES.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    built = build_wordnet_places("/usr/share/wordnet")
    assert [(i, tuple(names.split("|")), tuple(wholes.split())) for i, names, wholes in rows] == built


# (source sentence, article sentence, kind of the figure's edit): a bound or an estimate is met, broken, or cannot be told.
BOUNDED_FIGURES = [
    ("The film has a rating of 75% from 20 reviews.", "The film has a rating of less than 76% from 20 reviews.", "harmless"),
    ("The film has a rating of 75% from 20 reviews.", "The film has a rating of more than 76% from 20 reviews.", "number"),
    ("The film has a rating of 75% from 20 reviews.", "The film has a rating of more than 75% from 20 reviews.", "number"),
    ("The film has a rating of 75% from 20 reviews.", "The film has a rating of at least 75% from 20 reviews.", "harmless"),
    ("The storm killed 312 people in the province.", "The storm killed about 300 people in the province.", "harmless"),
    ("The storm killed 312 people in the province.", "The storm killed about 200 people in the province.", "number"),
    ("The album sold 1,817,747 copies in its first week.", "The album sold over 5 million copies in its first week.", "number"),
    ("The album sold 5.2 million copies in its first week.", "The album sold over 5 million copies in its first week.", "harmless"),
    ("The singer was born in 1952 in Akron.", "The singer was born before 1960 in Akron.", "harmless"),
    ("The singer was born in 1952 in Akron.", "The singer was born after 1960 in Akron.", "date"),
    # The source's own figure is a bound: a figure it rules out is a change, one it allows is for the NLI model.
    ("The census counted nearly 35 million speakers in 2007.", "The census counted less than 30 million speakers in 2007.", "number"),
    ("The channel has some 20 million subscribers on YouTube.", "The channel has under 21 million subscribers on YouTube.", "content"),
    # The same bound on both sides with its figure changed: a changed figure.
    ("The album has sold over 10 million copies worldwide.", "The album has sold over 11 million copies worldwide.", "number"),
    ("It is a village of fewer than 1000 people in the West Midlands.", "It is a village of fewer than 1200 people in the West Midlands.", "number"),
]


@pytest.mark.parametrize("source, article, kind", BOUNDED_FIGURES)
def test_a_figure_given_as_a_bound_or_an_estimate_is_compared_as_one(source, article, kind):
    kinds = {c.kind for c in compare_sentences(article, source)} - {"harmless"}
    assert kinds == ({kind} - {"harmless"})


def test_a_bound_the_evidence_meets_leaves_a_restatement_supported_and_a_broken_one_contradicts_it():
    passage = [RetrievedPassage(Passage("e", "On Rotten Tomatoes the film has a rating of 75%, based on 20 reviews."), 1.0)]
    met = Claim("c1", "On Rotten Tomatoes the film has a rating of less than 76%, based on 20 reviews.", 0, 80, 1.0, "s1")
    broken = Claim("c2", "On Rotten Tomatoes the film has a rating of under 70%, based on 20 reviews.", 0, 80, 1.0, "s2")
    verdicts = AlignmentChecker().run([met, broken], {"c1": passage, "c2": passage})
    assert verdicts["c1"].label == "supported"
    assert verdicts["c2"].label == "contradicted" and [c.article for c in verdicts["c2"].changes if c.kind == "number"] == ["under 70"]


def test_a_name_the_claim_moves_or_completes_is_no_swap_but_another_name_is():
    def kinds(article, source):
        return [c.kind for c in compare_sentences(article, source) if c.kind != "harmless"]

    source = "As a member of the Eagles, Walsh was inducted into the Rock and Roll Hall of Fame in 1998."
    assert "entity" not in kinds("Joe Walsh was inducted into the Rock and Roll Hall of Fame in 1998.", source)
    assert "entity" not in kinds("Humphrey Bogart was ranked the greatest male star.", "In 1999, the American Film Institute ranked Bogart the greatest male star.")
    assert kinds("Janet Powell said rates would stay high.", "Jerome Powell said rates would stay high.") == ["entity"]
    assert kinds("Tim Walsh was inducted into the Rock and Roll Hall of Fame in 1998.", "Joe Walsh was inducted into the Rock and Roll Hall of Fame in 1998.") == ["entity"]


# (one sentence, the other, kind of the edit either way round): bound words turned round ("under" for "over") on
# different figures are compared as figures: both can hold (the NLI model decides), or one rules the other out.
SWAPPED_BOUNDS = [
    ("The disease affects over 20 million people in Africa.", "The disease affects under 25 million people in Africa.", "content"),
    ("The disease affects more than 20 million people in Africa.", "The disease affects fewer than 25 million people in Africa.", "content"),
    ("The fund holds at least 20 million dollars in cash.", "The fund holds at most 25 million dollars in cash.", "content"),
    ("The singer was born before 1960 in Akron.", "The singer was born after 1950 in Akron.", "content"),
    ("The disease affects over 20 million people in Africa.", "The disease affects under 15 million people in Africa.", "number"),
    ("The disease affects above 20 million people in Africa.", "The disease affects below 15 million people in Africa.", "number"),
    ("The singer was born before 1950 in Akron.", "The singer was born after 1960 in Akron.", "date"),
]


@pytest.mark.parametrize("one, other, kind", SWAPPED_BOUNDS)
def test_bounds_turned_round_on_different_figures_are_compared_as_figures(one, other, kind):
    for article, source in ((one, other), (other, one)):
        assert {c.kind for c in compare_sentences(article, source)} - {"harmless"} == {kind}


@pytest.mark.parametrize("decade", ["the 1970s", "the 1970's", "the 1970’s", "the '70s"])
def test_a_year_inside_a_decade_is_no_date_change(decade):
    in_decade = f"The band was formed in Leeds in {decade} by two brothers."
    in_year = "The band was formed in Leeds in 1978 by two brothers."
    assert {c.kind for c in compare_sentences(in_decade, in_year)} == {"harmless"}  # the source's year bears it out
    # The article's year within the source's decade: the NLI model decides (or it is harmless).
    assert {c.kind for c in compare_sentences(in_year, in_decade)} <= {"harmless", "content"}


@pytest.mark.parametrize("decade, other", [
    ("in the 1970s", "in 1984"),
    ("in the 1970's", "in 1984"),
    ("in the 1970s", "in the 1980s"),
    ("before the 1970s", "in 1978"),
])
def test_a_year_or_decade_outside_a_decade_is_a_date_change(decade, other):
    in_decade, elsewhere = f"The band was formed {decade} in Leeds.", f"The band was formed {other} in Leeds."
    assert [c.kind for c in compare_sentences(in_decade, elsewhere) if c.kind != "harmless"] == ["date"]
    assert [c.kind for c in compare_sentences(elsewhere, in_decade) if c.kind != "harmless"] == ["date"]


def test_a_figure_written_with_a_scale_suffix_or_a_fraction_and_a_title_are_not_missing_terms():
    assert terms_missing_from("Capital spending rose 18% to $37.6bn last year.", ["Capital expenditure rose 18% to $37.6 billion in 2022."]) == ()
    assert terms_missing_from("Capital spending rose 18% to $36.6bn last year.", ["Capital expenditure rose 18% to $37.6 billion in 2022."]) == ("36.6bn",)
    assert terms_missing_from("The bank raised its key rate to 2.5% on Wednesday.", ["The Bank increased its target for the overnight rate to 2½%."]) == ()
    evidence = ["The crisis began when finance minister Rishi Sunak and health minister Sajid Javid resigned."]
    assert terms_missing_from("It began when Chancellor Rishi Sunak and Health Secretary Sajid Javid quit.", evidence) == ()
    assert terms_missing_from("It began when Chancellor Rishi Sunak and Health Secretary Priti Patel quit.", evidence) == ("Priti", "Patel")
    assert [c.kind for c in compare_sentences("The bank raised its rate to 2.5%.", "The bank raised its rate to 2½%.")] in ([], ["harmless"])


def test_degrees_celsius_written_apart_or_together_are_the_same_figure():
    source = "Compliance is expected to avoid 0.3–0.5°C of warming by 2100."
    assert [c.kind for c in compare_sentences("Compliance is expected to avoid 0.3C to 0.5C of warming by 2100.", source)] == ["harmless"]
    assert [c.kind for c in compare_sentences("Compliance is expected to avoid 0.3C to 0.6C of warming by 2100.", source)] == ["number"]
    assert [c.kind for c in compare_sentences("Temperatures rose 1.5F above the average.", "Temperatures rose 1.5°C above the average.")] == ["number"]


def test_a_percentage_given_in_basis_points_is_no_missing_figure():
    evidence = ["The Board decided to increase the cash rate target by 25 basis points to 35 basis points."]
    assert terms_missing_from("The bank raised its cash rate target to 0.35%.", evidence) == ()
    assert terms_missing_from("The bank raised its cash rate target to 0.45%.", evidence) == ("0.45",)


def test_a_speaker_the_article_names_elsewhere_in_the_sentence_is_no_other_speaker():
    source = "“Our success shows us what must be done,” said WMO Secretary-General Petteri Taalas."
    article = "“Our success shows us what must be done,” said Petteri Taalas, secretary-general of the World Meteorological Organization."
    assert _kinds(compare_sentences(article, source, speaker_names=["Petteri Taalas"])) == []


def test_a_pronoun_for_the_speaker_the_source_names_is_no_speaker_change():
    changes = compare_sentences(
        "“We are not doing that,” he told reporters in Melbourne.", "“We are not doing that,” Andrews said.", speaker_names=["Andrews"])
    assert not [c for c in changes if c.kind in ("speaker", "entity")]
    changes = compare_sentences("“We are not doing that,” Allan said.", "“We are not doing that,” Andrews said.", speaker_names=["Andrews", "Allan"])
    assert [c.kind for c in changes if c.kind != "harmless"] == ["speaker"]


def test_a_compound_names_initials_and_a_persons_description_are_no_entity_change():
    # eval_cases_dev 286, 273
    assert not [c for c in compare_sentences("VW had threatened to shut factories in Germany.", "Volkswagen had threatened to shut factories in Germany.")
                if c.kind != "harmless"]
    assert [c.kind for c in compare_sentences("BMW had threatened to shut factories.", "Volkswagen had threatened to shut factories.")] == ["entity"]
    assert [c.kind for c in compare_sentences("The UK had threatened to shut factories.", "Ukraine had threatened to shut factories.")] == ["entity"]
    founder = compare_sentences("Judge Ramona Manglona sentenced the WikiLeaks founder to the 62 months he had served.",
                                "Judge Ramona Manglona sentenced Assange to the 62 months he had served.")
    assert [c.kind for c in founder if c.kind != "harmless"] == ["content"]
    other = compare_sentences("Judge Ramona Manglona sentenced Julian Assange to the 62 months he had served.",
                              "Judge Ramona Manglona sentenced Chelsea Manning to the 62 months he had served.")
    assert [c.kind for c in other if c.kind != "harmless"] == ["entity"]
    # eval_cases_dev 338, 492: a speaker described by party or trade ("the 63-year-old Democrat", "the England
    # midfielder") is who the words cannot tell; another person's name is still a speaker change
    quote = "“I've always dreamt of playing in these games,” {} told TNT Sports."
    described = compare_sentences(quote.format("the England midfielder"), quote.format("Bellingham, 20,"), speaker_names=["Bellingham"])
    assert [c.kind for c in described if c.kind != "harmless"] == ["content"]
    party = compare_sentences("“I step aside,” the 63-year-old Democrat said.", "“I step aside,” Cuomo said.", speaker_names=["Cuomo"])
    assert [c.kind for c in party if c.kind != "harmless"] == ["content"]
    swapped = compare_sentences(quote.format("Kylian Mbappe"), quote.format("Bellingham, 20,"), speaker_names=["Bellingham", "Kylian Mbappe"])
    assert [c.kind for c in swapped if c.kind != "harmless"] == ["speaker"]


def test_a_negation_moved_within_the_clause_or_an_estimate_rounded_is_harmless():
    # eval_cases_dev 325, 311
    def meaning(article, source):
        return [(c.kind, c.article, c.source) for c in compare_sentences(article, source) if c.kind not in ("harmless", "content")]

    source = "Since the damage to the pipelines, gas would not be delivered from Russia for the foreseeable future."
    assert meaning("Since the damage to the pipelines no gas would be delivered from Russia for the foreseeable future.", source) == []
    assert [k for k, _, _ in meaning("Since the damage to the pipelines gas would be delivered from Russia for the foreseeable future.", source)] == ["negation"]
    source = "The attacker may have accessed data on approximately 429,612 customers."
    assert meaning("The attacker may have accessed data on nearly 430,000 customers.", source) == []
    assert [k for k, _, _ in meaning("The attacker may have accessed data on about 400,000 customers.", source)] == ["number"]
    # a copied estimate made more precise is no rounding of it (planted 172)
    assert [k for k, _, _ in meaning("It sold nearly 800,300 units.", "It sold nearly 800,000 units.")] == ["number"]


def test_two_hedges_in_other_words_or_an_intention_said_of_something_done_are_no_hedge_change():
    # eval_cases_dev 311, 315
    def kinds(article, source):
        return [c.kind for c in compare_sentences(article, source) if c.kind not in ("harmless", "content")]

    source = "The attacker is believed to have potentially accessed the data of 500 staff."
    assert kinds("The attacker may have accessed the data of 500 staff.", source) == []
    assert kinds("The attacker may have accessed the data of 500 staff.", "The attacker accessed the data of 500 staff.") == ["hedge"]
    assert kinds("The rocket lifted off on 9 July, later than planned.", "The rocket lifted off on 9 July.") == []
    assert kinds("The bank plans to cut rates.", "The bank cut rates.") == ["hedge"]


def test_a_speaker_described_by_role_with_the_speech_verb_is_no_speaker_change():
    # eval_cases_dev 414, 316: "the prime minister said" for "Sunak told reporters"; the attribution check compares roles
    quote = "“I'm pleased to report that we have now made a decisive breakthrough,”"
    for described in ("the prime minister said.", "Britain's prime minister said."):
        changes = compare_sentences(f"{quote} {described}", f"{quote} Sunak told reporters.", speaker_names=["Rishi Sunak"])
        assert "speaker" not in [kind for kind, _, _ in _kinds(changes)], described
    changes = compare_sentences(f"{quote} Johnson said.", f"{quote} Sunak told reporters.", speaker_names=["Rishi Sunak", "Johnson"])
    assert "speaker" in [kind for kind, _, _ in _kinds(changes)]


def test_sentences_that_negate_as_often_have_no_negation_change_where_the_edits_split_the_negation():
    # eval_cases_dev 333, 314: the "not" moved with a reordered clause, "no" for "not ... any"
    def kinds(article, source):
        return [c.kind for c in compare_sentences(article, source) if c.kind not in ("harmless", "content")]

    scotland = "Nurses in Scotland did not take part in the strike, as talks with the Scottish government were continuing."
    assert kinds("Nurses in Scotland, where talks with the Scottish government were continuing, did not strike.", scotland) == []
    assert kinds("Nurses in Scotland took part in the strike, as talks with the Scottish government were continuing.", scotland) == ["negation"]
    programs = "The combined company would not have any diversity, equity and inclusion programs."
    assert kinds("The combined company would have no diversity, equity and inclusion programmes.", programs) == []
    assert kinds("The combined company would have diversity, equity and inclusion programmes.", programs) == ["negation"]


def test_a_wire_time_before_its_zone_and_excluding_for_without_are_no_change():
    # eval_cases_dev 442, 444
    def kinds(article, source):
        return [c.kind for c in compare_sentences(article, source) if c.kind not in ("harmless", "content")]

    source = "The telescope lifted off from Kourou at 7:20 a.m. EST (1220 GMT) on Saturday."
    assert kinds("The telescope lifted off from Kourou at 7:20 a.m. EST (12.20 GMT) on Saturday.", source) == []
    assert kinds("The telescope lifted off from Kourou at 7:20 a.m. EST (1240 GMT) on Saturday.", source) != []
    probe = "The probe, weighing about 200 kg excluding fuel, was designed to land within 100 metres."
    assert kinds("The probe, weighing about 200 kg without fuel, was designed to land within 100 metres.", probe) == []
    assert kinds("The probe, weighing about 200 kg with fuel, was designed to land within 100 metres.", probe) == ["negation"]


def test_a_scaled_figure_rounding_the_sources_count_and_a_name_moved_are_no_meaning_change():
    # eval_cases_dev 554: "16.4 million votes" for "16,384,403 votes"; "said on Saturday" for "at the Interior Ministry",
    # which the article names earlier
    source = ("Pezeshkian received 16,384,403 votes to Jalili's 13,538,179 in Friday's vote, said Mohsen Eslami, spokesman for "
              "the election headquarters at the Interior Ministry.")
    article = ("Pezeshkian took 16.4 million votes to 13.5 million for Jalili in Friday's second round, Mohsen Eslami, the "
               "spokesman for the Interior Ministry's election headquarters, said on Saturday.")
    assert _kinds(compare_sentences(article, source)) == []
    assert [kind for kind, _, _ in _kinds(compare_sentences(article.replace("16.4 million", "16.8 million"), source))] == ["number"]
    assert [kind for kind, _, _ in _kinds(compare_sentences(article.replace("16.4 million", "16.4 billion"), source))] == ["number"]


def test_a_fraction_in_words_is_its_share_and_a_requirement_is_a_must():
    # eval_cases_dev 439: "more than a fifth of their funding ... must register" for "The law requires ... more than 20%
    # of their funding ... to register"
    source = ("The law requires non-governmental organisations and media outlets that receive more than 20% of their funding "
              "from abroad to register as organisations pursuing the interests of a foreign power.")
    article = ("Under the law, non-governmental organisations and media outlets that get more than a fifth of their funding "
               "from abroad must register as organisations pursuing the interests of a foreign power.")
    assert _kinds(compare_sentences(article, source)) == []
    assert [kind for kind, _, _ in _kinds(compare_sentences(article.replace("a fifth", "a quarter"), source))] == ["number"]
    assert [kind for kind, _, _ in _kinds(compare_sentences(article.replace("must", "may"), source))] == ["hedge"]


def test_a_negation_and_an_opposite_word_cancel_and_a_firming_currency_goes_up():
    # eval_cases_dev 612, 583, 613
    heeded = "Judge Deborah Taylor said Becker had not heeded the warning of a two-year suspended sentence."
    assert "negation" not in {c.kind for c in compare_sentences("Judge Deborah Taylor said Becker had ignored the warning of a two-year suspended sentence.", heeded)}
    assert "negation" in {c.kind for c in compare_sentences("Judge Deborah Taylor said Becker had heeded the warning of a two-year suspended sentence.", heeded)}
    assert [c.kind for c in compare_sentences("The yen firmed to 146 per dollar.", "The yen weakened to 146 per dollar.")] == ["direction"]
    led = "Britain's Sam Ryder, who led after the votes of national juries, finished second."
    assert [c.kind for c in compare_sentences("Britain's Sam Ryder, who trailed after the votes of national juries, finished second.", led)] == ["direction"]
