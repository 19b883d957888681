"""The project's own errors: each carries the source it concerns and prints as one line."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

BRIEF = 60  # characters of a failure's reason where several are named in one line
SUMMARY = 240  # characters of a message naming several failed sources (with Prefect's prefix, about 300)


class HarvestError(Exception):
    """Base class: a failure the command reports as one line and a non-zero exit."""

    def __init__(self, message: str, source_id: str | None = None, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.source_id = source_id
        self.message = message
        self.reason = reason  # why, in a few words ('connection refused'), where the message says more

    def __str__(self) -> str:
        return f"source {self.source_id}: {self.message}" if self.source_id else self.message

    @property
    def brief(self) -> str:
        """Why, in a few words: the reason, else the message cut at ``BRIEF`` characters."""
        return self.reason or textwrap.shorten(self.message, BRIEF, placeholder="...")


class ConfigError(HarvestError):
    """The registry or a command-line option is wrong."""


class FetchError(HarvestError):
    """A source could not be fetched.

    ``transient`` marks failures that a later try may fix (timeouts, 5xx), which the
    flow may retry; refused hosts, robots.txt and size caps are final.
    """

    def __init__(self, message: str, source_id: str | None = None, *, transient: bool = False,
                 status: int | None = None, unreachable: bool = False, reason: str | None = None,
                 fallback: str | None = None) -> None:
        super().__init__(message, source_id, reason=reason)
        self.transient = transient
        self.status = status
        self.unreachable = unreachable  # no connection at all (refused, DNS): the server may be gone
        self.fallback = fallback  # why the web archive could not stand in, in a few words

    @property
    def gone(self) -> bool:
        """The live source looks gone: unreachable, 404 or 410 (an archived copy may stand in)."""
        return self.unreachable or self.status in (404, 410)


class ParseError(HarvestError):
    """A snapshot does not have the structure its parser expects."""


class ValidationFailed(HarvestError):
    """Records failed the checks that stand between parsing and publishing."""


class GateError(ValidationFailed):
    """A source's publish gate (minimum/maximum entries, maximum shrink) stopped the run."""


class LockedError(HarvestError):
    """Another harvest holds the dataset root's lock."""


class PublishError(HarvestError):
    """A version could not be written."""


class SourceErrors(HarvestError):
    """Several sources failed in one step of a run (every source's step having ended): the message names each
    source and why in a few words, grouped by reason, in at most ``SUMMARY`` characters, e.g. '5 sources failed,
    and the web archive too (connection refused): a, b (connection refused); c, d, e (DNS: no such host)';
    ``failures`` keeps each source's own error, in registry order."""

    def __init__(self, failures: Sequence[HarvestError]) -> None:
        super().__init__(summary(failures))
        self.failures = list(failures)

    def __reduce__(self) -> tuple[type[SourceErrors], tuple[list[HarvestError]]]:
        return SourceErrors, (self.failures,)  # pickled whole (a Dask worker's), not rebuilt from its message


def summary(failures: Sequence[HarvestError], limit: int = SUMMARY) -> str:
    """The one-line message naming each failed source and why (``SourceErrors``); sources that do not fit in
    ``limit`` characters are counted ('; 12 more'), each being in the run's log."""
    fallbacks = {getattr(f, "fallback", None) for f in failures}
    common = next(iter(fallbacks)) if len(fallbacks) == 1 else None  # the archive failed alike for every one
    named: list[tuple[str, str]] = []  # (why, source id), in order
    for failure in failures:
        own = getattr(failure, "fallback", None)
        why = failure.brief if common or not own else f"{failure.brief}; archive: {own}"
        named.append((why, failure.source_id or "?"))
    head = f"{len(failures)} sources failed" + (f", and the web archive too ({common})" if common else "") + ": "
    for shown in range(len(named), 0, -1):
        groups: dict[str, list[str]] = {}
        for why, sid in named[:shown]:
            groups.setdefault(why, []).append(sid)
        text = head + "; ".join(f"{', '.join(ids)} ({why})" for why, ids in groups.items())
        if shown < len(named):
            text += f"; {len(named) - shown} more"
        if len(text) <= limit:
            return text
    return textwrap.shorten(head + named[0][1], limit, placeholder="...")
