"""What a query means: folded words, and whether the last one is still being typed.

- Searching (a submitted query) matches every word whole: "truyen kieu" does not find
  "Truyện Kiều Nguyệt" by a prefix "kieu*", and "quang h" does not mean "quang h*".
- As one types (suggestions), the last word is a prefix until a space follows it; a
  one-letter last word is never a prefix (it would expand to every word with that initial:
  "quang h" would read every title with a word in h): it is left out until a second letter
  comes. Submitted, it is a whole word ("vitamin a"); a search it empties falls back to the
  query without it (`edudx.library.search.corrected`).
- Accents are folded away (`edudx.core.text.fold`), so a word typed with the wrong accent
  ("phuơng", "phưong") is the same word as "phương".

The dialects: an FTS5 MATCH expression (SQLite) and a tsquery (PostgreSQL, 'simple'
configuration) of the same meaning. Tokens are [0-9a-z]+ once folded, so neither needs
escaping beyond the quotes written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from edudx.core.text import search_tokens

# Shorter last words never expand (see the module's docstring).
MIN_PREFIX = 2


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...]
    # The last word matches as a prefix (it is still being typed).
    prefix: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def with_words(self, words: list[str] | tuple[str, ...]) -> Query:
        return Query(tuple(words), self.prefix)


def parse(text: str | None, *, typing: bool = False) -> Query | None:
    """The query typed; None when it has no searchable word. `typing`: the user is still
    typing (suggestions) — the last word is then a prefix unless a space follows it."""
    words = search_tokens(text)
    if not words:
        return None
    being_typed = typing and not (text or "").endswith((" ", "\u00a0"))
    if being_typed and len(words[-1]) < MIN_PREFIX and len(words) > 1:
        # One letter of a word being typed says nothing yet: left out, not expanded.
        words = words[:-1]
        being_typed = False
    return Query(tuple(words), being_typed and len(words[-1]) >= MIN_PREFIX)


def fts5(q: Query, *, column: str | None = None) -> str:
    """FTS5 MATCH: every word (AND), the last one with "*" when it is a prefix."""
    words = [f'"{w}"' for w in q.words]
    if q.prefix:
        words[-1] += "*"
    expr = " ".join(words)
    return f"{column} : ({expr})" if column else expr


def fts5_phrase(q: Query) -> str:
    """FTS5 phrase: the words next to each other, in order."""
    return f'"{q.text}"' + ("*" if q.prefix else "")


def tsquery(q: Query) -> str:
    """PostgreSQL to_tsquery('simple', …) text: every word (AND)."""
    words = list(q.words)
    if q.prefix:
        words[-1] += ":*"
    return " & ".join(words)


def tsquery_phrase(q: Query) -> str:
    """PostgreSQL to_tsquery('simple', …) text: the words next to each other, in order."""
    words = list(q.words)
    if q.prefix:
        words[-1] += ":*"
    return " <-> ".join(words)
