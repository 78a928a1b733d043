"""A redirect never leads gapcheck further into the networks around it than where the link started:
public → private, private → the checking machine itself. A bureau checking its own intranet may allow it."""

from __future__ import annotations

import json
import socket

import pytest
from cli import check
from routeserver import Answer, Req, html, serve

from spiders.politeness import Reach, reach_of


def _own_address() -> str:
    """This machine's address on its network (not loopback), or skip."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            address = s.getsockname()[0]
        except OSError:
            address = ""
    if not address or address.startswith("127."):
        pytest.skip("no network address other than loopback")
    return address


@pytest.mark.e2e
@pytest.mark.parametrize(("allowed", "followed"), [(False, False), (True, True)])
def test_a_redirect_into_the_checking_machine_is_not_followed(tmp_path, allowed, followed):
    with serve(lambda req: html("内部页面", title="内部")) as inside:

        def portal(req: Req) -> Answer:
            if req.path == "/":
                return html('<a href="/go.html">跳转</a><a href="/ok.html">正常</a>')
            if req.path == "/go.html":
                return Answer(302, headers={"Location": inside.url + "secret.html"})
            return html("正常页面") if req.path == "/ok.html" else Answer(404)

        with serve(portal, host=_own_address()) as server:
            profile = tmp_path / "p.yaml"
            profile.write_text(
                f"name: t\nextends: national\ncrawl: {{private_redirects: {str(allowed).lower()}}}\n", encoding="utf-8"
            )
            result = check(server.url, tmp_path, "--profile", str(profile), timeout=120)
            asked_inside = inside.hits("/secret.html")
    assert result.returncode in (0, 1), result.stderr
    links = {x["url"]: x for x in json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))["links"]}
    if followed:
        assert asked_inside >= 1 and server.url + "go.html" not in links
    else:
        assert asked_inside == 0
        link = links[server.url + "go.html"]
        assert link["verdict"] == "unverified" and "内网或本机地址" in link["reason"], link


@pytest.mark.parametrize(
    ("addresses", "reach"),
    [
        (["202.108.22.5"], Reach.PUBLIC),
        (["10.1.2.3"], Reach.PRIVATE),
        (["192.168.1.1", "202.108.22.5"], Reach.PRIVATE),
        (["127.0.0.1"], Reach.LOCAL),
        (["::1"], Reach.LOCAL),
        (["169.254.169.254"], Reach.LOCAL),  # the cloud metadata address
        (["fe80::1%eth0"], Reach.LOCAL),
        ([], Reach.PUBLIC),
    ],
)
def test_how_internal_an_address_is(addresses, reach):
    assert reach_of(addresses) is reach
