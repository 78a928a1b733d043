"""What goes through Redis between a distributed crawl's processes is data read back against a schema:
a round trip keeps every field, and a payload that is not such data (a pickle, garbage, JSON of the
wrong shape, a callback outside the allow-list) is rejected without running anything."""

from __future__ import annotations

import pickle

import pytest
from scrapy import Request

from core.model import DateMention, DateSource, FetchError, Form, Link, LinkCheck, LinkTag, Page, Region, TrapNote, Zone
from spiders.wire import Rejected, decode_item, decode_note, decode_request, encode_item, encode_note, encode_request


class _Spider:
    def parse(self, response): ...
    def checked(self, response): ...
    def failed(self, failure): ...


class _Bomb:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


PAGE = Page(
    url="http://x.gov.cn/a.html",
    final_url="http://x.gov.cn/a.html",
    status=200,
    title="通知",
    headings=("一", "二"),
    meta={"description": "说明"},
    dates=(DateMention("2026-11-01", "2026年11月1日", DateSource.META),),
    links=(Link("http://x.gov.cn/b.html", LinkTag.A, text="下一篇", region=Region.MAIN, zone=0),),
    forms=(Form("/search", fields=("q",)),),
    zones=(Zone("main", 123, links=1, chars=40, text="正文"),),
)
CHECK = LinkCheck("http://gone.invalid/", error=FetchError.DNS, retry_after=1.5)


def test_items_and_notes_round_trip():
    assert decode_item(encode_item(PAGE)) == PAGE
    assert decode_item(encode_item(CHECK)) == CHECK
    note = {
        "worker": "vm-1",
        "reason": "finished",
        "pages": 3,
        "errors": 1,
        "reused": 0,
        "page_limit_reached": False,
        "internal_errors": 0,
        "politeness": {"politeness/x/throttled/1": 2, "politeness/x/circuit": "5xx"},
        "traps": [TrapNote("calendar", 3, "http://x/?d=1")],
        "scope": ["x.gov.cn:80"],
        "not_found": None,
        "second_pass": 2,
    }
    assert decode_note(encode_note(note)) == note


def test_requests_round_trip_with_the_fields_we_use():
    spider = _Spider()
    request = Request(
        "http://x.gov.cn/a.html",
        method="HEAD",
        callback=spider.checked,
        errback=spider.failed,
        priority=-2,
        dont_filter=True,
        headers={"Referer": "http://x.gov.cn/"},
        meta={"gapcheck": "check", "gapcheck_depth": 2, "redirect_urls": ["http://x.gov.cn/b"], "download_slot": "x"},
    )
    back = decode_request(encode_request(request), spider)
    assert (back.url, back.method, back.priority, back.dont_filter) == ("http://x.gov.cn/a.html", "HEAD", -2, True)
    assert back.callback == spider.checked and back.errback == spider.failed
    assert back.headers[b"Referer"] == b"http://x.gov.cn/"
    assert back.meta == {"gapcheck": "check", "gapcheck_depth": 2, "redirect_urls": ["http://x.gov.cn/b"]}


@pytest.mark.parametrize(
    "payload",
    [
        b"\x00\xffgarbage",
        b"{}",
        b'{"url": 1}',
        b'{"url": "http://x/", "callback": "__init__"}',
        b'{"url": "http://x/", "errback": "parse"}',
        b'{"url": "http://x/", "meta": {"_private": 1}}',
        b'{"url": "http://x/", "meta": {"gapcheck": {"a": 1}}}',
        b'{"page": {"url": "x"}}',
        b'{"page": {"url": "x", "final_url": "x", "status": null}, "check": {"url": "x"}}',
    ],
)
def test_a_payload_that_is_not_data_is_rejected(payload):
    for decode in (lambda d: decode_request(d, _Spider()), decode_item, decode_note):
        with pytest.raises(Rejected):
            decode(payload)


def test_a_pickle_is_rejected_and_never_loaded(tmp_path):
    payload = pickle.dumps(_Bomb(tmp_path / "executed"))
    for decode in (lambda d: decode_request(d, _Spider()), decode_item, decode_note):
        with pytest.raises(Rejected):
            decode(payload)
    assert not (tmp_path / "executed").exists()
