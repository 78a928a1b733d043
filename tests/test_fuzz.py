"""Property tests: extraction, decoding and date reading never fail and stay bounded on any input.

Bounded in examples so that CI time stays predictable (a few seconds each).
"""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.dates import date_from_url, find_dates
from core.model import TEXT_LIMIT
from spiders.encoding import decode_html
from spiders.extract import extract

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TAGS = [
    "a",
    "li",
    "ul",
    "div",
    "span",
    "table",
    "tr",
    "td",
    "script",
    "style",
    "meta",
    "base",
    "form",
    "input",
    "img",
    "iframe",
    "h2",
    "p",
    "html",
    "body",
    "head",
    "title",
    "!--",
    "![CDATA[",
]
ATTRS = [
    'href="',
    "href='",
    'src="',
    'class="nav"',
    'class="position"',
    'name="PubDate" content="',
    "sitecode='",
    'http-equiv="refresh" content="0;url=',
    'title="',
    "",
]
WORDS = [
    "2026-11-27",
    "11-27",
    "2026年11月27日",
    "[2026/11/27]",
    "发布日期：",
    "当前位置：首页 > ",
    "更多>>",
    "location.href='x.html';",
    "%3Cscript src='http://dcs.conac.cn/js/1.js'%3E",
    "javascript:alert(1)",
    "http://[::1",
    "//evil",
    "../../..",
    "#frag",
    "政务公开",
    "\x00",
    "\ufffd",
    "２０２６－１１－２７",
]

html_soup = st.lists(
    st.one_of(
        st.builds(lambda t, a: f"<{t} {a}>", st.sampled_from(TAGS), st.sampled_from(ATTRS)),
        st.builds(lambda t: f"</{t}>", st.sampled_from(TAGS)),
        st.sampled_from(WORDS),
        st.text(max_size=30),
    ),
    max_size=80,
).map("".join)


@FUZZ
@given(html_soup)
def test_extraction_never_fails_and_stays_bounded(html):
    page = extract(html, "http://www.example.gov.cn/a/b.html")
    assert len(page.text) <= TEXT_LIMIT
    assert all(isinstance(link.url, str) for link in page.links)
    for link in page.links:
        assert link.date is None or re.fullmatch(r"(\d{4}|-)-\d\d-\d\d", link.date)


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from([None, "utf-8", "gbk", "gb2312", "big5", "latin-1", "bogus", ""]))
def test_decoding_any_bytes_with_any_declared_charset(body, declared):
    text, encoding = decode_html(body, declared)
    assert isinstance(text, str) and encoding


@FUZZ
@given(st.text(max_size=200), st.booleans())
def test_dates_read_from_any_text_are_real_dates(text, month_day):
    for mention in find_dates(text, month_day=month_day):
        if mention.has_year:
            dt.date.fromisoformat(mention.value)
        else:
            assert month_day and re.fullmatch(r"--\d\d-\d\d", mention.value)


@FUZZ
@given(st.text(alphabet="0123456789/-_.tarhml", max_size=60))
def test_dates_read_from_any_url_path_are_real_dates(path):
    value = date_from_url(f"http://www.example.gov.cn/{path}")
    assert value is None or dt.date.fromisoformat(value)
