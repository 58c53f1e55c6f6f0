import json

import pytest

from pipeline.attribution import AttributionChecker, Roster, quotes_in_evidence, read_roster_csv, roster_from_evidence
from pipeline.ingest import read_article
from pipeline.segment import segment
from pipeline.types import Article, Passage, Person
from tests.conftest import BUNDLED_ARTICLE, PROJECT_ROOT

ROSTER = Roster(
    [
        Person("Heather Nauert", ("Nauert",), "spokesperson", "U.S. State Department"),
        Person("Moon Jae-in", ("Moon Jae In",), "President of South Korea"),
        Person("Kim Jong Un", ("Kim Jong-un",), "leader of North Korea"),
        Person("Jerome Powell", (), "Chair", "Federal Reserve"),
    ]
)


def _article(text):
    return Article(path="a.txt", text=text, title="t", sha256="0")


def _flags(text, passages=(), roster=ROSTER):
    article = _article(text)
    return AttributionChecker(roster, quotes_in_evidence(passages)).run(article, segment(article))


def test_exact_alias_and_surname_match_pass():
    assert ROSTER.lookup("Moon Jae In").person.name == "Moon Jae-in"
    assert ROSTER.lookup("moon jae-in") is not None
    assert ROSTER.lookup("Nauert").person.name == "Heather Nauert"
    assert ROSTER.lookup("Heather Nuart") is None


def test_near_miss_by_spelling_or_sound_suggests_the_name():
    assert ROSTER.nearest("Heather Nuart", min_ratio=85).person.name == "Heather Nauert"
    assert ROSTER.nearest("Jerome Powel", min_ratio=85).person.name == "Jerome Powell"
    assert ROSTER.nearest("Powel", min_ratio=85).person.name == "Powell"
    assert ROSTER.nearest("Moan", min_ratio=85) is None  # too short to judge


def test_other_people_with_similar_names_are_not_misspellings():
    assert ROSTER.nearest("Kim Jong Il", min_ratio=85) is None
    assert ROSTER.nearest("Jerome Powers", min_ratio=85) is None


def test_bundled_article_flags_nuart_with_suggestion():
    roster = read_roster_csv(PROJECT_ROOT / "examples" / "north_korea" / "roster.csv")
    article = read_article(BUNDLED_ARTICLE)
    flags = AttributionChecker(roster).run(article, segment(article))
    (flag,) = [f for f in flags if f.type == "name_misspelling"]
    assert article.text[flag.start : flag.end] == "Heather Nuart"
    assert flag.suggestion == "Heather Nauert"
    assert not [f for f in flags if f.type == "misattribution"]


def test_wrong_role_is_a_misattribution():
    flags = _flags("Heather Nauert, spokesperson for the Pentagon, said talks would start.")
    assert [f.type for f in flags] == ["misattribution"]
    assert "Heather Nauert" in flags[0].text
    assert _flags("Heather Nauert, spokesperson for the U.S. State Department, said talks would start.") == []


def test_quote_credited_to_the_wrong_speaker():
    passages = [Passage("p1", "“We will keep rates steady until inflation falls,” Jerome Powell said.", speaker="Jerome Powell")]
    text = "“We will keep rates steady until inflation falls,” Moon Jae-in said."
    flags = [f for f in _flags(text, passages) if f.type == "misattribution"]
    assert len(flags) == 1 and flags[0].text == "Moon Jae-in" and flags[0].suggestion == "Jerome Powell"
    assert _flags("“We will keep rates steady until inflation falls,” Powell said.", passages) == []


def test_roster_from_evidence_reads_people_and_roles():
    passages = [Passage("p1", "Federal Reserve Chair Jerome Powell said rates would stay high."), Passage("p2", "No people here.", speaker="Christine Lagarde")]
    roster = roster_from_evidence(passages)
    assert roster.lookup("Jerome Powell").person.role.endswith("Chair")
    assert roster.lookup("Lagarde").person.name == "Christine Lagarde"


def test_full_name_the_evidence_later_uses_as_a_surname_subject_is_a_person():
    passages = [Passage("p1", "Novak Djokovic beat Daniil Medvedev 6-3, 7-6, 6-3 in the final."),
                Passage("p2", "Medvedev beat the defending champion in the semi-finals.")]
    flags = _flags("Djokovic beat Daniel Medvedev in the final.", passages, roster=roster_from_evidence(passages))
    assert [(f.type, f.text, f.suggestion) for f in flags] == [("name_misspelling", "Daniel Medvedev", "Daniil Medvedev")]


def test_affiliation_named_two_ways_is_not_a_misattribution():
    roster = Roster([Person("Jerome Powell", (), "Fed Chair")])
    article = "Federal Reserve Chair Jerome Powell said rates would fall."
    assert [f.type for f in _flags(article, roster=roster)] == []
    assert [f.type for f in _flags("Harvard professor Drew Weissman spoke.", roster=Roster([Person("Drew Weissman", (), "professor at the University of Pennsylvania")]))] == ["misattribution"]


def test_lone_surname_before_said_is_checked():
    flags = _flags("The bank cut rates. Powel said the decision was unanimous.")
    assert [(f.type, f.text, f.suggestion) for f in flags] == [("name_misspelling", "Powel", "Powell")]


def test_demonyms_and_places_are_not_misspelt_names():
    roster = Roster([Person("South Korea")])
    assert roster.nearest("South Korean", min_ratio=85) is None
    passages = [Passage("p", "South Korea said talks would go ahead. Officials in South Korea agreed.")]
    assert roster_from_evidence(passages).lookup("South Korea") is None


ACCENTED = Roster(
    [
        Person("Emmanuel Macron", (), "President of France"),
        Person("Léon Marchand", (), "swimmer"),
        *ROSTER.people,
    ]
)


@pytest.mark.parametrize(
    "text, flagged, suggestion",
    [
        ("Emmanuel Macrón said the talks would resume.", "Emmanuel Macrón", "Emmanuel Macron"),
        ("The talks resumed. Macrón said they would go on.", "Macrón", "Macron"),
        ("South Korean President Moon Jaé-in said talks would resume.", "Moon Jaé-in", "Moon Jae-in"),
        ("North Korean leader Kim Jöng Un said talks would resume.", "Kim Jöng Un", "Kim Jong Un"),
        ("Leon Marchand won the final.", "Leon Marchand", "Léon Marchand"),
        ("Heather\u200b Nuart, spokesperson for the U.S. State Department, said talks would start.", "Heather\u200b Nuart", "Heather Nauert"),
    ],
)
def test_a_wrong_or_missing_accent_and_a_hidden_character_are_misspellings(text, flagged, suggestion):
    flags = [f for f in _flags(text, roster=ACCENTED) if f.type == "name_misspelling"]
    assert [(f.text, f.suggestion) for f in flags] == [(flagged, suggestion)]


@pytest.mark.parametrize(
    "text",
    [
        "Léon Marchand won the final.",
        "Emmanuel Macron said the talks would resume.",
        "Ｅｍｍａｎｕｅｌ Ｍａｃｒｏｎ said the talks would resume.",  # full-width letters: NFKC makes them plain
        "Heather\u200b Nauert, spokesperson for the U.S. State Department, said talks would start.",
        "Governor Michelle Bowman dissented.",  # the evidence's "Michelle W. Bowman" without the initial
    ],
)
def test_names_spelt_as_the_roster_spells_them_pass(text):
    assert _flags(text, roster=Roster([*ACCENTED.people, Person("Michelle W. Bowman", (), "Governor")])) == []


def test_a_role_in_other_words_is_the_same_role():
    roster = Roster([Person("Emmanuel Macron", (), "President of France"), Person("Ned Price", (), "spokesperson", "U.S. State Department")])
    assert _flags("French President Emmanuel Macron said talks would resume.", roster=roster) == []
    assert _flags("Ned Price, spokesman for the U.S. State Department, said talks would resume.", roster=roster) == []
    assert [f.type for f in _flags("German Chancellor Emmanuel Macron said talks would resume.", roster=roster)] == ["misattribution"]
    # eval_cases_dev 118: Britain's finance minister is the Chancellor (of the Exchequer); Germany's chancellor is not.
    sunak = Roster([Person("Rishi Sunak", (), "finance minister")])
    assert _flags("Chancellor Rishi Sunak resigned on Tuesday.", roster=sunak) == []
    assert _flags("Rishi Sunak, the Chancellor of the Exchequer, resigned.", roster=sunak) == []
    assert [f.type for f in _flags("German Chancellor Rishi Sunak resigned on Tuesday.", roster=sunak)] == ["misattribution"]
    assert [f.type for f in _flags("Health Secretary Rishi Sunak resigned on Tuesday.", roster=sunak)] == ["misattribution"]
    assert _flags("Finance minister Rishi Sunak resigned.", roster=Roster([Person("Rishi Sunak", (), "Chancellor of the Exchequer")])) == []
    # eval_cases_dev 258: the school board's president is not the district's superintendent, whom a desk may call its chief
    beutner = Roster([Person("Austin Beutner", (), "Superintendent", "Los Angeles Unified School District")])
    assert [f.type for f in _flags("School board president Austin Beutner called the deal a new chapter.", roster=beutner)] == ["misattribution"]
    assert _flags("Los Angeles schools chief Austin Beutner called the deal a new chapter.", roster=beutner) == []
    assert _flags("LAUSD Superintendent Austin Beutner called the deal a new chapter.", roster=beutner) == []


def test_an_organisation_spelt_out_is_its_acronym():
    roster = Roster([Person("Christine Lagarde", (), "ECB President")])
    assert _flags("Christine Lagarde is the President of the European Central Bank. Euro area inflation rose.", roster=roster) == []
    flags = _flags("Christine Lagarde is the President of the Bank of England.", roster=roster)
    assert [f.type for f in flags] == ["misattribution"]
    # eval_cases_dev 205: a lower-case word inside the name ("products") has no letter in the acronym.
    beach = Roster([Person("Julian Beach", (), "interim executive director", "Medicines and Healthcare products Regulatory Agency")])
    assert _flags("Julian Beach, the MHRA's interim executive director, said the approval was a first.", roster=beach) == []
    assert [f.type for f in _flags("Julian Beach, the FDA's interim executive director, said so.", roster=beach)] == ["misattribution"]


def test_a_surname_is_the_one_person_who_has_it_and_nobody_when_several_do():
    one = Roster([Person("Donald Trump", (), "President of the United States")])
    assert one.lookup("Trump").person.name == "Donald Trump"
    two = Roster([*one.people, Person("Maryanne Trump Barry", (), "Judge", "United States Court of Appeals")])
    assert two.lookup("Trump") is None and two.is_shared_name("Trump")
    assert _flags("President Trump said talks would start.", roster=two) == []
    passages = [Passage("p1", "“We will keep rates steady until inflation falls,” Jerome Powell said.", speaker="Jerome Powell")]
    assert _flags("“We will keep rates steady until inflation falls,” Powell said.", passages, roster=Roster([])) == []


def test_a_short_form_of_the_given_name_is_the_same_person():
    roster = Roster([Person("Michael Pompeo", (), "Secretary of State", "U.S. State Department"), Person("Joseph R. Biden", (), "President")])
    assert roster.lookup("Mike Pompeo").person.name == "Michael Pompeo" and roster.lookup("Mike Pompeo").exact
    assert roster.lookup("Joe Biden").person.name == "Joseph R. Biden"
    assert roster.lookup("Mark Pompeo") is None  # another given name, not a short form
    assert _flags("Mike Pompeo, the Secretary of State, said talks would start.", roster=roster) == []
    # Found under his short name, his role is checked like anyone's.
    flags = _flags("Mike Pompeo, the Defense Secretary, said talks would start.", roster=roster)
    assert [f.type for f in flags] == ["misattribution"] and "Mike Pompeo" in flags[0].text
    # eval_cases_dev 589: a given name's other spelling, one letter away, spells her name wrong
    costa = Roster([Person("Hilary Costa", (), "spokesperson", "Kaiser Permanente")])
    flags = _flags("Kaiser spokeswoman Hillary Costa said the company was working to reconvene negotiations.", roster=costa)
    assert [(f.type, f.suggestion) for f in flags] == [("name_misspelling", "Hilary Costa")]


UNRELATED = [
    "Maryanne Trump Barry is a retired United States Circuit Judge of the United States Court of Appeals for the Third Circuit.",
    "Sun Myung Moon was a Korean religious leader who founded the Unification Church in 1954.",
    "Keith Moon was the drummer of the English rock band the Who.",
    "Fred Trump, the father of Donald Trump, was a real estate developer in New York City.",
    "Ban Ki-moon served as the eighth Secretary-General of the United Nations from 2007 to 2016.",
    "Ivana Trump, a former model, said “I was the first wife” in a 2017 interview.",
]


@pytest.fixture(scope="module")
def checker(tiny_config):
    from pipeline.checker import ArticleChecker
    from pipeline.config import load_config

    return ArticleChecker(load_config(tiny_config))


def _misattributions(checker, evidence):
    report = checker.check(BUNDLED_ARTICLE, [evidence])
    return {(f.text, f.suggestion) for f in report.flags if f.type == "misattribution"}


def test_unrelated_people_in_the_evidence_invent_no_misattribution(checker, tmp_path):
    bundled = PROJECT_ROOT / "examples" / "north_korea" / "evidence.jsonl"
    padded = tmp_path / "padded.jsonl"
    extra = "".join(json.dumps({"id": f"wiki-{i}", "text": text}) + "\n" for i, text in enumerate(UNRELATED))
    padded.write_text(bundled.read_text(encoding="utf-8") + extra, encoding="utf-8")
    # Before, "Trump" and "Moon" were credited to someone else and "President Trump" was the judge Maryanne Trump Barry.
    assert _misattributions(checker, padded) == _misattributions(checker, bundled)
    assert not {text for text, _ in _misattributions(checker, padded)} & {"Trump", "Moon", "President Trump"}


@pytest.mark.parametrize("written", ["Moon Jaei-n", "Moon Jae-ni"])
def test_letters_moved_across_a_hyphen_or_swapped_are_misspellings(written):
    flags = _flags(f"{written} said talks would resume.")
    assert [(f.type, f.text, f.suggestion) for f in flags] == [("name_misspelling", written, "Moon Jae-in")]


@pytest.mark.parametrize("written", ["Moon Jae In", "Moon Jaein", "Kim Jong-un"])
def test_the_same_letters_split_at_the_same_places_or_fewer_are_the_name(written):
    assert _flags(f"{written} said talks would resume.") == []


def test_a_doubled_final_letter_dropped_is_a_misspelling_not_a_demonym():
    roster = Roster([Person("Robert Holzmann", (), "governor", "Austrian National Bank")])
    flags = _flags("Austrian National Bank governor Robert Holzman said he had voted against the cut.", roster=roster)
    assert [(f.type, f.suggestion) for f in flags] == [("name_misspelling", "Robert Holzmann")]
    assert _flags("South Korean officials said talks would resume.") == []


def test_a_deputy_is_not_the_office_holder_and_the_office_holder_is_not_a_deputy():
    roster = Roster([Person("Sarah Breeden", (), "Deputy Governor", "Bank of England"), Person("Andrew Bailey", (), "Governor", "Bank of England")])
    assert _flags("Sarah Breeden, deputy governor of the Bank of England, said inflation would fall.", roster=roster) == []
    flags = _flags("Andrew Bailey, deputy governor of the Bank of England, said inflation would fall.", roster=roster)
    assert [f.type for f in flags] == ["misattribution"] and '"deputy" does not fit' in flags[0].message
    assert [f.type for f in _flags("Sarah Breeden, governor of the Bank of England, said inflation would fall.", roster=roster)] == ["misattribution"]
    # A record naming two offices says nothing against one of them.
    roster = Roster([Person("Ana Costa", (), "Deputy Prime Minister and Foreign Minister")])
    assert _flags("Foreign Minister Ana Costa said talks would resume.", roster=roster) == []


def test_a_former_role_is_not_contradicted_by_the_present_one():
    roster = Roster([Person("Jair Bolsonaro", (), "President", "Brazil")])
    assert _flags("Jair Bolsonaro, a former army captain, conceded on Tuesday.", roster=roster) == []
    assert [f.type for f in _flags("Jair Bolsonaro, an army captain, conceded on Tuesday.", roster=roster)] == ["misattribution"]


def test_a_role_any_evidence_passage_gives_the_person_is_not_a_misattribution():
    passages = [
        Passage("p1", "Finance Minister Maria Keller said the budget would balance."),
        Passage("p2", "Party leader Maria Keller joined the coalition talks on Monday."),
    ]
    roster = roster_from_evidence(passages)
    assert _flags("Party leader Maria Keller said the budget would balance.", roster=roster) == []
    assert _flags("Finance Minister Maria Keller said the budget would balance.", roster=roster) == []
    flags = _flags("Ambassador Maria Keller said the budget would balance.", roster=roster)
    assert [f.type for f in flags] == ["misattribution"]
    assert "Finance Minister or Party leader" in flags[0].message


def test_an_organisation_with_a_digit_is_one_word():
    passages = [Passage("p1", "“Records tumbled like dominoes,” said Samantha Burgess, Deputy Director of C3S.", speaker="Samantha Burgess")]
    roster = roster_from_evidence(passages)
    assert _flags("Samantha Burgess, deputy director of C3S, said records fell.", roster=roster) == []
    assert [f.type for f in _flags("Samantha Burgess, deputy director of NOAA, said records fell.", roster=roster)] == ["misattribution"]


def test_two_titles_joined_by_and_are_one_role_on_both_sides():
    passages = [Passage("p1", "“Pioneer is a clear leader,” said Darren Woods, ExxonMobil chairman and chief executive officer.", speaker="Darren Woods")]
    roster = roster_from_evidence(passages)
    assert "chief executive" in roster.lookup("Darren Woods").person.role
    assert _flags("“Pioneer is a clear leader,” chairman and chief executive Darren Woods said.", passages, roster=roster) == []
    assert [f.type for f in _flags("“Pioneer is a clear leader,” Chevron chief executive Darren Woods said.", passages, roster=roster)] == ["misattribution"]


def test_an_outgoing_or_incoming_office_holder_holds_the_office():
    roster = Roster([Person("Scott Morrison", (), "Prime Minister", "Liberal Party")])
    assert _flags("Outgoing prime minister Scott Morrison conceded defeat on Saturday.", roster=roster) == []
    assert [f.type for f in _flags("Outgoing treasurer Scott Morrison conceded defeat on Saturday.", roster=roster)] == ["misattribution"]


def test_a_secretary_of_a_portfolio_is_its_minister():
    roster = Roster([Person("Sajid Javid", (), "health minister"), Person("Priti Patel", (), "interior minister")])
    assert _flags("Health Secretary Sajid Javid resigned on Tuesday.", roster=roster) == []
    assert _flags("Home Secretary Priti Patel resigned on Tuesday.", roster=roster) == []
    assert [f.type for f in _flags("Foreign Secretary Sajid Javid resigned on Tuesday.", roster=roster)] == ["misattribution"]
    assert [f.type for f in _flags("Health Secretary Priti Patel resigned on Tuesday.", roster=roster)] == ["misattribution"]


def test_a_past_role_is_compared_with_the_past_roles_on_record():
    passages = [Passage("p1", "The board will include former U.S. Treasury Secretary Larry Summers and Adam D'Angelo.")]
    roster = roster_from_evidence(passages)
    assert _flags("The board includes former Treasury Secretary Larry Summers.", roster=roster) == []
    flags = _flags("The board includes former Federal Reserve chair Larry Summers.", roster=roster)
    assert [f.type for f in flags] == ["misattribution"]


def test_names_stored_by_an_older_name_finder_are_found_again():
    from pipeline.attribution import PassageNames, names_in_passages

    (names,) = names_in_passages(["“Pioneer is a clear leader,” said Darren Woods, ExxonMobil chairman and chief executive officer."])
    assert PassageNames.is_current(names.to_json())
    assert PassageNames.from_json(names.to_json()) == names
    stored_before_roles_kept_their_titles = json.dumps([[["Darren Woods", "ExxonMobil chairman"]], [], [], []])
    assert not PassageNames.is_current(stored_before_roles_kept_their_titles)
    assert not PassageNames.is_current(None)


def test_a_candidacy_on_record_is_a_role():
    passages = [Passage("p1", "“The voters have spoken,” SPD chancellor candidate Olaf Scholz, Germany's finance minister and vice chancellor, said.", speaker="Olaf Scholz")]
    roster = roster_from_evidence(passages)
    assert _flags("Olaf Scholz, the SPD's candidate for chancellor and the country's finance minister, said voters had spoken.", roster=roster) == []
    assert [f.type for f in _flags("Olaf Scholz, the CDU's candidate for chancellor, said voters had spoken.", roster=roster)] == ["misattribution"]


def test_a_role_written_before_the_name_in_commas_is_compared():
    passages = [Passage("p1", "The statement was signed by Ali Shamkhani, secretary of Iran's Supreme National Security Council.")]
    roster = roster_from_evidence(passages)
    flags = _flags("It was signed by Iran's foreign minister, Ali Shamkhani, and a Saudi official.", roster=roster)
    assert [(f.type, f.text) for f in flags] == [("misattribution", "foreign minister, Ali Shamkhani")]
    # A secretary with a portfolio is still a minister.
    passages = [Passage("p2", "Health Secretary Steve Barclay said the strike was disappointing.")]
    assert _flags("The country's health minister, Steve Barclay, said the strike was disappointing.", roster=roster_from_evidence(passages)) == []


def test_a_form_of_address_is_no_role():
    passages = [Passage("p1", "“The risk is low,” said Dr Vanessa Saliba, consultant epidemiologist at UKHSA.", speaker="Vanessa Saliba")]
    roster = roster_from_evidence(passages)
    assert _flags("Dr Vanessa Saliba, a consultant epidemiologist at the agency, said the risk was low.", roster=roster) == []
    flags = _flags("Dr Vanessa Saliba, the agency's chief executive, said the risk was low.", roster=roster)
    assert [f.type for f in flags] == ["misattribution"]
    # eval_cases_dev 105: a prince by birth is Saudi Arabia's energy minister.
    prince = Roster([Person("Abdulaziz bin Salman", ("Prince Abdulaziz bin Salman",), "Energy Minister", "Saudi Arabia")])
    assert _flags("Saudi Energy Minister Prince Abdulaziz bin Salman said the cut was needed.", roster=prince) == []
    assert _flags("Prince Abdulaziz bin Salman said the cut was needed.", roster=prince) == []
    assert [f.type for f in _flags("Saudi Foreign Minister Prince Abdulaziz bin Salman said so.", roster=prince)] == ["misattribution"]


def test_a_role_the_record_says_someone_served_in_is_a_past_role():
    passages = [Passage("p1", "Hsiao Bi-khim served as Taiwan's de facto ambassador to the United States until late 2023.")]
    roster = roster_from_evidence(passages)
    assert _flags("Hsiao Bi-khim, a former ambassador to the United States, will become vice-president.", roster=roster) == []
    flags = _flags("Hsiao Bi-khim, a former foreign minister, will become vice-president.", roster=roster)
    assert [f.type for f in flags] == ["misattribution"]
    # eval_cases_dev 196: "who as social services minister took the scheme to cabinet" is a role held then.
    passages = [Passage("p1", "Holmes found that Scott Morrison, who as social services minister took the scheme to cabinet in 2015, had allowed cabinet to be misled.")]
    roster = roster_from_evidence(passages)
    assert _flags("Holmes found that Scott Morrison, then the social services minister, had allowed cabinet to be misled.", roster=roster) == []
    flags = _flags("Holmes found that Scott Morrison, then the treasurer, had allowed cabinet to be misled.", roster=roster)
    assert [f.type for f in flags] == ["misattribution"]


def test_a_premier_of_another_state_is_a_misattribution():
    passages = [Passage("p1", "The CDU/CSU was led into the election by Armin Laschet, the premier of the state of North Rhine-Westphalia.")]
    roster = roster_from_evidence(passages)
    assert _flags("Armin Laschet is the premier of North Rhine-Westphalia.", roster=roster) == []
    assert [f.type for f in _flags("Armin Laschet is the premier of Bavaria.", roster=roster)] == ["misattribution"]


def test_a_secretary_general_is_one_title():
    passages = [Passage("p1", "“Ozone action sets a precedent,” said WMO Secretary-General Petteri Taalas.", speaker="Petteri Taalas")]
    roster = roster_from_evidence(passages)
    assert _flags("Petteri Taalas, secretary-general of the WMO, said ozone action set a precedent.", roster=roster) == []
    assert [f.type for f in _flags("Petteri Taalas, director-general of the WMO, said ozone action set a precedent.", roster=roster)] == ["misattribution"]


def test_a_company_officer_running_something_else_or_a_hyphenated_title_is_compared():
    # eval_cases_dev 267, 297
    roster = Roster([Person("Daniel O'Day", ("O'Day",), "Chairman and Chief Executive Officer", "Gilead Sciences"),
                     Person("Raila Odinga", ("Odinga",), "former Prime Minister", "Kenya")])
    assert [f.type for f in _flags("“This is a historic day,” said Daniel O'Day, Gilead's chief medical officer.", roster=roster)] == ["misattribution"]
    assert _flags("“This is a historic day,” said Daniel O'Day, Gilead's chief executive.", roster=roster) == []
    assert [f.type for f in _flags("Odinga, a former vice-president, won 6.9 million votes.", roster=roster)] == ["misattribution"]
    assert _flags("Odinga, a former prime minister, won 6.9 million votes.", roster=roster) == []


def test_a_relative_the_evidence_names_is_a_person_whose_misspelling_is_flagged():
    # eval_cases_dev 300: the entity recogniser misses "his great-uncle Eisaku Sato"
    passages = [Passage("p1", "Abe broke the record for consecutive days in office held by his great-uncle Eisaku Sato.")]
    roster = roster_from_evidence(passages)
    flags = _flags("Abe broke the record held by his great-uncle, Eisaku Saito.", roster=roster)
    assert [(f.type, f.suggestion) for f in flags] == [("name_misspelling", "Eisaku Sato")]
    assert _flags("Abe broke the record held by his great-uncle, Eisaku Sato.", roster=roster) == []


def test_a_role_the_evidence_gives_by_surname_is_on_record_beside_the_roster_files():
    # eval_cases_dev 364, 353: the file says "mission commander", a passage "the founder of the payments company Shift4"
    passages = [Passage("p1", "Billionaire Jared Isaacman and SpaceX engineer Sarah Gillis carried out the first commercial spacewalk."),
                Passage("p2", "Isaacman, the mission commander and the founder of the payments company Shift4, went out first.")]
    roster = Roster([Person("Jared Isaacman", ("Isaacman",), "mission commander", "Polaris Dawn")]).merged_with(roster_from_evidence(passages))
    text = "Jared Isaacman, the billionaire founder of Shift4, went out first."
    assert _flags(text, roster=roster) == []
    assert [f.type for f in _flags(text, roster=Roster([Person("Jared Isaacman", ("Isaacman",), "mission commander", "Polaris Dawn")]))] == ["misattribution"]
    assert [f.type for f in _flags("Jared Isaacman, the chief executive of Shift4, went out first.", roster=roster)] == ["misattribution"]


def test_a_chief_a_portfolio_or_a_level_of_government_the_record_does_not_give_is_a_misattribution():
    # eval_cases_dev 372, 355, 368
    roster = Roster([Person("Franz Ruf", ("Ruf",), "director general for public security", "Austrian Interior Ministry"),
                     Person("João Galamba", ("Galamba",), "infrastructure minister", "Government of Portugal"),
                     Person("Daniel Soranz", ("Soranz",), "municipal health secretary", "Rio de Janeiro City Hall")])
    for wrong, right in (("Vienna's police chief, Franz Ruf,", "The director general for public security, Franz Ruf,"),
                         ("The environment minister, João Galamba,", "The infrastructure minister, João Galamba,"),
                         ("Rio state's health secretary, Daniel Soranz,", "Rio's municipal health secretary, Daniel Soranz,")):
        assert [f.type for f in _flags(f"{wrong} said the plan would go ahead.", roster=roster)] == ["misattribution"], wrong
        assert _flags(f"{right} said the plan would go ahead.", roster=roster) == [], right


def test_a_surname_alone_before_a_role_or_as_an_office_is_checked_for_spelling():
    # eval_cases_dev 380, 353
    roster = Roster([Person("Oscar Piastri", ("Piastri",), "driver", "McLaren"), Person("Ousmane Sonko", ("Sonko",), "prime minister", "")])
    flags = _flags("Victory was the first in Formula One for Piatri, a 22-year-old Australian rookie.", roster=roster)
    assert [(f.type, f.text) for f in flags] == [("name_misspelling", "Piatri")]
    assert [f.text for f in _flags("Within hours he had appointed Sonco as prime minister.", roster=roster)] == ["Sonco"]
    assert _flags("Within hours he had appointed Sonko as prime minister, and Piastri, a rookie, won.", roster=roster) == []


def test_an_officer_of_another_remit_or_a_name_with_an_accented_capital_is_compared():
    # eval_cases_dev 317, 327
    roster = Roster([Person("Joel Kaplan", ("Kaplan",), "chief global affairs officer", "Meta")])
    assert [f.type for f in _flags("Joel Kaplan, Meta's chief operating officer, said so.", roster=roster)] == ["misattribution"]
    assert _flags("Joel Kaplan, Meta's chief global affairs officer, said so.", roster=roster) == []
    passages = [Passage("p1", "“That would worsen the crisis,” German Agriculture Minister Cem Özdemir told a news conference.")]
    roster = roster_from_evidence(passages)
    flags = _flags("“That would worsen the crisis,” said Germany's economy minister, Cem Özdemir.", roster=roster)
    assert [f.type for f in flags] == ["misattribution"]
    assert _flags("“That would worsen the crisis,” said Germany's agriculture minister, Cem Özdemir.", roster=roster) == []


def test_a_military_rank_goes_with_a_post_and_a_role_starting_with_and_is_another_persons():
    # eval_cases_dev 299, 273
    roster = Roster([Person("Waker-Uz-Zaman", (), "army chief", "Bangladesh")])
    assert _flags("General Waker-Uz-Zaman said an interim government would be formed.", roster=roster) == []
    passages = [Passage("p1", "Australia's ambassador to the United States, Kevin Rudd, and its high commissioner to Britain, Stephen Smith, "
                              "accompanied Assange in court.")]
    file = Roster([Person("Kevin Rudd", ("Rudd",), "ambassador to the United States", "Australia")])
    roster = file.merged_with(roster_from_evidence(passages))
    assert [f.type for f in _flags("Kevin Rudd, Australia's high commissioner to Britain, accompanied Assange.", roster=roster)] == ["misattribution"]
    assert _flags("Kevin Rudd, Australia's ambassador to the United States, accompanied Assange.", roster=roster) == []


def test_a_bodys_chief_is_whoever_heads_it_but_not_its_chief_executive_or_spokesperson():
    # eval_cases_dev 396: "national police chief, Léon Charles" for the Police Director General
    roster = Roster([Person("Léon Charles", ("Charles",), "Police Director General", "Haitian National Police")])
    assert _flags("Haiti's national police chief, Léon Charles, said four suspects had been killed.", roster=roster) == []
    spokesman = Roster([Person("Léon Charles", ("Charles",), "police spokesperson", "Haitian National Police")])
    assert [f.type for f in _flags("Haiti's national police chief, Léon Charles, said four suspects had been killed.", roster=spokesman)] == ["misattribution"]
    chair = Roster([Person("Susan Arnold", ("Arnold",), "chairman", "Disney")])
    assert [f.type for f in _flags("Disney's chief executive, Susan Arnold, said the board had acted.", roster=chair)] == ["misattribution"]
    # eval_cases_dev 372: a chief of something the record's office does not name is another office
    ruf = Roster([Person("Franz Ruf", ("Ruf",), "director general for public security", "Austrian Interior Ministry")])
    assert [f.type for f in _flags("Vienna's police chief, Franz Ruf, said a suspect had been arrested.", roster=ruf)] == ["misattribution"]


def test_a_surname_alone_before_an_adverb_and_a_speech_verb_or_an_action_is_checked_for_spelling():
    # eval_cases_dev 396: "Josef later told reporters" (too far from "Joseph" to flag: a looser sound match was backed
    # out on 2026-12-07, docs/evaluation.md; "Jozeph" is not)
    roster = Roster([Person("Claude Joseph", ("Joseph",), "interim prime minister", "Haiti")])
    flags = _flags("Claude Joseph declared a state of siege. Jozeph later told reporters that the first lady had been flown to Miami.", roster=roster)
    assert [(f.type, f.text, f.suggestion) for f in flags] == [("name_misspelling", "Jozeph", "Joseph")]
    # eval_cases_dev 447: "Newsome also signed executive orders"
    newsom = Roster([Person("Gavin Newsom", ("Newsom",), "Governor", "State of California")])
    flags = _flags("Gavin Newsom declared an emergency. Newsome also signed executive orders to speed up rebuilding.", roster=newsom)
    assert [(f.type, f.text, f.suggestion) for f in flags] == [("name_misspelling", "Newsome", "Newsom")]
    assert _flags("Gavin Newsom declared an emergency. Newsom also signed executive orders to speed up rebuilding.", roster=newsom) == []
    assert _flags("Claude Joseph declared a state of siege. Joseph later told reporters that the first lady had been flown to Miami.", roster=roster) == []


def test_a_quotation_credited_only_by_the_one_before_it_is_not_flagged_as_misattributed():
    # eval_cases_dev 374: the quotation after Pogacar's, unattributed, is Vingegaard's in the evidence; the article's
    # words do not say whose it is
    roster = Roster([Person("Tadej Pogacar", ("Pogacar",), "rider", "UAE Team Emirates"), Person("Jonas Vingegaard", ("Vingegaard",), "rider", "Visma")])
    passages = [Passage("p1", "“Maybe in a few weeks I will be even more proud of second place than of the wins,” Vingegaard said.", speaker="Jonas Vingegaard")]
    named = "“Maybe in a few weeks I will be even more proud of second place than of the wins,” Pogacar said."
    assert [f.type for f in _flags(named, passages, roster=roster)] == ["misattribution"]
    inferred = "“I'm super happy, I cannot describe how happy I am,” Pogacar said. “Maybe in a few weeks I will be even more proud of second place than of the wins.”"
    assert [f for f in _flags(inferred, passages, roster=roster) if "credited" in f.message] == []


def test_a_hyphenated_rank_before_the_name_is_part_of_the_role():
    # eval_cases_dev 513: "European Parliament Vice-President Michal Šimečka" was read as a "President"
    from pipeline.attribution import names_in_passages

    text = "Exit polls had shown Progressive Slovakia, led by European Parliament Vice-President Michal Šimečka, ahead of Smer."
    assert names_in_passages([text])[0].people == (("Michal Šimečka", "European Parliament Vice-President"),)
    roster = roster_from_evidence([Passage("p1", text)])
    assert _flags("Progressive Slovakia, led by Michal Šimečka, a vice-president of the European Parliament, was second.", roster=roster) == []
    assert [f.type for f in _flags("Progressive Slovakia, led by Michal Šimečka, a vice-president of the European Commission, was second.",
                                   roster=roster)] == ["misattribution"]


def test_a_lone_surname_with_two_letters_swapped_is_a_misspelling():
    # eval_cases_dev 506: "Sphor said" for Carsten Spohr
    roster = Roster([Person("Carsten Spohr", ("Spohr",), "chief executive", "Lufthansa")])
    flags = _flags("Sphor said Europe needed strong airlines to compete with global rivals.", roster=roster)
    assert [(f.type, f.text, f.suggestion) for f in flags] == [("name_misspelling", "Sphor", "Spohr")]
    assert _flags("Spohr said Europe needed strong airlines to compete with global rivals.", roster=roster) == []
    assert _flags("Shorp said Europe needed strong airlines to compete with global rivals.", roster=roster) == []  # same letters, another name


def test_a_capitalised_chief_officer_title_before_a_name_is_the_role():
    # eval_cases_dev 508: "Airbus Chief Commercial Officer Christian Scherer" was read as the "Airbus Chief"
    from pipeline.attribution import names_in_passages

    text = "Airbus Chief Commercial Officer Christian Scherer said the purchase highlighted the partnership."
    assert names_in_passages([text])[0].people == (("Christian Scherer", "Airbus Chief Commercial Officer"),)
    assert names_in_passages(["Police Chief Jane Doe said so."])[0].people == (("Jane Doe", "Police Chief"),)
    roster = roster_from_evidence([Passage("p1", text)])
    flags = _flags("Airbus's chief executive, Christian Scherer, said the deal showed how the two companies had grown.", roster=roster)
    assert [f.type for f in flags] == ["misattribution"]
    assert _flags("Airbus's chief commercial officer, Christian Scherer, said the deal showed how the two companies had grown.", roster=roster) == []


def test_a_premier_is_a_prime_minister():
    # eval_cases_dev 438: "the third Thai premier" for a prime minister was flagged as a wrong role
    roster = Roster([Person("Srettha Thavisin", ("Srettha",), "prime minister", "Thailand")])
    assert _flags("Srettha Thavisin, the Thai premier, was removed by the court.", roster=roster) == []
    assert [f.type for f in _flags("Srettha Thavisin, the Cambodian premier, was removed by the court.", roster=roster)] == ["misattribution"]


def test_a_prime_minister_on_record_fits_a_prime_minister_or_minister_in_the_article():
    # d07d361 read "prime minister" as "premier" and flagged "Israeli Prime Minister Benjamin Netanyahu" (dev 151, 292, ...)
    roster = Roster([Person("Benjamin Netanyahu", ("Netanyahu",), "Israeli Prime Minister", "")])
    assert _flags("Israeli Prime Minister Benjamin Netanyahu said the war would go on.", roster=roster) == []
    minister = Roster([Person("Ranil Wickremesinghe", ("Wickremesinghe",), "minister", "")])
    assert _flags("Ranil Wickremesinghe, a six-time prime minister, was elected by parliament.", roster=minister) == []


def test_a_district_attorney_is_a_role_compared_with_the_attorney_general_on_record():
    # eval_cases_dev 577: "Manhattan District Attorney Letitia James" was read as a name without a role
    from pipeline.attribution import names_in_passages

    text = "New York Attorney General Letitia James, who brought the lawsuit in 2022, had asked for $370 million."
    assert names_in_passages([text])[0].people == (("Letitia James", "New York Attorney General"),)
    assert names_in_passages(["Trump lawyer Alina Habba said the former president would appeal."])[0].people == (("Alina Habba", "Trump lawyer"),)
    roster = roster_from_evidence([Passage("p1", text)])
    flags = _flags("Manhattan District Attorney Letitia James, who brought the lawsuit, called the ruling a tremendous victory.", roster=roster)
    assert [f.type for f in flags] == ["misattribution"]
    assert _flags("New York Attorney General Letitia James, who brought the lawsuit, called the ruling a tremendous victory.", roster=roster) == []


def test_an_acronym_of_dotted_initials_and_a_clause_on_what_someone_did_are_no_other_role():
    # eval_cases_dev 568: "head of USAID" for the administrator of the U.S. Agency for International Development;
    # 553: "the far-right politician Boric beat in the presidential runoff"; 569: "the Italian Socialist who steered the bill"
    roster = Roster([Person("Samantha Power", (), "administrator", "U.S. Agency for International Development")])
    assert _flags("Samantha Power, the head of USAID, announced $32 million in aid.", roster=roster) == []
    assert [f.type for f in _flags("Samantha Power, the head of NASA, announced $32 million in aid.", roster=roster)] == ["misattribution"]
    kast = Roster([Person("José Antonio Kast", (), "politician", "Republican Party (Chile)")])
    said = "said the result was “a tremendous failure of the government”."
    assert _flags(f"José Antonio Kast, the far-right politician Boric beat in the runoff, {said}", roster=kast) == []
    assert [f.type for f in _flags(f"José Antonio Kast, the Socialist politician Boric beat in the runoff, {said}", roster=kast)] == ["misattribution"]


def test_an_attorney_general_is_no_district_attorney():
    # eval_cases_dev 459: "the state attorney general, Alvin Bragg" for the Manhattan District Attorney
    roster = Roster([Person("Alvin Bragg", ("Bragg",), "District Attorney", "Manhattan")])
    said = "said the office would “continue to fight”."
    assert [f.type for f in _flags(f"The state attorney general, Alvin Bragg, {said}", roster=roster)] == ["misattribution"]
    assert _flags(f"The Manhattan district attorney, Alvin Bragg, {said}", roster=roster) == []
    assert _flags(f"Trump lawyer Alina Habba {said}", roster=Roster([Person("Alina Habba", (), "attorney", "")])) == []  # one title
