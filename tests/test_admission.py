"""How many waiting portals a batch starts: by the CPU this process uses, a few at a time, within --parallel
and the memory budget; and the batch's estimate of its end."""

from __future__ import annotations

import time

from gapcheck import admission
from gapcheck.admission import CPU_TARGET, LAG_MAX, RSS_BUDGET, STARTS_PER_TICK, CpuMeter, to_start
from gapcheck.batch import Crawling, batch_left


def test_portals_start_a_few_at_a_time_while_the_cpu_has_room():
    assert to_start(cpu=None, running=0, waiting=600, cap=None) == admission.FIRST_STARTS
    assert to_start(cpu=0.1, running=40, waiting=560, cap=None) == STARTS_PER_TICK
    assert to_start(cpu=0.1, running=40, waiting=2, cap=None) == 2
    assert to_start(cpu=0.1, running=0, waiting=0, cap=None) == 0


def test_none_start_while_the_cpu_is_busy_but_one_when_none_runs():
    assert to_start(cpu=CPU_TARGET, running=40, waiting=560, cap=None) == 0
    assert to_start(cpu=1.0, running=0, waiting=560, cap=None) == 1


def test_none_start_while_the_reactor_is_late_on_a_machine_busy_with_other_work():
    assert to_start(cpu=0.3, running=40, waiting=560, cap=None, lag=LAG_MAX + 0.1) == 0
    assert to_start(cpu=None, running=4, waiting=560, cap=None, lag=LAG_MAX + 0.1) == 0


def test_parallel_bounds_the_portals_at_once():
    assert to_start(cpu=0.1, running=4, waiting=10, cap=4) == 0
    assert to_start(cpu=0.1, running=3, waiting=10, cap=4) == 1
    assert to_start(cpu=None, running=0, waiting=10, cap=1) == 1


def test_none_start_past_the_memory_budget_unless_none_runs():
    assert to_start(cpu=0.1, running=40, waiting=10, cap=None, rss=RSS_BUDGET + 1) == 0
    assert to_start(cpu=0.1, running=0, waiting=10, cap=None, rss=RSS_BUDGET + 1) == STARTS_PER_TICK


def test_the_meter_sees_this_process_busy_and_idle_and_a_late_look():
    meter = CpuMeter(window=0.4, tick=0.2)
    assert meter.look()[0] is None  # nothing measured yet
    end = time.monotonic() + 0.5
    while time.monotonic() < end:
        pass
    busy, lag = meter.look()
    assert 0.25 <= lag <= 0.45
    time.sleep(0.5)
    idle, _ = meter.look()
    # Other work on the machine takes its share of the core too: busy is clearly more than idle, not ~1.
    assert busy is not None and idle is not None and busy > 0.15 and idle < 0.1, (busy, idle)


def test_the_default_cap_leaves_room_for_each_portals_connections():
    admission.raise_file_limit()
    assert admission.default_cap(600) >= 20


def test_the_batch_ends_with_its_longest_portal_or_its_work_over_the_slots():
    # Two portals at 2 pages/s: 100 and 40 pages left; their last runs had 200 and 60 pages.
    running = [Crawling(100, 150, 200, 50.0), Crawling(20, 30, 60, 10.0)]
    left, guess = batch_left(running, [], slots=2)
    assert left == 50.0 and not guess
    # One slot: both in turn.
    assert batch_left(running, [], slots=1)[0] == 70.0
    # A waiting portal with no last run: the mean expected (130 pages) at the mean rate, a guess.
    left, guess = batch_left(running, [None], slots=2)
    assert left == (50 + 20 + 65) / 2 and guess


def test_no_estimate_before_a_page_is_fetched():
    assert batch_left([Crawling(0, 1, None, 0.5)], [None], slots=4) == (None, True)


def test_a_portal_just_started_goes_at_the_rate_of_those_done():
    left, guess = batch_left([Crawling(0, 1, 40, 0.5)], [], slots=1, finished=(2.0,))
    assert left == 20.0 and not guess


def test_a_portal_crawled_elsewhere_is_expected_to_end_no_earlier_than_what_it_stored():
    # A worker's portal: 30 pages stored, the worker not (yet) telling how many it knows of, no last run.
    assert batch_left([Crawling(30, 0, None, 10.0)], [], slots=1) == (0.0, True)
