"""The key that protects IAM's secrets at rest, kept in `<data_dir>/secrets/iam.key` (0600).

Secret access keys are stored AES-GCM encrypted with a key derived from it; session tokens
are authenticated with another derived key, so no signing key is ever stored. The keyring is
attached to the server's metadata store at start-up, which is how code handed only the store
(the gateway's credential look-up, job launchers minting role sessions) finds it.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
import weakref
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sagelab.store.metadata import MetadataStore

_KEY_FILE = "iam.key"
_NONCE_BYTES = 12


class Keyring:
    def __init__(self, master: bytes) -> None:
        self._cipher = AESGCM(_derive(master, b"sagelab iam secrets at rest"))
        self._token_key = _derive(master, b"sagelab sts session tokens")

    def encrypt(self, text: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._cipher.encrypt(nonce, text.encode(), None)
        return base64.b64encode(nonce + sealed).decode()

    def decrypt(self, stored: str) -> str:
        raw = base64.b64decode(stored)
        return self._cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], None).decode()

    def seal_token(self, claims: bytes) -> str:
        """An opaque, tamper-proof token for `claims`: the same claims give the same token, so
        the token a client presents can be checked against the one recomputed from storage."""
        tag = hmac.new(self._token_key, claims, hashlib.sha256).digest()
        nonce = tag[:_NONCE_BYTES]  # synthetic IV: unique per distinct claims
        sealed = AESGCM(self._token_key).encrypt(nonce, claims, None)
        return "IQo" + base64.b64encode(nonce + sealed).decode()


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


def load(secrets_dir: Path) -> Keyring:
    """The data dir's keyring, creating its key file (mode 0600) the first time."""
    path = secrets_dir / _KEY_FILE
    if not path.exists():
        secrets_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):  # never replace another process's key
            os.link(tmp, path)
        tmp.unlink()
    return Keyring(bytes.fromhex(path.read_text().strip()))


_attached: weakref.WeakKeyDictionary[MetadataStore, Keyring] = weakref.WeakKeyDictionary()


def attach(meta: MetadataStore, secrets_dir: Path) -> Keyring:
    keyring = _attached.get(meta)
    if keyring is None:
        keyring = _attached[meta] = load(secrets_dir)
    return keyring


def of(meta: MetadataStore) -> Keyring:
    keyring = _attached.get(meta)
    if keyring is None:
        raise RuntimeError("the IAM keyring was not attached to this metadata store")
    return keyring
