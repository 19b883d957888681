"""Descriptions: the funding measure's boilerplate found by its recurrence across entries, reworded copies
of it by similarity, list items grouped, the rest by language."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from clusterharvest.parse.descriptions import (
    Paragraph,
    describe,
    find_boilerplate,
    group_paragraphs,
    paragraphs_of,
    sentence_key,
    sentence_spans,
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


# Sentence ends after a closing quote or bracket, and abbreviations that end none, from the directory's capture
# (004, by hand: BIO.NRW's, Cool Silicon's, SINN-i's and the Kunststoff-Institut's descriptions), and German text.
@pytest.mark.parametrize(("text", "want"), [
    ("the award-winning project “Development of an internationalization concept for the KIMW Cluster“. The "
     "network of mostly small and medium sized companies",
     ["the award-winning project “Development of an internationalization concept for the KIMW Cluster“.",
      "The network of mostly small and medium sized companies"]),
    ("mechanisms and competences of the Sport-Innovation-Network (SINN). The latter is to be achieved",
     ["mechanisms and competences of the Sport-Innovation-Network (SINN).", "The latter is to be achieved"]),
    ("and Japan Institute of Sport Science (JISS), all in Japan). As a result of contacting associates",
     ["and Japan Institute of Sport Science (JISS), all in Japan).", "As a result of contacting associates"]),
    ("is supposed to be intensified through the project “iCool”. The actors of the clusters expect",
     ["is supposed to be intensified through the project “iCool”.", "The actors of the clusters expect"]),
    ("supports the state cluster manager for biotechnology, Dr. med. Bernward Garthoff. The cluster is not a "
     "member association",
     ["supports the state cluster manager for biotechnology, Dr. med. Bernward Garthoff.",
      "The cluster is not a member association"]),
    ("Das Projekt „WIGRATEC-Cluster“. Es verbindet die Partner der Region.",
     ["Das Projekt „WIGRATEC-Cluster“.", "Es verbindet die Partner der Region."]),
    ("Das Netzwerk arbeitet z. B. mit der Universität und dem Verein e.V. zusammen. Es wurde u. a. von der "
     "Region gefördert.",
     ["Das Netzwerk arbeitet z. B. mit der Universität und dem Verein e.V. zusammen.",
      "Es wurde u. a. von der Region gefördert."]),
    ("Die Firma ist bzw. war Mitglied, vgl. Nr. 5 der Liste. Das Projekt beginnt am 1. Januar 2018 mit ca. 10 "
     "Partnern.",
     ["Die Firma ist bzw. war Mitglied, vgl. Nr. 5 der Liste.",
      "Das Projekt beginnt am 1. Januar 2018 mit ca. 10 Partnern."]),
    ("Ansprechpartner ist Dipl.-Ing. Kunz vom Institut. Er ist seit dem 3. Juni dabei.",
     ["Ansprechpartner ist Dipl.-Ing. Kunz vom Institut.", "Er ist seit dem 3. Juni dabei."]),
    ("from Brabant/Brainport.The project is organised in work packages.",
     ["from Brabant/Brainport.", "The project is organised in work packages."]),
])
def test_sentences_end_after_closing_quotes_and_brackets(text, want):
    assert list(sentences(text)) == want


def test_list_items_are_sentences_of_their_own():
    items = ("- Building and coordination of a cooperation network\n"
             "- Initiation of research and application projects")  # Cluster Leistungselektronik (004)
    assert list(sentences(items)) == items.split("\n")
    assert list(sentences("- Partner Optence e.V.\n- Partner OptoNet e.V.")) == ["- Partner Optence e.V.",
                                                                                 "- Partner OptoNet e.V."]


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80) |
       st.lists(st.sampled_from(["B", "\xa0", "\u2009", ".", " ", "“", "”", "(", ")", "e.V.", "\n- ", "Dr.", "x"]),
                max_size=30).map("".join))
@example("Firma B\xa0. Next one.")  # sentencex 1.0.32 panics on a capital, a non-ASCII space, a stop
def test_sentence_spans_tile_any_text(text):
    spans = sentence_spans(text)
    gaps = zip([0] + [end for _, end in spans], [start for start, _ in spans] + [len(text)], strict=True)
    assert all(not text[a:b].strip() for a, b in gaps), spans  # only white space before, between and after them
    assert all(a < b and text[a:b] == text[a:b].strip() for a, b in spans), spans


def test_splitting_leaves_no_utf8_copy_in_the_paragraph():
    import sys

    paragraph = "Das Projekt „WIGRATEC-Cluster“ verbindet die Partner. Es beginnt 2018."
    size = sys.getsizeof(paragraph)
    sentence_spans(paragraph, "de")
    assert sys.getsizeof(paragraph) == size  # CPython caches a UTF-8 copy in a str that Rust reads
