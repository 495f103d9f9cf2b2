"""Home's kwargs for the route × role matrix test (see docs/developing.md)."""

# A panel of home is a name, not an object: every role downloads its own home's figures, counted
# over its own scope (the panel's content is still searched for B1's markers).
PUBLIC_ROUTES = {
    "web:panel_xlsx": "the caller's own home figures; `panel` names a figure, not a record",
    "web:panel_pdf": "the caller's own home figures; `panel` names a figure, not a record",
}


def providers(city) -> dict[str, tuple[str, str]]:
    return {"panel": ("figures", "")}
