"""The SQLite store: round trip of what the spider saw, and upgrades of older stores."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import pickle
import sqlite3
import sys
import tracemalloc

import pytest
from oldstore import downgrade

from core.errors import StoreError
from core.model import (
    CrawlStats,
    DateMention,
    DateSource,
    FetchError,
    Form,
    Link,
    LinkCheck,
    LinkTag,
    Page,
    Region,
    Site,
    Zone,
)
from gapcheck.store import SCHEMA_VERSION, Store
from gapcheck.store.texts import IN_STORE, RunTexts


def test_round_trip_keeps_everything_the_rules_read(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    run = store.start_run("局", "http://x.gov.cn/", "national", dt.date(2026, 11, 20), 100)
    page = Page(
        "http://x.gov.cn/",
        "http://x.gov.cn/",
        200,
        "text/html",
        "gb18030",
        "首页",
        0,
        "",
        10,
        "h",
        "e",
        "lm",
        "t",
        ("要闻",),
        {"sitename": "局"},
        (DateMention("2026-11-19", "发布日期：2026-11-19", DateSource.LABEL),),
        (Link("http://x.gov.cn/a.html", LinkTag.A, "通知", "", Region.MAIN, "--11-19", "p2", "通知公告"),),
        (Form("http://x.gov.cn/s", "get", ("q",), "搜索"),),
        "正文",
        2,
    )
    store.add_crawled(run, [page])
    store.add_crawled(run, checks=[LinkCheck("http://x.gov.cn/a.html", None, FetchError.TIMEOUT, "请求超时")])
    site = store.load_site(run)
    assert site.pages["http://x.gov.cn/"] == page
    assert site.checks["http://x.gov.cn/a.html"].error is FetchError.TIMEOUT
    # A page written again (a retried or resumed fetch) replaces the first, links included.
    store.add_crawled(run, [page])
    assert len(store.load_site(run).pages["http://x.gov.cn/"].links) == 1


def test_a_version_1_store_is_upgraded(tmp_path):
    path = tmp_path / "old.sqlite"
    Store(path).close()
    downgrade(path, 1)
    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "forms" in [row[1] for row in store.db.execute("PRAGMA table_info(pages)")]
    assert "block" in [row[1] for row in store.db.execute("PRAGMA table_info(links)")]
    assert "fingerprint" in [row[1] for row in store.db.execute("PRAGMA table_info(findings)")]
    assert "redirects" in [row[1] for row in store.db.execute("PRAGMA table_info(link_checks)")]
    assert store.fresh_external(7) == {}
    assert store.db.execute("SELECT count(*) FROM probes").fetchone()[0] == 0


def test_a_newer_store_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "new.sqlite"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="比这个 gapcheck 的"):
        Store(path)


def test_old_runs_are_pruned_with_everything_they_stored(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    page = Page(
        url="http://x.gov.cn/",
        final_url="http://x.gov.cn/",
        status=200,
        content_type="text/html",
        links=(Link("http://x.gov.cn/a.html", LinkTag.A, "甲"),),
    )
    runs = []
    for day in range(1, 6):
        run = store.start_run("x", "http://x.gov.cn/", "national", dt.date(2026, 11, day), 10)
        store.add_crawled(run, [page])
        store.add_crawled(run, checks=[LinkCheck("http://x.gov.cn/a.html", status=200)])
        store.finish_crawl(run, CrawlStats(pages=1))
        store.fail_run(run, "test") if day == 2 else store.db.execute(
            "UPDATE runs SET state = 'done' WHERE id = ?", (run,)
        )
        runs.append(run)
    other = store.start_run("y", "http://y.gov.cn/", "national", dt.date(2026, 11, 1), 10)
    assert store.prune("http://x.gov.cn/", keep=3) == 2
    assert [r.id for r in store.runs_of_site("https://x.gov.cn:8080/")] == runs[2:]
    assert store.has_run(other)
    for table in ("pages", "links", "link_checks"):
        assert store.db.execute(f"SELECT count(*) FROM {table} WHERE run_id IN (?, ?)", runs[:2]).fetchone()[0] == 0
    assert store.prune("http://x.gov.cn/", keep=3) == 0


_NAV = Link("http://x.gov.cn/tzgg/", LinkTag.A, "通知公告", region=Region.NAV)


def _numbered(i: int, content_type: str = "text/html", **fields) -> Page:
    """The run's i-th page, p{i}.html."""
    url = f"http://x.gov.cn/p{i}.html"
    return Page(url, url, 200, content_type, **fields)


def test_a_large_run_loads_whole_texts_read_on_demand_links_shared(tmp_path):
    """load_site keeps texts in the store until read (in order or not, after close too), shares template
    links, and reads links rewritten out of order (a page fetched again) through the index."""
    store = Store(tmp_path / "s.sqlite")
    other = store.start_run("局", "http://y.gov.cn/", "national", dt.date(2026, 11, 20), 10)
    store.add_crawled(other, [Page("http://y.gov.cn/", "http://y.gov.cn/", 200, "text/html", text="别的网站")])
    run = store.start_run("局", "http://x.gov.cn/", "national", dt.date(2026, 11, 20), 1000)
    nav = _NAV
    pages = [
        _numbered(
            i,
            depth=1 + i % 3,
            meta={"columnname": "通知公告"},
            links=(nav, Link(f"http://x.gov.cn/a{i}.html", LinkTag.A, f"文{i}")),
            text=f"正文{i}" * (i % 7),
        )
        for i in range(300)
    ]
    store.add_crawled(run, pages[:150])
    store.add_crawled(run, pages[150:])
    site = store.load_site(run)
    store.close()
    assert list(site.pages) == [p.url for p in sorted(pages, key=lambda p: (p.depth, p.url))]
    assert all(site.pages[p.url] == p for p in pages)
    assert [site.pages[p.url].text_length for p in pages] == [len(p.text) for p in pages]
    # The start of a text, read alone in any order (the link judge's), is the text's start.
    assert [site.pages[p.url].text_start(5) for p in reversed(pages)] == [p.text[:5] for p in reversed(pages)]
    # In URL order, as the link judge asks (the link checks are loaded in it), they are read on in chunks.
    by_url = sorted(pages, key=lambda p: p.url)
    assert [site.pages[p.url].text_start(3) for p in by_url] == [p.text[:3] for p in by_url]
    assert [site.pages[p.url].text_start(4) for p in by_url[::7]] == [p.text[:4] for p in by_url[::7]]
    assert [p.text for p in reversed(site.pages.values())] == [p.text for p in reversed(site.pages.values())]
    assert len({id(p.links[0]) for p in site.pages.values()}) == 1
    again = Store(tmp_path / "s.sqlite")
    again.add_crawled(run, [pages[0]])  # its links now come after every other page's
    reloaded = again.load_site(run)
    assert all(reloaded.pages[p.url] == p for p in pages)
    again.db.execute(
        "INSERT INTO links VALUES (?, ?, 2, 'http://x.gov.cn/b.html', 'a', '乙', '', 'main', NULL, '', '', NULL)",
        (run, pages[1].url),
    )  # one page's links apart: read through the index
    split = again.load_site(run)
    assert split.pages[pages[1].url].links == (*pages[1].links, Link("http://x.gov.cn/b.html", LinkTag.A, "乙"))
    assert all(split.pages[p.url] == p for p in pages[2:])


def test_a_20000_page_run_loads_without_its_texts_and_reads_them_when_asked(tmp_path):
    """load_site reads no page text: texts rewritten in the store after the load are what the pages show.
    Reading on in page order reads the next RunTexts.CHUNK texts with the first, in one query."""
    path = tmp_path / "s.sqlite"
    store = Store(path)
    run = store.start_run("局", "http://x.gov.cn/", "national", dt.date(2026, 11, 20), 20000)
    urls = [f"http://x.gov.cn/p{i:05}.html" for i in range(20000)]
    store.add_crawled(run, [Page(u, u, 200, "text/html", depth=1, text=f"旧{i}") for i, u in enumerate(urls)])
    site = store.load_site(run)
    store.close()
    assert list(site.pages) == urls

    def rewrite(mark: str) -> None:
        with sqlite3.connect(path) as db:
            db.execute("UPDATE pages SET text = ? || substr(text, 2)", (mark,))

    rewrite("新")
    pages = list(site.pages.values())
    assert pages[0].text == "新0"
    rewrite("再")
    read = [p.text[0] for p in pages]
    assert read.count("新") == RunTexts.CHUNK  # read with the first text, before the second rewrite
    assert read[: RunTexts.CHUNK] == ["新"] * RunTexts.CHUNK
    assert set(read[RunTexts.CHUNK :]) == {"再"}
    assert [p.text_length for p in pages[:3]] == [2, 2, 2]


def test_a_loaded_page_copied_or_pickled_keeps_its_text(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    run = store.start_run("局", "http://x.gov.cn/", "national", dt.date(2026, 11, 20), 10)
    page = Page("http://x.gov.cn/", "http://x.gov.cn/", 200, "text/html", title="首页", text="正文")
    store.add_crawled(run, [page])
    loaded = store.load_site(run).pages[page.url]
    store.close()
    renamed = dataclasses.replace(loaded, title="新首页")
    assert (renamed.title, renamed.text, renamed.text_length) == ("新首页", "正文", 2)
    assert pickle.loads(pickle.dumps(loaded)) == page == loaded
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.text = "改"  # type: ignore[misc]


def test_a_loaded_page_leaves_what_no_rule_reads_in_the_store_and_reads_it_when_asked(tmp_path):
    """The validators, the fetch time, the size, the dates' and the blocks' words stay in the store (a
    100,000-page run would hold them all for nothing); the page still equals the one written, its meta is a
    mapping equal to the one written, and its best date is at hand."""
    store = Store(tmp_path / "s.sqlite")
    run = store.start_run("局", "http://x.gov.cn/", "national", dt.date(2026, 11, 20), 10)
    dates = (
        DateMention("--11-19", "11-19", DateSource.LABEL),
        DateMention("2026-11-18", "发布时间：2026-11-18", DateSource.LABEL),
        DateMention("2026-11-17", "/a/t20261117_1.html", DateSource.URL),
    )
    page = Page(
        "http://x.gov.cn/a/t20261117_1.html",
        "http://x.gov.cn/a/t20261117_1.html",
        200,
        "text/html",
        size=4321,
        meta={"sitename": "局", "columnname": "工作动态"},
        etag='"e-1"',
        last_modified="Mon, 07 Dec 2026 12:51:21 GMT",
        fetched_at="2026-12-07T12:51:36+00:00",
        dates=dates,
        text="正文",
        zones=(Zone("body/div.nav", 7, 3), Zone("body/div.content", 8, 0, 40, "会议强调，要坚持问题导向", Region.MAIN)),
    )
    store.add_crawled(run, [page])
    loaded = store.load_site(run).pages[page.url]
    store.close()
    slots = ("etag", "last_modified", "fetched_at", "dates", "size")
    kept = {name: Page.__dict__[name].__get__(loaded) for name in slots}  # what the page holds itself
    assert all(value is IN_STORE for value in kept.values()), kept
    assert Zone.__dict__["text"].__get__(loaded.zones[1]) is IN_STORE  # a block's words differ on every page
    assert [z.text for z in loaded.zones] == ["", "会议强调，要坚持问题导向"]
    assert loaded.best_date() == "2026-11-18"
    assert (loaded.etag, loaded.last_modified, loaded.fetched_at) == ('"e-1"', page.last_modified, page.fetched_at)
    assert loaded.size == 4321
    assert loaded.dates == dates
    assert loaded.meta == page.meta and loaded.meta.get("columnname") == "工作动态" and "pubdate" not in loaded.meta
    assert loaded == page
    assert pickle.loads(pickle.dumps(loaded)) == page
    assert dataclasses.replace(loaded, title="新").etag == '"e-1"'


def _article(i: int, nav: tuple[Link, ...], template: tuple[Zone, ...]) -> Page:
    """A page like the bench portal's articles: the template's links and blocks, and its own of each."""
    url = f"http://x.gov.cn/gzdt/202611/t20261119_{i}.html"
    title = f"南屏县扎实推进数字乡村建设工作取得阶段性成效第{i}期"
    own = tuple(
        Link(f"http://x.gov.cn/gzdt/202611/t20261118_{i + k}.html", LinkTag.A, f"{title}相关{k}", zone=14)
        for k in range(5)
    )
    return Page(
        url,
        url,
        200,
        "text/html",
        "utf-8",
        f"{title}_江川市数据资源管理局",
        depth=3,
        referrer="http://x.gov.cn/gzdt/",
        size=9000 + i,
        content_hash=f"{i:032x}",
        etag=f'"6b16abc9-{i:x}"',
        last_modified=f"Mon, 07 Dec 2026 12:{i % 60:02}:{i % 59:02} GMT",
        fetched_at=f"2026-12-07T12:51:{i % 60:02}.{i:06}+00:00",
        headings=(title, "相关文章"),
        meta={
            "sitename": "江川市数据资源管理局",
            "siteidcode": "3310000012",
            "columnname": "工作动态",
            "articletitle": title,
            "pubdate": f"2026-11-19 17:{i % 60:02}",
            "contentsource": "江川市数据资源管理局",
            "page:breadcrumb": "首页 > 工作动态 > 正文",
        },
        dates=(
            DateMention("2026-11-19", f"2026-11-19 17:{i % 60:02}", DateSource.META),
            DateMention("2026-11-19", f"发布时间：2026-11-19 17:{i % 60:02}", DateSource.LABEL),
            DateMention("2026-11-19", url[14:], DateSource.URL),
        ),
        links=nav + own,
        text=f"{title}。会议强调，要坚持问题导向和目标导向。" * 20,
        main_chars=800,
        zones=(
            *template,
            Zone(
                "body/div.main.w/div.article/div.info",
                10000 + i,
                0,
                28,
                f"发布时间：2026-11-19 17:{i % 60:02} 来源：{i}",
            ),
            Zone("body/div.main.w/div.article", 20000 + i, 0, 22, title),
            Zone("body/div.main.w/div.article/div.content", 30000 + i, 0, 512, f"{title}会议强调，要坚持问题导向"),
            Zone("body/div.main.w/div.article/div.related/ul", 40000 + i, 5, 0),
        ),
    )


def test_a_loaded_run_holds_under_2300_bytes_a_page_besides_its_links(tmp_path):
    """The site model of a stored run is what a check of 100,000 pages holds at its peak: a page of the
    bench portal's kind (its own title, dates, blocks and validators, the template's links and blocks)
    costs under 2,300 bytes of Python objects loaded, besides its links (1,960 here; 2,990 when every field
    and block text was held, a 100,000-page check then peaking at 722 MB, bench/README.md)."""
    store = Store(tmp_path / "s.sqlite")
    run = store.start_run("局", "http://x.gov.cn/", "national", dt.date(2026, 11, 20), 5000)
    nav = tuple(Link(f"http://x.gov.cn/c{k}/", LinkTag.A, f"栏目{k}", region=Region.NAV) for k in range(25))
    template = tuple(Zone(f"body/div.nav/ul.w{k}", k, 3, 0, "", Region.NAV) for k in range(9))
    pages = [_article(i, nav, template) for i in range(2000)]
    store.add_crawled(run, pages)
    tracemalloc.start()
    try:
        site = store.load_site(run)
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    links = sum(sys.getsizeof(p.links) for p in site.pages.values()) + 2000 * 5 * 200  # tuples, own Links
    assert (held - links) / len(pages) < 2300
    assert site.pages[pages[7].url] == pages[7]


def test_a_loaded_site_asks_the_store_which_pages_link_a_target(tmp_path):
    """found_on of a loaded run answers as the model's (HTML pages only, each once, in crawl order) from the
    store's links_by_target index, for the targets asked: a rule asks about failing links, and keeping the
    list of every target (the template's on every page) cost 28 MB at 100,000 pages."""
    store = Store(tmp_path / "s.sqlite")
    run = store.start_run("局", "http://x.gov.cn/", "national", dt.date(2026, 11, 20), 100)
    pages = [
        _numbered(
            i,
            "application/pdf" if i == 4 else "text/html",
            depth=3 - i % 3,
            links=(_NAV, Link(f"http://x.gov.cn/a{i % 4}.html", LinkTag.A, "文"), _NAV),
        )
        for i in range(12)
    ]
    store.add_crawled(run, pages)
    asked = ["http://x.gov.cn/", "http://x.gov.cn/a1.html", "http://x.gov.cn/a2.html", "http://x.gov.cn/tzgg/"]
    store.add_crawled(run, checks=[LinkCheck(url, 200) for url in asked])
    site = store.load_site(run)
    store.close()
    assert [url in site.found_on for url in asked] == [False, True, True, True]
    model = Site(site.name, site.start_url, site.as_of, dict(site.pages), site.checks)
    targets = ["http://x.gov.cn/tzgg/", "http://x.gov.cn/a0.html", "http://x.gov.cn/a3.html", "http://x.gov.cn/n"]
    assert [site.found_on.get(t) for t in targets] == [model.found_on.get(t) for t in targets]
    shallowest_first = ["http://x.gov.cn/p8.html", "http://x.gov.cn/p0.html"]
    assert site.found_on["http://x.gov.cn/a0.html"] == shallowest_first
    assert "http://x.gov.cn/n" not in site.found_on and "http://x.gov.cn/a1.html" in site.found_on
    assert dict(site.found_on) == model.found_on


def test_a_run_loads_with_the_collector_off_and_is_judged_out_of_its_sight(tmp_path, monkeypatch):
    """A load makes millions of objects and no cycles: a full collection walks every one made so far (a
    100,000-page load took 16-17 CPU s with the collector on, 12 off). The rules then run with the model
    frozen out of the collector's sight; the collector is as it was after either."""
    from gapcheck.cli import main

    store = Store(tmp_path / "s.sqlite")
    run = store.start_run("局", "http://x.gov.cn/", "national", dt.date(2026, 11, 20), 1000)
    nav = tuple(Link(f"http://x.gov.cn/c{k}/", LinkTag.A, f"栏目{k}", region=Region.NAV) for k in range(25))
    template = tuple(Zone(f"body/div.nav/ul.w{k}", k, 3, 0, "", Region.NAV) for k in range(9))
    store.add_crawled(run, [_article(i, nav, template) for i in range(300)])
    store.finish_crawl(run, CrawlStats(pages=300))
    store.close()
    collections: list[int] = []
    frozen: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    again = Store(tmp_path / "s.sqlite")
    gc.callbacks.append(seen)
    try:
        site = again.load_site(run)
        # None while loading; the one the objects made then call for once it is back on.
        assert collections in ([], [0]) and gc.isenabled() and len(site.pages) == 300
        monkeypatch.setattr("gapcheck.runner.build_report", _frozen_then(frozen, "gapcheck.runner.build_report"))
        assert main(["report", str(run), "--db", str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "out")]) in (0, 1)
    finally:
        gc.callbacks.remove(seen)
    assert frozen and frozen[0] > 300 * 10  # the pages, their blocks and links were frozen while judged
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def _frozen_then(frozen: list[int], name: str):
    import importlib

    module, _, attr = name.rpartition(".")
    real = getattr(importlib.import_module(module), attr)

    def build(*args, **kwargs):
        frozen.append(gc.get_freeze_count())
        return real(*args, **kwargs)

    return build
