"""Typeset the flyer's capture a second way: HTML printed to PDF by headless Chromium.

The bundled flyer (``raw/bmbf-flyer-2016/``) is set by reportlab: ragged lines, one column, no ligatures, no
broken words. The programme facts may not depend on that, so this sets the same text the way a designer's tool
would: justified narrow lines with words broken at line ends, two columns, a serif font with its ligatures, and
the contact block in a column of its own beside the text. Words get ``&shy;`` at rough syllable points, since
``hyphens: auto`` needs a hyphenation dictionary this Chromium does not have. Nothing is added to the capture's
content.

Run: ``.venv/bin/python scripts/typeset_flyer_chromium.py [OUT_DIR]`` (default
``tests/fixtures/synthetic``): writes ``flyer_chromium.html`` and ``flyer_chromium.pdf``. Needs ``chromium``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
CAPTURE = ROOT / "tests" / "fixtures" / "captures" / "001_4ccb94be08351f73.txt"
CONTACT_HEADING = "### **Contact for General Information about the Funding Measure**"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-pdf-header-footer"]

STYLE = """
@page { size: A4 landscape; margin: 12mm; }
html { font-family: "DejaVu Serif", serif; font-size: 9pt; line-height: 1.3;
       font-variant-ligatures: common-ligatures; font-feature-settings: "liga" 1; }
body { margin: 0; display: flex; flex-direction: row-reverse; gap: 8mm; }
main { flex: 2; columns: 2; column-gap: 7mm; text-align: justify; hyphens: manual; }
aside { flex: 1.2; font-size: 8pt; } aside h3 { font-size: 8.5pt; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 3mm 0 1mm; }
h3 { font-size: 10pt; margin: 3mm 0 1mm; } p, ul { margin: 0 0 1.5mm; } ul { padding-left: 4mm; }
"""
VOWELS = set("aeiouyäöü")
DIGRAPHS = {"ch", "ck", "gh", "ph", "sh", "th", "wh", "qu"}


def soft_hyphens(word: str) -> str:
    """``word`` with ``&shy;`` at its vowel-consonant-vowel and vowel-consonant-consonant-vowel points, at least
    three letters from either end: a rough syllabification, enough to break words at line ends."""
    if len(word) < 7 or not word.isalpha():
        return word
    low = word.lower()
    cuts = []
    for i in range(3, len(word) - 2):
        before, here, after = low[i - 1], low[i], low[i + 1]
        if here in VOWELS or after not in VOWELS or low[i - 1:i + 1] in DIGRAPHS or low[i:i + 2] in DIGRAPHS:
            continue
        if before in VOWELS or low[i - 2] in VOWELS:  # vowel-consonant-vowel, or two consonants between vowels
            cuts.append(i)
    pieces, last = [], 0
    for i in cuts:
        if i - last >= 2:
            pieces.append(word[last:i])
            last = i
    return "&shy;".join([*pieces, word[last:]])


def hyphenated(html: str) -> str:
    """Soft hyphens in the words of the text between tags (not in addresses, URLs or numbers)."""
    def words(text: str) -> str:
        return re.sub(r"(?<![\w.@/-])[^\W\d_]+(?![\w.@/]*[.@/]\w)", lambda m: soft_hyphens(m.group()), text)

    return re.sub(r">([^<]+)<", lambda m: ">" + words(m.group(1)) + "<", html)


def flyer_html(markdown: str) -> str:
    """The capture as one HTML page: the contact section in an aside, the rest in two columns."""
    head, _, rest = markdown.partition(CONTACT_HEADING)
    contact, _, tail = rest.partition("### **Published by**")
    md = MarkdownIt("commonmark")
    main = hyphenated(md.render(head + "### **Published by**" + tail))
    aside = md.render(CONTACT_HEADING + contact)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>Enhancing Global Cooperation</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<main>\n{main}</main>\n<aside>\n{aside}</aside>\n</body>\n</html>\n")


def print_pdf(html_file: Path, pdf_file: Path, chromium: str = "chromium") -> None:
    """Print ``html_file`` to ``pdf_file`` with headless Chromium in a fresh profile."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf_file}",
                        html_file.as_uri()], capture_output=True, timeout=120, check=True)


def main() -> None:
    """Write the HTML and the PDF into the output directory."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "fixtures" / "synthetic"
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("chromium is not installed")
    html_file = out / "flyer_chromium.html"
    html_file.write_text(flyer_html(CAPTURE.read_text(encoding="utf-8")), encoding="utf-8")
    print_pdf(html_file.resolve(), (out / "flyer_chromium.pdf").resolve(), chromium)
    print(f"{html_file} -> {out / 'flyer_chromium.pdf'}")


if __name__ == "__main__":
    main()
