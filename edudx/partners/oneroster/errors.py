"""OneRoster's status-info error body. Its text never holds a record's data: only the
caller's own input (a parameter name) and fixed words."""

from __future__ import annotations

import json

from django.http import HttpResponse


class OneRosterError(Exception):
    def __init__(self, status: int, minor: str, description: str) -> None:
        super().__init__(description)
        self.status, self.minor, self.description = status, minor, description


def status_info(minor: str, description: str, *, major: str = "failure", severity: str = "error") -> dict:
    return {
        "imsx_codeMajor": major,
        "imsx_severity": severity,
        "imsx_description": description,
        "imsx_CodeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor}
            ]
        },
    }


def error_response(exc: OneRosterError) -> HttpResponse:
    response = HttpResponse(
        json.dumps(status_info(exc.minor, exc.description)),
        status=exc.status,
        content_type="application/json",
    )
    if exc.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="oneroster"'
    return response


def not_found() -> OneRosterError:
    return OneRosterError(404, "unknownobject", "No such object.")


def bad(minor: str, description: str) -> OneRosterError:
    return OneRosterError(400, minor, description)
