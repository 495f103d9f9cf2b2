"""Legacy Vietnamese 8-bit font encodings, as they look when read as Windows-1252.

Before Unicode, Vietnamese text was typed with fonts that drew Vietnamese letters over
Latin-1 code points: TCVN3 (ABC, ".VnTime") one byte per letter, VNI ("VNI-Times") a base
letter followed by a byte drawing the marks. Opened without the font, "Nguyễn" shows as
"NguyÔn" (TCVN3) or "Nguyeãn" (VNI). These tables convert such text back to Unicode.
"""

from __future__ import annotations

import re
import unicodedata

# ----- TCVN3 (ABC): the byte (as a Windows-1252 character) for each lower-case letter, in
# the order: plain-with-grave, acute, hook, tilde, dot below, per vowel family.
_TCVN3_LOWER = {
    "à": "µ", "á": "¸", "ả": "¶", "ã": "·", "ạ": "¹",
    "ă": "¨", "ằ": "»", "ắ": "¾", "ẳ": "¼", "ẵ": "½", "ặ": "Æ",
    "â": "©", "ầ": "Ç", "ấ": "Ê", "ẩ": "È", "ẫ": "É", "ậ": "Ë",
    "đ": "®",
    "è": "Ì", "é": "Ð", "ẻ": "Î", "ẽ": "Ï", "ẹ": "Ñ",
    "ê": "ª", "ề": "Ò", "ế": "Õ", "ể": "Ó", "ễ": "Ô", "ệ": "Ö",
    "ì": "×", "í": "Ý", "ỉ": "Ø", "ĩ": "Ü", "ị": "Þ",
    "ò": "ß", "ó": "ã", "ỏ": "á", "õ": "â", "ọ": "ä",
    "ô": "«", "ồ": "å", "ố": "è", "ổ": "æ", "ỗ": "ç", "ộ": "é",
    "ơ": "¬", "ờ": "ê", "ớ": "í", "ở": "ë", "ỡ": "ì", "ợ": "î",
    "ù": "ï", "ú": "ó", "ủ": "ñ", "ũ": "ò", "ụ": "ô",
    "ư": "\u00ad", "ừ": "õ", "ứ": "ø", "ử": "ö", "ữ": "÷", "ự": "ù",
    "ỳ": "ú", "ý": "ý", "ỷ": "û", "ỹ": "ü", "ỵ": "þ",
}  # fmt: skip
# Upper-case letters with a shape mark have their own bytes; toned capitals need the
# separate capitals font (.VnTimeH), whose bytes are the lower-case ones above.
_TCVN3_UPPER = {"Ă": "¡", "Â": "¢", "Đ": "§", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦"}
TCVN3_TO_UNICODE = {v: k for k, v in {**_TCVN3_LOWER, **_TCVN3_UPPER}.items()}
UNICODE_TO_TCVN3 = {**_TCVN3_LOWER, **_TCVN3_UPPER}

# ----- VNI: base letter + mark byte(s). Marks as Windows-1252 characters (lower, upper).
_TONES = {
    "\u0301": ("ù", "Ù"),
    "\u0300": ("ø", "Ø"),
    "\u0309": ("û", "Û"),
    "\u0303": ("õ", "Õ"),
    "\u0323": ("ï", "Ï"),
}
_CIRCUMFLEX = {
    "": ("â", "Â"),
    "\u0301": ("á", "Á"),
    "\u0300": ("à", "À"),
    "\u0309": ("å", "Å"),
    "\u0303": ("ã", "Ã"),
    "\u0323": ("ä", "Ä"),
}
_BREVE = {
    "": ("ê", "Ê"),
    "\u0301": ("é", "É"),
    "\u0300": ("è", "È"),
    "\u0309": ("ú", "Ú"),
    "\u0303": ("ü", "Ü"),
    "\u0323": ("ë", "Ë"),
}
_I_TONES = {
    "\u0301": ("í", "Í"),
    "\u0300": ("ì", "Ì"),
    "\u0309": ("æ", "Æ"),
    "\u0303": ("ó", "Ó"),
    "\u0323": ("ò", "Ò"),
}
_HORN = {"o": ("ô", "Ô"), "u": ("ö", "Ö")}  # ơ, ư are one byte each
_TONE_MARKS = set(_TONES)


def _vietnamese_letters() -> list[str]:
    out = []
    for base in "aeiouy":
        for shape in ("", "\u0302", "\u0306", "\u031b"):
            if shape == "\u0302" and base not in "aeo":
                continue
            if shape == "\u0306" and base != "a":
                continue
            if shape == "\u031b" and base not in "ou":
                continue
            for tone in ("", *_TONES):
                ch = unicodedata.normalize("NFC", base + shape + tone)
                if len(ch) == 1:
                    out.append(ch)
                    out.append(ch.upper())
    return out


def _vni_of(letter: str) -> str | None:
    d = unicodedata.normalize("NFD", letter)
    upper = d[0].isupper()
    idx = 1 if upper else 0
    base, marks = d[0], d[1:]
    tone = next((m for m in marks if m in _TONE_MARKS), "")
    shape = next((m for m in marks if m not in _TONE_MARKS), "")
    low = base.lower()
    if shape == "\u0302":
        return base + _CIRCUMFLEX[tone][idx]
    if shape == "\u0306":
        return base + _BREVE[tone][idx]
    if shape == "\u031b":
        return _HORN[low][idx] + (_TONES[tone][idx] if tone else "")
    if not tone:
        return None
    if low == "i":
        return _I_TONES[tone][idx]
    return base + _TONES[tone][idx]


UNICODE_TO_VNI: dict[str, str] = {"đ": "ñ", "Đ": "Ñ"}
for _ch in _vietnamese_letters():
    _v = _vni_of(_ch)
    if _v:
        UNICODE_TO_VNI[_ch] = _v
VNI_TO_UNICODE = {v: k for k, v in UNICODE_TO_VNI.items()}
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI_TO_UNICODE, key=len, reverse=True)))
_TCVN3_PATTERN = re.compile("[" + re.escape("".join(TCVN3_TO_UNICODE)) + "]")

# Characters that never occur in Unicode Vietnamese but do in mojibake.
# « (ô) and ¬ (ơ) too: "Ng« Minh" is Ngô; converted only when the text then reads better (score).
TCVN3_MARKERS = "«¬µ¸¶·¹¨»¾¼½Æ©ÇËÈ®ÎÏÑªÖ×ØÜÞßåæçëîïñö÷øûüþ¡¢§£¤¥¦\u00ad"
VNI_MARKERS = "øûïåäëüöñæØÛÏÅÄËÜÖÑÆ"
SUSPECT = re.compile(
    "["
    + re.escape("".join(sorted(set(TCVN3_MARKERS + VNI_MARKERS))))
    + "]|[aeouyAEOUY][ùõÙÕ]|[a-zđ][ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ]"
)
# A pattern usable by polars (Rust regex) to find candidate cells quickly.
SUSPECT_RE = SUSPECT.pattern


def to_tcvn3(text: str) -> str:
    """Unicode → how TCVN3 text looks in Windows-1252 (tests and the template's samples)."""
    # Toned capitals were typed with the capitals font, whose bytes are the lower-case ones.
    return "".join(
        UNICODE_TO_TCVN3.get(ch) or UNICODE_TO_TCVN3.get(ch.lower(), ch)
        for ch in unicodedata.normalize("NFC", text)
    )


def to_vni(text: str) -> str:
    return "".join(UNICODE_TO_VNI.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def from_tcvn3(text: str) -> str:
    return _TCVN3_PATTERN.sub(lambda m: TCVN3_TO_UNICODE[m.group(0)], text)


def from_vni(text: str) -> str:
    return _VNI_PATTERN.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text)


# ----- plausibility: does a word look like a Vietnamese syllable?
_NUCLEI = {
    "a",
    "e",
    "i",
    "o",
    "u",
    "y",
    "ai",
    "ao",
    "au",
    "ay",
    "eo",
    "eu",
    "ia",
    "ie",
    "iu",
    "oa",
    "oe",
    "oi",
    "oo",
    "ua",
    "ue",
    "ui",
    "uo",
    "uu",
    "uy",
    "ya",
    "ye",
    "ieu",
    "oai",
    "oao",
    "oay",
    "oeo",
    "uay",
    "uoi",
    "uou",
    "uya",
    "uye",
    "uyu",
    "yeu",
    "uau",
    "uai",
    "uao",
    "ueu",
}
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?([aeiouy]+)(ng|nh|ch|[cmnpt])?$"
)
_TONE_SET = set(_TONES)
_VIET = set(_vietnamese_letters()) | set("đĐ")


def _fold_letter(ch: str) -> str:
    return "d" if ch in "đĐ" else unicodedata.normalize("NFD", ch)[0].lower()


def score(text: str) -> int:
    """How many words read as Vietnamese syllables, minus the ones that cannot."""
    total = 0
    for word in re.findall(r"[^\W\d_]+", text):
        if any(not ch.isascii() and ch not in _VIET for ch in word):
            total -= 2
            continue
        tones = sum(1 for ch in unicodedata.normalize("NFD", word) if ch in _TONE_SET)
        folded = "".join(_fold_letter(ch) for ch in word)
        m = _SYLLABLE.match(folded)
        ok = m is not None and tones <= 1 and m.group(2) in _NUCLEI
        # "gi"/"qu" onsets swallow a vowel: accept "gia", "qua", "quy"…
        total += 1 if ok else -1
    return total


def repair(text: str) -> tuple[str, str]:
    """(fixed text, "tcvn3" | "vni" | "") — only converts when the result reads better."""
    if not SUSPECT.search(text) or any(
        ord(ch) > 0xFF
        for ch in text
        if ch
        not in "\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
    ):
        return text, ""
    base = score(text)
    best, which, best_score = text, "", base
    for name, fn in (("tcvn3", from_tcvn3), ("vni", from_vni)):
        candidate = unicodedata.normalize("NFC", fn(text))
        s = score(candidate)
        if s > best_score:
            best, which, best_score = candidate, name, s
    return best, which
