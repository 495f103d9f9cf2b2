# Table names are constants of the calling app, never input; values are bound parameters.
# ruff: noqa: S608
"""Typo tolerance (issue #20 item 1): a query whose words do not all match falls back to the
closest terms of the index's own vocabulary — never a scan of the documents.

- One edit (insertion, deletion, substitution, transposition of two neighbours) for words
  of 4 to 7 letters, two for 8 or more, counting the longer of the typed word and the term
  (a letter left out of a 4-letter word, "bng" for "bang", is one edit); shorter words are
  never corrected ("an", "tma").
- The vocabulary is the index's: on SQLite the FTS5 table's terms (an `fts5vocab` table),
  on PostgreSQL a table of terms kept by a trigger (`search_term`, `postgres_sql`) with a
  `pg_trgm` index.
- PostgreSQL: words at one edit are found by looking their variants up (a few hundred exact
  lookups in the term table's b-tree), words at two edits by trigram similarity. SQLite: in a
  per-process copy of the title vocabulary with its deletion neighbourhoods, refreshed when
  rows are added and every VOCABULARY_TTL seconds (reading it takes ~0.6 s at a million
  resources, once); whether a typed word is known is asked of FTS5 itself.
- Of the combinations of candidates, the fewest edits win, then the one that matches the
  most (`matches`, counted by the app, capped), so "quagn hop" becomes "quang hop" (a topic)
  rather than "quan hop".
"""

from __future__ import annotations

import itertools
import string
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .query import Query

ALPHABET = string.ascii_lowercase + string.digits
# Candidates kept per word, and combinations counted, at most.
PER_WORD = 4
TRIES = 8
VOCABULARY_TTL = 600.0
MAX_COMBOS = 512


def _product(sizes: Iterable[int]) -> int:
    out = 1
    for n in sizes:
        out *= n
    return out


def allowed_edits(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 8 else 2


def distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (Levenshtein plus transposition of neighbours),
    or limit + 1 when it is larger than `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def variants(word: str) -> set[str]:
    """Every string one edit away from `word` over [a-z0-9]."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in ALPHABET}
    out |= {a + c + b for a, b in splits for c in ALPHABET}
    out.discard(word)
    return out


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


class Vocabulary(Protocol):
    def known(self, words: Iterable[str]) -> set[str]: ...

    def near(self, word: str, edits: int) -> dict[str, int]:
        """{term: documents holding it (0 when unknown)} for terms within `edits` edits."""
        ...


@dataclass
class MemoryVocabulary:
    """Terms with their document counts, and their deletion neighbourhoods (two deletes for
    terms of 6+ letters, which is what a two-edit match of an 8+ letter word needs)."""

    terms: dict[str, int]
    _index: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for t in self.terms:
            for d in _deletes(t, 2 if len(t) >= 6 else 1):
                self._index.setdefault(d, []).append(t)

    def known(self, words: Iterable[str]) -> set[str]:
        return {w for w in words if w in self.terms}

    def near(self, word: str, edits: int) -> dict[str, int]:
        found: dict[str, int] = {}
        for d in _deletes(word, edits):
            for t in self._index.get(d, ()):
                if t != word and t not in found and distance(word, t, edits) <= edits:
                    found[t] = self.terms[t]
        return found


# ----- SQLite: FTS5's own vocabulary
def _sqlite_vocab_table(cursor: Any, fts: str) -> str:
    """A TEMP fts5vocab table over `fts` (per connection; no migration, nothing stored)."""
    name = f"{fts}_vocab"
    cursor.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{name} USING fts5vocab(main, {fts}, row)")
    return f"temp.{name}"


_cache: dict[tuple[str, str, str], tuple[Any, float, MemoryVocabulary]] = {}
_cache_lock = threading.Lock()


def forget() -> None:
    """Drop the per-process vocabularies (tests; after a bulk load)."""
    with _cache_lock:
        _cache.clear()


@dataclass
class SqliteVocabulary:
    """`fts`: the FTS5 table whose terms are known (the title+body one); `title_fts`: the
    table whose terms are offered as corrections (titles: what people look for); `content`:
    the content table, whose highest id tells when the copy of two-edit terms is stale."""

    connection: Any
    fts: str
    title_fts: str
    content: str

    def known(self, words: Iterable[str]) -> set[str]:
        # One MATCH each, LIMIT 1: reads the start of the word's doclist, where fts5vocab
        # would count every document of a common word.
        found = set()
        with self.connection.cursor() as cur:
            for w in sorted(set(words)):
                cur.execute(f"SELECT 1 FROM {self.fts} WHERE {self.fts} MATCH %s LIMIT 1", [f'"{w}"'])
                if cur.fetchone():
                    found.add(w)
        return found

    def near(self, word: str, edits: int) -> dict[str, int]:
        # The per-process copy: looking a few hundred variants up in fts5vocab counts the
        # documents of each term found, which for common words ("dong", "dieu") reads long
        # doclists — a second at a million resources for a query of common words.
        return self._memory().near(word, edits)

    def _memory(self) -> MemoryVocabulary:
        key = (self.connection.alias, str(self.connection.settings_dict.get("NAME")), self.title_fts)
        with self.connection.cursor() as cur:
            cur.execute(f"SELECT max(id) FROM {self.content}")
            stamp = cur.fetchone()[0]
        with _cache_lock:
            hit = _cache.get(key)
        if hit and hit[0] == stamp and time.monotonic() - hit[1] < VOCABULARY_TTL:
            return hit[2]
        with self.connection.cursor() as cur:
            table = _sqlite_vocab_table(cur, self.title_fts)
            cur.execute(f"SELECT term, doc FROM {table}")
            vocab = MemoryVocabulary(dict(cur.fetchall()))
        with _cache_lock:
            _cache[key] = (stamp, time.monotonic(), vocab)
        return vocab


# ----- PostgreSQL: a table of terms kept by a trigger, with a pg_trgm index
TERM_TABLE = "search_term"
# Two-edit candidates (words of 8+ letters, so at least 6 trigrams in common survive) by
# trigram similarity; the exact distance is checked after.
TRIGRAM_THRESHOLD = 0.3


@dataclass
class PostgresVocabulary:
    connection: Any
    space: str

    def known(self, words: Iterable[str]) -> set[str]:
        with self.connection.cursor() as cur:
            cur.execute(
                f"SELECT term FROM {TERM_TABLE} WHERE space = %s AND term = ANY(%s)",
                [self.space, sorted(set(words))],
            )
            return {r[0] for r in cur.fetchall()}

    def near(self, word: str, edits: int) -> dict[str, int]:
        with self.connection.cursor() as cur:
            cur.execute(
                f"SELECT term FROM {TERM_TABLE} WHERE space = %s AND term = ANY(%s)",
                [self.space, sorted(variants(word))],
            )
            found = {r[0]: 0 for r in cur.fetchall()}
            if edits >= 2:
                cur.execute(
                    f"SELECT term FROM {TERM_TABLE} WHERE space = %s AND term %% %s "
                    f"AND similarity(term, %s) >= %s LIMIT 200",
                    [self.space, word, word, TRIGRAM_THRESHOLD],
                )
                for (t,) in cur.fetchall():
                    if t != word and distance(word, t, edits) <= edits:
                        found[t] = 0
        return found


def postgres_sql(space: str, table: str, columns: list[str]) -> list[str]:
    """DDL keeping `search_term` (space, term) filled from `table`'s folded `columns`: the
    extension, the table with its trigram index, a trigger adding the words of each row
    written, and the words already there. Terms are never removed (a stale term costs one
    lookup that finds no match, and the next combination is tried)."""
    words = " || ' ' || ".join(f"coalesce(NEW.{c}, '')" for c in columns)
    fn = f"{table}_search_terms"
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"CREATE TABLE IF NOT EXISTS {TERM_TABLE} (space varchar(40) NOT NULL, term varchar(100) NOT NULL, "
        f"PRIMARY KEY (space, term))",
        f"CREATE INDEX IF NOT EXISTS {TERM_TABLE}_trgm ON {TERM_TABLE} USING gin (term gin_trgm_ops)",
        f"""CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {TERM_TABLE}(space, term)
    SELECT '{space}', w FROM unnest(tsvector_to_array(to_tsvector('simple', {words}))) AS w
    WHERE length(w) <= 100
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$""",
        f"DROP TRIGGER IF EXISTS {fn} ON {table}",
        f"CREATE TRIGGER {fn} AFTER INSERT OR UPDATE OF {', '.join(columns)} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {fn}()",
        f"INSERT INTO {TERM_TABLE}(space, term) SELECT DISTINCT '{space}', w FROM {table}, "
        f"unnest(tsvector_to_array(to_tsvector('simple', "
        f"{' || chr(32) || '.join(f'coalesce({c}, {chr(39)}{chr(39)})' for c in columns)}))) AS w "
        f"WHERE length(w) <= 100 ON CONFLICT DO NOTHING",
    ]


# ----- the fallback
def correct(q: Query, vocabulary: Vocabulary, matches: Callable[[Query], int]) -> Query | None:
    """The closest query that matches something, or None (nothing to correct, or no
    combination within the allowed edits matches). `matches(q)` counts q's matches (capped
    by the caller: it only orders combinations of equal edits).

    Words the vocabulary lacks are corrected first; only when every word is known (and
    together they match nothing: "dao dong dieu hao") are known words given alternatives."""
    words = list(q.words)
    # A word still being typed is a prefix, not a vocabulary term: kept as it is.
    fixed = len(words) - 1 if q.prefix else None
    known = vocabulary.known(w for i, w in enumerate(words) if i != fixed)
    every_known = all(w in known for i, w in enumerate(words) if i != fixed)
    options: list[list[tuple[str, int]]] = []
    for i, w in enumerate(words):
        here = [(w, 0)] if (i == fixed or w in known) else []
        # A term one letter longer may allow one more edit ("bng" is "bang" less a letter).
        edits = 0 if i == fixed or (w in known and not every_known) else allowed_edits(w + "?")
        if edits:
            near = {
                t: n
                for t, n in vocabulary.near(w, edits).items()
                if distance(w, t, edits) <= allowed_edits(max(w, t, key=len))
            }
            ranked = sorted(near.items(), key=lambda tn: (distance(w, tn[0], edits), -tn[1], tn[0]))
            here += [(t, distance(w, t, edits)) for t, _n in ranked[:PER_WORD]]
        if not here:
            return None
        options.append(here)
    # Bounded work: trim the longest lists (their farthest candidates) to MAX_COMBOS.
    while _product(len(o) for o in options) > MAX_COMBOS:
        longest = max(options, key=len)
        longest.pop()
    # Each combination: its edits, then how far down each word's list its choices are.
    combos = sorted(
        (
            (sum(o[k][1] for o, k in zip(options, pick, strict=True)), sum(pick), pick)
            for pick in itertools.product(*(range(len(o)) for o in options))
            if any(o[k][0] != w for o, k, w in zip(options, pick, words, strict=True))
        ),
    )
    best: tuple[int, int, Query] | None = None
    for cost, _order, pick in combos[:TRIES]:
        if best is not None and cost > best[0]:
            break
        candidate = q.with_words([o[k][0] for o, k in zip(options, pick, strict=True)])
        n = matches(candidate)
        if n and (best is None or n > best[1]):
            best = (cost, n, candidate)
    return best[2] if best else None
