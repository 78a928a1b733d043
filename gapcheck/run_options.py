"""What `gapcheck check` started a run with — its profile and the command-line choices that decide what is
crawled and how it is judged — stored with the run, so that `--resume` goes on with the same ones whatever
the resuming command line leaves out, and refuses one that asks for something else."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any, NoReturn

from core.errors import ConfigError
from core.redaction import redact

from .profile import DEFAULT_PROFILE, Profile, bundled_profiles, load_profile, locate_profile
from .report.labels import CLI
from .store import Store

KEPT = ("max_pages", "exclude", "ignore_robots", "full", "recheck_external", "offline", "alias", "render", "no_render")
"""`check` options (argparse names) a resumed run keeps from its start. Pacing (--delay, --concurrency) may
change on resume, and where the results go (--out, --db) is the resuming command's."""
_UNSET: tuple[object, ...] = (None, False, [])
"""A kept option's value when the command line does not give it."""


def started_with(profile: Profile, as_of: dt.date, args: argparse.Namespace | None = None) -> dict:
    """What to store with a new run: the profile's file (absolute, so a resume from another folder finds it)
    and the kept options as JSON values (none for a batch's run: its profile is all it was asked)."""
    return {
        "profile": str(Path(profile.path).resolve()),
        "as_of": as_of.isoformat(),
        **({key: _plain(getattr(args, key)) for key in KEPT} if args is not None else {}),
    }


def run_profile(store: Store, run_id: int, name: str) -> Profile | None:
    """The profile file the run was started with, while it is there; else the bundled one of its name."""
    started = store.started_with(run_id)
    if started is not None and Path(started["profile"]).is_file():
        return load_profile(started["profile"])
    return _profile_named(name)


def _profile_named(name: str) -> Profile | None:
    """The bundled profile whose name a run recorded (runs keep the name, not the file)."""
    for ref in bundled_profiles():
        profile = load_profile(ref)
        if profile.name == name or ref == name:
            return profile
    return None


def resumed(args: argparse.Namespace, run_id: int, stored: dict) -> argparse.Namespace:
    """`args` with what the command line leaves out taken from the run's start; a ConfigError naming both
    values when it asks for something else."""
    merged = argparse.Namespace(**vars(args))
    given_profile = args.profile and _profile_file(args.profile)
    if given_profile and given_profile != stored["profile"]:
        _conflict(run_id, "--profile", _shown(stored["profile"], ""), _shown(args.profile, ""))
    merged.profile = stored["profile"]
    if args.as_of is not None and args.as_of.isoformat() != stored["as_of"]:
        _conflict(run_id, "--as-of", _shown(stored["as_of"], ""), _shown(args.as_of.isoformat(), ""))
    for key in KEPT:
        given, was = _plain(getattr(args, key)), stored.get(key)
        if given in _UNSET:  # not on this command line: the run's own
            setattr(merged, key, _native(key, was))
        elif given != was:
            flag = "--" + key.replace("_", "-")
            _conflict(run_id, flag, _shown(was, flag), _shown(given, flag))
    return merged


def _profile_file(ref: str | None) -> str:
    return str(locate_profile(ref or DEFAULT_PROFILE).resolve())


def _plain(value: object) -> object:
    """The value as JSON gives it back (tuples as lists), so a stored and a given one compare."""
    return json.loads(json.dumps(value, ensure_ascii=False))


def _native(key: str, value: Any) -> object:
    """A stored value as argparse would have given it."""
    if key == "alias":
        return [tuple(pair) for pair in value or []]
    if key == "exclude":
        return list(value or [])
    return value if value is not None else (None if key == "max_pages" else False)


def _shown(value: object, flag: str) -> str:
    """How the run's start or the resuming command had the option, in words."""
    if value in _UNSET:
        return CLI["resume_flag_off"].format(flag=flag)
    if value is True:
        return CLI["resume_flag_on"].format(flag=flag)
    if isinstance(value, list):
        value = " ".join("=".join(v) if isinstance(v, list) else str(v) for v in value)
    return CLI["resume_value"].format(value=value)


def _conflict(run_id: int, flag: str, was: str, given: str) -> NoReturn:
    raise ConfigError(CLI["resume_conflict"].format(run=run_id, flag=flag, was=redact(was), given=redact(given)))
