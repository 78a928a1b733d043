"""The errors gapcheck reports to its user: each message names the file, the key and the fix."""


class GapcheckError(Exception):
    """An error whose message reaches the user as one line, without a traceback."""

    exit_code = 2


class ConfigError(GapcheckError):
    """A profile, sites list or command-line value is wrong."""

    exit_code = 2


class StoreError(GapcheckError):
    """The SQLite store cannot be opened, read or written."""

    exit_code = 2


class CrawlStartError(GapcheckError):
    """The start URL does not answer: DNS, refused connection, TLS, timeout."""

    exit_code = 3


class RunLockedError(GapcheckError):
    """Another gapcheck is checking the same portal with the same store right now."""

    exit_code = 4


class CrawlInterrupted(GapcheckError):
    """The crawl was stopped (SIGTERM, Ctrl-C) before it finished; `--resume` goes on from where it was."""

    exit_code = 130


class ScratchError(GapcheckError):
    """The temp folder cannot take a crawl's frontier and seen-set (full): the crawl stopped, resumable."""

    exit_code = 2
