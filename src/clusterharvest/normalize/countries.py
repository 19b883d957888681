"""Country and region names (English, German, former, common, abbreviated, misspelt) to ISO 3166-1 alpha-2 codes.

Codes. A name is looked up in ``countries.yml`` first (what no library reads, or reads otherwise: the directory's
'Sinapore', 'Korea' with its note), then among the English names pycountry's ISO 3166-1 data gives, then in
countrynames (OpenSanctions' table of country names in many languages and spellings: 'Swaziland', 'Ivory Coast',
'Holland', 'Vereinigte Staaten'; exact names only, as its fuzzy matching reads 'Austrlia' as AT), then among the
German names of pycountry's iso3166-1 catalogue. countrynames keeps a country's former names beside its current
ones, so a pycountry release that renames a country (Turkey -> Türkiye, Swaziland -> Eswatini, Czech Republic ->
Czechia) changes no code. A code that is not a current ISO 3166-1 alpha-2 code in pycountry (countrynames' 'ZR'
for Zaire, 'XK' for Kosovo, 'EU', 'GB-SCT') is not published as a country: the name gets an issue instead.

Issues. A name is standard, and read with nothing to say, when it is the country's alpha-2 or alpha-3 code, or one
of its English names in the current pycountry data: the ISO 3166-1 short name ('Viet Nam'), the official name
('Czech Republic', still CZ's official name) or the common name pycountry's data (Debian's iso-codes) adds
('Vietnam', 'South Korea', 'Iran', 'Taiwan'). On a German source (``lang='de'``), the German names of pycountry's
iso3166-1 catalogue ('Niederlande', 'Südkorea') are standard too: they are that page's own standard names. Every
other name was read by interpretation and gets an issue with the raw text saying how ('Finnland' is the German ISO
3166-1 name; 'Swaziland' is not an ISO 3166-1 name; read as SZ (Eswatini)): former names ('Swaziland', 'Turkey'),
names in no field of the data ('Russia', 'Holland'), abbreviations ('U.S.A.', 'UAE'). We chose the current ISO names
as the standard because a former name is exactly what an analyst should be told about; so when a pycountry release
renames a country, the old name's code stays and the old name gains the same issue every former name has, and an
issue's message names the country by its current ISO name. Nothing else depends on the release.

Lists. Targets are separated by ',', ';', '/', 'and', 'und' and '&', except inside a name that holds one ('Bosnia
and Herzegovina', 'Korea, Republic of', countrynames' 'England/United Kingdom'; a slash between single letters,
'n/a', abbreviates). Text beside a target that names no country, a bracket ('Japan (tbd)', 'Finland (Helsinki)') or
a hedge from ``countries.yml`` ('e.g.', 'z. B.', 'etc.'), is dropped and the target read, with an issue naming what
was dropped; a name whose brackets are its own ('Holy See (Vatican City State)') is read whole first.
"""

from __future__ import annotations

import gettext
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import countrynames
import pycountry

from ..lookups import Lookup, lookup
from ..models import Issue, issue

SEPARATORS = re.compile(r"(\s*(?:[,;/]|\s(?:and|und|&)\s)\s*)", re.I)  # kept, to rejoin names holding one
MAX_PIECES = 4  # pieces of one name between separators ('Saint Helena, Ascension and Tristan da Cunha')
COUNTRYNAMES_NOT_A_COUNTRY = "FAIL"  # countrynames' code for names it knows are none ('Asia', 'abroad')
BRACKETED = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")  # '(tbd)', '[Helsinki]' beside a target
LETTER = re.compile(r"[^\W\d_]")


def country_key(text: str) -> str:
    """Lookup key: case-folded, whitespace collapsed, outer punctuation and a leading 'the' removed."""
    key = " ".join(str(text).split()).casefold().strip(" .:-–")
    return key[4:] if key.startswith("the ") else key


def ascii_fold(text: str) -> str:
    """Strip diacritics ('südkorea' -> 'sudkorea') for a second, looser lookup."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


FILE = "normalize/countries.yml"


def table(name: str) -> Lookup:
    """One lookup of ``countries.yml`` (countries, notes, not_countries, regions, region_prefixes)."""
    return lookup(FILE, name)


@cache
def keyed(name: str) -> dict[str, tuple[str, Any]]:
    """A lookup's matches by name key ('U.S.A.' -> 'u.s.a'), each with (the match as written, its value)."""
    return {country_key(match): (match, value) for match, value in table(name).pairs().items()}


def fix(name: str, key: str) -> Any:
    """The value a ``countries.yml`` lookup gives a name key (marked used), or None."""
    found = keyed(name).get(key)
    if found is None:
        return None
    table(name).mark(found[0])
    return found[1]


@cache
def german_names() -> gettext.NullTranslations:
    """pycountry's German catalogue of ISO 3166-1 names."""
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"], fallback=True)


@cache
def iso_names(german: bool = False) -> dict[str, str]:
    """Name key -> alpha-2 of the names ISO 3166-1 gives (pycountry): the codes and the English short, official
    and common names; with ``german``, the German names of its iso3166-1 catalogue instead."""
    catalogue = german_names()
    index: dict[str, str] = {}
    for country in pycountry.countries:
        names = {country.name, country.alpha_2, country.alpha_3}
        names.update(getattr(country, attr) for attr in ("official_name", "common_name") if hasattr(country, attr))
        if german:
            names = {catalogue.gettext(n) for n in names - {country.alpha_2, country.alpha_3}}
        for name in names:
            index.setdefault(country_key(name), country.alpha_2)
    return index


def countrynames_code(key: str) -> str | None:
    """countrynames' code for a name (exact names only); None if it knows none."""
    with warnings.catch_warnings():
        # countrynames 1.16 transliterates without PyICU (pinned so) and warns about it once; nothing else is hidden.
        warnings.filterwarnings("ignore", message="Install 'pyicu'", category=UnicodeWarning)
        code = countrynames.to_code(key)
    return None if code == COUNTRYNAMES_NOT_A_COUNTRY else code


def is_current(code: str) -> bool:
    """Whether a code is a current ISO 3166-1 alpha-2 code (pycountry)."""
    return len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None


def lookup_code(key: str) -> str | None:
    """The code a name key stands for: ``countries.yml``, pycountry's English ISO names, countrynames, pycountry's
    German ISO names, then the lookups without diacritics; None if none knows it. It may be no current ISO code."""
    english, german, folded = iso_names(), iso_names(german=True), ascii_fold(key)
    return (fix("countries", key) or fix("countries", folded) or english.get(key) or countrynames_code(key)
            or german.get(key) or german.get(folded) or english.get(folded))


@dataclass(frozen=True)
class CountryReading:
    """A name read: its current ISO 3166-1 alpha-2 code (None if it names none) and a note (an issue message)
    saying how a non-standard name was read, or why it names no country; None for a standard name or no name."""

    code: str | None
    note: str | None = None


def read_country(name: str, lang: str = "en") -> CountryReading:
    """Read a country name or code (see the module docstring for the order and for what counts as standard; ``lang``
    is the source's language, 'en' or 'de')."""
    key = country_key(name)
    if not key:
        return CountryReading(None)
    written = " ".join(name.split())
    reason = fix("not_countries", key)
    if reason:
        return CountryReading(None, f"{written!r} may name {reason}; not read as a country")
    code = lookup_code(key)
    if code is None:
        return CountryReading(None)
    if not is_current(code):
        return CountryReading(None, f"{written!r} names {code}, not a current ISO 3166-1 alpha-2 code"
                                    f"{former_code(code)}; not read as a country")
    if iso_names().get(key) == code or (lang == "de" and iso_names(german=True).get(key) == code):
        return CountryReading(code)
    return CountryReading(code, reading_note(written, key, code))


def former_code(code: str) -> str:
    """What ISO says of a code that is no current alpha-2 one: withdrawn (ISO 3166-3) or a subdivision (ISO
    3166-2), in parentheses; '' if neither."""
    historic = pycountry.historic_countries
    withdrawn = historic.get(alpha_4=code) if len(code) == 4 else historic.get(alpha_2=code)
    if withdrawn is not None:
        return f" (withdrawn from ISO 3166-1 on {withdrawn.withdrawal_date}: {withdrawn.name})"
    part = pycountry.subdivisions.get(code=code) if "-" in code else None
    return f" (an ISO 3166-2 subdivision of {part.country_code})" if part is not None else ""


def reading_note(written: str, key: str, code: str) -> str:
    """What a non-standard country name was read as ("'Finnland' is the German ISO 3166-1 name; read as FI
    (Finland)"), with the reason where ``countries.yml`` gives one."""
    country = pycountry.countries.get(alpha_2=code)
    kind = "the German ISO 3166-1 name" if iso_names(german=True).get(key) == code else "not an ISO 3166-1 name"
    read = f"{written!r} is {kind}; read as {code} ({country.name if country else code})"
    note = fix("notes", key)
    return f"{read}: {note}" if note else read


def normalize_country(name: str) -> str | None:
    """A country name or code (English, German, former, common, abbreviated) to its current ISO 3166-1 alpha-2
    code; None if it names no current country (``read_country`` says why and how)."""
    return read_country(name).code


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


@dataclass
class Targets:
    """Target countries and regions read from one line, with what could not be read."""

    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def split_targets(raw: str) -> list[str]:
    """'China, England and France' -> ['China', 'England', 'France']; a name holding a separator stays one
    ('Bosnia and Herzegovina', 'Korea, Republic of': see ``one_name``), and a separator inside brackets
    separates nothing ('Finland (Helsinki, Espoo)')."""
    pieces = SEPARATORS.split(raw or "")
    names, separators = [pieces[0]], []
    for separator, name in zip(pieces[1::2], pieces[2::2], strict=True):
        if names[-1].count("(") > names[-1].count(")"):
            names[-1] += separator + name
        else:
            names.append(name)
            separators.append(separator)
    out, start = [], 0
    while start < len(names):
        end = next((end for end in range(min(len(names), start + MAX_PIECES) - 1, start, -1)
                    if one_name(names[start:end + 1], separators[start:end])), start)
        out.append("".join(n + sep for n, sep in zip(names[start:end], separators[start:end], strict=True))
                   + names[end])
        start = end + 1
    return [part for part in out if part.strip(" .")]


def one_name(names: list[str], separators: list[str]) -> bool:
    """Whether pieces with the separators between them are one country's name: joined by 'and' only if the whole
    is a current country's name ('Trinidad and Tobago', not 'Serbia and Montenegro'), by a comma only if it is an
    ISO 3166-1 English name ('Korea, Republic of'; 'Hong Kong, China' is a list)."""
    key = country_key("".join(n + sep for n, sep in zip(names, [*separators, ""], strict=True)))
    if any(sep.strip() in (",", ";") for sep in separators):
        return key in iso_names()
    if any(sep.strip() == "/" for sep in separators) and any(len(LETTER.findall(n)) < 2 for n in names):
        return True  # 'n/a': a slash between single letters abbreviates; no country's name is one letter
    code = lookup_code(key)
    return code is not None and is_current(code)


@cache
def hedges() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns of a hedge (``countries.yml``) at the start and at the end of a target."""
    spellings = sorted(table("hedges").matches(), key=len, reverse=True)
    words = "|".join(r"\s+".join(map(re.escape, hedge.split())) for hedge in spellings)
    return re.compile(rf"^(?:{words})(?:\s+|$)", re.I), re.compile(rf"(?:^|\s+)(?:{words})$", re.I)


def trimmed(part: str) -> tuple[str, list[str]]:
    """A target without the text beside it that names no country (brackets, hedges), and that text as written."""
    dropped = [found.group().strip() for found in BRACKETED.finditer(part)]
    core = BRACKETED.sub(" ", part).strip()
    start, end = hedges()
    if found := start.match(core):
        dropped.insert(0, found.group().strip())
        core = core[found.end():]
    if core and (found := end.search(core)):
        dropped.append(found.group().strip())
        core = core[:found.start()]
    for hedge in dropped:
        table("hedges").mark(hedge)
    return core.strip(), dropped


@dataclass(frozen=True)
class Target:
    """One target read: a country code or a region (or neither), and the note for its issue (None if none)."""

    code: str | None = None
    region: str | None = None
    note: str | None = None


def read_target(part: str, lang: str) -> Target:
    """A target as a country, else as a region, with what its reading needs said."""
    reading = read_country(part, lang)
    if reading.code:
        return Target(code=reading.code, note=reading.note)
    region = normalize_region(part)
    if region:
        same = country_key(part) == country_key(region)
        return Target(region=region, note=None if same else f"{part.strip()!r} read as the region {region!r}")
    return Target(note=reading.note)


def read_beside(part: str, lang: str) -> Target:
    """A target read after dropping the text beside it (see ``trimmed``); a hedge alone gives a note, no target."""
    core, dropped = trimmed(part)
    if not dropped:
        return Target()
    if not core:
        return Target(note=f"the list is not complete ({part.strip()!r}); names no country")
    found = read_target(core, lang)
    if not (found.code or found.region):
        return Target(note=found.note)
    said = f"text beside the {'country' if found.code else 'region'} not read: {', '.join(map(repr, dropped))}"
    return Target(found.code, found.region, "; ".join(filter(None, [said, found.note])))


def parse_targets(raw: str, field_path: str, lang: str = "en") -> Targets:
    """Read a target line into codes and regions; unknown names and interpretations become issues.

    Args:
        raw: the text after the label, e.g. "China, England, Finnland".
        field_path: the phase's field path for issues, e.g. "target_countries.concept".
        lang: the source's language ('en' or 'de'): on a German source, German ISO 3166-1 names need no issue.

    Returns:
        Codes and regions in the order written, each once.
    """
    out = Targets()
    phase = field_path.rsplit(".", 1)[-1]
    for part in split_targets(raw):
        found = read_target(part, lang)
        if not (found.code or found.region or found.note):
            found = read_beside(part, lang)
        if found.code and found.code not in out.countries:
            out.countries.append(found.code)
        if found.region and found.region not in out.regions:
            out.regions.append(found.region)
        if found.note or not (found.code or found.region):  # read by interpretation, or not read: say so
            out.issues.append(issue(field_path, found.note or f"not a known country or region ({phase} phase)", part))
    return out
