"""`make serve` and `make stop`: the production configuration on one machine.

    python deploy/serve.py          # prepare, then run gunicorn and the outbox worker until stopped
    python deploy/serve.py stop     # from any shell: stop both (what `make stop` runs)

`serve` forces DEBUG=false and fills in what the environment leaves unset (see
DEFAULTS and serving_environment), creates the PostgreSQL database if it is missing,
migrates, collects the static files, loads the 2010 summit when the database has no
event yet, then starts gunicorn (deploy/gunicorn.conf.py) and `manage.py send_outbox`
side by side, in the foreground. Ctrl-C, SIGTERM or `serve.py stop` stop both
gracefully; if either one ends by itself, the other is stopped too and the exit
status is 1. Process ids are kept in run/ (git-ignored): serve.pid (this supervisor),
gunicorn.pid and outbox.pid.
"""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "run"
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
SECRET_KEY_FILE = RUN / "secret-key"
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

# What this machine offers when the environment does not say otherwise.
DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wegov",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "HOST": "127.0.0.1",
    "PORT": "8000",
}
STOP_WAIT = 45  # seconds: gunicorn's graceful_timeout (30) and the outbox pass in progress


def say(message: str) -> None:
    print(f"serve: {message}", flush=True)


# The environment -------------------------------------------------------------------------


def serving_environment(environ: dict[str, str]) -> dict[str, str]:
    """The environment gunicorn and the worker get: DEBUG is always false; unset
    variables take this machine's defaults. Plain http on this machine cannot carry
    secure cookies (the browser would drop them and log-in would fail), so unless a
    TLS proxy is in front (BEHIND_PROXY=true) SECURE_COOKIES defaults to false.
    A variable set to the empty string counts as set (REDIS_URL= means no Redis)."""
    env = {**DEFAULTS, **environ, "DEBUG": "false"}
    behind_proxy = env.get("BEHIND_PROXY", "").strip().lower() in {"1", "true", "yes", "on"}
    env.setdefault("SECURE_COOKIES", "true" if behind_proxy else "false")
    env.setdefault("SITE_URL", f"http://{env['HOST']}:{env['PORT']}")
    env.setdefault("DJANGO_SETTINGS_MODULE", "wegov.settings")
    return env


def secret_key(path: Path = SECRET_KEY_FILE) -> str:
    """A SECRET_KEY kept in `path` (git-ignored, readable by its owner only), made on
    first use, so that a restart keeps people logged in. A real server sets SECRET_KEY."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if len(key) < 50:
        key = secrets.token_urlsafe(64)
        path.parent.mkdir(exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(key + "\n")
        say(f"SECRET_KEY is not set: generated one into {path.relative_to(ROOT)} (kept for the next start)")
    return key


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` when the server has none by that name."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    connect = {
        "dbname": "postgres",
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "connect_timeout": 5,
    }
    try:
        connection = psycopg2.connect(**{key: value for key, value in connect.items() if value is not None})
    except psycopg2.Error as exc:
        raise SystemExit(
            f"serve: cannot reach PostgreSQL for {config['NAME']!r} at {config.get('HOST')}:{config.get('PORT')}: "
            f"{str(exc).strip()}\nStart PostgreSQL, or set DATABASE_URL (see .env.example)."
        ) from None
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
                say(f"created the PostgreSQL database {config['NAME']!r}")
    finally:
        connection.close()


# Preparing ---------------------------------------------------------------------------------

HAS_EVENT = (
    "import django, sys; django.setup(); from events.models import Event; sys.exit(0 if Event.objects.exists() else 3)"
)


def manage(env: dict, *args: str) -> None:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(f"serve: `manage.py {' '.join(args)}` failed (exit status {result.returncode}); see above")


def prepare(env: dict) -> None:
    ensure_database(env["DATABASE_URL"])
    say("migrate")
    manage(env, "migrate", "--noinput", "-v", "0")
    say("collectstatic")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    has_event = subprocess.run([PYTHON, "-c", HAS_EVENT], cwd=ROOT, env=env, check=False)  # noqa: S603
    if has_event.returncode == 3:
        say("the database has no event yet: loading the 2010 summit")
        manage(env, "load_summit")
    elif has_event.returncode != 0:
        raise SystemExit("serve: could not read the events from the database (see above)")


# Running -----------------------------------------------------------------------------------


def pid_file(name: str) -> Path:
    return RUN / f"{name}.pid"


def running_pid(name: str, marker: str) -> int | None:
    """The pid in run/<name>.pid if that process still runs and its command line
    contains `marker` (so a pid reused by another program is never signalled)."""
    try:
        pid = int(pid_file(name).read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid if marker in command else None


PROCESSES = {"serve": "deploy/serve.py", "gunicorn": "gunicorn", "outbox": "send_outbox"}


COMMANDS = {
    "gunicorn": [GUNICORN, "-c", str(GUNICORN_CONFIG), "wegov.wsgi"],
    "outbox": [PYTHON, "manage.py", "send_outbox"],
}


class Supervisor:
    """gunicorn and the outbox worker, each in its own session (so Ctrl-C reaches only
    this process, which stops both gracefully with SIGTERM)."""

    def __init__(self, env: dict, commands: dict[str, list[str]] | None = None):
        self.env = env
        self.commands = commands or COMMANDS
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self) -> None:
        for name, command in self.commands.items():
            child = subprocess.Popen(command, cwd=ROOT, env=self.env, start_new_session=True)  # noqa: S603
            self.children[name] = child
            pid_file(name).write_text(f"{child.pid}\n")
            say(f"{name} started (pid {child.pid})")

    def request_stop(self, signum=None, frame=None) -> None:
        self.stopping = True

    def wait(self) -> int:
        """Until a stop is asked for or a child ends; then stop the rest. The exit status."""
        while not self.stopping:
            ended = [name for name, child in self.children.items() if child.poll() is not None]
            if ended:
                for name in ended:
                    say(f"{name} ended by itself (exit status {self.children[name].returncode}): stopping the rest")
                self.stop()
                return 1
            time.sleep(0.2)
        self.stop()
        return 0

    def stop(self) -> None:
        for name, child in self.children.items():
            if child.poll() is None:
                say(f"stopping {name} (pid {child.pid})")
                child.terminate()
            else:  # gone: whatever it left behind in its session (gunicorn's workers) goes too
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT
        for name, child in self.children.items():
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop within {STOP_WAIT} s: killed")
                child.kill()
                child.wait()
            pid_file(name).unlink(missing_ok=True)
        say("stopped")


def wait_until_healthy(env: dict, supervisor: Supervisor, seconds: float = 60) -> None:
    url = f"http://{env['HOST']}:{env['PORT']}/healthz"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not supervisor.stopping:
        if any(child.poll() is not None for child in supervisor.children.values()):
            return
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # our own server
                say(f"{url}: {response.read().decode()}")
                return
        except urllib.error.HTTPError as error:  # 503: up, but the database or the cache is not
            say(f"{url}: HTTP {error.code} {error.read().decode()}")
            return
        except OSError:
            time.sleep(0.3)


def serve() -> int:
    RUN.mkdir(exist_ok=True)
    if pid := running_pid("serve", PROCESSES["serve"]):
        raise SystemExit(f"serve: already running (pid {pid}); stop it with `make stop`")
    env = serving_environment(dict(os.environ))
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = secret_key()
    say(
        f"DEBUG=false, DATABASE_URL={_without_password(env['DATABASE_URL'])}, "
        f"REDIS_URL={_without_password(env['REDIS_URL']) or '(none)'}, ALLOWED_HOSTS={env['ALLOWED_HOSTS']}, "
        f"SECURE_COOKIES={env['SECURE_COOKIES']}"
    )
    pid_file("serve").write_text(f"{os.getpid()}\n")  # `make stop` during the preparation ends it too
    supervisor = Supervisor(env)
    try:
        prepare(env)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, supervisor.request_stop)
        supervisor.start()
        wait_until_healthy(env, supervisor)
        if not supervisor.stopping:
            say(f"serving http://{env['HOST']}:{env['PORT']}/ ; Ctrl-C or `make stop` stops gunicorn and the worker")
        return supervisor.wait()
    finally:
        if any(child.poll() is None for child in supervisor.children.values()):
            supervisor.stop()
        pid_file("serve").unlink(missing_ok=True)


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{host}"


# Stopping ----------------------------------------------------------------------------------


def stop() -> int:
    """Ask the supervisor to stop both; if it is gone, stop what it left running."""
    if pid := running_pid("serve", PROCESSES["serve"]):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT + 5
        while running_pid("serve", PROCESSES["serve"]) and time.monotonic() < deadline:
            time.sleep(0.2)
        if running_pid("serve", PROCESSES["serve"]):
            say(f"make serve (pid {pid}) is still stopping after {STOP_WAIT + 5} s")
            return 1
        say(f"stopped make serve (pid {pid}), gunicorn and the outbox worker")
        return 0
    stopped = []
    for name in ("gunicorn", "outbox"):
        if pid := running_pid(name, PROCESSES[name]):
            os.kill(pid, signal.SIGTERM)
            stopped.append((name, pid))
    for name, pid in stopped:
        deadline = time.monotonic() + STOP_WAIT
        while running_pid(name, PROCESSES[name]) and time.monotonic() < deadline:
            time.sleep(0.2)
        pid_file(name).unlink(missing_ok=True)
        say(f"stopped {name} (pid {pid})")
    if not stopped:
        say("nothing to stop: make serve is not running")
    return 0


def main(argv: list[str]) -> int:
    if argv == ["stop"]:
        return stop()
    if argv:
        raise SystemExit(__doc__)
    return serve()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
