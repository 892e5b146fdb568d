"""Empty the cache, and only the cache: the task queue may live in the same Redis database.

Run it after restoring PostgreSQL from a backup, before the web nodes and workers start
again. The cache describes the database by its ids (a person's applications, a running
paper's facts), and a restored database gives out again the ids of everything made after
the backup: what the cache holds under them is about rows that no longer exist.
"""

from __future__ import annotations

from itertools import islice

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.management.base import BaseCommand, CommandError

BATCH = 1000


def _glob_escape(text: str) -> str:
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)


class Command(BaseCommand):
    help = "Empty the cache (not the task queue): after restoring the database from a backup."

    def handle(self, *args, **options):
        cache = caches["default"]
        if not isinstance(cache, RedisCache):
            cache.clear()
            self.stdout.write(self.style.SUCCESS("Cache emptied."))
            return
        if not cache.key_prefix:
            raise CommandError(
                "The cache has no KEY_PREFIX, so its keys cannot be told from the task "
                "queue's in a shared Redis database; nothing was deleted."
            )
        client = cache._cache.get_client(write=True)
        keys = client.scan_iter(match=f"{_glob_escape(cache.key_prefix)}:*", count=BATCH)
        deleted = 0
        while batch := list(islice(keys, BATCH)):
            deleted += client.delete(*batch)
        self.stdout.write(self.style.SUCCESS(f"Cache emptied: {deleted} keys deleted."))
