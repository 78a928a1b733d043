"""`gapcheck schedule`: the nightly batch and the 15-minute probe, as a crontab block or systemd units."""

from __future__ import annotations

import os
import shlex
import stat

import pytest

from gapcheck import schedule
from gapcheck.cli import main


@pytest.fixture
def sites(tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text("sites:\n  - url: http://x.gov.cn/\n", encoding="utf-8")
    return path


def _jobs(text: str) -> dict[str, list[str]]:
    """Crontab lines by their subcommand: batch → the line's words."""
    jobs = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            words = shlex.split(line.removesuffix(" >/dev/null"))
            jobs[words[-2]] = words
    return jobs


def test_the_crontab_block_runs_batch_nightly_and_probe_every_15_minutes(sites, capsys):
    assert main(["schedule", str(sites)]) == 0
    out = capsys.readouterr().out
    jobs = _jobs(out)
    assert jobs["batch"][:5] == ["0", "2", "*", "*", "*"] and jobs["probe"][:5] == ["*/15", "*", "*", "*", "*"]
    for words in jobs.values():
        command, sites_arg = words[5], words[-1]
        assert os.path.isabs(command) and os.path.isabs(sites_arg) and sites_arg == str(sites)
        assert os.path.exists(command)
    assert out.startswith(f"# BEGIN gapcheck {sites}\n") and out.endswith(f"# END gapcheck {sites}\n")


def test_cron_lines_quote_spaces_and_escape_percent(tmp_path):
    block = schedule.crontab_block(["/opt/my tools/gapcheck"], tmp_path / "50%" / "s.yaml")
    line = next(ln for ln in block.splitlines() if ln.startswith("0 2"))
    assert "'/opt/my tools/gapcheck' batch" in line and "50\\%" in line


def test_a_broken_sites_list_is_not_scheduled(tmp_path, capsys):
    path = tmp_path / "sites.yaml"
    path.write_text("sites: []\n", encoding="utf-8")
    assert main(["schedule", str(path)]) == 2
    assert f"{path}:1" in capsys.readouterr().err


def test_systemd_units_are_printed_with_absolute_paths(sites, capsys):
    assert main(["schedule", str(sites), "--systemd"]) == 0
    out = capsys.readouterr().out
    for name in schedule.UNITS:
        assert f"/{name}\n" in out
    assert "OnCalendar=*-*-* 02:00:00" in out and "OnCalendar=*:0/15" in out
    execs = [line.removeprefix("ExecStart=").split() for line in out.splitlines() if line.startswith("ExecStart=")]
    assert [(e[-2], e[-1]) for e in execs] == [("batch", str(sites)), ("probe", str(sites))]
    assert all(os.path.isabs(e[0]) for e in execs)


def test_systemd_units_are_installed_where_told(sites, tmp_path, monkeypatch, capsys):
    target = tmp_path / "units"
    monkeypatch.setenv(schedule.SYSTEMD_DIR_ENV, str(target))
    assert main(["schedule", str(sites), "--systemd", "--install"]) == 0
    out = capsys.readouterr().out
    assert sorted(p.name for p in target.iterdir()) == sorted(schedule.UNITS)
    assert "WantedBy=timers.target" in (target / "gapcheck-probe.timer").read_text(encoding="utf-8")
    assert f"probe {sites}" in (target / "gapcheck-probe.service").read_text(encoding="utf-8")
    assert "enable --now gapcheck-batch.timer gapcheck-probe.timer" in out


def test_user_units_do_not_wait_for_a_system_target():
    units = schedule.systemd_units(["/usr/bin/gapcheck"], schedule.Path("/srv/sites.yaml"), user=True)
    assert "network-online" not in units["gapcheck-batch.service"]
    system = schedule.systemd_units(["/usr/bin/gapcheck"], schedule.Path("/srv/sites.yaml"), user=False)
    assert "After=network-online.target" in system["gapcheck-batch.service"]


def test_unit_arguments_are_quoted_and_escaped():
    assert schedule._unit_arg("/srv/my sites/100%.yaml") == '"/srv/my sites/100%%.yaml"'
    assert schedule._unit_arg("/srv/$HOME") == "/srv/$$HOME"


def _fake_crontab(tmp_path, monkeypatch):
    """A `crontab` on PATH that keeps the table in a file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    table = tmp_path / "table"
    script = bin_dir / "crontab"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-l" ]; then [ -f "{table}" ] || {{ echo "no crontab for you" >&2; exit 1; }}; cat "{table}";\n'
        f'elif [ "$1" = "-" ]; then cat > "{table}"; else exit 2; fi\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return table


def test_cron_install_appends_once_and_keeps_other_jobs(sites, tmp_path, monkeypatch, capsys):
    table = _fake_crontab(tmp_path, monkeypatch)
    assert main(["schedule", str(sites), "--install"]) == 0  # no crontab yet
    first = table.read_text(encoding="utf-8")
    assert set(_jobs(first)) == {"batch", "probe"}
    table.write_text("MAILTO=web@example.gov.cn\n30 1 * * * /usr/bin/backup x\n" + first, encoding="utf-8")
    assert main(["schedule", str(sites), "--cron", "--install"]) == 0  # again: replaced, not doubled
    text = table.read_text(encoding="utf-8")
    assert text.startswith("MAILTO=web@example.gov.cn\n30 1 * * * /usr/bin/backup x\n")
    assert text.count("# BEGIN gapcheck") == 1 and text.count(" probe ") == 1
    assert "crontab -l" in capsys.readouterr().out


def test_cron_install_without_crontab_is_a_clear_error(sites, tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert main(["schedule", str(sites), "--install"]) == 2
    err = capsys.readouterr().err
    assert "找不到 crontab 命令" in err and "--systemd --install" in err


@pytest.mark.parametrize("kind", [[], ["--systemd"], ["--install"]])
@pytest.mark.parametrize("folder", ["x\n* * * * * touch /tmp/pwned\n#", "x\rExecStartPre=/bin/false", "x\x1b[2J"])
def test_a_sites_path_with_control_characters_is_refused(tmp_path, monkeypatch, capsys, kind, folder):
    table = _fake_crontab(tmp_path, monkeypatch)
    hostile = tmp_path / folder
    hostile.mkdir(parents=True)
    path = hostile / "sites.yaml"
    path.write_text("sites:\n  - url: http://x.gov.cn/\n", encoding="utf-8")
    assert main(["schedule", str(path), *kind]) == 2
    captured = capsys.readouterr()
    assert "控制字符" in captured.err and "Traceback" not in captured.err
    assert "pwned" not in captured.out and "ExecStartPre" not in captured.out
    assert not table.exists()


def test_unit_descriptions_escape_specifiers():
    units = schedule.systemd_units(["/usr/bin/gapcheck"], schedule.Path("/srv/50%h/sites.yaml"), user=True)
    description = next(ln for ln in units["gapcheck-batch.service"].splitlines() if ln.startswith("Description="))
    assert "/srv/50%%h/sites.yaml" in description
    execs = [ln for ln in units["gapcheck-batch.service"].splitlines() if ln.startswith("ExecStart=")]
    assert execs == ["ExecStart=/usr/bin/gapcheck batch /srv/50%%h/sites.yaml"]
