"""Django's Redis cache, forgiving when Redis is down.

Nothing this site keeps in the cache is the only copy: sessions are written
through to the database (cached_db), throttles only count, pages can be built
again. So when Redis does not answer, the cache acts empty instead of raising:
reads miss (the default), writes are dropped, add() and delete() say False,
incr() says the key is missing (so a throttle counts 1 and allows; see
registration.antiabuse.hit). Each call gives up after the socket timeouts in
OPTIONS (settings.REDIS_TIMEOUT); after a failure the process does not try Redis
again for RETRY_AFTER seconds, so a request with several cache calls pays the
timeout at most once. A warning is logged at most once per LOG_EVERY seconds.

Errors other than "cannot reach Redis" (a bad value, a full memory) still raise.
One redis.Redis client per server is kept for the process, instead of one per
call as Django builds them (the connection pool behind it was already shared).
"""

import logging
import threading
import time
from functools import wraps

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER = 5.0  # seconds without trying Redis after it failed
LOG_EVERY = 60.0  # seconds between two warnings


class OneClientRedisCacheClient(RedisCacheClient):
    """Django's client, with one redis.Redis per connection pool, not per call."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


def _forgiving(fallback):
    """Run the cache call; if Redis cannot be reached, log and return fallback(*args)."""

    def decorator(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if self._down_until > time.monotonic():
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._went_down(error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found (the cache is unavailable).")


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = OneClientRedisCacheClient
        self._down_until = 0.0
        self._logged_at = -LOG_EVERY
        self._lock = threading.Lock()

    def _went_down(self, error: Exception) -> None:
        now = time.monotonic()
        self._down_until = now + RETRY_AFTER
        with self._lock:
            if now - self._logged_at < LOG_EVERY:
                return
            self._logged_at = now
        logger.warning(
            "Redis cache unavailable (%s): acting as an empty cache; sessions come from the database "
            "and throttles allow every request until it is back.",
            error,
        )

    def is_available(self) -> bool:
        """Whether Redis answers now (for a health check; raises nothing)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNREACHABLE:
            return False

    @_forgiving(lambda key, default=None, *args, **kwargs: default)
    def get(self, key, default=None, version=None):
        return super().get(key, default, version)

    @_forgiving(lambda *args, **kwargs: None)
    def set(self, *args, **kwargs):
        return super().set(*args, **kwargs)

    @_forgiving(lambda *args, **kwargs: False)
    def add(self, *args, **kwargs):
        return super().add(*args, **kwargs)

    @_forgiving(lambda *args, **kwargs: False)
    def touch(self, *args, **kwargs):
        return super().touch(*args, **kwargs)

    @_forgiving(lambda *args, **kwargs: False)
    def delete(self, *args, **kwargs):
        return super().delete(*args, **kwargs)

    @_forgiving(lambda *args, **kwargs: {})
    def get_many(self, *args, **kwargs):
        return super().get_many(*args, **kwargs)

    @_forgiving(lambda *args, **kwargs: False)
    def has_key(self, *args, **kwargs):
        return super().has_key(*args, **kwargs)

    @_forgiving(_missing_key)
    def incr(self, *args, **kwargs):
        return super().incr(*args, **kwargs)

    @_forgiving(lambda data, *args, **kwargs: list(data))
    def set_many(self, *args, **kwargs):
        return super().set_many(*args, **kwargs)

    @_forgiving(lambda *args, **kwargs: None)
    def delete_many(self, *args, **kwargs):
        return super().delete_many(*args, **kwargs)

    @_forgiving(lambda *args, **kwargs: False)
    def clear(self):
        return super().clear()
