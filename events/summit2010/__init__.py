"""The founding General Assembly of WeGO, Seoul, 6-8 September 2010, as plain data.

Source: docs/summit-facts.md (from Seoul's press release of 31 August 2010).
Rows the record does not give (times and rooms aside) are invented and carry
is_sample=True, so organisers see them flagged in the admin. Loaded by
events.seed.load_summit (`manage.py load_summit`); the desk's checkpoints by
registration.seed.load_checkpoints, in the same transaction.
"""

from events.summit2010.checkpoints import CHECKPOINTS
from events.summit2010.cities import CITIES
from events.summit2010.event import EVENT
from events.summit2010.exhibition import EXHIBITORS
from events.summit2010.people import SPEAKERS
from events.summit2010.programme import ROOMS, SESSION_KINDS, SESSIONS

__all__ = ["CHECKPOINTS", "CITIES", "EVENT", "EXHIBITORS", "ROOMS", "SESSIONS", "SESSION_KINDS", "SPEAKERS"]
