"""E-mail addresses: validated, never repaired."""

from __future__ import annotations

import re

EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$")


def normalize_email(raw: str) -> str | None:
    """A syntactically valid address (surrounding space and 'mailto:' removed, domain lower-cased);
    None for a truncated or malformed one (callers keep it in issues)."""
    text = (raw or "").strip().removeprefix("mailto:").strip("<>").strip()
    if not EMAIL.match(text) or ".." in text:
        return None
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"
