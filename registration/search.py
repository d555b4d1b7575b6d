"""Text folding for the desk's name search: case- and accent-insensitive, for
Hangul and Latin alike ("José" matches "jose", "김민" matches "김민준")."""

import unicodedata


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).casefold().strip()
