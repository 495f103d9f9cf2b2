"""The role screen (administrators grant roles inside their own scope) and the current
user's API tokens. Thin: form → selector/service → render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from edudx.core.actor import Actor
from edudx.core.errors import DomainError, NotFound
from edudx.core.forms import apply_domain_error
from edudx.core.pagination import paginate
from edudx.core.roles import Role
from edudx.orgs import selectors as org_selectors

from . import permissions as perms
from . import selectors, services
from .forms import GrantForm, TokenForm, UserCreateForm
from .throttle import RateLimited


def _grant_form(request, data=None) -> GrantForm:
    scope = request.scope
    grantable = selectors.grantable_roles(scope=scope)
    units = org_selectors.unit_list(scope=scope).filter(scope.filter_q(perms.MANAGE_ROLES, "path"))
    groupings = org_selectors.grouping_list(scope=scope).filter(
        scope.filter_q(perms.MANAGE_ROLES, "owner__path")
    )
    return GrantForm(
        data,
        role_choices=[(v, label) for v, label in Role.choices if v in grantable],
        units=units,
        groupings=groupings,
    )


@login_required
def role_list(request):
    request.scope.require_any(perms.MANAGE_ROLES)
    q = request.GET.get("q", "").strip()[:100]
    page = paginate(
        selectors.user_list(scope=request.scope, q=q),
        order=("username", "id"),
        cursor=request.GET.get("cursor") or None,
        limit=50,
    )
    users = page.items
    memberships = selectors.memberships_by_user(scope=request.scope, users=users)
    rows = [(u, memberships.get(u.pk, [])) for u in users]
    return render(request, "accounts/role_list.html", {"rows": rows, "page": page, "q": q})


@login_required
def user_create(request):
    """Create a user together with their first role (services.user_create_with_role)."""
    request.scope.require_any(perms.MANAGE_ROLES)
    form = UserCreateForm(request.POST or None)
    grant = _grant_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid() and grant.is_valid():
        try:
            user = services.user_create_with_role(
                actor=Actor.from_request(request), **form.cleaned_data, **grant.cleaned_data
            )
        except DomainError as exc:
            # Field errors come from the account (username, password); the rest from the grant.
            apply_domain_error(form if exc.details else grant, exc)
        else:
            messages.success(request, _("User created."))
            return redirect("accounts:user_detail", user_id=user.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/user_create.html", {"form": form, "grant": grant}, status=status)


@login_required
def user_detail(request, user_id: int):
    person = selectors.user_get(scope=request.scope, pk=user_id)
    return _user_page(request, person, _grant_form(request))


def _user_page(request, person, form, status=200):
    memberships = selectors.membership_list(scope=request.scope).filter(user=person)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "form": form,
            "history": selectors.user_history(scope=request.scope, person=person, viewer_id=request.user.pk),
        },
        status=status,
    )


@login_required
@require_POST
def membership_grant(request, user_id: int):
    request.scope.require_any(perms.MANAGE_ROLES)
    person = selectors.user_get(scope=request.scope, pk=user_id)
    form = _grant_form(request, request.POST)
    if form.is_valid():
        try:
            services.membership_grant(
                actor=Actor.from_request(request),
                user=person,
                role=form.cleaned_data["role"],
                unit=form.cleaned_data["unit"],
                grouping=form.cleaned_data["grouping"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:user_detail", user_id=person.pk)
    return _user_page(request, person, form, status=422)


@login_required
@require_POST
def membership_revoke(request, membership_id: int):
    membership = selectors.membership_get(scope=request.scope, pk=membership_id)
    user_id = membership.user_id
    try:
        services.membership_revoke(actor=Actor.from_request(request), membership=membership)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Role revoked."))
    try:
        selectors.user_get(scope=request.scope, pk=user_id)
    except NotFound:
        return redirect("accounts:role_list")
    return redirect("accounts:user_detail", user_id=user_id)


# ----- the current user's API tokens
@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.token_create(
            actor=Actor.from_request(request), user=request.user, name=form.cleaned_data["name"]
        )
        form = TokenForm()
    tokens = selectors.own_token_list(user=request.user)
    return render(request, "accounts/token_list.html", {"form": form, "tokens": tokens, "new_key": new_key})


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = selectors.own_token_get(user=request.user, pk=token_id)
    services.token_revoke(actor=Actor.from_request(request), token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:token_list")


RESET_LIMITED = gettext_lazy(
    "Too many password reset requests from this address. Please wait %(minutes)s minute(s) and try again."
)
_password_reset_view = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset_form.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)


CHANGE_LIMITED = gettext_lazy(
    "Too many password change attempts. Please wait %(minutes)s minute(s) and try again."
)
_password_change_view = auth_views.PasswordChangeView.as_view(
    template_name="accounts/password_change_form.html",
    success_url=reverse_lazy("accounts:password_change_done"),
)


def _limited(request, *, group: str, key, rates, message):
    """A 429 page once `key` has used any of `rates` in `group` (this request counted), else None."""
    from django_ratelimit.core import get_usage

    for rate in rates:
        usage = get_usage(request, group=group, key=lambda _g, r: key(r), rate=rate, increment=True)
        if usage is not None and usage["should_limit"]:
            error = RateLimited(max(usage["time_left"], 1), message)
            response = render(request, "web/error.html", {"error": error}, status=429)
            response["Retry-After"] = str(error.retry_after)
            return response
    return None


@login_required
def password_change(request):
    """Django's change form; each submission counts per user (EDUDX_PASSWORD_CHANGE_RATES), so
    a borrowed session cannot guess the current password — which axes does not see, as the
    form checks it without logging in."""
    if request.method == "POST":
        limited = _limited(request, group="password-change", key=lambda r: f"user:{r.user.pk}",
                           rates=settings.EDUDX_PASSWORD_CHANGE_RATES, message=CHANGE_LIMITED)  # fmt: skip
        if limited is not None:
            return limited
    return _password_change_view(request)


def password_reset(request):
    """Django's reset form, with the requests of one client address counted
    (EDUDX_PASSWORD_RESET_RATES): the form mails whoever holds an address, so it must not
    become a way to flood an inbox. The answer never says whether the address is known."""
    if request.method == "POST":
        from .network import client_ip

        limited = _limited(request, group="password-reset", key=client_ip,
                           rates=settings.EDUDX_PASSWORD_RESET_RATES, message=RESET_LIMITED)  # fmt: skip
        if limited is not None:
            return limited
    return _password_reset_view(request)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view; a link that is not (or no longer) valid answers 404 with our page saying
    so — there is no such reset, and the status tells scripts and the route matrix as much."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def render_to_response(self, context, **response_kwargs):
        if not context.get("validlink"):
            response_kwargs["status"] = 404
        return super().render_to_response(context, **response_kwargs)
