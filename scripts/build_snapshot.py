"""Rebuild the bundled snapshot in ``raw/`` from the text captures in ``tests/fixtures/captures/``.

The live pages are gone or unreachable, so the snapshot is reconstructed: each web page
becomes an HTML page whose visible text is the capture's text, line for line and defects
included (missing headings, the broken ``/p>``, misspelt countries), set in page chrome of
the kind the site had (navigation, language switch, footer, cookie notice, the blogs'
comment form). The flyer becomes a real PDF typeset with reportlab, so the pipeline reads
it with a PDF library. Nothing is added to the content that the capture does not say.

Run: ``.venv/bin/python scripts/build_snapshot.py`` (deterministic: same bytes every run).
"""

from __future__ import annotations

import re
import sys
from html import escape as html_escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clusterharvest.store import Provenance, RawStore  # noqa: E402

CAPTURES = ROOT / "tests" / "fixtures" / "captures"
RECONSTRUCTED_AT = "2026-11-23T00:00:00Z"
DIRECTORY_ANCHOR = "Target countries concept phase:"


def esc(text: str) -> str:
    """Escape text for HTML; '>' stays literal (the capture's broken '/p>' was literal text)."""
    return html_escape(text, quote=False).replace("&gt;", ">")


def capture_lines(name: str) -> list[str]:
    """A capture's lines, trailing whitespace removed."""
    return [line.rstrip() for line in (CAPTURES / name).read_text(encoding="utf-8").splitlines()]


# -- the directory ------------------------------------------------------------------------------

def directory_body(lines: list[str]) -> str:
    """Entries as flat WordPress-style markup: h3 heading, bold organisation, target lines joined by
    <br>, one <p> per description line, bullets as <ul>, the contact block as one <p> with <br>.

    Which line is a heading is read off the capture's layout (heading, blank line, organisation,
    anchor); a lost heading stays lost.
    """
    out: list[str] = []
    i = 0
    # Preamble: title, intro, filter tabs (twice: desktop and mobile tab bars).
    out.append(f"<h1>{esc(lines[0])}</h1>")
    out.append(f"<p>{esc(lines[1])}</p>")
    i = 2
    tabs: list[str] = []
    while lines[i].startswith("- "):
        tabs.append(lines[i][2:])
        i += 1
    half = len(tabs) // 2
    for bar, klass in ((tabs[:half], "filter-tabs"), (tabs[half:], "filter-tabs filter-tabs--mobile")):
        items = "".join(f'<li role="tab"><a href="#">{esc(t)}</a></li>' for t in bar)
        out.append(f'<ul class="{klass}" role="tablist">{items}</ul>')
    out.append('<div class="entry-content cluster-list">')
    rest = lines[i:]
    anchors = {n for n, line in enumerate(rest) if line.startswith(DIRECTORY_ANCHOR)}
    role: dict[int, str] = {}
    for a in anchors:
        if a >= 1 and rest[a - 1]:
            role[a - 1] = "org"
            if a >= 3 and rest[a - 2] == "" and rest[a - 3]:
                role[a - 3] = "heading"
    para: list[str] = []

    def flush() -> None:
        if para:
            out.append("<p>" + "<br>\n".join(esc(p) for p in para) + "</p>")
            para.clear()

    n = 0
    while n < len(rest):
        line = rest[n]
        if not line:
            flush()
            n += 1
            continue
        if role.get(n) == "heading":
            flush()
            out.append(f"<h3>{esc(line)}</h3>")
        elif role.get(n) == "org":
            flush()
            out.append(f"<p><strong>{esc(line)}</strong></p>")
        elif line.startswith("- "):
            flush()
            items = []
            while n < len(rest) and rest[n].startswith("- "):
                items.append(f"<li>{esc(rest[n][2:])}</li>")
                n += 1
            out.append("<ul>" + "".join(items) + "</ul>")
            continue
        elif len(line) > 160:  # a description paragraph
            flush()
            out.append(f"<p>{esc(line)}</p>")
        else:  # target lines, contact blocks: short lines of one paragraph
            para.append(line)
        n += 1
    flush()
    out.append("</div>")
    return "\n".join(out)


DIRECTORY_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cluster network | InterSpiN</title>
<link rel="stylesheet" href="/wp-content/themes/interspin/style.css">
<script src="/wp-includes/js/jquery/jquery.min.js"></script>
</head>
<body class="page-template-default page">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header class="site-header" role="banner">
<div class="site-branding"><a href="/en/" rel="home">InterSpiN</a></div>
<nav class="main-navigation" aria-label="Main menu">
<ul class="menu">
<li><a href="/en/">Home</a></li>
<li><a href="/en/project">Project</a></li>
<li class="current-menu-item"><a href="/en/cluster-network" aria-current="page">Cluster network</a></li>
<li><a href="/en/publications">Publications</a></li>
<li><a href="/en/contact">Contact</a></li>
</ul>
</nav>
<nav class="language-switcher" aria-label="Language">
<ul><li lang="de"><a href="/">Deutsch</a></li><li lang="en" class="active"><a href="/en/">English</a></li></ul>
</nav>
</header>
<main id="content" class="site-main">
<article class="page type-page">
{body}
</article>
</main>
<footer class="site-footer" role="contentinfo">
<ul class="footer-menu"><li><a href="/en/imprint">Imprint</a></li><li><a href="/en/privacy">Privacy policy</a></li></ul>
<p>InterSpiN &ndash; accompanying research of the BMBF funding measure</p>
</footer>
<div id="cookie-notice" role="dialog" aria-label="Cookie notice">
<p>This website uses cookies. By continuing to browse the site you agree to our use of cookies.
<button type="button">OK</button> <a href="/en/privacy">More information</a></p>
</div>
<script>document.getElementById("cookie-notice").hidden = !!localStorage.cookieOk;</script>
</body>
</html>
"""


# -- the programme page and the blog posts: generic prose ----------------------------------------

def prose_body(lines: list[str], *, title_tag: str = "h1") -> str:
    """Prose as markup: the first line the title, short lines without a full stop subheadings,
    '•' and numbered items lists, the rest paragraphs."""
    out = [f"<{title_tag}>{esc(lines[0])}</{title_tag}>"]
    n = 1
    while n < len(lines):
        line = lines[n].strip()
        if not line:
            n += 1
            continue
        for marker, tag in ((r"^•\s*", "ul"), (r"^\d+\.\s+", "ol")):
            if re.match(marker, line):
                items = []
                while n < len(lines) and re.match(marker, lines[n].strip()):
                    items.append(f"<li>{esc(re.sub(marker, '', lines[n].strip()))}</li>")
                    n += 1
                out.append(f"<{tag}>" + "".join(items) + f"</{tag}>")
                break
        else:
            is_heading = len(line) < 90 and not line.endswith((".", ":", "”", "\"")) and line[0] not in "“\""
            out.append(f"<h2>{esc(line)}</h2>" if is_heading else f"<p>{esc(line)}</p>")
            n += 1
    return "\n".join(out)


PROGRAMME_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Clusters - Networks - International - BMBF</title>
<link rel="stylesheet" href="/SiteGlobals/Frontend/css/main.css">
</head>
<body>
<header role="banner">
<a href="/en/index.html" class="logo">Federal Ministry of Education and Research</a>
<nav aria-label="Language"><a href="/de/index.html" lang="de">Deutsch</a> <a href="/en/index.html" lang="en">English</a></nav>
<nav aria-label="Main navigation">
<ul><li><a href="/en/research.html">Research</a></li><li><a href="/en/education.html">Education</a></li>
<li><a href="/en/international.html">International</a></li><li><a href="/en/ministry.html">Ministry</a></li></ul>
</nav>
<nav aria-label="Breadcrumb"><ol><li><a href="/en/index.html">Home</a></li><li>Research</li></ol></nav>
</header>
<main>
{figure}
{body}
</main>
<footer role="contentinfo">
<ul><li><a href="/en/imprint.html">Imprint</a></li><li><a href="/en/data-protection.html">Data protection</a></li>
<li><a href="/en/accessibility.html">Accessibility</a></li><li><a href="/en/contact.html">Contact</a></li></ul>
<p>&copy; Federal Ministry of Education and Research</p>
</footer>
<div class="cookie-banner" role="dialog" aria-label="Privacy settings">
<p>We use cookies to make our website as user-friendly as possible. <button>Accept all</button> <button>Only necessary cookies</button></p>
</div>
</body>
</html>
"""


def programme_page(lines: list[str]) -> str:
    """The BMBF page, in the capture's order: the title, the lead paragraph, then the photo (its German
    alt text and its credit line, both visible in the capture, as the figure's caption), then the body."""
    text = [line for line in lines if line.strip()]
    title, lead, alt, caption = text[:4]
    head = (f"<h1>{esc(title)}</h1>\n<p class=\"lead\">{esc(lead)}</p>\n"
            f'<figure><img src="/SharedDocs/Bilder/cluster-international.jpg" alt="{esc(alt)}">'
            f"<figcaption>{esc(alt)}<br>{esc(caption)}</figcaption></figure>")
    body = prose_body(text[4:], title_tag="h2")
    return PROGRAMME_PAGE.replace("{figure}", head).replace("{body}", body)


BLOG_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>{title} | Germany Land of Innovation</title>
<link rel="stylesheet" href="https://s0.wp.com/wp-content/themes/pub/twentyfourteen/style.css">
</head>
<body class="single single-post">
<header id="masthead" class="site-header" role="banner">
<h1 class="site-title"><a href="/" rel="home">Germany Land of Innovation</a></h1>
<nav id="primary-navigation" class="site-navigation" role="navigation">
<ul><li><a href="/">Home</a></li><li><a href="/about/">About</a></li></ul>
</nav>
</header>
<main id="main" class="site-main">
<article class="post type-post status-publish">
<div class="entry-content">
{body}
</div>
</article>
<div id="respond" class="comment-respond">
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
{comments}
<p><input type="text" name="author" placeholder="Name"> <input type="submit" value="Post Comment"></p>
</form>
</div>
</main>
<footer id="colophon" class="site-footer" role="contentinfo">
<p><a href="https://wordpress.com/?ref=footer_blog">Blog at WordPress.com.</a></p>
</footer>
<div id="eu-cookie-law" class="widget_eu_cookie_law_widget" role="dialog">
<p>Privacy &amp; Cookies: This site uses cookies. By continuing to use this website, you agree to their use.
<input type="submit" value="Close and accept"></p>
</div>
</body>
</html>
"""


def blog_page(lines: list[str]) -> str:
    """A WordPress post: the capture's text down to 'Leave a Reply' is the post, the rest its comment form."""
    cut = next(n for n, line in enumerate(lines) if line.strip() == "Leave a Reply")
    post, form = lines[:cut], [line for line in lines[cut:] if line.strip()]
    body = prose_body(post)
    comments = f"<h3 id=\"reply-title\">{esc(form[0])}</h3>\n" + "\n".join(f"<p>{esc(x)}</p>" for x in form[1:])
    return BLOG_PAGE.replace("{title}", esc(post[0])).replace("{body}", body).replace("{comments}", comments)


# -- the flyer ----------------------------------------------------------------------------------

def join_bold(markdown: str) -> str:
    """Lines that a bold span runs across ('**Internationalisation of ...,  ' / '... Networks**') joined
    into one, the Markdown line break kept as <br/>, so the span is typeset bold and no '**' shows."""
    out: list[str] = []
    open_bold = False
    for line in markdown.splitlines():
        if open_bold and out:
            out[-1] = out[-1].rstrip() + "<br/>" + line.strip()
        else:
            out.append(line)
        open_bold ^= line.count("**") % 2 == 1
    return "\n".join(out)


def flyer_pdf(markdown: str) -> bytes:
    """Typeset the flyer's Markdown capture as a PDF (deterministic: reportlab's invariant mode)."""
    import io

    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import ListFlowable, ListItem, Paragraph, SimpleDocTemplate, Spacer

    rl_config.invariant = 1
    styles = getSampleStyleSheet()

    def inline(text: str) -> str:
        text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)  # [text](url) -> text
        text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
        text = html_escape(text, quote=False).replace("&lt;br/&gt;", "<br/>")
        return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)

    story: list = []
    bullets: list = []

    def flush_bullets() -> None:
        if bullets:
            story.append(ListFlowable(list(bullets), bulletType="bullet", leftIndent=14))
            bullets.clear()

    for raw in join_bold(markdown).splitlines():
        line = raw.rstrip()
        if not line.strip():
            flush_bullets()
            continue
        stripped = line.lstrip()
        indent = len(line) - len(stripped)
        if stripped.startswith("- "):
            para = Paragraph(inline(stripped[2:]), styles["BodyText"])
            bullets.append(ListItem(para, leftIndent=14 + indent * 4))
            continue
        flush_bullets()
        heading = re.match(r"^(#+)\s*(.*)$", stripped)
        if heading:
            style = {1: "Title", 2: "Heading2", 3: "Heading3"}.get(len(heading.group(1)), "Heading4")
            story.append(Paragraph(inline(heading.group(2)), styles[style]))
        else:
            story.append(Paragraph(inline(stripped), styles["BodyText"]))
        story.append(Spacer(1, 2))
    flush_bullets()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title="Enhancing Global Cooperation",
                            author="Federal Ministry of Education and Research (BMBF)",
                            subject="Internationalisation of German Leading-Edge Clusters, Forward-Looking "
                                    "Projects and Comparable Networks")
    doc.build(story)
    return buf.getvalue()


# -- main ---------------------------------------------------------------------------------------

SNAPSHOTS = [
    # (source id, url, capture, builder, content type)
    ("bmbf-programme-page-en",
     "https://www.bmbf.de/en/internationalisation-of-leading-edge-clusters-forward-looking-projects-and-"
     "comparable-1416.html", "000_62a2f6934af5ef80.txt", "programme", "text/html; charset=utf-8"),
    ("announcement-round-2-2016",
     "https://germanylandofinnovation.com/2016/07/08/networks-as-an-ambassador-for-innovation-in-germany/",
     "002_3948f75052245f12.txt", "blog", "text/html; charset=UTF-8"),
    ("announcement-round-3-2017",
     "https://germanylandofinnovation.wordpress.com/2017/06/29/ten-german-clusters-and-networks-are-"
     "preparing-for-international-research-cooperation-with-funding-from-the-bmbf/",
     "003_4b6e1bbd750e072b.txt", "blog", "text/html; charset=UTF-8"),
    ("interspin-directory-en", "https://interspin.de/en/cluster-network", "004_f274a48bf349ce0a.txt",
     "directory", "text/html; charset=UTF-8"),
]
FLYER = ("bmbf-flyer-2016", "raw/bmbf-flyer-2016/enhancing-global-cooperation-2016-10.pdf",
         "001_4ccb94be08351f73.txt")


def main() -> None:
    """Write every snapshot and its sidecar; remove snapshots of older reconstructions."""
    store = RawStore(ROOT / "raw")
    for source_id, url, capture, builder, ctype in SNAPSHOTS:
        lines = capture_lines(capture)
        if builder == "directory":
            html = DIRECTORY_PAGE.replace("{body}", directory_body(lines))
        elif builder == "programme":
            html = programme_page(lines)
        else:
            html = blog_page(lines)
        for old in (ROOT / "raw" / source_id).glob("*"):
            old.unlink()
        snap = store.save(source_id, url, html.encode("utf-8"), content_type=ctype, method="reconstructed",
                          obtained_at=RECONSTRUCTED_AT,
                          provenance=Provenance(reconstructed_from=f"tests/fixtures/captures/{capture}",
                                                note="HTML reconstructed from a text capture; page chrome is "
                                                     "illustrative"))
        print(f"{source_id}: {Path(snap.file).relative_to(ROOT)}")
    source_id, rel, capture = FLYER
    pdf = flyer_pdf((CAPTURES / capture).read_text(encoding="utf-8"))
    path = ROOT / rel
    for old in path.parent.glob("*"):
        old.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    from clusterharvest.store import Snapshot, sha256_hex

    snap = Snapshot(source_id=source_id, url=rel, file=str(path), sha256=sha256_hex(pdf), bytes=len(pdf),
                    content_type="application/pdf", obtained_at=RECONSTRUCTED_AT, method="reconstructed",
                    provenance=Provenance(reconstructed_from=f"tests/fixtures/captures/{capture}",
                                          note="PDF typeset from the flyer's Markdown capture; original PDF "
                                               "address unknown"))
    store.write_sidecar(snap)
    print(f"{source_id}: {rel}")


if __name__ == "__main__":
    main()
