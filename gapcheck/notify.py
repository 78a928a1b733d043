"""Notifications after a batch of checks: what is worth telling, the message, and sending it.

`gapcheck batch SITES.yaml` checks many portals; afterwards `notify(config, results)` tells the web team
what is new since each site's previous run — a new 单项否决, a verdict turned 不合格, new gaps, a site that
could not be checked — by webhook (an HTTP POST of JSON, schema `gapcheck.notify/1`) and/or by mail.
Nothing new, nothing sent. Sending never raises: it returns one line per channel for the batch to print,
naming the SITES.yaml key to look at when it failed. No password, token or user:password@ reaches a
message or an outcome line.
"""

from __future__ import annotations

import base64
import json
import os
import re
import smtplib
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from checks.finding import Severity
from checks.scoring import SiteVerdict

from .cli_words import NOTIFY
from .report import labels
from .report.model import Report, ReportFinding
from .report.view import incomplete_reasons


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    sender: str
    to: tuple[str, ...]
    port: int = 25
    username: str | None = None
    password_env: str | None = None  # name of the environment variable holding the password
    starttls: bool = False


@dataclass(frozen=True)
class NotifyConfig:
    webhook: str | None = None
    smtp: SmtpConfig | None = None


SCHEMA = "gapcheck.notify/1"
VETO = labels.SEVERITY[Severity.VETO]
GAPS_IN_BODY = 5
"""New gaps listed by name in the mail body; the rest are counted."""
GAPS_IN_PAYLOAD = 50
"""New gaps listed in the webhook JSON (`new_gaps_count` has them all): webhook receivers cap body size."""
EVIDENCE_CHARS = 100
WEBHOOK_TIMEOUT = 10.0
SMTP_TIMEOUT = 30.0
SMTPS_PORT = 465
"""Mail to this port is sent over implicit TLS (SMTPS); other ports are plain, upgraded when `starttls`."""


# -- what is worth telling ----------------------------------------------------------------------


@dataclass(frozen=True)
class SiteResult:
    """One portal of a batch: its report and report.html, or why it has none."""

    name: str
    url: str
    report: Report | None = None
    html: str | os.PathLike[str] | None = None
    error: str | None = None
    """Why the portal could not be checked (did not answer); a result with no report and no error counts
    as not checked too."""


@dataclass(frozen=True)
class SiteNews:
    """What is new about one site: new failing veto findings, other new failing findings, a verdict turned
    不合格 since the previous run — or that it could not be checked."""

    result: SiteResult
    new_vetoes: tuple[ReportFinding, ...] = ()
    new_gaps: tuple[ReportFinding, ...] = ()
    """New failing findings that are not vetoes."""
    turned_failed: bool = False
    previous_verdict: str | None = None

    @property
    def checked(self) -> bool:
        return self.result.report is not None and not self.result.error

    @property
    def error(self) -> str | None:
        if self.checked:
            return None
        return self.result.error or "没有生成报告"


def _previous_verdict(report: Report) -> str | None:
    """The verdict of the run this one is compared with: its `trend` entry (`summary.changes.previous_run`)."""
    changes = report.summary.changes
    if changes is None or changes.previous_run is None:
        return None
    entry = next((e for e in report.trend or [] if e.run == changes.previous_run), None)
    return entry.verdict if entry else None


def site_news(result: SiteResult) -> SiteNews | None:
    """What is worth telling about one site, or None when nothing is new (fixed gaps alone are not news)."""
    report = result.report
    if report is None or result.error:
        return SiteNews(result)
    new = [f for f in report.failing if f.change == "new"]
    vetoes = tuple(f for f in new if f.severity is Severity.VETO)
    gaps = tuple(f for f in new if f.severity is not Severity.VETO)
    previous = _previous_verdict(report)
    turned = report.summary.verdict is SiteVerdict.FAILED and previous == SiteVerdict.PASSED
    if not (vetoes or gaps or turned):
        return None
    return SiteNews(result, vetoes, gaps, turned, previous)


def what_is_new(results: Iterable[SiteResult]) -> list[SiteNews]:
    """The sites worth telling about, in the batch's order; empty when nothing is new."""
    return [news for news in map(site_news, results) if news is not None]


# -- the message --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str
    payload: dict[str, Any]


_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*)://[^/\s@?#]+@")
_SPACE = re.compile(r"[\s\x00-\x1f\x7f]+")


def _clean(value: Any, limit: int | None = None) -> str:
    """One line of crawled or configured text: no control characters, no user:password@, at most `limit`."""
    text = _SPACE.sub(" ", _CREDENTIALS.sub(r"\1://***@", "" if value is None else str(value))).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _num(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _site_facts(news: SiteNews) -> dict[str, Any]:
    result = news.result
    report = result.report
    changes = report.summary.changes if report else None

    def item(f: ReportFinding, evidence: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": _clean(f.rule),
            "title": _clean(f.title or (report.title_of(f.rule) if report else "")),
            "severity": f.severity.value,
            "subject": _clean(f.subject, 200),
            "url": _clean(f.url),
        }
        if evidence:
            out["evidence"] = _clean(f.evidence or f.message, EVIDENCE_CHARS)
        return out

    return {
        "name": _clean(result.name or (report.site.name if report else "")),
        "url": _clean(result.url or (report.site.start_url if report else "")),
        "checked": news.checked,
        "error": _clean(news.error, 300) if news.error else None,
        "run": report.run.id if report else None,
        "as_of": report.run.as_of if report else None,
        "previous_run": changes.previous_run if changes else None,
        "verdict": report.summary.verdict.value if report else None,
        "incomplete": incomplete_reasons(report.run) if report else [],
        "previous_verdict": news.previous_verdict,
        "turned_failed": news.turned_failed,
        "score": report.summary.score if report else None,
        "vetoes": report.summary.vetoes if report else None,
        "new_vetoes": [item(f, True) for f in news.new_vetoes],
        "new_gaps_count": len(news.new_gaps),
        "new_gaps": [item(f, False) for f in news.new_gaps[:GAPS_IN_PAYLOAD]],
        "still_open": changes.still_open if changes else None,
        "fixed": changes.fixed if changes else None,
        "report": os.fspath(result.html) if result.html is not None else None,
    }


def _subject(with_news: int, with_vetoes: int, not_checked: int) -> str:
    parts = []
    if with_news:
        parts.append(f"{with_news} 个网站出现新问题" + (f"（{with_vetoes} 个{VETO}）" if with_vetoes else ""))
    if not_checked:
        parts.append(f"{not_checked} 个网站无法检查")
    return "gapcheck：" + "，".join(parts)


def _site_text(n: int, s: dict[str, Any]) -> list[str]:
    lines = [f"【{n}】{s['name'] or s['url']}", f"网址：{s['url']}"]
    if not s["checked"]:
        return [*lines, f"无法检查：{s['error']}", ""]
    verdict = s["verdict"] or "—"
    if s["incomplete"] and verdict == SiteVerdict.PASSED:
        verdict = labels.PROVISIONAL.format(verdict=verdict)
    if s["turned_failed"]:
        verdict += f"（上次为{s['previous_verdict']}）"
    lines.append(f"结论：{verdict}　得分：{_num(s['score'])}")
    lines += [f"{labels.INCOMPLETE['title']}：{reason}" for reason in s["incomplete"]]
    if s["previous_run"] is None:
        lines.append("首次检查：所有问题均记为新问题。")
    if s["new_vetoes"]:
        lines.append(f"新增{VETO} {len(s['new_vetoes'])} 项：")
        for v in s["new_vetoes"]:
            evidence = f"——{v['evidence']}" if v["evidence"] else ""
            lines.append(f"  - {v['rule']} {v['title']}：{v['subject']}{evidence}")
    if s["new_gaps_count"]:
        shown = s["new_gaps"][:GAPS_IN_BODY]
        head = f"新增问题 {s['new_gaps_count']} 项"
        lines.append(head + (f"（前 {len(shown)} 项）：" if len(shown) < s["new_gaps_count"] else "："))
        lines += [f"  - {g['rule']} {g['title']}：{g['subject']}" for g in shown]
    lines.append(f"{labels.TEXT['changes_fixed']} {_num(s['fixed'] or 0)} 项")
    if s["report"]:
        lines.append(f"报告：{s['report']}")
    return [*lines, ""]


def compose(news: Sequence[SiteNews]) -> Notice:
    """The subject, the plain-text body and the webhook JSON for the sites `what_is_new` returned."""
    sites = [_site_facts(n) for n in news]
    with_news = sum(s["checked"] for s in sites)
    with_vetoes = sum(bool(s["new_vetoes"]) for s in sites)
    not_checked = len(sites) - with_news
    subject = _subject(with_news, with_vetoes, not_checked)
    lines = [subject.removeprefix("gapcheck：") + "。", ""]
    for n, s in enumerate(sites, 1):
        lines += _site_text(n, s)
    lines.append("—— gapcheck 批量检查")
    body = "\n".join(lines) + "\n"
    payload = {
        "schema": SCHEMA,
        "subject": subject,
        "text": body,
        "counts": {
            "sites_with_news": with_news,
            "sites_with_new_vetoes": with_vetoes,
            "sites_not_checked": not_checked,
        },
        "sites": sites,
    }
    return Notice(subject, body, payload)


# -- sending ------------------------------------------------------------------------------------


class _SendError(Exception):
    """A failure to send, worded for the outcome line; `key` is the SITES.yaml key to look at."""

    def __init__(self, reason: str, key: str):
        super().__init__(reason)
        self.reason, self.key = reason, key


def _shown_url(url: str) -> str:
    """The webhook as outcome lines name it: scheme, host and port only (paths and queries carry tokens)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return NOTIFY["unparsable_url"]
    if ":" in host:
        host = f"[{host}]"
    rest = "/…" if (parts.path not in ("", "/") or parts.query or parts.fragment) else "/"
    return f"{parts.scheme}://{host}{port}{rest}" if parts.scheme else NOTIFY["not_a_url"]


def _os_reason(exc: BaseException, timeout: float) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return NOTIFY["tls_certificate"].format(reason=exc.verify_message or exc.reason)
    if isinstance(exc, ssl.SSLError):
        return NOTIFY["tls"].format(reason=exc.reason or exc)
    if isinstance(exc, ConnectionRefusedError):
        return NOTIFY["refused"]
    if isinstance(exc, socket.gaierror):
        return NOTIFY["no_dns"]
    if isinstance(exc, TimeoutError | socket.timeout):
        return NOTIFY["timeout"].format(timeout=timeout)
    if isinstance(exc, ConnectionResetError):
        return NOTIFY["reset"]
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else (str(exc) or type(exc).__name__)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would arrive as a GET without the JSON: report the redirect instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _post_webhook(url: str, notice: Notice) -> str:
    key = "notify.webhook"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise _SendError(NOTIFY["bad_url"], key) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _SendError(NOTIFY["not_http"], key)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "gapcheck-notify"}
    if parts.username is not None or parts.password is not None:
        pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        netloc = parts.netloc.rpartition("@")[2]
        url = urlunsplit(parts._replace(netloc=netloc))
    data = json.dumps(notice.payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=WEBHOOK_TIMEOUT) as response:
            response.read(65536)
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        location = _shown_url(exc.headers.get("Location") or "")
        where = NOTIFY["redirected"].format(url=location) if 300 <= exc.code < 400 else ""
        raise _SendError(
            NOTIFY["answered"].format(code=exc.code, reason=_clean(exc.reason, 80), where=where), key
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        text = _os_reason(reason, WEBHOOK_TIMEOUT) if isinstance(reason, BaseException) else str(reason)
        raise _SendError(text, key) from None
    except (OSError, ValueError) as exc:  # timeouts while reading, http.client.InvalidURL, bad status lines
        raise _SendError(_os_reason(exc, WEBHOOK_TIMEOUT), key) from None


def _mail(cfg: SmtpConfig, notice: Notice) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = notice.subject
    msg["From"] = cfg.sender
    msg["To"] = ", ".join(cfg.to)
    msg["Date"] = formatdate(localtime=True)
    domain = cfg.sender.rpartition("@")[2].strip(" >") or "gapcheck.invalid"
    msg["Message-ID"] = make_msgid("gapcheck", domain=domain)
    msg.set_content(notice.body, charset="utf-8", cte="base64")
    return msg


def _decode(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)


def _smtp_text(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_clean(_decode(exc.smtp_error), 160)}"


def _send_mail(cfg: SmtpConfig, notice: Notice, env: Mapping[str, str]) -> str:
    if not cfg.to:
        raise _SendError(NOTIFY["no_recipient"], "notify.smtp.to")
    password = None
    if cfg.username:
        if not cfg.password_env:
            raise _SendError(NOTIFY["username_only"], "notify.smtp.password_env")
        password = env.get(cfg.password_env)
        if not password:
            raise _SendError(NOTIFY["password_unset"].format(name=cfg.password_env), "notify.smtp.password_env")
    elif cfg.password_env:
        raise _SendError(NOTIFY["password_env_only"], "notify.smtp.username")
    msg = _mail(cfg, notice)
    key = "notify.smtp.host"
    local = socket.gethostname() or "localhost"  # not getfqdn(): no DNS lookup on machines without DNS
    try:
        connection: smtplib.SMTP
        if cfg.port == SMTPS_PORT:  # submission over implicit TLS: the port speaks TLS from the first byte
            connection = smtplib.SMTP_SSL(
                cfg.host, cfg.port, local_hostname=local, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(cfg.host, cfg.port, local_hostname=local, timeout=SMTP_TIMEOUT)
        with connection as smtp:
            if cfg.starttls and cfg.port != SMTPS_PORT:
                key = "notify.smtp.starttls"
                smtp.starttls(context=ssl.create_default_context())
            if cfg.username:
                key = "notify.smtp.username"
                try:
                    smtp.login(cfg.username, password or "")
                except UnicodeEncodeError:  # smtplib sends credentials as ASCII only
                    raise _SendError(NOTIFY["not_ascii"], "notify.smtp.username / notify.smtp.password_env") from None
            key = "notify.smtp.to"
            smtp.send_message(msg, from_addr=cfg.sender, to_addrs=list(cfg.to))
    except smtplib.SMTPNotSupportedError as exc:
        raise _SendError(NOTIFY["not_offered"].format(reason=_clean(exc, 120)), key) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise _SendError(
            NOTIFY["login_refused"].format(answer=_smtp_text(exc)), "notify.smtp.username / notify.smtp.password_env"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused = "; ".join(
            f"{_clean(addr)}: {code} {_clean(_decode(text), 80)}" for addr, (code, text) in exc.recipients.items()
        )
        raise _SendError(NOTIFY["recipients_refused"].format(refused=refused), "notify.smtp.to") from None
    except smtplib.SMTPSenderRefused as exc:
        raise _SendError(NOTIFY["sender_refused"].format(answer=_smtp_text(exc)), "notify.smtp.sender") from None
    except smtplib.SMTPResponseException as exc:
        raise _SendError(NOTIFY["server_answered"].format(answer=_smtp_text(exc)), key) from None
    except smtplib.SMTPServerDisconnected:
        raise _SendError(NOTIFY["server_closed"], key) from None
    except smtplib.SMTPException as exc:
        raise _SendError(_clean(exc, 200) or type(exc).__name__, key) from None
    except OSError as exc:
        where = (
            "notify.smtp.starttls"
            if isinstance(exc, ssl.SSLError) and key != "notify.smtp.host"
            else "notify.smtp.host"
        )
        raise _SendError(_os_reason(exc, SMTP_TIMEOUT), where) from None
    return NOTIFY["recipients"].format(n=len(cfg.to))


def _outcome(channel: str, send) -> str:
    try:
        detail = send()
    except _SendError as exc:
        return NOTIFY["failed"].format(channel=channel, reason=_clean(exc.reason, 300), key=exc.key)
    except Exception as exc:  # never out of the batch; the type says enough without a traceback
        return NOTIFY["crashed"].format(channel=channel, kind=type(exc).__name__, reason=_clean(exc, 200))
    return NOTIFY["sent"].format(channel=channel, detail=detail)


def send(config: NotifyConfig, notice: Notice, env: Mapping[str, str] | None = None) -> list[str]:
    """Sends `notice` on every configured channel; one outcome line each (sent / failed and why). Never raises."""
    env = os.environ if env is None else env
    lines = []
    if config.webhook:
        url = config.webhook
        lines.append(_outcome(NOTIFY["webhook"].format(url=_shown_url(url)), lambda: _post_webhook(url, notice)))
    if config.smtp is not None:
        smtp = config.smtp
        lines.append(
            _outcome(
                NOTIFY["mail"].format(host=_clean(smtp.host), port=smtp.port), lambda: _send_mail(smtp, notice, env)
            )
        )
    return lines


def notify(
    config: NotifyConfig | None, results: Iterable[SiteResult], env: Mapping[str, str] | None = None
) -> list[str]:
    """After a batch: tells what is new, if anything, on the configured channels. The lines to print."""
    if config is None or not (config.webhook or config.smtp):
        return []
    news = what_is_new(results)
    if not news:
        return [NOTIFY["nothing_new"]]
    return send(config, compose(news), env)
