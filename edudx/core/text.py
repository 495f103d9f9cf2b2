"""Text helpers shared by search, matching and normalisation."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d"})


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def tidy_spaces(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def fold(text: str | None) -> str:
    """Accent-insensitive, case-insensitive key: "Nguyễn Văn Đạt" -> "nguyen van dat".

    Strips combining marks after NFD and folds đ→d (NFD does not decompose đ).
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return tidy_spaces(stripped.lower())


def search_tokens(query: str | None, *, max_tokens: int = 8) -> list[str]:
    """Folded alphanumeric tokens of a user's search query (safe to pass to FTS)."""
    return re.findall(r"[0-9a-z]+", fold(query))[:max_tokens]
