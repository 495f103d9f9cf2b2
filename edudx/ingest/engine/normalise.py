"""Stage 4 — normalise without rejecting: NFC, legacy fonts, spacing, case, dates, IDs, phones.

Vectorised: a polars expression recognises the values that are already clean (nearly all of
them in a good file) and only the others go through the pure rules in core.rules, once per
distinct value (memoised across chunks). Every repair is recorded as a warning so the school
can fix its source; values that cannot be understood become errors.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR, WARNING, Issue, dates, names, phones
from edudx.core.text import nfc, tidy_spaces

from .. import kinds as K
from ..kinds import Column, Kind
from ..people import normalise_pid
from . import syllables, vnfonts
from .headers import HeaderMap
from .problems import Problems
from .read import ROW

ERR = "__err"  # boolean column: the row has an error
# A name word is suspected of being TCVN3 when its reading is in at least this many rows of the
# file so far, and in this many times more rows than the word itself.
RARE_READING_MIN, RARE_READING_RATIO = 20, 20


def _rust_class(chars: str) -> str:
    return "".join("\\" + c if c in "\\[]^-&~|" else c for c in chars)


_SUSPECT_POLARS = (
    "[" + _rust_class("".join(sorted(set(vnfonts.TCVN3_MARKERS + vnfonts.VNI_MARKERS)))) + "]"
    "|[aeouyAEOUY][ùõÙÕ]|[a-zđ][ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ]"
)
# One pass finds every name that is not already "Word Word Word" in NFC without mojibake:
# edge/double spaces, a word starting lower-case, a capital inside a word, combining marks,
# digits or punctuation, legacy-font markers.
_NAME_NEEDS_WORK = r"^\s|\s$|\s\s|(?:^|\s)\P{Lu}|\p{L}\p{Lu}|\p{M}|[^\p{L} ]|" + _SUSPECT_POLARS


class Sink:
    """Adds problems for whole masks of a chunk and keeps the error flag per row."""

    def __init__(self, problems: Problems, header_of: dict[str, str]):
        self.problems = problems
        self.header_of = header_of
        self.errored: dict[str, set[int]] = {}  # column key -> rows with an error on that cell

    def flag(
        self, frame: pl.DataFrame, mask: pl.Series | pl.Expr, key: str, code: str, severity: str, message: Any
    ) -> pl.DataFrame:
        if isinstance(mask, pl.Expr):
            mask = frame.select(mask.fill_null(False)).to_series()
        else:
            mask = mask.fill_null(False)
        if not mask.any():
            return frame
        rows = frame.filter(mask)[ROW].to_list()
        self.problems.add_rows(rows, self.header_of.get(key, key), code, severity, message)
        if severity == ERROR:
            self.errored.setdefault(key, set()).update(rows)
            return frame.with_columns((pl.col(ERR) | mask).alias(ERR))
        return frame

    def flag_rows(self, frame: pl.DataFrame, rows: dict[int, list[Issue]], key: str) -> pl.DataFrame:
        """Per-row issues computed in Python (rare paths)."""
        bad: list[int] = []
        for row, issues in rows.items():
            for issue in issues:
                self.problems.add(
                    row, self.header_of.get(key, key), issue.code, issue.severity, issue.message
                )
                if issue.is_error:
                    bad.append(row)
        if bad:
            frame = frame.with_columns((pl.col(ERR) | pl.col(ROW).is_in(bad)).alias(ERR))
        return frame


Fixer = Callable[[str], tuple[Any, list[Issue]]]


class Normaliser:
    def __init__(self) -> None:
        self.memo: dict[tuple[str, str], tuple[Any, list[Issue]]] = {}
        self.words: dict[str, dict[str, int]] = {}  # name column -> word -> rows so far in the file

    # -- the generic slow path: distinct values through a pure function, memoised
    def _python(
        self, frame: pl.DataFrame, sink: Sink, key: str, fix: Fixer, todo: pl.Series, dtype: pl.DataType
    ) -> tuple[pl.DataFrame, pl.Series]:
        s = frame[key]
        values = s.filter(todo & s.is_not_null()).unique().to_list()
        mapping: dict[str, Any] = {}
        by_issue: dict[tuple[str, str], tuple[Any, list[str]]] = {}
        per_value_msgs: dict[str, list[Issue]] = defaultdict(list)
        tag = key + ":" + fix.__name__
        for v in values:
            got = self.memo.get((tag, v))
            if got is None:
                got = fix(v)
                if len(self.memo) < 2_000_000:
                    self.memo[(tag, v)] = got
            new, issues = got
            mapping[v] = new
            for issue in issues:
                if issue.code.endswith("_unknown"):
                    per_value_msgs[v].append(issue)
                    continue
                entry = by_issue.setdefault((issue.code, issue.severity), (issue.message, []))
                entry[1].append(v)
        fixed = (
            s.replace_strict(mapping, default=None, return_dtype=dtype)
            if mapping
            else pl.Series(key, [None] * len(s), dtype=dtype)
        )
        for (code, severity), (message, vals) in by_issue.items():
            frame = sink.flag(frame, todo & s.is_in(vals), key, code, severity, message)
        for v, issues in per_value_msgs.items():
            for issue in issues:
                frame = sink.flag(frame, todo & (s == v), key, issue.code, issue.severity, issue.message)
        return frame, fixed

    def column(self, frame: pl.DataFrame, sink: Sink, col: Column) -> pl.DataFrame:
        key = col.key
        s = frame[key]
        kind = col.normaliser
        if col.choices is not None:
            return self._choices(frame, sink, col)
        if kind in (K.TEXT, K.NAME):
            # Combining marks mean NFD (or stray accents): the slow path decides.
            if kind == K.NAME:
                clean = ~s.str.contains(_NAME_NEEDS_WORK) & ~partly_tcvn3(s)
            else:
                clean = ~s.str.contains(r"\p{M}|\s\s|" + _SUSPECT_POLARS)
            fix = fix_name if kind == K.NAME else fix_text
            todo = ~clean.fill_null(True)
            if todo.any():
                frame, fixed = self._python(frame, sink, key, fix, todo, pl.String())
                frame = frame.with_columns(pl.when(todo).then(fixed).otherwise(pl.col(key)).alias(key))
            return self._rare_tcvn3_words(frame, sink, key) if kind == K.NAME else frame
        if kind == K.CODE:
            if not s.str.contains(r"[^0-9A-Z]").any():
                return frame
            code = pl.col(key).str.replace_all(r"\s+", "").str.replace(r"\.0$", "").str.to_uppercase()
            return frame.with_columns(pl.when(code.str.len_bytes() > 0).then(code).alias(key))
        if kind == K.DATE:
            # dd/mm/yyyy parses directly; anything else (d/m/yyyy, ISO, serials, junk) is slow path
            parsed = s.str.strptime(pl.Date, "%d/%m/%Y", strict=False)
            todo = s.is_not_null() & (parsed.is_null() | (s.str.len_bytes() != 10))
            if todo.any():
                frame, fixed = self._python(frame, sink, key, fix_date, todo, pl.Date())
                parsed = pl.select(pl.when(todo).then(fixed).otherwise(parsed)).to_series()
            return frame.with_columns(parsed.alias(key))
        if kind == K.PERSONAL_ID:
            fast = s.str.contains(r"^[0-9]{12}$").fill_null(True)  # ASCII digits: \d is Unicode
            todo = ~fast
            if not todo.any():
                return frame
            frame, fixed = self._python(frame, sink, key, fix_pid, todo, pl.String())
            return frame.with_columns(pl.when(todo).then(fixed).otherwise(pl.col(key)).alias(key))
        if kind == K.PHONE:
            fast = s.str.contains(r"^(0[35789][0-9]{8}|02[0-9]{9})$").fill_null(True)
            todo = ~fast
            if not todo.any():
                return frame
            frame, fixed = self._python(frame, sink, key, fix_phone, todo, pl.String())
            return frame.with_columns(pl.when(todo).then(fixed).otherwise(pl.col(key)).alias(key))
        if kind == K.SCHOOL_YEAR:
            todo = s.is_not_null()
            frame, fixed = self._python(frame, sink, key, fix_school_year, todo, pl.String())
            return frame.with_columns(fixed.alias(key))
        if kind == K.CLASS_NAME:
            todo = s.is_not_null()
            frame, fixed = self._python(frame, sink, key, fix_class_name, todo, pl.String())
            return frame.with_columns(fixed.alias(key))
        if kind == K.INTEGER:
            out = s.str.replace(r"\.0$", "").cast(pl.Int64, strict=False)
            frame = sink.flag(
                frame, s.is_not_null() & out.is_null(), key, "not_a_number", ERROR, _("Not a whole number.")
            )
            return frame.with_columns(out.alias(key))
        raise ValueError(f"unknown normaliser {kind!r}")

    def _rare_tcvn3_words(self, frame: pl.DataFrame, sink: Sink, key: str) -> pl.DataFrame:
        """A name word that is a syllable ("Phóc") but whose TCVN3 reading ("Phúc") is common in
        this file while the word itself is rare: not repaired — "Phó" is a real name too — but
        flagged for the officer to look at (text_legacy_suspect, naming the likely name)."""
        counts = self.words.setdefault(key, {})
        words = frame[key].str.split(" ").explode().drop_nulls()  # names are tidied: one space
        for word, n in words.value_counts().iter_rows():
            counts[word] = counts.get(word, 0) + n
        rare = [
            (w, r)
            for w in words.filter(words.str.contains(syllables.REUSED_PATTERN)).unique().to_list()
            if (r := syllables.tcvn3_reading(w))
            and counts.get(r, 0) >= RARE_READING_MIN
            and counts[w] * RARE_READING_RATIO <= counts[r]
        ]
        for word, reading in rare:
            mask = frame[key].str.contains(r"(?:^|\P{L})" + re.escape(word) + r"(?:$|\P{L})")
            frame = sink.flag(
                frame, mask, key, "text_legacy_suspect", WARNING,
                _("“%(word)s” may be “%(reading)s” typed in the old TCVN3 font: check the name.")
                % {"word": word, "reading": reading},
            )  # fmt: skip
        return frame

    def _choices(self, frame: pl.DataFrame, sink: Sink, col: Column) -> pl.DataFrame:
        mapper = col.choices
        assert mapper is not None

        def fix_choice(value: str) -> tuple[Any, list[Issue]]:
            code = mapper(value)
            if code is None:
                return None, [
                    Issue(
                        f"{col.key}_unknown",
                        ERROR,
                        _("Unknown value “%(value)s” for this column.") % {"value": value[:60]},
                    )
                ]
            return str(code), []

        fix_choice.__name__ = "choice"
        s = frame[col.key]
        frame, fixed = self._python(frame, sink, col.key, fix_choice, s.is_not_null(), pl.String())
        return frame.with_columns(fixed.alias(col.key))


def partly_tcvn3(s: pl.Series) -> pl.Series:
    """Names holding a word that TCVN3 left looking Vietnamese ("Vâ", "Huúnh"): the distinct
    words of the names that hold a letter TCVN3 reuses, each judged once (engine/syllables.py)."""
    cand = s.str.contains(syllables.REUSED_PATTERN).fill_null(False)
    if not cand.any():
        return cand
    some = s.filter(cand)
    words = some.str.extract_all(r"\p{L}+").explode().drop_nulls().unique().to_list()  # few rows
    bad = [w for w in words if syllables.tcvn3_word(w)]
    firsts = some.str.extract(r"^\s*(\p{L}+)", 1).drop_nulls().unique().to_list()
    bad_first = [w for w in firsts if syllables.tcvn3_family(w)]
    if not bad and not bad_first:
        return pl.Series(s.name, [False] * len(s), dtype=pl.Boolean)
    found = pl.lit(False)
    if bad:
        alternatives = "|".join(re.escape(w) for w in sorted(bad, key=len, reverse=True))
        found = found | s.str.contains(r"(?:^|\P{L})(?:" + alternatives + r")(?:$|\P{L})")
    if bad_first:
        alternatives = "|".join(re.escape(w) for w in sorted(bad_first, key=len, reverse=True))
        found = found | s.str.contains(r"^\s*(?:" + alternatives + r")(?:$|\P{L})")
    return pl.select((cand & found).fill_null(False)).to_series()


_LEGACY_SUSPECT = Issue(
    "text_legacy_suspect",
    WARNING,
    _(
        "The text holds characters of an old Vietnamese font (TCVN3/VNI) that could not be converted: check it."
    ),
)
_PARTLY_TCVN3 = Issue(
    "text_legacy_tcvn3",
    WARNING,
    _("Words typed in the old TCVN3 (ABC) font were converted to Unicode: check the name."),
)


# ----- the pure per-value fixers (slow path)
def _legacy(text: str) -> tuple[str, list[Issue]]:
    fixed, which = vnfonts.repair(text)
    if which == "tcvn3":
        return fixed, [
            Issue(
                "text_legacy_tcvn3",
                WARNING,
                _("Text typed in the old TCVN3 (ABC) font was converted to Unicode."),
            )
        ]
    if which == "vni":
        return fixed, [
            Issue("text_legacy_vni", WARNING, _("Text typed in the old VNI font was converted to Unicode."))
        ]
    return text, []


def fix_text(value: str) -> tuple[str | None, list[Issue]]:
    issues: list[Issue] = []
    if unicodedata.is_normalized("NFC", value) is False:
        issues.append(
            Issue("text_nfd", WARNING, _("Text was in decomposed Unicode (NFD); converted to NFC."))
        )
    text = nfc(value)
    text, more = _legacy(text)
    if not more and vnfonts.SUSPECT.search(text) and vnfonts.score(text) < 0:
        more = [_LEGACY_SUSPECT]
    return tidy_spaces(text) or None, issues + more


def fix_name(value: str) -> tuple[str | None, list[Issue]]:
    text, issues = _legacy(value)
    # Words left in TCVN3 are read back before the case is tidied: a capital inside a word
    # ("TÊn" for Tấn) is part of the evidence.
    repaired, partly = syllables.repair_partial(nfc(text))
    if partly:  # else the text goes on as typed (names.normalise says if it was NFD)
        text = repaired
        if not issues:
            issues.append(_PARTLY_TCVN3)
    fixed, more = names.normalise(text)
    if fixed and vnfonts.SUSPECT.search(fixed):
        issues.append(_LEGACY_SUSPECT)
    return fixed or None, [i for i in issues + more if fixed or i.code != "name_spacing"]


_DATE_SPACES = re.compile(r"\s*([/.\-])\s*")
_MIDNIGHT = re.compile(r"(?:\s+|T)0?0:00(?::00(?:\.0+)?)?$")  # a date cell written out with its time
_YMD_SLASHES = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")


def fix_date(value: str) -> tuple[Any, list[Issue]]:
    """core.rules.dates after the shapes spreadsheets add: spaces around the separators,
    a midnight time ("01/03/2014 00:00:00"), yyyy/mm/dd."""
    text = _MIDNIGHT.sub("", _DATE_SPACES.sub(r"\1", value.strip()))
    text = _YMD_SLASHES.sub(r"\1-\2-\3", text)
    parsed, issues = dates.parse(text)
    if parsed is not None and text != value.strip() and not issues:
        issues = [Issue("date_reformatted", WARNING, _("Date rewritten as dd/mm/yyyy."))]
    return parsed, issues


def fix_pid(value: str) -> tuple[str | None, list[Issue]]:
    return normalise_pid(value)


def fix_phone(value: str) -> tuple[str | None, list[Issue]]:
    if not value.strip():
        return None, []
    fixed, issues = phones.normalise(value.strip())
    return fixed or None, issues


_YEAR = re.compile(r"^(\d{4})\s*[-/–—]\s*(\d{4})$")


def fix_school_year(value: str) -> tuple[str | None, list[Issue]]:
    m = _YEAR.match(value.strip())
    if not m or int(m.group(2)) != int(m.group(1)) + 1:
        return None, [Issue("school_year_invalid", ERROR, _("A school year is written like 2025-2026."))]
    fixed = f"{m.group(1)}-{m.group(2)}"
    issues = (
        []
        if fixed == value
        else [Issue("school_year_reformatted", WARNING, _("School year rewritten as yyyy-yyyy."))]
    )
    return fixed, issues


def fix_class_name(value: str) -> tuple[str | None, list[Issue]]:
    text = tidy_spaces(nfc(value))
    return (text.upper() if text[:1].isdigit() else text) or None, []


def normalise_frame(
    kind: Kind, raw: pl.DataFrame, hmap: HeaderMap, problems: Problems, normaliser: Normaliser
) -> tuple[pl.DataFrame, Sink]:
    """Rename file columns to the kind's keys (absent optional columns become null) and fix values."""
    exprs = [pl.col(ROW)]
    for col in kind.columns:
        idx = hmap.letter_of.get(col.key)
        absent = pl.lit(None, dtype=pl.Date if col.normaliser == K.DATE else pl.String)
        exprs.append((pl.col(f"c{idx}") if idx is not None else absent).alias(col.key))
    frame = raw.select(exprs).with_columns(pl.lit(False).alias(ERR))
    sink = Sink(problems, hmap.header_of)
    for col in kind.columns:
        if col.key in hmap.header_of:
            frame = _drop_nul(frame, sink, col.key)
            frame = normaliser.column(frame, sink, col)
    return frame, sink


def _drop_nul(frame: pl.DataFrame, sink: Sink, key: str) -> pl.DataFrame:
    """A NUL character is no text anyone typed, and PostgreSQL can neither store nor compare one
    (a lookup of a school code holding one was a 500): removed, with a warning."""
    nul = frame[key].str.contains("\x00", literal=True).fill_null(False)
    if not nul.any():
        return frame
    frame = sink.flag(
        frame, nul, key, "text_nul_removed", WARNING, _("A NUL character was removed from the cell.")
    )
    cleaned = pl.col(key).str.replace_all("\x00", "", literal=True)
    return frame.with_columns(pl.when(cleaned.str.len_chars() > 0).then(cleaned).alias(key))
