"""Relevance of library search, measured (issue #20 item 6): nDCG@10 over judged queries.

The judged set is our own, written from the GDPT 2018 curriculum topics
(edudx/library/curriculum_topics.py), never tuned to a held-out set:

- a corpus generated like the library's (titles "Bài giảng: <topic>", "<topic> (phiếu học tập,
  lớp 9)", "<topic> – tiết 2"; titles about another topic that quote this one, "<other> (trích
  <topic>)", "<other> và <topic>"; bodies that mention a further topic), in a SQLite file with
  the library's FTS5 tables (edudx.library.search DDL);
- the queries in bench/relevance/queries.tsv (`--write-queries` writes them again from the
  topics, deterministically): each topic in full, its first words, the same with one mistyped
  letter (insertion, deletion, substitution or transposition in a word of 4+ letters, two at
  8+), and typed with accents, some of them wrong ("phuơng");
- judgments from what the generator wrote: 3 for a resource about the query's topic, 2 for one
  about another topic whose name holds the query's words in order, 1 for a title that quotes
  the topic but is about another, 0 otherwise (a body that mentions it).

Every query runs through the library's own code: edudx.library.search.window (tiers and the
librarian's order) and, when nothing matches, the typo fallback (search.INDEX.correct) over
FTS5's vocabulary. Prints nDCG@10 overall and per kind of query, the worst queries, and the
load average.

    .venv/bin/python bench/search_relevance.py [--rows 50000] [--db PATH] [--rebuild] [--write-queries]
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import random
import sqlite3
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edudx.core.search import typos  # noqa: E402
from edudx.core.search.query import parse  # noqa: E402
from edudx.core.text import fold  # noqa: E402
from edudx.library import search  # noqa: E402
from edudx.library.curriculum_topics import all_topics  # noqa: E402

QUERIES = Path(__file__).resolve().parent / "relevance" / "queries.tsv"
PREFIXES = [
    "Kế hoạch bài dạy",
    "Bài giảng",
    "Phiếu học tập",
    "Đề kiểm tra 15 phút",
    "Bài trình chiếu",
    "Video bài giảng",
    "Tư liệu tham khảo",
    "Trò chơi tương tác",
]
FILLER = [
    "học",
    "sinh",
    "thảo",
    "luận",
    "nhóm",
    "trình",
    "bày",
    "kết",
    "quả",
    "giáo",
    "viên",
    "nhận",
    "xét",
    "đánh",
    "giá",
    "vận",
    "dụng",
    "thực",
    "tiễn",
]


class Cursor:
    """The DB-API cursor Django hands edudx.core.search, over a raw sqlite3 connection."""

    def __init__(self, con: sqlite3.Connection):
        self.cur = con.cursor()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cur.close()

    def execute(self, sql, params=()):
        self.cur.execute(sql.replace("%s", "?"), list(params))

    def fetchall(self):
        return self.cur.fetchall()

    def fetchone(self):
        return self.cur.fetchone()


class Connection:
    vendor = "sqlite"
    alias = "relevance"

    def __init__(self, con: sqlite3.Connection, path: Path):
        self.con = con
        self.settings_dict = {"NAME": str(path)}

    def cursor(self):
        return Cursor(self.con)


def topic_titles():
    return [(i, s, g, t) for i, (s, g, t) in enumerate(all_topics())]


def generate(db: Path, rows: int) -> None:
    rng = random.Random(20)
    topics = topic_titles()
    con = sqlite3.connect(db)
    con.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
        "CREATE TABLE library_resource (id INTEGER PRIMARY KEY, title TEXT, state TEXT, use_count INTEGER,"
        " search_title TEXT NOT NULL DEFAULT '', search_body TEXT NOT NULL DEFAULT '');"
        "CREATE TABLE judged (resource_id INTEGER, topic INTEGER, kind TEXT);"
    )
    res, judged = [], []
    for i in range(1, rows + 1):
        tid, _s, grade, topic = rng.choice(topics)
        other_id, _s2, _g2, other = rng.choice(topics)
        mention = rng.choice(topics)[3]
        r = rng.random()
        prefix = rng.choice(PREFIXES)
        if r < 0.08:
            # About another topic, quoting this one: 1 for this topic, 3 for the other.
            title = f"{other} (trích {topic})" if rng.random() < 0.5 else f"{other} và {topic}"
            judged += [(i, tid, "quoted"), (i, other_id, "main")]
        else:
            if r < 0.5:
                title = f"{prefix}: {topic}"
            elif r < 0.75:
                title = f"{topic} ({prefix.lower()}, lớp {grade})"
            elif r < 0.9:
                title = f"{topic} – tiết {rng.randint(1, 4)}"
            else:
                title = topic
            judged.append((i, tid, "main"))
        body = f"{prefix} lớp {grade}. Liên hệ: {mention}. " + " ".join(rng.choices(FILLER, k=15))
        state = "published" if rng.random() < 0.9 else "draft"
        res.append((i, title, state, int(rng.paretovariate(1.2)), fold(title), fold(body)))
    con.executemany("INSERT INTO library_resource VALUES (?,?,?,?,?,?)", res)
    con.executemany("INSERT INTO judged VALUES (?,?,?)", judged)
    con.execute("CREATE INDEX judged_topic ON judged(topic)")
    con.execute(search.sqlite_sql()[0])
    con.execute(f"INSERT INTO {search.FTS}({search.FTS}) VALUES('rebuild')")
    con.execute(search.title_sqlite_sql()[0])
    con.execute(f"INSERT INTO {search.TITLE_FTS}({search.TITLE_FTS}) VALUES('rebuild')")
    con.commit()
    con.close()


def mistype(word: str, rng: random.Random) -> str:
    """One edit (two at 8+ letters) of a kind chosen at random."""
    for _ in range(2 if len(word) >= 8 else 1):
        k = rng.randrange(1, len(word) - 1)
        kind = rng.choice(["insert", "delete", "substitute", "transpose"])
        letter = rng.choice("abcdefghiklmnopqrstuvxy")
        if kind == "insert":
            word = word[:k] + letter + word[k:]
        elif kind == "delete":
            word = word[:k] + word[k + 1 :]
        elif kind == "substitute":
            word = word[:k] + (letter if letter != word[k] else "z") + word[k + 1 :]
        else:
            word = word[: k - 1] + word[k] + word[k - 1] + word[k + 1 :]
    return word


WRONG_ACCENTS = {"ư": "ơ", "ơ": "ư", "ắ": "ấ", "ấ": "ắ", "ạ": "ả", "ê": "é", "ô": "ó", "à": "á"}


def write_queries() -> None:
    rng = random.Random(2018)
    rows = []
    for tid, _s, _g, topic in topic_titles():
        parsed = parse(topic)
        words = list(parsed.words) if parsed else []
        rows.append((" ".join(words), tid, "full"))
        if len(words) > 3:
            rows.append((" ".join(words[:3]), tid, "first_words"))
        long = [k for k, w in enumerate(words) if len(w) >= 4]
        if long and rng.random() < 0.6:
            typed = list(words)
            k = rng.choice(long)
            typed[k] = mistype(typed[k], rng)
            rows.append((" ".join(typed), tid, "typo"))
        if rng.random() < 0.2:
            accented = "".join(WRONG_ACCENTS.get(ch, ch) for ch in topic.lower())
            rows.append((accented, tid, "accent"))
    QUERIES.parent.mkdir(parents=True, exist_ok=True)
    with QUERIES.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# query\ttopic (index in curriculum_topics.all_topics())\tkind\n")
        csv.writer(fh, delimiter="\t", lineterminator="\n").writerows(rows)
    print(f"wrote {len(rows)} queries to {QUERIES}")


def read_queries() -> list[tuple[str, int, str]]:
    out = []
    with QUERIES.open(encoding="utf-8") as fh:
        for row in csv.reader((line for line in fh if not line.startswith("#")), delimiter="\t"):
            out.append((row[0], int(row[1]), row[2]))
    return out


def gains_for(con, tid: int, topics) -> dict[int, int]:
    """3: about the topic; 2: about another topic whose name holds the topic's name... as its
    first words hold the query; 1: quotes the topic."""
    gains: dict[int, int] = {}
    for rid, kind in con.execute("SELECT resource_id, kind FROM judged WHERE topic = ?", (tid,)):
        gains[rid] = max(gains.get(rid, 0), 3 if kind == "main" else 1)
    return gains


def dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(k + 2) for k, g in enumerate(gains))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--db", default="/tmp/edudx-bench/relevance.sqlite3")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--write-queries", action="store_true")
    ap.add_argument("--worst", type=int, default=8)
    args = ap.parse_args()
    if args.write_queries:
        write_queries()
    db = Path(args.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    if args.rebuild and db.exists():
        db.unlink()
    if not db.exists():
        started = time.monotonic()
        generate(db, args.rows)
        print(f"corpus: {args.rows:,} resources in {time.monotonic() - started:.0f}s")
    raw = sqlite3.connect(db)
    conn = Connection(raw, db)
    topics = topic_titles()
    folded = {tid: " " + " ".join(fold(t).replace("–", " ").split()) + " " for tid, _s, _g, t in topics}
    published = {r[0] for r in raw.execute("SELECT id FROM library_resource WHERE state = 'published'")}

    def visible(ids):
        marks = ",".join("?" * len(ids))
        rows = raw.execute(
            f"SELECT id, search_title, use_count FROM library_resource WHERE state = 'published' AND id IN ({marks})",
            ids,
        )
        return {pk: search.Candidate(title, usage=uses) for pk, title, uses in rows}

    def run(sql, params):
        return raw.execute(sql.replace("%s", "?"), params).fetchall()

    typos.forget()
    scores: dict[str, list[float]] = defaultdict(list)
    worst: list[tuple[float, str, str, list[str]]] = []
    corrected = 0
    started = time.perf_counter()
    for text, tid, kind in read_queries():
        q = parse(text)
        ids, _full = (
            search.window(q, run=run, visible=visible, need=11, vendor="sqlite") if q else ([], False)
        )
        if q and not ids:
            fixed = search.INDEX.correct(q, conn)
            if fixed is not None:
                corrected += 1
                ids, _full = search.window(fixed, run=run, visible=visible, need=11, vendor="sqlite")
        # Judgments: the query's topic (3 / 1), and other topics whose name holds the
        # (untyped) query's words in order (2).
        gains = gains_for(raw, tid, topics)
        phrase = folded[tid] if kind in ("typo", "accent") else " " + " ".join(parse(text).words) + " "
        for other, name in folded.items():
            if other != tid and phrase in name:
                for rid, g in gains_for(raw, other, topics).items():
                    if g == 3:
                        gains[rid] = max(gains.get(rid, 0), 2)
        gains = {rid: g for rid, g in gains.items() if rid in published}
        got = [gains.get(pk, 0) for pk in ids[:10]]
        ideal = dcg(sorted(gains.values(), reverse=True)[:10])
        ndcg = dcg(got) / ideal if ideal else 0.0
        scores[kind].append(ndcg)
        scores["all"].append(ndcg)
        titles = [
            r[0]
            for r in raw.execute(
                f"SELECT title FROM library_resource WHERE id IN ({','.join(map(str, ids[:3])) or '0'})"
            )
        ]
        worst.append((ndcg, text, kind, titles))
    elapsed = time.perf_counter() - started
    n = len(scores["all"])
    print(f"relevance: {n} judged queries over {len(published):,} published resources of {db}")
    for kind in ("all", "full", "first_words", "typo", "accent"):
        v = scores.get(kind, [])
        if v:
            print(
                f"  nDCG@10 {kind:<12} {sum(v) / len(v):.3f}  ({len(v)} queries, {sum(1 for x in v if x == 0)} at 0)"
            )
    print(f"  typo fallback used for {corrected} queries; {elapsed / n * 1000:.1f} ms a query on average")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for ndcg, text, kind, titles in sorted(worst)[: args.worst]:
        print(f"  worst {ndcg:.2f} [{kind}] {text!r} -> {titles}")


if __name__ == "__main__":
    main()
