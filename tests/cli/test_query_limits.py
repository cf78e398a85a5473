"""kg query is bounded: a deadline that stops the work, caps on rows and memory, Ctrl-C within a
second, no query left running when kg is killed, and a clear Error: for a bad --param IRI."""

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import run

from kg.cli import cli

CUBE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
"""On the bundled data (about 2,900 triples) this counts 2.4e10 solutions: hours of work."""


def test_the_deadline_stops_the_query_with_one_error_line(runner):
    result = runner.invoke(cli, ["query", "--timeout", "0.5", CUBE])
    assert result.exit_code == 1
    assert result.output == ("Error: the query ran longer than its deadline of 0.5 s and was stopped: "
                             "give --timeout SECONDS to allow more\n")


def test_more_rows_than_the_cap_is_an_error_and_limit_takes_the_first(runner):
    articles = "SELECT ?a WHERE { ?a a ckg:Article } ORDER BY ?a"
    result = runner.invoke(cli, ["query", "--max-rows", "4", articles])
    assert result.exit_code == 1
    assert result.output == ("Error: the answer has more than 4 rows, the cap: give --limit N for the first N "
                             "rows, or raise the cap with --max-rows\n")
    ok = run(runner, "query", "--max-rows", "4", "--limit", "2", "--format", "csv", articles)
    assert ok.output.splitlines() == ["a", "ckr:article-000", "ckr:article-001"]


def test_construct_with_limit_streams_within_a_small_memory_cap(runner):
    """2,900² triples (about 8 million) would be built before the first one came back."""
    text = "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }"
    result = run(runner, "query", "--limit", "5", "--max-memory", "128", "--format", "csv", text)
    assert result.output.splitlines()[0] == "subject,predicate,object"
    assert len(result.output.splitlines()) == 6


def test_the_memory_cap_stops_a_growing_sort(runner):
    text = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?c"
    result = runner.invoke(cli, ["query", "--max-memory", "64", text])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the query needed more than its memory cap of 64 MB and was stopped: "
                                    "give --max-memory MB to allow more")


def test_an_invalid_iri_as_param_value_is_an_error_not_a_traceback(runner):
    result = runner.invoke(cli,
                           ["query", "--name", "suppliers-of-firm", "--param", "firm=http://x>{}"])
    assert result.exit_code == 1
    assert result.output == ("Error: --param firm: 'http://x>{}' is not a valid IRI "
                             "(no spaces, <, >, {, }, | or quotes)\n")


# ---------------------------------------------------------------- signals, in a real process


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    """Running or sleeping; a zombie (not yet reaped by init in a container) has stopped."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def _start_cube():
    process = subprocess.Popen([sys.executable, "-m", "kg", "query", "--timeout", "120", CUBE],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    give_up = time.monotonic() + 60
    while not _children(process.pid):
        if time.monotonic() > give_up or process.poll() is not None:
            process.kill()
            pytest.fail(f"the query process never started: {process.communicate()}")
        time.sleep(0.05)
    time.sleep(0.5)  # the query is under way in the child
    return process, _children(process.pid)[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_stops_a_running_aggregate_within_a_second():
    process, child = _start_cube()
    os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl-C: the whole group
    started = time.monotonic()
    try:
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    took = time.monotonic() - started
    assert process.returncode == 1
    assert err.strip() == "Aborted!"
    assert out == ""
    assert took < 3, f"Ctrl-C took {took:.1f} s"  # a bound (under 1 s expected), not a speed test
    assert not _alive(child)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; parent-death signal is Linux's")
def test_a_killed_kg_leaves_no_query_running():
    process, child = _start_cube()
    process.kill()  # SIGKILL: kg has no chance to clean up
    process.wait(timeout=30)
    give_up = time.monotonic() + 10
    while _alive(child) and time.monotonic() < give_up:
        time.sleep(0.05)
    assert not _alive(child)
