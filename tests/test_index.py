"""The supervisors' overview (`gapcheck index DIR`) and the read-only report server (`gapcheck serve DIR`).

The reports are genuine: `gapcheck demo` writes one, and copies of it stand for other sites, edited the
way real ones differ (verdict, score, vetoes, history) and the way hostile ones might (markup and
javascript: URLs in the site's name and address, which come from the crawled portal).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import http.client
import json
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

import lxml.html
import pytest
from cli import COMMAND, gapcheck
from reports import make_report

from gapcheck.report import write_index
from gapcheck.report.index import sparkline
from gapcheck.report.model import TrendPoint

pytestmark = pytest.mark.e2e

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOSTILE_NAME = "<script>window.__pwned = 1; alert(1)</script>某区人民政府"
HOSTILE_ATTR_NAME = '某某局"><img src=x onerror="window.__pwned=2">'
HOSTILE_URL = "javascript:window.__pwned=3//"
ODD_SLUG = "javascript:alert(1)"


def run_demo(out: Path) -> dict:
    """The real `gapcheck demo` into `out`; its report.json."""
    result = gapcheck("demo", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def add_site(reports: Path, slug: str, source: Path, report: dict) -> Path:
    """DIR/<slug>/ as `gapcheck batch` writes it: the demo's files, report.json replaced by `report` (built
    through the model, so only a report gapcheck could have written)."""
    folder = reports / slug
    folder.mkdir(parents=True)
    for name in ("report.html", "report.csv", "report.xlsx", "report.md"):
        shutil.copy(source / name, folder / name)
    (folder / "report.json").write_text(make_report(report).json_text(), encoding="utf-8")
    return folder


def failing_variant(report: dict) -> dict:
    """The demo's report as a failing site with a history: a new veto, 3 runs of trend, hostile name/URL."""
    r = copy.deepcopy(report)
    r["site"]["name"] = HOSTILE_NAME
    r["site"]["start_url"] = HOSTILE_URL
    r["run"]["id"] = 7
    r["run"]["finished_at"] = "2026-11-27T09:30:00+00:00"
    r["summary"].update(
        verdict="不合格", score=42.5, vetoes=2, changes={"previous_run": 6, "new": 3, "still_open": 13, "fixed": 2}
    )
    r["findings"].append(
        {
            "rule": "GK203",
            "title": "首页不更新",
            "status": "fail",
            "severity": "veto",
            "subject": "首页",
            "url": "http://a.gov.cn/",
            "evidence": "",
            "message": "",
            "deduction": 0.0,
            "change": "new",
        }
    )
    r["findings"].append(
        {
            "rule": "GK601",
            "title": "政务咨询栏目缺失",
            "status": "fail",
            "severity": "veto",
            "subject": "政务咨询",
            "url": "",
            "evidence": "",
            "message": "",
            "deduction": 0.0,
            "change": "open",
            "since": {"run": 5, "as_of": "2026-10-01"},
        }
    )
    r["fixed"] = [
        {
            "rule": "GK501",
            "title": "网站标识码缺失或不一致",
            "subject": "首页",
            "url": "",
            "fingerprint": "5010000000000000",
        },
        {"rule": "GK503", "title": "ICP备案编号缺失", "subject": "首页", "url": "", "fingerprint": "5030000000000000"},
    ]
    r["trend"] = [
        {"run": 5, "as_of": "2026-10-01", "score": 71, "verdict": "合格", "fail": 9},
        {"run": 6, "as_of": "2026-11-01", "score": 58, "verdict": "不合格", "fail": 14},
        {"run": 7, "as_of": "2026-11-20", "score": 42.5, "verdict": "不合格", "fail": 18},
    ]
    return r


def passing_variant(report: dict) -> dict:
    r = copy.deepcopy(report)
    r["site"]["name"] = HOSTILE_ATTR_NAME
    r["site"]["start_url"] = "https://www.example.gov.cn/"
    r["summary"]["score"] = 88
    r["trend"] = [
        {"run": 1, "as_of": "2026-11-01", "score": 80, "verdict": "合格", "fail": 5},
        {"run": 2, "as_of": "2026-11-20", "score": 88, "verdict": "合格", "fail": 3},
    ]
    return r


def build_reports(tmp: Path) -> dict:
    """A batch folder of four sites (one genuine, two edited, one that failed) and the demo's report."""
    demo_out = tmp / "demo-out"
    demo = run_demo(demo_out)
    reports = tmp / "reports"
    add_site(reports, "demo", demo_out, demo)
    add_site(reports, "fail-site", demo_out, failing_variant(demo))
    add_site(reports, ODD_SLUG, demo_out, passing_variant(demo))
    down = reports / "down"
    down.mkdir()
    (down / "error.json").write_text(
        json.dumps(
            {
                "name": "<b>某某县</b>商务局",
                "url": "javascript:alert(2)",
                "error": "http://down.example.gov.cn/: 连接被拒绝 <script>alert(3)</script>",
                "at": "2026-11-28T08:00:00+00:00",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return {"dir": reports, "demo": demo, "demo_out": demo_out}


@pytest.fixture(scope="module")
def site_reports(tmp_path_factory) -> dict:
    return build_reports(tmp_path_factory.mktemp("index"))


@pytest.fixture(scope="module")
def page(site_reports):
    path = write_index(site_reports["dir"])
    assert path == site_reports["dir"] / "index.html"
    text = path.read_text(encoding="utf-8")
    return {"text": text, "doc": lxml.html.fromstring(text)}


def rows_of(doc) -> list:
    return doc.xpath("//table[@id='sites']/tbody/tr")


def cell_text(el) -> str:
    return " ".join(el.text_content().split())


# -- the page ---------------------------------------------------------------------------------------------


def test_totals_count_sites_by_verdict(page):
    metrics = {cell_text(m.find("span")): cell_text(m.find("b")) for m in page["doc"].xpath("//*[@id='totals']/div")}
    assert metrics == {"网站": "4", "合格": "2", "不合格": "1", "未能检查": "1", "现有问题": "48"}  # 16 each


def test_rows_fail_first_then_unchecked_then_by_score(page, site_reports):
    rows = rows_of(page["doc"])
    names = [cell_text(r.xpath(".//div[@class='site-name']")[0]) for r in rows]
    assert names == [HOSTILE_NAME, "<b>某某县</b>商务局", site_reports["demo"]["site"]["name"], HOSTILE_ATTR_NAME]
    verdicts = [cell_text(r.xpath(".//span[contains(@class, 'verdict ')]")[0]) for r in rows]
    assert verdicts == ["不合格", "未能检查", "合格", "合格"]
    assert [r.get("data-key") for r in rows] == ["fail", "error", "pass", "pass"]
    scores = [cell_text(r.xpath("./td")[2]) for r in rows]
    assert scores == ["42.5", "—", "65.7", "88"]


def test_verdicts_are_coloured(page):
    doc = page["doc"]
    assert doc.xpath("//span[@class='verdict verdict-fail' and text()='不合格']")
    assert len(doc.xpath("//span[@class='verdict verdict-pass' and text()='合格']")) == 2
    assert doc.xpath("//span[@class='verdict verdict-error' and text()='未能检查']")
    css = doc.xpath("//style")[0].text
    assert ".verdict-fail { color: var(--red); }" in css and "--red: #c0262d" in css


def test_failing_site_shows_new_vetoes_changes_and_trend(page):
    row = rows_of(page["doc"])[0]
    cells = row.xpath("./td")
    assert "单项否决 2 项" in cell_text(cells[1])
    assert [cell_text(li) for li in cells[4].xpath(".//li")] == ["首页不更新"]  # GK601 is still open, not new
    assert cell_text(cells[5]) == "16"  # every failing finding of this run is open, new or not
    assert cell_text(cells[6]) == "3" and cell_text(cells[7]) == "2"
    [svg] = cells[3].xpath(".//*[local-name()='svg']")
    [line] = svg.xpath(".//*[local-name()='polyline']")
    assert len(line.get("points").split()) == 3
    assert "71 → 58 → 42.5" in svg.get("aria-label")
    assert cell_text(cells[8]).startswith("2026-11-27 17:30:00")  # 09:30 UTC, in Beijing time
    assert "数据截至 2026-11-20" in cell_text(cells[8])


def test_genuine_demo_row(page, site_reports):
    demo = site_reports["demo"]
    [row] = [r for r in rows_of(page["doc"]) if r.get("data-name") == demo["site"]["name"]]
    cells = row.xpath("./td")
    assert cell_text(cells[2]) == f"{demo['summary']['score']:g}"
    assert cell_text(cells[4]) == "—"  # the sample portal has no veto
    assert cell_text(cells[5]) == f"{demo['summary']['fail']}"
    assert cell_text(cells[6]) == f"{demo['summary']['changes']['new']}首次检查"
    assert cell_text(cells[7]) == "0"
    [a] = cells[0].xpath(".//a")
    assert a.get("href") == demo["site"]["start_url"]
    [report] = cells[9].xpath(".//a")
    assert report.get("href") == "demo/report.html" and cell_text(report) == "查看报告"


def test_unchecked_site_shows_its_error(page):
    row = rows_of(page["doc"])[1]
    assert row.get("class") == "row-error"
    [err] = row.xpath("./td[@class='error-text']")
    assert cell_text(err) == "http://down.example.gov.cn/: 连接被拒绝 <script>alert(3)</script>"
    assert err.get("colspan") == "5"
    assert "2026-11-28 16:00:00" in cell_text(row)
    assert "无报告" in cell_text(row) and not row.xpath(".//a")  # javascript: address stays text


def test_every_report_string_is_escaped(page):
    doc, text = page["doc"], page["text"]
    scripts = doc.xpath("//script")
    assert len(scripts) == 1 and "__pwned" not in scripts[0].text  # only the page's own script
    assert not doc.xpath("//img") and not doc.xpath("//b[not(parent::div[contains(@class, 'metric')])]")
    assert not [a for el in doc.iter() for a in el.attrib if a.lower().startswith("on")]
    assert "&lt;script&gt;window.__pwned" in text
    assert HOSTILE_NAME in cell_text(doc)


def test_links_are_http_or_relative_site_reports(page):
    hrefs = [a.get("href") for a in page["doc"].xpath("//a")]
    assert hrefs
    for href in hrefs:
        scheme = urllib.parse.urlsplit(href).scheme
        assert scheme in ("http", "https") or (scheme == "" and href.endswith("/report.html")), href
    assert "javascript%3Aalert%281%29/report.html" in hrefs  # the folder's name, quoted
    assert not any(h.lower().startswith("javascript:") for h in hrefs)
    assert HOSTILE_URL in cell_text(page["doc"])  # shown, as text


def test_self_contained_and_only_its_own_script_may_run(page):
    doc = page["doc"]
    assert not doc.xpath("//link | //img | //iframe | //object | //*[@src]")
    assert not re.search(r"(?i)(src|href)\s*=\s*[\"']?(https?:)?//", page["text"].split("<tbody>")[0])
    [csp] = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert "default-src 'none'" in csp
    script = doc.xpath("//script")[0].text
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp


def test_page_reads_without_script(page):
    # The filter controls are hidden until the script shows them; the table is complete without them.
    [controls] = page["doc"].xpath("//*[@id='controls']")
    assert controls.get("hidden") is not None
    assert len(rows_of(page["doc"])) == 4
    assert "@media print" in page["doc"].xpath("//style")[0].text


def test_newer_error_wins_over_an_older_report_which_stays_linked(tmp_path, site_reports):
    reports = tmp_path / "r"
    folder = add_site(reports, "a", site_reports["demo_out"], site_reports["demo"])
    (folder / "error.json").write_text(
        json.dumps({"name": "甲局", "url": "http://a.gov.cn/", "error": "超时", "at": "2026-11-28T08:00:00+00:00"}),
        encoding="utf-8",
    )
    past = time.time() - 3600
    os.utime(folder / "report.json", (past, past))
    doc = lxml.html.fromstring(write_index(reports).read_text(encoding="utf-8"))
    [row] = rows_of(doc)
    assert row.get("data-key") == "error" and "超时" in cell_text(row)
    [link] = row.xpath(".//a[@class='report-link']")
    assert link.get("href") == "a/report.html" and cell_text(link) == "上次报告"
    os.utime(folder / "error.json", (past - 60, past - 60))
    doc = lxml.html.fromstring(write_index(reports).read_text(encoding="utf-8"))
    assert rows_of(doc)[0].get("data-key") == "pass"


@pytest.mark.damaged_reports
def test_unreadable_report_is_shown_as_unchecked(tmp_path):
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "report.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "list").mkdir()
    (tmp_path / "list" / "report.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "empty").mkdir()  # no result at all: not a site
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "report.json").write_text("{}", encoding="utf-8")
    doc = lxml.html.fromstring(write_index(tmp_path).read_text(encoding="utf-8"))
    rows = rows_of(doc)
    assert [r.get("data-name") for r in rows] == ["broken", "list"]
    assert all(r.get("data-key") == "error" for r in rows)
    assert "report.json 无法读取：不是有效的 JSON" in cell_text(rows[0])


@pytest.mark.parametrize(
    "report",
    [
        {"site": None, "summary": {"verdict": "不合格", "score": 0}, "run": {}, "findings": []},
        {"site": None},
        {"site": {"name": "某局", "start_url": "http://127.0.0.1:9/"}, "summary": {"verdict": None}},
    ],
    ids=["site-null", "site-null-bare", "no-verdict"],
)
@pytest.mark.damaged_reports
def test_a_report_of_a_site_that_could_not_be_checked_is_counted_as_unchecked(tmp_path, report):
    (tmp_path / "lost").mkdir()
    (tmp_path / "lost" / "report.json").write_text(json.dumps(report), encoding="utf-8")
    result = gapcheck("index", str(tmp_path), timeout=60)
    assert result.returncode == 0, result.stderr
    assert "网站 1：合格 0，不合格 0，未能检查 1" in result.stdout
    doc = lxml.html.fromstring((tmp_path / "index.html").read_text(encoding="utf-8"))
    [row] = rows_of(doc)
    assert row.get("data-key") == "error" and "未能检查" in cell_text(row)
    assert "report.json 无法读取：不是 gapcheck.report/1 格式的检查报告" in cell_text(row)
    assert [cell_text(m) for m in doc.xpath('//*[@id="totals"]/div')] == [
        "1网站",
        "0合格",
        "0不合格",
        "1未能检查",
        "0现有问题",
    ]


def test_report_without_history_lists_every_veto(tmp_path, site_reports):
    r = failing_variant(site_reports["demo"])
    del r["summary"]["changes"], r["trend"], r["fixed"]
    for f in r["findings"]:
        f.pop("change", None)
    add_site(tmp_path, "old", site_reports["demo_out"], r)
    doc = lxml.html.fromstring(write_index(tmp_path).read_text(encoding="utf-8"))
    cells = rows_of(doc)[0].xpath("./td")
    assert cell_text(cells[3]) == "—" and cell_text(cells[6]) == "—" and cell_text(cells[7]) == "—"
    assert [cell_text(li) for li in cells[4].xpath(".//li")] == ["首页不更新", "政务咨询栏目缺失"]


def test_sparkline():
    assert sparkline([]) == ""
    trend = [
        TrendPoint(run=1, as_of="2026-11-01", score=50, verdict="不合格", fail=3),
        TrendPoint(run=2, as_of="2026-11-20", score=100.0, verdict="合格", fail=0),
    ]
    svg = sparkline(trend)
    assert 'points="4,15 116,4"' in svg
    assert 'fill="#1e7d3a"' in svg  # the last point: 合格


# -- the command ---------------------------------------------------------------------------------------------


def test_index_command_writes_and_counts(tmp_path, site_reports):
    target = tmp_path / "copy"
    shutil.copytree(site_reports["dir"], target)
    result = gapcheck("index", str(target), timeout=60)
    assert result.returncode == 0, result.stderr
    assert "网站 4：合格 2，不合格 1，未能检查 1" in result.stdout
    assert str(target / "index.html") in result.stdout
    assert (target / "index.html").is_file()


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: p])
def test_index_command_without_reports_exits_2(tmp_path, make):
    result = gapcheck("index", str(make(tmp_path)), timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("gapcheck: ") and "Traceback" not in result.stderr


# -- serve ---------------------------------------------------------------------------------------------------


class Served:
    """`gapcheck serve DIR --port 0` in a subprocess; the URL it prints."""

    def __init__(self, folder: Path, *extra: str):
        self.proc = subprocess.Popen(
            [*COMMAND, "serve", str(folder), "--port", "0", *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout=60):
            self.proc.kill()
            raise AssertionError("gapcheck serve printed nothing in 60 s")
        self.line = self.proc.stdout.readline()
        match = re.search(r"http://[\w.:\[\]]+/", self.line)
        assert match, (self.line, self.proc.stderr.read() if self.proc.poll() is not None else "")
        self.url = match.group(0)
        parts = urllib.parse.urlsplit(self.url)
        self.host, self.port = parts.hostname, parts.port

    def get(self, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            conn.request(method, path)  # sent as is: "../" is not normalised away by the client
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str, str]:
        self.proc.send_signal(sig)
        try:
            out, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        return self.proc.returncode, out, err


@pytest.fixture
def served(tmp_path, site_reports):
    folder = tmp_path / "served"
    shutil.copytree(site_reports["dir"], folder)
    (folder / "index.html").unlink(missing_ok=True)
    server = Served(folder)
    yield server, folder
    if server.proc.poll() is None:
        server.proc.kill()
        server.proc.wait()


def test_serve_writes_the_index_and_serves_reports_with_types(served):
    server, folder = served
    assert (folder / "index.html").is_file()  # there were reports but no index
    status, headers, body = server.get("/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert "政府网站检查结果汇总" in body.decode("utf-8")
    assert b"demo/report.html" in body
    expected = {
        "/demo/report.html": "text/html; charset=utf-8",
        "/demo/report.json": "application/json; charset=utf-8",
        "/demo/report.csv": "text/csv; charset=utf-8",
        "/demo/report.xlsx": XLSX,
        "/javascript%3Aalert%281%29/report.html": "text/html; charset=utf-8",
    }
    for path, ctype in expected.items():
        status, headers, body = server.get(path)
        assert (status, headers["content-type"]) == (200, ctype), path
        assert headers["x-content-type-options"] == "nosniff"
    status, _, body = server.get("/demo/report.html")
    assert body == (folder / "demo" / "report.html").read_bytes()


def test_serve_stays_inside_the_folder(served, tmp_path):
    server, folder = served
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (folder / "demo" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (folder / ".git").mkdir()
    (folder / ".git" / "config").write_text("x", encoding="utf-8")
    for path in (
        "/../secret.txt",
        "/demo/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/demo/leak.txt",
        "/.git/config",
        "/demo/.%2e/.%2e/secret.txt",
    ):
        status, _, body = server.get(path)
        assert status == 404, path
        assert b"secret" not in body
    status, headers, body = server.get("/demo/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert b"report.xlsx" in body and b"leak.txt" not in body
    assert server.get("/", method="POST")[0] == 501  # read-only
    assert server.get("/demo/report.json", method="PUT")[0] == 501


def test_serve_stops_cleanly_on_ctrl_c(served):
    server, _ = served
    assert "按 Ctrl-C 停止" in server.line
    code, out, err = server.stop(signal.SIGINT)
    assert code == 0, err
    assert "Traceback" not in err and err == ""  # quiet: no request log either
    assert "报告服务已停止" in out


def test_serve_stops_cleanly_on_sigterm(served):
    server, _ = served
    server.get("/")
    code, _, err = server.stop(signal.SIGTERM)
    assert code == 0 and err == ""


def test_serve_missing_folder_or_busy_port_exits_2(tmp_path, served):
    result = gapcheck("serve", str(tmp_path / "nope"), "--port", "0", timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "nope" in result.stderr
    server, folder = served
    result = gapcheck("serve", str(folder), "--port", str(server.port), "--host", server.host, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr and "--port" in result.stderr


def test_serve_closes_an_idle_connection(tmp_path):
    from gapcheck.serve import ReportsHandler

    # A thread waits on every open connection: without a timeout, each idle one held a thread for good.
    assert isinstance(ReportsHandler.timeout, (int, float)) and 0 < ReportsHandler.timeout <= 60
    server = Served(tmp_path)
    try:
        idle = [
            socket.create_connection((server.host, server.port), timeout=ReportsHandler.timeout + 10) for _ in range(3)
        ]
        started = time.monotonic()
        assert all(s.recv(1) == b"" for s in idle)  # closed by the server, nothing sent
        assert time.monotonic() - started < ReportsHandler.timeout + 5
        assert server.get("/")[0] == 200  # and it still serves
        for s in idle:
            s.close()
        code, _, err = server.stop(signal.SIGTERM)
        assert code == 0 and err == ""
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
