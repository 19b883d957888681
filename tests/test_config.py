"""The source registry."""

from __future__ import annotations

import pytest

from clusterharvest.config import KINDS, load_registry
from clusterharvest.errors import ConfigError

from .conftest import ROOT


def test_shipped_registry_has_the_five_sources():
    reg = load_registry(ROOT / "sources.toml")
    assert len(reg.sources) == 5
    assert {s.kind for s in reg.sources} == set(KINDS)
    directory = reg.get("interspin-directory-en")
    assert directory.url == "https://interspin.de/en/cluster-network" and directory.lang == "en"
    flyer = reg.get("bmbf-flyer-2016")
    assert flyer.is_file and (ROOT / flyer.url).is_file()
    assert reg.hosts == {"www.bmbf.de", "germanylandofinnovation.com", "germanylandofinnovation.wordpress.com",
                         "interspin.de"}


def test_url_forms(tmp_path):
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nid = "a"\nurl = "pages/a.html"\nkind = "cluster-directory"\nlang = "de"\n'
        f'[[source]]\nid = "b"\nurl = "file://{tmp_path}/b.html"\nkind = "flyer"\nlang = "en"\n'
        '[[source]]\nid = "c"\nurl = "https://example.org/c"\nkind = "announcement"\nlang = "en"\n')
    reg = load_registry(tmp_path / "sources.toml")
    assert reg.get("a").location == str(tmp_path / "pages" / "a.html")
    assert reg.get("b").location == str(tmp_path / "b.html")
    assert not reg.get("c").is_file and reg.get("c").host == "example.org"


@pytest.mark.parametrize(("body", "message"), [
    ('[[source]]\nid = "a"\nurl = "ftp://x/a"\nkind = "flyer"\nlang = "en"\n', "only http, https, file"),
    ('[[source]]\nid = "a"\nurl = "a.pdf"\nkind = "brochure"\nlang = "en"\n', "unknown kind"),
    ('[[source]]\nid = "a"\nurl = "a.pdf"\nkind = "flyer"\nlang = "fr"\n', "unknown lang"),
    ('[[source]]\nid = "a"\nkind = "flyer"\nlang = "en"\n', "lacks url"),
    ('[fetch]\nspeed = 3\n[[source]]\nid = "a"\nurl = "a"\nkind = "flyer"\nlang = "en"\n', "unknown \\[fetch\\]"),
    ('title = "x"\n', "no \\[\\[source\\]\\]"),
    ('[[source]\n', "not valid TOML"),
])
def test_bad_registries_are_clear_errors(tmp_path, body, message):
    (tmp_path / "s.toml").write_text(body)
    with pytest.raises(ConfigError, match=message):
        load_registry(tmp_path / "s.toml")
