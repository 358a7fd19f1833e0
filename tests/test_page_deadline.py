"""A page whose analysis takes too long becomes its rows' error, and the run goes on.

The hostile-page audits fixed every slow page they found (a regex retried from every match, ancestors re-read for
each link, ...), each taking minutes to hours; a page no fix foresaw held a worker for as long. Now one page may
take ``analyse.PAGE_DEADLINE_S`` (60 s)."""

from __future__ import annotations

import signal

import pytest

import linktriage
from linktriage import analyse

TARGET = "https://target.example/"
QUICK = f"<html><body><article><p>A short review. <a href='{TARGET}'>the target</a></p></article></body></html>"
#: a real page, only big: 8,000 links take about a second, well past a deadline of 0.2 s
COSTLY = ("<html><body><article><p>Links.</p><ul>"
          + "".join(f"<li><a href='https://site{i}.example/'>site {i}</a> a few words</li>" for i in range(8_000))
          + f"</ul><p><a href='{TARGET}'>the target</a></p></article></body></html>")


@pytest.mark.parametrize("workers", [1, 2])
def test_a_page_over_the_deadline_is_its_rows_error_and_the_run_goes_on(monkeypatch, workers):
    monkeypatch.setattr(analyse, "PAGE_DEADLINE_S", 0.2)  # forked pool workers inherit it
    links = [{"source_url": "https://slow.example/", "target_url": TARGET, "html": COSTLY},
             {"source_url": "https://slow.example/", "target_url": "https://other.example/", "html": COSTLY},
             {"source_url": "https://quick.example/", "target_url": TARGET, "html": QUICK}]
    rows = linktriage.score(links, workers=workers)
    assert rows["link_status"].tolist() == ["error", "error", "live"]
    assert rows["reasons"][0] == "analysis stopped after 0.2 s: the page is too costly to read"
    # the alarm is the process's own again: nothing pending, the default handler back
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def test_within_the_deadline_nothing_changes_and_an_application_alarm_is_left_alone(monkeypatch):
    links = [{"source_url": "https://slow.example/", "target_url": TARGET, "html": COSTLY}]
    assert linktriage.score(links, workers=1)["link_status"].tolist() == ["live"]  # under the default 60 s

    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        monkeypatch.setattr(analyse, "PAGE_DEADLINE_S", 0.2)
        # an application that handles SIGALRM itself: no deadline, its handler untouched and never called by us
        assert linktriage.score(links, workers=1)["link_status"].tolist() == ["live"]
        assert not fired
    finally:
        signal.signal(signal.SIGALRM, previous)
