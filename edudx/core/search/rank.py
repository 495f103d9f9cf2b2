"""The order a librarian would give (issue #20 item 2), for a window of candidates:

1. the query as a phrase in the title (its words next to each other, in order);
2. every word in the title;
3. the words in title and body together (body-only matches never come before a title match);

and among equals, the title that *is* the query before a longer one — unless the longer
title's extra words are not themselves a topic: "Bài giảng: Truyện Kiều (lớp 10)" is as good as
"Truyện Kiều" for `truyen kieu` (its extra words say what kind of resource it is, `generic`),
while "Trao duyên (trích Truyện Kiều)" is about Trao duyên and comes after both. Usage signals
(downloads, ratings) then break the ties, then the newer resource.

`window` reads the candidates in tiers of the newest matches, best tier first, until a page is
full (see docs/decisions/0003-library-search-windows-and-capped-facets.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .query import Query

WORD = re.compile(r"[0-9a-z]+")

# A window of candidates: SQL and its parameters, or rows the caller has read already (a walk
# it shares with another part of the request).
Tier = tuple[str, list[Any]] | Callable[[], list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Candidate:
    title_key: str  # the folded title
    usage: float = 0.0  # higher is more used / better rated


def title_tier(words: list[str], q: Query) -> int:
    """3: the query as a phrase in the title; 2: every word in it; 1: neither."""
    n = len(q.words)

    def same(title_word: str, k: int) -> bool:
        w = q.words[k]
        return title_word.startswith(w) if (q.prefix and k == n - 1) else title_word == w

    for start in range(len(words) - n + 1):
        if all(same(words[start + k], k) for k in range(n)):
            return 3
    if all(any(same(tw, k) for tw in words) for k in range(n)):
        return 2
    return 1


def extra_topic_words(title_key: str, q: Query, generic: re.Pattern[str] | None) -> int:
    """How many words of the title are neither the query's nor generic (a resource kind,
    "lớp 10", "tiết 2", a number)."""
    rest = generic.sub(" ", title_key) if generic else title_key
    asked = set(q.words)
    return sum(
        1
        for w in WORD.findall(rest)
        if w not in asked and not w.isdigit() and not (q.prefix and w.startswith(q.words[-1]))
    )


def score(c: Candidate, q: Query, generic: re.Pattern[str] | None = None) -> tuple[int, int, float]:
    words = WORD.findall(c.title_key)
    return (title_tier(words, q), -extra_topic_words(c.title_key, q, generic), c.usage)


def order(found: dict[int, Candidate], q: Query, generic: re.Pattern[str] | None = None) -> list[int]:
    """The ids of `found`, best first (ties: the newer, i.e. higher, id): `score`'s order. The
    title's part of the score is worked out once per distinct title (a window of a thousand
    candidates holds a few hundred titles: "Bài giảng: Vectơ (lớp 10)" many times over)."""
    by_title: dict[str, tuple[int, int]] = {}

    def key(pk: int) -> tuple[int, int, float, int]:
        c = found[pk]
        part = by_title.get(c.title_key)
        if part is None:
            tier, extra, _ = score(c, q, generic)
            part = by_title[c.title_key] = (tier, extra)
        return (*part, c.usage, pk)

    return sorted(found, key=key, reverse=True)


def window(
    tiers: list[Tier],
    *,
    run: Callable[[str, list[Any]], list[tuple[Any, ...]]],
    visible: Callable[[list[int]], dict[int, Candidate]],
    need: int,
    caps: list[int],
) -> tuple[dict[int, Candidate], bool]:
    """Read `tiers` ((sql, params) selecting ids, newest first, each LIMIT caps[i], or a
    function returning such rows) until
    `need` visible candidates are found. Every candidate of an earlier tier outranks every
    candidate of a later one, so once the page is full the later tiers cannot change it.
    A row may carry a second column, whether it passes the caller's filters (rows that do not
    count towards the cap only). Returns the candidates and whether a tier read was full
    (more matches exist beyond it)."""
    found: dict[int, Candidate] = {}
    seen: set[int] = set()
    full = False
    for tier, cap in zip(tiers, caps, strict=True):
        rows = tier() if callable(tier) else run(*tier)
        full = full or len(rows) >= cap
        ids = [r[0] for r in rows if len(r) < 2 or r[1]]
        new = [pk for pk in ids if pk not in seen]
        seen.update(new)
        for k in range(0, len(new), 900):
            found.update(visible(new[k : k + 900]))
        if len(found) >= need:
            break
    return found, full
