"""Notifications after a batch: what is worth telling, the message, and sending it to real servers on
127.0.0.1 (an HTTP receiver and a small SMTP server, both in threads)."""

from __future__ import annotations

import base64
import email
import email.policy
import json
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from reports import make_report

from gapcheck.notify import SCHEMA, NotifyConfig, SiteResult, SmtpConfig, compose, notify, send, site_news, what_is_new

# -- reports as history.annotate leaves them ----------------------------------------------------

RULES = {
    "GK203": {"code": "GK203", "title": "首页不更新", "severity": "veto"},
    "GK201": {"code": "GK201", "title": "栏目更新不及时", "severity": "major"},
    "GK301": {"code": "GK301", "title": "首页链接不可用", "severity": "major"},
    "GK302": {"code": "GK302", "title": "其他页面链接不可用", "severity": "minor"},
    "GK502": {"code": "GK502", "title": "党政机关网站标识缺失", "severity": "major"},
}


def _finding(rule, subject, change, status="fail", url="", evidence=""):
    f = {
        "rule": rule,
        "title": RULES[rule]["title"],
        "status": status,
        "severity": RULES[rule]["severity"],
        "subject": subject,
        "url": url,
        "evidence": evidence,
        "message": "",
        "deduction": 1.0 if status == "fail" else 0.0,
        "fingerprint": f"{rule}-{subject}",
        "change": change,
    }
    if change == "open":
        f["since"] = {"run": 1, "as_of": "2026-11-01"}
    return f


def _report(start_url, findings, verdict, score, previous_run=1, previous_verdict="合格", fixed=()):
    failing = [f for f in findings if f["status"] == "fail"]
    trend = (
        [{"run": previous_run, "as_of": "2026-11-13", "score": 90.0, "verdict": previous_verdict, "fail": 3}]
        if previous_run
        else []
    )
    run_id = (previous_run or 0) + 1
    data = {
        "site": {"name": "报告里的名字", "start_url": start_url, "profile": "national"},
        "run": {"id": run_id, "as_of": "2026-11-20", "pages": 40, "links_checked": 100},
        "summary": {
            "checked": len(findings),
            "fail": len(failing),
            "verdict": verdict,
            "score": score,
            "vetoes": sum(f["severity"] == "veto" for f in failing),
            "changes": {
                "previous_run": previous_run,
                "new": sum(f["change"] == "new" for f in failing),
                "still_open": sum(f["change"] == "open" for f in failing),
                "fixed": len(fixed),
            },
        },
        "findings": findings,
        "fixed": [
            {"rule": r, "title": RULES[r]["title"], "subject": s, "url": "", "fingerprint": f"{r}-{s}"}
            for r, s in fixed
        ],
        "rules": RULES,
        "trend": [
            *trend,
            {"run": run_id, "as_of": "2026-11-20", "score": float(score), "verdict": verdict, "fail": len(failing)},
        ],
    }
    return make_report(data)


def _veto_site(tmp_path):
    findings = [
        _finding(
            "GK203",
            "首页",
            "new",
            url="http://a.gov.cn/",
            evidence="首页最新信息日期为 2026-10-01，早于检查日期前 2 周（2026-11-06）。" * 3,
        ),
        _finding("GK201", "商务动态", "new", url="http://a.gov.cn/swdt/"),
        _finding("GK302", "http://a.gov.cn/x.pdf", "new", url="http://a.gov.cn/zwgk/"),
        _finding("GK502", "党政机关网站标识", "open", url="http://a.gov.cn/"),
        _finding("GK301", "http://a.gov.cn/ok.jpg", None, status="pass"),
    ]
    report = _report("http://a.gov.cn/", findings, "不合格", 81.5, fixed=[("GK301", "http://a.gov.cn/b.jpg")])
    return SiteResult("甲市商务局", "http://a.gov.cn/", report, str(tmp_path / "a" / "report.html"))


def _fixed_only_site():
    findings = [
        _finding("GK502", "党政机关网站标识", "open", url="http://b.gov.cn/"),
        _finding("GK201", "商务动态", None, status="pass"),
    ]
    report = _report(
        "http://b.gov.cn/", findings, "合格", 95.0, fixed=[("GK201", "商务动态"), ("GK302", "http://b.gov.cn/x.doc")]
    )
    return SiteResult("乙市商务局", "http://b.gov.cn/", report, "/out/b/report.html")


def _down_site():
    return SiteResult("丙市商务局", "http://c.gov.cn/", error="连接被拒绝（connection refused）")


# -- local servers ------------------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append({"path": self.path, "headers": dict(self.headers), "body": body})
        status = self.server.status
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "http://127.0.0.1:1/elsewhere?token=secret")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.posts, server.status = [], 200
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/hook/abc?access_token=tok123"
    yield server
    server.shutdown()
    server.server_close()


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Enough SMTP for smtplib: EHLO/HELO, AUTH PLAIN, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str):
        self.connection.sendall(line.encode() + b"\r\n")

    def _tls(self):
        self.connection = self.server.tls.wrap_socket(self.connection, server_side=True)
        self.rfile = self.connection.makefile("rb")

    def handle(self):
        server = self.server
        if server.implicit_tls:
            self._tls()
        self.reply("220 test SMTP")
        sender, rcpts, user = None, [], None
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb, _, arg = line.partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                offer_tls = server.tls is not None and not isinstance(self.connection, ssl.SSLSocket)
                extras = (
                    ["250-test"]
                    + (["250-STARTTLS"] if offer_tls else [])
                    + (["250-AUTH PLAIN"] if server.credentials else [])
                )
                for extra in extras:
                    self.reply(extra)
                self.reply("250 8BITMIME")
            elif verb == "HELO":
                self.reply("250 test")
            elif verb == "AUTH":
                mech, _, initial = arg.partition(" ")
                if mech.upper() != "PLAIN":
                    self.reply("504 unsupported")
                    continue
                if not initial:
                    self.reply("334 ")
                    initial = self.rfile.readline().decode().strip()
                _, name, password = base64.b64decode(initial).decode().split("\0")
                server.logins.append((name, password))
                if (name, password) == server.credentials:
                    user = name
                    self.reply("235 authenticated")
                else:
                    self.reply("535 authentication failed")
            elif verb == "MAIL":
                if server.credentials and user is None:
                    self.reply("530 authentication required")
                    continue
                sender, rcpts = arg.split(":", 1)[1].strip().split()[0].strip("<>"), []
                self.reply("250 ok")
            elif verb == "RCPT":
                rcpts.append(arg.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 end with .")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b""):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                server.messages.append(
                    {
                        "from": sender,
                        "to": rcpts,
                        "user": user,
                        "data": bytes(data),
                        "tls": isinstance(self.connection, ssl.SSLSocket),
                    }
                )
                self.reply("250 queued")
            elif verb == "STARTTLS" and server.tls is not None:
                self.reply("220 go ahead")
                self._tls()
                sender, rcpts, user = None, [], None
            elif verb in ("RSET", "NOOP"):
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")


class _SmtpServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def _start_smtp(port=0, tls=None, implicit_tls=False):
    server = _SmtpServer(("127.0.0.1", port), _SmtpHandler)
    server.messages, server.logins, server.credentials = [], [], None
    server.tls, server.implicit_tls = tls, implicit_tls
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    server.port = server.server_address[1]
    return server


@pytest.fixture
def smtp_server():
    server = _start_smtp()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def tls(tmp_path, monkeypatch):
    """A server context with a self-signed certificate for 127.0.0.1, which clients here trust
    (SSL_CERT_FILE is what ssl.create_default_context() reads)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    return context


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def _parse(message: dict) -> email.message.EmailMessage:
    return email.message_from_bytes(message["data"], policy=email.policy.default)


# -- what is worth telling ----------------------------------------------------------------------


def test_new_veto_new_gaps_and_fixed_count(tmp_path):
    news = site_news(_veto_site(tmp_path))
    assert [f.rule for f in news.new_vetoes] == ["GK203"]
    assert [f.rule for f in news.new_gaps] == ["GK201", "GK302"]  # the open GK502 and the pass are not new
    assert news.turned_failed and news.previous_verdict == "合格"
    assert news.checked and news.error is None


def test_fixed_gaps_alone_are_not_news():
    assert site_news(_fixed_only_site()) is None
    assert what_is_new([_fixed_only_site()]) == []


def test_verdict_turned_failed_without_a_new_finding_is_news():
    findings = [_finding("GK201", "商务动态", "open", url="http://d.gov.cn/swdt/")]
    report = _report("http://d.gov.cn/", findings, "不合格", 58.0)
    news = site_news(SiteResult("丁局", "http://d.gov.cn/", report, "/r.html"))
    assert news is not None and news.turned_failed and not news.new_vetoes and not news.new_gaps
    # Already 不合格 last time: nothing new.
    still = _report("http://d.gov.cn/", findings, "不合格", 58.0, previous_verdict="不合格")
    assert site_news(SiteResult("丁局", "http://d.gov.cn/", still, "/r.html")) is None


def test_a_site_not_checked_is_news():
    news = what_is_new([_fixed_only_site(), _down_site(), SiteResult("戊局", "http://e.gov.cn/")])
    assert [(n.result.name, n.checked, n.error) for n in news] == [
        ("丙市商务局", False, "连接被拒绝（connection refused）"),
        ("戊局", False, "没有生成报告"),
    ]


def test_subject_body_and_payload(tmp_path):
    notice = compose(what_is_new([_veto_site(tmp_path), _fixed_only_site(), _down_site()]))
    assert notice.subject == "gapcheck：1 个网站出现新问题（1 个单项否决），1 个网站无法检查"
    body = notice.body
    for text in (
        "【1】甲市商务局",
        "网址：http://a.gov.cn/",
        "结论：不合格（上次为合格）　得分：81.5",
        "新增单项否决 1 项：",
        "  - GK203 首页不更新：首页——首页最新信息日期为 2026-10-01",
        "新增问题 2 项：",
        "  - GK201 栏目更新不及时：商务动态",
        "  - GK302 其他页面链接不可用：http://a.gov.cn/x.pdf",
        "已整改 1 项",
        f"报告：{tmp_path / 'a' / 'report.html'}",
        "【2】丙市商务局",
        "网址：http://c.gov.cn/",
        "无法检查：连接被拒绝（connection refused）",
    ):
        assert text in body, text
    assert "乙市商务局" not in body and "GK502" not in body
    veto_line = next(line for line in body.splitlines() if "GK203" in line)
    assert veto_line.endswith("…") and len(veto_line) < 140  # evidence shortened
    p = notice.payload
    assert p["schema"] == SCHEMA == "gapcheck.notify/1"
    assert p["subject"] == notice.subject and p["text"] == body
    assert p["counts"] == {"sites_with_news": 1, "sites_with_new_vetoes": 1, "sites_not_checked": 1}
    a, c = p["sites"]
    assert a["name"] == "甲市商务局" and a["checked"] and a["verdict"] == "不合格" and a["score"] == 81.5
    assert a["turned_failed"] and a["previous_verdict"] == "合格" and a["run"] == 2 and a["previous_run"] == 1
    assert [v["rule"] for v in a["new_vetoes"]] == ["GK203"] and a["new_vetoes"][0]["evidence"].endswith("…")
    assert a["new_gaps_count"] == 2 and [g["subject"] for g in a["new_gaps"]] == ["商务动态", "http://a.gov.cn/x.pdf"]
    assert (a["fixed"], a["still_open"], a["report"]) == (1, 1, str(tmp_path / "a" / "report.html"))
    assert c == {
        **c,
        "name": "丙市商务局",
        "checked": False,
        "error": "连接被拒绝（connection refused）",
        "verdict": None,
        "new_vetoes": [],
        "new_gaps_count": 0,
        "report": None,
    }


def test_many_gaps_first_few_in_body_and_crawled_text_on_one_line():
    findings = [_finding("GK302", f"http://f.gov.cn/{i}.pdf", "new", url="http://f.gov.cn/") for i in range(60)]
    findings[0]["subject"] = "坏链接\r\nBcc: victim@example.com"
    report = _report("http://f.gov.cn/", findings, "合格", 90.0, previous_run=None)
    notice = compose(what_is_new([SiteResult("己局", "http://user:pw@f.gov.cn/", report, "/f.html")]))
    assert notice.subject == "gapcheck：1 个网站出现新问题"
    assert "新增问题 60 项（前 5 项）：" in notice.body and "首次检查" in notice.body
    assert "坏链接 Bcc: victim@example.com" in notice.body and "\r" not in notice.body
    assert "pw" not in notice.body and "http://***@f.gov.cn/" in notice.body
    assert notice.payload["sites"][0]["new_gaps_count"] == 60 and len(notice.payload["sites"][0]["new_gaps"]) == 50


# -- sending ------------------------------------------------------------------------------------


def test_new_veto_is_posted_and_mailed(tmp_path, receiver, smtp_server):
    config = NotifyConfig(
        webhook=receiver.url,
        smtp=SmtpConfig("127.0.0.1", "gapcheck@a.gov.cn", ("web@a.gov.cn", "boss@a.gov.cn"), port=smtp_server.port),
    )
    lines = notify(config, [_veto_site(tmp_path), _fixed_only_site()])
    assert lines == [
        f"通知：webhook http://127.0.0.1:{receiver.server_address[1]}/… 已发送（HTTP 200）",
        f"通知：邮件 127.0.0.1:{smtp_server.port} 已发送（2 个收件人）",
    ]
    assert "tok123" not in "\n".join(lines)
    (post,) = receiver.posts
    assert post["path"] == "/hook/abc?access_token=tok123"
    assert post["headers"]["Content-Type"] == "application/json; charset=utf-8"
    payload = json.loads(post["body"].decode("utf-8"))
    assert payload["schema"] == "gapcheck.notify/1"
    assert payload["subject"] == "gapcheck：1 个网站出现新问题（1 个单项否决）"
    assert [s["name"] for s in payload["sites"]] == ["甲市商务局"]
    assert payload["sites"][0]["new_vetoes"][0]["rule"] == "GK203"
    (mail,) = smtp_server.messages
    assert mail["from"] == "gapcheck@a.gov.cn" and mail["to"] == ["web@a.gov.cn", "boss@a.gov.cn"]
    msg = _parse(mail)
    assert msg["Subject"] == "gapcheck：1 个网站出现新问题（1 个单项否决）"
    assert msg["To"] == "web@a.gov.cn, boss@a.gov.cn" and msg["Message-ID"].endswith("@a.gov.cn>")
    assert msg.get_content_charset() == "utf-8"
    text = msg.get_content()
    assert "【1】甲市商务局" in text and "新增单项否决 1 项：" in text and "GK203 首页不更新：首页" in text
    assert text == payload["text"]


def test_only_fixed_gaps_sends_nothing(receiver, smtp_server):
    config = NotifyConfig(
        webhook=receiver.url, smtp=SmtpConfig("127.0.0.1", "g@a.gov.cn", ("w@a.gov.cn",), port=smtp_server.port)
    )
    assert notify(config, [_fixed_only_site()]) == [
        "通知：没有新情况（没有新增的单项否决或问题，每个网站都已检查）；未发送"
    ]
    assert receiver.posts == [] and smtp_server.messages == []
    assert notify(NotifyConfig(), [_down_site()]) == [] and notify(None, [_down_site()]) == []


def test_a_site_not_checked_is_sent(receiver):
    lines = notify(NotifyConfig(webhook=receiver.url), [_fixed_only_site(), _down_site()])
    assert lines[0].endswith("已发送（HTTP 200）")
    payload = json.loads(receiver.posts[0]["body"])
    assert payload["subject"] == "gapcheck：1 个网站无法检查"
    assert payload["sites"][0]["error"] == "连接被拒绝（connection refused）"


def test_webhook_refused_is_an_outcome_line_not_an_exception(tmp_path):
    port = _closed_port()
    url = f"http://127.0.0.1:{port}/robot/send?access_token=secret-token"
    lines = notify(NotifyConfig(webhook=url), [_veto_site(tmp_path)])
    assert lines == [
        f"通知：webhook http://127.0.0.1:{port}/… 发送失败：连接被拒绝（检查 SITES.yaml 中的 notify.webhook）"
    ]


def test_webhook_http_error_and_redirect_fail(tmp_path, receiver):
    notice = compose(what_is_new([_down_site()]))
    receiver.status = 500
    (line,) = send(NotifyConfig(webhook=receiver.url), notice)
    assert "发送失败：对方回答 HTTP 500 Internal Server Error（检查 SITES.yaml 中的 notify.webhook）" in line
    receiver.status = 302  # a redirected POST would arrive as a GET without the JSON
    (line,) = send(NotifyConfig(webhook=receiver.url), notice)
    assert "发送失败：对方回答 HTTP 302 Found，重定向到 http://127.0.0.1:1/…" in line and "secret" not in line
    (line,) = send(NotifyConfig(webhook="ftp://x.gov.cn/"), notice)
    assert (
        line == "通知：webhook ftp://x.gov.cn/ 发送失败：应写 http:// 或 https:// 开头的网址"
        "（检查 SITES.yaml 中的 notify.webhook）"
    )


def test_webhook_user_and_password_go_in_a_header_not_the_lines(receiver):
    port = receiver.server_address[1]
    notice = compose(what_is_new([_down_site()]))
    (line,) = send(NotifyConfig(webhook=f"http://bot:s3cret@127.0.0.1:{port}/hook"), notice)
    assert line == f"通知：webhook http://127.0.0.1:{port}/… 已发送（HTTP 200）"
    assert receiver.posts[0]["headers"]["Authorization"] == "Basic " + base64.b64encode(b"bot:s3cret").decode()


def test_smtp_login_with_the_password_from_the_environment(tmp_path, smtp_server, monkeypatch):
    smtp_server.credentials = ("gapcheck", "p@ss word")
    cfg = SmtpConfig(
        "127.0.0.1",
        "gapcheck@a.gov.cn",
        ("web@a.gov.cn",),
        port=smtp_server.port,
        username="gapcheck",
        password_env="GAPCHECK_TEST_SMTP_PASSWORD",
    )
    monkeypatch.setenv("GAPCHECK_TEST_SMTP_PASSWORD", "p@ss word")
    lines = notify(NotifyConfig(smtp=cfg), [_veto_site(tmp_path)])
    assert lines == [f"通知：邮件 127.0.0.1:{smtp_server.port} 已发送（1 个收件人）"]
    assert smtp_server.logins == [("gapcheck", "p@ss word")] and smtp_server.messages[0]["user"] == "gapcheck"
    # A wrong password: refused, and the password is nowhere in the line.
    lines = notify(NotifyConfig(smtp=cfg), [_veto_site(tmp_path)], env={"GAPCHECK_TEST_SMTP_PASSWORD": "wrong"})
    assert lines == [
        f"通知：邮件 127.0.0.1:{smtp_server.port} 发送失败：登录被拒绝：535 authentication "
        "failed（检查 SITES.yaml 中的 notify.smtp.username / notify.smtp.password_env）"
    ]
    assert "wrong" not in lines[0]
    # smtplib sends credentials as ASCII only: a clear line, the password not in it.
    lines = notify(NotifyConfig(smtp=cfg), [_veto_site(tmp_path)], env={"GAPCHECK_TEST_SMTP_PASSWORD": "口令"})
    assert lines == [
        f"通知：邮件 127.0.0.1:{smtp_server.port} 发送失败：用户名或密码含有 ASCII 以外的字符，"
        "Python 的 smtplib 无法发送（检查 SITES.yaml 中的 notify.smtp.username / notify.smtp.password_env）"
    ]
    assert len(smtp_server.messages) == 1


def test_smtp_missing_password_variable_is_a_clear_error(tmp_path, smtp_server, monkeypatch):
    monkeypatch.delenv("GAPCHECK_TEST_SMTP_PASSWORD", raising=False)
    cfg = SmtpConfig(
        "127.0.0.1",
        "g@a.gov.cn",
        ("w@a.gov.cn",),
        port=smtp_server.port,
        username="gapcheck",
        password_env="GAPCHECK_TEST_SMTP_PASSWORD",
    )
    assert notify(NotifyConfig(smtp=cfg), [_down_site()]) == [
        f"通知：邮件 127.0.0.1:{smtp_server.port} 发送失败：环境变量 GAPCHECK_TEST_SMTP_PASSWORD"
        "（SMTP 密码）没有设置（检查 SITES.yaml 中的 notify.smtp.password_env）"
    ]
    assert smtp_server.messages == [] and smtp_server.logins == []


def test_smtp_failures_name_the_key(tmp_path, smtp_server):
    notice = compose(what_is_new([_down_site()]))
    port = _closed_port()
    (line,) = send(NotifyConfig(smtp=SmtpConfig("127.0.0.1", "g@a.gov.cn", ("w@a.gov.cn",), port=port)), notice)
    assert line == (f"通知：邮件 127.0.0.1:{port} 发送失败：连接被拒绝（检查 SITES.yaml 中的 notify.smtp.host）")
    # The test server offers no STARTTLS.
    cfg = SmtpConfig("127.0.0.1", "g@a.gov.cn", ("w@a.gov.cn",), port=smtp_server.port, starttls=True)
    (line,) = send(NotifyConfig(smtp=cfg), notice)
    assert "发送失败：服务器不支持" in line and "（检查 SITES.yaml 中的 notify.smtp.starttls）" in line
    assert smtp_server.messages == []


def test_both_channels_are_tried_when_one_fails(tmp_path, smtp_server):
    config = NotifyConfig(
        webhook=f"http://127.0.0.1:{_closed_port()}/",
        smtp=SmtpConfig("127.0.0.1", "g@a.gov.cn", ("w@a.gov.cn",), port=smtp_server.port),
    )
    lines = notify(config, [_veto_site(tmp_path)])
    assert "发送失败：连接被拒绝" in lines[0] and lines[1].endswith("已发送（1 个收件人）")
    assert len(smtp_server.messages) == 1


def test_starttls_then_login(tmp_path, tls):
    server = _start_smtp(tls=tls)
    try:
        server.credentials = ("gapcheck", "secret")
        cfg = SmtpConfig(
            "127.0.0.1",
            "g@a.gov.cn",
            ("w@a.gov.cn",),
            port=server.port,
            username="gapcheck",
            password_env="SMTP_PW",
            starttls=True,
        )
        assert notify(NotifyConfig(smtp=cfg), [_down_site()], env={"SMTP_PW": "secret"}) == [
            f"通知：邮件 127.0.0.1:{server.port} 已发送（1 个收件人）"
        ]
        (mail,) = server.messages
        assert mail["tls"] and mail["user"] == "gapcheck"
    finally:
        server.shutdown()
        server.server_close()


def test_starttls_with_an_untrusted_certificate_fails_cleanly(tmp_path, tls, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))  # trust nothing
    server = _start_smtp(tls=tls)
    try:
        cfg = SmtpConfig("127.0.0.1", "g@a.gov.cn", ("w@a.gov.cn",), port=server.port, starttls=True)
        (line,) = send(NotifyConfig(smtp=cfg), compose(what_is_new([_down_site()])))
        assert line.startswith(f"通知：邮件 127.0.0.1:{server.port} 发送失败：TLS 证书未被接受（")
        assert line.endswith("（检查 SITES.yaml 中的 notify.smtp.starttls）") and server.messages == []
    finally:
        server.shutdown()
        server.server_close()


def test_port_465_is_implicit_tls(tls):
    try:
        server = _start_smtp(port=465, tls=tls, implicit_tls=True)
    except OSError as exc:  # not root, or the port is taken
        pytest.skip(f"cannot listen on 127.0.0.1:465 ({exc})")
    try:
        cfg = SmtpConfig("127.0.0.1", "g@a.gov.cn", ("w@a.gov.cn",), port=465)
        assert send(NotifyConfig(smtp=cfg), compose(what_is_new([_down_site()]))) == [
            "通知：邮件 127.0.0.1:465 已发送（1 个收件人）"
        ]
        assert server.messages[0]["tls"]
    finally:
        server.shutdown()
        server.server_close()
