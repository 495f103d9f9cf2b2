"""The xAPI wire error: a status code and an English message (the spec's clients read these)."""

from __future__ import annotations


class XapiError(Exception):
    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message
        super().__init__(message)
