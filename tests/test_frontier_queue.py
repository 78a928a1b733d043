"""The crawl's disk queue (spiders/scratch.FrontierDiskQueue) stores exactly what Scrapy's own would."""

from __future__ import annotations

import pytest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.test import get_crawler

from spiders.portal import PortalSpider
from spiders.rendering import AUTO_RENDER
from spiders.roles import Role
from spiders.scratch import FrontierDiskQueue


@pytest.fixture
def spider():
    crawler = get_crawler(PortalSpider)
    crawler.spider = crawler._create_spider("http://127.0.0.1:1/")
    yield crawler.spider
    crawler.spider.seen.close()


def _requests(spider: PortalSpider) -> list[Request]:
    sampled = Request(
        "http://127.0.0.1:1/a/",
        callback=spider.sampled,
        errback=spider.sample_failed,
        dont_filter=True,
        meta={"gapcheck": Role.PAGE, AUTO_RENDER: True},
        priority=-1,
    )
    return [
        spider._request("http://127.0.0.1:1/a/", Role.PAGE, depth=1, referrer="http://127.0.0.1:1/"),
        spider._request(
            "http://127.0.0.1:1/b.pdf", Role.CHECK, depth=2, referrer="http://127.0.0.1:1/a/", method="HEAD"
        ),
        sampled,
        Request("http://127.0.0.1:1/c/"),
    ]


def test_a_queued_request_is_stored_as_scrapy_stores_it_and_comes_back_the_same(spider, tmp_path):
    queue = FrontierDiskQueue(spider.crawler, str(tmp_path / "q"))
    requests = _requests(spider)
    for request in requests:
        queue.push(request)
    for request in requests:
        back = queue.pop()
        assert back is not None
        assert back.to_dict(spider=spider) == request.to_dict(spider=spider)
    assert queue.pop() is None
    assert queue.method_names is not None and spider.parse.__func__ in queue.method_names  # not Scrapy's lookup
    queue.close()


def test_a_request_whose_callback_is_no_spider_method_is_refused_as_scrapy_refuses_it(spider, tmp_path):
    """The scheduler then keeps it in memory (Scheduler._dqpush catches the ValueError)."""
    queue = FrontierDiskQueue(spider.crawler, str(tmp_path / "q"))
    with pytest.raises(ValueError):
        queue.push(Request("http://127.0.0.1:1/", callback=NO_CALLBACK))
    queue.close()
