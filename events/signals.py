"""Signals events/ sends for other apps, which it does not know about."""

from django.dispatch import Signal

# Sent by events.seed.load_summit inside its transaction, once the programme is
# loaded, so that other apps load what they keep about the edition (registration:
# the desk's checkpoints). Keyword arguments: `event`, `rooms` (the edition's rooms
# by English name) and `result` (the SeedResult; count rows with events.seed.sync).
programme_loaded = Signal()
