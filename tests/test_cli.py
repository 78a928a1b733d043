"""The command line as a user meets it: exit codes and one-line errors, run as a real process."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from cli import gapcheck

from gapcheck.cli import rules_table

README = Path(__file__).resolve().parents[1] / "README.md"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.e2e
def test_unreachable_portal_exits_3_with_one_line(tmp_path):
    url = f"http://127.0.0.1:{closed_port()}/"
    result = gapcheck("check", url, "--out", str(tmp_path / "out"), "--db", str(tmp_path / "db.sqlite"))
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert url in lines[0] and "连接被拒绝" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\ncrawl:\n  max_pages: lots\n", ["bad.yaml:3: 键 'crawl.max_pages'", "应写整数"]),
        ("name: x\ncrawl:\n  speed: 3\n", ["bad.yaml:3: 键 'crawl.speed'", "不认识的键", "max_pages"]),
        (
            "name: x\nrequirements:\n  - name: 政务公开\n    match: 政务公开\n",
            ["bad.yaml:4: 键 'requirements.0.match'", "应写列表"],
        ),
        ("name: x\nrules:\n  GK999: {deduction: 1}\n", ["bad.yaml:3: 键 'rules.GK999'", "gapcheck rules"]),
        (
            "name: x\nrules:\n  GK302: {weight: 1}\n",
            ["bad.yaml:3: 键 'rules.GK302.weight'", "可用的键：cap, challenge_text, deduction, soft_404_text"],
        ),
        ("name: x\nrules:\n  GK101: {deduction: 1}\n", ["bad.yaml:3: 键 'rules.GK101'", "没有可设置的项"]),
        ("name: x\ncolumn_kinds:\n  news: {limit: 2w}\n", ["bad.yaml:3: 键 'column_kinds.news.limit'", "14d"]),
        ("name: [unclosed\n", ["bad.yaml:2: ", "不是有效的 YAML"]),
        ("name: x\nextends: nowhere\n", ["bad.yaml:2: 键 'extends'", "nowhere", "national"]),
        ("name: x\ncrawl:\n  exclude: ['?x']\n", ["bad.yaml:3: 键 'crawl.exclude.0'", "不是正则表达式"]),
        ("name: x\ncrawl:\n  render: sometimes\n", ["bad.yaml:3: 键 'crawl.render'", "auto、off 或 all"]),
        ("name: x\ncrawl:\n  render_urls: ['(xxgk']\n", ["bad.yaml:3: 键 'crawl.render_urls.0'", "不是正则表达式"]),
        ("name: x\ncrawl:\n  render_urls: /xxgk/\n", ["bad.yaml:3: 键 'crawl.render_urls'", "应写列表"]),
        (
            "name: x\ncrawl:\n  private_redirects: sometimes\n",
            ["bad.yaml:3: 键 'crawl.private_redirects'", "true 或 false"],
        ),
        ("name: x\ncrawl:\n  incremental: 2\n", ["bad.yaml:3: 键 'crawl.incremental'", "true 或 false"]),
        ("name: x\ncrawl:\n  max_query_variants: 0\n", ["bad.yaml:3: 键 'crawl.max_query_variants'", "应不小于 1"]),
        ("name: x\ncrawl:\n  external_cache_days: soon\n", ["bad.yaml:3: 键 'crawl.external_cache_days'", "应写数"]),
        ("name: x\ncrawl:\n  contact: [a, b]\n", ["bad.yaml:3: 键 'crawl.contact'", "应写文字"]),
        ("name: x\ncrawl:\n  dns_probe: www.gov.cn\n", ["bad.yaml:3: 键 'crawl.dns_probe'", "应写列表"]),
        ("name: x\nhomepage:\n  limit: 2w\n", ["bad.yaml:3: 键 'homepage.limit'", "14d"]),
        ("name: x\nbasis: 2020\n", ["bad.yaml:2: 键 'basis'", "'2015'、'2019'"]),
        (
            "name: x\nrequirements:\n  - name: a\n    severity: high\n",
            ["bad.yaml:4: 键 'requirements.0.severity'", "major"],
        ),
        ("name: x\nrequirements:\n  - match: [a]\n", ["bad.yaml:3: 键 'requirements.0'", "缺少 name:"]),
        (
            "name: x\nrequirements:\n  - name: a\n    contains:\n      - name: b\n",
            ["bad.yaml:5: 键 'requirements.0.contains.0'", "缺少 match:"],
        ),
        ("name: x\nselect: [GK1, GK999]\n", ["bad.yaml:2: 键 'select.1'", "GK999", "gapcheck rules"]),
        ("name: x\nrules:\n  GK3: {}\n", ["bad.yaml:3: 键 'rules.GK3'", "完整编号"]),
        ("name: x\ncrawl:\n  aliases: {www.x.cn: notaurl}\n", ["bad.yaml:3: 键 'crawl.aliases.www.x.cn'", "'notaurl'"]),
        ("name: x\ncolumn_urls:\n  '(x': news\n", ["bad.yaml:3: 键 'column_urls.(x'", "不是正则表达式"]),
        ("name: x\ncrawl: 3\n", ["bad.yaml:2: 键 'crawl'", "应写映射"]),
        ("- a\n", ["bad.yaml:1: ", "检查配置应是“键: 值”的映射"]),
    ],
)
def test_broken_profile_exits_2_naming_file_line_and_key(tmp_path, text, expected):
    profile = tmp_path / "bad.yaml"
    profile.write_text(text, encoding="utf-8")
    result = gapcheck("check", "http://127.0.0.1:9/", "--profile", str(profile), "--db", str(tmp_path / "d.sqlite"))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for part in expected:
        assert part in result.stderr


@pytest.mark.e2e
def test_extends_cycle_is_named(tmp_path):
    (tmp_path / "a.yaml").write_text("name: a\nextends: b\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("name: b\nextends: a.yaml\n", encoding="utf-8")
    result = gapcheck("check", "http://127.0.0.1:9/", "--profile", str(tmp_path / "a.yaml"))
    assert result.returncode == 2
    assert "成环" in result.stderr and "a.yaml" in result.stderr


@pytest.mark.e2e
def test_missing_profile_lists_bundled_ones():
    result = gapcheck("check", "http://127.0.0.1:9/", "--profile", "no-such-bureau")
    assert result.returncode == 2
    assert "wuhan-commerce" in result.stderr and "national" in result.stderr


@pytest.mark.e2e
def test_bad_arguments_exit_2():
    assert gapcheck("check", "http://x.gov.cn/", "--as-of", "yesterday").returncode == 2
    assert gapcheck("check", "ftp://x.gov.cn/").returncode == 2
    assert gapcheck("check", "http://x.gov.cn/", "--exclude", "(unclosed").returncode == 2


@pytest.mark.e2e
def test_rules_lists_every_code():
    result = gapcheck("rules")
    assert result.returncode == 0
    from checks import RULES

    for rule in RULES:
        assert rule.code in result.stdout


def test_readme_rule_table_matches_registry():
    assert rules_table() in README.read_text(encoding="utf-8"), (
        "README's rule table is stale: paste the output of `gapcheck rules --markdown`"
    )


@pytest.mark.e2e
def test_robots_forbidding_the_start_page_says_how_to_proceed(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    (tmp_path / "site" / "index.html").write_text("<title>局</title>", encoding="utf-8")
    from gapcheck.sample.server import serve

    with serve(tmp_path / "site") as server:
        result = gapcheck("check", server.url, "--out", str(tmp_path / "out"), "--db", str(tmp_path / "d.sqlite"))
        assert result.returncode == 3
        assert "robots.txt" in result.stderr and "--ignore-robots" in result.stderr
        allowed = gapcheck(
            "check",
            server.url,
            "--ignore-robots",
            "--delay",
            "0",
            "--out",
            str(tmp_path / "out"),
            "--db",
            str(tmp_path / "d.sqlite"),
        )
        assert allowed.returncode in (0, 1), allowed.stderr


def test_a_child_profile_overrides_only_what_it_writes(tmp_path):
    from gapcheck.profile import CrawlOptions, load_profile

    child = tmp_path / "child.yaml"
    child.write_text(
        "extends: national\ncolumn_kinds:\n  news:\n    limit:\ncrawl:\n  delay: 0\nrequirements:\n"
        "  - name: 依申请公开\n    drop: true\n  - name: 局长信箱\n",
        encoding="utf-8",
    )
    profile = load_profile(str(child))
    news = next(k for k in profile.options.column_kinds if k.key == "news")
    assert news.limit is None and news.deduction == 3 and news.label == "动态要闻"  # `limit:` lifts the limit
    assert profile.crawl == CrawlOptions(delay=0)
    names = [r.name for r in profile.options.requirements]
    assert "依申请公开" not in names and "政府信息公开" in names
    mailbox = profile.options.requirements[-1]
    assert (mailbox.name, mailbox.match, mailbox.deduction) == ("局长信箱", ("局长信箱",), 2.0)
    assert profile.basis == "2019" and profile.files[1].endswith("national.yaml")


@pytest.mark.e2e
def test_init_writes_a_starter_profile_that_loads(tmp_path):
    out = tmp_path / "bureau.yaml"
    result = gapcheck("init", "某某市商务局", "--out", str(out), "--city-portal", "www.example.gov.cn")
    assert result.returncode == 0, result.stderr
    from gapcheck.profile import load_profile

    profile = load_profile(str(out))
    assert profile.name == "某某市商务局" and profile.options.city_portal == ("www.example.gov.cn",)
    assert {r.name for r in profile.options.requirements} >= {"政府信息公开", "依申请公开"}  # from national
    again = gapcheck("init", "某某市商务局", "--out", str(out))
    assert again.returncode == 2 and "文件已存在" in again.stderr
    assert gapcheck("init", "x", "--out", str(tmp_path / "y.yaml"), "--extends", "nope").returncode == 2
