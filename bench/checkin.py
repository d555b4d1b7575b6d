"""Benchmark of the desk's check-in endpoint (POST /<lang>/desk/api/checkin/) under about
20 desks scanning at once, against the server as production runs it. See bench/README.md.

    .venv/bin/python bench/checkin.py              # or: make bench
    .venv/bin/python bench/checkin.py --report-only --desks 20 --scans 100

It creates its own PostgreSQL database (wegov_bench: dropped and created fresh), migrates
it, loads the summit, registers 2,000 people through registration.services and creates
one desk-staff account per desk (bench/world.py); starts gunicorn with production
settings (DEBUG off, a SECRET_KEY, ALLOWED_HOSTS, the Redis cache, behind-a-proxy HTTPS);
logs every desk in through the log-in page (its own session and CSRF cookies); then
releases all desks at once, round after round, each scanning a ticket: mostly distinct
tickets, some repeats (also the same ticket on two desks in the same instant), unknown
codes and refused registrations, as at a real door. Latency is measured by each desk
(client side) and by gunicorn (server side). Afterwards the database must hold exactly
one check-in per admitted ticket, and the answers must add up.

Exit status: 0 when every request succeeded, every answer was right and the 99th
percentile is within the target; 1 otherwise (--report-only: the target is only
reported); 2 when the benchmark could not run. The server and the database are removed
at the end (--keep leaves the database and the logs).
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import BenchError, children, free_port, machine, run, say, stop_server, tail  # noqa: E402

WORLD = ROOT / "bench" / "world.py"
HOST = "127.0.0.1"
VENUE_ADDRESS = "203.0.113.10"  # every desk at the venue shares one public address
WARMUP_SCANS = 3  # per desk, before the measurement: every worker has served a check-in
BARRIER_TIMEOUT = 120
# The scan mix at the door, as fractions of all scans (the rest: first scans of valid tickets).
UNKNOWN_SHARE = 0.03  # codes no registration has (a ticket of another event, a typo)
REFUSED_SHARE = 0.02  # cancelled registrations, awaiting approval
REPEAT_SHARE = 0.05  # a ticket scanned again; half of them on another desk in the same instant
TYPED_CODE_SHARE = 0.05  # the registration code typed instead of the QR scanned
PICKED_SHARE = 0.03  # a person picked from the search list (sent as "registration")


def main() -> int:
    args = parse_args()
    if not re.fullmatch(r"wegov_bench[a-z0-9_]*", args.database):
        print("--database must start with 'wegov_bench' (it is dropped and created).", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="wegov-bench-"))
    env = server_environment(args, workdir)
    server = None
    database_created = False
    try:
        load = os.getloadavg()
        say(f"Database {args.database}: drop, create, migrate, load the summit, register {args.registrations}")
        run([sys.executable, WORLD, "createdb", args.database], env)
        database_created = True
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
        run([sys.executable, "manage.py", "load_summit", "--demo"], env)
        run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        plan_path = workdir / "plan.json"
        run([sys.executable, WORLD, "prepare", plan_path], env)
        plan = json.loads(plan_path.read_text())
        say(
            f"  {len(plan['registrations'])} registrations in {plan['seconds']} s; checkpoint {plan['checkpoint']} "
            f"(the summit moved {plan['shift_days']} days so that its second day is today, {plan['day']})"
        )
        schedule = build_schedule(plan, args)

        port = args.port or free_port()
        say(f"gunicorn wegov.wsgi: {args.workers} sync workers on {HOST}:{port}")
        server = start_server(args, env, workdir, port)
        wait_until_up(server, port, args.lang)

        if args.wait_quiet:
            wait_for_quiet(args.wait_quiet)
        load = os.getloadavg()
        say(
            f"{args.desks} desks log in and warm up; then {args.scans} rounds "
            f"({'all desks released at once' if args.mode == 'burst' else 'each desk at its own pace'})"
        )
        desks, cpu = run_desks(args, plan, schedule, port, env["BENCH_DESK_PASSWORD"], server.pid)
        load_after = os.getloadavg()
        stop_server(server)
        server_ms = server_durations(workdir / "access.log")
        checked_in = json.loads(run([sys.executable, WORLD, "verify", plan_path], env))
        report = build_report(args, plan, schedule, desks, server_ms, checked_in, (load, load_after), cpu)
        print_report(report, args)
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
        failed = report["errors"] or report["wrong"] or not report["database_ok"]
        if not args.report_only and report["server_ms"]["p99"] > args.target_ms:
            failed = True
        return 1 if failed else 0
    except BenchError as error:
        print(f"\nThe benchmark could not run: {error}", file=sys.stderr)
        if server is not None:
            print(tail(workdir / "error.log"), file=sys.stderr)
        return 2
    finally:
        if server is not None and server.poll() is None:
            stop_server(server)
        if database_created and not args.keep:
            subprocess.run([sys.executable, WORLD, "dropdb", args.database], env=env, cwd=ROOT, check=False)  # noqa: S603
        if args.keep:
            say(f"Kept: database {args.database}, logs and plan in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def parse_args() -> argparse.Namespace:
    cpus = os.cpu_count() or 1
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--desks", type=int, default=20, help="desks scanning at the same time (default 20)")
    parser.add_argument("--scans", type=int, default=40, help="scans per desk (default 40: 800 in all)")
    parser.add_argument("--registrations", type=int, default=2000, help="people registered (default 2000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * cpus + 1,
        help=f"gunicorn sync workers (default 2 x CPUs + 1 = {2 * cpus + 1})",
    )
    parser.add_argument(
        "--mode",
        choices=["burst", "free"],
        default="free",
        help="free: each desk scans again --think seconds after its answer, as at a door (default);\n"
        "burst: each round releases every desk at the same instant (the worst case)",
    )
    parser.add_argument(
        "--think",
        type=float,
        default=2.0,
        help="free mode: seconds a desk waits after an answer, the next person stepping up (default 2)",
    )
    parser.add_argument(
        "--target-ms", type=float, default=50.0, help="the server's 99th percentile to meet (default 50 ms)"
    )
    parser.add_argument("--report-only", action="store_true", help="report the target, do not fail on it")
    parser.add_argument("--database", default="wegov_bench", help="database to create and drop (wegov_bench*)")
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server (default: local)"
    )
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/13",
        help="cache, as REDIS_URL (default: local Redis, database 13); '' for per-process memory",
    )
    parser.add_argument("--lang", choices=["ko", "en"], default="ko", help="language of the desk's URLs")
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn (default: a free one)")
    parser.add_argument("--seed", type=int, default=2010, help="random seed of the people and the scan order")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before measuring, wait up to this long for the CPUs to be 80%% idle (a shared machine)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs afterwards")
    args = parser.parse_args()
    if args.desks < 2 or args.scans < 1 or args.registrations < 10 or args.workers < 1:
        parser.error("need at least 2 desks, 1 scan, 10 registrations and 1 worker")
    return args


def server_environment(args, workdir: Path) -> dict:
    """Production settings (see .env.example), pointing at the benchmark's database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "WEGOV_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        WEGOV_BENCH_STATIC_ROOT=str(workdir / "static"),
        WEGOV_BENCH_SERVER=f"{args.postgres}/postgres",
        DEBUG="false",
        PRODUCTION="true",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=f"{HOST},localhost",
        CSRF_TRUSTED_ORIGINS="",
        # As behind the TLS-terminating proxy of production: X-Forwarded-Proto makes the
        # requests HTTPS (secure cookies, strict CSRF referer checks).
        BEHIND_PROXY="true",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=f"{args.postgres}/{args.database}",
        DATABASE_CONN_MAX_AGE="60",
        REDIS_URL=args.redis_url,
        SITE_URL=f"https://{HOST}",
        # No mail is sent: registering queues it, the outbox worker does not run.
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        OUTBOX_SEND_ON_COMMIT="false",
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
        BENCH_REGISTRATIONS=str(args.registrations),
        BENCH_DESKS=str(args.desks),
        BENCH_SEED=str(args.seed),
        BENCH_DESK_PASSWORD=secrets.token_urlsafe(18),
    )
    return env


# The scan schedule ---------------------------------------------------------------------------


def build_schedule(plan: dict, args) -> dict:
    """What each desk scans, round by round, and what the answers must add up to.

    Each item is the JSON body (without checkpoint and device) and the answers it may
    get: a ticket's first scan is "ok" (or "already" when its twin on another desk won
    the race), a repeat "already", an unknown code or a refused registration "refused".
    """
    rng = random.Random(args.seed)
    registrations = plan["registrations"]
    admitted = [r for r in registrations if r["status"] == "confirmed"]
    refused = [r for r in registrations if r["status"] in {"cancelled", "pending", "rejected", "waitlisted"}]
    rng.shuffle(admitted)
    total = args.desks * args.scans
    n_unknown = round(total * UNKNOWN_SHARE)
    n_refused = min(len(refused), round(total * REFUSED_SHARE))
    n_repeat = round(total * REPEAT_SHARE)
    n_first = total - n_unknown - n_refused - n_repeat
    warm, pool = admitted[: args.desks * WARMUP_SCANS], admitted[args.desks * WARMUP_SCANS :]
    if n_first > len(pool):
        raise BenchError(
            f"{total} scans need {n_first + len(warm)} admitted registrations, there are {len(admitted)}: "
            "raise --registrations or lower --scans"
        )
    items = []
    for i, person in enumerate(pool[:n_first]):
        share = (i % 100) / 100
        if share < TYPED_CODE_SHARE:  # typed by hand: lower case, a dash in the middle
            body = {"ticket": f"{person['code'][:4].lower()}-{person['code'][4:].lower()}"}
        elif share < TYPED_CODE_SHARE + PICKED_SHARE:
            body = {"registration": person["code"]}
        else:
            body = {"ticket": person["ticket"]}
        items.append({"kind": "first", "body": body, "code": person["code"]})
    codes = {r["code"] for r in registrations}
    for i in range(n_unknown):
        if i % 2:
            text = secrets.token_urlsafe(24)
        else:
            text = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))
            if text in codes:
                text = secrets.token_urlsafe(24)
        items.append({"kind": "unknown", "body": {"ticket": text}, "code": None})
    for person in rng.sample(refused, n_refused):
        items.append({"kind": "refused", "body": {"ticket": person["ticket"]}, "code": person["code"]})
    firsts = [item for item in items if item["kind"] == "first"]
    for _ in range(n_repeat):
        original = rng.choice(firsts)
        items.append({"kind": "repeat", "body": {"ticket": original["body"].get("ticket") or original["code"]}})
        items[-1]["code"] = original["code"]
    rng.shuffle(items)
    rounds = [items[r * args.desks : (r + 1) * args.desks] for r in range(args.scans)]
    # Half the repeats become the same ticket on two desks in the same instant (the race
    # the partial unique constraint settles): point them at a first scan of their round.
    twins = 0
    for round_items in rounds:
        for item in round_items:
            if item["kind"] == "repeat" and twins < n_repeat // 2:
                in_round = [other for other in round_items if other["kind"] == "first"]
                if in_round:
                    original = rng.choice(in_round)
                    item.update(kind="twin", code=original["code"], body=dict(original["body"]))
                    twins += 1
    by_desk = [[round_items[d] for round_items in rounds] for d in range(args.desks)]
    admitted_scans = [item["code"] for item in items if item["kind"] in {"first", "repeat", "twin"}]
    distinct = set(admitted_scans)
    return {
        "by_desk": by_desk,
        "warm": [[{"ticket": p["ticket"]} for p in warm[d :: args.desks]] for d in range(args.desks)],
        "warm_codes": [p["code"] for p in warm],
        "mix": Counter(item["kind"] for item in items),
        "expected": {
            "ok": len(distinct),
            "already": len(admitted_scans) - len(distinct),
            "refused": n_unknown + n_refused,
        },
        "admitted_codes": sorted(distinct),
        "refused_codes": sorted(item["code"] for item in items if item["kind"] == "refused"),
    }


# The server --------------------------------------------------------------------------------


def start_server(args, env: dict, workdir: Path, port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "wegov.wsgi",
        "--workers",
        str(args.workers),
        "--bind",
        f"{HOST}:{port}",
        # Server-side time of each request (microseconds) and whether it is measured.
        "--access-logfile",
        str(workdir / "access.log"),
        "--access-logformat",
        "%(m)s %(U)s %(s)s %(D)s %(p)s %({x-bench}i)s",
        "--error-logfile",
        str(workdir / "error.log"),
        "--no-control-socket",  # not the shared ~/.gunicorn/gunicorn.ctl of another server
    ]
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603


def wait_until_up(server: subprocess.Popen, port: int, lang: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn stopped (exit status {server.returncode})")
        try:
            status, _, _ = Desk(port, lang, "", "", "").request("GET", f"/{lang}/desk/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError("gunicorn did not answer within 60 s")


def server_durations(access_log: Path) -> list[float]:
    """Milliseconds gunicorn spent on each measured check-in (from its access log)."""
    durations = []
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 6 and parts[0] == "POST" and parts[5] == "measure":
            durations.append(int(parts[3]) / 1000)
    return durations


# The desks ---------------------------------------------------------------------------------


class Desk:
    """One desk's browser: its own cookies (session, CSRF), a new connection per request
    (gunicorn's sync workers close each one), headers as the desk's JavaScript sends
    them behind the production proxy."""

    def __init__(self, port: int, lang: str, username: str, password: str, checkpoint: str):
        self.port, self.lang = port, lang
        self.username, self.password, self.checkpoint = username, password, checkpoint
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.desk_page = f"/{lang}/desk/checkpoint/{checkpoint}/"

    def request(self, method: str, path: str, body: bytes | None = None, headers=None, tag: str = ""):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            sent = {
                "Host": f"{HOST}:{self.port}",
                "User-Agent": "wegov-bench",
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": VENUE_ADDRESS,
            }
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
                    if morsel.value and morsel["max-age"] != "0":
                        self.cookies[name] = morsel.value
                    else:
                        self.cookies.pop(name, None)
            return response.status, response.headers, data
        finally:
            connection.close()

    def log_in(self) -> None:
        login = f"/{self.lang}/desk/login/"
        status, _, page = self.request("GET", login)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or token is None or "csrftoken" not in self.cookies:
            raise BenchError(f"{self.username}: no log-in form (HTTP {status})")
        form = {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": self.username,
            "password": self.password,
            "next": self.desk_page,
        }
        status, headers, _ = self.request(
            "POST",
            login,
            urlencode(form).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + login,
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"{self.username}: log-in failed (HTTP {status}, to {headers.get('Location')})")
        status, _, _ = self.request("GET", self.desk_page)
        if status != 200:
            raise BenchError(f"{self.username}: the desk page answered HTTP {status}")

    def check_in(self, body: dict, tag: str = ""):
        payload = json.dumps({"checkpoint": self.checkpoint, "device": f"{self.username} tablet", **body})
        return self.request(
            "POST",
            f"/{self.lang}/desk/api/checkin/",
            payload.encode(),
            {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
                "Origin": self.origin,
                "Referer": self.origin + self.desk_page,
            },
            tag,
        )


def desk_main(number: int, config: dict, items: list, warm: list, ready, barrier, results) -> None:
    """One desk (a process of its own, so that desks do not share an interpreter lock):
    log in, warm up, then scan its items, one per round."""
    desk = Desk(config["port"], config["lang"], config["username"], config["password"], config["checkpoint"])
    samples = []
    try:
        desk.log_in()
        for body in warm:
            desk.check_in(body, tag="warm")
        rng = random.Random(config["seed"] * 1000 + number)
        ready.wait(BARRIER_TIMEOUT)  # every desk logged in and warmed up, the server's CPU clock read
        cpu = time.process_time()
        for item in items:
            if config["mode"] == "burst":
                barrier.wait(BARRIER_TIMEOUT)  # released together
            started = time.perf_counter()
            try:
                status, _, data = desk.check_in(item["body"], tag="measure")
                error = "" if status == 200 else f"HTTP {status}"
            except OSError as exc:
                status, data, error = 0, b"", f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - started
            answer = {}
            if not error:
                try:
                    answer = json.loads(data)
                except ValueError:
                    error = "not JSON"
            samples.append(
                {
                    "started": started,
                    "ms": elapsed * 1000,
                    "kind": item["kind"],
                    "error": error,
                    "result": answer.get("result"),
                    "reason": answer.get("reason"),
                    "code": (answer.get("attendee") or {}).get("code"),
                    "expected_code": item["code"],
                }
            )
            if config["think"]:
                time.sleep(config["think"] * rng.uniform(0.5, 1.5))
        results.put({"desk": number, "samples": samples, "cpu": time.process_time() - cpu})
    except Exception as exc:  # report it; the other desks stop at the next barrier
        ready.abort()
        barrier.abort()
        results.put({"desk": number, "error": f"{type(exc).__name__}: {exc}", "samples": samples})


def run_desks(args, plan: dict, schedule: dict, port: int, password: str, server_pid: int):
    """Run the desks; their samples, and the CPU seconds the server's workers and the
    database's backends spent while the desks were measured."""
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(args.desks + 1)
    barrier = context.Barrier(args.desks)
    results = context.Queue()
    processes = []
    for number, username in enumerate(plan["desks"]):
        config = {
            "port": port,
            "lang": args.lang,
            "username": username,
            "password": password,
            "checkpoint": plan["checkpoint"],
            "mode": args.mode,
            "think": args.think if args.mode == "free" else 0.0,
            "seed": args.seed,
        }
        process = context.Process(
            target=desk_main,
            args=(number, config, schedule["by_desk"][number], schedule["warm"][number], ready, barrier, results),
        )
        process.start()
        processes.append(process)
    desks, meter, cpu = [], None, {}
    try:
        try:
            ready.wait(BARRIER_TIMEOUT * 2)
        except threading.BrokenBarrierError:
            pass  # a desk failed: its error is in the results
        meter = CpuMeter(server_pid, args.database)
        for _ in processes:
            desks.append(results.get(timeout=BARRIER_TIMEOUT * (args.scans + 2)))
    finally:
        if meter is not None:
            cpu = meter.stop()
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
                process.join()
    failures = [desk for desk in desks if "error" in desk]
    if failures:
        raise BenchError("; ".join(f"desk {desk['desk'] + 1}: {desk['error']}" for desk in failures[:5]))
    cpu["desks"] = sum(desk["cpu"] for desk in desks)
    # What other processes took from the CPUs meanwhile (another test suite on a shared machine).
    cpu["others"] = max(0.0, cpu.pop("machine") - cpu["gunicorn"] - cpu["postgres"] - cpu["desks"])
    return desks, cpu


class CpuMeter:
    """CPU seconds (user + system) that gunicorn's workers and the PostgreSQL backends of
    the benchmark's database use from now until stop(), and the machine's busy time (Linux
    /proc). Sampled twice a second, so that a database connection replaced during the run
    (DATABASE_CONN_MAX_AGE) is counted too: a process born during the run counts in full."""

    def __init__(self, master_pid: int, database: str):
        self.master_pid, self.database = master_pid, database
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.kind: dict[int, str | None] = {}
        # The backends' parent (the postmaster): later samples only look at its children.
        self.postmaster = None
        self.started = False
        self.sample([int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()])
        self.started = True
        self.machine = machine_busy()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stopping.wait(0.5):
            self.sample()

    def sample(self, pids: list[int] | None = None) -> None:
        if pids is None:
            pids = children(self.master_pid) + (children(self.postmaster) if self.postmaster else [])
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                if pid not in self.kind:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                    if int(fields[1]) == self.master_pid:
                        self.kind[pid] = "gunicorn"
                    elif cmdline.startswith("postgres:") and f" {self.database} " in cmdline:
                        self.kind[pid] = "postgres"
                        self.postmaster = int(fields[1])
                    elif cmdline.startswith("postgres:") or int(fields[1]) != self.postmaster:
                        self.kind[pid] = None  # not ours (a backend only names its database once it has one)
            except OSError:
                continue
            if self.kind.get(pid) is None:
                continue
            used = (int(fields[11]) + int(fields[12])) / self.ticks
            self.first.setdefault(pid, used if not self.started else 0.0)
            self.last[pid] = used

    def stop(self) -> dict:
        self.stopping.set()
        self.thread.join()
        self.sample()
        totals = {"gunicorn": 0.0, "postgres": 0.0, "machine": machine_busy() - self.machine}
        for pid, used in self.last.items():
            totals[self.kind[pid]] += used - self.first[pid]
        return totals


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all CPUs; not idle, not waiting for I/O)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(seconds: float) -> None:
    """Wait (up to `seconds`) until the machine's CPUs are at least 80 % idle over 5 s."""
    deadline = time.monotonic() + seconds
    cpus = os.cpu_count() or 1
    while True:
        before = machine_busy()
        time.sleep(5)
        busy = (machine_busy() - before) / 5 / cpus
        if busy < 0.2:
            return
        if time.monotonic() >= deadline:
            say(f"  the machine is still {busy:.0%} busy after {seconds:.0f} s: measuring anyway")
            return


# The report --------------------------------------------------------------------------------


def percentiles(values: list[float]) -> dict:
    if not values:
        return dict.fromkeys(("mean", "median", "p90", "p99", "max"), 0.0)
    cuts = statistics.quantiles(values, n=100, method="inclusive") if len(values) > 1 else [values[0]] * 99
    return {
        "mean": statistics.fmean(values),
        "median": statistics.median(values),
        "p90": cuts[89],
        "p99": cuts[98],
        "max": max(values),
    }


def build_report(args, plan, schedule, desks, server_ms, checked_in, loads, cpu) -> dict:
    samples = [sample for desk in desks for sample in desk["samples"]]
    ok_samples = [s for s in samples if not s["error"]]
    first = min(s["started"] for s in samples)
    last = max(s["started"] + s["ms"] / 1000 for s in samples)
    results = Counter(s["result"] for s in ok_samples)
    allowed = {
        "first": {"ok", "already"},
        "twin": {"ok", "already"},
        "repeat": {"ok", "already"},
        "unknown": {"refused"},
        "refused": {"refused"},
    }
    wrong = [
        s
        for s in ok_samples
        if s["result"] not in allowed[s["kind"]]
        or (s["kind"] == "unknown" and s["reason"] != "unknown")
        or (s["kind"] == "refused" and s["reason"] not in {"cancelled", "pending", "rejected", "waitlisted"})
        or (s["kind"] != "unknown" and s["code"] != s["expected_code"])
    ]
    live = checked_in["live"]
    expected_once = set(schedule["admitted_codes"]) | set(schedule["warm_codes"])
    database = {
        "tickets_checked_in": len(live),
        "expected": len(expected_once),
        "more_than_once": sorted(code for code, n in live.items() if n != 1),
        "missing": sorted(expected_once - live.keys()),
        "unexpected": sorted(live.keys() - expected_once),
    }
    answers_ok = all(results.get(key, 0) == value for key, value in schedule["expected"].items())
    return {
        "machine": machine(),
        "server": f"gunicorn {gunicorn_version()} wegov.wsgi, {args.workers} sync workers, DEBUG off, "
        f"cache {'Redis' if args.redis_url else 'per-process memory'}, PostgreSQL {checked_in.get('postgres', '?')}",
        "load_average": {"before": loads[0], "after": loads[1]},
        "workload": {
            "desks": args.desks,
            "scans_per_desk": args.scans,
            "mode": args.mode,
            "think_s": args.think if args.mode == "free" else 0.0,
            "registrations": len(plan["registrations"]),
            "checkpoint": plan["checkpoint"],
            "mix": dict(schedule["mix"]),
        },
        "requests": len(samples),
        "errors": len(samples) - len(ok_samples),
        "error_examples": sorted({s["error"] for s in samples if s["error"]})[:5],
        "seconds": last - first,
        "throughput": len(samples) / (last - first) if last > first else 0.0,
        "client_ms": percentiles([s["ms"] for s in samples]),
        "server_ms": percentiles(server_ms),
        "server_samples": len(server_ms),
        "answers": dict(results),
        "expected_answers": schedule["expected"],
        "answers_ok": answers_ok,
        "wrong": len(wrong) + (0 if answers_ok else 1),
        "wrong_examples": [{k: s[k] for k in ("kind", "result", "reason")} for s in wrong[:5]],
        "cpu_ms_per_checkin": {key: cpu[key] * 1000 / len(samples) for key in ("gunicorn", "postgres", "desks")},
        "others_cpu_share": cpu["others"] / max(last - first, 1e-9) / (os.cpu_count() or 1),
        "cpus": os.cpu_count() or 1,
        "database": database,
        "database_ok": not (database["more_than_once"] or database["missing"] or database["unexpected"]),
        "target_ms": args.target_ms,
    }


def gunicorn_version() -> str:
    try:
        import gunicorn

        return gunicorn.__version__
    except ImportError:
        return "?"


def print_report(report: dict, args) -> None:
    c, s = report["client_ms"], report["server_ms"]
    w = report["workload"]
    mix = w["mix"]
    verdict = "PASS" if s["p99"] <= report["target_ms"] else "FAIL"
    if args.report_only and verdict == "FAIL":
        verdict = "MISSED (--report-only)"
    db = report["database"]
    lines = [
        "",
        f"Check-in benchmark: POST /{args.lang}/desk/api/checkin/",
        f"  machine     {report['machine']}",
        f"  server      {report['server']}",
        f"  load avg    {' / '.join(f'{x:.2f}' for x in report['load_average']['before'])} before, "
        f"{' / '.join(f'{x:.2f}' for x in report['load_average']['after'])} after (1/5/15 min); "
        f"other processes used {report['others_cpu_share']:.0%} of the CPUs during the run",
        f"  workload    {w['desks']} desks x {w['scans_per_desk']} scans at {w['checkpoint']}, "
        + ("all desks released at once each round" if w["mode"] == "burst" else "each desk at its own pace")
        + (f", {w['think_s']} s between scans" if w["think_s"] else ""),
        f"              {w['registrations']} registrations; scans: {mix.get('first', 0)} first, "
        f"{mix.get('repeat', 0) + mix.get('twin', 0)} repeats ({mix.get('twin', 0)} on two desks at once), "
        f"{mix.get('unknown', 0)} unknown codes, {mix.get('refused', 0)} refused registrations",
        "",
        f"  requests    {report['requests']}   errors {report['errors']}"
        + (f" ({'; '.join(report['error_examples'])})" if report["errors"] else ""),
        f"  throughput  {report['throughput']:.0f} check-ins/s over {report['seconds']:.1f} s",
        "  latency ms      median     p90     p99     max    mean",
        "    client      " + "".join(f"{c[k]:8.1f}" for k in ("median", "p90", "p99", "max", "mean")),
        "    server      "
        + "".join(f"{s[k]:8.1f}" for k in ("median", "p90", "p99", "max", "mean"))
        + "   (gunicorn's own time, without the wait for a free worker)",
        "  cpu ms per check-in   "
        + ", ".join(f"{key} {value:.1f}" for key, value in report["cpu_ms_per_checkin"].items())
        + f"  (all at once on {report['cpus']} CPUs: the last of {w['desks']} answers after "
        f"~{sum(report['cpu_ms_per_checkin'].values()) * w['desks'] / report['cpus']:.0f} ms)",
        "",
        "  answers     "
        + ", ".join(f"{k} {report['answers'].get(k, 0)} (expected {v})" for k, v in report["expected_answers"].items())
        + ("" if report["answers_ok"] else "   WRONG"),
        f"  database    {db['tickets_checked_in']} tickets checked in, expected {db['expected']}, each exactly once: "
        + ("yes" if report["database_ok"] else f"NO {db}"),
    ]
    if report["wrong"] and report["wrong_examples"]:
        lines.append(f"  wrong answers, e.g. {report['wrong_examples']}")
    lines.append(f"  target      server p99 <= {report['target_ms']:.0f} ms: {verdict}")
    if report["others_cpu_share"] > 0.1:
        lines.append(
            f"  note        other processes used {report['others_cpu_share']:.0%} of the CPUs during the run: "
            "the figures are pessimistic (--wait-quiet waits for a quiet machine)"
        )
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
