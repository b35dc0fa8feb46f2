"""Our Argon2 against an independent implementation: argon2-cffi, which bundles the reference C code.

The Swift side is `portcullis-argon2-crosscheck` (Tests/Tools/Argon2CrossCheck), built next to the
`portcullis` binary; it answers JSON lines (see its header). Inputs come from a seeded generator; the
seed is in every assertion message, and ARGON2_CROSSCHECK_SEED=N replays a run.

- raw tags: all three variants, both versions, secret and associated data (through argon2-cffi's
  `low_level.core` with a full `argon2_context`), lanes 1–4, tag lengths 4–128;
- our production PHC encoder equals argon2-cffi's `hash_secret` byte for byte and verifies there;
- argon2-cffi's PHC strings verify with our production verifier (and a wrong password does not);
- malformed requests are answered with an error and the tool keeps going.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path
from typing import Iterator

import pytest
from argon2 import PasswordHasher as ReferenceHasher
from argon2 import Type, exceptions
from argon2.low_level import ARGON2_VERSION, core, ffi, hash_secret, lib

SEED = int(os.environ.get("ARGON2_CROSSCHECK_SEED", random.SystemRandom().randrange(1 << 32)))
TYPES = {"d": Type.D, "i": Type.I, "id": Type.ID}
DEFAULT = {"m": 19456, "t": 2, "p": 1}


class CrossCheckTool:
    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )

    def ask(self, request: dict | str) -> dict:
        line = request if isinstance(request, str) else json.dumps(request)
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, f"the tool exited (status {self.process.poll()}) on {line[:200]}"
        return json.loads(answer)

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def tool(portcullis_bin: Path) -> Iterator[CrossCheckTool]:
    path = portcullis_bin.parent / "portcullis-argon2-crosscheck"
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: `swift build --build-tests` builds it", pytrace=False)
    checker = CrossCheckTool(path)
    try:
        yield checker
    finally:
        checker.close()


def reference_raw(kind: str, version: int, password: bytes, salt: bytes, secret: bytes, ad: bytes,
                  m: int, t: int, p: int, length: int) -> bytes:
    """The reference C code through a full argon2_context (hash_secret_raw has no secret or ad)."""
    out = ffi.new("uint8_t[]", length)
    keep = [ffi.new("uint8_t[]", value or b"\0") for value in (password, salt, secret, ad)]
    context = ffi.new("argon2_context *", {
        "out": out, "outlen": length,
        "pwd": keep[0], "pwdlen": len(password), "salt": keep[1], "saltlen": len(salt),
        "secret": keep[2] if secret else ffi.NULL, "secretlen": len(secret),
        "ad": keep[3] if ad else ffi.NULL, "adlen": len(ad),
        "t_cost": t, "m_cost": m, "lanes": p, "threads": p, "version": version,
        "allocate_cbk": ffi.NULL, "free_cbk": ffi.NULL, "flags": lib.ARGON2_DEFAULT_FLAGS,
    })
    assert core(context, TYPES[kind].value) == lib.ARGON2_OK
    return bytes(ffi.buffer(out, length))


def random_text(rng: random.Random) -> str:
    alphabet = "abcXYZ019 -_äöüßéñ€日本語🔐😀\u00a0"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))


def random_costs(rng: random.Random) -> tuple[int, int, int]:
    p = rng.randint(1, 4)
    return rng.randint(8 * p, 1024), rng.randint(1, 3), p


def test_raw_tags_match_the_reference(tool: CrossCheckTool) -> None:
    rng = random.Random(SEED)
    for case in range(240):
        kind = "id" if case % 3 else rng.choice(["d", "i"])
        version = ARGON2_VERSION if case % 5 else 0x10
        password = rng.randbytes(rng.randrange(0, 100))
        salt = rng.randbytes(rng.randrange(8, 48))
        secret = rng.randbytes(rng.randrange(1, 32)) if case % 4 == 0 else b""
        ad = rng.randbytes(rng.randrange(1, 32)) if case % 6 == 0 else b""
        m, t, p = random_costs(rng)
        length = rng.choice([4, 16, 32, 33, 64, 65, 100, 128])
        answer = tool.ask({"op": "raw", "type": kind, "version": version, "password": password.hex(),
                           "salt": salt.hex(), "secret": secret.hex(), "ad": ad.hex(),
                           "m": m, "t": t, "p": p, "length": length})
        expected = reference_raw(kind, version, password, salt, secret, ad, m, t, p, length)
        assert answer == {"tag": expected.hex()}, (
            f"seed {SEED} case {case}: argon2{kind} v{version} m={m} t={t} p={p} length={length}")


def test_our_phc_strings_are_the_references(tool: CrossCheckTool) -> None:
    rng = random.Random(SEED + 1)
    reference = ReferenceHasher()
    for case in range(60):
        password = random_text(rng)
        salt = rng.randbytes(16)
        m, t, p = (DEFAULT["m"], DEFAULT["t"], DEFAULT["p"]) if case < 3 else random_costs(rng)
        ours = tool.ask({"op": "hash", "password": password.encode().hex(), "salt": salt.hex(),
                         "m": m, "t": t, "p": p})["encoded"]
        theirs = hash_secret(password.encode(), salt, t, m, p, 32, Type.ID).decode()
        assert ours == theirs, f"seed {SEED} case {case}: m={m} t={t} p={p}"
        assert reference.verify(ours, password)
        with pytest.raises(exceptions.VerifyMismatchError):
            reference.verify(ours, password + "x")


def test_reference_phc_strings_verify_with_ours(tool: CrossCheckTool) -> None:
    rng = random.Random(SEED + 2)
    for case in range(60):
        password = random_text(rng)
        m, t, p = (DEFAULT["m"], DEFAULT["t"], DEFAULT["p"]) if case < 3 else random_costs(rng)
        salt_length = 16 if case < 3 else rng.randrange(8, 33)
        encoded = ReferenceHasher(time_cost=t, memory_cost=m, parallelism=p, hash_len=32,
                                  salt_len=salt_length).hash(password)
        answer = tool.ask({"op": "verify", "password": password.encode().hex(), "encoded": encoded})
        current = (m, t, p) == (DEFAULT["m"], DEFAULT["t"], DEFAULT["p"]) and salt_length >= 16
        assert answer == {"valid": True, "needs_rehash": not current}, f"seed {SEED} case {case}: {encoded}"
        wrong = tool.ask({"op": "verify", "password": (password + "!").encode().hex(), "encoded": encoded})
        assert wrong == {"valid": False, "needs_rehash": False}, f"seed {SEED} case {case}: {encoded}"


@pytest.mark.parametrize("request_line", [
    "not json",
    "[1, 2]",
    json.dumps({"op": "nonsense"}),
    json.dumps({"op": "raw", "type": "id", "version": 19, "password": "zz", "salt": "00" * 8,
                "m": 64, "t": 1, "p": 1, "length": 32}),
    json.dumps({"op": "raw", "type": "id", "version": 19, "password": "", "salt": "00" * 7,
                "m": 64, "t": 1, "p": 1, "length": 32}),
    json.dumps({"op": "raw", "type": "x", "version": 19, "password": "", "salt": "00" * 8,
                "m": 64, "t": 1, "p": 1, "length": 32}),
    json.dumps({"op": "hash", "password": "ff", "salt": "00" * 16, "m": 64, "t": 1, "p": 1}),
    json.dumps({"op": "hash", "password": "", "salt": "00" * 16, "m": 4, "t": 1, "p": 1}),
])
def test_malformed_requests_get_an_error_and_the_tool_carries_on(tool: CrossCheckTool, request_line: str) -> None:
    assert "error" in tool.ask(request_line)
    ok = tool.ask({"op": "raw", "type": "id", "version": 19, "password": "", "salt": "00" * 8,
                   "m": 8, "t": 1, "p": 1, "length": 4})
    assert ok == {"tag": reference_raw("id", 19, b"", b"\0" * 8, b"", b"", 8, 1, 1, 4).hex()}
