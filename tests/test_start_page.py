"""A start page that does not answer 2xx is no portal to judge: `gapcheck check` exits 3 saying what the
status means, the run is stored as failed, and `gapcheck batch` lists the portal as 未能检查 with the reason.
Real servers on 127.0.0.1 answering 403, 404, 503, a firewall's check page, and an entry page whose script
leads to a 503."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

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


CASES = [
    (_portal(403), ["HTTP 403", "门户拒绝了 gapcheck 的访问", "User-Agent"]),
    (_portal(404), ["HTTP 404", "起始地址不存在", "起始网址"]),
    (_portal(503), ["HTTP 503", "正在维护"]),
    (_portal(200, "<p>请稍候</p>", title="Just a moment..."), ["防火墙验证页面", "放行"]),
    (
        _portal(200, "<script>location.href='index.html';</script>", title="欢迎"),
        ["HTTP 503", "首页跳转到", "正在维护"],
    ),
]


@pytest.mark.parametrize(("route", "expected"), CASES, ids=["403", "404", "503", "challenge", "script-to-503"])
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


def test_batch_lists_a_refusing_portal_as_not_checked(tmp_path: Path):
    (tmp_path / "quick.yaml").write_text(QUICK, encoding="utf-8")
    with serve(_portal(403)) as refusing:
        (tmp_path / "sites.yaml").write_text(
            f"defaults: {{profile: quick.yaml, out: reports, db: g.sqlite}}\n"
            f'sites:\n  - {{name: 拒绝局, url: "{refusing.url}", slug: refusing}}\n',
            encoding="utf-8",
        )
        result = gapcheck("batch", str(tmp_path / "sites.yaml"))
    assert result.returncode == 3, result.stdout + result.stderr
    error = json.loads((tmp_path / "reports" / "refusing" / "error.json").read_text(encoding="utf-8"))["error"]
    assert "HTTP 403" in error and "门户拒绝了 gapcheck 的访问" in error
    assert "未能检查" in (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
