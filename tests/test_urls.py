"""core.urls: what gapcheck takes a URL to mean, from what a user typed to a finding's fingerprint."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import urls

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

hosts = st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){1,2}", fullmatch=True) | st.sampled_from(
    ["127.0.0.1", "[::1]", "WWW.Example.GOV.cn", "例子.中国"]
)
paths = st.lists(st.text("abc/我.%-_;=", max_size=8), max_size=4).map(lambda p: "/" + "/".join(p))
queries = st.lists(st.tuples(st.text("abcsidPHPSESS", min_size=1, max_size=6), st.text("0123xyz%+ ", max_size=4))).map(
    lambda kv: "&".join(f"{k}={v}" for k, v in kv)
)
schemes = st.sampled_from(["http", "https", "HTTP"])
ports = st.none() | st.integers(1, 65535)


@st.composite
def web_urls(draw: st.DrawFn) -> str:
    port = draw(ports)
    query = draw(queries)
    return f"{draw(schemes)}://{draw(hosts)}{'' if port is None else f':{port}'}{draw(paths)}{f'?{query}' if query else ''}"


# -- what a user typed ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("www.example.gov.cn", "http://www.example.gov.cn/"),
        ("  www.example.gov.cn:8080\n", "http://www.example.gov.cn:8080/"),
        ("https://x.gov.cn/zwgk/", "https://x.gov.cn/zwgk/"),
        ("HTTP://X.gov.cn", "HTTP://X.gov.cn/"),
        ("127.0.0.1:8000/index.html", "http://127.0.0.1:8000/index.html"),
        # A scheme is one at the start: an address further on (a return address) does not make one.
        ("x.gov.cn/login?from=http://y.gov.cn/", "http://x.gov.cn/login?from=http://y.gov.cn/"),
    ],
)
def test_a_typed_address_gets_a_scheme_and_a_path(typed, url):
    assert urls.web_address(typed) == url


@pytest.mark.parametrize(
    "typed",
    [
        "http://127.0.0.1:99999/",
        "http://[::1",
        "//[::1",
        "http://127.0.0.1:port/",
        "ftp://127.0.0.1/",
        "http://127.0.0.1/ 首页",
        "",
        "http://",
    ],
)
def test_an_address_that_no_browser_opens_is_refused_with_the_fix(typed):
    with pytest.raises(urls.NotAWebAddress) as refused:
        urls.web_address(typed)
    assert "不是网址" in refused.value.problem and urls.EXAMPLE_URL in refused.value.fix


def test_a_password_in_a_typed_address_is_refused_without_repeating_it():
    with pytest.raises(urls.NotAWebAddress) as refused:
        urls.web_address("http://web:s3cret@x.gov.cn/")
    assert "s3cret" not in str(refused.value) and "密码" in refused.value.problem


@PROPERTY
@given(web_urls())
def test_normalising_a_typed_address_twice_changes_nothing(url):
    try:
        once = urls.web_address(url)
    except urls.NotAWebAddress:
        return
    assert urls.web_address(once) == once


@PROPERTY
@given(st.text())
def test_any_text_is_an_address_or_refused_with_words(text):
    try:
        urls.web_address(text)
    except urls.NotAWebAddress as exc:
        assert exc.problem and exc.fix


# -- sites, scope, origin -------------------------------------------------------------------------


def test_a_site_is_its_start_url_without_scheme_and_port():
    assert urls.site_key("http://x.gov.cn/") == urls.site_key("https://X.gov.cn:8443/") == "x.gov.cn/"
    assert urls.site_key(" http://x.gov.cn/a/?b=1#top ") == "x.gov.cn/a/?b=1"
    assert urls.site_key("http://x.gov.cn") == "x.gov.cn/"
    assert urls.site_key("http://x.gov.cn/a/") != urls.site_key("http://x.gov.cn/")
    assert urls.site_key("x.gov.cn/") == "x.gov.cn/"  # a key already: runs before keys were stored
    assert urls.site_key("http://[::1/") == "http://[::1/"  # unreadable: itself, never an error


@PROPERTY
@given(web_urls(), schemes, ports)
def test_the_site_key_is_blind_to_scheme_and_port(url, scheme, port):
    parts = urls.url_parts(url)
    assert parts is not None
    netloc = parts.hostname if port is None else f"{parts.hostname}:{port}"
    if ":" in (parts.hostname or ""):
        netloc = f"[{parts.hostname}]" + ("" if port is None else f":{port}")
    moved = parts._replace(scheme=scheme, netloc=netloc).geturl()
    assert urls.site_key(moved) == urls.site_key(url)


def test_scope_is_host_and_port_and_a_malformed_url_is_in_none():
    assert urls.scope_key("http://WWW.x.gov.cn/a") == "www.x.gov.cn"
    assert urls.scope_key("https://127.0.0.1:8001/") == "127.0.0.1:8001"
    assert urls.scope_key("http://127.0.0.1:8001/") != urls.scope_key("http://127.0.0.1:8002/")
    for malformed in ("http://127.0.0.1:99999/", "http://[::1", "http:///a", "mailto:x@y.gov.cn", ""):
        assert urls.scope_key(malformed) == ""


def test_an_origin_is_scheme_host_and_port_as_written():
    assert urls.origin("https://x.gov.cn:8443/a/b.html?c=1") == "https://x.gov.cn:8443"
    assert urls.origin("http://x.gov.cn/") == "http://x.gov.cn"
    assert urls.origin("http://[::1") == ""


# -- findings -------------------------------------------------------------------------------------


def test_a_findings_place_is_its_path_and_query():
    assert urls.path_and_query("http://x.gov.cn:8000/swdt/index.html?page=2#a") == "/swdt/index.html?page=2"
    assert urls.path_and_query("https://x.gov.cn") == "/"
    assert urls.path_and_query(None) == urls.path_and_query("") == ""
    assert urls.path_and_query("http://[::1/a") == "http://[::1/a"


def test_a_subject_that_is_a_url_keeps_its_host():
    assert urls.finding_subject("HTTPS://Other.example:9/a.jpg") == "other.example/a.jpg"
    assert urls.finding_subject("商务动态") == "商务动态"
    assert urls.finding_subject("ftp://x.gov.cn/a") == "ftp://x.gov.cn/a"


# -- session ids ----------------------------------------------------------------------------------


def test_session_ids_are_taken_out_of_path_and_query():
    url = "http://x.gov.cn/a.html;jsessionid=ABC?id=3&PHPSESSID=9&ASPSESSIONIDQA=1"
    assert urls.carries_session(url)
    assert urls.without_session(url) == "http://x.gov.cn/a.html?id=3"
    assert not urls.carries_session("http://x.gov.cn/b.html?page=2&side=1")
    assert urls.without_session("http://x.gov.cn/b.html?page=2") == "http://x.gov.cn/b.html?page=2"


@PROPERTY
@given(web_urls())
def test_taking_session_ids_out_twice_changes_nothing(url):
    once = urls.without_session(url)
    assert not urls.carries_session(once)
    assert urls.without_session(once) == once


# -- hostile input --------------------------------------------------------------------------------

hostile = st.text() | st.sampled_from(
    [
        "http://[::1",
        "http://[::1/a",
        "http://x:99999/",
        "http://x:8o/",
        "http://a\uff03b@c/",
        "//[",
        "http://\x00/",
        ";jsessionid=1",
    ]
)


@PROPERTY
@given(hostile)
def test_no_reading_of_a_url_raises(text):
    urls.site_key(text)
    urls.scope_key(text)
    urls.origin(text)
    urls.path_and_query(text)
    urls.finding_subject(text)
    urls.without_session(text)
    urls.carries_session(text)
    urls.host_of(text)
    urls.path_of(text)
    urls.url_parts(text)
