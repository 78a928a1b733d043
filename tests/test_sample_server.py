"""The sample portal's server, and the integrity of the portal itself (its links, dates and seeded gaps)."""

from __future__ import annotations

import datetime as dt
import http.client
import re
import socket
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from gapcheck.sample import AS_OF, PORTAL_DIR
from gapcheck.sample.server import serve

GAPS_MD = PORTAL_DIR.parent / "GAPS.md"

SEEDED_MISSING = {
    "/images/missing-ad.jpg": "/sy/index.html",
    "/files/2019-report.pdf": "/swdt/202607/t20260717_2434123.html",
    "/xzfy/files/xzfysqs.doc": "/xzfy/index.html",
}
"""In-site targets that are absent on purpose (GAPS.md), with the page that links to each."""

_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)
_JS_REDIRECT = re.compile(r"""location(?:\.href)?\s*=\s*["']([^"']+)["']""")
_LINK_ATTRS = (
    ("a", "href"),
    ("area", "href"),
    ("img", "src"),
    ("script", "src"),
    ("link", "href"),
    ("iframe", "src"),
    ("frame", "src"),
    ("embed", "src"),
)
_NAVIGABLE = {"a", "area", "iframe", "frame", "js"}


# ----------------------------------------------------------------------------- helpers


def request(server, path: str, method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
    """Send ``path`` exactly as given (no client-side normalisation of ``..``)."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def html_files() -> list[Path]:
    return sorted(PORTAL_DIR.rglob("*.html"))


def url_path(file: Path) -> str:
    return "/" + file.relative_to(PORTAL_DIR).as_posix()


def declared_charset(data: bytes) -> str:
    m = _CHARSET.search(data[:2048])
    name = m.group(1).decode().lower() if m else "utf-8"
    return "gbk" if name in ("gb2312", "gbk", "gb18030") else name


def parse(file: Path) -> lxml.html.HtmlElement:
    data = file.read_bytes()
    return lxml.html.document_fromstring(data.decode(declared_charset(data)))


def references(file: Path) -> list[tuple[str, str]]:
    """(kind, absolute in-site path or external URL) for every link target on the page."""
    doc = parse(file)
    base = "http://portal" + url_path(file)
    raw: list[tuple[str, str]] = []
    for tag, attr in _LINK_ATTRS:
        for el in doc.iter(tag):
            value = (el.get(attr) or "").strip()
            if value:
                raw.append((tag, value))
    for script in doc.iter("script"):
        for target in _JS_REDIRECT.findall(script.text or ""):
            raw.append(("js", target))
    out = []
    for kind, value in raw:
        if value.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        absolute = urljoin(base, value)
        parts = urlsplit(absolute)
        out.append((kind, parts.path if parts.netloc == "portal" else absolute.split("#")[0]))
    return out


def target_file(path: str) -> Path | None:
    """The file an in-site path is served from, or None."""
    candidate = PORTAL_DIR / path.lstrip("/")
    if path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def meta(doc: lxml.html.HtmlElement, name: str) -> str | None:
    found = doc.xpath("//meta[@name=$n]/@content", n=name)
    return found[0] if found else None


def page_text(path: str) -> str:
    return parse(PORTAL_DIR / path.lstrip("/")).text_content()


def parse_list_date(text: str, href_path: str) -> dt.date:
    text = text.strip().strip("[]()")
    m = re.fullmatch(r"(\d{4})[-/年](\d{1,2})[-/月](\d{1,2})日?", text)
    if m:
        return dt.date(*map(int, m.groups()))
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", text)
    year = re.search(r"/t(\d{4})\d{4}_\d+\.html$", href_path)
    assert m and year, f"unparseable list date {text!r} for {href_path}"
    return dt.date(int(year.group(1)), int(m.group(1)), int(m.group(2)))


# ----------------------------------------------------------------------------- the server


@pytest.fixture(scope="module")
def server():
    with serve() as s:
        yield s


def test_url_and_port(server):
    assert server.url == f"http://127.0.0.1:{server.port}/"
    assert server.port > 0


def test_home_page_is_served(server):
    status, _headers, body = request(server, "/sy/index.html")
    assert status == 200
    assert "示例市商务局" in body.decode("utf-8")
    status, _, body = request(server, "/")
    assert status == 200
    assert b'window.location.href="sy/index.html"' in body


def test_html_content_type_has_no_charset(server):
    _, headers, _ = request(server, "/sy/index.html")
    assert headers["Content-Type"] == "text/html"


@pytest.mark.parametrize(
    ("path", "ctype"),
    [
        ("/images/logo.png", "image/png"),
        ("/images/banner/zgm.jpg", "image/jpeg"),
        ("/zwgk/bmys/202602/P020260210413687.pdf", "application/pdf"),
        ("/bszn/202606/P020260601469120.doc", "application/msword"),
        ("/bszn/202603/P020260320477039.xls", "application/vnd.ms-excel"),
        ("/css/style.css", "text/css"),
    ],
)
def test_content_type_by_extension(server, path, ctype):
    status, headers, body = request(server, path)
    assert (status, headers["Content-Type"]) == (200, ctype)
    assert body == (PORTAL_DIR / path.lstrip("/")).read_bytes()


def test_missing_file_is_404_with_small_html_body(server):
    status, headers, body = request(server, "/images/missing-ad.jpg")
    assert status == 404
    assert headers["Content-Type"].startswith("text/html")
    assert b"404" in body and len(body) < 1024


def test_head_sends_headers_only(server):
    _, _, get_body = request(server, "/sy/index.html")
    status, headers, body = request(server, "/sy/index.html", "HEAD")
    assert status == 200 and body == b""
    assert int(headers["Content-Length"]) == len(get_body)
    status, _, body = request(server, "/no/such/page.html", "HEAD")
    assert status == 404 and body == b""


def test_directory_url_serves_its_index(server):
    status, _, body = request(server, "/zwgk/")
    assert status == 200
    assert body == (PORTAL_DIR / "zwgk" / "index.html").read_bytes()
    status, headers, _ = request(server, "/zwgk")
    assert status == 301 and headers["Location"] == "/zwgk/"
    assert request(server, "/images/banner/")[0] == 404  # a directory without index.html: no listing


def test_gbk_page_is_sent_as_gbk_bytes(server):
    status, headers, body = request(server, "/zcfg/index.html")
    assert status == 200 and headers["Content-Type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gbk")
    assert "政策法规" in text and "charset=gb2312" in text


@pytest.mark.parametrize(
    "path",
    [
        "/../__init__.py",
        "/../server.py",
        "/sy/../../GAPS.md",
        "/%2e%2e/server.py",
        "/sy/%2E%2E/%2e%2e/__init__.py",
        "/..%2fserver.py",
        "/..\\server.py",
    ],
)
def test_traversal_is_refused(server, path):
    status, _, body = request(server, path)
    assert status in (403, 404)
    assert b"def serve" not in body and b"PORTAL_DIR" not in body and b"Seeded" not in body


def test_close_releases_the_port():
    s = serve()
    with s:
        assert request(s, "/sy/index.html")[0] == 200
    s.close()  # twice is fine
    with pytest.raises(OSError):
        socket.create_connection((s.host, s.port), timeout=2).close()


# ----------------------------------------------------------------------------- the portal


def test_page_count():
    assert 40 <= len(html_files()) <= 80


def test_every_page_decodes_in_its_declared_charset():
    gbk = set()
    for file in html_files():
        data = file.read_bytes()
        charset = declared_charset(data)
        data.decode(charset)  # raises if the declaration lies
        if charset == "gbk":
            gbk.add(url_path(file))
    assert "/zcfg/index.html" in gbk
    assert all(p.startswith("/zcfg/") for p in gbk)


def test_every_in_site_reference_resolves():
    missing: dict[str, set[str]] = {}
    for file in html_files():
        for _, target in references(file):
            if target.startswith("/") and target_file(target) is None:
                missing.setdefault(target, set()).add(url_path(file))
    assert missing == {k: {v} for k, v in SEEDED_MISSING.items()}


def test_seeded_missing_targets_are_absent_and_documented():
    gaps = GAPS_MD.read_text(encoding="utf-8")
    for target, page in SEEDED_MISSING.items():
        assert not (PORTAL_DIR / target.lstrip("/")).exists()
        assert target in gaps and page in gaps


def test_external_links_are_exactly_the_expected_ones():
    external = {(url_path(f), t) for f in html_files() for _, t in references(f) if not t.startswith("/")}
    assert external == {
        ("/zwgk/qlqd/index.html", "http://www.wuhan.gov.cn/zwgk/qlqd/"),
        ("/swdt/202609/t20260926_2434984.html", "http://127.0.0.1:1/closed"),
    }


def test_every_page_is_reachable_from_the_entry_page():
    seen, todo = {"/index.html"}, ["/index.html"]
    while todo:
        file = target_file(todo.pop())
        for kind, target in references(file):
            if kind in _NAVIGABLE and target.startswith("/") and target.endswith((".html", "/")):
                found = target_file(target)
                if found is not None and url_path(found) not in seen:
                    seen.add(url_path(found))
                    todo.append(url_path(found))
    assert seen == {url_path(f) for f in html_files()}


def test_list_dates_match_the_articles():
    checked = 0
    for file in html_files():
        doc = parse(file)
        for li in doc.xpath("//li[a][span[@class='date']]"):
            href = li.xpath("./a/@href")[0]
            target = urlsplit(urljoin("http://portal" + url_path(file), href)).path
            shown = parse_list_date(li.xpath("./span[@class='date']")[0].text_content(), target)
            assert shown <= dt.date.fromisoformat(AS_OF)
            if target.endswith(".html"):
                pub = meta(parse(target_file(target)), "PubDate")
                assert pub and pub[:10] == shown.isoformat(), (url_path(file), href)
                checked += 1
    assert checked > 40


def test_articles_are_dated_consistently():
    for file in html_files():
        m = re.search(r"/(\d{6})/t(\d{8})_\d+\.html$", url_path(file))
        if not m:
            continue
        doc = parse(file)
        pub = meta(doc, "PubDate")
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", pub)
        assert pub[:10].replace("-", "") == m.group(2) and m.group(2)[:6] == m.group(1)
        assert meta(doc, "ArticleTitle") == doc.xpath("string(//h1)").strip()
        assert dt.date.fromisoformat(pub[:10]) <= dt.date.fromisoformat(AS_OF)


def test_site_identity_is_on_every_page():
    for file in html_files():
        if file == PORTAL_DIR / "index.html":
            continue  # the entry page is a bare script redirect
        doc = parse(file)
        assert meta(doc, "SiteName") == "示例市商务局"
        assert meta(doc, "SiteIDCode") == "4201000099"
        footer = doc.xpath("string(//div[@class='footer'])")
        for part in (
            "主办单位：示例市商务局",
            "网站标识码：4201000099",
            "鄂ICP备12345678号",
            "鄂公网安备 42010202000123号",
        ):
            assert part in footer, (file, part)


# ----------------------------------------------------------------------------- the seeded gaps hold


def test_gap_no_procedure_list_anywhere():
    for file in html_files():
        text = file.read_bytes().decode(declared_charset(file.read_bytes()))
        for word in ("程序清单", "权力运行流程", "运行流程图", "权责清单", "讲文明", "树新风", "公益广告"):
            assert word not in text, (file, word)


def test_gap_only_the_power_list_links_to_the_city_portal():
    linking = {url_path(f) for f in html_files() for _, t in references(f) if "wuhan.gov.cn" in t}
    assert linking == {"/zwgk/qlqd/index.html"}
    assert "责任清单" in page_text("/zwgk/zrqd/index.html")


def test_gap_application_page_names_the_office_but_no_procedure():
    text = page_text("/zwgk/ysqgk/index.html")
    assert "受理机构" in text
    assert not [w for w in ("申请程序", "办理程序", "受理程序", "办理流程") if w in text]


def test_gap_special_fund_column_is_blank():
    doc = parse(PORTAL_DIR / "zwgk/zxzj/index.html")
    assert doc.xpath("count(//ul[@class='list']/li)") == 0
    assert "暂无信息" in doc.text_content()


def test_gap_home_banners():
    doc = parse(PORTAL_DIR / "sy/index.html")
    visible = doc.xpath("string(//body)")
    for name in ("社会主义核心价值观", "志愿精神", "中国梦", "武汉精神", "习近平"):
        assert name not in visible  # only in alt/title attributes
    alts = " ".join(doc.xpath("//img/@alt | //img/@title | //a/@title"))
    for name in (
        "学习贯彻习近平总书记系列重要讲话精神",
        "培育和践行社会主义核心价值观",
        "志愿精神",
        "中国梦",
        "武汉精神",
    ):
        assert name in alts
    assert doc.xpath("//img[@src='/images/missing-ad.jpg']")


def test_gap_home_has_eight_items_within_two_weeks():
    doc = parse(PORTAL_DIR / "sy/index.html")
    as_of = dt.date.fromisoformat(AS_OF)
    dates = [parse_list_date(s, "") for s in doc.xpath("//li/span[@class='date']/text()")]
    assert sum(1 for d in dates if (as_of - d).days <= 14) == 8
