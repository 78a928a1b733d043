"""The `gapcheck` command."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import os
import sqlite3
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_data_path

import checks
from core.errors import ConfigError, GapcheckError
from core.patterns import PatternError, compile_pattern
from core.redaction import redact
from core.urls import parse_alias
from spiders.rendering import RenderMode, check_available, mode_for

from . import cli_words as W
from .chinese_argparse import ChineseParser
from .crawl_request import CrawlRequest, resume_command
from .profile import DEFAULT_TIMEZONE, is_number, load_profile, zone
from .report import labels
from .report.labels import CLI
from .report_folders import LATEST, REPORTS, point_latest, run_folder, site_reports
from .run_options import resumed, run_profile, started_with

if TYPE_CHECKING:
    from spiders.progress import Board

    from .profile import Profile
    from .report.model import Report
    from .store import Store

EXIT_OK, EXIT_GAPS, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3


def default_db() -> Path:
    return user_data_path("gapcheck") / "gapcheck.sqlite"


class _Parser(ChineseParser):
    usage_exit_code = EXIT_USAGE


def _as_of(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(W.ERROR["as_of"].format(text=text)) from None


def _timezone(text: str) -> str:
    try:
        zone(text)
    except ValueError:
        raise argparse.ArgumentTypeError(W.ERROR["timezone"].format(text=text)) from None
    return text


def _add_timezone(p: argparse.ArgumentParser, key: str) -> None:
    p.add_argument(
        "--timezone", type=_timezone, default=None, metavar="ZONE", help=_help(key, default=DEFAULT_TIMEZONE)
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(W.ERROR["positive"].format(text=text))
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not is_number(value) or value < 0:
        raise argparse.ArgumentTypeError(W.ERROR["seconds"].format(text=text))
    return value


def _regex(text: str) -> str:
    try:
        compile_pattern(text)
    except PatternError as exc:
        raise argparse.ArgumentTypeError(W.ERROR["regex"].format(text=text, reason=exc)) from None
    return text


def _alias(text: str) -> tuple[str, str]:
    pair = parse_alias(text)
    if pair is None:
        raise argparse.ArgumentTypeError(W.ERROR["alias"].format(text=text))
    return pair


def _help(key: str, **fields: object) -> str:
    return W.ARG_HELP[key].format(**fields)


def _add_check_options(p: argparse.ArgumentParser, *, out_default: str) -> None:
    p.add_argument("--profile", default=None, help=_help("profile"))
    p.add_argument("--as-of", type=_as_of, default=None, help=_help("as_of"))
    p.add_argument("--out", type=Path, default=None, help=_help("out", default=out_default))
    p.add_argument("--db", type=Path, default=None, help=_help("db", default=default_db()))
    p.add_argument("--max-pages", type=_positive, default=None, help=_help("max_pages"))
    _add_timezone(p, "timezone")
    p.add_argument("--concurrency", type=_positive, default=None, help=_help("concurrency"))
    p.add_argument("--delay", type=_seconds, default=None, help=_help("delay"))
    p.add_argument("--exclude", action="append", default=[], metavar="REGEX", type=_regex, help=_help("exclude"))
    p.add_argument("--ignore-robots", action="store_true", help=_help("ignore_robots"))
    render = p.add_mutually_exclusive_group()
    render.add_argument("--render", action="store_true", help=_help("render"))
    render.add_argument("--no-render", action="store_true", help=_help("no_render"))
    p.add_argument("--resume", action="store_true", help=_help("resume"))
    p.add_argument("--full", action="store_true", help=_help("full"))
    p.add_argument("--recheck-external", action="store_true", help=_help("recheck_external"))
    p.add_argument("--offline", action="store_true", help=_help("offline"))
    p.add_argument("--alias", action="append", default=[], metavar="HOST=URL", type=_alias, help=_help("alias"))
    p.add_argument("--verbose", action="store_true", help=_help("verbose"))
    _add_progress(p)
    _add_redis(p)


def _add_progress(p: argparse.ArgumentParser) -> None:
    from spiders.settings import PROGRESS_EVERY

    p.add_argument(
        "--progress-every",
        type=_above_zero,
        default=PROGRESS_EVERY,
        metavar="SECONDS",
        help=_help("progress_every", default=f"{PROGRESS_EVERY:g}"),
    )


def _board(args: argparse.Namespace) -> Board:
    from spiders.progress import Board

    return Board(live=sys.stderr.isatty(), every=args.progress_every)


def _add_redis(p: argparse.ArgumentParser) -> None:
    p.add_argument("--redis", default=None, metavar="URL", help=_help("redis"))


def _add_db(p: argparse.ArgumentParser, key: str = "db") -> None:
    p.add_argument("--db", type=Path, default=None, help=_help(key, default=default_db()))


def _command(sub: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=W.COMMAND_HELP[name], description=W.COMMAND_HELP[name])
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gapcheck", description=W.PROG)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar=W.COMMAND)

    command = partial(_command, sub)
    check = command("check")
    check.add_argument("url", metavar="URL", help=_help("url"))
    check.add_argument("--name", default=None, metavar="NAME", help=_help("bureau_name"))
    _add_check_options(check, out_default=W.DEFAULT_OUT.format(reports=REPORTS, latest=LATEST))
    batch = command("batch")
    batch.add_argument("sites", type=Path, metavar="SITES.yaml", help=_help("sites"))
    batch.add_argument("--as-of", type=_as_of, default=None, help=_help("as_of"))
    batch.add_argument("--parallel", type=_positive, default=None, help=_help("parallel"))
    batch.add_argument("--workers", type=_positive, default=None, help=_help("workers"))
    _add_db(batch, "db_sites")
    _add_progress(batch)
    _add_redis(batch)
    worker = command("worker")
    worker.add_argument("--redis", required=True, metavar="URL", help=_help("worker_redis"))
    worker.add_argument("--idle-exit", type=_seconds, default=None, metavar="SECONDS", help=_help("idle_exit"))
    worker.add_argument("--verbose", action="store_true", help=_help("verbose"))
    report = command("report")
    report.add_argument("run_id", type=int, metavar="RUN", help=_help("run"))
    _add_db(report)
    report.add_argument(
        "--out",
        type=Path,
        default=None,
        help=_help("out", default=W.DEFAULT_OUT.format(reports=REPORTS, latest=LATEST)),
    )
    report.add_argument("--profile", default=None, help=_help("report_profile"))
    _add_timezone(report, "timezone")
    command("schema")
    rules = command("rules")
    rules.add_argument("--markdown", action="store_true", help=_help("markdown"))
    init = command("init")
    init.add_argument("name", metavar="NAME", help=_help("name"))
    init.add_argument("--out", type=Path, default=None, help=_help("init_out"))
    init.add_argument("--extends", default="national", help=_help("extends"))
    init.add_argument("--city-portal", action="append", default=[], metavar="HOST", help=_help("city_portal"))
    diff = command("diff")
    diff.add_argument("run_a", type=_positive, metavar="RUN_A", help=_help("run_a"))
    diff.add_argument("run_b", type=_positive, metavar="RUN_B", help=_help("run_b"))
    _add_db(diff)
    hist = command("history")
    hist.add_argument("url", metavar="URL", help=_help("history_url"))
    _add_db(hist)
    demo = command("demo")
    demo.add_argument("--out", type=Path, default=Path("gapcheck-demo"), help=_help("out", default="gapcheck-demo"))
    demo.add_argument("--db", type=Path, default=None, help=_help("demo_db"))
    index = command("index")
    index.add_argument("dir", type=Path, metavar="DIR", help=_help("index_dir"))
    _add_timezone(index, "index_timezone")
    _add_timezone(hist, "history_timezone")
    serve = command("serve")
    serve.add_argument("dir", type=Path, metavar="DIR", help=_help("serve_dir"))
    serve.add_argument("--port", type=int, default=8000, help=_help("port"))
    serve.add_argument("--host", default="127.0.0.1", help=_help("host"))
    probe = command("probe")
    probe.add_argument("sites", type=Path, metavar="SITES.yaml", help=_help("sites"))
    _add_db(probe, "db_sites")
    probe.add_argument("--timeout", type=_above_zero, default=15.0, help=_help("timeout"))
    schedule = command("schedule")
    schedule.add_argument("sites", type=Path, metavar="SITES.yaml", help=_help("sites"))
    kind = schedule.add_mutually_exclusive_group()
    kind.add_argument("--cron", action="store_true", help=_help("cron"))
    kind.add_argument("--systemd", action="store_true", help=_help("systemd"))
    schedule.add_argument("--install", action="store_true", help=_help("install"))
    _add_loop_commands(sub)
    return parser


def _add_loop_commands(sub: argparse._SubParsersAction) -> None:
    """The daily work loop: accept, manual, recheck, sites, runs, export (gapcheck/commands/)."""

    command = partial(_command, sub)
    accept = command("accept")
    accept.add_argument("run_id", nargs="?", type=_positive, metavar="RUN", help=_help("accept_run"))
    accept.add_argument("fingerprint", nargs="?", metavar="FINGERPRINT", help=_help("fingerprint"))
    accept.add_argument("--reason", metavar="REASON", help=_help("reason"))
    accept.add_argument("--by", metavar="NAME", help=_help("accept_by"))
    accept.add_argument("--false-positive", action="store_true", help=_help("false_positive"))
    accept.add_argument("--withdraw", action="store_true", help=_help("withdraw"))
    accept.add_argument("--list", action="store_true", help=_help("list"))
    _add_db(accept)
    manual = command("manual")
    manual.add_argument("run_id", type=_positive, metavar="RUN", help=_help("manual_run"))
    manual.add_argument("rule", metavar="RULE", help=_help("manual_rule"))
    manual.add_argument(
        "--result", required=True, choices=["合格", "不合格"], metavar="RESULT", help=_help("manual_result")
    )
    manual.add_argument("--note", default="", metavar="NOTE", help=_help("manual_note"))
    manual.add_argument("--by", metavar="NAME", help=_help("manual_by"))
    _add_db(manual)
    recheck = command("recheck")
    recheck.add_argument("urls", nargs="+", metavar="URL", help=_help("recheck_urls"))
    recheck.add_argument(
        "--out",
        type=Path,
        default=None,
        help=_help("out", default=W.DEFAULT_OUT.format(reports=REPORTS, latest=LATEST)),
    )
    _add_db(recheck)
    recheck.add_argument("--profile", default=None, help=_help("recheck_profile"))
    recheck.add_argument("--as-of", type=_as_of, default=None, help=_help("recheck_as_of"))
    recheck.add_argument("--delay", type=_seconds, default=None, help=_help("recheck_delay"))
    sites = command("sites")
    _add_db(sites)
    runs = command("runs")
    runs.add_argument("site", nargs="?", metavar="SITE", help=_help("runs_site"))
    _add_db(runs)
    export = command("export")
    export.add_argument("run_id", type=_positive, metavar="RUN", help=_help("export_run"))
    export.add_argument("--csv", type=Path, required=True, metavar="FILE", help=_help("export_csv"))
    _add_db(export)


_LOOP_COMMANDS = ("accept", "manual", "sites", "runs", "export")
_WRITES = ("accept", "manual")
"""The loop commands that write the store; the others read it."""


def _loop_command(args: argparse.Namespace) -> int:
    from .commands import accept, listing, manual

    run = {
        "accept": accept.run,
        "manual": manual.run,
        "sites": listing.sites,
        "runs": listing.runs,
        "export": listing.export,
    }[args.command]
    store = _open_existing(args.db, write=args.command in _WRITES)
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
        print(f"gapcheck: {W.ERROR['interrupted']}", file=sys.stderr)
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
        print(f"{rule.code}  {rule.name:<32} {labels.SEVERITY[rule.severity.value]:<4}  {rule.summary}")
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import run_batch  # imports Scrapy
    from .sites import load_sites
    from .store import Store
    from .workers import default_workers

    sites = load_sites(args.sites)
    if args.redis:
        from .distributed import connect

        connect(args.redis)
    store = Store(args.db or sites.db or default_db())
    try:
        outcome = run_batch(
            sites,
            store,
            args.as_of or dt.date.today(),
            args.parallel,
            redis=args.redis,
            board=_board(args),
            workers=args.workers or default_workers(),
        )
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
                W.ERROR["run_not_finished"].format(
                    db=store.path,
                    id=run.id,
                    state=CLI["state_failed" if run.state is RunState.FAILED else "state_running"],
                    url=redact(run.start_url),
                )
            )
        profile = load_profile(args.profile) if args.profile else run_profile(store, run.id, run.profile)
        if profile is None:
            raise ConfigError(W.ERROR["run_profile_unknown"].format(db=store.path, id=run.id, profile=run.profile))
        # Named by when the run was crawled, not by now: an older run judged again sorts among its peers.
        out = args.out or run_folder(run.start_url, dt.datetime.fromisoformat(run.started_at).astimezone())
        outcome = evaluate(store, run.id, _with_timezone(profile, args.timezone), rules_of(profile), out)
        newest = store.runs_of_site(run.start_url, done_only=True)[-1].id == run.id
    finally:
        store.close()
    _print_summary(outcome.report, outcome.html)
    if args.out is None and newest:  # `latest` stays the newest run's
        _print_latest(out, outcome.html)
    return EXIT_GAPS if outcome.failed else EXIT_OK


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
        )
    finally:
        store.close()
    _print_summary(outcome.report, outcome.html)
    if args.out is None:
        _print_latest(outcome.html.parent, outcome.html)
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
        raise ConfigError(W.ERROR["url"].format(problem=exc.problem, fix=exc.fix)) from None


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
        raise ConfigError(W.ERROR["resume_with_redis"])
    if args.redis:
        from .distributed import connect

        connect(args.redis)  # before a run is stored: an unreachable Redis is a setup error
        # Workers cannot read this machine's store, so they cannot reuse its pages (304s): a full crawl.
        crawl = dataclasses.replace(crawl, incremental=False)
    out = args.out or run_folder(url, dt.datetime.now())
    request = CrawlRequest(
        url,
        crawl,
        progress=None if args.redis else _board(args),
        verbose=args.verbose,
        resume=args.resume,
        redis=args.redis,
        resume_hint=resume_command(url, args.db, out),
    )
    as_of = args.as_of or dt.date.today()
    store = Store(db)
    try:
        with site_lock(db, url), request.progress or contextlib.nullcontext():
            outcome = check_site(request, profile, store, as_of, out, started_with(profile, as_of, args), args.name)
    finally:
        store.close()
    _print_summary(outcome.report, outcome.html)
    if out.parent == site_reports(url):  # the default folder, or a resumed run's given back by its hint
        _print_latest(out, outcome.html)
    if outcome.internal_errors:
        print(f"gapcheck: {W.ERROR['internal_errors'].format(n=outcome.internal_errors)}", file=sys.stderr)
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


def _print_latest(folder: Path, html: Path) -> None:
    print(f"最新报告：{point_latest(folder) / html.name}")


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

    if "://" in args.url:  # an address, not a host or a name: a malformed one is said so before any store
        normalize_url(args.url)
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
            _fmt_time(run.finished_at, args.timezone or DEFAULT_TIMEZONE) or dash,
            verdict,
            score,
            *(dash if n is None else str(n) for n in (line.fail, line.new, line.fixed)),
        ]
        print("\t".join(cells))
    return EXIT_OK


def _fmt_time(value: str | None, timezone: str) -> str:
    from .report.view import fmt_time

    return fmt_time(value, timezone) if value else ""


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
        raise ConfigError(W.ERROR["index_empty"].format(dir=args.dir))
    path = write_index(args.dir, args.timezone or DEFAULT_TIMEZONE)
    print(totals_line(rows))
    print(f"汇总：{path}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    if not 0 <= args.port <= 65535:
        raise ConfigError(W.ERROR["port"].format(port=args.port))
    return serve(args.dir, host=args.host, port=args.port)


def _above_zero(text: str) -> float:
    value = _seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError(W.ERROR["seconds_above_0"].format(text=text))
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
            f"{W.PROBE['ok' if result.ok else 'failed']:<4}  {result.status or '-':>3}  {result.elapsed:6.2f}s  "
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
