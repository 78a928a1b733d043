"""Credentials written into URLs (http://user:secret@host/) never reach a report or an error message."""

from __future__ import annotations

import pytest
from cli import gapcheck

from core.redaction import redact


def test_every_string_in_the_report_is_redacted():
    report = {
        "site": {"start_url": "http://admin:s3cret@www.x.gov.cn/"},
        "findings": [{"evidence": "链接 → https://u:p@files.x.gov.cn/a.pdf 无法下载", "deduction": 1.0}],
        "links": [{"found_on": ["http://a:b@www.x.gov.cn/p.html"], "status": 404}],
    }
    text = repr(redact(report))
    assert "s3cret" not in text and "u:p@" not in text and "a:b@" not in text
    assert redact(report)["site"]["start_url"] == "http://***@www.x.gov.cn/"
    assert redact(report)["links"][0]["status"] == 404
    assert redact("mailto:someone@x.gov.cn") == "mailto:someone@x.gov.cn"


def test_a_redis_password_is_redacted():
    for url in ("redis://:pw-1@127.0.0.1:6379/0", "rediss://user:pw-1@redis.x:6380/0?ssl_ca_certs=/ca.crt"):
        assert "pw-1" not in redact(f"gapcheck worker --redis {url}") and "***@" in redact(url)


@pytest.mark.e2e
def test_a_start_url_with_credentials_is_refused_without_echoing_them(tmp_path):
    result = gapcheck(
        "check",
        "http://admin:s3cret@127.0.0.1:9/",
        "--db",
        str(tmp_path / "d.sqlite"),
        "--out",
        str(tmp_path / "o"),
        timeout=120,
    )
    assert result.returncode == 2 and "s3cret" not in result.stderr and "***@127.0.0.1:9" in result.stderr
