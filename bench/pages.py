"""Issue 8's benchmark: the public pages, the registration form, a registration POST and a
check-in scan against Django's own ceiling, desks scanning, and the two rushes, as
production runs them (bench/README.md).

    .venv/bin/python bench/pages.py                 # or: make bench-pages
    .venv/bin/python bench/pages.py --rounds 1 --only home,programme --no-rush
    .venv/bin/python bench/pages.py --no-pages      # only registration, check-in and the rushes

It creates its own PostgreSQL database (wegov_bench_pages: dropped and created fresh),
loads the summit and registers 2,000 people (bench/world.py), empties its own Redis
database, and starts gunicorn in production configuration (4 sync workers, DEBUG off,
PostgreSQL, Redis) with bench/settings.py, which adds the ceiling view /bench/ceiling (a
constant HttpResponse("ok") through the same middleware). Then, in interleaved rounds
(ceiling, page in English, page in Korean, ceiling, next page, ...), it drives each page
with wrk and reports its requests per second as a share of the ceiling measured around it
in the same round: so a busy machine moves both alike. On the same server, bench/rush.py
then measures the registration form, a registration POST and a check-in scan against the
ceiling, desks scanning at a door's pace and all at once, and the two rushes, counted in
the database afterwards. SQL queries and Python function calls per page are counted in a
separate process over the same database and cache (the page rendered, then served from
the cache), and each worker's peak memory is read from /proc at the end.

One table at the end lists every target of issue 8 with what was measured. Exit status:
0 when every target is met and every answer and count is right; 1 otherwise
(--report-only: a missed target is only reported; errors and wrong counts still fail); 2
when the benchmark could not run.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, rush
from bench.common import BenchError, say

CEILING = "/bench/ceiling"
LANGUAGES = ("en", "ko")
# The share of the ceiling each public page must reach (issue 8).
PUBLIC_PAGE_TARGET = 0.50


@dataclass(frozen=True)
class Page:
    """A page to measure: `path` is under the language prefix (/en/, /ko/)."""

    name: str
    path: str
    target: float = PUBLIC_PAGE_TARGET

    def url(self, lang: str) -> str:
        return f"/{lang}/{self.path}"


def pages_of(programme: dict) -> list[Page]:
    """Every public page, the programme on each of its days and for each kind of session,
    one session and its calendar file, read from the summit's own programme.json."""
    sessions = programme["sessions"]
    days = sorted({session["start"][:10] for session in sessions})
    kinds = sorted({session["kind"]["slug"] for session in sessions})
    booked = next((s for s in sessions if s["booking_required"]), sessions[0])
    return [
        Page("home", ""),
        Page("programme", "programme/"),
        *[Page(f"programme day {day}", f"programme/?day={day}") for day in days],
        *[Page(f"programme kind {kind}", f"programme/?kind={kind}") for kind in kinds],
        Page(f"session {booked['slug']}", f"sessions/{booked['slug']}/"),
        Page("speakers", "speakers/"),
        Page("exhibition", "exhibition/"),
        Page("cities", "cities/"),
        Page("venue", "venue/"),
        Page("live", "live/"),
        Page("about", "about/"),
        Page("programme.json", "programme.json"),
        Page("programme.ics", "programme.ics"),
        Page(f"session .ics {booked['slug']}", f"sessions/{booked['slug']}.ics"),
    ]


def main() -> int:
    args = parse_args()
    if args.command == "count":
        return count_in_process(args.urls)
    if not re.fullmatch(r"wegov_bench[a-z0-9_]*", args.database):
        print("--database must start with 'wegov_bench' (it is dropped and created).", file=sys.stderr)
        return 2
    workdir = common.new_workdir()
    env = common.production_environment(
        postgres=args.postgres, database=args.database, redis_url=args.redis_url, workdir=workdir
    )
    env.update(BENCH_REGISTRATIONS=str(args.registrations), BENCH_DESKS=str(args.desks), BENCH_SEED="2010")
    env["BENCH_DESK_PASSWORD"] = env["SECRET_KEY"][:24]
    # The rushes' visitors send the form the moment it arrives (bench/settings.py).
    env["WEGOV_BENCH_MIN_FILL_SECONDS"] = "0"
    server = None
    created = False
    started, load_at_start = time.monotonic(), os.getloadavg()
    try:
        say(f"Database {args.database}: drop, create, migrate, load the summit, register {args.registrations}")
        created = True
        plan = common.prepare_database(env, args.database, workdir)
        say(f"  {args.registrations} registrations in {plan['seconds']} s; the summit's second day is today")
        common.flush_redis(args.redis_url)

        port = common.free_port()
        say(f"gunicorn wegov.wsgi: {args.workers} sync workers on {common.HOST}:{port}, DEBUG off, Redis cache")
        server = common.start_gunicorn(env, workdir, port, args.workers, rush.ACCESS_LOG_FORMAT)
        common.wait_until_up(server, port, CEILING)
        pages, runs = [], []
        if not args.no_pages:
            pages = select(pages_of(fetch_json(port, "/en/programme.json")), args.only)
            script = common.wrk_script(workdir)
            warm_up(port, pages, script)
            say(f"{args.rounds} rounds of {len(pages)} pages x {len(LANGUAGES)} languages, {args.seconds} s each")
            runs = measure(port, pages, script, args)
        loads = None
        if not args.no_rush:
            say("Registration and check-in against the ceiling, desks, the rushes")
            loads = rush.measure_all(args, port, plan, env)
        peaks = common.peak_rss_mib(common.children(server.pid))
        common.stop_server(server)
        errors_in_log = server_errors(workdir / "error.log")

        counts = {}
        if pages:
            say("Counting SQL queries and Python calls per request in one process")
            urls = [page.url(lang) for page in pages for lang in LANGUAGES]
            counts = json.loads(common.run([sys.executable, __file__, "count", *urls], env))
        if loads is not None:
            rush.count(loads, env, workdir / "access.log")
        report = build_report(args, pages, runs, counts, peaks, errors_in_log, time.monotonic() - started)
        report["load_average_at_start"] = load_at_start
        report["targets"] = targets(report, loads, args)
        report["registration"] = loads
        if pages:
            print_report(report, args)
        if loads is not None:
            rush.print_details(loads, args)
        print_targets(report, args)
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        wrong = [row for row in report["targets"] if not row["ok"] and row["kind"] == "correct"]
        missed = [row for row in report["targets"] if not row["ok"] and row["kind"] == "target"]
        return 1 if wrong or (missed and not args.report_only) else 0
    except BenchError as error:
        print(f"\nThe benchmark could not run: {error}", file=sys.stderr)
        print(common.tail(workdir / "error.log"), file=sys.stderr)
        return 2
    finally:
        if server is not None:
            common.stop_server(server)
        if created and not args.keep:
            common.drop_database(env, args.database)
        if args.keep:
            say(f"Kept: database {args.database}, logs in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("command", nargs="?", default="run", choices=["run", "count"], help=argparse.SUPPRESS)
    parser.add_argument("urls", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--seconds", type=int, default=1, help="seconds of wrk per page and language (default 1)")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections (default 8)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--registrations", type=int, default=2000, help="people registered (default 2000)")
    parser.add_argument("--only", default="", help="only the pages whose names start with these (comma-separated)")
    parser.add_argument("--report-only", action="store_true", help="report the targets, do not fail on them")
    parser.add_argument("--database", default="wegov_bench_pages", help="database to create and drop (wegov_bench*)")
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server (default: local)"
    )
    parser.add_argument(
        "--redis-url", default="redis://127.0.0.1:6379/6", help="the cache, as REDIS_URL (default: database 6)"
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs afterwards")
    parser.add_argument("--no-pages", action="store_true", help="skip the public pages")
    parser.add_argument("--no-rush", action="store_true", help="skip registration, check-in and the rushes")
    rush.add_arguments(parser)
    args = parser.parse_args()
    if args.rounds < 1 or args.seconds < 1 or args.connections < 1 or args.workers < 1:
        parser.error("rounds, seconds, connections and workers must be at least 1")
    if args.no_pages and args.no_rush:
        parser.error("--no-pages and --no-rush leave nothing to measure")
    return args


def select(pages: list[Page], only: str) -> list[Page]:
    prefixes = [prefix.strip() for prefix in only.split(",") if prefix.strip()]
    return [page for page in pages if not prefixes or page.name.startswith(tuple(prefixes))]


def fetch_json(port: int, path: str) -> dict:
    import http.client

    connection = http.client.HTTPConnection(common.HOST, port, timeout=30)
    connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    if response.status != 200:
        raise BenchError(f"{path} answered {response.status}")
    return json.loads(response.read())


def warm_up(port: int, pages: list[Page], script: Path) -> None:
    """Every worker has imported everything and every page is in the cache."""
    common.wrk(port, CEILING, seconds=1, connections=4, script=script)
    for page in pages:
        for lang in LANGUAGES:
            for _ in range(4):
                status = fetch_status(port, page.url(lang))
                if status != 200:
                    raise BenchError(f"{page.url(lang)} answered {status}")


def fetch_status(port: int, path: str) -> int:
    import http.client

    connection = http.client.HTTPConnection(common.HOST, port, timeout=30)
    connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    response.read()
    return response.status


def measure(port: int, pages: list[Page], script: Path, args) -> list[dict]:
    """Rounds of: ceiling, the page in each language, ceiling, the next page, ... Each page
    is compared with the mean of the ceilings measured just before and just after it."""
    runs = []
    wrk_options = {"seconds": args.seconds, "connections": args.connections, "script": script}
    for round_number in range(1, args.rounds + 1):
        ceiling = common.wrk(port, CEILING, **wrk_options)
        for page in pages:
            measured = {lang: common.wrk(port, page.url(lang), **wrk_options) for lang in LANGUAGES}
            after = common.wrk(port, CEILING, **wrk_options)
            reference = (ceiling["rps"] + after["rps"]) / 2
            for lang, result in measured.items():
                runs.append(
                    {"round": round_number, "page": page.name, "lang": lang, "ceiling_rps": reference, **result}
                )
            runs.append({"round": round_number, "page": CEILING, "lang": "", "ceiling_rps": after["rps"], **after})
            ceiling = after
        say(f"  round {round_number}: ceiling {ceiling['rps']:.0f} req/s")
    return runs


def server_errors(error_log: Path) -> int:
    try:
        return sum(1 for line in error_log.read_text().splitlines() if "Traceback" in line or "[ERROR]" in line)
    except OSError:
        return 0


# Queries and Python calls, in one process --------------------------------------------------


def count_in_process(urls: list[str]) -> int:
    """For each URL: SQL queries and Python function calls of one request through Django's
    WSGI handler (the whole middleware), when the page is rendered (the content version
    bumped just before) and when it is served from the cache; JSON on stdout. Each URL is
    requested twice first, so that imports, templates and translations are warm."""
    import cProfile
    import io
    import pstats

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events import pagecache

    handler = WSGIHandler()

    def request(url: str) -> tuple[int, int, int]:
        path, _, query = url.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": common.HOST,
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": common.HOST,
            "HTTP_X_FORWARDED_PROTO": "https",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        statuses = []
        profile = cProfile.Profile()
        with CaptureQueriesContext(connection) as queries:
            profile.enable()
            response = handler(environ, lambda status, headers: statuses.append(status))
            b"".join(response)
            response.close()
            profile.disable()
        return int(statuses[0].split()[0]), len(queries), pstats.Stats(profile).total_calls

    counts = {}
    for url in urls:
        request(url)
        request(url)
        pagecache.content_changed()
        status, miss_queries, miss_calls = request(url)
        _status, hit_queries, hit_calls = request(url)
        counts[url] = {
            "status": status,
            "miss_queries": miss_queries,
            "miss_calls": miss_calls,
            "hit_queries": hit_queries,
            "hit_calls": hit_calls,
        }
    request(CEILING)
    request(CEILING)
    _status, _queries, ceiling_calls = request(CEILING)
    counts[CEILING] = {"status": 200, "hit_queries": 0, "hit_calls": ceiling_calls, "miss_queries": 0, "miss_calls": 0}
    json.dump(counts, sys.stdout)
    return 0


# The report --------------------------------------------------------------------------------


def build_report(args, pages, runs, counts, peaks, errors_in_log, seconds) -> dict:
    rows = []
    for page in pages:
        for lang in LANGUAGES:
            mine = [run for run in runs if run["page"] == page.name and run["lang"] == lang]
            ratios = [run["rps"] / run["ceiling_rps"] for run in mine]
            count = counts.get(page.url(lang), {})
            row = {
                "page": page.name,
                "lang": lang,
                "url": page.url(lang),
                "rps": statistics.median(run["rps"] for run in mine),
                "p50_ms": statistics.median(run["p50_ms"] for run in mine),
                "p99_ms": statistics.median(run["p99_ms"] for run in mine),
                "ratio": common.spread(ratios),
                "target": page.target,
                "errors": sum(run["errors"] for run in mine),
                "bytes": statistics.median(run["bytes_per_request"] for run in mine),
                **{key: count.get(key) for key in ("miss_queries", "hit_queries", "miss_calls", "hit_calls")},
            }
            row["met"] = row["ratio"]["median"] >= page.target and row["errors"] == 0
            rows.append(row)
    ceilings = [run for run in runs if run["page"] == CEILING] or [{"rps": 0, "p50_ms": 0, "p99_ms": 0, "errors": 0}]
    return {
        "machine": common.machine(),
        "workers": args.workers,
        "rounds": args.rounds,
        "seconds_per_run": args.seconds,
        "connections": args.connections,
        "registrations": args.registrations,
        "ceiling": {
            "rps": common.spread([run["rps"] for run in ceilings]),
            "p50_ms": statistics.median(run["p50_ms"] for run in ceilings),
            "p99_ms": statistics.median(run["p99_ms"] for run in ceilings),
            "calls": counts.get(CEILING, {}).get("hit_calls"),
            "errors": sum(run["errors"] for run in ceilings),
        },
        "pages": rows,
        "worker_peak_rss_mib": peaks,
        "server_errors": errors_in_log,
        "errors": sum(row["errors"] for row in rows) + errors_in_log,
        "missed": [f"{row['page']} ({row['lang']})" for row in rows if not row["met"]],
        "load_average": os.getloadavg(),
        "seconds": round(seconds),
    }


def print_report(report: dict, args) -> None:
    c = report["ceiling"]
    say("")
    say(f"Public pages against the ceiling ({report['machine']})")
    say(
        f"gunicorn {report['workers']} sync workers, DEBUG off, PostgreSQL, Redis; wrk {report['connections']} "
        f"connections, {report['rounds']} interleaved rounds of {report['seconds_per_run']} s; "
        f"{report['registrations']} registrations"
    )
    say(
        f"ceiling /bench/ceiling: {c['rps']['median']:.0f} req/s (min {c['rps']['min']:.0f}, max "
        f"{c['rps']['max']:.0f}), median {c['p50_ms']:.1f} ms, p99 {c['p99_ms']:.1f} ms, {c['calls']} Python calls"
    )
    say("")
    header = (
        f"{'page':<30} {'lang':<4} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'share of ceiling min/med/max':>29} {'target':>6} {'SQL miss/hit':>12} {'calls miss/hit':>15}  "
    )
    say(header)
    say("-" * len(header))
    for row in report["pages"]:
        r = row["ratio"]
        say(
            f"{row['page'][:30]:<30} {row['lang']:<4} {row['rps']:>6.0f} {row['p50_ms']:>7.1f} {row['p99_ms']:>7.1f} "
            f"{r['min']:>9.0%} {r['median']:>9.0%} {r['max']:>9.0%} {row['target']:>6.0%} "
            f"{row['miss_queries']!s:>6}/{row['hit_queries']!s:<5} {row['miss_calls']!s:>8}/{row['hit_calls']!s:<6} "
            f"{'ok' if row['met'] else 'MISSED'}" + (f" ({row['errors']} errors)" if row["errors"] else "")
        )


def targets(report: dict, loads: dict | None, args) -> list[dict]:
    """Every target of issue 8 and every correctness check, as rows of one table (see
    rush.judge): the public pages, then registration and check-in, then memory."""
    rows = []
    if report["pages"]:
        lowest = min(report["pages"], key=lambda row: row["ratio"]["median"])
        measured = (
            f"lowest median **{lowest['ratio']['median']:.0%}** ({lowest['page']}, {lowest['lang']}); "
            f"lowest round {min(row['ratio']['min'] for row in report['pages']):.0%}"
        )
        missed = ", ".join(report["missed"])
        rows.append(
            {
                "kind": "target",
                "load": f"public pages and feeds, English and Korean ({len(report['pages'])})",
                "target": f"≥ {PUBLIC_PAGE_TARGET:.0%} of the ceiling each",
                "measured": measured + (f"; missed: {missed}" if missed else ""),
                "ok": not report["missed"],
            }
        )
    if loads is not None:
        rows.extend(rush.judge(loads, args))
    errors = report["errors"]
    rows.append(
        {
            "kind": "correct",
            "load": "errors: non-2xx/3xx answers to wrk, server tracebacks",
            "target": "0",
            "measured": f"{errors} (server log: {report['server_errors']})",
            "ok": errors == 0,
        }
    )
    peaks = report["worker_peak_rss_mib"]
    rows.append(
        {
            "kind": "report",
            "load": f"peak memory (VmHWM) per gunicorn worker ({len(peaks)})",
            "target": "reported",
            "measured": (f"**{max(peaks):.0f} MiB** (" + ", ".join(f"{p:.0f}" for p in peaks) + ")")
            if peaks
            else "unknown",
            "ok": True,
        }
    )
    return rows


def print_targets(report: dict, args) -> None:
    """The one table to read: every target with what this run measured (Markdown)."""
    start, end = report["load_average_at_start"][0], report["load_average"][0]
    say("")
    say(
        f"Issue 8's targets ({report['machine']}; load average {start:.2f} at the start, {end:.2f} at the end; "
        f"took {report['seconds']} s)"
    )
    say("")
    say("| load | target | measured | |")
    say("|---|---|---|---|")
    for row in report["targets"]:
        verdict = "ok" if row["ok"] else "MISSED" if row["kind"] == "target" else "WRONG"
        say(f"| {row['load']} | {row['target']} | {row['measured']} | {verdict} |")
    say("")
    wrong = [row["load"] for row in report["targets"] if not row["ok"] and row["kind"] == "correct"]
    missed = [row["load"] for row in report["targets"] if not row["ok"] and row["kind"] == "target"]
    if wrong:
        say("WRONG: " + "; ".join(wrong))
    if missed:
        say("MISSED: " + "; ".join(missed) + (" (--report-only: not a failure)" if args.report_only else ""))
    if not wrong and not missed:
        say("Every target met; every answer and count right.")


if __name__ == "__main__":
    sys.exit(main())
