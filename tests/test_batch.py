"""`gapcheck batch`, end to end: three portals on 127.0.0.1 — the sample portal (gaps), a small portal
whose home page is stale (a veto), and a port nobody answers — checked twice with a change in between.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from cli import gapcheck
from routeserver import Answer, Req, html
from routeserver import serve as serve_route

from gapcheck.sample.server import PORTAL_DIR
from gapcheck.sample.server import serve as serve_sample

pytestmark = pytest.mark.e2e

AS_OF = "2026-11-20"
BANNER = "讲文明 树新风 公益广告联播"


def _closed_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _stale(req: Req) -> Answer:
    """A portal whose newest item is two years old: 首页不更新 is a veto."""
    if req.path == "/":
        items = "".join(
            f'<li><a href="/xw/{i}.html">工作动态第{i}期</a><span>2024-0{i}-15</span></li>' for i in range(1, 6)
        )
        return html(f'<div class="nav"><a href="/xw/">工作动态</a></div><ul class="list">{items}</ul>', title="停更局")
    if req.path.startswith("/xw/"):
        return html("<p>" + "本局召开工作会议，部署下一阶段工作。" * 10 + "</p>", title="工作动态")
    return Answer(404)


def _sites(tmp: Path, sample: str, stale: str, dead: str, hook: str) -> Path:
    profile = tmp / "sample.yaml"
    profile.write_text(
        "name: 示例市商务局\nextends: wuhan-commerce\n"
        "crawl: {delay: 0, concurrency: 8, exclude: ['^https?://([a-z0-9-]+\\.)*wuhan\\.gov\\.cn/']}\n",
        encoding="utf-8",
    )
    quick = tmp / "quick.yaml"
    quick.write_text("name: 快速检查\nextends: national\ncrawl: {delay: 0, timeout: 3}\n", encoding="utf-8")
    sites = tmp / "sites.yaml"
    sites.write_text(
        f"""defaults:
  profile: quick.yaml
  out: reports
  db: gapcheck.sqlite
notify: {{webhook: "{hook}"}}
sites:
  - {{name: 示例市商务局, url: "{sample}", profile: sample.yaml, slug: sample}}
  - {{name: 停更局, url: "{stale}", slug: stale}}
  - {{name: 无响应局, url: "{dead}", slug: dead}}
""",
        encoding="utf-8",
    )
    return sites


def _batch(sites: Path) -> subprocess.CompletedProcess:
    return gapcheck("batch", str(sites), "--as-of", AS_OF, timeout=600)


@pytest.fixture(scope="module")
def two_batches(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("batch")
    portal = tmp / "portal"
    shutil.copytree(PORTAL_DIR, portal)
    # Three hosts (all loopback): one host with two ports would be one site to the store.
    dead = f"http://127.0.0.3:{_closed_port('127.0.0.3')}/"
    reports = tmp / "reports"
    with serve_route(_stale, host="127.0.0.2") as stale, serve_route(lambda req: Answer(204)) as hook:
        with serve_sample(portal) as sample:
            first = _batch(_sites(tmp, sample.url, stale.url, dead, hook.url + "gapcheck"))
        first_reports = {
            slug: json.loads((reports / slug / "report.json").read_text(encoding="utf-8"))
            for slug in ("sample", "stale")
        }
        home = portal / "sy" / "index.html"
        text = home.read_text(encoding="utf-8")
        anchor = '<li><a href="/ztzl/zyjs/index.html"'
        home.write_text(
            text.replace(
                anchor,
                f'<li><a href="/ztzl/zgm/index.html" target="_blank"><img '
                f'src="/images/banner/zgm.jpg" alt="{BANNER}" width="280" height="64">'
                f"</a></li>\n" + anchor,
                1,
            ),
            encoding="utf-8",
        )
        (portal / "images" / "logo.png").unlink()
        with serve_sample(portal) as sample:
            second = _batch(_sites(tmp, sample.url, stale.url, dead, hook.url + "gapcheck"))
            second_url = sample.url
        posts = [json.loads(r.body) for r in hook.requests if r.method == "POST"]
    return {
        "tmp": tmp,
        "reports": reports,
        "first": first,
        "second": second,
        "first_reports": first_reports,
        "posts": posts,
        "second_url": second_url,
        "second_reports": {
            slug: json.loads((reports / slug / "report.json").read_text(encoding="utf-8"))
            for slug in ("sample", "stale")
        },
    }


def test_every_portal_gets_its_outcome_and_one_dead_portal_stops_nothing(two_batches):
    first = two_batches["first"]
    assert first.returncode == 1, first.stderr
    reports = two_batches["reports"]
    assert (reports / "sample" / "report.html").is_file() and (reports / "stale" / "report.html").is_file()
    error = json.loads((reports / "dead" / "error.json").read_text(encoding="utf-8"))
    assert error["name"] == "无响应局" and "连接被拒绝" in error["error"]
    assert "无响应局：未能检查" in first.stdout and "总览：" in first.stdout
    stale = two_batches["first_reports"]["stale"]
    vetoes = [f["rule"] for f in stale["findings"] if f["status"] == "fail" and f["severity"] == "veto"]
    assert stale["summary"]["verdict"] == "不合格" and "GK203" in vetoes, vetoes
    assert two_batches["first_reports"]["sample"]["summary"]["verdict"] == "合格"


def test_the_second_batch_shows_exactly_what_changed(two_batches):
    second = two_batches["second"]
    assert second.returncode == 1, second.stderr
    r2 = two_batches["second_reports"]["sample"]
    new = {(f["rule"], f["subject"]) for f in r2["findings"] if f["status"] == "fail" and f["change"] == "new"}
    assert new == {("GK301", f"{two_batches['second_url']}images/logo.png")}
    assert [(x["rule"], x["subject"]) for x in r2["fixed"]] == [("GK102", BANNER)]
    stale = two_batches["second_reports"]["stale"]
    assert stale["summary"]["changes"]["new"] == 0 and stale["fixed"] == []


def test_the_index_lists_every_portal(two_batches):
    index = (two_batches["reports"] / "index.html").read_text(encoding="utf-8")
    for text in ("示例市商务局", "停更局", "无响应局", "未能检查", "sample/report.html", "stale/report.html"):
        assert text in index, text


def test_each_batch_notifies_what_is_new(two_batches):
    first, second = two_batches["posts"]
    assert first["schema"] == second["schema"] == "gapcheck.notify/1"
    assert "个网站出现新问题" in first["subject"] and "1 个网站无法检查" in first["subject"]
    # The second batch: the sample portal's one new gap, the dead portal still not checked.
    assert "1 个网站出现新问题" in second["subject"] or "无法检查" in second["subject"], second["subject"]
    assert "通知：webhook" in two_batches["second"].stdout
