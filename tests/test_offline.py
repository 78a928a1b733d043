"""Offline and intranet runs: external links never requested under --offline (crawl.external: false) and
listed as not checked; and on any run, a host whose name does not resolve is looked up once, not once per
link. Names under `.invalid` (RFC 2606) never resolve; every server here is on 127.0.0.0/8."""

from __future__ import annotations

import json
import time

import pytest
from cli import gapcheck
from routeserver import Answer, Req, html, serve

pytestmark = pytest.mark.e2e

HOSTS = 30
LINKS_PER_HOST = 10


def _profile(tmp_path, extra: str = "", name: str = "p") -> str:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        "name: 离线检查\nextends: national\n"
        f"crawl: {{delay: 0, timeout: 5, dns_probe: [localhost], render: off{extra}}}\n",
        encoding="utf-8",
    )
    return str(path)


def test_links_to_unresolvable_hosts_are_decided_at_once(tmp_path):
    links = "".join(
        f'<a href="http://h{h}.gapcheck-test.invalid/p{i}.html">外链{h}-{i}</a>'
        for h in range(HOSTS)
        for i in range(LINKS_PER_HOST)
    )

    def route(req: Req) -> Answer:
        if req.path == "/":
            return html("<p>" + "本局工作动态。" * 30 + "</p>" + links)
        return Answer(404)

    with serve(route) as server:
        started = time.monotonic()
        result = gapcheck(
            "check",
            server.url,
            "--profile",
            _profile(tmp_path),
            "--out",
            str(tmp_path / "out"),
            "--db",
            str(tmp_path / "db.sqlite"),
        )
        took = time.monotonic() - started
    assert result.returncode in (0, 1), result.stderr
    print(f"{HOSTS * LINKS_PER_HOST} links to {HOSTS} unresolvable hosts: {took:.1f} s")
    # Looked up once per link, the lookups alone would take 300 links × the 5 s timeout / 16 at a time ≈ 94 s;
    # once per host it is a few seconds, and the bound leaves room for a machine loaded by other work.
    assert took < 45, f"{took:.1f} s"
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    external = [x for x in report["links"] if ".invalid" in x["url"]]
    assert len(external) == HOSTS * LINKS_PER_HOST
    assert len({(x["verdict"], x["reason"]) for x in external}) == 1, {(x["verdict"], x["reason"]) for x in external}


def test_offline_never_asks_external_links(tmp_path):
    with serve(lambda req: html("<p>外站</p>"), host="127.0.0.2") as outside:

        def route(req: Req) -> Answer:
            if req.path == "/":
                return html(
                    "<p>" + "本局工作动态。" * 30 + '</p><a href="/a.html">站内</a>'
                    f'<a href="{outside.url}page.html">外站页面</a><img src="{outside.url}logo.png">'
                    '<a href="http://www.gapcheck-test.invalid/">外站</a>'
                )
            if req.path == "/a.html":
                return html("<p>站内页面</p>")
            return Answer(404)

        with serve(route) as server:
            for how in (["--offline"], ["--profile", _profile(tmp_path, ", external: false", "offline")]):
                out = tmp_path / how[0].strip("-")
                args = ["check", server.url, "--out", str(out), "--db", str(tmp_path / "db.sqlite")]
                if how == ["--offline"]:
                    args += ["--profile", _profile(tmp_path), "--offline"]
                else:
                    args += how
                result = gapcheck(*args)
                assert result.returncode in (0, 1), result.stderr
                report = json.loads((out / "report.json").read_text(encoding="utf-8"))
                external = {x["url"]: x for x in report["links"] if not x["url"].startswith(server.url)}
                assert set(external) == {
                    f"{outside.url}page.html",
                    f"{outside.url}logo.png",
                    "http://www.gapcheck-test.invalid/",
                }
                assert {x["verdict"] for x in external.values()} == {"skipped"}
                assert all("未检查（离线）" in x["reason"] for x in external.values())
                failing = [f for f in report["findings"] if f["status"] == "fail" and f["rule"].startswith("GK3")]
                assert failing == [], failing
                assert server.hits("/a.html") == 1
                server.requests.clear()
    assert outside.requests == []
