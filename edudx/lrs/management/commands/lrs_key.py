"""edudx lrs_key create|list|revoke — xAPI keys (LRS credentials) from the console, through
the same services the credential pages use (scope check, history, the secret shown once).

    edudx lrs_key create --unit CODE --name NAME [--scope read,write] [--user USERNAME]
    edudx lrs_key list [--unit CODE] [--all]
    edudx lrs_key revoke KEY

A key is bound to its unit: it reads and writes only inside that unit's subtree. Without
--user the command acts as the system (every unit); with it, as that user, within the
user's scope.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from edudx.core.actor import Actor, Via
from edudx.core.errors import DomainError

SCOPES = ("read", "write")


def parse_scope(value: str) -> tuple[bool, bool]:
    """'read', 'write' or 'read,write' (in any order) -> (can_read, can_write)."""
    parts = {p.strip() for p in value.split(",") if p.strip()}
    if not parts or parts - set(SCOPES):
        raise CommandError(f"--scope takes read, write or read,write (got {value!r})")
    return "read" in parts, "write" in parts


class Command(BaseCommand):
    help = "Issue, list or revoke xAPI keys (LRS credentials) bound to a unit."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="issue a key; prints the key and its secret once")
        create.add_argument("--unit", required=True, help="code of the unit the key is bound to")
        create.add_argument("--name", required=True, help="partner or tool name")
        create.add_argument("--scope", default="read,write", help="read, write or read,write (default)")
        create.add_argument("--user", default="", help="act as this user (default: the system)")
        listing = sub.add_parser("list", help="the keys (active ones unless --all)")
        listing.add_argument("--unit", default="", help="only keys bound to this unit's subtree")
        listing.add_argument("--all", action="store_true", help="revoked keys too")
        listing.add_argument("--user", default="", help="act as this user (default: the system)")
        revoke = sub.add_parser("revoke", help="revoke a key now (its tokens too)")
        revoke.add_argument("key")
        revoke.add_argument("--user", default="", help="act as this user (default: the system)")

    def handle(self, *args, action, **opts):
        actor = self._actor(opts["user"])
        try:
            getattr(self, f"_{action}")(actor, opts)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc

    def _create(self, actor, opts):
        from edudx.lrs import services
        from edudx.orgs import selectors as orgs

        can_read, can_write = parse_scope(opts["scope"])
        unit = self._unit(actor, opts["unit"], orgs)
        cred, secret = services.credential_issue(
            actor=actor, unit=unit, name=opts["name"], can_read=can_read, can_write=can_write
        )
        w = self.stdout.write
        w(f"key:    {cred.key}")
        w(f"secret: {secret}")
        w(f"unit:   {unit.code} ({unit.name}); scope: {self._scope(cred)}")
        w("The secret is shown only now: store it; a lost secret is replaced by rotating the key.")

    def _list(self, actor, opts):
        from edudx.core.scope import subtree_q
        from edudx.lrs import selectors
        from edudx.orgs import selectors as orgs

        qs = selectors.credential_list(scope=actor.scope).order_by("unit__path", "name", "id")
        if opts["unit"]:
            qs = qs.filter(subtree_q(self._unit(actor, opts["unit"], orgs).path, "unit_path"))
        if not opts["all"]:
            qs = qs.filter(is_active=True)
        for cred in qs:
            state = "active" if cred.is_active else "revoked"
            used = cred.last_used_at.isoformat(timespec="seconds") if cred.last_used_at else "never"
            self.stdout.write(
                f"{cred.key}\t{cred.unit.code}\t{self._scope(cred)}\t{state}\tlast used {used}\t{cred.name}"
            )

    def _revoke(self, actor, opts):
        from edudx.lrs import selectors, services

        cred = selectors.credential_list(scope=actor.scope).filter(key=opts["key"]).first()
        if cred is None:
            raise CommandError(f"no such key: {opts['key']}")
        if not cred.is_active:
            raise CommandError(f"key {cred.key} is already revoked")
        services.credential_revoke(actor=actor, credential=cred)
        self.stdout.write(f"revoked {cred.key} ({cred.name})")

    @staticmethod
    def _scope(cred) -> str:
        return ",".join(s for s, on in (("read", cred.can_read), ("write", cred.can_write)) if on) or "none"

    @staticmethod
    def _unit(actor, code, orgs):
        from edudx.core.errors import NotFound

        try:
            return orgs.unit_get(scope=actor.scope, code=code)
        except NotFound as exc:
            raise CommandError(f"no such unit: {code}") from exc

    @staticmethod
    def _actor(username: str) -> Actor:
        if not username:
            return Actor.system(via=Via.CLI, source="lrs_key")
        from edudx.accounts import selectors as account_selectors
        from edudx.accounts.services import scope_for_user
        from edudx.core.scope import Scope

        user = account_selectors.user_list(scope=Scope.system()).filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        return Actor(user=user, scope=scope_for_user(user), via=Via.CLI, source="lrs_key")
