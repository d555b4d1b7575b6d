"""Registration and check-in against the ceiling, and the rushes: the second half of
`make bench-pages` (bench/pages.py runs it on its own server; bench/README.md).

Against the server bench/pages.py started (production settings, 4 sync workers, the
summit with 2,000 registrations and 16 desk accounts), it measures, in interleaved
rounds, the throughput of the ceiling view (/bench/ceiling), the registration form (GET,
both languages), a registration POST and a check-in scan, each as a share of the
ceiling in the same round. Then 16 desks scan at a door's pace (the server's 99th
percentile under 50 ms) and at the same instant (under 100 ms), 300 people send the
form at once for a workshop of 40 seats, and 1,000 people open the form and send it at
once. The rushes are counted in the database afterwards (count()), every figure judged
against its target (judge()).
"""

import argparse
import http.client
import json
import multiprocessing
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.checkin import WORLD, Desk  # noqa: E402
from bench.common import BenchError, run, say  # noqa: E402

HOST = "127.0.0.1"
WRK = shutil.which("wrk") or "/usr/bin/wrk"  # Debian's wrk
TARGETS = {"form_en": 0.25, "form_ko": 0.25, "post": 0.08, "scan": 0.10}
DOOR_P99_MS = 50
BURST_P99_MS = 100
RUSH_SECONDS = 10
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
STAMP = re.compile(rb'name="form_stamp" value="([^"]+)"')
# The server's access log line (gunicorn --access-logformat): method, path, status,
# microseconds, pid, and the load a request belongs to (its X-Bench header).
ACCESS_LOG_FORMAT = "%(m)s %(U)s %(s)s %(D)s %(p)s %({x-bench}i)s"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """This half's options, on bench/pages.py's command line."""
    group = parser.add_argument_group("registration, check-in and the rushes")
    group.add_argument("--form-seconds", type=float, default=3, help="seconds per form GET load (default 3)")
    group.add_argument("--posts", type=int, default=240, help="registration POSTs per round (default 240)")
    group.add_argument("--scans", type=int, default=160, help="check-in scans per round (default 160)")
    group.add_argument("--clients", type=int, default=16, help="concurrent connections of a load (default 16)")
    group.add_argument("--desks", type=int, default=16, help="desks scanning at once (default 16)")
    group.add_argument("--door-scans", type=int, default=8, help="scans per desk at a door's pace (default 8)")
    group.add_argument("--bursts", type=int, default=20, help="rounds of the desks' burst (default 20)")
    group.add_argument("--workshop-seats", type=int, default=40, help="seats of the rush's workshop (default 40)")
    group.add_argument("--small-rush", type=int, default=300, help="people in the workshop rush (default 300)")
    group.add_argument("--big-rush", type=int, default=1000, help="people in the big rush (default 1000)")
    group.add_argument("--places", type=int, default=700, help="event places left for the big rush (default 700)")
    group.add_argument("--lang", choices=["ko", "en"], default="en", help="language of the POSTs and scans")


def measure_all(args, port: int, plan: dict, env: dict) -> dict:
    """Set up the rush's workshop (the cache emptied), then measure everything."""
    world = json.loads(run([sys.executable, WORLD, "rush-setup", str(args.workshop_seats)], env))
    config = {"port": port, "password": env["BENCH_DESK_PASSWORD"], "checkpoint": plan["checkpoint"]}
    tickets = [r["ticket"] for r in plan["registrations"] if r["status"] == "confirmed"]
    return measure(args, config, world, tickets, env)


def count(report: dict, env: dict, access_log: Path) -> None:
    """After the server stopped: its own time per load, and the rushes counted in the database."""
    report["server_ms"] = server_durations(access_log)
    report["rush300"]["counted"] = json.loads(run([sys.executable, WORLD, "rush-count", "rush300-"], env))
    report["rush1000"]["counted"] = json.loads(run([sys.executable, WORLD, "rush-count", "rush1000-"], env))


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
        elif job["think"]:  # at a door's pace: each desk its own tickets, the next person steps up

            def door(i):
                pause = random.Random(f"{job['tag']}-{job['usernames'][i]}")
                for ticket in tickets[i :: len(desks)]:
                    time.sleep(pause.uniform(*job["think"]))
                    sample = scan(desks[i], ticket, job["tag"])
                    with lock:
                        samples.append(sample)

            threads(len(desks), door)
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


def run_scans(
    config: dict, lang: str, usernames: list, tickets: list, *, burst: bool, tag: str, think: tuple | None = None
) -> dict:
    """Desks scanning `tickets`: as fast as they can (four processes of desks), all at the
    same instant (`burst`: one process per desk), or at a door's pace (`think`: seconds
    between an answer and the next scan, drawn between the two)."""
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
        job.update(burst=burst, tag=tag, think=think)
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
        # Each load is compared with the mean of the ceilings measured just before and just
        # after it, driven by the same tool: so a machine that gets busier or quieter
        # meanwhile moves both alike.
        row = {
            "ceiling_before": wrk_rate(port, "/bench/ceiling", args.form_seconds, args.clients),
            "form_en": wrk_rate(port, "/en/register/", args.form_seconds, args.clients),
            "form_ko": wrk_rate(port, "/ko/register/", args.form_seconds, args.clients),
            "ceiling": wrk_rate(port, "/bench/ceiling", args.form_seconds, args.clients),
            "py_ceiling_before": py_rate(port, "/bench/ceiling", args.form_seconds, args.clients),
        }
        start = cursor["post"]
        people = [
            person("post-", n, [workshops[n % len(workshops)]] if n % 4 == 0 and workshops else [])
            for n in range(start, start + args.posts)
        ]
        cursor["post"] += args.posts
        row["post"] = run_posts(port, lang, "post-", people, args.clients, False, "post")
        row["py_ceiling_between"] = py_rate(port, "/bench/ceiling", args.form_seconds, args.clients)
        batch = tickets[cursor["ticket"] : cursor["ticket"] + args.scans]
        cursor["ticket"] += args.scans
        row["scan"] = run_scans(config, lang, usernames, batch, burst=False, tag="scan")
        row["py_ceiling"] = py_rate(port, "/bench/ceiling", args.form_seconds, args.clients)
        wrk_ceiling = (row["ceiling_before"]["rate"] + row["ceiling"]["rate"]) / 2
        for name in ("form_en", "form_ko"):  # wrk against wrk
            row[name]["ratio"] = row[name]["rate"] / wrk_ceiling
        references = {"post": ("py_ceiling_before", "py_ceiling_between"), "scan": ("py_ceiling_between", "py_ceiling")}
        for name, around in references.items():  # the Python load generator against itself
            row[name]["ratio"] = row[name]["rate"] / (sum(row[key]["rate"] for key in around) / 2)
            row[name]["ratio_wrk"] = row[name]["rate"] / wrk_ceiling
        say(
            "  ceiling {:.0f}/s; form en {:.1%}, ko {:.1%}; POST {:.1%}; scan {:.1%}".format(
                row["ceiling"]["rate"], *(row[n]["ratio"] for n in ("form_en", "form_ko", "post", "scan"))
            )
        )
        rounds.append(row)

    say(f"Door's pace: {args.desks} desks scan {args.door_scans} tickets each, 1-3 s after each answer")
    batch = tickets[cursor["ticket"] : cursor["ticket"] + args.desks * args.door_scans]
    cursor["ticket"] += len(batch)
    door = run_scans(config, lang, usernames, batch, burst=False, tag="door", think=(1.0, 3.0))

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
    return {"rounds": rounds, "door": door, "burst": burst, "rush300": rush300, "rush1000": rush1000, "world": world}


def server_durations(access_log: Path) -> dict:
    """gunicorn's own milliseconds per tagged request (its access log's %(D)s)."""
    by_tag: dict[str, list[float]] = {}
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 6 and parts[5] != "-":
            by_tag.setdefault(parts[5], []).append(int(parts[3]) / 1000)
    return {tag: {"n": len(v), "p50": statistics.median(v), "p99": percentile(v, 99)} for tag, v in by_tag.items()}


# The verdicts --------------------------------------------------------------------------------


LABELS = {
    "form_en": "registration form GET `/en/register/`",
    "form_ko": "registration form GET `/ko/register/`",
    "post": "registration POST (vs the Python client's ceiling)",
    "scan": "check-in scan (vs the Python client's ceiling)",
}


def judge(report: dict, args) -> list[dict]:
    """A row of the targets' table for each target and each correctness check:
    `kind` "target" (a missed one fails unless --report-only) or "correct" (always fails)."""
    rows = []

    def row(kind, load, target, measured, ok):
        rows.append({"kind": kind, "load": load, "target": target, "measured": measured, "ok": bool(ok)})

    for name, target in TARGETS.items():
        ratios = sorted(r[name]["ratio"] for r in report["rounds"])
        median = statistics.median(ratios)
        shown = f"**{median:.1%}** ({ratios[0]:.1%} – {ratios[-1]:.1%})"
        row("target", LABELS[name], f"≥ {target:.0%} of the ceiling", shown, median >= target)
    python_loads = ("post", "scan", "py_ceiling_before", "py_ceiling_between", "py_ceiling")
    errors = sum(r[n]["errors"] for r in report["rounds"] for n in python_loads)
    errors += sum(r[n]["errors"] + r[n]["socket_errors"] for r in report["rounds"] for n in ("form_en", "form_ko"))
    row("correct", "those loads: errors", "0", str(errors), errors == 0)
    for key, limit, label in (
        ("door", DOOR_P99_MS, f"{args.desks} desks at a door's pace (1–3 s between scans), server p99"),
        ("burst", BURST_P99_MS, f"{args.desks} desks at the same instant × {args.bursts}, server p99"),
    ):
        server = report["server_ms"].get(key, {})
        p99, p50, errors = server.get("p99", 0), server.get("p50", 0), report[key]["errors"]
        shown = f"**{p99:.0f} ms** (median {p50:.0f} ms; {report[key]['scans']} scans, {errors} errors)"
        row("target", label, f"< {limit} ms", shown, p99 < limit)
        row("correct", f"{label[: label.index(',')]}: every scan checked in", "0 errors", str(errors), errors == 0)

    small, counted = report["rush300"], report["rush300"]["counted"]
    booked = counted["bookings"].get(str(report["world"]["workshop"]), {})
    seats = args.workshop_seats
    expected = {"confirmed": seats, "waitlisted": args.small_rush - seats}
    row(
        "correct",
        f"rush: {args.small_rush} people at once for a {seats}-seat workshop",
        f"{seats} confirmed, {args.small_rush - seats} waiting, 0 errors",
        f"**{booked.get('confirmed', 0)} confirmed, {booked.get('waitlisted', 0)} waiting, {small['errors']} errors**"
        f" ({small['seconds']} s)",
        booked == expected and small["errors"] == 0,
    )
    big, counted = report["rush1000"], report["rush1000"]["counted"]
    places = min(args.places, args.big_rush)
    statuses = {k: v for k, v in {"confirmed": places, "waitlisted": args.big_rush - places}.items() if v}
    exact = counted["statuses"] == statuses and counted["event_counter_ok"] and counted["session_counters_ok"]
    row(
        "correct",
        f"rush: {args.big_rush} people open the form and send it at once: counts",
        f"{places} with a place, {args.big_rush - places} waiting, counters = a recount, 0 errors",
        f"{counted['statuses']}, counters {'exact' if exact else 'WRONG'}, {big['errors']} errors",
        exact and big["errors"] == 0,
    )
    row(
        "target",
        f"rush: {args.big_rush} people open the form and send it at once: the last done after",
        f"≤ {RUSH_SECONDS} s",
        f"**{big['seconds']} s** (POST median {big['p50']:.0f} ms, p99 {big['p99']:.0f} ms)",
        big["seconds"] <= RUSH_SECONDS,
    )
    return rows


def print_details(report: dict, args) -> None:
    """The registration and check-in loads, round by round's median."""
    rounds = report["rounds"]
    say("")
    say("Registration and check-in against the ceiling (medians of the rounds)")
    header = f"{'load':<52} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} {'share of ceiling min/med/max':>29}"
    say(header)
    say("-" * len(header))
    for name, label in (("ceiling", "ceiling /bench/ceiling (wrk)"), ("py_ceiling", "ceiling (Python client)")):
        rate = statistics.median(r[name]["rate"] for r in rounds)
        say(f"{label:<52} {rate:>6.0f}")
    for name, label in LABELS.items():
        ratios = sorted(r[name]["ratio"] for r in rounds)
        rate = statistics.median(r[name]["rate"] for r in rounds)
        p50 = statistics.median(r[name]["p50"] for r in rounds)
        p99 = statistics.median(r[name]["p99"] for r in rounds)
        say(
            f"{label.replace('`', ''):<52} {rate:>6.0f} {p50:>7.1f} {p99:>7.1f} "
            f"{ratios[0]:>9.1%} {statistics.median(ratios):>9.1%} {ratios[-1]:>9.1%}"
        )
    server = report["server_ms"]
    say(
        "server's own ms per load (median / p99): "
        + ", ".join(f"{tag} {v['p50']:.0f}/{v['p99']:.0f}" for tag, v in sorted(server.items()))
    )
