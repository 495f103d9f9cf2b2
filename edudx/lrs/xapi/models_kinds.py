"""Prefixes that keep the hash spaces of the four key kinds apart."""

KIND_PREFIX = {"agent": "a", "activity": "o", "verb": "v", "registration": "r"}
