"""An https portal whose certificate a browser would refuse (expired, self-signed) is crawled all the same
(a link check must not fail on certificates) and reported by GK507."""

from __future__ import annotations

import datetime as dt
import json
import ssl

import pytest
from cli import check
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from routeserver import Answer, Req, RouteServer, html, running


def _certificate(tmp, not_before: dt.datetime, not_after: dt.datetime):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    (tmp / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return tmp / "cert.pem", tmp / "key.pem"


def _portal(req: Req) -> Answer:
    return html('<a href="/a.html">文章</a>') if req.path == "/" else html("正文" * 50, title="文章")


NOW = dt.datetime.now(dt.UTC)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("not_before", "not_after", "problem"),
    [
        (dt.datetime(2020, 1, 1, tzinfo=dt.UTC), dt.datetime(2021, 1, 1, tzinfo=dt.UTC), "证书已过期"),
        (NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=365), "自签名证书"),
    ],
    ids=["expired", "self-signed"],
)
def test_a_certificate_a_browser_refuses_is_reported(tmp_path, not_before, not_after, problem):
    cert, key = _certificate(tmp_path, not_before, not_after)
    server = RouteServer(_portal)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with running(server):
        url = f"https://127.0.0.1:{server.server_address[1]}/"
        result = check(url, tmp_path, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["run"]["pages"] == 2  # crawled all the same
    finding = next(f for f in report["findings"] if f["rule"] == "GK507")
    assert finding["status"] == "fail" and problem in finding["evidence"], finding
    assert f"有效期至 {not_after.date().isoformat()}" in finding["evidence"]


def test_an_http_portal_has_no_certificate_finding():
    from spiders.certificate import inspect

    assert inspect("http://www.example.gov.cn/") is None
