"""A page whose analysis takes too long becomes its rows' error, and the run goes on.

The hostile-page audits fixed every slow page they found (a regex retried from every match, ancestors re-read for
each link, ...), each taking minutes to hours; a page no fix foresaw held a worker for as long. Now one page may
take ``analyse.PAGE_DEADLINE_S`` (60 s), in whichever thread analyses it: the CLI's, an HTTP API request's, a Dask
worker's."""

from __future__ import annotations

import signal
import threading
import time

import pytest

import linktriage
from linktriage import _deadline, analyse

TARGET = "https://target.example/"
QUICK = f"<html><body><article><p>A short review. <a href='{TARGET}'>the target</a></p></article></body></html>"
#: a real page, only big: 8,000 links take about a second, well past a deadline of 0.2 s
COSTLY = ("<html><body><article><p>Links.</p><ul>"
          + "".join(f"<li><a href='https://site{i}.example/'>site {i}</a> a few words</li>" for i in range(8_000))
          + f"</ul><p><a href='{TARGET}'>the target</a></p></article></body></html>")


@pytest.fixture(autouse=True)
def warm():
    """A first page costs more than the next (trafilatura loads stop lists, language data): read one first, so
    only COSTLY can overrun a deadline of 0.2 s. Pool workers fork from this process and inherit it."""
    linktriage.score([{"source_url": "https://warm.example/", "target_url": TARGET, "html": QUICK}], workers=1)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_page_over_the_deadline_is_its_rows_error_and_the_run_goes_on(monkeypatch, workers):
    monkeypatch.setattr(analyse, "PAGE_DEADLINE_S", 0.2)  # forked pool workers inherit it
    links = [{"source_url": "https://slow.example/", "target_url": TARGET, "html": COSTLY},
             {"source_url": "https://slow.example/", "target_url": "https://other.example/", "html": COSTLY},
             {"source_url": "https://quick.example/", "target_url": TARGET, "html": QUICK}]
    rows = linktriage.score(links, workers=workers)
    assert rows["link_status"].tolist() == ["error", "error", "live"], rows["reasons"].tolist()
    assert rows["reasons"][0] == "analysis stopped after 0.2 s: the page is too costly to read"
    _no_timer_left()


def test_the_deadline_holds_in_a_thread_as_the_http_api_and_dask_workers_run_pages(monkeypatch):
    # SIGALRM reaches only the main thread: the deadline used to be skipped in any other
    monkeypatch.setattr(analyse, "PAGE_DEADLINE_S", 0.2)
    links = [{"source_url": "https://slow.example/", "target_url": TARGET, "html": COSTLY},
             {"source_url": "https://quick.example/", "target_url": TARGET, "html": QUICK}]
    found = []
    thread = threading.Thread(target=lambda: found.append(linktriage.score(links, workers=1)))
    thread.start()
    thread.join(60)
    assert found and found[0]["link_status"].tolist() == ["error", "live"]
    assert found[0]["reasons"][0] == "analysis stopped after 0.2 s: the page is too costly to read"


def test_within_the_deadline_nothing_changes_and_an_application_alarm_is_left_alone(monkeypatch):
    links = [{"source_url": "https://slow.example/", "target_url": TARGET, "html": COSTLY}]
    assert linktriage.score(links, workers=1)["link_status"].tolist() == ["live"]  # under the default 60 s

    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        monkeypatch.setattr(analyse, "PAGE_DEADLINE_S", 0.2)
        # an application that handles SIGALRM itself keeps its handler, never called by us, and still gets
        # the deadline
        assert linktriage.score(links, workers=1)["link_status"].tolist() == ["error"]
        assert not fired and signal.getsignal(signal.SIGALRM) is not signal.SIG_DFL
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_a_deadline_that_goes_off_as_its_block_ends_is_never_raised_later():
    # the timer may fire between the block's last step and its cancellation: what it asked for is withdrawn
    for seconds in (0.0, 0.0005, 0.001, 0.002) * 25:
        try:
            with _deadline.deadline(seconds):
                sum(range(2_000))
        except _deadline.Overtime:
            pass  # went off inside the block: as it should
        finish = time.monotonic() + 0.005
        while time.monotonic() < finish:  # Python steps, where a stray exception would surface
            pass
    _no_timer_left()
    # and the watchdog still works: an exception arriving as a block ends has not left its lock held
    with pytest.raises(_deadline.Overtime):
        with _deadline.deadline(0.05):
            finish = time.monotonic() + 10
            while time.monotonic() < finish:
                pass


def test_a_watch_that_went_off_is_withdrawn_when_its_block_ends(monkeypatch):
    # the real exception may still be pending when the block ends (the race above): stop() must withdraw it
    asked = []
    monkeypatch.setattr(_deadline, "_raise_in_thread", lambda thread, exc: asked.append((thread, exc)))
    watch = _deadline._WATCHDOG.start(0.0)
    finish = time.monotonic() + 5
    while not asked and time.monotonic() < finish:
        time.sleep(0.01)
    assert asked == [(threading.get_ident(), _deadline.Overtime)]
    _deadline._WATCHDOG.stop(watch)
    assert asked[1:] == [(threading.get_ident(), None)]
    quiet = _deadline._WATCHDOG.start(60)
    _deadline._WATCHDOG.stop(quiet)  # stopped in time: nothing raised, nothing withdrawn
    assert len(asked) == 2
    _no_timer_left()


def _no_timer_left() -> None:
    """Nothing is left watched, and no deadline that went off is left to be raised later."""
    assert not _deadline._WATCHDOG._due


def test_an_overtime_python_drops_is_raised_again(monkeypatch):
    """An Overtime that lands in a ``__del__`` or a weakref callback is printed as "Exception ignored" and dropped:
    it was raised once, and the page ran on without a limit (202 s and 328 s under 60 s in a QA run of the HTTP
    API). It is raised again every RETRY_S until the block ends. Here the first one is dropped on purpose."""
    monkeypatch.setattr(_deadline._Watchdog, "RETRY_S", 0.05, raising=False)
    real, asked = _deadline._raise_in_thread, []

    def dropping_the_first(thread, exc):
        asked.append(exc)
        if exc is None or len(asked) > 1:
            real(thread, exc)

    monkeypatch.setattr(_deadline, "_raise_in_thread", dropping_the_first)
    start = time.monotonic()
    with pytest.raises(_deadline.Overtime):
        with _deadline.deadline(0.1):
            while time.monotonic() - start < 10:
                pass
    assert time.monotonic() - start < 5 and asked[:2] == [_deadline.Overtime, _deadline.Overtime]
    _no_timer_left()


def test_an_overtime_python_drops_is_not_printed(monkeypatch):
    """"Exception ignored in: <function ...> linktriage._deadline.Overtime" reached stderr, under the CLI's one-line
    messages, for an Overtime that is raised again anyway; other dropped exceptions are printed as before."""
    import types

    seen = []
    monkeypatch.setattr("sys.unraisablehook", lambda unraisable: seen.append(unraisable.exc_type))
    _deadline._quiet_dropped_overtimes()
    _deadline._quiet_dropped_overtimes()  # installed once, however many watchdogs start
    for exc in (_deadline.Overtime(), ValueError("a library's own")):
        import sys

        sys.unraisablehook(types.SimpleNamespace(exc_type=type(exc), exc_value=exc, exc_traceback=None,
                                                 err_msg=None, object=None))
    assert seen == [ValueError]


def test_an_overtime_delivered_as_the_watch_stops_still_ends_the_watch(monkeypatch):
    """The watchdog may fire as the block ends, and CPython delivers the exception at the next call: on entering
    stop(), before it takes the watch out. The block is over, so the watch must end all the same; left behind, it
    went off again every RETRY_S in whatever the thread ran next."""
    monkeypatch.setattr(_deadline._Watchdog, "RETRY_S", 0.05, raising=False)
    real_stop, calls = _deadline._WATCHDOG.stop, []

    def delivered_on_entry(watch):
        calls.append(watch)
        if len(calls) == 1:
            raise _deadline.Overtime  # as CPython delivers a pending Overtime at the call
        real_stop(watch)

    monkeypatch.setattr(_deadline._WATCHDOG, "stop", delivered_on_entry)
    with _deadline.deadline(60):
        pass
    assert len(calls) == 2 and calls[0] == calls[1]
    _no_timer_left()
    finish = time.monotonic() + 0.3  # several RETRY_S: nothing goes off in this thread
    while time.monotonic() < finish:
        pass


def test_an_overtime_delivered_as_the_watch_starts_still_ends_the_watch(monkeypatch):
    """With a deadline of ~0 the watchdog may fire before start() has returned to the block: the watch is armed by
    then, and the exception must not skip what ends it."""
    real_start = _deadline._WATCHDOG.start

    def delivered_on_return(seconds, watch=None):
        real_start(60, *([] if watch is None else [watch]))
        raise _deadline.Overtime  # as CPython delivers a pending Overtime when start() returns

    monkeypatch.setattr(_deadline._WATCHDOG, "start", delivered_on_return)
    with pytest.raises(_deadline.Overtime):
        with _deadline.deadline(0.0):
            pytest.fail("the block is not entered once its deadline went off")
    _no_timer_left()
