"""Benchmark of registration and check-in against the ceiling, and the two rushes. See
bench/README.md.

    .venv/bin/python bench/rush.py                 # or: make bench-rush
    .venv/bin/python bench/rush.py --rounds 1 --report-only

It sets up the world as bench/checkin.py does (its own PostgreSQL database with the
summit and 2,000 registrations, desk accounts; bench/world.py), starts gunicorn with
production settings (4 sync workers, DEBUG off, Redis), and measures, in interleaved
rounds, the throughput of the ceiling view (/bench/ceiling), the registration form
(GET, both languages), a registration POST and a check-in scan, each as a share of
the ceiling in the same round. Then 16 desks scan at the same instant (server p99),
300 people send the form at once for a workshop of 40 seats, and 1,000 people open
the form and send it at once. The rushes are counted in the database afterwards.

Exit status: 0 when every target is met; 1 when one is missed (--report-only: only
wrong answers and errors fail); 2 when the benchmark could not run.
"""

import argparse
import http.client
import json
import multiprocessing
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.checkin import WORLD, Desk, server_environment, start_server, wait_until_up  # noqa: E402
from bench.common import BenchError, free_port, run, say, stop_server, tail  # noqa: E402

HOST = "127.0.0.1"
WRK = shutil.which("wrk") or "/usr/bin/wrk"  # Debian's wrk
TARGETS = {"form_en": 0.25, "form_ko": 0.25, "post": 0.08, "scan": 0.10}
BURST_P99_MS = 100
RUSH_SECONDS = 10
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
STAMP = re.compile(rb'name="form_stamp" value="([^"]+)"')


def main() -> int:
    args = parse_args()
    if not re.fullmatch(r"wegov_bench[a-z0-9_]*", args.database):
        print("--database must start with 'wegov_bench' (it is dropped and created).", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="wegov-rush-"))
    setup = SimpleNamespace(
        postgres=args.postgres,
        database=args.database,
        redis_url=args.redis_url,
        registrations=args.registrations,
        desks=args.desks,
        seed=2010,
    )
    env = server_environment(setup, workdir)
    env["WEGOV_BENCH_MIN_FILL_SECONDS"] = "0"  # see bench/settings.py
    server, created = None, False
    try:
        say(f"Database {args.database}: drop, create, migrate, load the summit, register {args.registrations}")
        run([sys.executable, WORLD, "createdb", args.database], env)
        created = True
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([sys.executable, "manage.py", "load_summit", "--demo"], env)
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        plan_path = workdir / "plan.json"
        run([sys.executable, WORLD, "prepare", plan_path], env)
        plan = json.loads(plan_path.read_text())
        world = json.loads(run([sys.executable, WORLD, "rush-setup", str(args.workshop_seats)], env))
        port = args.port or free_port()
        say(f"gunicorn wegov.wsgi: {args.workers} sync workers on {HOST}:{port}; {plan['seconds']} s to prepare")
        server = start_server(SimpleNamespace(workers=args.workers), env, workdir, port)
        wait_until_up(server, port, args.lang)
        config = {"port": port, "password": env["BENCH_DESK_PASSWORD"], "checkpoint": plan["checkpoint"]}
        tickets = [r["ticket"] for r in plan["registrations"] if r["status"] == "confirmed"]
        report = measure(args, config, world, tickets, env)
        report["rss_mb"] = peak_rss_mb(server.pid)
        stop_server(server)
        report["server_ms"] = server_durations(workdir / "access.log")
        report["rush300"]["counted"] = json.loads(run([sys.executable, WORLD, "rush-count", "rush300-"], env))
        report["rush1000"]["counted"] = json.loads(run([sys.executable, WORLD, "rush-count", "rush1000-"], env))
        verdicts = judge(report, args)
        print_report(report, verdicts, args)
        if args.json:
            Path(args.json).write_text(json.dumps({"report": report, "verdicts": verdicts}, indent=2))
        wrong = [v for v in verdicts if not v["ok"] and v["kind"] == "correct"]
        missed = [v for v in verdicts if not v["ok"] and v["kind"] == "target"]
        return 1 if wrong or (missed and not args.report_only) else 0
    except BenchError as error:
        print(f"\nThe benchmark could not run: {error}", file=sys.stderr)
        if server is not None:
            print(tail(workdir / "error.log"), file=sys.stderr)
        return 2
    finally:
        if server is not None and server.poll() is None:
            stop_server(server)
        if created and not args.keep:
            subprocess.run([sys.executable, WORLD, "dropdb", args.database], env=env, cwd=ROOT, check=False)  # noqa: S603
        if args.keep:
            say(f"Kept: database {args.database}, logs in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--seconds", type=float, default=3, help="seconds per GET load in a round (default 3)")
    parser.add_argument("--posts", type=int, default=240, help="registration POSTs per round (default 240)")
    parser.add_argument("--scans", type=int, default=160, help="check-in scans per round (default 160)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent connections of a load (default 16)")
    parser.add_argument("--bursts", type=int, default=20, help="rounds of the 16-desk burst (default 20)")
    parser.add_argument("--desks", type=int, default=16, help="desks in the burst (default 16)")
    parser.add_argument("--workshop-seats", type=int, default=40, help="seats of the rush's workshop (default 40)")
    parser.add_argument("--small-rush", type=int, default=300, help="people in the workshop rush (default 300)")
    parser.add_argument("--big-rush", type=int, default=1000, help="people in the big rush (default 1000)")
    parser.add_argument("--places", type=int, default=700, help="event places left for the big rush (default 700)")
    parser.add_argument("--registrations", type=int, default=2000, help="people registered before (default 2000)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--lang", choices=["ko", "en"], default="en", help="language of the POSTs and scans")
    parser.add_argument("--report-only", action="store_true", help="report the targets, do not fail on them")
    parser.add_argument("--database", default="wegov_bench_rush", help="database to create and drop (wegov_bench*)")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/8", help="Redis database for the cache")
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn (default: a free one)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs afterwards")
    return parser.parse_args()


# A visitor: a browser of its own -------------------------------------------------------------


class Visitor:
    """One person's browser: own cookies, own address (the site trusts the proxy's last
    X-Forwarded-For hop, and throttles per address), HTTPS as behind production's proxy."""

    def __init__(self, port: int, number: int):
        self.port, self.number = port, number
        self.origin = f"https://{HOST}:{port}"
        self.address = f"198.18.{number // 250 % 250}.{number % 250 + 1}"  # RFC 2544 benchmarking range
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers=None, tag: str = ""):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            sent = {"Host": f"{HOST}:{self.port}", "X-Forwarded-Proto": "https", "X-Forwarded-For": self.address}
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
            if tag:
                sent["X-Bench"] = tag
            sent.update(headers or {})
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers, data
        finally:
            connection.close()

    def open_form(self, lang: str, tag: str = "") -> dict:
        status, _, page = self.request("GET", f"/{lang}/register/", tag=tag)
        token, stamp = TOKEN.search(page), STAMP.search(page)
        if status != 200 or token is None or stamp is None:
            raise BenchError(f"visitor {self.number}: no form (HTTP {status})")
        return {"csrfmiddlewaretoken": token.group(1).decode(), "form_stamp": stamp.group(1).decode()}

    def send_form(self, lang: str, form: dict, person: dict, tag: str = "") -> tuple[int, str]:
        data = {**form, **person, "privacy_consent": "on", "website": ""}
        status, headers, _ = self.request(
            "POST",
            f"/{lang}/register/",
            urlencode(data, doseq=True).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": f"{self.origin}/{lang}/register/",
            },
            tag,
        )
        return status, headers.get("Location", "")


def person(prefix: str, number: int, sessions: list[int]) -> dict:
    korean = number % 2 == 0
    return {
        "name": f"김민준 {number}" if korean else f"Ana Lima {number}",
        "email": f"{prefix}{number:05d}@example.org",
        "organisation": "",
        "job_title": "",
        "country": "KR" if korean else "PT",
        "city": "서울" if korean else "Lisbon",
        "phone": "",
        "language": "ko" if korean else "en",
        "needs": "",
        "category": "citizen",
        "sessions": [str(s) for s in sessions],
    }


def registered(status: int, location: str, lang: str) -> bool:
    return status == 302 and location.endswith(f"/{lang}/register/sent/")


# Loads ---------------------------------------------------------------------------------------


def wrk_rate(port: int, path: str, seconds: float, clients: int) -> dict:
    """Requests per second from wrk (Debian), each request a new visitor (no cookies)."""
    result = subprocess.run(  # noqa: S603
        [
            WRK,
            f"-t{min(2, clients)}",
            f"-c{clients}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            "-H",
            "X-Forwarded-Proto: https",
            f"http://{HOST}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    out = result.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if result.returncode != 0 or rate is None:
        raise BenchError(f"wrk failed: {out}{result.stderr}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rate": float(rate.group(1)),
        "p50": wrk_ms(out, "50%"),
        "p99": wrk_ms(out, "99%"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
    }


def wrk_ms(out: str, label: str) -> float:
    match = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)\b", out)
    if not match:
        return 0.0
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def in_processes(target, jobs: list, timeout: float = 180) -> list:
    """Run target(job, barrier, results) in one process per job (no shared interpreter
    lock), released together by a barrier; their results."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(len(jobs)), context.Queue()
    processes = [context.Process(target=target, args=(job, barrier, results)) for job in jobs]
    for process in processes:
        process.start()
    collected = []
    deadline = time.monotonic() + timeout
    while len(collected) < len(jobs):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            collected.append(results.get(timeout=remaining))
        except Exception:
            break
    for process in processes:
        process.join(5)
        if process.is_alive():
            process.kill()
    if len(collected) < len(jobs):
        raise BenchError("a load process did not report")
    for item in collected:
        if item.get("fatal"):
            raise BenchError(item["fatal"])
    return collected


def threads(count: int, work) -> None:
    pool = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()


def post_job(job: dict, barrier, results) -> None:
    """Open `len(people)` forms (not measured), wait for the other processes, then send
    them all with `clients` threads; or, for a rush, open and send at once."""
    try:
        visitors = [Visitor(job["port"], n) for n in job["numbers"]]
        forms: list = [None] * len(visitors)
        if not job["open_in_rush"]:
            lock = threading.Lock()
            queue = list(range(len(visitors)))

            def open_some(_):
                while True:
                    with lock:
                        if not queue:
                            return
                        i = queue.pop()
                    forms[i] = visitors[i].open_form(job["lang"])

            threads(job["threads"], open_some)
        barrier.wait(120)
        started = time.time()
        samples: list = [None] * len(visitors)
        lock = threading.Lock()
        queue = list(range(len(visitors)))

        def send_some(_):
            while True:
                with lock:
                    if not queue:
                        return
                    i = queue.pop(0)
                t0 = time.perf_counter()
                try:
                    form = forms[i] or visitors[i].open_form(job["lang"], tag=job["tag"])
                    t1 = time.perf_counter()
                    status, location = visitors[i].send_form(job["lang"], form, job["people"][i], tag=job["tag"])
                    ok = registered(status, location, job["lang"])
                    error = "" if ok else f"HTTP {status} to {location or '-'}"
                except (OSError, BenchError) as exc:
                    t1, error = time.perf_counter(), f"{type(exc).__name__}: {exc}"
                samples[i] = {"ms": (time.perf_counter() - t1) * 1000, "total_ms": (time.perf_counter() - t0) * 1000}
                samples[i].update(error=error, done=time.time())

        threads(job["threads"], send_some)
        results.put({"started": started, "samples": samples})
    except Exception as exc:
        barrier.abort()
        results.put({"fatal": f"{type(exc).__name__}: {exc}"})


def run_posts(port: int, lang: str, prefix: str, people: list, clients: int, open_in_rush: bool, tag: str) -> dict:
    processes = min(4, max(1, clients // 4))
    jobs = []
    for p in range(processes):
        numbers = list(range(p, len(people), processes))
        jobs.append(
            {
                "port": port,
                "lang": lang,
                "numbers": numbers,
                "people": [people[n] for n in numbers],
                "threads": max(1, clients // processes),
                "open_in_rush": open_in_rush,
                "tag": tag,
            }
        )
    collected = in_processes(post_job, jobs)
    started = min(c["started"] for c in collected)
    samples = [s for c in collected for s in c["samples"]]
    finished = max(s["done"] for s in samples)
    errors = [s["error"] for s in samples if s["error"]]
    elapsed = finished - started
    return {
        "people": len(samples),
        "seconds": round(elapsed, 2),
        "rate": len(samples) / elapsed if elapsed else 0.0,
        "p50": statistics.median(s["ms"] for s in samples),
        "p99": percentile([s["ms"] for s in samples], 99),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
    }


def scan_job(job: dict, barrier, results) -> None:
    """Desks (threads of one process, or one per process in a burst) log in, then scan."""
    try:
        desks = [Desk(job["port"], job["lang"], u, job["password"], job["checkpoint"]) for u in job["usernames"]]
        for desk in desks:
            desk.log_in()
        samples = []
        lock = threading.Lock()
        tickets = list(job["tickets"])
        barrier.wait(120)
        started = time.time()
        if job["burst"]:
            for ticket in tickets:  # one desk in this process: one scan per round, all desks together
                barrier.wait(60)
                samples.append(scan(desks[0], ticket, job["tag"]))
        else:

            def scan_some(i):
                while True:
                    with lock:
                        if not tickets:
                            return
                        ticket = tickets.pop()
                    sample = scan(desks[i], ticket, job["tag"])
                    with lock:
                        samples.append(sample)

            threads(len(desks), scan_some)
        results.put({"started": started, "samples": samples})
    except Exception as exc:
        barrier.abort()
        results.put({"fatal": f"{type(exc).__name__}: {exc}"})


def scan(desk: Desk, ticket: str, tag: str) -> dict:
    t0 = time.perf_counter()
    try:
        status, _, data = desk.check_in({"ticket": ticket}, tag=tag)
        answer = json.loads(data) if status == 200 else {}
        error = "" if answer.get("result") == "ok" else f"HTTP {status} {answer.get('result')} {answer.get('reason')}"
    except (OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    return {"ms": (time.perf_counter() - t0) * 1000, "error": error, "done": time.time()}


def run_scans(config: dict, lang: str, usernames: list, tickets: list, *, burst: bool, tag: str) -> dict:
    if burst:
        per = len(tickets) // len(usernames)
        jobs = [
            {**config, "lang": lang, "usernames": [u], "tickets": tickets[i * per : (i + 1) * per]}
            for i, u in enumerate(usernames)
        ]
    else:
        groups = [usernames[i::4] for i in range(4)]
        jobs = [{**config, "lang": lang, "usernames": g, "tickets": tickets[i::4]} for i, g in enumerate(groups)]
    for job in jobs:
        job.update(burst=burst, tag=tag)
    collected = in_processes(scan_job, jobs)
    started = min(c["started"] for c in collected)
    samples = [s for c in collected for s in c["samples"]]
    elapsed = max(s["done"] for s in samples) - started
    errors = [s["error"] for s in samples if s["error"]]
    return {
        "scans": len(samples),
        "rate": len(samples) / elapsed if elapsed else 0.0,
        "p50": statistics.median(s["ms"] for s in samples),
        "p99": percentile([s["ms"] for s in samples], 99),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
    }


def get_job(job: dict, barrier, results) -> None:
    """GET one path in a loop for `seconds` with `threads` threads (the ceiling for the
    loads the Python generator drives: the same client cost per request)."""
    try:
        barrier.wait(120)
        deadline = time.time() + job["seconds"]
        samples, lock = [], threading.Lock()

        def loop(i):
            visitor = Visitor(job["port"], i)
            while time.time() < deadline:
                t0 = time.perf_counter()
                try:
                    status, _, _ = visitor.request("GET", job["path"])
                    error = "" if status == 200 else f"HTTP {status}"
                except OSError as exc:
                    error = f"{type(exc).__name__}: {exc}"
                with lock:
                    samples.append({"ms": (time.perf_counter() - t0) * 1000, "error": error, "done": time.time()})

        started = time.time()
        threads(job["threads"], loop)
        results.put({"started": started, "samples": samples})
    except Exception as exc:
        barrier.abort()
        results.put({"fatal": f"{type(exc).__name__}: {exc}"})


def py_rate(port: int, path: str, seconds: float, clients: int) -> dict:
    processes = 4
    job = {"port": port, "path": path, "seconds": seconds, "threads": max(1, clients // processes)}
    collected = in_processes(get_job, [job] * processes)
    started = min(c["started"] for c in collected)
    samples = [s for c in collected for s in c["samples"]]
    elapsed = max(s["done"] for s in samples) - started
    return {
        "rate": len(samples) / elapsed,
        "p50": statistics.median(s["ms"] for s in samples),
        "p99": percentile([s["ms"] for s in samples], 99),
        "errors": sum(1 for s in samples if s["error"]),
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# The measurement ---------------------------------------------------------------------------


def measure(args, config: dict, world: dict, tickets: list, env: dict) -> dict:
    port, lang = config["port"], args.lang
    usernames = [f"bench-desk-{n:02d}" for n in range(1, args.desks + 1)]
    say("Warm-up: every worker renders the form and the ceiling")
    for path in ("/bench/ceiling", "/en/register/", "/ko/register/"):
        wrk_rate(port, path, 1, 8)
    rounds = []
    cursor = {"post": 0, "ticket": 0}
    workshops = world["workshops"]
    for r in range(1, args.rounds + 1):
        say(f"Round {r}/{args.rounds}")
        row = {
            "ceiling": wrk_rate(port, "/bench/ceiling", args.seconds, args.clients),
            "form_en": wrk_rate(port, "/en/register/", args.seconds, args.clients),
            "form_ko": wrk_rate(port, "/ko/register/", args.seconds, args.clients),
        }
        start = cursor["post"]
        people = [
            person("post-", n, [workshops[n % len(workshops)]] if n % 4 == 0 and workshops else [])
            for n in range(start, start + args.posts)
        ]
        cursor["post"] += args.posts
        row["post"] = run_posts(port, lang, "post-", people, args.clients, False, "post")
        batch = tickets[cursor["ticket"] : cursor["ticket"] + args.scans]
        cursor["ticket"] += args.scans
        row["scan"] = run_scans(config, lang, usernames, batch, burst=False, tag="scan")
        row["py_ceiling"] = py_rate(port, "/bench/ceiling", args.seconds, args.clients)
        for name in ("form_en", "form_ko"):  # wrk against wrk
            row[name]["ratio"] = row[name]["rate"] / row["ceiling"]["rate"]
        for name in ("post", "scan"):  # the Python load generator against itself
            row[name]["ratio"] = row[name]["rate"] / row["py_ceiling"]["rate"]
            row[name]["ratio_wrk"] = row[name]["rate"] / row["ceiling"]["rate"]
        say(
            "  ceiling {:.0f}/s; form en {:.1%}, ko {:.1%}; POST {:.1%}; scan {:.1%}".format(
                row["ceiling"]["rate"], *(row[n]["ratio"] for n in ("form_en", "form_ko", "post", "scan"))
            )
        )
        rounds.append(row)

    say(f"Burst: {args.desks} desks scan at the same instant, {args.bursts} times")
    batch = tickets[cursor["ticket"] : cursor["ticket"] + args.desks * args.bursts]
    cursor["ticket"] += len(batch)
    burst = run_scans(config, lang, usernames, batch, burst=True, tag="burst")

    say(f"Rush: {args.small_rush} people send the form at once for a workshop of {args.workshop_seats} seats")
    people = [person("rush300-", n, [world["workshop"]]) for n in range(args.small_rush)]
    rush300 = run_posts(port, lang, "rush300-", people, args.small_rush, False, "rush300")

    places = json.loads(run([sys.executable, WORLD, "rush-places", str(args.places)], env))
    time.sleep(6)  # the shared form shows the new capacity within 5 s (registration/formcache.py)
    say(f"Rush: {args.big_rush} people open the form and send it at once ({args.places} places left)")
    people = [
        person("rush1000-", n, [workshops[n % len(workshops)]] if n % 4 == 0 and workshops else [])
        for n in range(args.big_rush)
    ]
    rush1000 = run_posts(port, lang, "rush1000-", people, args.big_rush, True, "rush1000")
    rush1000["places"] = places
    return {"rounds": rounds, "burst": burst, "rush300": rush300, "rush1000": rush1000, "world": world}


def peak_rss_mb(master_pid: int) -> dict:
    """Peak resident memory (VmHWM) of each gunicorn worker, in MB."""
    peaks = {}
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        children = []
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match:
            peaks[pid] = round(int(match.group(1)) / 1024, 1)
    return peaks


def server_durations(access_log: Path) -> dict:
    """gunicorn's own milliseconds per tagged request (its access log's %(D)s)."""
    by_tag: dict[str, list[float]] = {}
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 6 and parts[5] != "-":
            by_tag.setdefault(parts[5], []).append(int(parts[3]) / 1000)
    return {tag: {"n": len(v), "p50": statistics.median(v), "p99": percentile(v, 99)} for tag, v in by_tag.items()}


# The verdicts --------------------------------------------------------------------------------


def judge(report: dict, args) -> list[dict]:
    verdicts = []

    def verdict(kind, name, ok, shown):
        verdicts.append({"kind": kind, "name": name, "ok": bool(ok), "shown": shown})

    for name, target in TARGETS.items():
        ratios = [row[name]["ratio"] for row in report["rounds"]]
        verdict("target", f"{name} ≥ {target:.0%} of the ceiling", statistics.median(ratios) >= target, ratios)
    errors = sum(row[n]["errors"] for row in report["rounds"] for n in ("post", "scan", "py_ceiling"))
    gets = ("form_en", "form_ko")
    errors += sum(row[n]["errors"] + row[n]["socket_errors"] for row in report["rounds"] for n in gets)
    verdict("correct", "no error in the rounds", errors == 0, errors)
    burst_server = report["server_ms"].get("burst", {}).get("p99", 0)
    verdict("correct", "burst: every scan ok", report["burst"]["errors"] == 0, report["burst"]["errors"])
    verdict("target", f"burst: server p99 < {BURST_P99_MS} ms", burst_server < BURST_P99_MS, burst_server)

    small, counted = report["rush300"], report["rush300"]["counted"]
    booked = counted["bookings"].get(str(report["world"]["workshop"]), {})
    seats = args.workshop_seats
    expected = {"confirmed": seats, "waitlisted": args.small_rush - seats}
    verdict("correct", f"rush {args.small_rush}: no error", small["errors"] == 0, small["errors"])
    verdict("correct", f"rush {args.small_rush}: {seats} seats, the rest waiting", booked == expected, booked)
    big, counted = report["rush1000"], report["rush1000"]["counted"]
    places = min(args.places, args.big_rush)
    statuses = {"confirmed": places, "waitlisted": args.big_rush - places}
    statuses = {k: v for k, v in statuses.items() if v}
    verdict("correct", f"rush {args.big_rush}: no error", big["errors"] == 0, big["errors"])
    exact = counted["statuses"] == statuses
    verdict("correct", f"rush {args.big_rush}: exact places and waiting list", exact, counted["statuses"])
    verdict(
        "correct",
        "counters equal a recount, no capacity passed",
        counted["event_counter_ok"] and counted["session_counters_ok"],
        counted["seats_taken"],
    )
    in_time = big["seconds"] <= RUSH_SECONDS
    verdict("target", f"rush {args.big_rush}: all done within {RUSH_SECONDS} s", in_time, big["seconds"])
    return verdicts


def print_report(report: dict, verdicts: list, args) -> None:
    rows = report["rounds"]
    print()
    print("| load | req/s (median) | client median / p99 ms | share of the ceiling: min / median / max | target |")
    print("|---|---|---|---|---|")
    ceiling = [r["ceiling"]["rate"] for r in rows]
    print(f"| ceiling `/bench/ceiling` (wrk) | {statistics.median(ceiling):.0f} | – | 100% | – |")
    ceiling = [r["py_ceiling"]["rate"] for r in rows]
    print(f"| ceiling `/bench/ceiling` (Python client) | {statistics.median(ceiling):.0f} | – | 100% | – |")
    names = {
        "form_en": "form GET `/en/register/`",
        "form_ko": "form GET `/ko/register/`",
        "post": "registration POST (vs the Python client's ceiling)",
        "scan": "check-in scan (vs the Python client's ceiling)",
    }
    for name, label in names.items():
        ratios = sorted(r[name]["ratio"] for r in rows)
        rate = statistics.median(r[name]["rate"] for r in rows)
        p50 = statistics.median(r[name]["p50"] for r in rows)
        p99 = statistics.median(r[name]["p99"] for r in rows)
        print(
            f"| {label} | {rate:.0f} | {p50:.1f} / {p99:.1f} | {ratios[0]:.1%} / {statistics.median(ratios):.1%} / "
            f"{ratios[-1]:.1%} | {TARGETS[name]:.0%} |"
        )
    server = report["server_ms"]
    burst = report["burst"]
    print()
    print(
        f"Burst, {args.desks} desks at the same instant × {args.bursts}: client median {burst['p50']:.0f} ms, "
        f"p99 {burst['p99']:.0f} ms; server median {server.get('burst', {}).get('p50', 0):.0f} ms, "
        f"p99 {server.get('burst', {}).get('p99', 0):.0f} ms (target < {BURST_P99_MS} ms)"
    )
    labels = {
        "rush300": f"Rush of {args.small_rush} for a {args.workshop_seats}-seat workshop",
        "rush1000": f"Rush of {args.big_rush}",
    }
    for key, label in labels.items():
        rush = report[key]
        print(
            f"{label}: all done in {rush['seconds']} s ({rush['rate']:.0f}/s), POST median {rush['p50']:.0f} ms, "
            f"p99 {rush['p99']:.0f} ms, errors {rush['errors']}; counted: {rush['counted']['statuses']}"
        )
    print(f"Peak RSS per worker (MB): {sorted(report['rss_mb'].values())}")
    print(f"Server ms per kind (median/p99): {json.dumps(server)}")
    print()
    for v in verdicts:
        print(f"{'ok  ' if v['ok'] else 'MISS' if v['kind'] == 'target' else 'FAIL'} {v['name']}: {v['shown']}")


if __name__ == "__main__":
    sys.exit(main())
