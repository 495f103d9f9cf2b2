"""The adapter for an HTTP/JSON population-registry service (protocol in ../README.md).

Batches people (at most `batch_size` per request), answers repeat questions from a cache
keyed by a hash of the submitted facts, keeps under the agreed rate with a token bucket, and
retries timeouts, connection failures, 429 and 5xx with exponential backoff and full jitter,
waiting at least as long as the server's Retry-After says. A batch that still fails comes
back as ERROR results; nothing here raises because the registry is down.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
from django.core.cache import caches

from .base import DEFINITIVE, ERROR, FIELDS, Connector, PersonQuery, VerifyResult
from .ratelimit import TokenBucket

log = logging.getLogger(__name__)

VERIFY_PATH = "/v1/citizens:verify"
API_KEY_HEADER = "X-Api-Key"
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
CACHE_PREFIX = "identity:verify:v1:"


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason, self.retry_after = reason, retry_after


class _Fatal(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


class HttpRegistryConnector(Connector):
    source = "http"

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        batch_size: int = 100,
        rate: float = 10.0,
        burst: float | None = None,
        timeout: float = 10.0,
        max_retries: int = 4,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        cache_ttl: int = 24 * 3600,
        cache_alias: str = "default",
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.batch_size = batch_size
        self.max_retries = max_retries
        self.backoff_base, self.backoff_max = backoff_base, backoff_max
        self.cache_ttl = cache_ttl
        self.cache = caches[cache_alias] if cache_ttl > 0 else None
        self.sleep = sleep
        self.rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self.bucket = TokenBucket(rate, burst, clock=clock, sleep=sleep)
        self.client = httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(timeout),
            headers={API_KEY_HEADER: api_key, "Accept": "application/json"},
            transport=transport,
        )
        self.requests_sent = 0

    def close(self) -> None:
        self.client.close()

    # ----- cache
    def _cache_key(self, person: PersonQuery) -> str:
        return CACHE_PREFIX + person.fingerprint()

    def _from_cache(self, people: Sequence[PersonQuery]) -> dict[int, VerifyResult]:
        if self.cache is None or not people:
            return {}
        keys = {i: self._cache_key(p) for i, p in enumerate(people)}
        found = self.cache.get_many(list(set(keys.values())))
        out = {}
        for i, key in keys.items():
            hit = found.get(key)
            if hit is not None:
                status, differing = hit
                out[i] = VerifyResult(people[i].ref, status, tuple(differing), cached=True)
        return out

    def _to_cache(self, pairs: list[tuple[PersonQuery, VerifyResult]]) -> None:
        if self.cache is None:
            return
        values = {
            self._cache_key(p): (r.status, list(r.differing_fields))
            for p, r in pairs
            if r.status in DEFINITIVE
        }
        if values:
            self.cache.set_many(values, timeout=self.cache_ttl)

    # ----- the interface
    def verify_batch(self, people: Sequence[PersonQuery]) -> list[VerifyResult]:
        results: dict[int, VerifyResult] = self._from_cache(people)
        todo = [i for i in range(len(people)) if i not in results]
        for start in range(0, len(todo), self.batch_size):
            chunk = todo[start : start + self.batch_size]
            answered = self._send([people[i] for i in chunk])
            for i, result in zip(chunk, answered, strict=True):
                results[i] = result
            self._to_cache([(people[i], results[i]) for i in chunk])
        return [results[i] for i in range(len(people))]

    # ----- one batch, with retries
    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        ceiling = min(self.backoff_max, self.backoff_base * (2**attempt))
        delay = self.rng.uniform(0, ceiling)  # full jitter
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.backoff_max))
        return delay

    def _send(self, chunk: list[PersonQuery]) -> list[VerifyResult]:
        reason = "unknown"
        for attempt in range(self.max_retries + 1):
            self.bucket.acquire()
            try:
                return self._post(chunk)
            except _Fatal as exc:
                reason = exc.reason
                break
            except _Retryable as exc:
                reason = exc.reason
                if attempt == self.max_retries:
                    break
                delay = self._backoff(attempt, exc.retry_after)
                log.info("registry batch retry %d after %s, waiting %.2fs", attempt + 1, reason, delay)
                self.sleep(delay)
        log.warning("registry batch of %d failed: %s", len(chunk), reason)
        return [VerifyResult(p.ref, ERROR, (), reason) for p in chunk]

    def _post(self, chunk: list[PersonQuery]) -> list[VerifyResult]:
        self.requests_sent += 1
        try:
            response = self.client.post(VERIFY_PATH, json={"items": [p.as_payload() for p in chunk]})
        except httpx.TimeoutException as exc:
            raise _Retryable("timeout") from exc
        except httpx.TransportError as exc:
            raise _Retryable("connection") from exc
        if response.status_code in RETRYABLE_STATUS:
            raise _Retryable(f"http_{response.status_code}", _retry_after(response))
        if response.status_code != 200:
            raise _Fatal(f"http_{response.status_code}")
        try:
            body: Any = response.json()
            rows = {str(r["ref"]): r for r in body["results"]}
        except (ValueError, KeyError, TypeError) as exc:
            raise _Retryable("bad_response") from exc
        out = []
        for p in chunk:
            row = rows.get(p.ref)
            if row is None or row.get("status") not in DEFINITIVE:
                out.append(VerifyResult(p.ref, ERROR, (), "bad_response"))
                continue
            differing = tuple(f for f in row.get("differing_fields") or () if f in FIELDS)
            out.append(VerifyResult(p.ref, row["status"], differing))
        return out
