"""wegov.cache.ForgivingRedisCache: Django's Redis cache that acts as an empty
cache, quickly and with one log line, when Redis cannot be reached."""

import logging
import socket
import time

import pytest
import redis

from wegov import cache as forgiving
from wegov.cache import ForgivingRedisCache

CLOSED_PORT = "redis://127.0.0.1:1/0"
# The test suite's own Redis database (the other numbers belong to other users of this Redis).
LIVE_REDIS = "redis://127.0.0.1:6379/2"
TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


def make_cache(location: str) -> ForgivingRedisCache:
    return ForgivingRedisCache(location, {"OPTIONS": TIMEOUTS, "KEY_PREFIX": "wegov-test-cache"})


@pytest.fixture
def down():
    return make_cache(CLOSED_PORT)


@pytest.fixture
def silent_redis():
    """A port that accepts connections and never answers (Redis hung, or a black hole)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    listener.close()


@pytest.fixture
def live():
    cache = make_cache(LIVE_REDIS)
    if not cache.is_available():
        pytest.skip("no Redis at 127.0.0.1:6379")
    cache.clear()
    yield cache
    cache.clear()


def test_unreachable_redis_acts_as_an_empty_cache(down):
    assert down.get("a") is None
    assert down.get("a", "fallback") == "fallback"
    assert down.set("a", 1) is None
    assert down.add("a", 1) is False
    assert down.get_or_set("a", 7) == 7
    assert down.delete("a") is False
    assert down.has_key("a") is False
    assert down.touch("a") is False
    assert down.get_many(["a", "b"]) == {}
    assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert down.delete_many(["a", "b"]) is None
    assert down.clear() is False
    with pytest.raises(ValueError, match="not found"):
        down.incr("a")
    with pytest.raises(ValueError, match="not found"):
        down.decr("a")
    assert down.is_available() is False


def test_unreachable_redis_is_logged_once_not_on_every_call(down, caplog, monkeypatch):
    monkeypatch.setattr(forgiving, "RETRY_AFTER", 0)  # try Redis on every call

    with caplog.at_level(logging.WARNING, logger="wegov.cache"):
        for _ in range(5):
            down.get("a")
            down.add("b", 1)

    assert [record.getMessage()[:30] for record in caplog.records] == ["Redis cache unavailable (Error"]
    assert "sessions come from the database and throttles allow" in caplog.records[0].getMessage()


def test_after_a_failure_redis_is_not_tried_again_for_a_few_seconds(silent_redis):
    cache = make_cache(silent_redis)

    started = time.perf_counter()
    first = cache.get("a", "x")
    first_took = time.perf_counter() - started
    started = time.perf_counter()
    more = [cache.get("a", "x") for _ in range(20)] + [cache.add("b", 1) for _ in range(20)]
    more_took = time.perf_counter() - started

    assert first == "x"
    assert 0.4 < first_took < 1.5  # the socket timeout, once
    assert more == ["x"] * 20 + [False] * 20
    assert more_took < 0.1


def test_other_redis_errors_are_not_hidden(live, monkeypatch):
    def refuse(*args, **kwargs):
        raise redis.exceptions.ResponseError("OOM command not allowed")

    monkeypatch.setattr(redis.Redis, "get", refuse)

    with pytest.raises(redis.exceptions.ResponseError):
        live.get("a")


def test_with_redis_up_it_is_an_ordinary_cache(live):
    assert live.add("n", 0) is True
    assert live.add("n", 5) is False
    assert live.incr("n") == 1
    assert live.incr("n", 2) == 3
    live.set("word", {"ko": "안녕"})
    assert live.get_many(["n", "word", "missing"]) == {"n": 3, "word": {"ko": "안녕"}}
    assert live.delete("n") is True
    assert live.get("n", "gone") == "gone"
    with pytest.raises(ValueError, match="not found"):
        live.incr("n")


def test_one_redis_client_serves_every_call(live):
    client = live._cache.get_client("a")

    assert live._cache.get_client("b", write=True) is client
