"""Text partly decoded from TCVN3: words that look Vietnamese letter by letter but are not
Vietnamese syllables ("Vâ" for Võ, "Huúnh" for Huỳnh, "Thóy" for Thúy).

TCVN3 (ABC) drew many toned letters over Latin-1 letters that Unicode Vietnamese also uses
(õ → "â", ỳ → "ú", ú → "ó"…), so a cell re-typed or half-converted keeps words made only of
valid letters. They give themselves away by breaking the syllable's shape: "â" and "ă" never
end a syllable, "uu" takes no "nh", a syllable ending in c/ch/p/t carries only the acute or the
dot below. A word is repaired when it is not a syllable, it holds a letter TCVN3 reuses, and its
TCVN3 reading is one; it is left alone (ethnic-minority and foreign names included) otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .vnfonts import TCVN3_TO_UNICODE

_TONES = {"\u0301": "sac", "\u0300": "huyen", "\u0309": "hoi", "\u0303": "nga", "\u0323": "nang"}
_SHAPES = {"\u0302": "^", "\u0306": "(", "\u031b": "+"}  # circumflex, breve, horn

# Vowel letters written with their shape mark as one symbol: a a( a^ e e^ i o o^ o+ u u+ y.
_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g", "h", "k", "l",
           "m", "n", "p", "r", "s", "t", "v", "x")  # fmt: skip
_CODAS = ("ng", "nh", "ch", "c", "m", "n", "p", "t", "i", "y", "o", "u")
_STOPS = {"c", "ch", "p", "t"}
# Nuclei that may end a syllable, and those that need a consonant after them.
_OPEN = {
    "a", "e", "e^", "i", "o", "o^", "o+", "u", "u+", "y", "ia", "ya", "ua", "u+a", "oa", "oe", "ue^", "uy", "uo+",
    "uya",
}  # fmt: skip
_CLOSED = _OPEN | {"a(", "a^", "oa(", "ua^", "uo^", "u+o+", "oo", "ie^", "ye^", "uye^"}
# The semivowel codas i/y/o/u close only some nuclei (ai, ay, ây, ao, au, âu, eo, êu, iu, oi, ôi,
# ơi, ui, ưi, ưu, iêu, yêu, oai, oay, uây, uôi, ươi, ươu, uyu, oeo).
_GLIDE_OK = {
    ("a", "i"), ("a", "y"), ("a^", "y"), ("a", "o"), ("a", "u"), ("a^", "u"), ("e", "o"), ("e^", "u"), ("i", "u"),
    ("o", "i"), ("o^", "i"), ("o+", "i"), ("u", "i"), ("u+", "i"), ("u+", "u"), ("ie^", "u"), ("ye^", "u"),
    ("oa", "i"), ("oa", "y"), ("ua^", "y"), ("uo^", "i"), ("u+o+", "i"), ("u+o+", "u"), ("uy", "u"), ("oe", "o"),
}  # fmt: skip
_PALATAL_OK = {"a", "e^", "i", "y", "oa", "ue^", "uy"}  # before ch / nh


def _spell(word: str) -> tuple[str, str] | None:
    """(letters with shapes as a^ a( o+ …, tone name) or None when a letter is not Vietnamese."""
    out: list[str] = []
    tone = ""
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            if tone:
                return None
            tone = _TONES[ch]
        elif ch in _SHAPES:
            if not out:
                return None
            out[-1] += _SHAPES[ch]
        elif ch == "đ" or ("a" <= ch <= "z"):
            out.append(ch)
        elif ch == "\u0111":
            out.append("đ")
        else:
            return None
    return "|".join(out), tone


@lru_cache(maxsize=65_536)
def is_syllable(word: str) -> bool:
    spelt = _spell(word)
    if spelt is None:
        return False
    letters, tone = spelt[0].split("|"), spelt[1]
    text = "".join(letters)
    for onset in (*_ONSETS, ""):
        if not text.startswith(onset):
            continue
        rest = letters_after(letters, onset)
        if rest is None:
            continue
        if onset == "gi" and not rest:  # "gì": the i is the vowel
            return True
        for coda in (*_CODAS, ""):
            if coda and not rest_endswith(rest, coda):
                continue
            nucleus = "".join(rest[: len(rest) - len(coda)]) if coda else "".join(rest)
            if not nucleus:
                continue
            if onset == "qu" and nucleus.startswith("u"):
                continue
            if coda in ("i", "y", "o", "u"):
                if (nucleus, coda) not in _GLIDE_OK:
                    continue
            elif coda:
                if nucleus not in _CLOSED:
                    continue
                if coda in ("ch", "nh") and nucleus not in _PALATAL_OK:
                    continue
                if coda in ("c", "ng") and nucleus in ("i", "e^", "y"):
                    continue
                if coda in _STOPS and tone not in ("sac", "nang"):
                    continue
            elif nucleus not in _OPEN:
                continue
            return True
    return False


def letters_after(letters: list[str], onset: str) -> list[str] | None:
    taken = ""
    for i, letter in enumerate(letters):
        if taken == onset:
            return letters[i:]
        taken += letter
        if not onset.startswith(taken):
            return None
    return [] if taken == onset else None


def rest_endswith(rest: list[str], coda: str) -> bool:
    return "".join(rest[-len(coda) :]) == coda and all(len(x) == 1 for x in rest[-len(coda) :])


_WORD = re.compile(r"[^\W\d_]+")
_TCVN3_LETTERS = "".join(sorted(k for k in TCVN3_TO_UNICODE if unicodedata.category(k).startswith("L")))
# A polars (Rust) pattern for the cells worth a look: a Latin-1 letter TCVN3 reuses.
_UPPER = "".join(u for c in _TCVN3_LETTERS if len(u := c.upper()) == 1 and ord(u) < 256 and u != c)
REUSED_PATTERN = "[" + "".join(sorted(set(_TCVN3_LETTERS + _UPPER))) + "]"


@lru_cache(maxsize=65_536)
def tcvn3_reading(word: str) -> str | None:
    """The word read as TCVN3 when it holds a reused letter and that reading is another syllable."""
    if not any(ch.lower() in TCVN3_TO_UNICODE for ch in word):
        return None
    lower = unicodedata.normalize("NFC", "".join(TCVN3_TO_UNICODE.get(ch.lower(), ch.lower()) for ch in word))
    candidate = lower[:1].upper() + lower[1:] if word[:1].isupper() else lower
    return candidate if candidate != word and is_syllable(candidate) else None


@lru_cache(maxsize=65_536)
def tcvn3_word(word: str) -> str | None:
    """The word's TCVN3 reading when the word is not a syllable — or holds a capital inside it,
    TCVN3's toned capitals ("TÊn" for Tấn) — and that reading is one."""
    if not any(ch.lower() in TCVN3_TO_UNICODE for ch in word):
        return None
    inner_capital = not word.isupper() and any(
        ch.isupper() and ch.lower() in TCVN3_TO_UNICODE for ch in word[1:]
    )
    if is_syllable(word) and not inner_capital:
        return None
    lower = "".join(TCVN3_TO_UNICODE.get(ch.lower(), ch.lower()) for ch in word)
    candidate = unicodedata.normalize("NFC", lower)
    if not is_syllable(candidate):
        return None
    if word[:1].isupper():
        candidate = candidate[:1].upper() + candidate[1:]
    return candidate


# Family names carry a name's first word, and they are few (domain.md §4: Nguyễn ≈ 38 %, then
# Trần, Lê, Phạm, Hoàng/Huỳnh, Phan, Vũ/Võ…). A first word that is a syllable but no family name,
# whose TCVN3 reading is one ("Vò" → Vũ), is read back too. The list: the common Kinh family
# names and the frequent ones of other groups (Lò, Quàng, Hà, Nông…), so none of them is touched.
FAMILY_NAMES = frozenset(
    [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đào",
        "Đoàn",
        "Vương",
        "Trịnh",
        "Trương",
        "Lâm",
        "Phùng",
        "Mai",
        "Tô",
        "Hà",
        "Tạ",
        "Châu",
        "Lưu",
        "Cao",
        "Đinh",
        "Lương",
        "Thái",
        "Quách",
        "Kiều",
        "Diệp",
        "Tăng",
        "La",
        "Đàm",
        "Mạc",
        "Từ",
        "Khúc",
        "Lục",
        "Triệu",
        "Hứa",
        "Thân",
        "Nghiêm",
        "Chu",
        "Giang",
        "Tống",
        "Lò",
        "Âu",
        "Ông",
        "Kim",
        "Doãn",
        "Hầu",
        "Lại",
        "Lã",
        "Tiêu",
        "Phó",
        "Quan",
        "Nông",
        "Bế",
        "Bạch",
        "Hàn",
        "Khổng",
        "Lạc",
        "Mã",
        "Ninh",
        "Đồng",
        "Đường",
        "Trình",
        "Văn",
        "Tôn",
        "Quang",
        "Cù",
        "Vi",
        "Sầm",
        "Quàng",
        "Cầm",
        "Hoàng",
        "Tiết",
        "Bành",
        "Ân",
        "Viên",
        "Khương",
        "Nhan",
        "Phí",
        "Thạch",
        "Sơn",
        "Danh",
        "Kha",
        "Thạch",
        "Lữ",
        "Hoa",
        "Mẫn",
        "Dư",
        "Vòng",
        "Chế",
        "Trang",
        "Cung",
        "Ưng",
        "Yên",
        "Bảo",
    ]
)


@lru_cache(maxsize=65_536)
def tcvn3_family(word: str) -> str | None:
    """A first word's TCVN3 reading when that is a family name and the word is not."""
    if word in FAMILY_NAMES or not any(ch.lower() in TCVN3_TO_UNICODE for ch in word):
        return None
    lower = unicodedata.normalize("NFC", "".join(TCVN3_TO_UNICODE.get(ch.lower(), ch.lower()) for ch in word))
    candidate = lower[:1].upper() + lower[1:]
    return candidate if candidate in FAMILY_NAMES else None


def repair_partial(text: str) -> tuple[str, bool]:
    """(text with its TCVN3 words read back, whether any was)."""
    changed = False
    first = True

    def one(m: re.Match[str]) -> str:
        nonlocal changed, first
        word, at_start = m.group(0), first
        first = False
        fixed = tcvn3_word(word) or (tcvn3_family(word) if at_start else None)
        if fixed is None:
            return word
        changed = True
        return fixed

    out = _WORD.sub(one, text)
    return out, changed
