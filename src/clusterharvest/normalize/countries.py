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
def german_names() -> gettext.NullTranslations:
    """pycountry's German catalogue of ISO 3166-1 names."""
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"], fallback=True)


@cache
def standard_index(german: bool = True) -> dict[str, str]:
    """Name -> alpha-2 of the names ISO 3166-1 itself gives (pycountry: English names, official and common
    names, alpha-2/alpha-3 codes, and with ``german`` the German names of its iso3166-1 catalogue)."""
    catalogue = german_names()
    index: dict[str, str] = {}
    for country in pycountry.countries:
        names = {country.name, country.alpha_2, country.alpha_3}
        names.update(getattr(country, attr) for attr in ("official_name", "common_name") if hasattr(country, attr))
        if german:
            names.update(catalogue.gettext(n) for n in list(names))
        for name in names:
            index.setdefault(country_key(name), country.alpha_2)
    return index


def is_reading(name: str) -> bool:
    """Whether a country name was read by a fix of ours rather than found as an ISO 3166-1 name: not an ISO
    name at all, or one of ``countries.yml``'s names that is not an English ISO name ('Finnland' in the
    English directory, 'Great Britain')."""
    key = country_key(name)
    if key not in standard_index():
        return True
    return key in fixed_names() and key not in standard_index(german=False)


@cache
def fixed_names() -> frozenset[str]:
    """Keys of the names ``countries.yml`` maps."""
    return frozenset(country_key(name) for name in table("countries").pairs())


@cache
def country_index() -> dict[str, str]:
    """Name -> alpha-2: the standard names, then the YAML fixes, then both without diacritics."""
    index = dict(standard_index())
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


def country_names(code: str) -> tuple[str, str]:
    """(English, German) name of an ISO 3166-1 alpha-2 code, the common name where ISO has one ('Korea,
    Republic of' -> 'South Korea'); the code itself if it is not one."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code, code
    english = getattr(country, "common_name", None) or country.name
    return english, german_names().gettext(country.name)


def normalize_region(name: str) -> str | None:
    """A region name ('Asia-Pacific', 'Economic area: Asia-Pacific') to its canonical form; None if none."""
    key = country_key(name)
    prefix, _, rest = key.partition(":")
    if rest and prefix.strip() in table("region_prefixes"):
        key = country_key(rest)
    regions = table("regions")
    return regions.get(key) or regions.get(ascii_fold(key))


def reading_note(written: str, code: str) -> str:
    """What a non-standard country name was read as ("'Finnland' read as FI (Finland)"), with the reason
    where ``countries.yml`` gives one."""
    country = pycountry.countries.get(alpha_2=code)
    kind = "the German ISO 3166-1 name" if country_key(written) in standard_index() else "not an ISO 3166-1 name"
    read = f"{written.strip()!r} is {kind}; read as {code} ({country.name if country else code})"
    note = table("notes").get(country_key(written))
    return f"{read}: {note}" if note else read


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
            if is_reading(part):  # read by a fix of ours: say so, one rule for all
                out.issues.append(issue(field_path, reading_note(part, code), part))
            continue
        region = normalize_region(part)
        if region:
            if region not in out.regions:
                out.regions.append(region)
            if country_key(part) != country_key(region):
                out.issues.append(issue(field_path, f"{part.strip()!r} read as the region {region!r}", part))
            continue
        out.issues.append(issue(field_path, f"not a known country or region ({phase} phase)", part))
    return out
