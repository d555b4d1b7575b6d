"""The shared cache's backend: Django's Redis cache, keeping one Redis client per server
for the life of the process.

Django's RedisCacheClient builds a new `redis.Redis` for every operation, and redis-py's
constructor fills a table of about 170 response callbacks each time: about a third of the
cost of a page served from the cache. A client over a connection pool is thread-safe and
reusable, and redis-py's pool resets its connections in a forked process, so keeping it
changes nothing else (the connections were already pooled)."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))  # pools live as long as this object
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
