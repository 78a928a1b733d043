"""The crawl's disk queue (spiders/scratch.FrontierDiskQueue) stores exactly what Scrapy's own would."""

from __future__ import annotations

import pytest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.test import get_crawler

from spiders.portal import PortalSpider, Role
from spiders.rendering import AUTO_RENDER
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


def test_a_request_queued_on_disk_is_stored_as_scrapy_stores_it_and_comes_back_the_same(spider, tmp_path):
    queue = FrontierDiskQueue(spider.crawler, str(tmp_path / "q"))
    queue.held_limit = 0
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
    queue.held_limit = 0
    with pytest.raises(ValueError):
        queue.push(Request("http://127.0.0.1:1/", callback=NO_CALLBACK))
    queue.close()


def test_requests_held_in_memory_and_on_disk_come_out_first_in_first_out(spider, tmp_path):
    queue = FrontierDiskQueue(spider.crawler, str(tmp_path / "q"))
    queue.held_limit = 3
    urls = [f"http://127.0.0.1:1/{i}/" for i in range(10)]
    out = []
    for url in urls[:5]:  # 3 held, 2 on disk
        queue.push(spider._request(url, Role.PAGE, depth=1, referrer=""))
    assert len(queue) == 5
    for _ in range(2):
        out.append(queue.pop())
    assert queue.peek().url == urls[2]
    for url in urls[5:]:  # behind the two on disk, though the memory has room again
        queue.push(spider._request(url, Role.PAGE, depth=1, referrer=""))
    while len(queue):
        out.append(queue.pop())
    assert [r.url for r in out] == urls
    assert queue.pop() is None
    queue.close()


def test_the_queues_of_one_crawl_hold_at_most_held_requests_in_memory_together(spider, tmp_path):
    """One queue per depth: a deep site must not hold HELD requests for each of its depths."""
    shallow = FrontierDiskQueue(spider.crawler, str(tmp_path / "1"))
    deep = FrontierDiskQueue(spider.crawler, str(tmp_path / "2"))
    shallow.held_limit = deep.held_limit = 4
    for i in range(3):
        shallow.push(spider._request(f"http://127.0.0.1:1/s{i}/", Role.PAGE, depth=1, referrer=""))
    for i in range(3):
        deep.push(spider._request(f"http://127.0.0.1:1/d{i}/", Role.PAGE, depth=2, referrer=""))
    assert (len(shallow.held), len(deep.held)) == (3, 1)
    assert [shallow.pop().url for _ in range(3)] == [f"http://127.0.0.1:1/s{i}/" for i in range(3)]
    assert [deep.pop().url for _ in range(3)] == [f"http://127.0.0.1:1/d{i}/" for i in range(3)]
    shallow.close()
    deep.close()
