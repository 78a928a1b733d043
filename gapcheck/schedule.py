"""Nightly operation: the cron block or systemd units that run `gapcheck batch` at 02:00 and
`gapcheck probe` every 15 minutes for one sites list."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

from core.errors import ConfigError

from .cli_words import ERROR

SYSTEMD_DIR_ENV = "GAPCHECK_SYSTEMD_DIR"
"""Where `--install --systemd` writes the units instead of /etc/systemd/system or ~/.config/systemd/user."""
UNITS = ("gapcheck-batch.service", "gapcheck-batch.timer", "gapcheck-probe.service", "gapcheck-probe.timer")


def gapcheck_command() -> list[str]:
    """The absolute command line of the running gapcheck: its script, else `python -m gapcheck.cli`."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == "gapcheck" and argv0.is_file():
        return [str(argv0.absolute())]
    beside = Path(sys.executable).absolute().parent / "gapcheck"
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("gapcheck")
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "gapcheck.cli"]


def _refuse_control(command: list[str], sites: Path) -> None:
    """Cron and systemd read one directive per line, so a newline in a path (a folder can be named so) would
    add a job or a directive of its own; no quoting survives that, so such paths are refused."""
    for arg in [*command, str(sites)]:
        if any(unicodedata.category(c) == "Cc" for c in arg):
            raise ConfigError(
                f"{arg!r}: 路径中有控制字符（换行、回车等），写进 crontab 或 systemd 单元会变成另一行；"
                "把文件移到名称只含普通字符的文件夹，再对新路径运行 gapcheck schedule"
            )


def _markers(sites: Path) -> tuple[str, str]:
    return f"# BEGIN gapcheck {sites}", f"# END gapcheck {sites}"


def _cron_line(args: list[str]) -> str:
    # cron hands the line to /bin/sh, and turns an unescaped % into a newline.
    return " ".join(shlex.quote(a) for a in args).replace("%", "\\%")


def crontab_block(command: list[str], sites: Path) -> str:
    _refuse_control(command, sites)
    begin, end = _markers(sites)
    return (
        "\n".join(
            [
                begin,
                "# written by `gapcheck schedule`: nightly checks at 02:00, home-page probes every 15 minutes",
                "# (the probes' results are in the store; their output is not mailed every 15 minutes)",
                f"0 2 * * * {_cron_line([*command, 'batch', str(sites)])}",
                f"*/15 * * * * {_cron_line([*command, 'probe', str(sites)])} >/dev/null",
                end,
            ]
        )
        + "\n"
    )


def _unit_text(text: str) -> str:
    # systemd expands %-specifiers in Description= and Exec lines alike (systemd.unit(5)); %% is a literal %.
    return text.replace("%", "%%")


def _unit_arg(arg: str) -> str:
    # Exec lines also expand $VAR ($$ is a literal $) and split on whitespace and lone `;` outside double
    # quotes, inside which C escapes apply (\\ and \" are a backslash and a quote) (systemd.service(5)).
    arg = _unit_text(arg).replace("$", "$$")
    if any(c.isspace() or c in "\"'\\;" for c in arg):
        arg = '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return arg


def systemd_units(command: list[str], sites: Path, *, user: bool) -> dict[str, str]:
    """The four units, by file name. System units wait for the network; user units cannot see that target."""
    _refuse_control(command, sites)
    network = "" if user else "Wants=network-online.target\nAfter=network-online.target\n"
    about = _unit_text(str(sites))

    def service(what: str, verb: str, extra: str = "") -> str:
        line = " ".join(_unit_arg(a) for a in [*command, verb, str(sites)])
        return (
            f"[Unit]\nDescription=gapcheck: {what} ({about})\n{network}\n"
            f"[Service]\nType=oneshot\nExecStart={line}\n{extra}"
        )

    def timer(what: str, calendar: str, persistent: bool) -> str:
        return (
            f"[Unit]\nDescription=gapcheck: {what} ({about})\n\n"
            f"[Timer]\nOnCalendar={calendar}\nPersistent={'true' if persistent else 'false'}\n\n"
            "[Install]\nWantedBy=timers.target\n"
        )

    return {
        "gapcheck-batch.service": service(
            "nightly check of the listed portals",
            "batch",
            "# exit 1: gaps found, exit 3: no portal answered — outcomes the reports record, not a broken job\n"
            "SuccessExitStatus=1 3\n",
        ),
        "gapcheck-batch.timer": timer("nightly check at 02:00", "*-*-* 02:00:00", True),
        "gapcheck-probe.service": service(
            "home-page probes of the listed portals",
            "probe",
            "# exit 3: a portal did not answer, which the probe recorded; the unit fails only when the probe "
            "itself could not run\nSuccessExitStatus=3\nTimeoutStartSec=5min\n",
        ),
        "gapcheck-probe.timer": timer("home-page probes every 15 minutes", "*:0/15", False),
    }


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def systemd_dir(user: bool) -> Path:
    override = os.environ.get(SYSTEMD_DIR_ENV)
    if override:
        return Path(override)
    if not user:
        return Path("/etc/systemd/system")
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


def install_systemd(units: dict[str, str], target: Path) -> list[Path]:
    try:
        target.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in units.items():
            path = target / name
            path.write_text(text, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise ConfigError(
            ERROR["systemd_unwritable"].format(dir=target, reason=exc.strerror, env=SYSTEMD_DIR_ENV)
        ) from None
    return written


def install_cron(block: str, sites: Path) -> str:
    """Adds `block` to the user's crontab, replacing an earlier block for the same sites list; the new crontab."""
    crontab = shutil.which("crontab")
    if crontab is None:
        raise ConfigError(ERROR["no_crontab"])
    current = subprocess.run([crontab, "-l"], capture_output=True, text=True)
    # `crontab -l` fails when the user has no crontab yet: that is an empty one.
    lines = current.stdout.splitlines() if current.returncode == 0 else []
    begin, end = _markers(sites)
    kept, inside = [], False
    for line in lines:
        if line.strip() == begin:
            inside = True
        elif inside and line.strip() == end:
            inside = False
        elif not inside:
            kept.append(line)
    text = "\n".join(kept).rstrip("\n")
    text = (text + "\n\n" if text else "") + block
    done = subprocess.run([crontab, "-"], input=text, capture_output=True, text=True)
    if done.returncode != 0:
        raise ConfigError(ERROR["crontab_failed"].format(reason=done.stderr.strip() or done.returncode))
    return text
