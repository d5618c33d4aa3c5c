"""Tamper-evident audit log: every entry carries the hash of the previous one."""
import hashlib
import json


def chain(previous_hash: str, event: dict) -> str:
    payload = json.dumps(event, sort_keys=True).encode()
    return hashlib.sha256(previous_hash.encode() + payload).hexdigest()
