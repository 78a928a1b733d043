"""The spider records facts, the rules judge them: `gapcheck report RUN` judges an old run by today's rules.

A real crawl of a 127.0.0.1 portal with a soft 404 (its words some way down the page), a firewall check page
and an ordinary 404; then `gapcheck report` of that stored run under two profiles that differ only in a rule
threshold: the verdicts follow the profile, not what was decided while crawling.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli import gapcheck
from oldstore import downgrade
from routeserver import Answer, Req, html, serve

from checks import DEFAULTS, Context, Options
from core.model import Verdict
from gapcheck.store import Store

ARTICLE = "本局认真贯彻落实党中央、国务院决策部署，持续推进政务公开标准化规范化建设。" * 8
LEAD = "本局网站正在升级改版，部分栏目调整，给您带来不便敬请谅解。" * 4
"""About 120 characters before the soft 404 says so: inside the default 300, outside 100."""
CJK = re.compile(r"[\u4e00-\u9fff]")


def _route(req: Req) -> Answer:
    if req.path == "/":
        return html(
            '<a href="/real.html">通知</a><a href="/moved.html">旧栏目</a><a href="/waf.html">办事</a>'
            '<a href="/gone.html">已删除</a><a href="http://user:pw@127.0.0.1:9/x.html">带密码</a>'
            f"<p>{ARTICLE}</p>",
            title="示例局",
        )
    if req.path == "/real.html":
        return html(f"<h1>通知</h1><p>{ARTICLE}</p>", title="关于开展检查的通知")
    if req.path == "/moved.html":
        return html(f"<p>{LEAD}</p><p>您访问的页面不存在</p><p>{ARTICLE}</p>", title="示例局")
    if req.path == "/waf.html":
        return html("<p>请完成滑动验证后继续访问。" + "请稍候" * 40 + "</p>", title="安全验证")
    return Answer(404)


def _gapcheck(*args: str) -> subprocess.CompletedProcess:
    result = gapcheck(*args)
    assert result.returncode in (0, 1), result.stderr
    return result


def _profile(tmp: Path, name: str, rules: str) -> Path:
    path = tmp / f"{name}.yaml"
    path.write_text(f"name: {name}\nextends: national\nrules: {{{rules}}}\n", encoding="utf-8")
    return path


def _links(out: Path) -> dict[str, dict]:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {x["url"]: x for x in report["links"]}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rejudge")
    db = tmp / "db.sqlite"
    with serve(_route) as server:
        _gapcheck(
            "check",
            server.url,
            "--profile",
            str(_profile(tmp, "默认", "")),
            "--out",
            str(tmp / "crawl"),
            "--db",
            str(db),
            "--delay",
            "0",
            "--no-render",
        )
    return tmp, db, server.url


@pytest.mark.e2e
def test_report_judges_an_old_run_by_the_profile_s_thresholds(crawled):
    tmp, db, url = crawled
    crawl = _links(tmp / "crawl")
    assert crawl[url + "moved.html"]["verdict"] == "broken" and "软404" in crawl[url + "moved.html"]["reason"]
    assert crawl[url + "waf.html"]["verdict"] == "unverified" and "防火墙" in crawl[url + "waf.html"]["reason"]

    _gapcheck("report", "1", "--db", str(db), "--profile", str(_profile(tmp, "默认", "")), "--out", str(tmp / "same"))
    assert _links(tmp / "same") == crawl

    strict = _profile(tmp, "严格", "GK302: {soft_404_text: 100, challenge_text: 100}")
    _gapcheck("report", "1", "--db", str(db), "--profile", str(strict), "--out", str(tmp / "strict"))
    again = _links(tmp / "strict")
    # The words sit past the first 100 characters, the check page is longer than 100: neither is said any more.
    assert url + "moved.html" not in again and url + "waf.html" not in again, again
    assert again[url + "gone.html"] == crawl[url + "gone.html"]


@pytest.mark.e2e
def test_the_spider_stores_facts_and_no_chinese_reason(crawled):
    _, db, url = crawled
    with sqlite3.connect(db) as conn:
        rows = {r[0]: r[1:] for r in conn.execute("SELECT url, reason, error, title, text FROM link_checks")}
        pages = {r[0]: r[1:] for r in conn.execute("SELECT url, title, text FROM pages")}
    assert not [u for u, (reason, error, *_) in rows.items() if reason or CJK.search(error or "")], rows
    # A crawled page's answer: its title on both rows, its text once, on the page's (the rules read it there).
    _, _, title, text = rows[url + "moved.html"]
    assert title == "示例局" and not text
    assert pages[url + "moved.html"][0] == "示例局" and "您访问的页面不存在" in pages[url + "moved.html"][1]
    # A firewall's check page is not read as the page: its answer keeps what it showed.
    _, _, title, text = rows[url + "waf.html"]
    assert title == "安全验证" and "滑动验证" in text and len(text) <= 500
    assert not pages[url + "waf.html"][1]


def test_a_run_stored_before_facts_reads_as_it_was_judged(tmp_path):
    path = tmp_path / "old.sqlite"
    store = Store(path)
    run = store.start_run("局", "http://x.gov.cn/", "national", dt.date(2026, 11, 20), 100)
    store.close()
    downgrade(path, 7)
    old = [
        ("http://x.gov.cn/a.html", 200, "soft-404", "软404：页面显示「页面不存在」"),
        ("http://x.gov.cn/b.html", 429, "throttled", "请求过多（限流）：按服务器要求等待后仍被限流（要求等待 5 秒）"),
        ("http://x.gov.cn/c.html", 200, "challenge", "防火墙验证页面：页面显示「安全验证」"),
        ("http://x.gov.cn/d.html", 404, None, "页面不存在"),
        ("http://x.gov.cn/e.html", 200, None, ""),
    ]
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO link_checks (run_id, url, status, error, reason) VALUES (?,?,?,?,?)",
            [(run, *row) for row in old],
        )
    store = Store(path)
    ctx = Context(store.load_site(run), Options(), DEFAULTS)
    store.close()
    judged = [(ctx.verdict(url), ctx.answer(url).reason) for url, *_ in old]
    assert judged == [
        (Verdict.BROKEN, old[0][3]),
        (Verdict.UNVERIFIED, old[1][3]),
        (Verdict.UNVERIFIED, old[2][3]),
        (Verdict.BROKEN, old[3][3]),
        (Verdict.OK, ""),
    ]
