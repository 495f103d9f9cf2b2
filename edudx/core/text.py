"""Text helpers shared by search, matching and normalisation."""

from __future__ import annotations

import functools
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


# ----- Vietnamese collation: people sort by given name, then middle name, then family name
# The letters in Vietnamese alphabet order (đ after d, ă and â after a, ơ and ư after o and u),
# with the Latin letters Vietnamese spelling lacks (f, j, w, z) at their Latin places.
_ALPHABET = (
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
)  # fmt: skip
# Two digits a character, from 02 ("00" ends a name part, "01" separates its words): a key made
# of digits only compares the same under every collation (SQLite BINARY, PostgreSQL's C or a
# locale's), so the database's index order is this order.
_RANK = {ch: f"{i:02d}" for i, ch in enumerate("0123456789", start=2)} | {
    ch: f"{i:02d}" for i, ch in enumerate(_ALPHABET, start=12)
}
_OTHER = "99"
# Vowel marks that make another letter, and the tone marks in the sector's dictionary order:
# ngang (none), huyền, hỏi, ngã, sắc, nặng.
_LETTER_MARKS = {"\u0306": "\u0306", "\u0302": "\u0302", "\u031b": "\u031b"}
_TONES = {"\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0301": "5", "\u0323": "6"}
SORT_KEY_MAX_LENGTH = 400


@functools.lru_cache(maxsize=65536)
def _word_key(word: str) -> tuple[str, str]:
    """(letter codes, tone digit) of one word; ("", "") for a word with nothing to sort by."""
    codes: list[str] = []
    tone = "1"
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tone = _TONES[ch]
        elif ch in _LETTER_MARKS:
            if codes:  # a + breve -> ă: the mark follows its letter
                base = codes.pop()
                codes.append(_RANK.get(unicodedata.normalize("NFC", base + ch), base))
        elif unicodedata.combining(ch):
            continue
        elif ch in _RANK:
            codes.append(ch)
        elif ch.isalnum():
            codes.append(_OTHER)
    out = "".join(_RANK.get(c, c) for c in codes)
    return (out, tone) if out else ("", "")


def _part_key(words: list[str]) -> str:
    keys = [k for k in (_word_key(w) for w in words) if k[0]]
    # Base letters of the whole part first, then its tones: Anh < Ảnh < Ánh < Anh Thư.
    return "01".join(k[0] for k in keys) + "00" + "".join(k[1] for k in keys)


def vn_sort_key(full_name: str | None) -> str:
    """The stored sort key of a Vietnamese name: given name, then middle, then family name.

    "Nguyễn Văn An" sorts as (An, Văn, Nguyễn). Within a part, letters in Vietnamese alphabet
    order (d < đ, u < ư), case ignored, then the tones: ngang < huyền < hỏi < ngã < sắc < nặng.
    Digits only (see _RANK), at most SORT_KEY_MAX_LENGTH characters.
    """
    words = tidy_spaces(nfc(full_name or "")).split(" ")
    words = [w for w in words if w]
    if not words:
        return ""
    given, middle, family = words[-1:], words[1:-1], words[:-1][:1]
    return (_part_key(given) + _part_key(middle) + _part_key(family))[:SORT_KEY_MAX_LENGTH]
