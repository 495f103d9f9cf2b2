"""Reads of the LTI platform side, within a scope."""

from __future__ import annotations

from django.db.models import QuerySet

from edudx.core.errors import NotFound
from edudx.core.scope import Scope

from .. import permissions as perms
from ..models import LtiTool


def tool_list(*, scope: Scope) -> QuerySet[LtiTool]:
    return LtiTool.objects.filter(scope.filter_q(perms.LTI_MANAGE, "unit_path"))


def tool_get(*, scope: Scope, pk: int) -> LtiTool:
    tool = tool_list(scope=scope).filter(pk=pk).first()
    if tool is None:
        raise NotFound()
    return tool
