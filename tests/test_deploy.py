"""Production as documented: `check --deploy` with .env.example's values, gunicorn's
configuration (deploy/gunicorn.conf.py), `make serve`'s environment (deploy/serve.py),
and a real gunicorn with DEBUG off answering /healthz and serving an uploaded image."""

import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.test_settings import SETTINGS_VARIABLES

BASE_DIR = Path(settings.BASE_DIR)
ENV_EXAMPLE = BASE_DIR / ".env.example"
GUNICORN_CONFIG = BASE_DIR / "deploy" / "gunicorn.conf.py"
SERVE = BASE_DIR / "deploy" / "serve.py"
# What the settings, gunicorn's configuration and serve.py read; a subprocess starts with none of
# them (nor with the e2e tests' DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly warns about).
DEPLOY_VARIABLES = SETTINGS_VARIABLES | {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "HOST",
    "PORT",
    "WEB_CONCURRENCY",
}


def documented_environment() -> dict[str, str]:
    """The KEY=value lines of .env.example, exactly as written (comments skipped)."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, separator, value = line.partition("=")
            assert separator, f".env.example: not KEY=value: {line!r}"
            values[name.strip()] = value
    return values


def clean_environment(**variables: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in DEPLOY_VARIABLES | set(variables)}
    return env | {"DJANGO_SETTINGS_MODULE": "wegov.settings", **variables}


def check_deploy(**variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def new_secret_key() -> str:
    return secrets.token_urlsafe(64)


# check --deploy ------------------------------------------------------------------------------


def test_env_example_documents_production_values():
    documented = documented_environment()

    assert documented["DEBUG"] == "false"
    assert documented["SECRET_KEY"] == ""  # never a real key in the repository
    assert {name: documented[name] for name in ("BEHIND_PROXY", "SECURE_SSL_REDIRECT", "SECURE_COOKIES")} == {
        "BEHIND_PROXY": "true",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_COOKIES": "true",
    }
    assert int(documented["SECURE_HSTS_SECONDS"]) >= 31536000


def test_check_deploy_passes_with_the_documented_production_values():
    result = check_deploy(**(documented_environment() | {"SECRET_KEY": new_secret_key()}))

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_fails_without_the_documented_security_values():
    result = check_deploy(DEBUG="false", SECRET_KEY=new_secret_key(), ALLOWED_HOSTS="wego2010.example.org")

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008"):  # HSTS, https redirect
        assert warning in result.stderr


@pytest.mark.parametrize(
    ("variable", "warning"),
    [
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "security.W005"),
        ("SECURE_HSTS_PRELOAD", "security.W021"),
        ("SECURE_SSL_REDIRECT", "security.W008"),
        ("SECURE_COOKIES", "security.W012"),  # the session cookie (and W016, the CSRF cookie)
    ],
)
def test_each_documented_security_value_is_read_from_the_environment(variable, warning):
    result = check_deploy(**(documented_environment() | {"SECRET_KEY": new_secret_key(), variable: "false"}))

    assert result.returncode != 0
    assert warning in result.stderr


def test_check_deploy_refuses_a_weak_secret_key():
    result = check_deploy(**(documented_environment() | {"SECRET_KEY": "short"}))

    assert result.returncode != 0
    assert "security.W009" in result.stderr


# gunicorn's configuration --------------------------------------------------------------------


def load_gunicorn_config(monkeypatch, **variables: str):
    for name in ("HOST", "PORT", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", GUNICORN_CONFIG)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorn_config_sizes_workers_from_the_cpus(monkeypatch):
    config = load_gunicorn_config(monkeypatch)

    assert config.workers == min(2 * len(os.sched_getaffinity(0)) + 1, config.MAX_DEFAULT_WORKERS)
    assert [config.default_workers(cpus) for cpus in (1, 2, 4, 64)] == [3, 5, 9, 17]
    assert config.bind == "127.0.0.1:8000"


def test_gunicorn_config_reads_host_port_and_worker_count(monkeypatch):
    config = load_gunicorn_config(monkeypatch, HOST="0.0.0.0", PORT="8611", WEB_CONCURRENCY="3")  # noqa: S104

    assert (config.bind, config.workers) == ("0.0.0.0:8611", 3)


def test_gunicorn_timeout_outlasts_the_database_timeouts(monkeypatch):
    """A request stuck on a lock is answered by the site (lock_timeout, statement_timeout)
    before gunicorn would kill its worker."""
    config = load_gunicorn_config(monkeypatch)

    assert (config.timeout, config.graceful_timeout, config.keepalive) == (30, 30, 5)
    assert config.accesslog == "-"
    assert config.control_socket_disable is True


# make serve's environment --------------------------------------------------------------------


def load_serve():
    spec = importlib.util.spec_from_file_location("serve_under_test", SERVE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_serve_forces_debug_off_and_fills_in_this_machines_defaults():
    env = load_serve().serving_environment({"DEBUG": "true", "PATH": "/usr/bin"})

    assert {name: env[name] for name in ("DEBUG", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "HOST", "PORT")} == {
        "DEBUG": "false",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/wegov",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HOST": "127.0.0.1",
        "PORT": "8000",
    }
    assert (env["SECURE_COOKIES"], env["SITE_URL"]) == ("false", "http://127.0.0.1:8000")


def test_serve_keeps_secure_cookies_behind_a_tls_proxy_and_what_the_environment_sets():
    serve = load_serve()

    assert serve.serving_environment({"BEHIND_PROXY": "true"})["SECURE_COOKIES"] == "true"
    given = serve.serving_environment({"REDIS_URL": "", "PORT": "8611", "SECURE_COOKIES": "true"})
    assert (given["REDIS_URL"], given["SITE_URL"], given["SECURE_COOKIES"]) == ("", "http://127.0.0.1:8611", "true")


def test_serve_generates_a_secret_key_once_into_a_private_file(tmp_path, capsys):
    serve = load_serve()
    path = tmp_path / "run" / "secret-key"
    serve.ROOT = tmp_path

    first = serve.secret_key(path)
    second = serve.secret_key(path)

    assert first == second
    assert len(first) >= 50
    assert path.stat().st_mode & 0o777 == 0o600
    assert "generated one into run/secret-key" in capsys.readouterr().out


def test_run_directory_is_ignored_by_git():
    assert "/run/" in (BASE_DIR / ".gitignore").read_text().splitlines()


# gunicorn, for real --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_gunicorn_with_debug_off_answers_health_and_serves_images(tmp_path):
    """The production path end to end: gunicorn from deploy/gunicorn.conf.py, DEBUG off,
    none of the test suite's allowances (tests/conftest.py). (Refusals are in
    tests/test_media.py: a 404 page here would need collectstatic's manifest.)"""
    media = tmp_path / "media"
    (media / "speakers").mkdir(parents=True)
    photo = bytes.fromhex("ffd8ffe000104a464946") + b"a speaker photo"
    (media / "speakers" / f"{'a' * 32}.jpg").write_bytes(photo)
    port = free_port()
    env = clean_environment(
        DEBUG="false",
        SECRET_KEY=new_secret_key(),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALLOWED_HOSTS="127.0.0.1",
        MEDIA_ROOT=str(media),
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, cwd=BASE_DIR, env=env, check=True, timeout=120)
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [str(gunicorn), "-c", str(GUNICORN_CONFIG), "wegov.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert server.poll() is None, server.stderr.read().decode()
            try:
                status, _, body = fetch(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not answer within 20 s"
                time.sleep(0.2)

        assert (status, json.loads(body)) == (200, {"status": "ok", "database": "ok", "cache": "ok"})
        status, headers, body = fetch(f"http://127.0.0.1:{port}/media/speakers/{'a' * 32}.jpg")
        assert (status, headers["Content-Type"], body) == (200, "image/jpeg", photo)
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=40)
        server.stderr.close()


# make serve's supervisor and make stop ----------------------------------------------------------

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.fixture
def serve(tmp_path):
    module = load_serve()
    module.RUN = tmp_path / "run"
    module.RUN.mkdir()
    return module


def test_stopping_the_supervisor_stops_both_processes_and_removes_their_pid_files(serve):
    supervisor = serve.Supervisor(os.environ.copy(), {"gunicorn": SLEEPER, "outbox": SLEEPER})
    supervisor.start()
    pids = {name: int(serve.pid_file(name).read_text()) for name in ("gunicorn", "outbox")}

    supervisor.request_stop()  # what Ctrl-C, SIGTERM and `make stop` do
    status = supervisor.wait()

    assert status == 0
    assert pids == {name: child.pid for name, child in supervisor.children.items()}
    assert [child.returncode for child in supervisor.children.values()] == [-signal.SIGTERM, -signal.SIGTERM]
    assert list(serve.RUN.iterdir()) == []


def test_when_one_process_ends_by_itself_the_other_is_stopped_too(serve):
    quitter = [sys.executable, "-c", "raise SystemExit(3)"]
    supervisor = serve.Supervisor(os.environ.copy(), {"gunicorn": quitter, "outbox": SLEEPER})
    supervisor.start()

    status = supervisor.wait()

    assert status == 1
    assert [child.returncode for child in supervisor.children.values()] == [3, -signal.SIGTERM]


def test_a_pid_file_naming_another_program_is_never_signalled(serve):
    serve.pid_file("serve").write_text(f"{os.getpid()}\n")  # this test process: not deploy/serve.py

    assert serve.running_pid("serve", "deploy/serve.py") is None
    assert serve.running_pid("serve", "python") == os.getpid()


def test_make_stop_with_nothing_running_says_so(serve, capsys):
    assert serve.stop() == 0
    assert "nothing to stop: make serve is not running" in capsys.readouterr().out
