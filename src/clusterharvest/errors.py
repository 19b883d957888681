"""The project's own errors: each carries the source it concerns and prints as one line."""

from __future__ import annotations


class HarvestError(Exception):
    """Base class: a failure the command reports as one line and a non-zero exit."""

    def __init__(self, message: str, source_id: str | None = None) -> None:
        super().__init__(message)
        self.source_id = source_id
        self.message = message

    def __str__(self) -> str:
        return f"source {self.source_id}: {self.message}" if self.source_id else self.message


class ConfigError(HarvestError):
    """The registry or a command-line option is wrong."""


class FetchError(HarvestError):
    """A source could not be fetched.

    ``transient`` marks failures that a later try may fix (timeouts, 5xx), which the
    flow may retry; refused hosts, robots.txt and size caps are final.
    """

    def __init__(self, message: str, source_id: str | None = None, *, transient: bool = False,
                 status: int | None = None, unreachable: bool = False) -> None:
        super().__init__(message, source_id)
        self.transient = transient
        self.status = status
        self.unreachable = unreachable  # no connection at all (refused, DNS): the server may be gone

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
