"""A start page that does not answer 2xx is no portal to judge: `gapcheck check` exits 3 saying what the
status means, the run is stored as failed, and `gapcheck batch` lists the portal as 未能检查 with the reason.
Real servers on 127.0.0.1 answering 403, 404, 503, a firewall's check page, and an entry page whose script
leads to a 503; a portal under maintenance (503 on every URL, Retry-After past what is waited for), and an
entry page whose HTTP, script or refresh redirect leaves the portal's host (localhost for 127.0.0.1): the
same 未能检查 and exit 3, never a verdict on a page that is not the portal."""

from __future__ import annotations

import json
import sqlite3
from contextlib import ExitStack
from pathlib import Path

import lxml.html
import pytest
from cli import gapcheck
from routeserver import Answer, Req, html, serve

pytestmark = pytest.mark.e2e

QUICK = "name: 快速检查\nextends: national\ncrawl: {delay: 0, timeout: 3, dns_probe: [localhost], render: off}\n"


def _portal(status: int, body: str = "", title: str = "测试局"):
    def route(req: Req) -> Answer:
        if req.path == "/":
            return html(body or f"<p>{status}</p>", title=title, status=status)
        if req.path == "/index.html":  # where the script entry page sends the visitor
            return html("<p>系统维护中</p>", title="维护", status=503)
        return html('<a href="/x.html">x</a>' + "<p>正文</p>" * 50)

    return route


def _maintenance(req: Req) -> Answer:
    """Every URL, robots.txt too: 503 with an hour's Retry-After (longer than gapcheck waits)."""
    return html("<p>系统维护中，请稍后访问</p>", title="系统维护", status=503, headers={"Retry-After": "3600"})


def _leaving(how: str):
    """A start page that sends the visitor to the same server under another host name (localhost)."""

    def route(req: Req) -> Answer:
        port = req.host.rsplit(":", 1)[1]
        elsewhere = f"http://localhost:{port}/portal/"
        if req.path == "/" and req.host.startswith("127.0.0.1"):
            if how == "http":
                return Answer(302, headers={"Location": elsewhere})
            if how == "script":
                return html(f"<script>window.location.href='{elsewhere}';</script>", title="欢迎")
            return _refresh(elsewhere)
        return html('<a href="/x.html">x</a>' + "<p>别的网站的正文</p>" * 50, title="其他网站")

    return route


def _refresh(url: str) -> Answer:
    page = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={url}">'
        "<title>欢迎</title></head><body></body></html>"
    )
    return Answer(200, page.encode("utf-8"))


LEAVES = ["起始网址跳转到了其他网站", "localhost", "请以跳转后的网址"]

CASES = [
    (_portal(403), ["HTTP 403", "门户拒绝了 gapcheck 的访问", "User-Agent"]),
    (_portal(404), ["HTTP 404", "起始地址不存在", "起始网址"]),
    (_portal(503), ["HTTP 503", "正在维护"]),
    (_portal(200, "<p>请稍候</p>", title="Just a moment..."), ["防火墙验证页面", "放行"]),
    (
        _portal(200, "<script>location.href='index.html';</script>", title="欢迎"),
        ["HTTP 503", "首页跳转到", "正在维护"],
    ),
    (_maintenance, ["HTTP 503", "正在维护", "请稍后再检查"]),
    (_leaving("http"), LEAVES),
    (_leaving("script"), LEAVES),
    (_leaving("refresh"), LEAVES),
]
IDS = ["403", "404", "503", "challenge", "script-to-503", "maintenance", "http-away", "script-away", "refresh-away"]


@pytest.mark.parametrize(("route", "expected"), CASES, ids=IDS)
def test_an_error_start_page_exits_3_and_is_stored_as_failed(tmp_path, route, expected):
    profile = tmp_path / "quick.yaml"
    profile.write_text(QUICK, encoding="utf-8")
    db = tmp_path / "db.sqlite"
    with serve(route) as server:
        result = gapcheck(
            "check", server.url, "--profile", str(profile), "--out", str(tmp_path / "out"), "--db", str(db)
        )
    assert result.returncode == 3, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for word in expected:
        assert word in lines[0], lines[0]
    assert not (tmp_path / "out" / "report.json").exists()  # no gaps reported off an error page
    state, report = sqlite3.connect(db).execute("SELECT state, report FROM runs").fetchone()
    assert state == "failed" and expected[0] in json.loads(report)["error"]


def test_batch_lists_each_portal_it_could_not_check_with_why(tmp_path: Path):
    (tmp_path / "quick.yaml").write_text(QUICK, encoding="utf-8")
    portals = {"refusing": _portal(403), "typo": _portal(404), "maintenance": _maintenance, "away": _leaving("script")}
    with ExitStack() as stack:
        # One server each, told apart by a query: a port alone does not make another site.
        urls = {slug: stack.enter_context(serve(route)).url + "?" + slug for slug, route in portals.items()}
        (tmp_path / "sites.yaml").write_text(
            "defaults: {profile: quick.yaml, out: reports, db: g.sqlite}\nsites:\n"
            + "".join(f'  - {{name: {slug}局, url: "{url}", slug: {slug}}}\n' for slug, url in urls.items()),
            encoding="utf-8",
        )
        result = gapcheck("batch", str(tmp_path / "sites.yaml"))
    assert result.returncode == 3, result.stdout + result.stderr
    error = json.loads((tmp_path / "reports" / "refusing" / "error.json").read_text(encoding="utf-8"))["error"]
    assert "HTTP 403" in error and "门户拒绝了 gapcheck 的访问" in error
    doc = lxml.html.fromstring((tmp_path / "reports" / "index.html").read_text(encoding="utf-8"))
    rows = [" ".join(row.text_content().split()) for row in doc.xpath("//table[@id='sites']/tbody/tr")]
    why = {
        "refusing": "门户拒绝了 gapcheck 的访问",
        "typo": "起始地址不存在",
        "maintenance": "正在维护",
        "away": LEAVES[0],
    }
    assert len(rows) == 4
    for slug, words in why.items():
        [row] = [text for text in rows if f"{slug}局" in text]
        assert "未能检查" in row and words in row, row
