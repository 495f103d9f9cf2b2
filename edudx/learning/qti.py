"""A question bank as QTI 2.1 (IMS Question and Test Interoperability): one `assessmentItem`
per question in a content package (`imsmanifest.xml` listing `imsqti_item_xmlv2p1`
resources), and back. Kinds and interactions:

    single      choiceInteraction maxChoices=1      identifier, single
    multiple    choiceInteraction maxChoices=0      identifier, multiple
    true_false  choiceInteraction (true / false)    identifier, single
    short       textEntryInteraction                string, single (accepted answers mapped)
    numeric     textEntryInteraction                float, single (equal with an absolute tolerance)
    matching    matchInteraction                    directedPair, multiple
    ordering    orderInteraction                    identifier, ordered
    fill        one textEntryInteraction per blank  string, RESPONSE_1…n
    essay       extendedTextInteraction             string (graded by a person)

Reading is as careful as the cartridge's (`cartridge.reader.Package`, no DTD or entities);
an item this app cannot grade the same way is skipped and counted."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .cartridge import reader

NS = "http://www.imsglobal.org/xsd/imsqti_v2p1"
CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LOCATION = f"{NS} http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _sub(parent: Any, tag: str, text: str | None = None, **attrs: Any) -> Any:
    e = etree.SubElement(parent, _q(tag), {k: str(v) for k, v in attrs.items()})
    if text is not None:
        e.text = text
    return e


def _decl(item: Any, ident: str, cardinality: str, base: str, values: list[str]) -> Any:
    d = _sub(item, "responseDeclaration", identifier=ident, cardinality=cardinality, baseType=base)
    if values:
        cr = _sub(d, "correctResponse")
        for v in values:
            _sub(cr, "value", v)
    return d


def item_xml(q: Any) -> bytes:
    """One question as a QTI 2.1 assessmentItem."""
    kind, data = q.kind, q.data or {}
    item = etree.Element(
        _q("assessmentItem"),
        nsmap={None: NS, "xsi": XSI},
        identifier=f"Q{q.pk}",
        title=q.text[:80] or "-",
        adaptive="false",
        timeDependent="false",
    )
    item.set(f"{{{XSI}}}schemaLocation", LOCATION)
    body_parts: list[tuple[str, Any]] = []
    if kind in ("single", "multiple", "true_false"):
        if kind == "true_false":
            choices = [("true", "Đúng"), ("false", "Sai")]
            right = ["true" if data.get("correct") else "false"]
        else:
            choices = [(f"C{i}", str(o)) for i, o in enumerate(data.get("options", []))]
            right = [f"C{i}" for i in data.get("correct", [])]
        _decl(item, "RESPONSE", "multiple" if kind == "multiple" else "single", "identifier", right)
        body_parts.append(("choice", (choices, 0 if kind == "multiple" else 1)))
    elif kind == "short":
        d = _decl(item, "RESPONSE", "single", "string", [str(a) for a in data.get("answers", [])][:1])
        mapping = _sub(d, "mapping", defaultValue="0")
        for a in data.get("answers", []):
            _sub(mapping, "mapEntry", mapKey=str(a), mappedValue="1", caseSensitive="false")
        body_parts.append(("text", "RESPONSE"))
    elif kind == "numeric":
        _decl(item, "RESPONSE", "single", "float", [str(data.get("value", 0))])
        body_parts.append(("text", "RESPONSE"))
    elif kind == "matching":
        pairs = data.get("pairs", [])
        _decl(item, "RESPONSE", "multiple", "directedPair", [f"L{i} R{i}" for i in range(len(pairs))])
        body_parts.append(("match", pairs))
    elif kind == "ordering":
        items = data.get("items", [])
        _decl(item, "RESPONSE", "ordered", "identifier", [f"O{i}" for i in range(len(items))])
        body_parts.append(("order", items))
    elif kind == "fill":
        for n, accepted in enumerate(data.get("blanks", []), 1):
            d = _decl(item, f"RESPONSE_{n}", "single", "string", [str(a) for a in accepted][:1])
            mapping = _sub(d, "mapping", defaultValue="0")
            for a in accepted:
                _sub(mapping, "mapEntry", mapKey=str(a), mappedValue="1", caseSensitive="false")
            body_parts.append(("text", f"RESPONSE_{n}"))
    else:  # essay
        _decl(item, "RESPONSE", "single", "string", [])
        body_parts.append(("essay", None))
    out = _sub(item, "outcomeDeclaration", identifier="SCORE", cardinality="single", baseType="float")
    _sub(_sub(out, "defaultValue"), "value", "0")
    maxo = _sub(item, "outcomeDeclaration", identifier="MAXSCORE", cardinality="single", baseType="float")
    _sub(_sub(maxo, "defaultValue"), "value", str(q.points))
    body = _sub(item, "itemBody")
    _sub(body, "p", q.text)
    for part, value in body_parts:
        if part == "choice":
            choices, max_choices = value
            ci = _sub(
                body,
                "choiceInteraction",
                responseIdentifier="RESPONSE",
                shuffle="false",
                maxChoices=max_choices,
            )
            for ident, text in choices:
                _sub(ci, "simpleChoice", text, identifier=ident)
        elif part == "text":
            _sub(_sub(body, "p"), "textEntryInteraction", responseIdentifier=value, expectedLength="20")
        elif part == "match":
            mi = _sub(
                body,
                "matchInteraction",
                responseIdentifier="RESPONSE",
                shuffle="true",
                maxAssociations=len(value),
            )
            left, right = _sub(mi, "simpleMatchSet"), _sub(mi, "simpleMatchSet")
            for i, (lt, rt) in enumerate(value):
                _sub(left, "simpleAssociableChoice", str(lt), identifier=f"L{i}", matchMax="1")
                _sub(right, "simpleAssociableChoice", str(rt), identifier=f"R{i}", matchMax="1")
        elif part == "order":
            oi = _sub(body, "orderInteraction", responseIdentifier="RESPONSE", shuffle="true")
            for i, text in enumerate(value):
                _sub(oi, "simpleChoice", str(text), identifier=f"O{i}")
        else:
            _sub(body, "extendedTextInteraction", responseIdentifier="RESPONSE", expectedLines="5")
    rp = _sub(item, "responseProcessing")
    if kind == "numeric":  # equal within the tolerance: a rule of its own (the templates have none)
        cond = _sub(_sub(rp, "responseCondition"), "responseIf")
        tol = str(data.get("tolerance", 0))
        eq = _sub(cond, "equal", toleranceMode="absolute", tolerance=f"{tol} {tol}")
        _sub(eq, "variable", identifier="RESPONSE")
        _sub(eq, "correct", identifier="RESPONSE")
        _sub(_sub(cond, "setOutcomeValue", identifier="SCORE"), "baseValue", "1", baseType="float")
    elif kind in ("short", "fill"):
        rp.set("template", "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response")
    elif kind != "essay":
        rp.set("template", "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct")
    return etree.tostring(item, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def package(questions: list[Any]) -> bytes:
    """The bank as an IMS content package of QTI 2.1 items."""
    manifest = etree.Element(f"{{{CP}}}manifest", nsmap={None: CP}, identifier="edudx_questions")
    etree.SubElement(manifest, f"{{{CP}}}organizations")
    resources = etree.SubElement(manifest, f"{{{CP}}}resources")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for q in questions:
            href = f"items/q{q.pk}.xml"
            zf.writestr(href, item_xml(q))
            res = etree.SubElement(
                resources, f"{{{CP}}}resource", identifier=f"R{q.pk}", type="imsqti_item_xmlv2p1", href=href
            )
            etree.SubElement(res, f"{{{CP}}}file", href=href)
        zf.writestr("imsmanifest.xml", etree.tostring(manifest, xml_declaration=True, encoding="UTF-8"))
    return buf.getvalue()


@dataclass
class ParsedItem:
    kind: str
    text: str
    data: dict[str, Any]
    points: float = 1.0


@dataclass
class ParsedBank:
    items: list[ParsedItem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # file names / identifiers not imported


def _text(el: Any) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _values(decl: Any) -> list[str]:
    cr = decl.find(_q("correctResponse")) if decl is not None else None
    return [_text(v) for v in cr.findall(_q("value"))] if cr is not None else []


def _mapped(decl: Any) -> list[str]:
    keys = [m.get("mapKey") or "" for m in decl.iter(_q("mapEntry"))] if decl is not None else []
    return [k for k in dict.fromkeys(keys + _values(decl)) if k][:50]


def parse_item(root: Any) -> ParsedItem | None:
    """An assessmentItem as a question of this app, or None when it does not map."""
    if root.tag != _q("assessmentItem"):
        return None
    decls = {d.get("identifier"): d for d in root.findall(_q("responseDeclaration"))}
    body = root.find(_q("itemBody"))
    if body is None:
        return None
    interactions = [e for e in body.iter() if isinstance(e.tag, str) and e.tag.endswith("Interaction")]
    prompt_parts = [
        _text(p)
        for p in body.findall(_q("p"))
        if not any(isinstance(c.tag, str) and c.tag.endswith("Interaction") for c in p.iter())
    ]
    text = " ".join(t for t in prompt_parts if t)[:20_000] or (root.get("title") or "")[:20_000]
    points = 1.0
    for o in root.findall(_q("outcomeDeclaration")):
        if o.get("identifier") == "MAXSCORE":
            try:
                points = max(0.01, min(100.0, float(_text(o.find(_q("defaultValue"))))))
            except ValueError:
                points = 1.0
    if not interactions or not text:
        return None
    first = interactions[0]
    tag = first.tag.rsplit("}", 1)[-1]
    decl = decls.get(first.get("responseIdentifier"))
    right = _values(decl)
    if tag == "choiceInteraction":
        idents = [c.get("identifier") for c in first.findall(_q("simpleChoice"))]
        labels = [_text(c)[:1000] for c in first.findall(_q("simpleChoice"))]
        if set(idents) == {"true", "false"} and len(idents) == 2:
            return ParsedItem("true_false", text, {"correct": right == ["true"]}, points)
        multiple = decl is not None and decl.get("cardinality") == "multiple"
        correct = [idents.index(r) for r in right if r in idents]
        kind = "multiple" if multiple else "single"
        return ParsedItem(kind, text, {"options": labels[:50], "correct": correct}, points)
    if tag == "textEntryInteraction" and len(interactions) > 1:
        blanks = [_mapped(decls.get(i.get("responseIdentifier"))) for i in interactions]
        return ParsedItem("fill", text, {"blanks": blanks[:50], "fold": True}, points)
    if tag == "textEntryInteraction" and decl is not None and decl.get("baseType") in ("float", "integer"):
        tolerance = 0.0
        for eq in root.iter(_q("equal")):
            try:
                tolerance = abs(float((eq.get("tolerance") or "0").split()[0]))
            except ValueError:
                tolerance = 0.0
        try:
            value = float(right[0])
        except (IndexError, ValueError):
            return None
        return ParsedItem("numeric", text, {"value": value, "tolerance": tolerance}, points)
    if tag == "textEntryInteraction":
        return ParsedItem("short", text, {"answers": _mapped(decl), "fold": True}, points)
    if tag == "matchInteraction":
        sets = first.findall(_q("simpleMatchSet"))
        if len(sets) != 2:
            return None
        names = {
            c.get("identifier"): _text(c)[:500] for s in sets for c in s.findall(_q("simpleAssociableChoice"))
        }
        pairs = []
        for v in right:
            a, _sep, b = v.partition(" ")
            if a in names and b in names:
                pairs.append([names[a], names[b]])
        return ParsedItem("matching", text, {"pairs": pairs[:50]}, points)
    if tag == "orderInteraction":
        names = {c.get("identifier"): _text(c)[:500] for c in first.findall(_q("simpleChoice"))}
        return ParsedItem("ordering", text, {"items": [names[r] for r in right if r in names][:50]}, points)
    if tag == "extendedTextInteraction":
        return ParsedItem("essay", text, {}, points)
    return None


def read(data: bytes) -> ParsedBank:
    """A content package of QTI 2.1 items (a zip), or one item's XML."""
    bank = ParsedBank()
    if data[:2] != b"PK":
        item = parse_item(reader.parse_xml(data[: 5 * 1024**2 + 1]))
        if item is None:
            bank.skipped.append("item")
        else:
            bank.items.append(item)
        return bank
    pkg = reader.Package(data)
    names = [n for n in pkg.entries if n.lower().endswith(".xml") and n != "imsmanifest.xml"]
    for name in sorted(names)[:5000]:
        root = reader.parse_xml(pkg.read(name, 5 * 1024**2))
        item = parse_item(root)
        if item is None:
            bank.skipped.append(name[:100])
        else:
            bank.items.append(item)
    return bank
