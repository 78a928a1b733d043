"""Hostile and broken pages end to end: every one is crawled in bounded work, recorded, and noted in the
report's crawl-health findings; none stops the run."""

from __future__ import annotations

import gzip
import json
import sqlite3
import time
from functools import cache

import pytest
from cli import check
from routeserver import Answer, Req, html, serve

pytestmark = pytest.mark.e2e


@cache
def _bomb() -> bytes:
    """200 MB of HTML in about 200 KB of gzip; made when first served, not when the fast lane collects this file."""
    return gzip.compress(b"<html><body>" + b" " * (200 * 1024 * 1024), compresslevel=9)


HUGE = 30 * 1024 * 1024
NESTED = "<div>" * 20000 + "深处的文字" + "</div>" * 20000


def _hostile(req: Req) -> Answer:
    pages = {
        "/bomb.html": lambda: Answer(200, _bomb(), headers={"Content-Encoding": "gzip"}),
        "/huge.html": lambda: Answer(200, b"<html><body>" + b"x" * HUGE),
        "/binary.html": lambda: Answer(200, bytes(range(256)) * 4000),
        "/links.html": lambda: html("".join(f'<a href="/many/{i}.pdf">附件{i}</a>' for i in range(10000))),
        "/nested.html": lambda: html(NESTED),
        "/truncated.html": lambda: Answer(
            200, '<html><head><title>半个页面</title></head><body><div><a href="/'.encode()
        ),
        "/mixed.html": lambda: Answer(
            200, "<html><body>中文".encode("gbk") + "和中文".encode(), content_type="text/html; charset=iso-8859-1"
        ),
    }
    if req.path == "/":
        return html(
            "".join(f'<a href="{p}">{p}</a>' for p in pages) + '<a href="javascript:void(0)">脚本</a>'
            '<a href="mailto:web@x.gov.cn">信箱</a><a href="file:///etc/passwd">文件</a>'
            '<a href="data:text/html,hi">数据</a>'
        )
    if req.path.startswith("/many/"):
        return Answer(200, b"%PDF-1.4", content_type="application/pdf")
    answer = pages.get(req.path)
    return answer() if answer else Answer(404)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    _bomb()  # made before the clock starts: the run's time is gapcheck's
    with serve(_hostile) as server:
        started = time.monotonic()
        result = check(server.url, tmp, "--concurrency", "8", timeout=600)
        elapsed = time.monotonic() - started
        paths = [r.path for r in server.requests]
    assert result.returncode in (0, 1), result.stderr
    report = json.loads((tmp / "out" / "report.json").read_text(encoding="utf-8"))
    with sqlite3.connect(tmp / "db.sqlite") as db:
        recorded = {row[0] for row in db.execute("SELECT url FROM links WHERE page_url = ?", (server.url,))}
    return {
        "report": report,
        "elapsed": elapsed,
        "paths": paths,
        "url": server.url,
        "stderr": result.stderr,
        "recorded": recorded,
    }


def _finding(report: dict, rule: str) -> dict:
    return next(f for f in report["findings"] if f["rule"] == rule)


def test_the_run_completes_in_bounded_time_without_internal_errors(hostile):
    assert hostile["elapsed"] < 120, hostile["elapsed"]
    assert "internal error" not in hostile["stderr"]


def test_oversized_and_bombed_pages_are_stopped_and_reported(hostile):
    links = {x["url"]: x for x in hostile["report"]["links"]}
    for path in ("bomb.html", "huge.html"):
        link = links[hostile["url"] + path]
        assert link["verdict"] == "unverified" and "超过下载大小上限" in link["reason"], link
    assert "bomb.html" in _finding(hostile["report"], "GK902")["evidence"]


def test_a_page_with_ten_thousand_links_keeps_three_thousand_and_says_so(hostile):
    note = _finding(hostile["report"], "GK903")
    assert note["status"] == "warn" and "links.html" in note["evidence"] and "7000" in note["evidence"]
    assert sum(p.startswith("/many/") for p in hostile["paths"]) <= 3000


def test_links_that_are_not_web_addresses_are_recorded_not_fetched(hostile):
    assert not [p for p in hostile["paths"] if "passwd" in p or p.startswith("/javascript")]
    assert {"javascript:void(0)", "mailto:web@x.gov.cn", "file:///etc/passwd", "data:text/html,hi"} <= hostile[
        "recorded"
    ]


def test_credentials_in_links_reach_neither_the_log_nor_the_reports(tmp_path):
    def route(req: Req) -> Answer:
        if req.path == "/":
            port = req_port[0]
            return html(
                f'<a href="http://webmaster:s3cr3t-pw@127.0.0.1:{port}/admin.html">后台</a>'
                f'<img src="http://webmaster:s3cr3t-pw@127.0.0.1:{port}/gone.png"><a href="/go.html">登录</a>'
            )
        if req.path == "/go.html":  # links with credentials are never asked; a redirect can still carry them
            return Answer(302, headers={"Location": f"http://webmaster:s3cr3t-pw@127.0.0.1:{req_port[0]}/admin.html"})
        return html("出错", status=500) if req.path == "/admin.html" else Answer(404)

    req_port = [0]
    with serve(route) as server:
        req_port[0] = server.server_address[1]
        result = check(server.url, tmp_path, "--verbose", timeout=120)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert "/admin.html" in result.stderr  # the log did name the request (Scrapy's retry gives up on the 500)
    assert "s3cr3t" not in result.stdout + result.stderr
    for report in (tmp_path / "out").iterdir():
        if report.suffix != ".xlsx":
            assert "s3cr3t" not in report.read_text(encoding="utf-8-sig"), report.name
