"""How gapcheck treats a server, end to end: the real `gapcheck check` against servers that limit,
slow down, fail, lie about missing pages, or live on another host.

Each test starts its own `routeserver` and reads what the server saw (request times, counts, User-Agent)
and what the report says.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from pathlib import Path

import pytest
from cli import gapcheck
from routeserver import Answer, Bucket, Req, html, serve

ARTICLE = "本局认真贯彻落实党中央、国务院决策部署，持续推进政务公开标准化规范化建设。" * 8


def _check(url: str, tmp: Path, crawl: str = "", *args: str, name: str = "run") -> dict:
    profile = tmp / f"{name}.yaml"
    profile.write_text(f"name: 测试\nextends: national\ncrawl: {{{crawl}}}\n", encoding="utf-8")
    out = tmp / name
    result = gapcheck(
        "check", url, "--profile", str(profile), "--out", str(out), "--db", str(tmp / "db.sqlite"), *args, timeout=240
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def _crawl(route, tmp: Path) -> tuple[dict, str, set[str]]:
    """A plain, fast run (no delay, no browser) of a route server: the report, the server's URL and the
    paths it was asked for."""
    with serve(route) as server:
        report = _check(server.url, tmp, "", "--delay", "0", "--no-render")
        return report, server.url, {r.path for r in server.requests}


def _links(report: dict) -> dict[str, dict]:
    return {x["url"]: x for x in report["links"]}


def _findings(report: dict, rule: str) -> list[dict]:
    return [f for f in report["findings"] if f["rule"] == rule]


# -- rate limits ---------------------------------------------------------------------------


PAGES = 30


@pytest.mark.e2e
def test_a_portal_that_answers_429_to_bursts_is_crawled_whole_at_its_rate(tmp_path):
    bucket = Bucket(rate=4, burst=3)

    def route(req: Req) -> Answer:
        if req.path == "/robots.txt":
            return Answer(404)
        if not bucket.take():
            return html("请求过于频繁", status=429, headers={"Retry-After": "1"})
        if req.path == "/":
            return html("".join(f'<li><a href="/p/{i}.html">第{i}篇</a></li>' for i in range(PAGES)))
        if req.path.startswith("/p/"):
            return html(f'<p>{ARTICLE}</p><a href="/">首页</a>', title="文章")
        return Answer(404)

    with serve(route) as server:
        started = time.monotonic()
        report = _check(server.url, tmp_path, "", "--delay", "0", "--concurrency", "4")
        elapsed = time.monotonic() - started
        asked = [r for r in server.requests if r.path != "/robots.txt" and "not-found" not in r.path]
    assert report["run"]["pages"] == PAGES + 1
    assert not [x for x in report["links"] if x["verdict"] != "ok"], report["links"]
    assert not [f for f in _findings(report, "GK303")]
    # Slowed down after the first burst instead of being refused all along, and kept close to the rate
    # allowed instead of crawling at a fraction of it.
    assert bucket.refused <= 0.35 * len(asked), (bucket.refused, len(asked))
    span = asked[-1].at - asked[0].at
    assert (len(asked) - bucket.refused) / span >= 0.5 * bucket.rate, (len(asked), bucket.refused, span)
    print(
        f"\n429 bursts: {len(asked)} requests, {bucket.refused} refused, {span:.1f} s of requests, "
        f"{elapsed:.1f} s in all"
    )


@pytest.mark.e2e
def test_a_url_that_stays_limited_is_waited_for_then_unverified_and_asked_again_at_the_end(tmp_path):
    def route(req: Req) -> Answer:
        if req.path == "/":
            return html('<a href="/limited.html">限流</a><a href="/busy.html">繁忙</a><a href="/ok.html">正常</a>')
        if req.path == "/limited.html":
            return html("slow down", status=429, headers={"Retry-After": "1"})
        if req.path == "/busy.html":  # 503 with Retry-After is a rate limit too, not a broken page
            return html("busy", status=503, headers={"Retry-After": "1"})
        return html(ARTICLE) if req.path == "/ok.html" else Answer(404)

    with serve(route) as server:
        report = _check(server.url, tmp_path, "timeout: 3", "--delay", "0")
        limited, busy = server.hits("/limited.html"), server.hits("/busy.html")
    links = _links(report)
    for path in ("/limited.html", "/busy.html"):
        link = links[server.url.rstrip("/") + path]
        assert link["verdict"] == "unverified" and "限流" in link["reason"], link
    # Once, three waits, then the second pass: once and three waits again.
    assert limited == busy == 8
    assert not [f for f in _findings(report, "GK301") if f["status"] == "fail"]


@pytest.mark.e2e
def test_robots_crawl_delay_is_kept_between_requests(tmp_path):
    def route(req: Req) -> Answer:
        if req.path == "/robots.txt":
            return Answer(200, b"User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n", content_type="text/plain")
        if req.path == "/":
            return html("".join(f'<a href="/p/{i}.html">第{i}篇</a>' for i in range(5)))
        return html(ARTICLE) if req.path.startswith("/p/") else Answer(404)

    with serve(route) as server:
        # --no-render: Chromium's own request for the start page (crawl.render auto) is sent when the
        # browser is ready, after the pace let it go; the gap it leaves is the browser's, not the pace's.
        report = _check(server.url, tmp_path, "", "--delay", "0", "--concurrency", "4", "--no-render")
        starts = [r.at for r in server.requests if r.path != "/robots.txt"]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) >= 7 and min(gaps) >= 0.95, gaps
    note = _findings(report, "GK905")[0]
    assert "Crawl-delay 1 秒" in note["evidence"], note


@pytest.mark.e2e
def test_the_configured_delay_is_the_least_gap_between_requests(tmp_path):
    """Scrapy randomizes its download delay to 0.5-1.5 times the setting; the profile's delay still holds."""

    def route(req: Req) -> Answer:
        if req.path == "/":
            return html("".join(f'<a href="/p/{i}.html">第{i}篇</a>' for i in range(8)))
        return html(ARTICLE) if req.path.startswith("/p/") else Answer(404)

    with serve(route) as server:
        _check(server.url, tmp_path, "", "--delay", "0.4", "--concurrency", "2", "--no-render")
        starts = [r.at for r in server.requests if r.path != "/robots.txt"]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(starts) >= 9 and min(gaps) >= 0.37, gaps


@pytest.mark.e2e
def test_a_huge_robots_txt_is_read_up_to_500_kib_as_google_does(tmp_path):
    # 11 MB of robots.txt cost 428 MB to parse. Google reads the first 500 KiB and ignores the rest.
    robots = b"User-agent: *\nDisallow: /early/\n" + (b"# " + b"x" * 97 + b"\n") * 110_000 + b"Disallow: /late/\n"

    def route(req: Req) -> Answer:
        if req.path == "/robots.txt":
            return Answer(200, robots, content_type="text/plain")
        if req.path == "/":
            return html('<a href="/early/a.html">早</a><a href="/late/a.html">晚</a>')
        return html(ARTICLE)

    with serve(route) as server:
        _check(server.url, tmp_path, "", "--delay", "0", "--no-render")
        asked = {r.path for r in server.requests}
    assert "/early/a.html" not in asked  # forbidden in the first 500 KiB
    assert "/late/a.html" in asked  # forbidden only 11 MB down: not read


# -- a host that keeps failing ------------------------------------------------------------


@pytest.mark.e2e
def test_a_failing_host_trips_the_breaker_and_its_other_links_are_unverified(tmp_path):
    # Another site's host: the portal's own pages are all asked again at the end whatever the breaker says.
    def failing(req: Req) -> Answer:
        return html("error", status=500) if req.path.startswith("/down/") else Answer(404)

    with serve(failing) as other:

        def route(req: Req) -> Answer:
            if req.path == "/":
                return html("".join(f'<a href="{other.url}down/{i}.html">第{i}篇</a>' for i in range(30)))
            return Answer(404)

        with serve(route) as server:
            report = _check(server.url, tmp_path, "", "--delay", "0")
        down = sum(1 for r in other.requests if r.path.startswith("/down/"))
    links = [x for x in report["links"] if "/down/" in x["url"]]
    stopped = [x for x in links if x["verdict"] == "unverified"]
    assert len(links) == 30
    assert len(stopped) >= 20 and all("停止" in x["reason"] for x in stopped), stopped[:2]
    # Those asked before the breaker opened, or first in the second pass (half-open), answered 500.
    broken = [x["reason"] for x in links if x["verdict"] == "broken"]
    assert 1 <= len(broken) <= 5 and set(broken) == {"服务器内部错误"}, broken
    # Without the breaker: 30 links × 3 tries. With it: 10 first tries, what was under way, one in the second pass.
    assert down <= 16, down
    note = _findings(report, "GK905")[0]
    assert "停止" in note["evidence"]
    assert 1 <= _retried(report) <= 3, note  # asked again: the half-open try, not every stopped link


@pytest.mark.e2e
def test_failing_pages_in_a_row_do_not_cut_off_the_rest_of_the_portal(tmp_path):
    # Ten pages of the portal's own host fail in a row (the breaker opens on it); a healthy section
    # follows. Every page of the site gets its slow second try, one failing retry does not stop the others,
    # and the crawl-health findings say what was really fetched and retried.
    def route(req: Req) -> Answer:
        if req.path == "/":
            return html(
                "".join(f'<a href="/t{i}.html">坏{i}</a>' for i in range(10)) + '<a href="/ok/index.html">正常栏目</a>'
            )
        if req.path.startswith("/t"):
            return html("error", status=500)
        if req.path == "/ok/index.html":
            # Answered after the last failure: sent beside it (the home page's last link, two at a time), a
            # quicker answer reset the failures in a row at 9 and the breaker never opened (1 run in 8 on a
            # busy machine).
            return html("".join(f'<a href="/ok/{i}.html">第{i}篇</a>' for i in range(20)), delay=1.0)
        if req.path.startswith("/ok/"):
            return html(ARTICLE)
        return Answer(404)

    report, site, asked = _crawl(route, tmp_path)
    assert {f"/ok/{i}.html" for i in range(20)} <= asked, sorted(asked)
    links = _links(report)
    # Stopped by the breaker in the crawl, each asked again at the end: none is left 停止.
    assert all(links[f"{site}t{i}.html"]["reason"] == "服务器内部错误" for i in range(10)), links
    [gk901] = _findings(report, "GK901")
    assert (gk901["status"], gk901["evidence"]) == ("pass", "抓取了 32 个页面"), gk901  # home, ten 500s, 21 ok
    # Whatever the breaker stopped (500s before their last try, the section or its pages) was asked again.
    assert 1 <= _retried(report) <= 31


def _retried(report: dict) -> int:
    """How many undecided targets GK905 says were asked again at the end."""
    m = re.search(r"(\d+) 个未能判定的链接在结束时慢速重新请求", _findings(report, "GK905")[0]["evidence"])
    return int(m.group(1)) if m else 0


@pytest.mark.e2e
def test_a_target_that_times_out_in_the_crawl_is_asked_again_slowly_at_the_end(tmp_path):
    def route(req: Req) -> Answer:
        if req.path == "/":
            return html('<a href="/later.html">稍后</a>')
        if req.path == "/later.html":
            return html(ARTICLE, delay=2.5 if req.n <= 3 else 0)
        return Answer(404)

    with serve(route) as server:
        # --no-render: crawl.render auto would ask a page below the start page once more, rendered.
        report = _check(server.url, tmp_path, "timeout: 1", "--delay", "0", "--no-render")
        hits = server.hits("/later.html")
    assert hits == 4  # three tries in the crawl, one in the second pass (with a longer timeout)
    assert not [x for x in report["links"] if x["url"].endswith("/later.html")]


# -- soft 404 -------------------------------------------------------------------------------


def _catch_all(req: Req) -> Answer:
    """A CMS that answers every unknown path with the site's shell, nothing that says 404."""
    return html(f'<div>示例局 欢迎访问 {req.path}</div><a href="/">首页</a>', title="示例局")


def _home_instead(req: Req) -> Answer:
    """A server that sends every unknown path to the home page."""
    return Answer(302, headers={"Location": "/"})


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("missing", "reason"),
    [
        (_catch_all, "与本站不存在页面的回应相同"),
        (_home_instead, "跳转到与不存在页面相同的地址"),
    ],
)
def test_a_host_that_hides_missing_pages_has_them_reported_as_soft_404(tmp_path, missing, reason):
    def route(req: Req) -> Answer:
        if req.path == "/":
            return html(
                f'<a href="/real.html">真实</a><a href="/missing.html">已删除</a><p>{ARTICLE}</p>', title="示例局"
            )
        if req.path == "/real.html":
            return html(f"<h1>通知</h1><p>{ARTICLE}</p>", title="关于开展检查的通知")
        return missing(req)

    with serve(route) as server:
        report = _check(server.url, tmp_path, "", "--delay", "0")
    links = _links(report)
    found = links[server.url + "missing.html"]
    assert found["verdict"] == "broken" and reason in found["reason"], found
    assert server.url + "real.html" not in links and server.url not in links


# -- external links, DNS, User-Agent ---------------------------------------------------------


@pytest.mark.e2e
def test_external_answers_are_reused_for_a_while_and_broken_ones_asked_every_run(tmp_path):
    def external(req: Req) -> Answer:
        return html(f'{ARTICLE}<a href="/deeper.html">更多</a>') if req.path == "/ok.html" else Answer(404)

    with serve(external, host="localhost") as other:

        def route(req: Req) -> Answer:
            if req.path == "/":
                return html(f'<a href="{other.url}ok.html">外部</a><a href="{other.url}gone.html">外部失效</a>')
            return Answer(404)

        with serve(route) as server:
            first = _check(server.url, tmp_path, "", "--delay", "0", name="first")
            after_first = other.hits("/ok.html"), other.hits("/gone.html")
            second = _check(server.url, tmp_path, "", "--delay", "0", name="second")
            after_second = other.hits("/ok.html"), other.hits("/gone.html")
            _check(server.url, tmp_path, "", "--delay", "0", "--recheck-external", name="third")
            after_third = other.hits("/ok.html"), other.hits("/gone.html")
    assert after_first[0] >= 1 and after_first[1] >= 1
    assert after_second[0] == after_first[0]  # reused
    assert after_second[1] > after_first[1]  # a broken one is asked again
    assert after_third[0] > after_second[0]
    assert other.hits("/deeper.html") == 0 and other.hits("/ok.html", "GET") == 0  # out of scope: asked, never crawled
    for report in (first, second):
        assert [x["url"] for x in report["links"]] == [other.url + "gone.html"]
    note = _findings(second, "GK905")[0]
    assert "1 个外部链接沿用" in note["evidence"], note


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("probe", "verdict", "reason"),
    [
        ("localhost", "broken", "域名无法解析"),
        ("no-such-name.invalid", "unverified", "DNS 不可用"),
    ],
)
def test_a_name_that_does_not_resolve_is_broken_only_where_dns_works(tmp_path, probe, verdict, reason):
    def route(req: Req) -> Answer:
        return (
            html('<a href="http://gapcheck-no-such-host.invalid/x.html">外部</a>') if req.path == "/" else Answer(404)
        )

    with serve(route) as server:
        report = _check(server.url, tmp_path, f"dns_probe: [{probe}]", "--delay", "0")
    link = _links(report)["http://gapcheck-no-such-host.invalid/x.html"]
    assert link["verdict"] == verdict and reason in link["reason"], link


@pytest.mark.e2e
def test_the_user_agent_names_the_contact_from_the_profile(tmp_path):
    with serve(lambda req: html("首页") if req.path == "/" else Answer(404)) as server:
        _check(server.url, tmp_path, "contact: web@example.gov.cn", "--delay", "0")
        agents = {r.user_agent for r in server.requests}
    assert agents and all(a.startswith("gapcheck/") and "contact: web@example.gov.cn" in a for a in agents), agents


# -- anchors and redirects -------------------------------------------------------------------


@pytest.mark.e2e
def test_missing_anchors_and_odd_redirects_are_listed(tmp_path):
    with serve(lambda req: html(ARTICLE, title="新地址")) as elsewhere:

        def route(req: Req) -> Answer:
            if req.path == "/":
                return html(
                    '<a href="/doc.html#sec2">第二节</a><a href="/doc.html#nope">第九节</a>'
                    '<a href="/hop/0.html">多次跳转</a>'
                    f'<a href="/moved.html">已迁移</a><p>{ARTICLE}</p>'
                )
            if req.path == "/doc.html":
                return html(f'<h2 id="sec1">一</h2><a name="sec2">二</a><p>{ARTICLE}</p>', title="文档")
            if req.path.startswith("/hop/"):
                n = int(req.path[5:-5])
                return Answer(302, headers={"Location": f"/hop/{n + 1}.html"}) if n < 5 else html(ARTICLE, title="终点")
            if req.path == "/moved.html":
                return Answer(301, headers={"Location": elsewhere.url.replace("127.0.0.1", "localhost") + "new.html"})
            return Answer(404)

        with serve(route) as server:
            report = _check(server.url, tmp_path, "", "--delay", "0")
    anchors = _findings(report, "GK304")
    assert [(f["status"], f["subject"]) for f in anchors] == [("warn", server.url + "doc.html#nope")]
    redirects = {f["subject"]: f for f in _findings(report, "GK305")}
    assert set(redirects) == {"跳转到其他网站", "跳转次数过多"}, redirects
    assert "/moved.html → http://localhost:" in redirects["跳转到其他网站"]["evidence"]
    assert "5 次后到" in redirects["跳转次数过多"]["evidence"]


# -- the pieces ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (b"5", 5.0),
        (b"Sat, 28 Nov 2026 12:00:30 GMT", 30.0),
        (b"Sat, 28 Nov 2026 11:59:00 GMT", 0.0),  # already past
        (b"soon", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(header, seconds):
    import datetime as dt

    from spiders.politeness import retry_after

    now = dt.datetime(2026, 11, 28, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after(header, now) == seconds


@pytest.mark.parametrize(
    ("title", "text", "challenged"),
    [
        ("安全验证", "请完成滑动验证后继续访问", True),
        ("Just a moment...", "Checking your browser before accessing", True),
        ("访问被拦截", "您的访问被拦截，请联系管理员", True),
        ("网站防火墙建设情况", "本局" * 200, False),  # a page about firewalls, long enough to be one
        ("某某市商务局", "首页 政务公开", False),
    ],
)
def test_a_firewall_check_page_is_told_from_a_page(title, text, challenged):
    from checks.answers import Judge
    from core.model import LinkCheck, Verdict
    from spiders.portal import _check_page

    check = LinkCheck("http://x.gov.cn/a.html", status=200, title=title, text=text[:500])
    answer = Judge("http://x.gov.cn/", (), soft_404_text=300, challenge_text=200)(check)
    assert _check_page(check) is challenged
    assert answer.verdict is (Verdict.UNVERIFIED if challenged else Verdict.OK)
    assert answer.reason.startswith("防火墙验证页面") is challenged


def test_the_dns_probe_needs_one_name_to_resolve():
    from spiders.portal import _any_resolves

    assert _any_resolves(["gapcheck-no-such-host.invalid", "localhost"])
    assert not _any_resolves(["gapcheck-no-such-host.invalid"])


@pytest.mark.e2e
def test_a_tls_handshake_that_fails_is_a_broken_link(tmp_path):
    # https:// to a server that only speaks plain HTTP: the handshake fails as with a broken certificate setup.
    with serve(lambda req: Answer(404)) as plain:
        tls = plain.url.replace("http://", "https://").replace("127.0.0.1", "localhost") + "x.html"

        def route(req: Req) -> Answer:
            return html(f'<a href="{tls}">加密链接</a>') if req.path == "/" else Answer(404)

        with serve(route) as server:
            report = _check(server.url, tmp_path, "dns_probe: [localhost]", "--delay", "0")
    link = _links(report)[tls]
    assert link["verdict"] == "broken" and "TLS" in link["reason"], link


def test_the_breaker_counts_the_sites_urls_not_robots_txt_or_probes():
    """A host's robots.txt or a probe of its missing pages is gapcheck's own request: its answer neither counts
    toward the breaker nor ends a run of failures. In a distributed crawl each worker asks robots.txt when it
    first meets a host, and that 404 used to wipe the failures the other worker had counted."""
    from scrapy.http import Request, Response
    from scrapy.utils.test import get_crawler

    from spiders.politeness import Politeness
    from spiders.roles import Role
    from spiders.settings import BREAKER_FAILURES, DEFAULTS

    politeness = Politeness(get_crawler(settings_dict=DEFAULTS))
    host = "127.0.0.9:8080"

    def answer(path: str, status: int, **meta: object) -> int:
        request = Request(f"http://{host}{path}", meta=meta)
        politeness.process_response(request, Response(request.url, status=status))
        return politeness.host(host).failures

    for i in range(BREAKER_FAILURES - 2):
        answer(f"/down/{i}.html", 500)
    assert answer("/robots.txt", 404, dont_obey_robotstxt=True) == BREAKER_FAILURES - 2
    assert answer("/gapcheck-probe-not-found.html", 404, gapcheck=Role.PROBE) == BREAKER_FAILURES - 2
    assert answer("/robots.txt", 503, dont_obey_robotstxt=True) == BREAKER_FAILURES - 2  # nor counts
    # A robots.txt that redirects a missing file to an error page is still the robots.txt.
    moved = {"dont_obey_robotstxt": True, "redirect_urls": [f"http://{host}/robots.txt"]}
    assert answer("/error/404.html", 200, **moved) == BREAKER_FAILURES - 2
    # A redirect is the front server's answer (http → https): the page behind it is still failing.
    assert answer("/down/moved.html", 301) == BREAKER_FAILURES - 2
    assert answer("/down/last.html", 500) == BREAKER_FAILURES - 1
    assert not politeness.host(host).open_reason
    assert answer("/lxwm.html", 200) == 0  # one of the site's URLs answering ends the run
