"""Personal IDs (12 digits, 9 for the old identity cards) and phone numbers never reach a log
line. A search URL carries what was typed (`?q=079214000123`), and both gunicorn's access log
and Django's request logging print URLs with their query strings: every run of 9 or more
digits in a log line is replaced by as many asterisks, whatever its source (request line,
referrer, an error message).

Django's logging gets `MaskPersonalIds` on its console handler (config/settings/base.py);
gunicorn gets `GunicornLogger` from gunicorn.conf.py, which `./run` picks up.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as _GunicornLogger

DIGIT_RUN = re.compile(r"\d{9,}")


def mask_digits(text: str) -> str:
    return DIGIT_RUN.sub(lambda m: "*" * len(m.group()), text)


class MaskPersonalIds(logging.Filter):
    """A logging filter that rewrites the record's message with digit runs masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let the handler report it as it would
            return True
        masked = mask_digits(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


class GunicornLogger(_GunicornLogger):
    """gunicorn's logger with every text atom of the access log masked (the request line `r`,
    the query `q`, the referrer `f`, request headers `{…}i`, …)."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: mask_digits(v) if isinstance(v, str) else v for k, v in atoms.items()}
