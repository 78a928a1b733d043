"""The crawl's seen-set (spiders/seen.py): answers from memory while it can, from its file past that."""

from __future__ import annotations

from spiders.seen import SeenSet


def _reads(seen: SeenSet) -> list[str]:
    statements: list[str] = []
    seen.db.set_trace_callback(statements.append)
    return statements


def test_an_unseen_url_is_answered_from_memory_while_memory_holds_every_url():
    seen = SeenSet(("http://a/",), recent=10)
    reads = _reads(seen)
    assert "http://a/" in seen
    assert "http://b/" not in seen
    seen.add("http://b/")
    assert "http://b/" in seen
    assert not [s for s in reads if s.startswith("SELECT")]
    seen.close()


def test_past_its_memory_the_set_still_knows_every_url_from_its_file():
    seen = SeenSet(("http://start/",), recent=3)
    urls = [f"http://a/{i}" for i in range(10)]
    for url in urls:
        assert url not in seen
        seen.add(url)
    assert all(url in seen for url in [*urls, "http://start/"])
    assert "http://a/x" not in seen
    seen.discard(urls[0])
    assert urls[0] not in seen
    seen.close()


def test_urls_added_in_bulk_are_known_though_memory_never_filled():
    seen = SeenSet(recent=100)
    seen.update(["http://a/1", "http://a/2"])
    assert "http://a/1" in seen and "http://a/3" not in seen
    seen.close()


def test_a_set_whose_file_failed_answers_from_memory():
    seen = SeenSet(recent=2)
    seen.db.close()  # every later read or write of the file fails, as on a full disk
    seen.add("http://a/1")
    assert seen.failed
    assert "http://a/1" in seen
    seen.close()
