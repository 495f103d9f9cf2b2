from typing import Any

from django.urls import NoReverseMatch, reverse

from edudx.core import navigation as nav_registry


def navigation(request):
    scope = getattr(request, "scope", None)
    if scope is None or not getattr(request.user, "is_authenticated", False):
        return {"nav_sections": []}
    visible: list[dict[str, Any]] = []
    for item in nav_registry.items():
        if item.permission and not scope.has_perm(item.permission):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        visible.append({"item": item, "url": url, "active": request.path.startswith(url) and url != "/"})
    # One block per section, in the order of its first entry, whatever order apps declared them.
    grouped: dict[str, list] = {}
    for entry in visible:
        grouped.setdefault(str(entry["item"].section), []).append(entry)
    sections = [{"title": title, "entries": entries} for title, entries in grouped.items()]
    return {"nav_sections": sections}
