"""GIFT, Moodle's plain-text question format: parse into (kind, title, text, data) and write back.

Supported: single choice `{=right ~wrong}`, multiple choice with weights `{~%50%a ~%50%b ~%-100%c}`,
true/false `{T}`/`{FALSE}`, short answer `{=a =b}`, numeric `{#3.14:0.01}`, matching
`{=a -> 1 =b -> 2}`, open answer `{}`, and the missing word (text after the braces) as a fill-in
when its answers are short answers. Comments `//`, escapes `\\~ \\= \\# \\{ \\} \\:`. GIFT has no
ordering item: exporting one writes it as a comment so a file never loses it silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_QUESTIONS = 2000
MAX_TEXT = 2_000_000

_ESC = {"\\~": "\x01", "\\=": "\x02", "\\#": "\x03", "\\{": "\x04", "\\}": "\x05", "\\:": "\x06"}
_UNESC = {"\x01": "~", "\x02": "=", "\x03": "#", "\x04": "{", "\x05": "}", "\x06": ":"}


@dataclass
class Parsed:
    kind: str
    title: str
    text: str
    data: dict[str, Any]


@dataclass
class Result:
    questions: list[Parsed] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (question number, what)


def _protect(text: str) -> str:
    for k, v in _ESC.items():
        text = text.replace(k, v)
    return text


def _restore(text: str) -> str:
    for k, v in _UNESC.items():
        text = text.replace(k, v)
    return text.strip()


def _chunks(source: str) -> list[str]:
    lines = [ln for ln in source.replace("\r\n", "\n").split("\n") if not ln.lstrip().startswith("//")]
    return [c.strip() for c in re.split(r"\n\s*\n", "\n".join(lines)) if c.strip()]


def _answers(body: str) -> list[tuple[str, str]]:
    """[(marker, text)] where marker is '=' or '~' (weights kept in the text)."""
    return [(m.group(1), m.group(2).strip()) for m in re.finditer(r"([=~])([^=~]*)", body)]


def _weight(text: str) -> tuple[float | None, str]:
    m = re.match(r"%(-?\d+(?:\.\d+)?)%(.*)", text, re.S)
    return (float(m.group(1)), m.group(2)) if m else (None, text)


def _strip_feedback(text: str) -> str:
    return text.split("#", 1)[0].strip()


def _one(chunk: str) -> Parsed:
    chunk = _protect(chunk)
    title = ""
    m = re.match(r"::(.*?)::(.*)", chunk, re.S)
    if m:
        title, chunk = m.group(1), m.group(2)
    chunk = re.sub(r"^\[(html|plain|markdown|moodle)\]", "", chunk.strip())
    # The first "{" and the last "}" after it, found by scanning once: the regular expression
    # that did this backtracked over every "{" (100 KB of them took ~30 s of CPU).
    opening = chunk.find("{")
    closing = chunk.rfind("}")
    if opening < 0 or closing < opening:
        raise ValueError("no answer block {…}")
    before, body, after = (
        chunk[:opening].strip(),
        chunk[opening + 1 : closing].strip(),
        chunk[closing + 1 :].strip(),
    )
    text = _restore(before + (" ___ " + after if after else ""))
    title = _restore(title)
    if body == "":
        return Parsed("essay", title, text, {})
    upper = body.upper().split("#", 1)[0].strip()
    if upper in ("T", "TRUE", "F", "FALSE"):
        return Parsed("true_false", title, text, {"correct": upper.startswith("T")})
    if body.startswith("#"):
        num = body[1:].split("=", 1)[-1].split("#", 1)[0].strip()
        value, _, tol = num.partition(":")
        if ".." in value:
            lo, hi = (float(x) for x in value.split(".."))
            return Parsed("numeric", title, text, {"value": (lo + hi) / 2, "tolerance": (hi - lo) / 2})
        return Parsed("numeric", title, text, {"value": float(value), "tolerance": float(tol or 0)})
    answers = _answers(body)
    if not answers:
        raise ValueError("no answers")
    if all(mark == "=" and "->" in t for mark, t in answers):
        pairs = [[_restore(a), _restore(b)] for a, b in (t.split("->", 1) for _, t in answers)]
        return Parsed("matching", title, text, {"pairs": pairs})
    if all(mark == "=" for mark, _ in answers):
        accepted = [_restore(_strip_feedback(_weight(t)[1])) for _, t in answers]
        if after:
            return Parsed("fill", title, text, {"blanks": [accepted], "fold": True})
        return Parsed("short", title, text, {"answers": accepted, "fold": True})
    options, correct = [], []
    weighted = False
    for i, (mark, t) in enumerate(answers):
        weight, rest = _weight(t)
        weighted = weighted or weight is not None
        options.append(_restore(_strip_feedback(rest)))
        if mark == "=" or (weight is not None and weight > 0):
            correct.append(i)
    if not correct:
        raise ValueError("no right answer")
    kind = "multiple" if weighted and len(correct) > 1 else "single"
    return Parsed(
        kind, title, text, {"options": options, "correct": correct[:1] if kind == "single" else correct}
    )


def parse(source: str) -> Result:
    result = Result()
    if len(source) > MAX_TEXT:
        result.errors.append((0, "too_large"))
        return result
    chunks = [c for c in _chunks(source) if not c.startswith("$CATEGORY")]
    for n, chunk in enumerate(chunks[:MAX_QUESTIONS], start=1):
        try:
            result.questions.append(_one(chunk))
        except (ValueError, IndexError) as exc:
            result.errors.append((n, str(exc) or "unreadable"))
    return result


def _esc(text: Any) -> str:
    out = str(text)
    for ch in "\\~=#{}:":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def _num(value: Any) -> str:
    return f"{float(value):g}"


def write_one(kind: str, title: str, text: str, data: dict[str, Any]) -> str:
    head = f"::{_esc(title)}::" if title else ""
    if kind == "single":
        body = " ".join(
            ("=" if i in data["correct"] else "~") + _esc(o) for i, o in enumerate(data["options"])
        )
    elif kind == "multiple":
        right = data["correct"]
        wrongs = len(data["options"]) - len(right)
        parts = []
        for i, o in enumerate(data["options"]):
            w = 100 / len(right) if i in right else (-100 / wrongs if wrongs else 0)
            parts.append(f"~%{w:g}%{_esc(o)}")
        body = " ".join(parts)
    elif kind == "true_false":
        body = "TRUE" if data["correct"] else "FALSE"
    elif kind == "short":
        body = " ".join("=" + _esc(a) for a in data["answers"])
    elif kind == "numeric":
        body = f"#{_num(data['value'])}:{_num(data.get('tolerance', 0))}"
    elif kind == "matching":
        body = " ".join(f"={_esc(a)} -> {_esc(b)}" for a, b in data["pairs"])
    elif kind == "fill" and len(data.get("blanks", [])) == 1 and "___" in text:
        before, after = text.split("___", 1)
        body = " ".join("=" + _esc(a) for a in data["blanks"][0])
        return f"{head}{_esc(before.strip())} {{{body}}} {_esc(after.strip())}"
    elif kind == "essay":
        body = ""
    else:
        return f"// {kind} is not a GIFT type: {_esc(title or text)[:200]}"
    return f"{head}{_esc(text)} {{{body}}}"


def write(questions: list[tuple[str, str, str, dict[str, Any]]]) -> str:
    return "\n\n".join(write_one(*q) for q in questions) + "\n"
