"""Link verdicts end to end: the real `gapcheck check` against a server that fails in every way it can.

One crawl (module fixture) of `faultserver`'s home page, which links to every case; each case's verdict
is read back from report.json's `links` (non-ok links only) and from the link findings.
"""

from __future__ import annotations

import json
import re

import pytest
from cli import gapcheck
from faultserver import CASES, HUGE, serve
from scrapy.exceptions import DownloadFailedError, IgnoreRequest
from twisted.python.failure import Failure

from checks.answers import Judge
from core.model import FetchError, LinkCheck, Verdict
from spiders.portal import _classify

CASE_IDS = [c.path for c in CASES]


@pytest.fixture(scope="module")
def fault_server():
    with serve() as server:
        yield server


@pytest.fixture(scope="module")
def report(fault_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("verdicts")
    profile = tmp / "short-timeout.yaml"
    profile.write_text("name: 故障测试\nextends: national\ncrawl: {timeout: 3}\n", encoding="utf-8")
    result = gapcheck(
        "check",
        fault_server.url,
        "--profile",
        str(profile),
        "--delay",
        "0",
        "--concurrency",
        "8",
        "--out",
        str(tmp / "out"),
        "--db",
        str(tmp / "db.sqlite"),
        "--no-render",
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads((tmp / "out" / "report.json").read_text(encoding="utf-8"))


def _url(server, path: str) -> str:
    return server.url.rstrip("/") + path


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_verdict_in_report(report, fault_server, case):
    links = {x["url"]: x for x in report["links"]}
    url = _url(fault_server, case.path)
    if case.verdict == "ok":
        assert url not in links, f"an ok link is listed: {links.get(url)}"
        return
    assert url in links, f"{case.path} not listed; listed: {sorted(links)}"
    link = links[url]
    assert link["verdict"] == case.verdict, link
    assert case.reason in link["reason"], link
    assert link["on_homepage"] and link["found_on"] == [fault_server.url]


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_verdict_in_findings(report, fault_server, case):
    # Every case is linked from the home page, so a broken one is GK301 (GK302 is the same test off the
    # home page); an unverified one is GK303 and never a failure.
    url = _url(fault_server, case.path)
    failed = {f["subject"]: f for f in report["findings"] if f["rule"] in ("GK301", "GK302") and f["status"] == "fail"}
    unverified = {f["subject"]: f for f in report["findings"] if f["rule"] == "GK303"}
    if case.verdict == "broken":
        assert url in failed and failed[url]["rule"] == "GK301", sorted(failed)
        assert case.reason in failed[url]["evidence"]
        assert url not in unverified
    elif case.verdict == "unverified":
        assert url in unverified and unverified[url]["status"] == "unverified"
        assert case.reason in unverified[url]["evidence"]
        assert url not in failed
    else:
        assert url not in failed and url not in unverified


@pytest.mark.e2e
def test_flaky_500_was_retried(report, fault_server):
    assert fault_server.hits["GET", "/flaky/500-once.html"] == 2


@pytest.mark.e2e
def test_persistent_500_was_retried_before_being_broken(report, fault_server):
    assert fault_server.hits["GET", "/err/500.html"] == 3  # RETRY_TIMES 2


@pytest.mark.e2e
def test_huge_attachments_stop_at_the_headers(report, fault_server):
    for path in ("/files/huge.zip", "/files/huge-nohead.zip", "/download.html"):
        # Kernel buffers on both ends take a few MB before a write blocks; reading on would take 50.
        assert fault_server.bytes_sent[path] < HUGE // 5, (path, fault_server.bytes_sent[path])
    assert fault_server.hits["GET", "/files/huge-nohead.zip"] >= 1  # HEAD 405 was confirmed by a GET


@pytest.mark.e2e
def test_firewall_sees_the_gapcheck_user_agent(report, fault_server):
    assert fault_server.hits["GET", "/waf/403.html"] >= 1


@pytest.mark.e2e
def test_redirects_are_followed(report, fault_server):
    # A 3xx is not an answer: the chain's end was asked for, and the loop until Scrapy gave up.
    assert fault_server.hits["GET", "/redirect/final.html"] >= 1
    assert fault_server.hits["HEAD", "/redirect/final.pdf"] >= 1
    assert fault_server.hits["GET", "/gone/404-target.html"] >= 1
    assert fault_server.hits["GET", "/redirect/loop.html"] + fault_server.hits["GET", "/redirect/loop-b.html"] > 2


@pytest.mark.parametrize(
    ("title", "text", "shown"),
    [
        ("页面不存在", "", "页面不存在"),
        ("某某市商务局", "抱歉，您访问的页面不存在或已被删除", "您访问的页面不存在"),
        ("Error", "404 not found nginx", "404 not found"),
        ("404 Not Found", "", "404 Not Found"),
        ("常见问题", "正文" * 200 + "页面不存在", None),  # far down a real page: only a mention
        ("新闻", "本局召开会议", None),
    ],
)
def test_soft_404_is_read_from_the_title_or_the_top_of_the_text(title, text, shown):
    judge = Judge("http://x.gov.cn/", (), soft_404_text=300, challenge_text=200)
    answer = judge(LinkCheck("http://x.gov.cn/a.html", status=200, title=title, text=text[:500]))
    if shown is None:
        assert (answer.verdict, answer.reason) == (Verdict.OK, "")
    else:
        assert (answer.verdict, answer.reason) == (Verdict.BROKEN, f"软404：页面显示「{shown}」")


@pytest.mark.e2e
def test_every_reason_in_the_report_is_in_chinese(report):
    # No exception's own text (ValueError('…'), <twisted.python.failure.Failure …>) reaches a reader.
    reasons = [x["reason"] for x in report["links"]]
    assert reasons and not [r for r in reasons if re.search(r"[A-Za-z]+(?:Error|Exception|Failure)\b|twisted|<", r)]


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("Missing scheme in request url: h"),
        DownloadFailedError("[<twisted.python.failure.Failure builtins.OSError: something odd>]"),
        IgnoreRequest("some middleware's own words"),
        OSError("[Errno 24] Too many open files"),
    ],
)
def test_a_failure_gapcheck_does_not_know_gets_a_chinese_reason(exc):
    kind, _ = _classify(Failure(exc))
    judge = Judge("http://x.gov.cn/", (), soft_404_text=300, challenge_text=200)
    assert kind is FetchError.OTHER
    assert judge(LinkCheck("http://x.gov.cn/a.html", error=kind)).reason.startswith("请求失败（原因不明")
