"""Country and region names (English, German, misspelt) to ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

import gettext
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import pycountry

from ..lookups import Lookup, lookup
from ..models import Issue, issue

SEPARATORS = re.compile(r"\s*(?:[,;]|\s(?:and|und|&)\s)\s*", re.I)


def country_key(text: str) -> str:
    """Lookup key: case-folded, whitespace collapsed, outer punctuation and a leading 'the' removed."""
    key = " ".join(str(text).split()).casefold().strip(" .:-–")
    return key[4:] if key.startswith("the ") else key


def ascii_fold(text: str) -> str:
    """Strip diacritics ('südkorea' -> 'sudkorea') for a second, looser lookup."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


FILE = "normalize/countries.yml"


def table(name: str) -> Lookup:
    """One lookup of ``countries.yml`` (countries, notes, regions, region_prefixes)."""
    return lookup(FILE, name)


@cache
def country_index() -> dict[str, str]:
    """Name -> alpha-2 from pycountry (English and German names, codes), then the YAML fixes."""
    german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"], fallback=True)
    index: dict[str, str] = {}
    for country in pycountry.countries:
        names = {country.name, country.alpha_2, country.alpha_3}
        names.update(getattr(country, attr) for attr in ("official_name", "common_name") if hasattr(country, attr))
        names.update(german.gettext(n) for n in list(names))
        for name in names:
            index.setdefault(country_key(name), country.alpha_2)
    index.update({country_key(k): v for k, v in table("countries").pairs().items()})
    index.update({ascii_fold(k): v for k, v in list(index.items()) if ascii_fold(k) not in index})
    return index


def normalize_country(name: str) -> str | None:
    """A country name or code in English or German to its alpha-2 code; None if not a country."""
    key = country_key(name)
    if not key:
        return None
    index = country_index()
    code = index.get(key) or index.get(ascii_fold(key))
    if code:
        table("countries").mark(key)  # a fix of ours was needed, if the key is one
    return code


def normalize_region(name: str) -> str | None:
    """A region name ('Asia-Pacific', 'Economic area: Asia-Pacific') to its canonical form; None if none."""
    key = country_key(name)
    prefix, _, rest = key.partition(":")
    if rest and prefix.strip() in table("region_prefixes"):
        key = country_key(rest)
    regions = table("regions")
    return regions.get(key) or regions.get(ascii_fold(key))


@dataclass
class Targets:
    """Target countries and regions read from one line, with what could not be read."""

    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def split_targets(raw: str) -> list[str]:
    """'China, England and France' -> ['China', 'England', 'France']."""
    return [part for part in SEPARATORS.split(raw or "") if part.strip(" .")]


def parse_targets(raw: str, field_path: str) -> Targets:
    """Read a target line into codes and regions; unknown names and interpretations become issues.

    Args:
        raw: the text after the label, e.g. "China, England, Finnland".
        field_path: the phase's field path for issues, e.g. "target_countries.concept".

    Returns:
        Codes and regions in the order written, each once.
    """
    out = Targets()
    phase = field_path.rsplit(".", 1)[-1]
    for part in split_targets(raw):
        code = normalize_country(part)
        if code:
            if code not in out.countries:
                out.countries.append(code)
            note = table("notes").get(country_key(part))
            if note:
                out.issues.append(issue(field_path, note, part))
            continue
        region = normalize_region(part)
        if region:
            if region not in out.regions:
                out.regions.append(region)
            continue
        out.issues.append(issue(field_path, f"not a known country or region ({phase} phase)", part))
    return out
