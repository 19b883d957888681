"""Lines classified once: the label a line starts with and the address it states, and page lines split where
they hold several labels."""

from __future__ import annotations

from clusterharvest.parse.lines import classified, classify


def test_a_line_knows_its_label_and_its_address():
    phone = classify("Tel.: +49 711 123456")
    assert phone.is_label("phone") and phone.label is not None and phone.label.value == "+49 711 123456"
    assert phone.postcode is None
    place = classify("Leuschnerstr. 45 | 70176 Stuttgart")
    assert place.label is None and place.postcode is not None and place.postcode.city == "Stuttgart"
    prose = classify("The cluster works with partners in China.")
    assert prose.label is None and prose.postcode is None and not prose.is_label("phone")


def test_page_lines_holding_several_labels_become_one_line_each():
    lines = classified("Tel.: +49 30 1, Fax: +49 30 2 E-Mail: a@example.org")
    assert [(line.text, line.label.kind if line.label else None) for line in lines] == [
        ("Tel.: +49 30 1", "phone"), ("Fax: +49 30 2", "fax"), ("E-Mail: a@example.org", "email")]
    glued = classified("Head of International ServicesContact Data:")
    assert [line.is_label("contact") for line in glued] == [False, True]
    assert [line.text for line in classified("Cluster management")] == ["Cluster management"]
