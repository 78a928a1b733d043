"""The command speaks Chinese to bureau staff: its help, argparse's own words and the common errors."""

from __future__ import annotations

import argparse
import json
import re
import socket

import pytest
from cli import gapcheck

from gapcheck.cli import build_parser, main

IDENTIFIERS = {
    # programs, formats and products named as they are spelled on the machine
    "gapcheck", "SQLite", "Redis", "YAML", "JSON", "Schema", "CSV", "URL", "HTTP", "Chromium", "Scrapy", "AutoThrottle",
    "robots", "txt", "cron", "crontab", "systemd", "root", "Ctrl-C", "nan", "inf", "national", "worker", "true",
    "false", "off", "auto", "all", "redis", "http", "https",
    "IANA", "Asia",  # a time zone's name, typed as the zone database spells it (Asia/Shanghai)
}  # fmt: skip
"""English that stays English in help: what the user types or reads on the machine as it is spelled (and the
subcommands' names)."""

_NOT_WORDS = re.compile(
    r"\w+://\S+"  # URLs: redis://HOST:6379/0, http://www.example.gov.cn/
    r"|(?<![\w-])--?[a-z][\w-]*"  # option names
    r"|[\w~/<>.-]*\.(?:yaml|json|html|sqlite|txt|md)\b"  # file names and paths
    r"|(?:crawl|notify|defaults)\.\w+"  # profile and sites list keys
    r"|~/[\w./]+|/[\w/]+"  # folders
    r"|\bGK\d+\b"  # rule codes
    r"|\b[a-z_]+:(?![/\w])"  # YAML keys: db:
    r"|\bgapcheck-\w+"  # default folder names
    r"|\b[A-Z][A-Z0-9_=]+\b"  # metavars in caps
)


def _parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    parser = build_parser()
    found = [("gapcheck", parser)]
    for action in parser._actions:  # argparse offers no public walk of its subparsers
        if isinstance(action, argparse._SubParsersAction):
            found += sorted(action.choices.items())
    return found


@pytest.mark.parametrize(("name", "parser"), _parsers(), ids=lambda x: x if isinstance(x, str) else "")
def test_help_is_chinese(name, parser):
    text = parser.format_help()
    allowed = IDENTIFIERS | {command for command, _ in _parsers()}
    english = {w for w in re.findall(r"[A-Za-z][A-Za-z-]*", _NOT_WORDS.sub(" ", text)) if w not in allowed}
    assert not english, f"gapcheck {name} --help has English words {sorted(english)}:\n{text}"
    assert "用法：" in text and "选项" in text and "显示帮助并退出" in text


@pytest.mark.parametrize(("name", "parser"), _parsers(), ids=lambda x: x if isinstance(x, str) else "")
def test_help_fits_the_terminal_a_chinese_character_taking_two_columns(monkeypatch, name, parser):
    from gapcheck.chinese_argparse import columns

    monkeypatch.setenv("COLUMNS", "80")
    for line in parser.format_help().splitlines():
        assert columns(line) <= 80 or " " not in line.strip(), f"gapcheck {name} -h: {line}"


def test_every_subcommand_is_walked():
    names = {name for name, _ in _parsers()}
    assert {"check", "batch", "worker", "report", "index", "serve", "probe", "schedule"} <= names


def _error(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        main(list(argv))
    assert stop.value.code == 2
    return capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ((), ["用法：gapcheck", "gapcheck：错误：缺少参数：命令"]),
        (("check",), ["缺少参数：URL"]),
        (("nosuch",), ["无效的选择：'nosuch'", "check"]),
        (("check", "http://x.gov.cn/", "--bogus"), ["不认识的参数：--bogus"]),
        (("check", "http://x.gov.cn/", "--render", "--no-render"), ["--no-render", "不能与", "--render"]),
        (("check", "http://x.gov.cn/", "--as-of", "yesterday"), ["--as-of", "'yesterday'", "2026-11-20"]),
        (("check", "http://x.gov.cn/", "--max-pages", "0"), ["--max-pages", "不小于 1 的整数"]),
        (("check", "http://x.gov.cn/", "--delay", "nan"), ["--delay", "秒数"]),
        (("check", "http://x.gov.cn/", "--exclude", "(x"), ["--exclude", "不是正则表达式"]),
        (("check", "http://x.gov.cn/", "--alias", "x"), ["--alias", "HOST=URL"]),
        (("check", "http://x.gov.cn/", "--out"), ["--out", "需要一个值"]),
        (("report", "x"), ["RUN", "'x'", "整数"]),
        (("serve", "d", "--port", "x"), ["--port", "'x'", "整数"]),
        (("probe", "s.yaml", "--timeout", "0"), ["--timeout", "大于 0"]),
    ],
)
def test_usage_errors_are_chinese(capsys, argv, expected):
    err = _error(capsys, *argv)
    for part in expected:
        assert part in err, err
    english = set(re.findall(r"\b(?:usage|error|argument|arguments|expected|invalid|required)\b", err))
    assert not english, err


def _chinese_error(result, *parts: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert re.search(r"[\u4e00-\u9fff]", result.stderr), result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr


@pytest.mark.e2e
def test_missing_config_file(tmp_path):
    result = gapcheck("check", "http://127.0.0.1:9/", "--profile", str(tmp_path / "none.yaml"))
    _chinese_error(result, "none.yaml")


@pytest.mark.e2e
def test_bad_yaml_key(tmp_path):
    (tmp_path / "p.yaml").write_text("name: x\ncrawl:\n  speed: 3\n", encoding="utf-8")
    result = gapcheck("check", "http://127.0.0.1:9/", "--profile", str(tmp_path / "p.yaml"))
    _chinese_error(result, "p.yaml:3", "crawl.speed", "不认识的键")


@pytest.mark.e2e
@pytest.mark.parametrize("url", ["ftp://x.gov.cn/", "http://user:secret@x.gov.cn/", "http://x.gov.cn:99999/"])
def test_bad_url(tmp_path, url):
    result = gapcheck("check", url, "--db", str(tmp_path / "d.sqlite"))
    expected = ("用户名和密码", "不用登录") if "secret" in url else ("不是网址", "http://www.example.gov.cn/")
    _chinese_error(result, *expected)
    assert "secret" not in result.stderr
    assert result.returncode == 2


@pytest.mark.e2e
def test_unreadable_store(tmp_path):
    db = tmp_path / "d.sqlite"
    db.write_bytes(b"not a database at all" * 100)
    result = gapcheck("history", "http://x.gov.cn/", "--db", str(db))
    _chinese_error(result, str(db), "--db")


@pytest.mark.e2e
def test_store_in_a_folder_that_cannot_be_made(tmp_path):
    (tmp_path / "file").write_text("x")
    db = tmp_path / "file" / "d.sqlite"
    result = gapcheck("check", "http://127.0.0.1:9/", "--db", str(db))
    _chinese_error(result, str(db), "--db")


@pytest.mark.e2e
def test_unknown_run(tmp_path):
    db = tmp_path / "d.sqlite"
    from gapcheck.store import Store

    Store(db).close()
    result = gapcheck("report", "7", "--db", str(db), "--out", str(tmp_path / "out"))
    _chinese_error(result, str(db), "7", "gapcheck history")
    result = gapcheck("diff", "1", "2", "--db", str(db))
    _chinese_error(result, str(db), "gapcheck history")


@pytest.mark.e2e
def test_unreachable_redis():
    result = gapcheck("check", "http://127.0.0.1:9/", "--redis", "redis://127.0.0.1:9/0")
    _chinese_error(result, "--redis", "redis-server")


@pytest.mark.e2e
def test_index_of_a_missing_folder(tmp_path):
    result = gapcheck("index", str(tmp_path / "none"))
    _chinese_error(result, "none", "gapcheck batch")


@pytest.mark.e2e
def test_existing_starter_profile(tmp_path):
    (tmp_path / "p.yaml").write_text("name: x\n")
    result = gapcheck("init", "某某局", "--out", str(tmp_path / "p.yaml"))
    _chinese_error(result, "p.yaml", "--out")


@pytest.mark.e2e
def test_the_index_shows_why_a_portal_was_not_checked_in_chinese(tmp_path):
    """error.json carries the error the supervisors read in the index: a sentence in Chinese, its reason."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/"
    sites = tmp_path / "sites.yaml"
    sites.write_text(
        f"defaults: {{out: reports, db: d.sqlite}}\nsites:\n  - {{name: 无响应局, url: '{dead}', slug: dead}}\n",
        encoding="utf-8",
    )
    result = gapcheck("batch", str(sites), "--as-of", "2026-11-20")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    error = json.loads((tmp_path / "reports" / "dead" / "error.json").read_text(encoding="utf-8"))["error"]
    assert "网站没有响应" in error and "连接被拒绝" in error, error
    assert not re.findall(r"\b[a-z]{3,}\b", error.replace(dead, "")), error
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "网站没有响应" in index


def test_rules_name_their_severity_in_chinese(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "单项否决" in out and "严重" in out and " major " not in out


def test_every_translated_argparse_message_is_one_argparse_still_says():
    """argparse words its errors in English templates; a Python that rewords one would leave it English."""
    import inspect

    from gapcheck.cli_words import PARSE_ERROR

    source = inspect.getsource(argparse)
    for english in PARSE_ERROR:
        assert repr(english)[1:-1] in source or english in source, english


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("argument --x: expected one argument", "参数 --x：需要一个值"),
        ("argument RUN: invalid int value: 'x'", "参数 RUN：'x' 不是有效的整数"),
        ("the following arguments are required: URL, --redis", "缺少参数：URL, --redis"),
        ("ambiguous option: --re could match --render, --resume", "选项 --re 不明确，可能是 --render, --resume"),
        ("一句我们自己的话", "一句我们自己的话"),
    ],
)
def test_argparse_messages_are_translated_field_by_field(english, chinese):
    from gapcheck.chinese_argparse import chinese_parse_error

    assert chinese_parse_error(english) == chinese
