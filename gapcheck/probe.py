"""Availability probes: each listed portal's home page fetched once, in parallel, and the outcome stored.

Run every 15 minutes (`gapcheck schedule`); a week of probes decides GK804 (站点无法访问). Plain urllib in
threads, not Scrapy: a probe must start and finish in seconds. A probe fails when the home page does not
answer, answers an HTTP error, or takes longer than the timeout (15 s, as the indicators say).
"""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from spiders.settings import USER_AGENT

TIMEOUT = 15.0
"""Seconds within which the home page must have opened (检查指标: 超过 15 秒未打开即为失败)."""
READ_LIMIT = 5_000_000
"""Bytes of the home page read at most: enough to know it opened, bounded for a runaway response."""
GRACE = 5.0
"""Seconds past the timeout a probe may take (name lookups ignore socket timeouts) before it is given up."""


@dataclass(frozen=True)
class ProbeResult:
    url: str
    at: dt.datetime
    """When the probe started, UTC."""
    ok: bool
    status: int | None
    elapsed: float
    error: str = ""


def probe(url: str, timeout: float = TIMEOUT) -> ProbeResult:
    """Fetches `url` once, following redirects; never raises."""
    at = dt.datetime.now(dt.UTC)
    start = time.monotonic()
    status: int | None = None
    error = ""
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8", "Accept-Language": "zh-CN,zh;q=0.9"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
            read = 0
            while read < READ_LIMIT and time.monotonic() - start <= timeout:
                chunk = response.read(65536)
                if not chunk:
                    break
                read += len(chunk)
    except urllib.error.HTTPError as exc:
        status = exc.code
        error = f"HTTP {exc.code}"
        exc.close()
    except urllib.error.URLError as exc:
        error = _describe(exc.reason)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        error = _describe(exc)
    elapsed = time.monotonic() - start
    if not error and elapsed > timeout:
        error = f"slow: {elapsed:.1f} s > {timeout:g} s"
    if not error and (status is None or status >= 400):
        error = f"HTTP {status}"
    return ProbeResult(url, at, not error, status, round(elapsed, 3), error)


def _describe(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return f"dns: {reason.strerror or reason}"
    if isinstance(reason, ConnectionRefusedError):
        return "refused"
    if isinstance(reason, ConnectionResetError):
        return "reset"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "timeout"
    if isinstance(reason, ssl.SSLError):
        return f"tls: {getattr(reason, 'reason', None) or reason}"
    if isinstance(reason, ssl.CertificateError):
        return f"tls: {reason}"
    text = str(reason) or type(reason).__name__
    return " ".join(text.split())[:200]


def probe_all(urls: list[str], timeout: float = TIMEOUT) -> list[ProbeResult]:
    """Every URL probed at once, each in its own thread; results in the order of `urls`.

    A probe still running `GRACE` seconds after the timeout (a name lookup that hangs) is given up as a
    timeout; its thread is left to die with the process.
    """
    results: list[ProbeResult | None] = [None] * len(urls)
    started = dt.datetime.now(dt.UTC)

    def run(i: int, url: str) -> None:
        results[i] = probe(url, timeout)

    threads = [
        threading.Thread(target=run, args=(i, url), daemon=True, name=f"probe-{i}") for i, url in enumerate(urls)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout + GRACE
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [
        r
        if r is not None
        else ProbeResult(
            url, started, False, None, round(timeout + GRACE, 3), f"timeout: no answer in {timeout + GRACE:g} s"
        )
        for url, r in zip(urls, results, strict=False)
    ]
