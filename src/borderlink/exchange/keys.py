"""The node's keys and its trusted peer, kept as files in the node directory.

`DIR/keys/` holds this node's Ed25519 signing key and its TLS key and self-signed certificate
(private keys owner-only). `DIR/peers/<PARTY>.json` and `.crt` hold the one peer this node trusts:
its signing public key and its pinned TLS certificate.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import ipaddress
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from borderlink.config import NodeSettings
from borderlink.errors import InvalidInput

KEYS_DIR = "keys"
PEERS_DIR = "peers"
SIGNING_KEY_FILE = "signing.key"
TLS_KEY_FILE = "tls.key"
TLS_CERT_FILE = "tls.crt"
IDENTITY_FORMAT = "borderlink-peer-identity/1"
CERT_VALID_DAYS = 3650


@dataclasses.dataclass(frozen=True)
class LocalIdentity:
    party: str
    signing_key: Ed25519PrivateKey
    public_key_b64: str
    key_id: str
    tls_cert_path: Path
    tls_key_path: Path


@dataclasses.dataclass(frozen=True)
class PeerIdentity:
    party: str
    federation_url: str
    public_key: Ed25519PublicKey
    public_key_b64: str
    key_id: str
    tls_cert_path: Path


def key_id_of(public_raw: bytes) -> str:
    """A short fingerprint naming a signing key in envelopes and receipts."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def keys_dir(node_dir: Path) -> Path:
    return node_dir / KEYS_DIR


def keys_exist(node_dir: Path) -> bool:
    folder = keys_dir(node_dir)
    return all((folder / name).is_file() for name in (SIGNING_KEY_FILE, TLS_KEY_FILE, TLS_CERT_FILE))


def _write_private(path: Path, data: bytes) -> None:
    # Created owner-only from the first byte: never world-readable, not even for a moment.
    temporary = path.with_suffix(path.suffix + ".tmp")
    if temporary.exists():
        temporary.unlink()
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _san_entries(federation_host: str) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
        x509.DNSName("localhost"),
    ]
    host = federation_host.strip()
    if host and host not in ("127.0.0.1", "localhost", "0.0.0.0", "::"):  # noqa: S104
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def _self_signed_certificate(party: str, key: ec.EllipticCurvePrivateKey, federation_host: str) -> x509.Certificate:
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f"BorderLink {party} federation"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"BorderLink node {party}"),
    ])
    now = dt.datetime.now(dt.UTC)
    public = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=CERT_VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(_san_entries(federation_host)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=True, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False,
        ), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
                       critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )


def init_keys(settings: NodeSettings) -> bool:
    """Make the signing key and the TLS key and certificate. False if they already exist."""
    node_dir = settings.node_dir
    if keys_exist(node_dir):
        return False
    folder = keys_dir(node_dir)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    signing = Ed25519PrivateKey.generate()
    _write_private(folder / SIGNING_KEY_FILE, signing.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    tls_key = ec.generate_private_key(ec.SECP256R1())
    _write_private(folder / TLS_KEY_FILE, tls_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    certificate = _self_signed_certificate(settings.party, tls_key, settings.federation_host)
    (folder / TLS_CERT_FILE).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    _forget_recent()
    return True


_cache_lock = threading.Lock()
_local_cache: dict[Path, tuple[int, LocalIdentity]] = {}
_peer_cache: dict[Path, tuple[tuple[int, ...], PeerIdentity | None]] = {}
# Every envelope sent or received asks for both identities several times; listing the peers'
# folder and reading the files' times each time cost more than signing. What was found is used
# for this long without looking at the files again: a change made by this process (an import,
# new keys) is seen at once, one made by another process within this time.
RECHECK_SECONDS = 1.0
_recent: dict[tuple[str, Path], tuple[float, Any]] = {}


def _recently_loaded(kind: str, node_dir: Path) -> Any:
    with _cache_lock:
        held = _recent.get((kind, node_dir))
    if held is not None and time.monotonic() - held[0] < RECHECK_SECONDS:
        return held[1]
    return None


def _loaded(kind: str, node_dir: Path, value: Any) -> None:
    with _cache_lock:
        _recent[(kind, node_dir)] = (time.monotonic(), value)


def _forget_recent() -> None:
    with _cache_lock:
        _recent.clear()


def load_local(settings: NodeSettings) -> LocalIdentity:
    recent: LocalIdentity | None = _recently_loaded("local", settings.node_dir)
    if recent is not None and recent.party == settings.party:
        return recent
    identity = _load_local(settings)
    _loaded("local", settings.node_dir, identity)
    return identity


def _load_local(settings: NodeSettings) -> LocalIdentity:
    folder = keys_dir(settings.node_dir)
    key_path = folder / SIGNING_KEY_FILE
    if not keys_exist(settings.node_dir):
        raise InvalidInput(f"no keys in {folder}; run 'borderlink keys init --node-dir {settings.node_dir}'")
    stamp = key_path.stat().st_mtime_ns
    with _cache_lock:
        cached = _local_cache.get(key_path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    loaded = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise InvalidInput(f"{key_path} is not an Ed25519 private key")
    raw = public_raw(loaded.public_key())
    identity = LocalIdentity(
        party=settings.party, signing_key=loaded, public_key_b64=base64.b64encode(raw).decode("ascii"),
        key_id=key_id_of(raw), tls_cert_path=folder / TLS_CERT_FILE, tls_key_path=folder / TLS_KEY_FILE,
    )
    with _cache_lock:
        _local_cache[key_path] = (stamp, identity)
    return identity


def export_identity(settings: NodeSettings) -> dict[str, Any]:
    """This node's public identity, for the peer's administrator to import."""
    local = load_local(settings)
    return {
        "format": IDENTITY_FORMAT,
        "party": settings.party,
        "federation_url": settings.federation_url,
        "signing_public_key": local.public_key_b64,
        "key_id": local.key_id,
        "tls_certificate_pem": local.tls_cert_path.read_text(encoding="ascii"),
    }


def _parse_identity(data: Any) -> tuple[str, str, Ed25519PublicKey, str, x509.Certificate]:
    if not isinstance(data, dict) or data.get("format") != IDENTITY_FORMAT:
        raise InvalidInput(f"not a BorderLink peer identity (expected format {IDENTITY_FORMAT!r})")
    party, url = data.get("party"), data.get("federation_url")
    key_text, pem = data.get("signing_public_key"), data.get("tls_certificate_pem")
    if party not in ("VN", "CN"):
        raise InvalidInput("peer identity: party must be VN or CN")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise InvalidInput("peer identity: federation_url must be an https:// URL")
    if not isinstance(key_text, str) or not isinstance(pem, str):
        raise InvalidInput("peer identity: signing_public_key and tls_certificate_pem are required")
    try:
        raw = base64.b64decode(key_text, validate=True)
        public = Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("peer identity: signing_public_key is not a base64 Ed25519 public key") from exc
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode("ascii"))
    except ValueError as exc:
        raise InvalidInput("peer identity: tls_certificate_pem is not a PEM certificate") from exc
    return party, url, public, key_text, certificate


def import_peer(settings: NodeSettings, data: Any) -> PeerIdentity:
    """Trust a peer: pin its signing key and its TLS certificate. Replaces an earlier import."""
    party, url, public, key_text, certificate = _parse_identity(data)
    if party == settings.party:
        raise InvalidInput(f"this is the {party} node; the peer must be the other party")
    folder = settings.node_dir / PEERS_DIR
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for other in folder.glob("*.json"):
        if other.stem != party:
            raise InvalidInput(f"already peered with {other.stem}; a node has exactly one peer")
    (folder / f"{party}.crt").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    record = {
        "format": IDENTITY_FORMAT, "party": party, "federation_url": url, "signing_public_key": key_text,
        "key_id": key_id_of(public_raw(public)),
    }
    (folder / f"{party}.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    _forget_recent()
    peer = load_peer(settings)
    assert peer is not None
    return peer


def load_peer(settings: NodeSettings) -> PeerIdentity | None:
    """The one peer this node trusts, or None before `borderlink peer import`."""
    recent: PeerIdentity | None = _recently_loaded("peer", settings.node_dir)
    if recent is not None:
        return recent
    peer = _load_peer(settings)
    if peer is not None:  # a node without a peer yet looks again at once
        _loaded("peer", settings.node_dir, peer)
    return peer


def _load_peer(settings: NodeSettings) -> PeerIdentity | None:
    folder = settings.node_dir / PEERS_DIR
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    if not files:
        return None
    path = files[0]
    cert_path = path.with_suffix(".crt")
    stamp = (path.stat().st_mtime_ns, cert_path.stat().st_mtime_ns if cert_path.exists() else 0)
    with _cache_lock:
        cached = _peer_cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    data = json.loads(path.read_text(encoding="utf-8"))
    raw = base64.b64decode(data["signing_public_key"])
    peer = PeerIdentity(
        party=data["party"], federation_url=data["federation_url"],
        public_key=Ed25519PublicKey.from_public_bytes(raw), public_key_b64=data["signing_public_key"],
        key_id=key_id_of(raw), tls_cert_path=cert_path,
    )
    with _cache_lock:
        _peer_cache[path] = (stamp, peer)
    return peer


def require_peer(settings: NodeSettings) -> PeerIdentity:
    peer = load_peer(settings)
    if peer is None:
        raise InvalidInput(
            f"no peer configured for this node; run 'borderlink peer import --node-dir {settings.node_dir} FILE'")
    return peer
