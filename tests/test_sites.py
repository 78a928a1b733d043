"""SITES.yaml: the list of portals for nightly operation, read with every error naming file:line, key and fix."""

from __future__ import annotations

import textwrap

import pytest

from core.errors import ConfigError
from gapcheck.cli import main
from gapcheck.notify import NotifyConfig, SmtpConfig
from gapcheck.sites import load_sites

VALID = """\
defaults:
  profile: national
  out: reports
  db: data/gapcheck.sqlite
notify:
  webhook: https://hooks.example.gov.cn/gapcheck
  smtp: {host: smtp.example.gov.cn, port: 25, sender: gapcheck@example.gov.cn, to: [web@example.gov.cn],
         username: x, password_env: GAPCHECK_SMTP_PASSWORD, starttls: false}
sites:
  - name: 武汉市商务局
    url: http://sw.wuhan.gov.cn/
    profile: wuhan-commerce
    slug: wuhan-commerce
  - name: 某某局
    url: www.example.gov.cn:8080
  - url: https://www.example.gov.cn/other/
    profile: own.yaml
"""


def _write(tmp_path, text: str, name: str = "sites.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_valid_file_is_read_with_defaults_and_paths_relative_to_it(tmp_path):
    (tmp_path / "own.yaml").write_text("name: 自定义\nextends: national\n", encoding="utf-8")
    sites = load_sites(_write(tmp_path, VALID))
    assert sites.path == tmp_path / "sites.yaml"
    assert sites.out == tmp_path / "reports" and sites.db == tmp_path / "data" / "gapcheck.sqlite"
    assert sites.notify == NotifyConfig(
        webhook="https://hooks.example.gov.cn/gapcheck",
        smtp=SmtpConfig(
            host="smtp.example.gov.cn",
            sender="gapcheck@example.gov.cn",
            to=("web@example.gov.cn",),
            port=25,
            username="x",
            password_env="GAPCHECK_SMTP_PASSWORD",
            starttls=False,
        ),
    )
    first, second, third = sites.sites
    assert (first.name, first.url, first.profile, first.slug) == (
        "武汉市商务局",
        "http://sw.wuhan.gov.cn/",
        "wuhan-commerce",
        "wuhan-commerce",
    )
    # The URL is normalized as `gapcheck check` does; the folder comes from the host (and port).
    assert (second.url, second.profile, second.slug) == (
        "http://www.example.gov.cn:8080/",
        "national",
        "www.example.gov.cn-8080",
    )
    assert sites.out_dir(second) == tmp_path / "reports" / "www.example.gov.cn-8080"
    assert third.name == "www.example.gov.cn" and third.profile == str(tmp_path / "own.yaml")


def test_the_bundled_example_is_valid():
    from pathlib import Path

    sites = load_sites(Path(__file__).parent.parent / "config" / "sites.example.yaml")
    assert [s.slug for s in sites.sites] == ["wuhan-commerce", "www.example.gov.cn"]
    assert sites.notify is not None and sites.notify.smtp is not None


def test_minimal_file_takes_the_defaults(tmp_path):
    sites = load_sites(_write(tmp_path, "sites:\n  - url: http://x.gov.cn\nnotify:\n"))
    assert sites.out == tmp_path / "reports" and sites.db is None and sites.notify is None
    assert sites.sites[0].profile == "national" and sites.sites[0].url == "http://x.gov.cn/"


SITE = "sites:\n  - url: http://x.gov.cn/\n"

ERRORS = [
    # (file text, line, key, words of the problem or the fix)
    ("site:\n  - url: http://x.gov.cn/\n", 1, "site", "可用的键：defaults, notify, sites"),
    ("defaults:\n  profile: national\n", 1, "", "加上 sites:"),
    ("sites: []\n", 1, "sites", "是空的"),
    ("sites:\n  url: http://x.gov.cn/\n", 1, "sites", "应写列表"),
    ("sites:\n  - name: 局\n    urls: http://x.gov.cn/\n", 3, "sites.0.urls", "不认识的键"),
    ("sites:\n  - name: 局\n", 2, "sites.0", "加上 url:"),
    ("sites:\n  - url: ftp://x.gov.cn/\n", 2, "sites.0.url", "不是网址"),
    ("sites:\n  - url: http://x.gov.cn/ 首页\n", 2, "sites.0.url", "不是网址"),
    ("sites:\n  - url: http://x.gov.cn:port/\n", 2, "sites.0.url", "不是网址"),
    ("sites:\n  - url: http://user:pw@x.gov.cn/\n", 2, "sites.0.url", "用户名和密码"),
    ("sites:\n  - url: [http://x.gov.cn/]\n", 2, "sites.0.url", "应写文字"),
    (
        "sites:\n  - url: http://x.gov.cn/\n    slug: a\n  - url: http://y.gov.cn/\n    slug: a\n",
        5,
        "sites.1.slug",
        "给其中一个写 slug:",
    ),
    (
        "sites:\n  - url: http://x.gov.cn/a/\n  - url: http://x.gov.cn/b/\n",
        3,
        "sites.1.url",
        "报告目录名 'x.gov.cn' 已被第 1 个网站使用",
    ),
    (
        "sites:\n  - url: http://x.gov.cn/\n  - url: https://x.gov.cn:8443/\n    slug: b\n",
        3,
        "sites.1.url",
        "与第 1 个网站是同一网站",
    ),
    ("sites:\n  - url: http://x.gov.cn/\n    slug: ../up\n", 3, "sites.0.slug", "不能用作目录名"),
    ("sites:\n  - url: http://x.gov.cn/\n    profile: nosuch\n", 3, "sites.0.profile", "找不到检查配置"),
    ("sites:\n  - url: http://x.gov.cn/\n    profile: missing.yaml\n", 3, "sites.0.profile", "找不到检查配置"),
    ("defaults:\n  profile: nosuch\n" + SITE, 2, "defaults.profile", "找不到检查配置"),
    ("defaults:\n  out: [a, b]\n" + SITE, 2, "defaults.out", "应写文字"),
    ("defaults:\n  dbs: x.sqlite\n" + SITE, 2, "defaults.dbs", "可用的键：db, keep_runs, out, profile"),
    ("defaults: reports\n" + SITE, 1, "defaults", "应写映射"),
    ("notify:\n  email: a@b.cn\n" + SITE, 2, "notify.email", "可用的键：smtp, webhook"),
    ("notify:\n  webhook: hooks.example.gov.cn\n" + SITE, 2, "notify.webhook", "不是网址"),
    ("notify:\n  smtp:\n    sender: a@x.cn\n    to: [b@x.cn]\n" + SITE, 2, "notify.smtp", "加上 host:"),
    (
        "notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: [b@x.cn]\n    port: twenty-five\n" + SITE,
        6,
        "notify.smtp.port",
        "应写整数",
    ),
    (
        "notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: [b@x.cn]\n    port: 70000\n" + SITE,
        6,
        "notify.smtp.port",
        "应不大于 65535",
    ),
    (
        "notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: [b@x.cn, nobody]\n" + SITE,
        5,
        "notify.smtp.to.1",
        "不是电子邮件地址",
    ),
    ("notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: []\n" + SITE, 5, "notify.smtp.to", "是空的"),
    (
        "notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: b@x.cn\n    password: secret\n" + SITE,
        6,
        "notify.smtp.password",
        "password_env",
    ),
    (
        "notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: b@x.cn\n    password_env: my secret\n" + SITE,
        6,
        "notify.smtp.password_env",
        "不是环境变量名",
    ),
    (
        "notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: b@x.cn\n    starttls: yes please\n" + SITE,
        6,
        "notify.smtp.starttls",
        "应写 true 或 false",
    ),
    ("notify:\n  smtp: {}\n" + SITE, 2, "notify.smtp", "加上 host:"),
    ("notify: {}\n" + SITE, 1, "notify", "webhook: 和 smtp: 一个也没写"),
    ("sites:\n  - url: http://x.gov.cn/\n   name: bad indent\n", 3, "", "不是有效的 YAML"),
    ("- http://x.gov.cn/\n", 1, "", "网站清单应是“键: 值”的映射"),
    ("defaults:\n  keep_runs: 1\n" + SITE, 2, "defaults.keep_runs", "至少要保留 2 次"),
    ("defaults:\n  keep_runs: 2.5\n" + SITE, 2, "defaults.keep_runs", "应写整数"),
    ("sites:\n  - url: http://x.gov.cn/\n    name: '  '\n", 3, "sites.0.name", "是空的"),
    ("sites:\n  - url: &u http://x.gov.cn/\n    name: *u\n", 3, "sites.0.name", "别名"),
    # A misspelt key is told before the key it leaves missing, whatever their lines.
    ("sites:\n  - name: 局\n    ur1: http://x.gov.cn/\n", 3, "sites.0.ur1", "可用的键：name, profile, slug, url"),
]


@pytest.mark.parametrize(("text", "line", "key", "words"), ERRORS)
def test_every_error_names_file_line_key_and_fix(tmp_path, text, line, key, words):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_sites(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:{line}: "), message
    if key:
        assert f"键 '{key}'" in message, message
    assert words in message, message


def test_numbers_are_taken_as_text_and_one_recipient_as_a_list(tmp_path):
    text = "notify:\n  smtp: {host: s, sender: a@x.cn, to: b@x.cn}\nsites:\n  - {url: http://x.gov.cn/, name: 12345, slug: 2024}\n"
    sites = load_sites(_write(tmp_path, text))
    assert (sites.sites[0].name, sites.sites[0].slug) == ("12345", "2024")
    assert sites.notify is not None and sites.notify.smtp is not None and sites.notify.smtp.to == ("b@x.cn",)


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(ConfigError, match="找不到网站清单文件"):
        load_sites(tmp_path / "nope.yaml")


def test_the_cli_reports_the_error_in_one_line_and_exits_2(tmp_path, capsys):
    path = _write(tmp_path, "sites:\n  - name: 局\n")
    assert main(["probe", str(path), "--db", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and f"{path}:2: 键 'sites.0'" in err and "Traceback" not in err
