"""Checks on values that come from outside (URLs, forms, JSON), shared by the
bad-input middleware, the forms, the desk's API and the admin filters.

Two traps they close:
- PostgreSQL cannot store or even compare a text holding a NUL character, and
  no database takes a lone surrogate ("\\ud800", possible in JSON): such text
  must be refused before it reaches a query.
- str.isdigit() and int() accept digits of every script: "²".isdigit() is True
  but int("²") fails, and int("١٢") is 12. An id from outside is ASCII digits
  only, and fits a bigint.
"""

MAX_PK = 2**63 - 1  # the largest primary key a database (bigint) can hold


def parse_id(value) -> int | None:
    """A positive database id from a form, URL or JSON value, or None: ASCII
    digits (or a JSON integer), at most MAX_PK."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19:
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_PK else None


def is_storable(text: str) -> bool:
    """True if a database can store and compare this text: no NUL, no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
