"""The HTTP API's answer carries the warnings of its run, as `linktriage score` prints them on stderr.

Before, `POST /score` answered rows only: a niche not in English, a `site` whose pages could not be read or rows
linking to another site than `site` reached the server's log, never the caller. Every answer of the API is JSON (no
file bodies), so the warnings are a `warnings` list beside `rows`.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from test_serve import LiveServer, client, example_links, faults, server  # noqa: F401 - fixtures, by import

import linktriage.pipeline as pipeline
from linktriage.serve import create_app
from linktriage.sources.fetch import FetchSettings

# The runs' warnings are Python warnings as well (the server's log): silenced here, as an operator may silence them,
# the answer still carries them.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

NOT_ENGLISH = "кроссовки для бега по пересеченной местности"


def _warnings_of(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return response.json()["warnings"]


def test_a_niche_not_in_english_is_a_warning_in_the_answer(client):  # noqa: F811
    links = example_links()[:3]
    for _ in range(2):  # every request is told, not only the first (Python shows a warning once per place)
        response = client.post("/score", json={"links": links, "niche": NOT_ENGLISH})
        warned = _warnings_of(response)
        assert len(warned) == 1 and "not in English" in warned[0] and "describe the niche in English" in warned[0]
        assert len(response.json()["rows"]) == 3


def test_an_answer_with_nothing_to_say_has_an_empty_warnings_list(client):  # noqa: F811
    links = example_links()[:3]
    assert _warnings_of(client.post("/score", json={"links": links, "niche": "trail running shoes"})) == []
    assert _warnings_of(client.post("/score", json={"links": links})) == []


def test_the_warnings_list_is_in_the_published_schema(client):  # noqa: F811
    answer = client.get("/openapi.json").json()["components"]["schemas"]["ScoreResponse"]
    assert answer["properties"]["warnings"]["items"] == {"type": "string"}


@pytest.fixture(scope="module")
def fetching_server(faults):  # noqa: F811
    """A server that fetches (loopback allowed, for the fault server), so requests may name a `site`."""
    fetching = FetchSettings(allow_private=True, respect_robots=False, max_retries=0, progress=False)
    with LiveServer(create_app(fetch=True, timeout_s=60, fetch_settings=fetching)) as live:
        yield live


def _link_to(target: str, source: str = "https://blog.example/a") -> dict:
    return {"source_url": source, "target_url": target,
            "html": f"<article><p>Trail running shoes on wet rock: <a href='{target}'>a shop</a> sells the ones "
                    "that grip.</p></article>"}


def test_a_site_that_cannot_be_read_is_a_warning_in_the_answer(fetching_server, faults):  # noqa: F811
    body = {"links": [_link_to("https://shop.example/")], "site": faults.url("/status/404"),
            "niche": "trail running shoes"}
    response = httpx.post(f"{fetching_server.url}/score", json=body, timeout=60)
    warned = _warnings_of(response)
    assert len(warned) == 1 and "the site's pages cannot be read" in warned[0], warned
    assert "relevance uses --niche only" in warned[0]
    assert isinstance(response.json()["rows"][0]["relevance"], float)


def test_rows_linking_to_another_site_are_one_warning_in_the_answer(fetching_server, faults):  # noqa: F811
    links = [_link_to(faults.url("/"), "https://blog.example/a"),
             _link_to("https://shop.example/", "https://blog.example/b"),
             _link_to("https://other.example/", "https://blog.example/c")]
    response = httpx.post(f"{fetching_server.url}/score", json={"links": links, "site": faults.url("/page/shoes")},
                          timeout=60)
    warned = _warnings_of(response)
    assert len(warned) == 1 and "some rows link to another site (shop.example)" in warned[0], warned
    assert [row["relevance"] is None for row in response.json()["rows"]] == [False, True, True]


def test_requests_scored_at_the_same_time_get_only_their_own_warnings(monkeypatch):
    """Two runs in lockstep: the one that warns starts first, the quiet one starts, the first warns while the other
    is running, then both finish. A collector shared by the process (warnings.catch_warnings swaps a module global:
    the run that entered last collects everything) gave the warning to the quiet run and none to its own."""
    warning_run_in, quiet_run_in, warned = threading.Event(), threading.Event(), threading.Event()
    checked = pipeline._checked  # the run's first step, where a niche not in English is warned about

    def in_lockstep(options):
        if options.niche == NOT_ENGLISH:
            warning_run_in.set()
            assert quiet_run_in.wait(30), "the quiet run never started"
            try:
                return checked(options)
            finally:
                warned.set()
        assert warning_run_in.wait(30), "the warning run never started"
        quiet_run_in.set()
        assert warned.wait(30), "the warning run never warned"
        return checked(options)

    monkeypatch.setattr(pipeline, "_checked", in_lockstep)
    links = example_links()[:2]
    bodies = [{"links": links, "niche": NOT_ENGLISH}, {"links": links, "niche": "trail running shoes"}]
    with LiveServer(create_app(timeout_s=60, max_concurrent=2)) as live:
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(lambda body: httpx.post(f"{live.url}/score", json=body, timeout=60), bodies))
    warning, quiet = map(_warnings_of, answers)
    assert len(warning) == 1 and "not in English" in warning[0], warning
    assert quiet == []


def test_a_blank_niche_is_warned_about_as_the_cli_does(client):  # noqa: F811
    """`"niche": "   "` was made no niche before the run: the answer's warnings were empty, where the CLI and
    linktriage.score say the niche has no words."""
    response = client.post("/score", json={"links": example_links()[:3], "niche": "   "})
    warned = _warnings_of(response)
    assert len(warned) == 1 and "has no words" in warned[0], warned
    assert all(row["relevance"] is None for row in response.json()["rows"])


def test_a_callers_warnings_stay_out_of_the_servers_log(client, recwarn):  # noqa: F811
    """Every request's warning (its niche text included) also went to the server's stderr, and concurrent ones ran
    together on one line."""
    response = client.post("/score", json={"links": example_links()[:2], "niche": NOT_ENGLISH})
    assert len(_warnings_of(response)) == 1
    assert not [w for w in recwarn if "not in English" in str(w.message)]


def test_a_line_on_stderr_is_one_write(monkeypatch):
    """print() wrote the text and its line break apart: lines of two threads (the server's warnings) ran together
    ("...analysed without itlinktriage: warning: ...")."""
    import sys

    from linktriage.cli._errors import say

    writes: list[str] = []

    class Recorder:
        def write(self, text: str) -> int:
            writes.append(text)
            return len(text)

    monkeypatch.setattr(sys, "stderr", Recorder())
    say("linktriage: warning: one")
    say("linktriage: warning: two")
    assert writes == ["linktriage: warning: one\n", "linktriage: warning: two\n"]
