"""Incremental crawls: the second run of an unchanged portal revalidates its pages (304) instead of
downloading them, fetches the home and list pages again, and finds exactly what a full crawl finds."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3

import pytest
from cli import SAMPLE_CHECK, gapcheck

from gapcheck.sample.server import PORTAL_DIR, serve

pytestmark = pytest.mark.e2e

AS_OF = "2026-11-20"
ARTICLE = "tzgg/202609/t20260924_2434817.html"


def _check(url: str, tmp, name: str, *args: str) -> dict:
    out = tmp / name
    result = gapcheck(
        "check", url, *SAMPLE_CHECK, "--no-render", "--out", str(out), "--db", str(tmp / "db.sqlite"), *args
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def _failing(report: dict) -> set[str]:
    return {f["fingerprint"] for f in report["findings"] if f["status"] == "fail"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incremental")
    portal = tmp / "portal"
    shutil.copytree(PORTAL_DIR, portal)
    sent = {}
    reports = {}
    with serve(portal) as server:
        for name, args in (("full", ()), ("again", ())):
            before = server.bytes_sent
            reports[name] = _check(server.url, tmp, name, *args)
            sent[name] = server.bytes_sent - before
        article = portal / ARTICLE
        article.write_text(
            article.read_text(encoding="utf-8").replace("</body>", "<p>补充说明：本文件已修订。</p></body>"),
            encoding="utf-8",
        )
        os.utime(article, (article.stat().st_atime, article.stat().st_mtime + 10))
        before = server.bytes_sent
        reports["changed"] = _check(server.url, tmp, "changed")
        sent["changed"] = server.bytes_sent - before
        before = server.bytes_sent
        reports["forced"] = _check(server.url, tmp, "forced", "--full")
        sent["forced"] = server.bytes_sent - before
    with serve(portal) as moved:  # the same portal on another port: still revalidated
        reports["moved"] = _check(moved.url, tmp, "moved")
        sent["moved"] = moved.bytes_sent
    return {"tmp": tmp, "sent": sent, "reports": reports, "url": server.url}


def test_an_unchanged_portal_is_revalidated_not_downloaded(runs):
    sent = runs["sent"]
    # The sample portal is small and list-heavy (its list pages are fetched again); bench/incremental.py
    # measures a generated portal of thousands of pages.
    assert sent["again"] <= 0.2 * sent["full"], sent
    assert sent["forced"] >= 0.9 * sent["full"], sent  # --full downloads everything again
    note = next(f for f in runs["reports"]["again"]["findings"] if f["rule"] == "GK905")
    assert "未变化（304）" in note["evidence"], note
    print(
        f"\nbytes: full {sent['full']}, second run {sent['again']} "
        f"({1 - sent['again'] / sent['full']:.0%} saved), --full {sent['forced']}"
    )


def test_a_revalidated_crawl_finds_what_a_full_crawl_finds(runs):
    full, again, forced = (runs["reports"][k] for k in ("full", "again", "forced"))
    assert _failing(again) == _failing(full) == _failing(forced)
    assert again["summary"]["score"] == full["summary"]["score"]
    assert again["run"]["pages"] == full["run"]["pages"]
    assert len(again["columns"]) == len(full["columns"])


def test_a_changed_page_is_downloaded_again(runs):
    db = sqlite3.connect(runs["tmp"] / "db.sqlite")
    texts = [
        row[0] for row in db.execute("SELECT text FROM pages WHERE url = ? ORDER BY run_id", (runs["url"] + ARTICLE,))
    ]
    assert len(texts) == 4
    assert "本文件已修订" not in texts[1] and "本文件已修订" in texts[2]


def test_the_same_portal_on_another_port_is_still_revalidated(runs):
    assert runs["sent"]["moved"] <= 0.2 * runs["sent"]["full"], runs["sent"]
    moved, full = runs["reports"]["moved"], runs["reports"]["full"]
    assert _failing(moved) == _failing(full)
    assert moved["run"]["pages"] == full["run"]["pages"]
    assert all(
        page.startswith(moved["site"]["start_url"])
        for page in (f["url"] for f in moved["findings"] if f.get("url") and "127.0.0.1" in f["url"])
    )
