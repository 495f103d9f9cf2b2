"""Quizzes as QTI 1.2 assessments of the Common Cartridge profile: the item kinds the profile
has — single choice (cc.multiple_choice), multiple choice (cc.multiple_response), true/false
(cc.true_false), short answer (cc.fib), open answer (cc.essay). Numeric, matching, ordering and
multi-blank fill-in have no CC item type: they are left out of the cartridge and counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
PROFILES = {
    "single": "cc.multiple_choice.v0p1",
    "multiple": "cc.multiple_response.v0p1",
    "true_false": "cc.true_false.v0p1",
    "short": "cc.fib.v0p1",
    "essay": "cc.essay.v0p1",
}
KINDS = {v: k for k, v in PROFILES.items()}


def _q(tag: str) -> str:
    return f"{{{QTI}}}{tag}"


def _sub(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    e = etree.SubElement(parent, _q(tag), attrs)
    if text is not None:
        e.text = text
    return e


def _meta(parent: Any, pairs: list[tuple[str, str]]) -> None:
    md = _sub(parent, "qtimetadata")
    for label, entry in pairs:
        f = _sub(md, "qtimetadatafield")
        _sub(f, "fieldlabel", label)
        _sub(f, "fieldentry", entry)


def _material(parent: Any, text: str) -> None:
    _sub(_sub(parent, "material"), "mattext", text, texttype="text/plain")


def _options(kind: str, data: dict[str, Any]) -> list[str]:
    if kind == "true_false":
        return ["Đúng", "Sai"]
    return [str(o) for o in data.get("options", [])]


def _correct(kind: str, data: dict[str, Any]) -> list[int]:
    if kind == "true_false":
        return [0] if data.get("correct") else [1]
    return [int(i) for i in data.get("correct", [])]


def assessment(ident: str, title: str, questions: list[Any]) -> tuple[bytes, int]:
    """The QTI document of a quiz and how many of its questions had no CC item type."""
    root = etree.Element(_q("questestinterop"), nsmap={None: QTI})
    a = _sub(root, "assessment", ident=ident, title=title[:250])
    _meta(a, [("cc_profile", "cc.exam.v0p1"), ("qmd_assessmenttype", "Examination")])
    section = _sub(a, "section", ident="root_section")
    left_out = 0
    for q in questions:
        profile = PROFILES.get(q.kind)
        if profile is None:
            left_out += 1
            continue
        item = _sub(section, "item", ident=f"Q{q.pk}", title=q.text[:80])
        _meta(_sub(item, "itemmetadata"), [("cc_profile", profile), ("cc_weighting", str(q.points))])
        pres = _sub(item, "presentation")
        _material(pres, q.text)
        proc = _sub(item, "resprocessing")
        _sub(
            _sub(proc, "outcomes"), "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal"
        )
        if q.kind in ("single", "multiple", "true_false"):
            card = "Multiple" if q.kind == "multiple" else "Single"
            render = _sub(_sub(pres, "response_lid", ident="response1", rcardinality=card), "render_choice")
            for i, text in enumerate(_options(q.kind, q.data)):
                _material(_sub(render, "response_label", ident=f"o{i}"), text)
            rule = etree.SubElement(proc, _q("respcondition"), {"continue": "No"})
            cond = _sub(rule, "conditionvar")
            holder = _sub(cond, "and") if q.kind == "multiple" else cond
            for i in _correct(q.kind, q.data):
                _sub(holder, "varequal", f"o{i}", respident="response1")
            _sub(rule, "setvar", "100", action="Set", varname="SCORE")
        else:
            _sub(_sub(pres, "response_str", ident="response1", rcardinality="Single"), "render_fib")
            if q.kind == "short":
                rule = etree.SubElement(proc, _q("respcondition"), {"continue": "No"})
                cond = _sub(rule, "conditionvar")
                for ans in q.data.get("answers", []):
                    _sub(cond, "varequal", str(ans), respident="response1", case="No")
                _sub(rule, "setvar", "100", action="Set", varname="SCORE")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True), left_out


@dataclass
class ParsedQuestion:
    kind: str
    text: str
    data: dict[str, Any]
    points: float = 1.0


@dataclass
class ParsedQuiz:
    title: str
    questions: list[ParsedQuestion] = field(default_factory=list)
    skipped: int = 0


def _text(el: Any) -> str:
    if el is None:
        return ""
    return " ".join("".join(el.itertext()).split())


def _field(item: Any, label: str) -> str:
    for f in item.iter(_q("qtimetadatafield")):
        if _text(f.find(_q("fieldlabel"))) == label:
            return _text(f.find(_q("fieldentry")))
    return ""


def read(root: Any) -> ParsedQuiz:
    """The quiz of a QTI 1.2 document (already parsed safely); items of other profiles are
    counted in `skipped`."""
    a = root.find(_q("assessment"))
    quiz = ParsedQuiz(title=(a.get("title") if a is not None else "") or "Quiz")
    for item in root.iter(_q("item")):
        kind = KINDS.get(_field(item, "cc_profile"))
        pres = item.find(_q("presentation"))
        text = _text(pres.find(_q("material"))) if pres is not None else ""
        if kind is None or not text:
            quiz.skipped += 1
            continue
        right = [_text(v) for v in item.iter(_q("varequal"))]
        try:
            points = max(0.01, min(100.0, float(_field(item, "cc_weighting") or 1)))
        except ValueError:
            points = 1.0
        if kind in ("single", "multiple", "true_false"):
            labels = list(pres.iter(_q("response_label")))
            idents = [lb.get("ident") for lb in labels]
            correct = [idents.index(r) for r in right if r in idents]
            if kind == "true_false":
                data: dict[str, Any] = {"correct": correct == [0]}
            else:
                data = {"options": [_text(lb)[:1000] for lb in labels][:50], "correct": correct}
        elif kind == "short":
            data = {"answers": [r[:500] for r in right if r][:50], "fold": True}
        else:
            data = {}
        quiz.questions.append(ParsedQuestion(kind, text[:20_000], data, points))
    return quiz
