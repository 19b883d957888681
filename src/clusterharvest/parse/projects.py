"""The internationalisation project a directory entry names in its own text.

Only what the text introduces as a project counts: a quoted title next to the word "project"/"Projekt"
("the project “iCool”", "Das Projekt „... (MAI_iBIC)“", "the ‘Additive4Industrie’ project"), an acronym-like
name right after it ("the project MInD", "project [gloWIN]") or right before it ("the ChInValue Spitzencluster
project"), or a quoted name built on the cluster's own name (“MERGEurope” of MERGE). Partner organisations,
programmes and places are never taken: they are not introduced as the project. Several different names
are an ambiguity for ``issues``, not a project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTED = re.compile(r"[“„‘\"]([^“”„‘’\"]{2,200}?)[”“’‘\"]")
PROJECT = r"(?:project|projekt(?:e?s)?)"
BEFORE_QUOTE = re.compile(rf"\b{PROJECT}(?:\s+(?:of|des|called|named|titled|entitled))?\s*$", re.I)
AFTER_QUOTE = re.compile(rf"^\s*(?:\(([\w-]+)\)\s*)?{PROJECT}\b", re.I)
ACRONYM_AFTER_QUOTE = re.compile(r"^\s*\(([\w-]+)\)")
ACRONYM_IN_TITLE = re.compile(r"\(([\w-]+)\)\s*$")
PROJECT_WORD = re.compile(rf"{PROJECT}", re.I)
WINDOW = 60  # characters either side of the word project in which a name beside it is looked for
NAME_AFTER = re.compile(rf"\b{PROJECT}\s+\[?([A-Za-z][\w-]*[A-Za-z0-9])\]?(?![\w“„‘\"])", re.I)
NAME_BEFORE = re.compile(r"\b([A-Za-z][\w-]*[A-Za-z0-9])\s+(?:[A-Z][\w-]*\s+)?(?:project|Projekt)\b(?!s)")


def acronym_like(token: str) -> bool:
    """'MInD', 'gloWIN', 'TRISENSE', 'ChInValue', 'iCool' (two capitals, or a capital after a small letter);
    not an ordinary word, and not a short all-capital abbreviation ('EU', 'R&D')."""
    if token.isupper() and len(token) <= 3:
        return False
    return sum(c.isupper() for c in token) >= 2 or bool(re.search(r"[a-z][A-Z]", token))


@dataclass(frozen=True)
class Mention:
    """A name the text gives its project, and the sentence giving it."""

    title: str | None
    acronym: str | None
    sentence: str


def own_word(own_name: str) -> str:
    """The first word of the cluster's name, if long enough to build a project's name on ('MERGE'); else ''."""
    words = own_name.split()
    return words[0] if words and len(words[0]) >= 4 else ""


def quoted_mentions(sentence: str, own: str) -> list[Mention]:
    """Quoted titles introduced as the project, or built on the cluster's own word ``own``."""
    out = []
    for found in QUOTED.finditer(sentence):
        title = " ".join(found.group(1).split())
        before, after = sentence[:found.start()], sentence[found.end():]
        named = BEFORE_QUOTE.search(before) or AFTER_QUOTE.match(after)
        own_built = bool(own) and " " not in title and title.startswith(own) and title != own
        if not (named or own_built):
            continue
        inner = ACRONYM_IN_TITLE.search(title)
        outer = ACRONYM_AFTER_QUOTE.match(after)
        acronym = inner.group(1) if inner else outer.group(1) if outer else None
        out.append(Mention(title, acronym, sentence))
    return out


def named_mentions(sentence: str) -> list[Mention]:
    """Acronym-like names right after or before the word project: the patterns are tried only around each
    occurrence of the word (WINDOW characters either side), not along the whole sentence."""
    unquoted = QUOTED.sub(" ", sentence)  # quoted titles are read above
    found: dict[tuple[int, int], str] = {}  # (pattern, where in the sentence) -> name, so none counts twice
    for word in PROJECT_WORD.finditer(unquoted):
        start = max(0, word.start() - WINDOW)
        window = unquoted[start:word.end() + WINDOW]
        for n, pattern in enumerate((NAME_AFTER, NAME_BEFORE)):
            for match in pattern.finditer(window):
                found.setdefault((n, start + match.start(1)), match.group(1))
    return [Mention(None, name, sentence) for _, name in sorted(found.items()) if acronym_like(name)]


def mentions_in(sentences: list[str], own_name: str) -> list[Mention]:
    """Every name these sentences introduce as the project (a sentence without the word project/Projekt or
    the cluster's own name is not read further)."""
    out: list[Mention] = []
    own = own_word(own_name)
    for sentence in sentences:
        if "roje" in sentence.lower():
            out += quoted_mentions(sentence, own) + named_mentions(sentence)
        elif own and own in sentence:  # only a quoted name built on its own word
            out += quoted_mentions(sentence, own)
    return out


def title_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def resolve(mentions: list[Mention]) -> tuple[Mention | None, list[Mention]]:
    """(the project, if the mentions agree on one; else the mentions that disagree).

    They agree when they give at most one title and at most one acronym (an acronym-only mention of the
    title's own acronym is the same project)."""
    titles = {title_key(m.title): m for m in mentions if m.title}
    acronyms = {m.acronym for m in mentions if m.acronym}
    if not mentions:
        return None, []
    if len(titles) > 1 or len(acronyms) > 1:
        return None, mentions
    main = next(iter(titles.values()), None) or mentions[0]
    return Mention(main.title, next(iter(acronyms), None), main.sentence), []
