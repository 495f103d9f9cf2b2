"""OAI-PMH 2.0 data provider for harvesting by national repositories.

Six verbs; metadata formats `oai_dc` (Dublin Core) and `lom` (IEEE LOM); one set per subject
(`subject:toan`); published resources are records, taken-down ones are deleted records
(deletedRecord = transient). Only metadata of published resources is exposed — no files.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from edudx.core.rules.curriculum import Subject

from .models import Resource, State

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
LOM = "http://ltsc.ieee.org/xsd/LOM"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
FORMATS = {
    "oai_dc": (OAI_DC, "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"),
    "lom": (LOM, "http://ltsc.ieee.org/xsd/lomv1.0/lom.xsd"),
}
PAGE = 100
EARLIEST = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
VERBS = {
    "Identify": set(),
    "ListMetadataFormats": {"identifier"},
    "ListSets": {"resumptionToken"},
    "ListIdentifiers": {"metadataPrefix", "from", "until", "set", "resumptionToken"},
    "ListRecords": {"metadataPrefix", "from", "until", "set", "resumptionToken"},
    "GetRecord": {"identifier", "metadataPrefix"},
}


def repository_id() -> str:
    return getattr(settings, "LIBRARY_OAI_REPOSITORY_ID", "edudx.hcm.edu.vn")


def oai_identifier(pk: int) -> str:
    return f"oai:{repository_id()}:library/{pk}"


def _pk_of(identifier: str) -> int | None:
    prefix = f"oai:{repository_id()}:library/"
    if not identifier.startswith(prefix):
        return None
    try:
        return int(identifier[len(prefix) :])
    except ValueError:
        return None


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class OAIError(Exception):
    def __init__(self, code: str, message: str):
        self.code, self.message = code, message


def _parse_date(value: str, *, end: bool) -> dt.datetime:
    try:
        if len(value) == 10:
            d = dt.date.fromisoformat(value)
            t = dt.time(23, 59, 59) if end else dt.time(0, 0, 0)
            return dt.datetime.combine(d, t, tzinfo=dt.UTC)
        if len(value) == 20 and value.endswith("Z"):
            return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    raise OAIError("badArgument", f"Not a valid UTCdatetime: {value}")


def _encode_token(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state, separators=(",", ":")).encode()).decode()


def _decode_token(token: str) -> dict:
    try:
        state = json.loads(base64.urlsafe_b64decode(token.encode()))
        assert isinstance(state, dict) and isinstance(state["after"], int)
        return state
    except Exception as exc:  # noqa: BLE001
        raise OAIError("badResumptionToken", "The resumption token is invalid or expired.") from exc


def _records(args: dict[str, str]) -> QuerySet[Resource]:
    qs = Resource.objects.filter(state__in=[State.PUBLISHED, State.TAKEN_DOWN])
    if args.get("from"):
        qs = qs.filter(updated_at__gte=_parse_date(args["from"], end=False))
    if args.get("until"):
        qs = qs.filter(updated_at__lte=_parse_date(args["until"], end=True))
    if args.get("from") and args.get("until") and len(args["from"]) != len(args["until"]):
        raise OAIError("badArgument", "from and until must have the same granularity.")
    if args.get("set"):
        spec = args["set"]
        if not spec.startswith("subject:") or spec[8:] not in Subject.values:
            raise OAIError("noRecordsMatch", "No records in this set.")
        qs = qs.filter(subject=spec[8:])
    return qs.order_by("id")


def _header(parent, r: Resource):
    h = etree.SubElement(parent, f"{{{OAI}}}header")
    if r.state == State.TAKEN_DOWN:
        h.set("status", "deleted")
    etree.SubElement(h, f"{{{OAI}}}identifier").text = oai_identifier(r.pk)
    etree.SubElement(h, f"{{{OAI}}}datestamp").text = _stamp(r.updated_at)
    etree.SubElement(h, f"{{{OAI}}}setSpec").text = f"subject:{r.subject}"


def _dc(parent, r: Resource, base: str):
    root = etree.SubElement(parent, f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {FORMATS['oai_dc'][1]}")

    def add(tag, text):
        if text:
            etree.SubElement(root, f"{{{DC}}}{tag}").text = str(text)

    add("title", r.title)
    for a in [a.strip() for a in r.authors.split(",") if a.strip()]:
        add("creator", a)
    add("subject", r.get_subject_display())
    if r.topic:
        add("subject", r.topic)
    add("description", r.description)
    add("publisher", r.school.unit.name)
    add("date", r.published_at.date().isoformat() if r.published_at else "")
    add("type", r.get_resource_type_display())
    version = r.current_version
    add("format", version.mime if version is not None else "text/html")
    add("identifier", f"{base}library/{r.pk}/")
    add("language", r.language)
    add("rights", r.licence_url or r.get_licence_display())
    for g in r.grades:
        add("coverage", f"Lớp {g}" if g else "Mầm non")


def _lom(parent, r: Resource, base: str):
    root = etree.SubElement(parent, f"{{{LOM}}}lom", nsmap={None: LOM, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{LOM} {FORMATS['lom'][1]}")

    def el(p, tag, text=None):
        e = etree.SubElement(p, f"{{{LOM}}}{tag}")
        if text is not None:
            e.text = str(text)
        return e

    def langstring(p, tag, text, lang="vi"):
        e = el(p, tag)
        s = el(e, "string", text)
        s.set("language", lang)
        return e

    def vocab(p, tag, value, source="LOMv1.0"):
        e = el(p, tag)
        el(e, "source", source)
        el(e, "value", value)

    general = el(root, "general")
    ident = el(general, "identifier")
    el(ident, "catalog", "URI")
    el(ident, "entry", f"{base}library/{r.pk}/")
    langstring(general, "title", r.title)
    el(general, "language", r.language)
    if r.description:
        langstring(general, "description", r.description)
    if r.topic:
        langstring(general, "keyword", r.topic)
    lifecycle = el(root, "lifeCycle")
    for a in [a.strip() for a in r.authors.split(",") if a.strip()]:
        c = el(lifecycle, "contribute")
        vocab(c, "role", "author")
        el(c, "entity", f"BEGIN:VCARD\nVERSION:3.0\nFN:{a}\nEND:VCARD")
    technical = el(root, "technical")
    version = r.current_version
    if version is not None:
        el(technical, "format", version.mime)
        el(technical, "size", version.size)
    el(technical, "location", f"{base}library/{r.pk}/")
    educational = el(root, "educational")
    lrt = {
        "presentation": "slide",
        "worksheet": "exercise",
        "image": "figure",
        "video": "lecture",
        "spreadsheet": "table",
        "interactive": "simulation",
    }.get(r.resource_type, "narrative text")
    vocab(educational, "learningResourceType", lrt)
    vocab(educational, "context", "school")
    for g in r.grades:
        langstring(educational, "typicalAgeRange", str(g + 5) + "-" + str(g + 6), "x-t-lom")
    rights = el(root, "rights")
    vocab(rights, "copyrightAndOtherRestrictions", "yes" if r.licence != "CC0-1.0" else "no")
    langstring(rights, "description", r.licence_url or r.get_licence_display() or "—")
    classification = el(root, "classification")
    vocab(classification, "purpose", "discipline")
    tp = el(classification, "taxonPath")
    langstring(tp, "source", "GDPT 2018")
    taxon = el(tp, "taxon")
    el(taxon, "id", r.subject)
    langstring(taxon, "entry", r.get_subject_display())


def _record(parent, r: Resource, prefix: str, base: str):
    rec = etree.SubElement(parent, f"{{{OAI}}}record")
    _header(rec, r)
    if r.state != State.TAKEN_DOWN:
        md = etree.SubElement(rec, f"{{{OAI}}}metadata")
        (_dc if prefix == "oai_dc" else _lom)(md, r, base)


def _check_args(verb: str, args: dict) -> None:
    allowed = VERBS[verb] | {"verb"}
    extra = set(args) - allowed
    if extra:
        raise OAIError("badArgument", f"Illegal argument(s): {', '.join(sorted(extra))}")
    if "resumptionToken" in args and set(args) - {"verb", "resumptionToken"}:
        raise OAIError("badArgument", "resumptionToken is an exclusive argument.")


def _respond(request, base: str):
    args = {
        k: request.GET.get(k) if request.method == "GET" else request.POST.get(k)
        for k in (request.GET if request.method == "GET" else request.POST)
    }
    multi = request.GET if request.method == "GET" else request.POST
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    etree.SubElement(root, f"{{{OAI}}}responseDate").text = _stamp(timezone.now())
    req = etree.SubElement(root, f"{{{OAI}}}request")
    req.text = f"{base}library/oai/"
    verb = args.get("verb")
    try:
        if any(len(multi.getlist(k)) > 1 for k in multi):
            raise OAIError("badArgument" if verb in VERBS else "badVerb", "Repeated argument.")
        if verb not in VERBS:
            raise OAIError("badVerb", "Illegal or missing verb.")
        _check_args(verb, args)
        for k, v in args.items():
            req.set(k, v)
        body = etree.SubElement(root, f"{{{OAI}}}{verb}")
        globals()[f"_verb_{verb}"](body, args, base)
    except OAIError as e:
        if len(root) > 2:
            root.remove(root[-1])
        err = etree.SubElement(root, f"{{{OAI}}}error", code=e.code)
        err.text = e.message
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _verb_Identify(body, args, base):  # noqa: N802
    def el(tag, text):
        etree.SubElement(body, f"{{{OAI}}}{tag}").text = text

    el("repositoryName", "edudx – Kho học liệu số dùng chung")
    el("baseURL", f"{base}library/oai/")
    el("protocolVersion", "2.0")
    el("adminEmail", getattr(settings, "LIBRARY_OAI_ADMIN_EMAIL", "hoclieu@example.edu.vn"))
    first = (
        Resource.objects.filter(state__in=[State.PUBLISHED, State.TAKEN_DOWN]).order_by("updated_at").first()
    )
    el("earliestDatestamp", _stamp(first.updated_at if first else EARLIEST))
    el("deletedRecord", "transient")
    el("granularity", "YYYY-MM-DDThh:mm:ssZ")


def _verb_ListMetadataFormats(body, args, base):  # noqa: N802
    if args.get("identifier"):
        pk = _pk_of(args["identifier"])
        if (
            pk is None
            or not Resource.objects.filter(pk=pk, state__in=[State.PUBLISHED, State.TAKEN_DOWN]).exists()
        ):
            raise OAIError("idDoesNotExist", "No such record.")
    for prefix, (ns, schema) in FORMATS.items():
        f = etree.SubElement(body, f"{{{OAI}}}metadataFormat")
        etree.SubElement(f, f"{{{OAI}}}metadataPrefix").text = prefix
        etree.SubElement(f, f"{{{OAI}}}schema").text = schema
        etree.SubElement(f, f"{{{OAI}}}metadataNamespace").text = ns


def _verb_ListSets(body, args, base):  # noqa: N802
    if args.get("resumptionToken"):
        raise OAIError("badResumptionToken", "ListSets is not paged.")
    for value, label in Subject.choices:
        s = etree.SubElement(body, f"{{{OAI}}}set")
        etree.SubElement(s, f"{{{OAI}}}setSpec").text = f"subject:{value}"
        etree.SubElement(s, f"{{{OAI}}}setName").text = str(label)


def _list(body, args, base, *, full: bool):
    if args.get("resumptionToken"):
        state = _decode_token(args["resumptionToken"])
        args = {k: v for k, v in state.items() if k in ("metadataPrefix", "from", "until", "set")}
        after, cursor = state["after"], state.get("cursor", 0)
    else:
        after, cursor = 0, 0
    prefix = args.get("metadataPrefix")
    if not prefix:
        raise OAIError("badArgument", "metadataPrefix is required.")
    if prefix not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"Unknown metadata format: {prefix}")
    qs = _records(args)
    total = qs.count()
    rows = list(
        qs.filter(id__gt=after)
        .select_related("school__unit", "current_version")
        .prefetch_related("grade_rows")[: PAGE + 1]
    )
    if not rows:
        raise OAIError("noRecordsMatch", "No records match the request.")
    for r in rows[:PAGE]:
        if full:
            _record(body, r, prefix, base)
        else:
            _header(body, r)
    if len(rows) > PAGE or cursor:
        tok = etree.SubElement(
            body, f"{{{OAI}}}resumptionToken", completeListSize=str(total), cursor=str(cursor)
        )
        if len(rows) > PAGE:
            tok.text = _encode_token({**args, "after": rows[PAGE - 1].pk, "cursor": cursor + PAGE})


def _verb_ListIdentifiers(body, args, base):  # noqa: N802
    _list(body, args, base, full=False)


def _verb_ListRecords(body, args, base):  # noqa: N802
    _list(body, args, base, full=True)


def _verb_GetRecord(body, args, base):  # noqa: N802
    if not args.get("identifier") or not args.get("metadataPrefix"):
        raise OAIError("badArgument", "identifier and metadataPrefix are required.")
    if args["metadataPrefix"] not in FORMATS:
        raise OAIError("cannotDisseminateFormat", f"Unknown metadata format: {args['metadataPrefix']}")
    pk = _pk_of(args["identifier"])
    r = (
        Resource.objects.filter(pk=pk, state__in=[State.PUBLISHED, State.TAKEN_DOWN])
        .select_related("school__unit", "current_version")
        .first()
        if pk
        else None
    )
    if r is None:
        raise OAIError("idDoesNotExist", "No such record.")
    _record(body, r, args["metadataPrefix"], base)


@csrf_exempt  # harvesters POST without a session; the endpoint only reads
@require_http_methods(["GET", "POST"])
def endpoint(request):
    base = request.build_absolute_uri("/")
    return HttpResponse(_respond(request, base), content_type="text/xml; charset=utf-8")
