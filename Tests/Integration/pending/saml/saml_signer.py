"""A reference signing service for `signing.http_signer` (docs/saml.md, "HTTP signer"), on loopback.

It stands in for a KMS or HSM: it holds an RSA key Portcullis never sees, and for each request

    POST /sign   Authorization: Bearer <token>   Content-Type: application/json
    {"algorithm": "rsa-sha256", "digest_algorithm": "sha256", "digest": "<base64>"}

answers 200 `{"signature": "<base64 RSASSA-PKCS1-v1_5 over that digest>"}` — the digest is signed
as it is (a "prehashed" signature, what KMS `MessageType: DIGEST` does), never hashed again. A
wrong token is 401, a malformed body 400. `answer_with(...)` makes it misbehave the ways a real
service can (an error status, a short or non-base64 signature, a slow answer), so the tests see
Portcullis refuse to send anything unsigned. Every request is recorded.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, utils

from loopback_app import LoopbackApp, Reply, Request
from saml_sp import KeyPair

DIGESTS = {"sha256": (hashes.SHA256(), 32), "sha1": (hashes.SHA1(), 20)}
ALGORITHMS = {"rsa-sha256": "sha256", "rsa-sha1": "sha1"}


@dataclass
class SignCall:
    authorization: str | None
    body: Any
    status: int


class SigningService(LoopbackApp):
    # The secrets-file key the tests' config names as `http_signer.token`.
    SECRET_KEY = "saml-signer-token"

    def __init__(self, keys: KeyPair) -> None:
        super().__init__(self._handle, name="saml-signer")
        self.keys = keys
        self.token = secrets.token_urlsafe(24)  # ≥ 16 bytes, as the config requires
        self.calls: list[SignCall] = []
        self._misbehaviour: Reply | None = None
        self._delay = 0.0
        self._calls_lock = threading.Lock()

    @property
    def sign_url(self) -> str:
        return self.url("/sign")

    def answer_with(self, reply: Reply | None = None, *, delay: float = 0.0) -> None:
        """From now on answer every signing request with `reply` (None: sign properly), after `delay`."""
        self._misbehaviour, self._delay = reply, delay

    def mark(self) -> int:
        with self._calls_lock:
            return len(self.calls)

    def since(self, mark: int) -> list[SignCall]:
        with self._calls_lock:
            return list(self.calls[mark:])

    def describe(self) -> str:
        with self._calls_lock:
            return "\n".join(f"{c.status} {c.body}" for c in self.calls[-20:]) or "no signing requests"

    def _handle(self, request: Request) -> Reply:
        reply = self._answer(request)
        with self._calls_lock:
            self.calls.append(SignCall(request.header("Authorization"), request.json, reply.status))
        if self._delay:
            time.sleep(self._delay)
        return reply

    def _answer(self, request: Request) -> Reply:
        if request.path != "/sign":
            return Reply(404, {"error": "not found"}, "application/json")
        if request.method != "POST":
            return Reply(405, {"error": "POST only"}, "application/json")
        if request.header("Authorization") != f"Bearer {self.token}":
            return Reply(401, {"error": "bad token"}, "application/json")
        body = request.json
        if not isinstance(body, dict) or ALGORITHMS.get(body.get("algorithm")) != body.get("digest_algorithm"):
            return Reply(400, {"error": "algorithm and digest_algorithm must match"}, "application/json")
        algorithm, size = DIGESTS[body["digest_algorithm"]]
        try:
            digest = base64.b64decode(body.get("digest", ""), validate=True)
        except ValueError:
            return Reply(400, {"error": "digest is not base64"}, "application/json")
        if len(digest) != size:
            return Reply(400, {"error": f"a {body['digest_algorithm']} digest has {size} bytes"}, "application/json")
        if self._misbehaviour is not None:
            return self._misbehaviour
        signature = self.keys.key.sign(digest, padding.PKCS1v15(), utils.Prehashed(algorithm))
        return Reply(200, {"signature": base64.b64encode(signature).decode()}, "application/json")
