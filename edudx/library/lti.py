"""edudx as an LTI 1.3 tool with Deep Linking 2.0 (pylti1p3).

An LMS registered as an LtiPlatform starts with an OIDC login (`login`), receives the
launch (`launch`); a deep-linking launch shows a picker over the published resources and
`pick` answers the LMS with a signed LtiDeepLinkingResponse; a resource-link launch shows
the chosen resource with a signed, short-lived download link. The tool's RSA keys are
LtiKey rows, published at `jwks`.

LMS users are not edudx users: they only ever see published resources (shared with the
whole sector), and every request is authenticated by the platform's signed JWT.
"""

from __future__ import annotations

import uuid

from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from pylti1p3.contrib.django import DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.launch_data_storage.cache import DjangoCacheDataStorage
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from edudx.core.actor import Actor
from edudx.core.errors import DomainError
from edudx.core.scope import Scope

from . import selectors, services
from .filters import ResourceFilter
from .models import LtiKey, LtiPlatform, State, Use


class LtiLoginRefused(DomainError):
    """An OIDC login edudx cannot take: an issuer or client that is not a registered platform,
    or a request without the fields LTI 1.3 requires."""

    status = 400
    code = "lti_login_refused"
    default_message = _(
        "The LTI login was refused: the learning platform is not registered with edudx, "
        "or its request is incomplete."
    )


def _refused(request) -> HttpResponse:
    return render(request, "web/error.html", {"error": LtiLoginRefused()}, status=400)


FILE_SALT = "library.lti.file"
FILE_MAX_AGE = 3600


def tool_key() -> LtiKey:
    key = LtiKey.objects.first()
    if key is None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        key = LtiKey.objects.create(
            kid=uuid.uuid4().hex,
            private_key=private.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ).decode(),
            public_key=private.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode(),
        )
    return key


class ToolConf(ToolConfAbstract):
    """Registrations read from LtiPlatform rows (one issuer may have many client ids)."""

    def check_iss_has_one_client(self, iss):
        return False

    def check_iss_has_many_clients(self, iss):
        return True

    def _platform(self, iss, client_id=None):
        qs = LtiPlatform.objects.filter(issuer=iss, active=True)
        if client_id:
            qs = qs.filter(client_id=client_id)
        return qs.first()

    def _registration(self, p: LtiPlatform) -> Registration:
        key = tool_key()
        reg = Registration()
        reg.set_issuer(p.issuer).set_client_id(p.client_id).set_auth_login_url(
            p.auth_login_url
        ).set_auth_token_url(p.auth_token_url).set_key_set(p.key_set).set_key_set_url(
            p.key_set_url or None
        ).set_tool_private_key(key.private_key).set_tool_public_key(key.public_key)
        return reg

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        p = self._platform(iss)
        return self._registration(p) if p else None

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        p = self._platform(iss, client_id)
        return self._registration(p) if p else None

    def find_deployment(self, iss, deployment_id):
        p = self._platform(iss)
        return self._deployment(p, deployment_id)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        return self._deployment(self._platform(iss, client_id), deployment_id)

    def _deployment(self, p, deployment_id):
        if p is None or deployment_id not in (p.deployment_ids or []):
            return None
        return Deployment().set_deployment_id(deployment_id)

    def get_jwks(self, iss=None, client_id=None, **kwargs):
        # The kid is the key's RFC 7638 thumbprint, as pylti1p3 puts it in the JWT header.
        return {
            "keys": [Registration.get_jwk(k.public_key) for k in LtiKey.objects.all()]
            or [Registration.get_jwk(tool_key().public_key)]
        }


def _storage():
    return DjangoCacheDataStorage()


@csrf_exempt  # the LMS posts here cross-site; the OIDC state and nonce protect the flow
@require_http_methods(["GET", "POST"])
def login(request):
    target = request.POST.get("target_link_uri") or request.GET.get("target_link_uri")
    if not target:
        return HttpResponseBadRequest("target_link_uri is required")
    expected = request.build_absolute_uri(reverse("library:lti_launch"))
    if not target.startswith(expected):
        return HttpResponseBadRequest("target_link_uri is not this tool's launch URL")
    try:
        oidc = DjangoOIDCLogin(request, ToolConf(), launch_data_storage=_storage())
        return oidc.redirect(target)
    except (LtiException, OIDCException):
        # pylti1p3 raises OIDCException (not an LtiException) for an unregistered issuer or
        # client and for a login without iss/login_hint.
        return _refused(request)


def jwks(request):
    return JsonResponse(ToolConf().get_jwks())


@csrf_exempt
@xframe_options_exempt  # shown inside the LMS
@require_http_methods(["POST"])
def launch(request):
    try:
        message = DjangoMessageLaunch(request, ToolConf(), launch_data_storage=_storage())
        data = message.get_launch_data()
    except LtiException as exc:
        return HttpResponse(f"LTI launch failed: {exc}", status=400, content_type="text/plain; charset=utf-8")
    if message.is_deep_link_launch():
        f = ResourceFilter(q=request.POST.get("q", ""))
        result = selectors.resource_search(scope=Scope.system(), filters=f, limit=30, with_facets=False)
        return render(
            request,
            "library/lti_pick.html",
            {"launch_id": message.get_launch_id(), "result": result, "f": f, "data": data},
        )
    if message.is_resource_launch():
        custom = data.get("https://purl.imsglobal.org/spec/lti/claim/custom", {}) or {}
        try:
            r = (
                selectors.published(scope=Scope.system())
                .select_related("current_version", "school__unit")
                .get(pk=int(custom.get("resource_id", 0)))
            )
        except (ValueError, LookupError, Exception):  # noqa: BLE001
            return HttpResponse("The resource is no longer published.", status=404)
        services.use_record(actor=Actor.system(source="lti"), resource=r, kind=Use.Kind.LTI)
        token = signing.dumps(r.pk, salt=FILE_SALT)
        return render(request, "library/lti_view.html", {"r": r, "token": token})
    return HttpResponse("Unsupported LTI message.", status=400)


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["POST"])
def pick(request):
    """The teacher chose resources in the picker: answer the LMS with a signed deep-linking response."""
    try:
        message = DjangoMessageLaunch.from_cache(
            request.POST.get("launch_id", ""), request, ToolConf(), launch_data_storage=_storage()
        )
    except LtiException as exc:
        return HttpResponse(f"LTI session expired: {exc}", status=400)
    if not message.is_deep_link_launch():
        return HttpResponseBadRequest("Not a deep-linking launch")
    ids = [int(i) for i in request.POST.getlist("resource") if i.isdigit()]
    chosen = list(selectors.published(scope=Scope.system()).filter(pk__in=ids))
    launch_url = request.build_absolute_uri(reverse("library:lti_launch"))
    items = []
    for r in sorted(chosen, key=lambda r: ids.index(r.pk)):
        items.append(
            DeepLinkResource()
            .set_url(launch_url)
            .set_title(r.title)
            .set_custom_params({"resource_id": str(r.pk)})
        )
    return HttpResponse(message.get_deep_link().output_response_form(items))


@xframe_options_exempt
def file(request):
    """Download for LMS users: the token was signed at launch and expires after an hour."""
    try:
        pk = signing.loads(request.GET.get("t", ""), salt=FILE_SALT, max_age=FILE_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404() from exc
    r = selectors.published(scope=Scope.system()).select_related("current_version").filter(pk=pk).first()
    if r is None or r.current_version is None or r.state != State.PUBLISHED:
        raise Http404()
    from .views.files import file_response

    return file_response(r.current_version, inline=False)
