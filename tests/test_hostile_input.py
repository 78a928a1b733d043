"""Hostile input from the people who write profiles, sites lists and command lines (issue 16): each is
refused with exit 2 and one line naming the file, the key and the fix, in bounded time and memory."""

from __future__ import annotations

import resource
import subprocess
import time

import cli
import pytest

pytestmark = pytest.mark.e2e

LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=False)
)
"""About 500 bytes that expand to 9**9 strings when every alias is written out."""


def _bounded() -> None:
    # Before the fix this grew past a gigabyte: fail the child fast instead of the machine.
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))


def gapcheck(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return cli.gapcheck(*args, timeout=timeout, preexec_fn=_bounded)


def _profile_run(tmp_path, text: str) -> subprocess.CompletedProcess:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return gapcheck("check", "http://127.0.0.1:9/", "--profile", str(path), "--db", str(tmp_path / "d.sqlite"))


def _sites_run(tmp_path, text: str) -> subprocess.CompletedProcess:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return gapcheck("schedule", str(path))


def _one_line_exit_2(result: subprocess.CompletedProcess, *parts: str) -> None:
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr


@pytest.mark.parametrize("run", [_profile_run, _sites_run], ids=["profile", "sites"])
def test_billion_laughs_is_refused_at_once(tmp_path, run):
    started = time.monotonic()
    text = "name: x\ncrawl:\n  " + LAUGHS.replace("\n", "\n  ").rstrip() + "\n"
    if run is _sites_run:
        text = "sites:\n  - url: http://127.0.0.1:9/\nnotify:\n  " + LAUGHS.replace("\n", "\n  ").rstrip() + "\n"
    result = run(tmp_path, text)
    assert time.monotonic() - started < 20
    # The first alias is the second anchored list's (b), one line into the section.
    line = 4 if run is _profile_run else 5
    _one_line_exit_2(result, f"bad.yaml:{line}: 键 '{'crawl' if run is _profile_run else 'notify'}.b'", "别名", "写出")


@pytest.mark.parametrize("run", [_profile_run, _sites_run], ids=["profile", "sites"])
def test_a_recursive_alias_is_refused_with_file_and_line(tmp_path, run):
    text = "name: x\ncrawl:\n  exclude: &a [*a]\n"
    if run is _sites_run:
        text = "sites:\n  - url: http://127.0.0.1:9/\ndefaults:\n  out: &a [*a]\n"
    result = run(tmp_path, text)
    _one_line_exit_2(result, "bad.yaml:", "别名", "写出")
    assert ("crawl.exclude" if run is _profile_run else "defaults.out") in result.stderr


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "NaN", "Infinity"])
def test_a_non_finite_delay_on_the_command_line_is_refused(tmp_path, text):
    result = gapcheck("check", "http://127.0.0.1:9/", f"--delay={text}", "--db", str(tmp_path / "d.sqlite"))
    assert result.returncode == 2, result.stderr
    assert "--delay" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("crawl:\n  delay", ".nan"),
        ("crawl:\n  timeout", ".inf"),
        ("crawl:\n  external_cache_days", "-.inf"),
        ("column_kinds:\n  news:\n    deduction", ".NaN"),
        ("rules:\n  GK302:\n    deduction", ".inf"),
    ],
)
def test_a_non_finite_number_in_a_profile_is_refused(tmp_path, key, value):
    result = _profile_run(tmp_path, f"name: x\n{key}: {value}\n")
    dotted = ".".join(part.split(":")[0].strip() for part in key.split("\n"))
    _one_line_exit_2(result, f"bad.yaml:{key.count(chr(10)) + 2}: 键 '{dotted}'", "有限")


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:99999/", "http://[::1", "http://127.0.0.1:port/", "ftp://127.0.0.1/", "http://127.0.0.1/ 首页"],
)
@pytest.mark.parametrize("command", ["check", "history"])
def test_a_start_url_that_is_not_a_web_address_gets_the_sites_list_message(tmp_path, url, command):
    (tmp_path / "d.sqlite").touch()
    result = gapcheck(command, url, "--db", str(tmp_path / "d.sqlite"))
    _one_line_exit_2(result, repr(url.strip()), "不是网址", "写网站首页的地址")


@pytest.mark.parametrize(
    "name",
    [
        "某局\nextends: nowhere\ncrawl: {obey_robots: false}",
        "某局\r\ncity_portal: [evil.example]",
        "*a",
        "&a 某局",
        "某局 # 注释",
        "'某局\"",
        "某局: 商务",
        "- 某局",
        "yes",
        "12",
        "${name}",
        "某局\\n",
        " 某局 ",
    ],
)
def test_init_writes_a_hostile_bureau_name_as_a_plain_string(tmp_path, name):
    out = tmp_path / "bureau.yaml"
    result = gapcheck("init", name, "--out", str(out), "--city-portal", "www.example.gov.cn")
    assert result.returncode == 0, result.stderr
    from gapcheck.profile import load_profile

    profile = load_profile(str(out))
    assert profile.name == name
    assert profile.options.city_portal == ("www.example.gov.cn",) and profile.crawl.obey_robots
    assert len(profile.files) == 2 and profile.files[1].endswith("national.yaml")


EVIL_PATHS = ("/" + "a" * 40 + "!", "/" + "a" * 1500 + "!")
"""Portal URLs that make `(a+)+$` backtrack 2**40 (and more) times in Python's re."""


def test_a_catastrophic_exclude_pattern_meets_a_hostile_url_in_bounded_time(tmp_path):
    from routeserver import html, serve

    def route(req):
        if req.path == "/":
            return html(
                "".join(f'<a href="{p}">陷阱</a>' for p in EVIL_PATHS) + '<a href="/kept.html">保留</a>'
                '<a href="http://www.example.gov.cn/">外部</a>'
            )
        return html("<p>内容</p>")

    with serve(route) as server:
        started = time.monotonic()
        result = gapcheck(
            "check",
            server.url,
            "--exclude",
            "(a+)+$",
            "--exclude",
            r"^https?://(?!127\.0\.0\.1[:/])",
            "--delay",
            "0",
            "--no-render",
            "--offline",
            "--out",
            str(tmp_path / "out"),
            "--db",
            str(tmp_path / "d.sqlite"),
            timeout=120,
        )
        elapsed = time.monotonic() - started
        paths = [r.path for r in server.requests]
    assert result.returncode in (0, 1), result.stderr[-2000:]
    assert elapsed < 90
    assert "/kept.html" in paths  # the lookahead still works: our own pages are not excluded
    # The short one regex decides at once (no match: fetched); the long one it cannot decide in the time
    # allowed, so it is taken as excluded and never fetched.
    assert EVIL_PATHS[1] not in paths


@pytest.mark.parametrize("text", ["name: x\n[a, b]: 1\n", "name: x\ncrawl:\n  ? {a: 1}\n  : 2\n"])
def test_a_key_that_is_a_list_or_mapping_is_refused(tmp_path, text):
    _one_line_exit_2(_profile_run(tmp_path, text), "bad.yaml:", "键")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("delay", "-1"),
        ("timeout", "0"),
        ("timeout", "-5"),
        ("external_cache_days", "-0.5"),
    ],
)
def test_a_negative_delay_or_timeout_in_a_profile_is_refused(tmp_path, key, value):
    """The command line refuses --delay -1; the profile took it, and a timeout of 0 fails every request."""
    result = _profile_run(tmp_path, f"name: x\ncrawl:\n  {key}: {value}\n")
    _one_line_exit_2(result, f"bad.yaml:3: 键 'crawl.{key}'")
