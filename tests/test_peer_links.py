"""An outside check of link extraction: LinkChecker's own fixtures and the URLs it finds in them.

For every fixture page in ../shared/peer-tests/linkchecker-data and every URL its `.result` lists from
a tag gapcheck reads (a, area, img, frame, iframe, link, script, embed), gapcheck's extractor must find
the same absolute URL. Fragment-only anchors (#top) are not link targets for gapcheck.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urldefrag

import pytest

from spiders.extract import extract

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "peer-tests" / "linkchecker-data"
BASE = "http://localhost:8000/tests/checker/data/"
TAGS = "a|area|img|frame|iframe|link|script|embed"
NOT_EXTRACTION = {
    "redir.html": "LinkChecker lists where the link redirects to, which a crawler learns from the server",
    "http_slash.html": "`http:/x` without `//`: LinkChecker's result is itself malformed (http:///x)",
}

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="../shared/peer-tests is not present")


def _blocks(result: Path):
    block: dict[str, str] = {}
    for line in result.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.strip():
            if block:
                yield block
            block = {}
            continue
        key, _, value = line.partition(" ")
        if key == "real":
            key, value = "real", value.removeprefix("url ")
        block.setdefault(key, value)
    if block:
        yield block


def _placeholders(url: str) -> str:
    for placeholder in ("http://localhost:%(port)d/%(datadir)s/", "file://%(curdir)s/%(datadir)s/"):
        url = url.replace(placeholder, BASE)
    return url.replace("http://localhost:%(port)d/", "http://localhost:8000/").replace("%%", "%")


def expected_links(page: Path) -> list[tuple[str, str]]:
    """(href as written, absolute URL LinkChecker resolved it to) for hrefs in tags gapcheck reads."""
    text = page.read_bytes().decode("utf-8", "replace")
    found = []
    for block in list(_blocks(page.with_name(page.name + ".result")))[1:]:  # the first block is the page
        raw, real = block.get("url", ""), block.get("real")
        if not real or raw.startswith("#") or "%(" in _placeholders(real):
            continue
        tag = re.compile(rf"<({TAGS})\b[^>]*?\b(?:href|src)\s*=\s*[\"']?{re.escape(raw)}", re.I | re.S)
        if tag.search(text) or tag.search(html.unescape(text)):
            found.append((raw, unquote(urldefrag(_placeholders(real))[0])))
    return found


PAGES = sorted(p for p in DATA.glob("*.html") if p.with_name(p.name + ".result").exists()) if DATA.is_dir() else []


@pytest.mark.parametrize("page", [p for p in PAGES if expected_links(p)], ids=lambda p: p.name)
def test_gapcheck_finds_the_links_linkchecker_finds(page):
    if page.name in NOT_EXTRACTION:
        pytest.skip(NOT_EXTRACTION[page.name])
    got = {unquote(link.url) for link in extract(page.read_bytes().decode("utf-8", "replace"), BASE + page.name).links}
    missing = [(raw, url) for raw, url in expected_links(page) if url not in got]
    assert not missing
