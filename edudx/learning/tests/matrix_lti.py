"""B1's objects of the LTI platform side for the route × role matrix (hooked in matrix.py)."""


def providers(city, course) -> dict[str, tuple[int, str]]:
    """An external tool registered by B1 and a line item of B1's course."""
    from edudx.learning.models import LtiLineItem, LtiTool

    tool = LtiTool.objects.create(
        name="Công cụ ma trận B1",
        unit_path=course.unit_path,
        client_id="matrix-b1",
        deployment_id="1",
        login_url="https://tool.example.vn/login",
        target_link_url="https://tool.example.vn/launch",
        redirect_uris=["https://tool.example.vn/launch"],
        state="active",
    )
    item = LtiLineItem.objects.create(tool=tool, course=course, label="Cột điểm ma trận B1", score_maximum=10)
    return {"tool_id": (tool.pk, "Công cụ ma trận B1"), "line_item_id": (item.pk, "Cột điểm ma trận B1")}


_BEARER = "LTI AGS/NRPS: authenticated by the tool's bearer token (401 JSON without one)"
PUBLIC_ROUTES = {
    "learning:lti_jwks": "the LTI platform's public keys, fetched by tools",
    "learning:lti_token": "LTI token endpoint: authenticated by the tool's signed client assertion",
    "learning:lti_deep_link_return": "LTI Deep Linking return: the tool's signed JWT carrying our signed data",
    "learning:lti_line_items": _BEARER,
    "learning:lti_line_item": _BEARER,
    "learning:lti_scores": _BEARER,
    "learning:lti_results": _BEARER,
    "learning:lti_memberships": _BEARER,
}
