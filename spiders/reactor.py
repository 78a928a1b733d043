"""The running Twisted reactor, typed as the object it is."""

from __future__ import annotations

from typing import cast

from twisted.internet.base import ReactorBase


def running_reactor() -> ReactorBase:
    """The installed reactor (Scrapy installs the asyncio one before a crawl starts).

    Imported when asked, not at module import: importing it early would install Twisted's default reactor.
    """
    from twisted.internet import reactor

    # Twisted types it as a zope interface, whose methods mypy reads without `self` (callLater's delay
    # taken for the callable); every reactor Scrapy runs is a ReactorBase.
    return cast(ReactorBase, reactor)
