"""The `gapcheck` command."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from platformdirs import user_data_path

import checks
from core.errors import ConfigError, GapcheckError
from core.patterns import PatternError, compile_pattern
from core.redaction import redact
from spiders.aliases import parse_alias
from spiders.rendering import RenderMode, check_available, mode_for

from .crawl_setup import CrawlRequest, resume_command
from .profile import DEFAULT_TIMEZONE, is_number, load_profile, zone
from .report import labels
from .report.labels import CLI
from .run_options import resumed, started_with

if TYPE_CHECKING:
    from .profile import Profile
    from .report.model import Report
    from .store import Store

EXIT_OK, EXIT_GAPS, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3


def default_db() -> Path:
    return user_data_path("gapcheck") / "gapcheck.sqlite"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse exits 2 already; keep its usage line, drop nothing
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"gapcheck: error: {message}\n")


def _as_of(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--as-of {text!r}: expected a date like 2026-11-20") from None


def _timezone(text: str) -> str:
    try:
        zone(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--timezone {text!r}: 不是时区名称；写 IANA 时区名称，如 Asia/Shanghai（北京时间）"
        ) from None
    return text


def _add_timezone(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--timezone",
        type=_timezone,
        default=None,
        help=f"the IANA zone {what} show times in (default: {DEFAULT_TIMEZONE}, or the profile's `timezone`)",
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of at least 1")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not is_number(value) or value < 0:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected a number of seconds, 0 or more（写一个有限的秒数，如 0.5；不接受 nan、inf）"
        )
    return value


def _regex(text: str) -> str:
    try:
        compile_pattern(text)
    except PatternError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a regular expression ({exc})") from None
    return text


def _alias(text: str) -> tuple[str, str]:
    pair = parse_alias(text)
    if pair is None:
        raise argparse.ArgumentTypeError(f"{text!r}: expected HOST=URL, e.g. www.example.gov.cn=http://127.0.0.1:8080")
    return pair


def _add_check_options(p: argparse.ArgumentParser, *, out_default: str) -> None:
    p.add_argument("--profile", default=None, help="bundled profile name or path to a YAML profile (default: national)")
    p.add_argument(
        "--as-of", type=_as_of, default=None, help="the date every freshness rule counts back from (default: today)"
    )
    p.add_argument("--out", type=Path, default=Path(out_default), help=f"report folder (default: {out_default})")
    p.add_argument("--db", type=Path, default=None, help=f"SQLite store (default: {default_db()})")
    p.add_argument("--max-pages", type=_positive, default=None, help="stop after this many pages")
    _add_timezone(p, "the reports")
    p.add_argument("--concurrency", type=_positive, default=None, help="requests at once per host (default: 2, polite)")
    p.add_argument(
        "--delay",
        type=_seconds,
        default=None,
        help="seconds between requests to one host (default: 0.5 with AutoThrottle; 0 turns AutoThrottle off)",
    )
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="REGEX",
        type=_regex,
        help="do not fetch URLs matching this pattern (repeatable)",
    )
    p.add_argument(
        "--ignore-robots", action="store_true", help="a bureau inspecting its own site may crawl past robots.txt"
    )
    render = p.add_mutually_exclusive_group()
    render.add_argument(
        "--render",
        action="store_true",
        help="render every page in Chromium first, for portals whose pages are built by script "
        "(slower; the profile's crawl.render / crawl.render_urls choose pages instead)",
    )
    render.add_argument(
        "--no-render",
        action="store_true",
        help="never start Chromium, not even to see whether the start page is built by script (crawl.render: off)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="go on with this portal's run that was stopped (killed, Ctrl-C) instead of starting again",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="download every page again instead of revalidating the last run's unchanged pages (304)",
    )
    p.add_argument(
        "--recheck-external",
        action="store_true",
        help="ask every external link again instead of trusting answers from the last crawl.external_cache_days days",
    )
    p.add_argument(
        "--offline",
        action="store_true",
        help="check the site's own pages and links only: external links are never requested and are "
        "listed as not checked (an intranet or offline machine; crawl.external: false)",
    )
    p.add_argument(
        "--alias",
        action="append",
        default=[],
        metavar="HOST=URL",
        type=_alias,
        help="check a staging copy or mirror as the production site: requests for HOST go to URL, "
        "reports keep HOST's URLs (repeatable; profile crawl.aliases)",
    )
    p.add_argument("--verbose", action="store_true", help="show Scrapy's log")
    _add_redis(p)


def _add_redis(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--redis",
        default=None,
        metavar="URL",
        help="crawl through the `gapcheck worker` processes attached to this Redis "
        "(redis://HOST:6379/0); the store and the reports stay on this machine",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gapcheck", description="政府网站合规检查：抓取网站，按检查指标写出问题报告。")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    check = sub.add_parser("check", help="crawl a portal and write its gap report")
    check.add_argument("url", help="the portal's home page, e.g. http://www.example.gov.cn/")
    check.add_argument(
        "--name", default=None, help="the bureau's name, the reports' title (default: the profile's bureau name)"
    )
    _add_check_options(check, out_default="gapcheck-report")
    batch = sub.add_parser("batch", help="check every portal of a SITES.yaml, write an index across them, notify")
    batch.add_argument(
        "sites", type=Path, metavar="SITES.yaml", help="the list of portals (see config/sites.example.yaml)"
    )
    batch.add_argument(
        "--as-of", type=_as_of, default=None, help="the date freshness rules count back from (default: today)"
    )
    batch.add_argument(
        "--parallel",
        type=_positive,
        default=None,
        help="portals crawled at once (default 4; each host is still crawled politely)",
    )
    batch.add_argument(
        "--db",
        type=Path,
        default=None,
        help=f"SQLite store (default: the SITES file's defaults.db, else {default_db()})",
    )
    _add_redis(batch)
    worker = sub.add_parser(
        "worker", help="crawl for the coordinators (check/batch --redis) attached to a Redis, until stopped"
    )
    worker.add_argument("--redis", required=True, metavar="URL", help="redis://HOST:6379/0")
    worker.add_argument(
        "--idle-exit",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="exit after this long with no crawl to join (default: run until stopped)",
    )
    worker.add_argument("--verbose", action="store_true", help="show Scrapy's log")
    report = sub.add_parser("report", help="run the rules again over a stored run and write its reports (no crawl)")
    report.add_argument("run_id", type=int, metavar="RUN", help="the run's number (gapcheck history URL lists them)")
    report.add_argument("--db", type=Path, default=None, help=f"SQLite store (default: {default_db()})")
    report.add_argument(
        "--out", type=Path, default=Path("gapcheck-report"), help="report folder (default: gapcheck-report)"
    )
    report.add_argument("--profile", default=None, help="profile to judge by (default: the run's own)")
    _add_timezone(report, "the reports")
    sub.add_parser("schema", help="print the JSON Schema of report.json")
    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--markdown", action="store_true", help="print the README's rule table")
    init = sub.add_parser("init", help="write a starter profile for a new bureau")
    init.add_argument("name", help="the bureau's name, e.g. 某某市商务局")
    init.add_argument("--out", type=Path, default=None, help="file to write (default: profile.yaml)")
    init.add_argument("--extends", default="national", help="profile to build on (default: national)")
    init.add_argument(
        "--city-portal",
        action="append",
        default=[],
        metavar="HOST",
        help="host of the government portal the lists must link to (repeatable)",
    )
    diff = sub.add_parser("diff", help="new, fixed and still-open findings between two stored runs")
    diff.add_argument("run_a", type=_positive, metavar="RUN_A", help="the earlier run's id")
    diff.add_argument("run_b", type=_positive, metavar="RUN_B", help="the later run's id")
    diff.add_argument("--db", type=Path, default=None, help=f"SQLite store (default: {default_db()})")
    hist = sub.add_parser("history", help="every stored run of a site, with new and fixed counts")
    hist.add_argument(
        "url", help="the portal's start URL as checked (scheme and port do not matter), its host or its name"
    )
    hist.add_argument("--db", type=Path, default=None, help=f"SQLite store (default: {default_db()})")
    demo = sub.add_parser("demo", help="check the bundled sample portal, served on 127.0.0.1")
    demo.add_argument("--out", type=Path, default=Path("gapcheck-demo"), help="report folder")
    demo.add_argument("--db", type=Path, default=None, help="SQLite store (default: a file in the report folder)")
    index = sub.add_parser("index", help="write DIR/index.html: one row per site report in DIR/<site>/")
    index.add_argument(
        "dir", type=Path, metavar="DIR", help="folder with one sub-folder per site (report.json or error.json)"
    )
    _add_timezone(index, "the index")
    serve = sub.add_parser("serve", help="serve a reports folder read-only over HTTP, index.html at /")
    serve.add_argument("dir", type=Path, metavar="DIR", help="the reports folder (as for gapcheck index)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000; 0 picks a free one)")
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 opens it to the network)",
    )
    probe = sub.add_parser(
        "probe",
        help="fetch each listed portal's home page once and store whether it "
        "opened (run every 15 minutes; a week of probes decides GK804)",
    )
    probe.add_argument("sites", type=Path, metavar="SITES.yaml", help="the sites list (see config/sites.example.yaml)")
    probe.add_argument(
        "--db", type=Path, default=None, help=f"SQLite store (default: the sites list's db:, else {default_db()})"
    )
    probe.add_argument(
        "--timeout",
        type=_probe_timeout,
        default=15.0,
        help="seconds within which a home page must open (default: 15, as the indicators say)",
    )
    schedule = sub.add_parser(
        "schedule",
        help="print or install the nightly `gapcheck batch` (02:00) and the "
        "15-minute `gapcheck probe` for a sites list (cron or systemd)",
    )
    schedule.add_argument("sites", type=Path, metavar="SITES.yaml", help="the sites list")
    kind = schedule.add_mutually_exclusive_group()
    kind.add_argument("--cron", action="store_true", help="a crontab block (the default)")
    kind.add_argument("--systemd", action="store_true", help="systemd service and timer units")
    schedule.add_argument(
        "--install",
        action="store_true",
        help="add the block to your crontab, or write the "
        "units (/etc/systemd/system as root, else ~/.config/systemd/user)",
    )
    _add_loop_commands(sub)
    return parser


def _add_loop_commands(sub: argparse._SubParsersAction) -> None:
    """The daily work loop: accept, manual, recheck, sites, runs, export (gapcheck/commands/)."""
    db_help = f"SQLite store (default: {default_db()})"
    accept = sub.add_parser("accept", help="mark a finding accepted or a false positive, for later runs too")
    accept.add_argument("run_id", nargs="?", type=_positive, metavar="RUN", help="a run the finding is in")
    accept.add_argument(
        "fingerprint", nargs="?", metavar="FINGERPRINT", help="the finding's fingerprint (without it: list them)"
    )
    accept.add_argument("--reason", help="why it is accepted, or why it is a false positive")
    accept.add_argument("--by", help="who decides (default: this account's name)")
    accept.add_argument(
        "--false-positive", action="store_true", help="the rule is wrong here: count it for neither score nor verdict"
    )
    accept.add_argument("--withdraw", action="store_true", help="withdraw the decision on this finding")
    accept.add_argument("--list", action="store_true", help="list the decisions in force (of RUN's site, or all)")
    accept.add_argument("--db", type=Path, default=None, help=db_help)
    manual = sub.add_parser("manual", help="enter a person's result for a manual item (人工核查), for later runs too")
    manual.add_argument("run_id", type=_positive, metavar="RUN", help="a run of the site")
    manual.add_argument("rule", metavar="RULE", help="the manual item's rule, e.g. GK801")
    manual.add_argument("--result", required=True, choices=["合格", "不合格"], help="合格 or 不合格")
    manual.add_argument("--note", default="", help="what was checked, and how")
    manual.add_argument("--by", help="who checked (default: this account's name)")
    manual.add_argument("--db", type=Path, default=None, help=db_help)
    recheck = sub.add_parser(
        "recheck", help="fetch a few pages (and their links) again and judge the last run anew, no full crawl"
    )
    recheck.add_argument("urls", nargs="+", metavar="URL", help="pages of a checked site")
    recheck.add_argument("--out", type=Path, default=Path("gapcheck-report"), help="report folder")
    recheck.add_argument("--db", type=Path, default=None, help=db_help)
    recheck.add_argument("--profile", default=None, help="profile to judge by (default: the last run's own)")
    recheck.add_argument(
        "--as-of", type=_as_of, default=None, help="the date freshness counts back from (default: the last run's)"
    )
    recheck.add_argument("--delay", type=_seconds, default=None, help="seconds between requests to one host")
    sites = sub.add_parser("sites", help="every site in the store: runs, last run, verdict, score, open problems")
    sites.add_argument("--db", type=Path, default=None, help=db_help)
    runs = sub.add_parser("runs", help="every run in the store, or one site's (by URL, host or name)")
    runs.add_argument("site", nargs="?", metavar="SITE", help="a start URL, a host or a site's name")
    runs.add_argument("--db", type=Path, default=None, help=db_help)
    export = sub.add_parser("export", help="every crawled URL of a run with status, title, depth and referrer")
    export.add_argument("run_id", type=_positive, metavar="RUN", help="the run's number")
    export.add_argument("--csv", type=Path, required=True, metavar="FILE", help="CSV file to write (UTF-8, BOM)")
    export.add_argument("--db", type=Path, default=None, help=db_help)


_LOOP_COMMANDS = {
    "accept": ("accept", "run", True),
    "manual": ("manual", "run", True),
    "sites": ("listing", "sites", False),
    "runs": ("listing", "runs", False),
    "export": ("listing", "export", False),
}
"""command → (module in gapcheck/commands, its function, whether it writes the store)."""


def _loop_command(args: argparse.Namespace) -> int:
    import importlib

    module, function, write = _LOOP_COMMANDS[args.command]
    run = getattr(importlib.import_module(f".commands.{module}", __package__), function)
    store = _open_existing(args.db, write=write)
    try:
        return run(args, store)
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "batch":
            return cmd_batch(args)
        if args.command == "worker":
            return cmd_worker(args)
        if args.command == "report":
            return cmd_report(args)
        if args.command == "schema":
            from .report.model import schema_text

            print(schema_text(), end="")
            return EXIT_OK
        if args.command == "rules":
            return cmd_rules(markdown=args.markdown)
        if args.command == "demo":
            return cmd_demo(args)
        if args.command == "init":
            return cmd_init(args)
        if args.command == "diff":
            return cmd_diff(args)
        if args.command == "history":
            return cmd_history(args)
        if args.command == "index":
            return cmd_index(args)
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "probe":
            return cmd_probe(args)
        if args.command == "schedule":
            return cmd_schedule(args)
        if args.command in _LOOP_COMMANDS:
            return _loop_command(args)
        if args.command == "recheck":
            return cmd_recheck(args)
        return cmd_check(args)
    except GapcheckError as exc:
        print(f"gapcheck: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("gapcheck: interrupted", file=sys.stderr)
        return 130
    except sqlite3.DatabaseError as exc:
        from .store import damaged_message, is_damaged

        if not is_damaged(exc):
            raise
        # A damaged page read by a command that had no reason to check the whole file first.
        print(f"gapcheck: {damaged_message(getattr(args, 'db', None) or default_db(), exc)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `gapcheck history … | head`: the reader has what it wanted
        sys.stderr.close()
        return 0


def rules_table() -> str:
    """The README's rule table, generated from the registry so the two never drift apart."""
    rows = ["| code | name | severity | what it flags |", "|---|---|---|---|"]
    rows += [f"| {r.code} | `{r.name}` | {r.severity.value} | {r.summary} |" for r in checks.RULES]
    return "\n".join(rows)


def cmd_rules(*, markdown: bool) -> int:
    if markdown:
        print(rules_table())
        return EXIT_OK
    for rule in checks.RULES:
        print(f"{rule.code}  {rule.name:<32} {rule.severity.value:<6} {rule.summary}")
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import PARALLEL, run_batch  # imports Scrapy
    from .sites import load_sites
    from .store import Store

    sites = load_sites(args.sites)
    if args.redis:
        from .distributed import connect

        connect(args.redis)
    store = Store(args.db or sites.db or default_db())
    try:
        outcome = run_batch(sites, store, args.as_of or dt.date.today(), args.parallel or PARALLEL, redis=args.redis)
    finally:
        store.close()
    print(f"总览：{outcome.index}")
    return outcome.exit_code


def cmd_worker(args: argparse.Namespace) -> int:
    from .distributed import run_worker  # imports Scrapy

    return run_worker(args.redis, idle_exit=args.idle_exit, verbose=args.verbose)


def cmd_report(args: argparse.Namespace) -> int:
    from .runner import evaluate, rules_of
    from .store import RunState

    store = _open_existing(args.db, write=True)
    try:
        if not store.has_run(args.run_id):
            raise ConfigError(CLI["no_run"].format(db=store.path, id=args.run_id))
        run = store.run(args.run_id)
        if run.state not in (RunState.CRAWLED, RunState.DONE):
            raise ConfigError(
                f"{store.path}: run {run.id} is {run.state}, not a finished crawl; `gapcheck check "
                f"{redact(run.start_url)} --resume` finishes a stopped one"
            )
        profile = load_profile(args.profile) if args.profile else _profile_named(run.profile)
        if profile is None:
            raise ConfigError(
                f"{store.path}: run {run.id} was judged by the profile named {run.profile!r}, which is "
                "not a bundled one; pass --profile with that profile's YAML file"
            )
        outcome = evaluate(store, run.id, _with_timezone(profile, args.timezone), rules_of(profile), args.out)
    finally:
        store.close()
    _print_summary(outcome.report, outcome.html)
    return EXIT_GAPS if outcome.failed else EXIT_OK


def _profile_named(name: str) -> Profile | None:
    """The bundled profile whose name a run recorded (runs keep the name, not the file)."""
    from .profile import bundled_profiles

    for ref in bundled_profiles():
        profile = load_profile(ref)
        if profile.name == name or ref == name:
            return profile
    return None


def cmd_recheck(args: argparse.Namespace) -> int:
    from .commands.recheck import recheck  # imports Scrapy

    store = _open_existing(args.db, write=True)
    try:
        outcome = recheck(
            store,
            [normalize_url(url) for url in args.urls],
            out=args.out,
            as_of=args.as_of,
            profile=args.profile,
            delay=args.delay,
            profile_named=_profile_named,
        )
    finally:
        store.close()
    _print_summary(outcome.report, outcome.html)
    return EXIT_GAPS if outcome.failed else EXIT_OK


def _with_timezone(profile: Profile, timezone: str | None) -> Profile:
    return dataclasses.replace(profile, timezone=timezone) if timezone else profile


def cmd_init(args: argparse.Namespace) -> int:
    from .profile import write_starter

    path = write_starter(args.name, args.out or Path("profile.yaml"), args.extends, args.city_portal)
    print(f"已写入 {path}；编辑后运行：gapcheck check URL --profile {path}")
    return EXIT_OK


def normalize_url(text: str) -> str:
    from core.urls import NotAWebAddress, web_address

    try:
        return web_address(text)
    except NotAWebAddress as exc:
        # The problem names the address, or, for one with a password, says so without repeating it.
        raise ConfigError(f"URL: {exc}") from None


def cmd_check(args: argparse.Namespace) -> int:
    from .lock import site_lock
    from .runner import check_site  # imports Scrapy: keep `gapcheck rules` and errors fast
    from .store import Store

    url = normalize_url(args.url)
    db = args.db or default_db()
    if args.resume:  # the run's own profile and options, whatever this command line leaves out
        args = _as_started(args, db, url)
    profile = _with_timezone(load_profile(args.profile), args.timezone)
    crawl = dataclasses.replace(
        profile.crawl,
        **{
            k: v
            for k, v in (("max_pages", args.max_pages), ("concurrency", args.concurrency), ("delay", args.delay))
            if v is not None
        },
        exclude=profile.crawl.exclude + tuple(args.exclude),
        obey_robots=profile.crawl.obey_robots and not args.ignore_robots,
    )
    if args.recheck_external:
        crawl = dataclasses.replace(crawl, external_cache_days=0)
    if args.full:
        crawl = dataclasses.replace(crawl, incremental=False)
    if args.offline:
        crawl = dataclasses.replace(crawl, external=False)
    if args.alias:
        crawl = dataclasses.replace(crawl, aliases=tuple({**dict(crawl.aliases), **dict(args.alias)}.items()))
    if args.render:
        crawl = dataclasses.replace(crawl, render=RenderMode.ALL, render_urls=())
    if args.no_render:
        crawl = dataclasses.replace(crawl, render=RenderMode.OFF, render_urls=())
    if mode_for(crawl.render, crawl.render_urls) not in (RenderMode.OFF, RenderMode.AUTO):
        check_available()  # before a run is stored: a missing browser is a setup error, not a crawl
    if args.redis and args.resume:
        raise ConfigError(
            "--resume with --redis: a distributed crawl keeps its frontier in Redis and is not "
            "resumed from the store; run it again without --resume"
        )
    if args.redis:
        from .distributed import connect

        connect(args.redis)  # before a run is stored: an unreachable Redis is a setup error
        # Workers cannot read this machine's store, so they cannot reuse its pages (304s): a full crawl.
        crawl = dataclasses.replace(crawl, incremental=False)
    request = CrawlRequest(
        url,
        crawl,
        progress=sys.stderr.isatty() and not args.redis,
        verbose=args.verbose,
        resume=args.resume,
        redis=args.redis,
        resume_hint=resume_command(url, args.db, args.out),
    )
    as_of = args.as_of or dt.date.today()
    store = Store(db)
    try:
        with site_lock(db, url):
            outcome = check_site(
                request, profile, store, as_of, args.out, started_with(profile, as_of, args), args.name
            )
    finally:
        store.close()
    _print_summary(outcome.report, outcome.html)
    if outcome.internal_errors:
        print(
            f"gapcheck: warning: {outcome.internal_errors} pages could not be processed (an internal error); "
            "rerun with --verbose to see it and report it",
            file=sys.stderr,
        )
    return EXIT_GAPS if outcome.failed else EXIT_OK


def _as_started(args: argparse.Namespace, db: Path, url: str) -> argparse.Namespace:
    """`args` completed with what the run --resume goes on with was started with (check_site says when there
    is none); unchanged for a run stored before gapcheck kept that."""
    from .store import Store

    if not db.is_file():
        return args
    store = Store(db)
    try:
        run = store.to_resume(url)
    finally:
        store.close()
    return resumed(args, run[0], run[1]) if run is not None and run[1] is not None else args


def _print_summary(report: Report, html: Path) -> None:
    from .report.view import fmt_time, incomplete_reasons, verdict_text

    s, run = report.summary, report.run
    T = labels.TEXT
    for reason in incomplete_reasons(run):
        print(f"{labels.INCOMPLETE['title']}：{reason}")
    print(f"结论：{verdict_text(report)}　得分：{s.score:g}　{labels.SEVERITY['veto']}：{s.vetoes}")
    print(f"检查项 {s.checked}：" + "，".join(f"{labels.FINDING_COUNT[k]} {s.count(k)}" for k in checks.Status))
    print(
        f"抓取页面 {run.pages}，检查链接 {run.links_checked}；{T['as_of']} {run.as_of}（{T['as_of_note']}）；"
        f"{T['checked_at']} {fmt_time(run.finished_at, run.timezone)}（{run.timezone}）"
    )
    print(f"报告：{html}（同一目录下另有 report.json、report.md、report.xlsx、report.csv）")


def _open_existing(db: Path | None, *, write: bool = False) -> Store:
    """The store of a command that reads it: read-only, so that a store on read-only media (or in a file this
    user may not write) opens too. `write` (gapcheck report keeps the findings it judged) when it can be."""
    from .store import Store

    path = db or default_db()
    if not path.is_file():
        raise ConfigError(CLI["no_db"].format(db=path))
    # SQLite writes the -wal and -shm files beside the store: its folder must be writable too.
    writable = write and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
    return Store(path, read_only=not writable)


def _one_line(value: object, limit: int = 120) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cmd_diff(args: argparse.Namespace) -> int:
    from . import history

    store = _open_existing(args.db)
    try:
        for run_id in (args.run_a, args.run_b):
            if not store.has_run(run_id):
                raise ConfigError(CLI["no_run"].format(db=store.path, id=run_id))
        a, b = store.run(args.run_a), store.run(args.run_b)
        result = history.diff(store, a.id, b.id)
    finally:
        store.close()
    print(CLI["diff_head"].format(a=a.id, a_as_of=a.as_of, b=b.id, b_as_of=b.as_of))
    from .store import site_key

    if site_key(a.start_url) != site_key(b.start_url):
        print(CLI["diff_other_site"].format(a_url=redact(a.start_url), b_url=redact(b.start_url)))
    titles = {r.code: r.title for r in checks.RULES}
    for key, items in (("new", result.new), ("fixed", result.fixed), ("still_open", result.still_open)):
        print(f"{CLI[key]}（{len(items)}）：")
        if not items:
            print(f"  {CLI['none']}")
        for f in items:
            line = f"  {f.rule} {titles.get(f.rule, '')}　{CLI['subject']}：{_one_line(redact(f.subject))}"
            if f.evidence:
                line += f"　{CLI['evidence']}：{_one_line(redact(f.evidence))}"
            print(line)
    return EXIT_GAPS if result.new else EXIT_OK  # scripts and CI stop on new problems


def cmd_history(args: argparse.Namespace) -> int:
    from . import history
    from .commands.listing import site_named
    from .store import RunState

    store = _open_existing(args.db)
    try:
        named = site_named(store, args.url)  # a start URL, a host or a site's name
        url = named.last.start_url if named else normalize_url(args.url)
        lines = history.history(store, url)
    finally:
        store.close()
    if not lines:
        print(CLI["no_history"].format(db=store.path, url=redact(url)))
        return EXIT_OK
    print("\t".join(labels.HISTORY_HEAD))
    dash = labels.TEXT["none"]
    for line in lines:
        run = line.run
        if run.state is RunState.DONE:
            verdict = run.verdict or dash
        else:
            verdict = CLI["state_failed"] if run.state is RunState.FAILED else CLI["state_running"]
        score = f"{run.score:g}" if run.score is not None else dash
        cells = [
            f"#{run.id}",
            run.as_of,
            _fmt_time(run.finished_at) or dash,
            verdict,
            score,
            *(dash if n is None else str(n) for n in (line.fail, line.new, line.fixed)),
        ]
        print("\t".join(cells))
    return EXIT_OK


def _fmt_time(value: str | None) -> str:
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(value).isoformat(sep=" ", timespec="seconds")
    except ValueError:
        return value


def cmd_demo(args: argparse.Namespace) -> int:
    from .sample import AS_OF, CHECK_OPTIONS
    from .sample.server import serve

    with serve() as server:
        print(f"示例网站：{server.url}（检查日期固定为 {AS_OF}，与示例网站的内容一致）")
        code = main(
            [
                "check",
                server.url,
                *CHECK_OPTIONS,
                "--out",
                str(args.out),
                "--db",
                str(args.db or args.out / "gapcheck.sqlite"),
            ]
        )
    if code not in (EXIT_OK, EXIT_GAPS):
        return code
    print("示例网站的已知问题见 gapcheck/sample/GAPS.md；报告中的问题应与之一一对应（计数说明见该文件）。")
    return EXIT_OK  # finding the sample's seeded gaps is the demo working


def cmd_index(args: argparse.Namespace) -> int:
    from .report.index import read_sites, totals_line, write_index

    rows = read_sites(args.dir) if args.dir.is_dir() else []
    if args.dir.is_dir() and not rows:
        raise ConfigError(
            f"{args.dir}: no site results (DIR/<site>/report.json or error.json); "
            "pass the folder `gapcheck batch` wrote"
        )
    path = write_index(args.dir, args.timezone or DEFAULT_TIMEZONE)
    print(totals_line(rows))
    print(f"汇总：{path}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    if not 0 <= args.port <= 65535:
        raise ConfigError(f"--port {args.port}: expected 0 to 65535")
    return serve(args.dir, host=args.host, port=args.port)


def _probe_timeout(text: str) -> float:
    value = _seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number of seconds above 0")
    return value


def cmd_probe(args: argparse.Namespace) -> int:
    from .probe import probe_all
    from .sites import load_sites
    from .store import Store

    sites = load_sites(args.sites)
    store = Store(args.db or sites.db or default_db())  # before probing: a bad --db fails at once
    try:
        results = probe_all([site.url for site in sites.sites], args.timeout)
        for result in results:
            store.record_probe(result.url, result.ok, result.status, result.elapsed, result.error, at=result.at)
    finally:
        store.close()
    for site, result in zip(sites.sites, results, strict=False):
        line = (
            f"{'ok' if result.ok else 'failed':<6}  {result.status or '-':>3}  {result.elapsed:6.2f}s  "
            f"{site.name}  {redact(site.url)}"
        )
        print(line + (f"  {result.error}" if result.error else ""), flush=True)
    return EXIT_OK if all(r.ok for r in results) else EXIT_UNREACHABLE


def cmd_schedule(args: argparse.Namespace) -> int:
    from . import schedule
    from .sites import load_sites

    sites = load_sites(args.sites)  # a broken list is reported now, not at 02:00
    command = schedule.gapcheck_command()
    if args.systemd:
        user = not schedule.is_root()
        units = schedule.systemd_units(command, sites.path, user=user)
        target = schedule.systemd_dir(user)
        if not args.install:
            for name, text in units.items():
                print(f"# {target / name}\n{text}")
            return EXIT_OK
        for path in schedule.install_systemd(units, target):
            print(f"已写入 {path}")
        scope = " --user" if user else ""
        print(
            f"启用：systemctl{scope} daemon-reload && "
            f"systemctl{scope} enable --now gapcheck-batch.timer gapcheck-probe.timer"
        )
        if user:
            print("未登录时也要运行：loginctl enable-linger $USER")
        return EXIT_OK
    block = schedule.crontab_block(command, sites.path)
    if args.install:
        schedule.install_cron(block, sites.path)
        print("已加入 crontab（crontab -l 查看）：")
    print(block, end="")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
