"""The parser: seed 004 read as the fixture has it (127 recommendations, texts, sections,
narratives, 2017 statuses), every numbering style, chapter restarts, headings and the report of
what could not be placed."""

from collections import Counter

import pytest

from extraction.numbering import NumberingError
from extraction.parser import parse
from extraction.readers import read_document
from recommendations.models import Recommendation, StatusUpdate
from tests.recommendations.test_loader import derive_status

MAYOR_SECTION = (
    "Recommendations aimed at the Mayor's Office, MOPAC and the London Fire and Emergency "
    "Planning Authority"
)


def text_document(text, name="report.txt"):
    return read_document(name, text.encode("utf-8"))


@pytest.fixture(scope="module")
def seed(seed_document, fixture_agencies):
    return parse(seed_document, agencies=fixture_agencies)


class TestSeed004:
    def test_all_127_recommendations_numbered_1_to_127(self, seed):
        assert seed.style == "alone"
        assert sorted(int(p.number) for p in seed.proposals) == list(range(1, 128))
        assert seed.numbering_ok and seed.gaps == [] and seed.duplicates == []

    @pytest.mark.django_db
    def test_every_text_is_identical_to_the_loaded_fixtures(self, seed, real_data):
        stored = dict(
            Recommendation.objects.filter(review__slug="harris-2016").values_list("number", "text")
        )
        assert len(stored) == 127
        assert {p.number: p.text for p in seed.proposals} == stored

    @pytest.mark.django_db
    def test_sections_match_the_loaded_fixtures(self, seed, real_data):
        stored = dict(
            Recommendation.objects.filter(review__slug="harris-2016").values_list(
                "number", "section"
            )
        )
        assert {p.number: p.section for p in seed.proposals} == stored
        assert Counter(stored.values()) == {MAYOR_SECTION: 22, "Other recommendations": 105}

    @pytest.mark.django_db
    def test_the_2017_status_and_narrative_are_the_fixtures(self, seed, real_data):
        updates = StatusUpdate.objects.filter(source_review__slug="progress-2017")
        stored = {u.recommendation.number: u for u in updates.select_related("recommendation")}
        assert seed.progress
        for proposal in seed.proposals:
            update = stored[proposal.number]
            assert proposal.status == update.status == derive_status(proposal.narrative)
            assert proposal.narrative == update.narrative, proposal.number
        statuses = Counter(p.status for p in seed.proposals)
        assert statuses == {"resolved": 73, "resolved_other_means": 12, "in_progress": 42}

    def test_the_status_sentence_is_quoted(self, seed):
        seven = next(p for p in seed.proposals if p.number == "7")
        assert seven.status_sentence == "This recommendation has been resolved by other means."

    def test_texts_without_a_full_stop_keep_their_boundary(self, seed, fixture_2016):
        for number in ("19", "62", "109"):
            proposal = next(p for p in seed.proposals if p.number == number)
            assert proposal.text == fixture_2016[number]["text"]

    def test_positions_follow_the_numbers_not_the_progress_reports_order(self, seed):
        assert [p.number for p in seed.proposals[:3]] == ["2", "7", "8"]
        assert all(p.position == int(p.number) for p in seed.proposals)

    def test_owners_are_proposed_from_the_agencies_the_text_names(self, seed):
        three = next(p for p in seed.proposals if p.number == "3")
        assert "mps" in [three.lead_owner, *three.owners]
        nine = next(p for p in seed.proposals if p.number == "9")
        assert nine.lead_owner == "cabinet-office"

    def test_the_introduction_and_back_matter_are_reported_not_placed(self, seed):
        report = " ".join(seed.report())
        assert "before the first recommendation" in report
        assert "after the last recommendation" in report


STYLES = {
    "dot": "1. The Mayor should act.\n\n2. The MPS should act.\n\n3. TfL should act.",
    "paren": "1) The Mayor should act.\n\n2) The MPS should act.\n\n3) TfL should act.",
    "r": "R1 The Mayor should act.\n\nR2: The MPS should act.\n\nR3. TfL should act.",
    "recommendation": (
        "Recommendation 1: The Mayor should act.\n\nRECOMMENDATION 2\n\nThe MPS should act."
        "\n\nRecommendation 3 \u2013 TfL should act."
    ),
    "dotted": "1.1 The Mayor should act.\n\n1.2 The MPS should act.\n\n2.1 TfL should act.",
    "alone": "1\n\nThe Mayor should act.\n\n2.\n\nThe MPS should act.\n\n3\n\nTfL should act.",
}


@pytest.mark.parametrize("style", STYLES)
def test_each_numbering_style(style, fixture_agencies):
    text = f"Our Recommendations\n\n{STYLES[style]}\n"
    extraction = parse(text_document(text), agencies=fixture_agencies)
    assert extraction.style == style
    numbers = ["1.1", "1.2", "2.1"] if style == "dotted" else ["1", "2", "3"]
    assert [p.number for p in extraction.proposals] == numbers
    assert [p.text for p in extraction.proposals] == [
        "The Mayor should act.",
        "The MPS should act.",
        "TfL should act.",
    ]
    assert {p.section for p in extraction.proposals} == {"Our recommendations"}
    assert [p.lead_owner for p in extraction.proposals][1:] == ["mps", "tfl"]
    assert not extraction.progress


def test_numbers_restarting_per_chapter_are_made_unique_with_the_chapter():
    text = (
        "Chapter 2: Policing\n\nSome discussion of policing.\n\n1. The MPS should act.\n\n"
        "2. The MPS should train.\n\nChapter 3: Transport\n\n1. TfL should act.\n\n"
        "2. TfL should plan.\n"
    )
    extraction = parse(text_document(text))
    assert extraction.chaptered
    assert [p.number for p in extraction.proposals] == ["2.1", "2.2", "3.1", "3.2"]
    assert [p.section for p in extraction.proposals] == ["Chapter 2: Policing"] * 2 + [
        "Chapter 3: Transport"
    ] * 2
    assert extraction.numbering_ok


def test_chapters_without_numbers_are_counted():
    text = (
        "Policing\n\n1. The MPS should act.\n\n2. The MPS should train.\n\n"
        "Transport\n\n1. TfL should act.\n"
    )
    assert [p.number for p in parse(text_document(text)).proposals] == ["1.1", "1.2", "2.1"]


def test_gaps_and_duplicates_are_reported():
    gap = parse(text_document("1. One.\n\n2. Two.\n\n5. Five.\n\n6. Six.\n"))
    assert gap.gaps == ["Numbering gap: no recommendation 3, 4."]
    duplicate = parse(text_document("1. One.\n\n2. Two.\n\n2. Again.\n\n3. Three.\n"))
    assert duplicate.duplicates == ["Recommendation 2 appears 2 times."]
    assert not gap.numbering_ok and not duplicate.numbering_ok


def test_unnumbered_paragraphs_between_recommendations_are_reported():
    text = "1. The MPS should act.\n\nA stray remark about something else.\n\n2. TfL should act.\n"
    extraction = parse(text_document(text))
    assert [p.text for p in extraction.proposals] == ["The MPS should act.", "TfL should act."]
    assert "Not placed: “A stray remark about something else.”" in extraction.unplaced


def test_a_recommendation_ending_in_a_colon_keeps_its_list():
    text = "1. The MPS should:\n\n- train more officers;\n- buy radios.\n\n2. TfL should act.\n"
    first = parse(text_document(text)).proposals[0]
    assert first.text == "The MPS should:\n\n- train more officers;\n- buy radios."


def test_a_document_without_numbers_is_refused():
    with pytest.raises(NumberingError, match="No numbered recommendations"):
        parse(text_document("Just some prose.\n\nAnd more prose.\n"))


def test_a_forced_style_that_finds_nothing_says_so():
    with pytest.raises(NumberingError, match="R1"):
        parse(text_document("1. One.\n\n2. Two.\n"), style="r")


def test_a_page_break_inside_a_paragraph_is_joined_back():
    text = (
        "1\n\nThe Mayor should ask the Chair of the London Resilience Forum to consider the\n\n"
        "matter of housing.\n\nWork continues with the Mayor's Office and\n\n"
        "London Councils on this.\n\nThis recommendation has been resolved.\n\n"
        "2\n\nThe MPS should act.\n\nThis recommendation has been resolved by other means.\n"
    )
    one, two = parse(text_document(text)).proposals
    assert one.text == (
        "The Mayor should ask the Chair of the London Resilience Forum to consider the matter "
        "of housing."
    )
    assert one.narrative == (
        "Work continues with the Mayor's Office and London Councils on this.\n\n"
        "This recommendation has been resolved."
    )
    assert (one.status, two.status) == ("resolved", "resolved_other_means")


def test_a_list_typed_without_blank_lines_is_split_at_each_number():
    text = "Recommendations\n1. The MPS should act.\n2. TfL should act\nquickly.\n3. Done.\n"
    extraction = parse(text_document(text))
    assert [p.text for p in extraction.proposals] == [
        "The MPS should act.",
        "TfL should act quickly.",
        "Done.",
    ]
