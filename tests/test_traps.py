"""Crawler traps: a portal that makes URLs without end is crawled in bounded work, and the report says so."""

from __future__ import annotations

import json
import secrets

import pytest
from cli import check
from routeserver import Answer, Req, html, serve

from spiders.traps import Trap, TrapGuard, without_session


def _trappy(req: Req) -> Answer:
    path = req.path
    if path == "/":
        return html(
            '<a href="/cal?month=1">日历</a><a href="/s/page.html">会话</a><a href="/q?a=1">筛选</a>'
            '<a href="/loop/">目录</a><a href="/long/x">长</a><a href="/gen">生成</a>'
        )
    if path == "/cal":
        return html("".join(f'<a href="/cal?month={m}">{m}月</a>' for m in range(1, 400)))
    if path.startswith("/s/"):  # every visit hands out a new session id
        return html(f'<a href="/s/page.html;jsessionid={secrets.token_hex(8)}">下一页</a>')
    if path == "/q":
        return html(f'<a href="/q?{"a=1&" * req.n}a=1">更多</a>')  # one more parameter on every visit
    if path.startswith("/loop/"):
        return html('<a href="loop/">下一级</a>')  # a directory that contains itself
    if path == "/gen":  # refreshes to itself with a counter one higher on every visit
        return Answer(
            200,
            f'<html><head><meta http-equiv="refresh" content="0;url=/gen?n={req.n}"></head>'
            f"<body>正在跳转</body></html>".encode(),
        )
    if path.startswith("/long/"):
        return html(f'<a href="{path}/{"x" * 300}">更长</a>')
    return Answer(404)


@pytest.mark.e2e
def test_a_portal_full_of_traps_is_crawled_in_bounded_work(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("name: t\nextends: national\ncrawl: {max_query_variants: 100}\n", encoding="utf-8")
    with serve(_trappy) as server:
        result = check(server.url, tmp_path, "--profile", str(profile), "--concurrency", "8", timeout=300)
        asked = len(server.requests)
        generated = server.hits("/gen")
    assert result.returncode in (0, 1), result.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert asked < 200, asked  # 100 calendar months, a handful of each other trap
    assert generated <= 10, generated  # not until the depth limit (100)
    note = next(f for f in report["findings"] if f["rule"] == "GK906")
    assert note["status"] == "warn"
    for trap in (
        Trap.QUERY_VARIANTS,
        Trap.SESSION_ID,
        Trap.GROWING_QUERY,
        Trap.PATH_LOOP,
        Trap.LONG_URL,
        Trap.SELF_REDIRECT,
    ):
        assert trap.value in note["evidence"], (trap, note["evidence"])


def test_session_ids_are_told_apart_from_pages():
    assert without_session("http://x.gov.cn/a.html;jsessionid=ABC?id=3&PHPSESSID=9") == "http://x.gov.cn/a.html?id=3"
    guard = TrapGuard()
    assert guard.trapped("http://x.gov.cn/a.html;jsessionid=1") is None
    assert guard.trapped("http://x.gov.cn/a.html;jsessionid=2") is Trap.SESSION_ID
    assert guard.trapped("http://x.gov.cn/b.html?sid=1") is None
    assert guard.trapped("http://x.gov.cn/b.html?page=2") is None  # another page of a list
    assert guard.trapped("http://x.gov.cn/zwgk/2026/11/index.html") is None
