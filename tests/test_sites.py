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
    ("site:\n  - url: http://x.gov.cn/\n", 1, "site", "use one of: defaults, notify, sites"),
    ("defaults:\n  profile: national\n", 1, "sites", "add sites:"),
    ("sites: []\n", 1, "sites", "empty"),
    ("sites:\n  url: http://x.gov.cn/\n", 1, "sites", "a list of sites"),
    ("sites:\n  - name: 局\n    urls: http://x.gov.cn/\n", 3, "sites.0.urls", "unknown key"),
    ("sites:\n  - name: 局\n", 2, "sites.0", "add url:"),
    ("sites:\n  - url: ftp://x.gov.cn/\n", 2, "sites.0.url", "not a web address"),
    ("sites:\n  - url: http://x.gov.cn/ 首页\n", 2, "sites.0.url", "not a web address"),
    ("sites:\n  - url: http://x.gov.cn:port/\n", 2, "sites.0.url", "not a web address"),
    ("sites:\n  - url: http://user:pw@x.gov.cn/\n", 2, "sites.0.url", "passwords"),
    ("sites:\n  - url: [http://x.gov.cn/]\n", 2, "sites.0.url", "expected a string"),
    (
        "sites:\n  - url: http://x.gov.cn/\n    slug: a\n  - url: http://y.gov.cn/\n    slug: a\n",
        5,
        "sites.1.slug",
        "give one of them slug:",
    ),
    (
        "sites:\n  - url: http://x.gov.cn/a/\n  - url: http://x.gov.cn/b/\n",
        3,
        "sites.1.url",
        "folder name 'x.gov.cn' is already used by site 1",
    ),
    (
        "sites:\n  - url: http://x.gov.cn/\n  - url: https://x.gov.cn:8443/\n    slug: b\n",
        3,
        "sites.1.url",
        "the same portal as site 1",
    ),
    ("sites:\n  - url: http://x.gov.cn/\n    slug: ../up\n", 3, "sites.0.slug", "safe folder name"),
    ("sites:\n  - url: http://x.gov.cn/\n    profile: nosuch\n", 3, "sites.0.profile", "not found"),
    ("sites:\n  - url: http://x.gov.cn/\n    profile: missing.yaml\n", 3, "sites.0.profile", "not found"),
    ("defaults:\n  profile: nosuch\n" + SITE, 2, "defaults.profile", "not found"),
    ("defaults:\n  out: [a, b]\n" + SITE, 2, "defaults.out", "expected a string"),
    ("defaults:\n  dbs: x.sqlite\n" + SITE, 2, "defaults.dbs", "use one of: db, keep_runs, out, profile"),
    ("defaults: reports\n" + SITE, 1, "defaults", "expected a mapping"),
    ("notify:\n  email: a@b.cn\n" + SITE, 2, "notify.email", "use one of: smtp, webhook"),
    ("notify:\n  webhook: hooks.example.gov.cn\n" + SITE, 2, "notify.webhook", "not a web address"),
    ("notify:\n  smtp:\n    sender: a@x.cn\n    to: [b@x.cn]\n" + SITE, 2, "notify.smtp", "add host:"),
    (
        "notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: [b@x.cn]\n    port: twenty-five\n" + SITE,
        6,
        "notify.smtp.port",
        "expected a port number",
    ),
    (
        "notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: [b@x.cn]\n    port: 70000\n" + SITE,
        6,
        "notify.smtp.port",
        "not a port number",
    ),
    (
        "notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: [b@x.cn, nobody]\n" + SITE,
        5,
        "notify.smtp.to.1",
        "not an e-mail address",
    ),
    ("notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: []\n" + SITE, 5, "notify.smtp.to", "no recipients"),
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
        "not an environment variable name",
    ),
    (
        "notify:\n  smtp:\n    host: s\n    sender: a@x.cn\n    to: b@x.cn\n    starttls: yes please\n" + SITE,
        6,
        "notify.smtp.starttls",
        "true or false",
    ),
    ("notify:\n  smtp: {}\n" + SITE, 2, "notify.smtp", "add host:"),
    ("notify: {}\n" + SITE, 1, "notify", "neither webhook: nor smtp:"),
    ("sites:\n  - url: http://x.gov.cn/\n   name: bad indent\n", 3, "(top)", "not valid YAML"),
    ("- http://x.gov.cn/\n", 1, "", "a sites list is a mapping"),
]


@pytest.mark.parametrize(("text", "line", "key", "words"), ERRORS)
def test_every_error_names_file_line_key_and_fix(tmp_path, text, line, key, words):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as raised:
        load_sites(path)
    message = str(raised.value)
    assert message.startswith(f"{path}:{line}: "), message
    if key and "not valid YAML" not in words:
        assert f"key '{key}'" in message, message
    assert words in message, message


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(ConfigError, match="sites list file not found"):
        load_sites(tmp_path / "nope.yaml")


def test_the_cli_reports_the_error_in_one_line_and_exits_2(tmp_path, capsys):
    path = _write(tmp_path, "sites:\n  - name: 局\n")
    assert main(["probe", str(path), "--db", str(tmp_path / "s.sqlite")]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and f"{path}:2: key 'sites.0'" in err and "Traceback" not in err
