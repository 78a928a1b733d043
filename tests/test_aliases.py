"""Staging copies and mirrors: `--alias www.example.gov.cn=http://127.0.0.1:PORT` (and crawl.aliases) checks
a local server whose pages link to absolute production URLs as the production site. Every page is crawled
from the alias, the reports show production URLs, and the production name is never looked up: the check
runs with a sitecustomize that records (and refuses) every lookup of it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from cli import gapcheck
from routeserver import Answer, Req, html, serve

pytestmark = pytest.mark.e2e

PROD = "http://www.example.gov.cn"

SITECUSTOMIZE = """
import os, socket
_log = os.environ["GAPCHECK_TEST_LOOKUPS"]
def _guard(name):
    def wrapped(host, *a, **kw):
        text = host.decode() if isinstance(host, bytes) else str(host)
        if "example.gov.cn" in text:
            with open(_log, "a") as f:
                f.write(name + " " + text + "\\n")
            raise socket.gaierror(socket.EAI_NONAME, "refused by the test")
        return getattr(socket, "_orig_" + name)(host, *a, **kw)
    return wrapped
for _name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
    setattr(socket, "_orig_" + _name, getattr(socket, _name))
    setattr(socket, _name, _guard(_name))
"""


def _routes(alias: str):
    nav = (
        f'<div class="nav"><a href="{PROD}/zwgk/">政务公开</a><a href="{PROD}/tzgg/index.html">通知公告</a>'
        '<a href="/about.html">关于</a><a href="/old.html">旧版</a></div>'
    )

    def route(req: Req) -> Answer:
        if req.path == "/":
            return html(nav + "<p>" + "本局工作动态。" * 30 + "</p>")
        if req.path == "/zwgk/":
            return html(nav + f'<a href="{PROD}/zwgk/1.html">公开第一条</a>')
        if req.path == "/old.html":  # a staging server names itself in its redirects
            return Answer(301, headers={"Location": f"{alias}moved.html"})
        if req.path in ("/tzgg/index.html", "/zwgk/1.html", "/about.html", "/moved.html"):
            return html(nav + "<p>正文</p>")
        return Answer(404)

    return route


def _check(
    tmp_path: Path, server_url: str, *alias_args: str, profile_extra: str = ""
) -> tuple[subprocess.CompletedProcess, Path]:
    (tmp_path / "site").mkdir(exist_ok=True)
    (tmp_path / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    log = tmp_path / "lookups.log"
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "name: 镜像检查\nextends: national\n"
        f"crawl: {{delay: 0, timeout: 5, dns_probe: [localhost], render: off{profile_extra}}}\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), os.environ.get("PYTHONPATH", "")]),
        "GAPCHECK_TEST_LOOKUPS": str(log),
    }
    out = tmp_path / "out"
    result = gapcheck(
        "check",
        f"{PROD}/",
        "--profile",
        str(profile),
        "--out",
        str(out),
        "--db",
        str(tmp_path / "db.sqlite"),
        *alias_args,
        timeout=120,
        env=env,
    )
    return result, out


def test_alias_crawls_the_mirror_as_production(tmp_path):
    with serve(lambda req: route(req)) as server:
        route = _routes(server.url)
        result, out = _check(tmp_path, server.url, "--alias", f"www.example.gov.cn={server.url}")
        asked = {r.path for r in server.requests if r.method == "GET"}
    assert result.returncode in (0, 1), result.stderr
    assert {"/", "/zwgk/", "/tzgg/index.html", "/zwgk/1.html", "/about.html", "/old.html", "/moved.html"} <= asked
    assert not (tmp_path / "lookups.log").exists(), (tmp_path / "lookups.log").read_text()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["site"]["start_url"] == f"{PROD}/"
    assert report["run"]["pages"] >= 5
    urls = {f["url"] for f in report["findings"] if f.get("url")} | {x["url"] for x in report["links"]}
    assert not any("127.0.0.1" in u for u in urls), sorted(u for u in urls if "127.0.0.1" in u)
    assert any(u.startswith(PROD) for u in urls)
    stored = sqlite3.connect(tmp_path / "db.sqlite").execute("SELECT url, final_url FROM pages").fetchall()
    assert stored and all(u.startswith(PROD) and f.startswith(PROD) for u, f in stored), stored
    assert (f"{PROD}/old.html", f"{PROD}/moved.html") in stored  # the alias's redirect, mapped back


def test_profile_aliases(tmp_path):
    with serve(lambda req: route(req)) as server:
        route = _routes(server.url)
        result, _out = _check(tmp_path, server.url, profile_extra=f", aliases: {{www.example.gov.cn: '{server.url}'}}")
        assert server.hits("/zwgk/1.html", "GET") == 1
    assert result.returncode in (0, 1), result.stderr
    assert not (tmp_path / "lookups.log").exists()
