"""A real SAML 2.0 service provider for the SAML tests (test_saml_*.py), built on pysaml2.

Portcullis is the IdP; this module is everything on the other side:

- `make_key_pair`: an RSA key and a self-signed certificate made with `cryptography` at test time
  (SPs that sign their requests, the HTTP signer's "HSM" key).
- `SPSpec`: one entry of acme's `saml_service_providers` as a test configures it, and `SPEC_SET`,
  the set both test modules run with: the shipped `demo-sp` (only its 127.0.0.1:8087 moved to the
  SP host's port) and variants for signed requests, NameID formats, signature placement,
  IdP-initiated sign-in, single logout, the HTTP signer and several ACS endpoints.
- `SPHost`: one loopback app serving every SP's ACS and SingleLogoutService, recording what the
  browser posts there, and a `/start/TOKEN` page per prepared request, so Chromium starts each
  sign-in at the SP as a real one would (a 302 for HTTP-Redirect, an auto-submitted form for
  HTTP-POST).
- `ServiceProvider`: a `saml2.client.Saml2Client` configured from the IdP metadata fetched from the
  running server. It creates AuthnRequests (both bindings, signed or not, ForceAuthn, IsPassive,
  NameIDPolicy, a chosen ACS URL or index) and LogoutRequests, and parses responses with pysaml2,
  which checks the signatures (with xmlsec1), InResponseTo, Destination, audience and times.
  `raw_request` sends hand-written XML for the negative tests.
- `xmlsec_verify`: the `xmlsec1 --verify` check pinned to the metadata's certificate, independent
  of pysaml2 and of Portcullis' own verifier.
- `saml_site`: a started server on a config copy with these SPs, the SP host and, if asked, the
  HTTP signer (saml_signer.py), as a module fixture uses it.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import secrets
import shutil
import subprocess
import threading
import time
import uuid
import zlib
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlencode, urlsplit

import defusedxml.ElementTree as SafeET
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NameID
from saml2.xmldsig import DIGEST_SHA1, DIGEST_SHA256, SIG_RSA_SHA1, SIG_RSA_SHA256

from browser import create_user
from loopback_app import LoopbackApp, Reply, Request, page, redirect, running
from oidc_client import Browser, AuthorizeResult, parse_forms
from portcullis_testkit import EXAMPLE_SECRETS, Server, dump_yaml, edit_yaml, load_yaml, page_server, wait_until

TENANT = "acme"
XMLSEC1 = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"
PASSWORD = "correct horse battery staple"
SHIPPED_SP_HOSTPORT = "127.0.0.1:8087"

PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol"
ASSERTION_NS = "urn:oasis:names:tc:SAML:2.0:assertion"
METADATA_NS = "urn:oasis:names:tc:SAML:2.0:metadata"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"
NS = {"samlp": PROTOCOL_NS, "saml": ASSERTION_NS, "md": METADATA_NS, "ds": DSIG_NS}

NAMEID_FORMATS = {
    "email": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    "persistent": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
    "transient": "urn:oasis:names:tc:SAML:2.0:nameid-format:transient",
    "unspecified": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
}
STATUS = "urn:oasis:names:tc:SAML:2.0:status:"
SUCCESS = [STATUS + "Success"]
REQUEST_DENIED = [STATUS + "Requester", STATUS + "RequestDenied"]
INVALID_NAMEID_POLICY = [STATUS + "Requester", STATUS + "InvalidNameIDPolicy"]
NO_PASSIVE = [STATUS + "Responder", STATUS + "NoPassive"]
BASIC_NAME_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"

# The browser's last hop to the ACS happens right after the page the test waited for.
ARRIVAL_TIMEOUT = 15.0


# --------------------------------------------------------------------------------------------
# Keys and certificates


@dataclass
class KeyPair:
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    key_path: Path
    cert_path: Path

    @property
    def cert_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()


def make_key_pair(directory: Path, name: str, common_name: str | None = None) -> KeyPair:
    """A fresh 2048-bit RSA key and a self-signed certificate for it, written as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name or name)])
    now = dt.datetime.now(dt.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return KeyPair(key, certificate, key_path, cert_path)


def certificate_from_base64(text: str) -> x509.Certificate:
    return x509.load_der_x509_certificate(base64.b64decode("".join(text.split())))


def pem_of(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


# --------------------------------------------------------------------------------------------
# Binding encodings (saml-bindings-2.0-os §3.4, §3.5), for hand-made and tampered messages


def deflate(data: bytes) -> bytes:
    """Raw DEFLATE (RFC 1951, no zlib header), as the HTTP-Redirect binding uses."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def inflate(data: bytes) -> bytes:
    return zlib.decompress(data, -15)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def signed_query(params: list[tuple[str, str]], key: rsa.RSAPrivateKey | None, sigalg: str = SIG_RSA_SHA256) -> str:
    """`SAMLRequest=…&RelayState=…` with, if `key` is given, `SigAlg` and the `Signature` over those
    exact octets (§3.4.4.1)."""
    query = urlencode(params)
    if key is None:
        return query
    query += "&" + urlencode([("SigAlg", sigalg)])
    digest = hashes.SHA1() if sigalg == SIG_RSA_SHA1 else hashes.SHA256()
    signature = key.sign(query.encode(), padding.PKCS1v15(), digest)
    return query + "&" + urlencode([("Signature", b64(signature))])


def verify_query_signature(raw_query: str, certificate: x509.Certificate, parameter: str = "SAMLResponse") -> bool:
    """Whether an HTTP-Redirect message's query signature verifies with `certificate`, over the
    octets as they appear in the URL (what a SAML SP checks for a LogoutResponse)."""
    parts = dict(pair.split("=", 1) for pair in raw_query.split("&") if "=" in pair)
    octets = "&".join(f"{name}={parts[name]}" for name in (parameter, "RelayState", "SigAlg") if name in parts)
    from urllib.parse import unquote_plus

    sigalg = unquote_plus(parts.get("SigAlg", ""))
    signature = base64.b64decode(unquote_plus(parts.get("Signature", "")))
    digest = {SIG_RSA_SHA256: hashes.SHA256(), SIG_RSA_SHA1: hashes.SHA1()}.get(sigalg)
    if digest is None:
        return False
    try:
        certificate.public_key().verify(signature, octets.encode(), padding.PKCS1v15(), digest)
        return True
    except Exception:
        return False


def instant(offset_seconds: float = 0) -> str:
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_id() -> str:
    return "_" + uuid.uuid4().hex


# --------------------------------------------------------------------------------------------
# Reading and verifying the IdP's messages


def parse_xml(xml: bytes | str):
    """The root element; defusedxml refuses DTDs and entities, so nothing the server sends could
    expand here either."""
    return SafeET.fromstring(xml if isinstance(xml, bytes) else xml.encode(), forbid_dtd=True)


def status_codes(root) -> list[str]:
    """The nested StatusCode values of a Response or LogoutResponse, outermost first."""
    codes = []
    code = root.find("samlp:Status/samlp:StatusCode", NS)
    while code is not None:
        codes.append(code.get("Value"))
        code = code.find("samlp:StatusCode", NS)
    return codes


def xmlsec_verify(xml: bytes, cert_path: Path, node: str, workdir: Path) -> subprocess.CompletedProcess:
    """`xmlsec1 --verify` of the `node` element's signature (`Response`, `Assertion` or
    `LogoutResponse`) with the public key of `cert_path` only. Never `--insecure`: with it any key
    that embeds its own certificate would pass. Both SAML ID attributes are declared so the
    Reference URIs resolve."""
    path = workdir / f"message-{uuid.uuid4().hex[:8]}.xml"
    path.write_bytes(xml)
    namespace = ASSERTION_NS if node == "Assertion" else PROTOCOL_NS
    command = [
        XMLSEC1, "--verify", "--pubkey-cert-pem", str(cert_path), "--enabled-key-data", "rsa",
        "--id-attr:ID", f"{PROTOCOL_NS}:Response", "--id-attr:ID", f"{ASSERTION_NS}:Assertion",
        "--id-attr:ID", f"{PROTOCOL_NS}:LogoutResponse",
        "--node-xpath", f"//*[local-name()='{node}' and namespace-uri()='{namespace}']"
                        f"/*[local-name()='Signature' and namespace-uri()='{DSIG_NS}']",
        str(path),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def assert_xmlsec_verifies(xml: bytes, cert_path: Path, node: str, workdir: Path) -> None:
    result = xmlsec_verify(xml, cert_path, node, workdir)
    assert result.returncode == 0 and "OK" in result.stdout + result.stderr, (
        f"xmlsec1 did not verify the {node} signature:\n{result.stdout}{result.stderr}\n{xml.decode()[:3000]}")


# --------------------------------------------------------------------------------------------
# Service providers as acme's configuration names them


@dataclass
class SPSpec:
    """One `saml_service_providers` entry. `entry` holds the keys beyond id/entity_id/ACS;
    `signs`: the SP signs its requests, so its certificate goes into the entry (`certificate`
    inline, or `metadata_file` written from pysaml2's own SP metadata when `via_metadata`)."""

    id: str
    entry: dict = field(default_factory=dict)
    signs: bool = False
    via_metadata: bool = False
    acs: list[dict] = field(default_factory=lambda: [{"path": "acs"}])
    slo: bool = False
    http_signer: bool = False
    # pysaml2's side: which signatures it insists on, and whether it takes unsolicited responses.
    want_response_signed: bool = True
    want_assertions_signed: bool = True
    allow_unsolicited: bool = False

    @property
    def prefix(self) -> str:
        return "" if self.id == "demo-sp" else f"/{self.id}"

    def entity_path(self) -> str:
        return "/sp" if self.id == "demo-sp" else f"/{self.id}/sp"

    def acs_path(self, index: int = 0) -> str:
        return f"{self.prefix}/{self.acs[index]['path']}"

    def slo_path(self) -> str:
        return f"{self.prefix}/slo"


ATTRIBUTES = [
    {"name": "email", "source": "email", "friendly_name": "email"},
    {"name": "name", "source": "name", "friendly_name": "name"},
]

SPEC_SET = [
    SPSpec("demo-sp"),  # as shipped in config/tenants/acme.yaml
    SPSpec("signed-sp", {"want_authn_requests_signed": True, "attributes": ATTRIBUTES}, signs=True, via_metadata=True),
    SPSpec("sha1-sp", {"want_authn_requests_signed": True, "allow_sha1": True, "signature_algorithm": "rsa-sha1",
                       "digest_algorithm": "sha1"}, signs=True),
    # Signs its requests when it likes (a certificate, but want_authn_requests_signed false).
    SPSpec("optional-sign-sp", {}, signs=True),
    SPSpec("persistent-sp", {"name_id": {"format": "persistent"}}),
    SPSpec("transient-sp", {"name_id": {"format": "transient"}}),
    SPSpec("unspecified-sp", {"name_id": {"format": "unspecified"}}),
    SPSpec("response-signed-sp", {"sign_response": True, "sign_assertion": False, "attributes": ATTRIBUTES},
           want_assertions_signed=False),
    SPSpec("assertion-signed-sp", {"sign_response": False, "sign_assertion": True, "attributes": ATTRIBUTES},
           want_response_signed=False),
    SPSpec("idp-initiated-sp", {"allow_idp_initiated": True, "default_relay_state": "/welcome",
                                "attributes": ATTRIBUTES}, allow_unsolicited=True),
    # Its LogoutRequests must be signed (it has a certificate); LogoutResponses by HTTP-Redirect.
    SPSpec("slo-sp", {"attributes": ATTRIBUTES}, signs=True, slo=True),
    SPSpec("slo-post-sp", {}, slo=True),
    SPSpec("signer-sp", {"attributes": ATTRIBUTES}, http_signer=True),
    SPSpec("multi-acs-sp", {
        "assertion_lifetime": "2m",
        "audience": "urn:test:multi-acs-audience",
        "attributes": [*ATTRIBUTES,
                       {"name": "urn:oid:2.5.4.42", "source": "given_name", "name_format": "uri",
                        "friendly_name": "givenName"},
                       {"name": "roles", "source": "roles"},
                       {"name": "plan", "source": "app_metadata.plan"}],
    }, acs=[{"path": "acs", "index": 1}, {"path": "acs2", "index": 2}, {"path": "acs3", "index": 3, "default": True}]),
]


# --------------------------------------------------------------------------------------------
# The SP host: every SP's endpoints on one loopback port


@dataclass
class Arrival:
    """One request the browser made at an SP endpoint."""

    sp: str
    kind: str  # "acs" or "slo"
    path: str
    method: str
    fields: dict[str, str]  # form fields (POST) or query parameters (GET)
    raw_query: str


@dataclass
class Outgoing:
    """A prepared SAML request: `url` to GET (HTTP-Redirect), or `fields` to POST to `url`."""

    sp: "ServiceProvider"
    id: str | None
    binding: str  # "redirect" or "post"
    url: str
    xml: bytes
    fields: dict[str, str] = field(default_factory=dict)
    relay_state: str | None = None

    def send(self, http: requests.Session) -> requests.Response:
        """The first hop, as the browser makes it, without following redirects."""
        if self.binding == "post":
            return http.post(self.url, data=self.fields, allow_redirects=False, timeout=30)
        return http.get(self.url, allow_redirects=False, timeout=30)


class SPHost(LoopbackApp):
    def __init__(self) -> None:
        super().__init__(self._handle, name="saml-sp-host")
        self.routes: dict[str, tuple[str, str]] = {}  # path -> (sp id, kind)
        self.arrivals: list[Arrival] = []
        self.starts: dict[str, Outgoing] = {}
        self._records = threading.Condition()

    def route(self, path: str, sp: str, kind: str) -> None:
        self.routes[path] = (sp, kind)

    def start_url(self, outgoing: Outgoing) -> str:
        """A URL on this host that starts `outgoing` from the SP's own page."""
        token = secrets.token_urlsafe(8)
        self.starts[token] = outgoing
        return self.url(f"/start/{token}")

    def _handle(self, request: Request) -> Reply:
        if request.path.startswith("/start/"):
            outgoing = self.starts.pop(request.path.removeprefix("/start/"), None)
            if outgoing is None:
                return Reply(404, "unknown start")
            if outgoing.binding == "redirect":
                return redirect(outgoing.url)
            inputs = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                             for k, v in outgoing.fields.items())
            # The SP's own page posts the request to the IdP, as pysaml2's HTTP-POST form does.
            return page("Redirecting to the identity provider", extra_html=(
                f'<form method="post" action="{html.escape(outgoing.url)}">{inputs}</form>'
                "<script>document.forms[0].submit();</script>"))
        target = self.routes.get(request.path)
        if target is None:
            return Reply(404, "not found")
        fields = request.form if request.method == "POST" else request.query
        with self._records:
            self.arrivals.append(Arrival(target[0], target[1], request.path, request.method, fields, request.raw_query))
            self._records.notify_all()
        heading = "Signed in at the service provider" if target[1] == "acs" else "Signed out at the service provider"
        return page(heading, target[0])

    def mark(self) -> int:
        with self._records:
            return len(self.arrivals)

    def wait_arrival(self, mark: int, timeout: float = ARRIVAL_TIMEOUT) -> Arrival:
        """The first arrival after `mark`."""
        deadline = time.monotonic() + timeout
        with self._records:
            while len(self.arrivals) <= mark:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"nothing arrived at the SP host within {timeout}s")
                self._records.wait(left)
            return self.arrivals[mark]


# --------------------------------------------------------------------------------------------
# pysaml2 service providers


class ServiceProvider:
    """A pysaml2 SP for one `SPSpec`, configured with the IdP metadata Portcullis publishes for it."""

    def __init__(self, spec: SPSpec, host: SPHost, keys: KeyPair, workdir: Path,
                 idp_metadata: str | None = None) -> None:
        self.spec = spec
        self.host = host
        self.keys = keys
        self.workdir = workdir
        self.entity_id = host.url(spec.entity_path())
        self.acs_urls = [host.url(spec.acs_path(i)) for i in range(len(spec.acs))]
        self.slo_url = host.url(spec.slo_path())
        self.idp_metadata = idp_metadata
        self.client = Saml2Client(self.config())

    @property
    def acs_url(self) -> str:
        return self.acs_urls[0]

    def config(self) -> SPConfig:
        sp = {
            "endpoints": {
                "assertion_consumer_service": [(url, BINDING_HTTP_POST) for url in self.acs_urls],
                "single_logout_service": [(self.slo_url, BINDING_HTTP_REDIRECT), (self.slo_url, BINDING_HTTP_POST)],
            },
            "want_response_signed": self.spec.want_response_signed,
            "want_assertions_signed": self.spec.want_assertions_signed,
            "allow_unsolicited": self.spec.allow_unsolicited,
            "authn_requests_signed": self.spec.signs,
            "logout_requests_signed": self.spec.signs,
            "name_id_format_allow_create": False,
        }
        config: dict[str, Any] = {
            "entityid": self.entity_id,
            "key_file": str(self.keys.key_path),
            "cert_file": str(self.keys.cert_path),
            "xmlsec_binary": XMLSEC1,
            "allow_unknown_attributes": True,
            "service": {"sp": sp},
        }
        if self.idp_metadata is not None:
            path = self.workdir / f"idp-metadata-{self.spec.id}.xml"
            path.write_text(self.idp_metadata)
            config["metadata"] = {"local": [str(path)]}
        result = SPConfig()
        result.load(config)
        return result

    def own_metadata(self) -> str:
        """This SP's metadata as pysaml2 writes it (entityID, signing certificate, endpoints)."""
        return create_metadata_string(None, config=self.config(), valid=24).decode()

    # -- the IdP as its metadata says --

    @property
    def idp_entity_id(self) -> str:
        return self.client.metadata.identity_providers()[0]

    @property
    def sso_url(self) -> str:
        return self.client.metadata.single_sign_on_service(self.idp_entity_id, BINDING_HTTP_REDIRECT)[0]["location"]

    @property
    def idp_slo_url(self) -> str:
        return self.client.metadata.single_logout_service(self.idp_entity_id, BINDING_HTTP_REDIRECT, "idpsso")[0]["location"]

    def idp_certificate(self) -> x509.Certificate:
        certs = self.client.metadata.certs(self.idp_entity_id, "idpsso", use="signing")
        return certificate_from_base64(certs[0][1])

    def idp_cert_path(self) -> Path:
        path = self.workdir / f"idp-{self.spec.id}.crt"
        path.write_text(pem_of(self.idp_certificate()))
        return path

    # -- requests --

    def authn_request(self, *, binding: str = "redirect", sign: bool | None = None, relay_state: str | None = None,
                      force_authn: bool = False, is_passive: bool = False, nameid_format: str | None = None,
                      acs_url: str | None = None, acs_index: int | None = None, sigalg: str = SIG_RSA_SHA256,
                      digest_alg: str = DIGEST_SHA256, destination: str | None = "", message_id: str | None = None,
                      change: Callable[[Any], None] | None = None, after_signing: Callable[[str], str] | None = None,
                      protocol_binding: str = BINDING_HTTP_POST) -> Outgoing:
        """An AuthnRequest made by pysaml2. `sign` defaults to what the SP is configured to do; for
        HTTP-Redirect the query is signed, for HTTP-POST the XML (enveloped). `change(request)`
        edits the request object before it is signed; `after_signing(xml)` edits the signed XML
        (tampering). `destination=None` leaves Destination out."""
        sign = self.spec.signs if sign is None else sign
        sso = self.sso_url
        kwargs: dict[str, Any] = {}
        if force_authn:
            kwargs["force_authn"] = "true"
        if is_passive:
            kwargs["is_passive"] = "true"
        if acs_url is not None:
            kwargs["assertion_consumer_service_url"] = acs_url
        if acs_index is not None:
            kwargs["assertion_consumer_service_index"] = str(acs_index)
        _, request = self.client.create_authn_request(
            sso if destination == "" else destination, binding=protocol_binding, nameid_format=nameid_format,
            message_id=message_id or new_id(), sign=False, **kwargs)
        if destination is None:
            request.destination = None
        if acs_index is not None:
            request.assertion_consumer_service_url = None
        if change is not None:
            change(request)
        if sign and binding == "post":
            xml = self.client.sign(request, sign_alg=sigalg, digest_alg=digest_alg)
        else:
            xml = str(request)
        if after_signing is not None:
            xml = after_signing(xml)
        return self.encode(xml.encode(), binding=binding, relay_state=relay_state,
                           query_key=self.keys.key if sign and binding == "redirect" else None,
                           sigalg=sigalg, request_id=request.id)

    def encode(self, xml: bytes, *, binding: str = "redirect", relay_state: str | None = None,
               query_key: rsa.RSAPrivateKey | None = None, sigalg: str = SIG_RSA_SHA256,
               request_id: str | None = None, endpoint: str | None = None,
               parameter: str = "SAMLRequest") -> Outgoing:
        """Puts any XML (pysaml2's or hand-written) into a binding: DEFLATE + base64 in the query
        (signed with `query_key`) for HTTP-Redirect, base64 in a form for HTTP-POST."""
        endpoint = endpoint or self.sso_url
        if binding == "post":
            fields = {parameter: b64(xml)}
            if relay_state is not None:
                fields["RelayState"] = relay_state
            return Outgoing(self, request_id, "post", endpoint, xml, fields, relay_state)
        params = [(parameter, b64(deflate(xml)))]
        if relay_state is not None:
            params.append(("RelayState", relay_state))
        url = endpoint + "?" + signed_query(params, query_key, sigalg)
        return Outgoing(self, request_id, "redirect", url, xml, {}, relay_state)

    def raw_request(self, xml: str | bytes, **kwargs) -> Outgoing:
        return self.encode(xml if isinstance(xml, bytes) else xml.encode(), **kwargs)

    def logout_request(self, name_id: str, *, session_index: str | None = None, binding: str = "redirect",
                       sign: bool | None = None, relay_state: str | None = None,
                       name_id_format: str = NAMEID_FORMATS["email"]) -> Outgoing:
        """A LogoutRequest made by pysaml2 for the IdP's SingleLogoutService."""
        sign = self.spec.signs if sign is None else sign
        _, request = self.client.create_logout_request(
            self.idp_slo_url, self.idp_entity_id, name_id=NameID(text=name_id, format=name_id_format),
            session_indexes=[session_index] if session_index else None, sign=False, message_id=new_id())
        xml = self.client.sign(request) if sign and binding == "post" else str(request)
        return self.encode(xml.encode(), binding=binding, relay_state=relay_state, endpoint=self.idp_slo_url,
                           query_key=self.keys.key if sign and binding == "redirect" else None,
                           request_id=request.id)

    # -- responses --

    def parse(self, saml_response: str, outgoing: Outgoing | None):
        """pysaml2's AuthnResponse for a posted SAMLResponse: signatures (xmlsec1, with the
        metadata's certificate), InResponseTo against the request sent, Destination, audience,
        times. Raises what pysaml2 raises (a StatusError subclass for a status response)."""
        outstanding = {outgoing.id: "/"} if outgoing is not None and outgoing.id else {}
        response = self.client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding)
        assert response is not None, "pysaml2 could not read the response"
        return response


def saml_response_xml(fields: dict[str, str]) -> bytes:
    return base64.b64decode(fields["SAMLResponse"])


# --------------------------------------------------------------------------------------------
# The user agent without JavaScript (oidc_client.Browser) on SAML pages


def deliver(agent: Browser, outgoing: Outgoing, *, login: bool = True) -> AuthorizeResult:
    """Sends `outgoing` as a browser would and follows the IdP (logging in if asked and needed)
    until a form posts to the SP, or a page stays on the IdP. A POST-binding request is posted, and
    the 303 to the same endpoint as a GET is followed like any redirect."""
    if outgoing.binding == "post":
        first = outgoing.send(agent.http)
        if not first.is_redirect:
            return AuthorizeResult(None, None, None, first, [])
        return agent.authorize(requests.compat.urljoin(outgoing.url, first.headers["Location"]), login=login)
    return agent.authorize(outgoing.url, login=login)


def response_fields(result: AuthorizeResult, acs_url: str) -> dict[str, str]:
    """The fields posted to the SP; fails unless the form's action is the expected ACS."""
    assert result.form_post is not None, (
        f"no SAML response form; last page {result.response.status_code}:\n{result.response.text[:2000]}\n"
        f"{result.describe()}")
    assert result.form_action == acs_url, (result.form_action, acs_url)
    assert "SAMLResponse" in result.form_post, result.form_post
    return result.form_post


def error_message(response: requests.Response) -> str:
    """The hosted error page's message (`p.lead`)."""
    match = re.search(r'<p class="lead">(.*?)</p>', response.text, re.S)
    return html.unescape(match.group(1)) if match else ""


def assert_error_page(response: requests.Response, *, status: int = 400, contains: str | None = None) -> str:
    """A refusal that sends nothing anywhere: an HTML error page, no SAMLResponse, no form or
    redirect leaving the IdP."""
    assert response.status_code == status, (response.status_code, response.headers, response.text[:2000])
    assert response.headers.get("Content-Type", "").startswith("text/html"), response.headers
    assert "SAMLResponse" not in response.text, response.text[:2000]
    assert "Location" not in response.headers, response.headers
    assert not [f for f in parse_forms(response.text) if f["method"] == "post" and f["action"].startswith("http")], \
        response.text[:2000]
    message = error_message(response)
    if contains is not None:
        assert contains in message, (contains, message)
    return message


def login_redirect(response: requests.Response, server: Server) -> str | None:
    """The `rd` of a redirect to the hosted login page, or None if `response` is not one."""
    location = response.headers.get("Location", "")
    if response.status_code not in (302, 303) or "/u/login" not in location:
        return None
    from urllib.parse import parse_qs

    return parse_qs(urlsplit(location).query).get("rd", [""])[0]


# --------------------------------------------------------------------------------------------
# The site: server + SP host + SPs (+ signer) for one test module


@dataclass
class SAMLSite:
    server: Server
    host: SPHost
    sps: dict[str, ServiceProvider]
    workdir: Path
    portcullis_bin: Path
    signer: Any = None  # saml_signer.SigningService when the module asked for one
    _impostors: dict[str, ServiceProvider] = field(default_factory=dict)

    @property
    def issuer(self) -> str:
        return self.server.url(f"/{TENANT}")

    def sso_url(self, sp_id: str) -> str:
        return f"{self.issuer}/samlp/{sp_id}"

    def metadata(self, sp_id: str) -> requests.Response:
        return requests.get(f"{self.issuer}/samlp/metadata/{sp_id}", timeout=10)

    def user(self, prefix: str = "saml", name: str | None = "Sam L. User") -> tuple[str, str]:
        """A new verified user (CLI); returns (email, user id)."""
        email = f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"
        return email, create_user(self.portcullis_bin, self.server, email, PASSWORD, name=name)

    def agent(self, email: str | None = None) -> Browser:
        """A user agent without JavaScript that logs in as `email` when the IdP asks."""
        return Browser(self.server, email, PASSWORD if email else None)

    def signed_in_agent(self, prefix: str = "saml") -> tuple[Browser, str]:
        """An agent with a Portcullis session (logged in through a first SP sign-in)."""
        email, _ = self.user(prefix)
        agent = self.agent(email)
        sp = self.sps["demo-sp"]
        result = deliver(agent, sp.authn_request())
        response_fields(result, sp.acs_url)
        assert agent.session_cookie(), "no session after the first sign-in"
        return agent, email

    def impostor(self, sp_id: str) -> ServiceProvider:
        """An SP with the same entity ID and endpoints as `sp_id` but its own key (not the one
        Portcullis knows): what it signs must not verify."""
        if sp_id not in self._impostors:
            real = self.sps[sp_id]
            keys = make_key_pair(self.workdir / "keys", f"impostor-{sp_id}")
            self._impostors[sp_id] = ServiceProvider(real.spec, self.host, keys, self.workdir, real.idp_metadata)
        return self._impostors[sp_id]

    def up(self) -> None:
        """The server is still running and answering."""
        assert self.server.is_running(), f"the server exited:\n{self.server.log_tail()}"
        assert self.server.get("/healthz").status_code == 200


def sp_entry(spec: SPSpec, host: SPHost, keys: KeyPair, tenants_dir: Path, signer: Any) -> dict:
    entry: dict[str, Any] = {
        "id": spec.id,
        "entity_id": host.url(spec.entity_path()),
        "name": spec.id,
        "assertion_consumer_services": [
            {k: v for k, v in {"url": host.url(spec.acs_path(i)), "binding": "http-post",
                               "index": acs.get("index"), "default": acs.get("default")}.items() if v is not None}
            for i, acs in enumerate(spec.acs)],
        "name_id": {"format": "email"},
        "assertion_lifetime": "5m",
        **spec.entry,
    }
    if spec.signs:
        if spec.via_metadata:
            metadata = ServiceProvider(spec, host, keys, tenants_dir.parent).own_metadata()
            (tenants_dir / f"{spec.id}-metadata.xml").write_text(metadata)
            entry["metadata_file"] = f"{spec.id}-metadata.xml"
        else:
            entry["certificate"] = keys.cert_pem
    if spec.slo:
        entry["single_logout"] = {"url": host.url(spec.slo_path()),
                                  "binding": "http-post" if spec.id == "slo-post-sp" else "http-redirect"}
    if spec.http_signer:
        entry["signing"] = {"certificate": signer.keys.cert_pem,
                            "http_signer": {"url": signer.sign_url, "token": signer.SECRET_KEY, "timeout": "2s"}}
    return entry


def install(config_dir: Path, host: SPHost, specs: list[SPSpec], keys: dict[str, KeyPair], signer: Any) -> None:
    """acme's saml_service_providers become `specs`: the shipped demo-sp with its 127.0.0.1:8087
    moved to the SP host (the rest as shipped), and the others as `SPSpec` describes them."""
    tenant_file = config_dir / "tenants" / "acme.yaml"
    text = tenant_file.read_text()
    assert SHIPPED_SP_HOSTPORT in text, "the example no longer names the demo SP at 127.0.0.1:8087"
    tenant_file.write_text(text.replace(SHIPPED_SP_HOSTPORT, f"127.0.0.1:{host.port}"))

    def change(tenant: dict) -> None:
        shipped = {sp["id"]: sp for sp in tenant["saml_service_providers"]}
        assert "demo-sp" in shipped
        tenant["saml_service_providers"] = [
            shipped["demo-sp"] if spec.id == "demo-sp"
            else sp_entry(spec, host, keys[spec.id], config_dir / "tenants", signer)
            for spec in specs]

    edit_yaml(tenant_file, change)
    for spec in specs:
        for i in range(len(spec.acs)):
            host.route(spec.acs_path(i), spec.id, "acs")
        host.route(spec.slo_path(), spec.id, "slo")


def secrets_with(workdir: Path, extra: dict[str, str]) -> Path:
    """The example secrets file plus `extra` entries (key -> data)."""
    data = load_yaml(EXAMPLE_SECRETS)
    data["secrets"] = [*data["secrets"], *({"key": k, "data": v} for k, v in extra.items())]
    path = workdir / "secrets.yaml"
    path.write_text(dump_yaml(data))
    return path


@contextmanager
def saml_site(portcullis_bin: Path, workdir: Path, request, specs: list[SPSpec] = SPEC_SET) -> Iterator[SAMLSite]:
    """A server whose acme tenant has `specs`, the SP host they point at, the HTTP signer when a
    spec uses one, and a pysaml2 SP per spec built from the metadata the running server publishes.
    Everything is stopped at the end; the server's log is printed if a test failed."""
    from saml_signer import SigningService

    keys = {spec.id: make_key_pair(workdir / "keys", spec.id) for spec in specs}
    with ExitStack() as stack:
        host = stack.enter_context(running(SPHost()))
        signer = None
        extra_secrets = {}
        if any(spec.http_signer for spec in specs):
            signer = stack.enter_context(running(SigningService(make_key_pair(workdir / "keys", "hsm", "signer.acme.test"))))
            extra_secrets[SigningService.SECRET_KEY] = signer.token

        def prepare(config_dir: Path) -> None:
            install(config_dir, host, specs, keys, signer)

        server = stack.enter_context(page_server(
            portcullis_bin, workdir, request, prepare=prepare,
            secrets=secrets_with(workdir, extra_secrets) if extra_secrets else None,
            extra_log=lambda: f"--- signer ---\n{signer.describe()}" if signer else ""))
        sps = {}
        for spec in specs:
            metadata = requests.get(server.url(f"/{TENANT}/samlp/metadata/{spec.id}"), timeout=10)
            assert metadata.status_code == 200, (spec.id, metadata.status_code, metadata.text)
            sps[spec.id] = ServiceProvider(spec, host, keys[spec.id], workdir, metadata.text)
        yield SAMLSite(server, host, sps, workdir, portcullis_bin, signer)


def wait_for(predicate: Callable[[], bool], message: str, timeout: float = ARRIVAL_TIMEOUT) -> None:
    wait_until(predicate, timeout, message)
