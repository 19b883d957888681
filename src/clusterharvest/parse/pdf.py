"""PDF text with pypdf, in a child process with a time and memory limit.

A hostile PDF (a circular xref, a stream that inflates to gigabytes, plain garbage) must cost a
bounded amount of time and memory and end in a ``ParseError``, never hang or take the harvest down.
So the parent checks the magic bytes, then runs ``python -m clusterharvest.parse.pdf`` with the
bytes on stdin, an address-space and CPU limit, and a wall-clock timeout; the child prints the
pages' text as JSON. The parent puts that text into the canonical form every parser sees (ligatures spelled
out, invisible characters removed; ``canonical.canonical_text``).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from typing import Any

from ..errors import ParseError
from .canonical import canonical_text
from .text import looks_like_html

TIMEOUT = 30.0
MAX_MEMORY = 2 * 1024**3  # address space of the child, bytes
MAX_TEXT = 20_000_000  # characters of extracted text
# A soft hyphen ending a line is the hyphen a word processor drew at a word break (WinAnsiEncoding's 0xAD reads as
# U+00AD): kept as the hyphen it shows, since the canonical text step removes soft hyphens.
SOFT_HYPHEN_BREAK = re.compile("\u00ad(?=[ \t]*\r?\n)")


def _limit(max_memory: int, cpu_seconds: int) -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def pdf_pages(data: bytes, *, timeout: float = TIMEOUT, max_memory: int = MAX_MEMORY) -> list[str]:
    """The text of each page; ``ParseError`` for anything that is not a readable PDF within the limits."""
    head = data[:1024].lstrip()
    if not head.startswith(b"%PDF-"):
        kind = "HTML" if looks_like_html(head) else "something else"
        raise ParseError(f"not a PDF (no %PDF- header; looks like {kind})")
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "clusterharvest.parse.pdf"], input=data, capture_output=True, timeout=timeout,
            preexec_fn=lambda: _limit(max_memory, int(timeout) + 1), check=False)
    except subprocess.TimeoutExpired:
        raise ParseError(f"PDF text extraction took longer than {timeout:g} s") from None
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        if proc.returncode < 0 or not reason:
            raise ParseError(f"PDF text extraction was stopped (exit {proc.returncode}: time or memory limit)")
        raise ParseError(f"unreadable PDF: {reason[-1][:200]}")
    pages = json.loads(proc.stdout)
    if not isinstance(pages, list) or not all(isinstance(p, str) for p in pages):
        raise ParseError("PDF text extraction returned no pages")
    return [canonical_text(SOFT_HYPHEN_BREAK.sub("-", page)) for page in pages]


def _drop_invisible_spans(page: Any, reader: Any) -> None:  # pragma: no cover - runs in the child
    """Drop the glyphs of marked-content spans whose /ActualText is only invisible characters (PDF 32000-1:2008,
    14.9.4), from the page's content as pypdf reads it.

    Chromium draws each soft hyphen it does not break at as a zero-width space glyph in a span with /ActualText
    U+00AD; pypdf reads the glyph, not the /ActualText, so every such word would be split by a space. Only spans
    with the /ActualText inline (as Chromium writes it) are seen; their text-showing operators Tj and TJ go.
    """
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    contents = page.get_contents()
    if contents is None or b"/ActualText" not in contents.get_data():
        return
    stream = ContentStream(contents, reader, "bytes")  # strings as bytes: glyph codes, as extract_text reads them
    kept, hidden = [], [False]  # hidden: per open marked-content sequence, whether its text is invisible
    for operands, operator in stream.operations:
        if operator in (b"BMC", b"BDC"):
            props = operands[1] if operator == b"BDC" and len(operands) > 1 else None
            actual = props.get("/ActualText") if isinstance(props, DictionaryObject) else None
            hidden.append(hidden[-1] or (actual is not None and canonical_text(str(actual)) == ""))
        elif operator == b"EMC" and len(hidden) > 1:
            hidden.pop()
        elif operator in (b"Tj", b"TJ") and hidden[-1]:
            continue
        kept.append((operands, operator))
    stream.operations = kept
    page[NameObject("/Contents")] = stream


def _main() -> int:  # pragma: no cover - exercised through pdf_pages in a child process
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(sys.stdin.buffer.read()), strict=False)
        pages, total = [], 0
        for page in reader.pages:
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()  # decoded here, so a decompression limit raises instead of being logged
            _drop_invisible_spans(page, reader)
            text = page.extract_text() or ""
            total += len(text)
            if total > MAX_TEXT:
                raise ValueError(f"more than {MAX_TEXT} characters of text")
            pages.append(text)
    except MemoryError:
        print("PDF needs more memory than allowed", file=sys.stderr)
        return 3
    except Exception as exc:  # noqa: BLE001 - any failure of a hostile file is a parse error
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if not pages:
        print("PDF has no pages", file=sys.stderr)
        return 2
    sys.stdout.write(json.dumps(pages))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main())
