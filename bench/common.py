"""Helpers shared by the benchmarks that drive gunicorn over HTTP (bench/pages.py and
bench/rush.py; bench/checkin.py in part): the benchmark's database and production-like
environment, gunicorn started and stopped, `wrk` runs, the workers' memory, the
machine's description.

Nothing here sends traffic anywhere but 127.0.0.1."""

import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORLD = ROOT / "bench" / "world.py"
HOST = "127.0.0.1"
WRK = "/usr/bin/wrk"


class BenchError(Exception):
    """The benchmark could not run (exit status 2)."""


def say(message: str) -> None:
    print(message, flush=True)


def run(command: list, env: dict) -> str:
    """Run a set-up step in the benchmark's environment; its output, or BenchError."""
    result = subprocess.run(  # noqa: S603
        [str(part) for part in command], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"{' '.join(map(str, command[1:]))} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def production_environment(*, postgres: str, database: str, redis_url: str, workdir: Path) -> dict:
    """Production settings (see .env.example) over the benchmark's database and Redis, with
    the benchmark's settings module (bench/settings.py: the ceiling view, static files in
    `workdir`)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "WEGOV_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        WEGOV_BENCH_STATIC_ROOT=str(workdir / "static"),
        WEGOV_BENCH_SERVER=f"{postgres}/postgres",
        DEBUG="false",
        PRODUCTION="true",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=f"{HOST},localhost",
        CSRF_TRUSTED_ORIGINS="",
        # As behind production's TLS proxy: requests carry X-Forwarded-Proto: https.
        BEHIND_PROXY="true",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=f"{postgres}/{database}",
        DATABASE_CONN_MAX_AGE="60",
        REDIS_URL=redis_url,
        SITE_URL=f"https://{HOST}",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        OUTBOX_SEND_ON_COMMIT="false",
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
    )
    return env


def new_workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="wegov-bench-"))


def prepare_database(env: dict, database: str, workdir: Path) -> dict:
    """Drop and create `database`, migrate, load the summit, collect the static files and
    register the people (bench/world.py prepare); the plan world.py wrote."""
    run([sys.executable, WORLD, "createdb", database], env)
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    run([sys.executable, "manage.py", "load_summit", "--demo"], env)
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    plan_path = workdir / "plan.json"
    run([sys.executable, WORLD, "prepare", plan_path], env)
    return json.loads(plan_path.read_text())


def drop_database(env: dict, database: str) -> None:
    subprocess.run([sys.executable, WORLD, "dropdb", database], env=env, cwd=ROOT, check=False)  # noqa: S603


def flush_redis(url: str) -> None:
    """Empty the benchmark's own Redis database (only the one numbered in `url`)."""
    if not url:
        return
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, workdir: Path, port: int, workers: int, access_log_format: str = "") -> subprocess.Popen:
    """gunicorn in the benchmark's environment; with `access_log_format`, an access log
    (workdir/access.log) in that format."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "wegov.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--error-logfile",
        str(workdir / "error.log"),
        "--no-control-socket",  # not the shared ~/.gunicorn/gunicorn.ctl of another server
    ]
    if access_log_format:
        command += ["--access-logfile", str(workdir / "access.log"), "--access-logformat", access_log_format]
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603


def wait_until_up(server: subprocess.Popen, port: int, path: str) -> None:
    import http.client

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn stopped (exit status {server.returncode})")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError("gunicorn did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop: the workers finish and exit
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def peak_rss_mib(pids: list[int]) -> list[float]:
    """Each process's peak resident memory (VmHWM), in MiB."""
    peaks = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return peaks


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text().splitlines()[-lines:])
    except OSError:
        return ""


# wrk -----------------------------------------------------------------------------------

# wrk's report as one JSON line (its own text report rounds and changes units).
WRK_SCRIPT = """
wrk.headers["X-Forwarded-Proto"] = "https"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def wrk_script(workdir: Path) -> Path:
    path = workdir / "report.lua"
    path.write_text(WRK_SCRIPT)
    return path


def wrk(port: int, path: str, *, seconds: int, connections: int, script: Path) -> dict:
    """Drive http://127.0.0.1:<port><path> for `seconds`; requests per second, median and
    99th percentile (ms), and the errors wrk saw (non-2xx/3xx answers count as errors)."""
    if not path.startswith("/"):
        raise ValueError(path)
    command = [
        WRK,
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "5s",
        "--script",
        str(script),
        f"http://{HOST}:{port}{path}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 30)  # noqa: S603
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise BenchError(f"wrk failed on {path}:\n{result.stdout}{result.stderr}")
    raw = json.loads(lines[-1])
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "requests": raw["requests"],
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": errors,
        "bytes_per_request": raw["bytes"] / max(raw["requests"], 1),
    }


def spread(values: list[float]) -> dict:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cpus = os.cpu_count()
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{cpus} CPUs{f' ({model})' if model else ''}, {system}"
