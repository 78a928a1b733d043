from __future__ import annotations

import codecs
import re
from pathlib import Path

import lxml.html
import pytest

from core.dates import find_dates, parse_meta_date
from core.model import DateSource
from spiders.encoding import decode_html

TEXT = "<p>政府信息公开：关于做好2026年元旦假期工作的通知</p>"
CJK = re.compile(r"[\u4e00-\u9fff]")
BIG5 = "big5hkscs"
"""What a big5 label is read as, as browsers do (WHATWG): Big5 with the Hong Kong additions, a superset."""


def page(body: str, *, meta: str | None = None, title: str = "邯郸市人民政府") -> str:
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">' if meta else ""
    return f"<html><head>{head}<title>{title}</title></head><body>{body}</body></html>"


def test_gbk_body_under_a_utf8_header() -> None:
    html = page(TEXT, meta="utf-8")
    assert decode_html(html.encode("gbk"), "utf-8") == (html, "gb18030")


def test_utf8_body_under_a_gb2312_meta() -> None:
    html = page(TEXT, meta="gb2312")
    assert decode_html(html.encode("utf-8")) == (html, "utf-8")
    assert decode_html(html.encode("utf-8"), "gb2312") == (html, "utf-8")


@pytest.mark.parametrize("declared", [None, "gbk", "GBK", "gb2312", "x-gbk", "cp936", "GB18030", "utf-8", "foo"])
def test_gbk_body_whatever_is_declared(declared: str | None) -> None:
    html = page(TEXT)
    assert decode_html(html.encode("gbk"), declared) == (html, "gb18030")


@pytest.mark.parametrize("declared", ["ISO-8859-1", "us-ascii", "windows-1252", "UTF-16"])
def test_uninformative_header_falls_back_to_the_meta(declared: str) -> None:
    # Java servlet containers send ISO-8859-1 when the page sets nothing.
    big5 = page("<p>政府網站資訊公開</p>", meta="big5", title="政府")
    assert decode_html(big5.encode("big5"), declared) == (big5, BIG5)
    gbk = page(TEXT, meta="gbk")
    assert decode_html(gbk.encode("gbk"), declared) == (gbk, "gb18030")


def test_header_proven_wrong_gives_way_to_the_meta() -> None:
    html = page("<p>政府網站資訊公開</p>", meta="big5", title="政府")
    assert decode_html(html.encode("big5"), "utf-8") == (html, BIG5)


@pytest.mark.parametrize("declared", ["base64", "rot13", "zlib", "utf-32", "cp500"])
def test_declared_non_text_codec(declared: str) -> None:
    html = page(TEXT)
    assert decode_html(html.encode("gbk"), declared) == (html, "gb18030")


def test_gb18030_characters_outside_gbk() -> None:
    html = page("<p>䶮€𠀀</p>", meta="gb2312")
    assert decode_html(html.encode("gb18030")) == (html, "gb18030")


@pytest.mark.parametrize(
    ("codec", "words", "read_as"), [("big5", "政府網站資訊公開", BIG5), ("shift_jis", "お知らせ", "cp932")]
)
def test_other_declared_codecs(codec: str, words: str, read_as: str) -> None:
    html = page(f"<p>{words}</p>", title="政府")
    assert decode_html(html.encode(codec), codec) == (html, read_as)
    sniffed = page(f"<p>{words}</p>", meta=codec, title="政府")
    assert decode_html(sniffed.encode(codec)) == (sniffed, read_as)


def test_html5_meta_charset_and_xml_declaration_are_sniffed() -> None:
    html5 = '<!doctype html><meta charset="big5"><p>政府網站資訊公開</p>'
    assert decode_html(html5.encode("big5")) == (html5, BIG5)
    xhtml = "<?xml version='1.0' encoding='big5'?><html><p>政府網站資訊公開</p></html>"
    assert decode_html(xhtml.encode("big5")) == (xhtml, BIG5)


def test_meta_is_only_sniffed_near_the_start() -> None:
    html = "<!--" + " " * 5000 + '--><meta charset="big5"><p>政府網站資訊公開</p>'
    assert decode_html(html.encode("big5"))[1] == "gb18030"


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (b"\xef\xbb\xbf", "utf-8", "utf-8"),
        (b"\xff\xfe", "utf-16-le", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be", "utf-16-be"),
    ],
)
def test_byte_order_mark_wins(bom: bytes, codec: str, name: str) -> None:
    html = page(TEXT, meta="gbk")
    assert decode_html(bom + html.encode(codec), "gbk") == (html, name)


def test_utf8_cut_off_mid_character() -> None:
    whole = page(TEXT * 20).encode("utf-8")
    cut = whole.rindex("通".encode())
    assert decode_html(whole[: cut + 2], "utf-8") == (whole[:cut].decode() + "\ufffd", "utf-8")


def test_utf8_with_a_gbk_include_near_the_top() -> None:
    # A footer or counter include saved in GBK inside a UTF-8 template.
    body = "<p>访问量</p>".encode("gbk") + page(TEXT * 30).encode("utf-8")
    text, encoding = decode_html(body)
    assert encoding == "utf-8"
    assert text.endswith(page(TEXT * 30))


def test_gbk_with_a_stray_byte() -> None:
    body = page(TEXT * 30).encode("gbk") + b"\xff"
    text, encoding = decode_html(body)
    assert encoding == "gb18030"
    assert text.startswith(page(TEXT * 30))


def test_ascii_and_empty() -> None:
    assert decode_html(b"<html>hello</html>", "gbk") == ("<html>hello</html>", "utf-8")
    assert decode_html(b"") == ("", "utf-8")


REALPAGES = Path(__file__).resolve().parents[1].parent / "shared" / "realpages"
PAGES = sorted(REALPAGES.glob("*.html")) if REALPAGES.is_dir() else []
GBK_PAGES = {
    "silverfoxy__JSCryptoMinerStudy_bjrbj.gov.cn.html",
    "silverfoxy__JSCryptoMinerStudy_bjgjj.gov.cn.html",
    "silverfoxy__JSCryptoMinerStudy_12333sh.gov.cn.html",
}
# The publication date a reader sees on each article page, checked by hand, and how it is shown.
ARTICLE_DATES = {
    # 发布日期: 2012-06-24 above the body, which repeats it as 2012年6月24日
    "GeneralNewsExtractor__tests_cmse_1.html": ("2012-06-24", DateSource.LABEL),
    # 发布日期：2016-11-22; meta PubDate 2016-11-22 09:53
    "GeneralNewsExtractor__tests_gzggw_1.html": ("2016-11-22", DateSource.LABEL),
    # 国务院公报 2007年第23号 shows no publication date, only the adoption date of the decision
    # (2007年6月29日…通过); the 2007-08-20 publication date is in a meta tag only.
    "GeneralNewsExtractor__tests_other_1.html": ("2007-06-29", DateSource.TEXT),
    # 时间：2019-09-18 06:23; meta PubDate the same
    "GeneralNewsExtractor__tests_shanxi_1.html": ("2019-09-18", DateSource.LABEL),
    # 发布日期: 2021-01-05
    "GeneralNewsExtractor__visiable_test_cmse_1.html": ("2021-01-05", DateSource.LABEL),
    # 发布日期 ：2020年08月02日; meta PubDate the same. An IDE file header left in the page before
    # it says "Date: 2020/8/10", which is why the labelled date has to win.
    "kevin3691__renmin_affairs_details.jsp.html": ("2020-08-02", DateSource.LABEL),
    # 来源：新华社 作者： 2023-12-01 14:43, no label of its own
    "opendatalab__magic-html_kepu_4e55eac4.html": ("2023-12-01", DateSource.TEXT),
}


def read(path: Path | None) -> tuple[str, str]:
    if path is None:
        pytest.skip(f"{REALPAGES} is absent")
    return decode_html(path.read_bytes())


def visible_text(html: str) -> str:
    # Not //body: on gov.cn a stray </html> mid-page leaves the article outside lxml's body.
    doc = lxml.html.document_fromstring(html)
    hidden = "ancestor::script or ancestor::style or ancestor::noscript or ancestor::head"
    nodes = doc.xpath(f"//text()[not({hidden})]")
    return " ".join(nodes)


@pytest.mark.parametrize("path", PAGES or [None], ids=lambda p: p.name if p else "absent")
def test_real_page_decodes(path: Path | None) -> None:
    text, encoding = read(path)
    assert encoding == ("gb18030" if path.name in GBK_PAGES else "utf-8")
    assert "\ufffd" not in text
    assert CJK.search(text)


@pytest.mark.parametrize("path", PAGES or [None], ids=lambda p: p.name if p else "absent")
def test_real_page_decodes_the_same_under_a_lying_header(path: Path | None) -> None:
    text, encoding = read(path)
    liar = "utf-8" if encoding == "gb18030" else "gbk"
    assert decode_html(path.read_bytes(), liar) == (text, encoding)


def test_every_article_page_is_listed() -> None:
    names = {p.name for p in PAGES}
    articles = {n for n in names if n.startswith(("GeneralNewsExtractor__", "opendatalab__"))}
    articles |= {n for n in names if n == "kevin3691__renmin_affairs_details.jsp.html"}
    assert articles == set(ARTICLE_DATES) or not PAGES


@pytest.mark.parametrize("name", sorted(ARTICLE_DATES))
def test_real_article_date(name: str) -> None:
    text, _ = read(REALPAGES / name if (REALPAGES / name).is_file() else None)
    value, source = ARTICLE_DATES[name]
    dates = [d for d in find_dates(visible_text(text), limit=50) if d.has_year]
    assert dates, "no full date in the visible text"
    first = next(d for d in dates if d.source is source)
    assert first.value == value
    for content in lxml.html.document_fromstring(text).xpath('//meta[@name="PubDate"]/@content'):
        assert parse_meta_date(content) == value


def test_a_utf32_byte_order_mark_is_read_as_utf32() -> None:
    html = page(TEXT, meta="gbk")
    assert decode_html(codecs.BOM_UTF32_LE + html.encode("utf-32-le"), "gbk") == (html, "utf-32-le")


def test_a_charset_in_a_comment_is_no_declaration() -> None:
    # A commented-out template line: browsers skip it, and so does the sniffing.
    html = '<!-- <meta charset="big5"> --><meta charset="gbk"><p>' + TEXT + "</p>"
    assert decode_html(html.encode("gbk")) == (html, "gb18030")
