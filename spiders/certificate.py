"""The portal's own TLS certificate, checked the way a visitor's browser checks it.

Scrapy does not verify certificates (a link check must not fail on them), so an expired or self-signed
certificate on an https portal would go unseen; inspections count it against the site."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from urllib.parse import urlsplit

from core.model import CertificateNote

_PROBLEMS = (
    ("expired", "证书已过期"),
    ("not yet valid", "证书尚未生效"),
    ("self-signed", "自签名证书，浏览器不信任"),
    ("self signed", "自签名证书，浏览器不信任"),
    ("unable to get local issuer", "证书链不完整或颁发机构不受信任"),
    ("hostname mismatch", "证书与网站域名不符"),
    ("ip address mismatch", "证书与网站地址不符"),
)


def inspect(url: str, timeout: float = 10.0, cafile: str | None = None) -> CertificateNote | None:
    """None for http URLs and hosts that do not answer (the crawl reports those)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return None
    host, port = parts.hostname, parts.port or 443
    context = ssl.create_default_context(cafile=cafile)
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=host) as tls,
        ):
            return CertificateNote(host, True, expires=_expiry(tls.getpeercert()))
    except ssl.SSLCertVerificationError as exc:
        text = (exc.verify_message or str(exc)).lower()
        problem = next((words for key, words in _PROBLEMS if key in text), f"证书无效（{exc.verify_message}）")
        expires = _unverified_expiry(host, port, timeout)
        # OpenSSL names one problem; an expired self-signed certificate is reported as self-signed.
        if expires and expires < dt.date.today().isoformat() and problem != "证书已过期":
            problem = f"证书已过期；{problem}"
        return CertificateNote(host, False, problem, expires)
    except (OSError, ssl.SSLError):
        return None


def _expiry(cert: dict | None) -> str:
    if not cert or "notAfter" not in cert:
        return ""
    return dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(cert["notAfter"]), dt.UTC).date().isoformat()


def _unverified_expiry(host: str, port: int, timeout: float) -> str:
    """The end date of a certificate that failed verification, read without verifying it."""
    try:
        from cryptography import x509  # comes with Scrapy (pyOpenSSL)

        pem = ssl.get_server_certificate((host, port), timeout=timeout)
        return x509.load_pem_x509_certificate(pem.encode("ascii")).not_valid_after_utc.date().isoformat()
    except Exception:
        return ""
