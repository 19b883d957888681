"""Descriptions: the funding measure's boilerplate found by its recurrence across entries, reworded copies
of it by similarity, list items grouped, the rest by language."""

from __future__ import annotations

import pytest

from clusterharvest.parse.descriptions import (
    Paragraph,
    describe,
    find_boilerplate,
    group_paragraphs,
    paragraphs_of,
    sentence_key,
    sentences,
)

BOILERPLATE = ("The project is funded by the Federal Ministry of Education and Research within the measure "
               "Internationalisation of Leading-Edge Clusters.")


def test_a_sentence_in_two_entries_is_boilerplate_and_a_unique_one_is_not():
    entries = [paragraphs_of([f"Cluster A builds sensors for cars and trains. {BOILERPLATE}"]),
               paragraphs_of([f"Cluster B designs lightweight materials for aircraft. {BOILERPLATE}"])]
    found = find_boilerplate(entries)
    assert found == {sentence_key(BOILERPLATE)}, found


def test_a_reworded_copy_of_boilerplate_is_boilerplate_too():
    reworded = BOILERPLATE.replace("Research", "Research,").replace("within", "in")
    entries = [paragraphs_of([BOILERPLATE]), paragraphs_of([BOILERPLATE]),
               paragraphs_of([f"Cluster C does research on water. {reworded}"])]
    assert sentence_key(reworded) in find_boilerplate(entries)


def test_short_sentences_never_count_as_boilerplate():
    entries = [paragraphs_of(["All projects start in 2018."]), paragraphs_of(["All projects start in 2018."])]
    assert find_boilerplate(entries) == set()


def test_sentences_tolerate_a_missing_space():
    assert sentences("The concept is ready.For 2018 the plan is set.") == ("The concept is ready.",
                                                                          "For 2018 the plan is set.")


def test_list_items_form_one_paragraph():
    assert group_paragraphs(["Intro text.", "- one", "- two", "Outro."]) == ["Intro text.", "- one\n- two", "Outro."]


def test_describe_sorts_paragraphs_by_language_and_removes_boilerplate():
    paragraphs = [f"The cluster works with partners in China and the USA on new sensors. {BOILERPLATE}",
                  "Das Netzwerk arbeitet mit Partnern in Polen und Tschechien an der Umsetzung der Projekte."]
    description, removed = describe([Paragraph.of(p) for p in paragraphs], {sentence_key(BOILERPLATE)})
    assert removed == [BOILERPLATE]
    assert description.en == "The cluster works with partners in China and the USA on new sensors."
    assert description.de == paragraphs[1]


def test_list_items_are_kept_whole_and_split_once_for_the_search():
    [intro, items] = paragraphs_of(["Intro text.", f"- {BOILERPLATE}", "- two"])
    assert items.is_list and not intro.is_list
    assert [s.key for s in items.sentences][0].startswith("the project is funded")
    description, removed = describe([items], {sentence_key(BOILERPLATE)})
    assert (description.en, removed) == (items.text, [])


@pytest.mark.parametrize(("text", "want"), [
    ("OptoNet e.V. formulates a strategy. It works.", ["OptoNet e.V. formulates a strategy.", "It works."]),
    ("Prof. Dr. Meyer leads it. Dipl.-Ing. Kunz helps.", ["Prof. Dr. Meyer leads it.", "Dipl.-Ing. Kunz helps."]),
    ("The U.S. Army is a partner. So is Japan.", ["The U.S. Army is a partner.", "So is Japan."]),
    ("Am 3. Juni beginnt es. Es endet 2018. Danach nicht.", ["Am 3. Juni beginnt es.", "Es endet 2018.",
                                                             "Danach nicht."]),
    ("He said “Yes.” Then he left!", ["He said “Yes.”", "Then he left!"]),
])
def test_sentences_end_at_full_stops_not_at_abbreviations(text, want):
    assert list(sentences(text)) == want


def test_boilerplate_is_cut_at_sentence_boundaries_and_what_stays_is_not_rejoined():
    text = f"First  part  stays.{BOILERPLATE}   Last part stays too."
    description, removed = describe([Paragraph.of(text)], {sentence_key(BOILERPLATE)})
    assert removed == [BOILERPLATE]
    assert description.en == "First  part  stays.\n\nLast part stays too."  # two verbatim pieces, spacing kept
