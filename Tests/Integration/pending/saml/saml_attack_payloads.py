"""Building blocks for test_saml_attacks.py: keys and certificates made at test time, AuthnRequests
signed with the `xmlsec1` CLI (enveloped, exclusive C14N) or in the HTTP-Redirect query, the
signature-wrapping and XML-parser attack documents made from them, a recording loopback listener,
and a requests-driven user agent that signs in through the hosted login form.

Nothing here needs a package beyond the test venv's: `cryptography` makes keys and query signatures,
`xmlsec1` makes and checks XML signatures, and documents are plain strings (the layout is fixed, so
a signed element can be cut out and moved by its exact text: exclusive C14N of a subtree does not
depend on where it sits as long as it declares the namespaces it uses, which every element moved
here does).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import subprocess
import threading
import uuid
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from oidc_client import parse_forms  # the hosted pages' form parser the OIDC tests use

XMLSEC1 = "/usr/bin/xmlsec1"

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
EMAIL_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
C14N_10 = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_WITH_COMMENTS = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
XPATH_TRANSFORM = "http://www.w3.org/TR/1999/REC-xpath-19991116"
XSLT_TRANSFORM = "http://www.w3.org/TR/1999/REC-xslt-19991116"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"

AUTHN_REQUEST_ID_ATTR = f"{SAMLP}:AuthnRequest"
RESPONSE_ID_ATTR = f"{SAMLP}:Response"
ASSERTION_ID_ATTR = f"{SAML}:Assertion"


# --------------------------------------------------------------------------------------------
# Keys


@dataclass
class KeyPair:
    """An RSA-2048 key with a self-signed certificate, written to `directory` as PEM files."""

    key_path: Path
    cert_path: Path
    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @classmethod
    def generate(cls, directory: Path, name: str) -> KeyPair:
        directory.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = dt.datetime.now(dt.timezone.utc)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .sign(key, hashes.SHA256())
        )
        key_path = directory / f"{name}.key.pem"
        cert_path = directory / f"{name}.cert.pem"
        key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return cls(key_path, cert_path, key, cert)

    @property
    def cert_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def cert_b64(self) -> str:
        return base64.b64encode(self.certificate.public_bytes(serialization.Encoding.DER)).decode()

    def sign_bytes(self, data: bytes, sha1: bool = False) -> bytes:
        return self.private_key.sign(data, padding.PKCS1v15(), hashes.SHA1() if sha1 else hashes.SHA256())


# --------------------------------------------------------------------------------------------
# Documents


def new_id() -> str:
    return "_" + uuid.uuid4().hex


def instant(offset_seconds: float = 0) -> str:
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=offset_seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def signature_template(reference_uris: list[str], *, signature_method: str = RSA_SHA256, digest_method: str = SHA256,
                       transforms: list[str] | None = None, canonicalization: str = EXC_C14N,
                       key_info: bool = True, object_xml: str = "") -> str:
    """An empty ds:Signature for `xmlsec1 --sign` (which fills DigestValue, SignatureValue and the
    X509Data), one Reference per URI."""
    transforms = transforms if transforms is not None else [f'<ds:Transform Algorithm="{ENVELOPED}"/>',
                                                              f'<ds:Transform Algorithm="{EXC_C14N}"/>']
    transform_xml = "".join(t if t.startswith("<") else f'<ds:Transform Algorithm="{t}"/>' for t in transforms)
    references = "".join(
        f'<ds:Reference URI="{uri}"><ds:Transforms>{transform_xml}</ds:Transforms>'
        f'<ds:DigestMethod Algorithm="{digest_method}"/><ds:DigestValue></ds:DigestValue></ds:Reference>'
        for uri in reference_uris
    )
    key_info_xml = "<ds:KeyInfo><ds:X509Data/></ds:KeyInfo>" if key_info else ""
    return (
        f'<ds:Signature xmlns:ds="{DS}"><ds:SignedInfo>'
        f'<ds:CanonicalizationMethod Algorithm="{canonicalization}"/>'
        f'<ds:SignatureMethod Algorithm="{signature_method}"/>'
        f"{references}</ds:SignedInfo><ds:SignatureValue></ds:SignatureValue>{key_info_xml}{object_xml}"
        f"</ds:Signature>"
    )


@dataclass
class RequestSpec:
    """What goes into an AuthnRequest; `signature` is the slot right after the Issuer (schema order)."""

    issuer: str
    destination: str | None
    acs_url: str | None
    id: str = field(default_factory=new_id)
    issue_instant: str = field(default_factory=instant)
    protocol_binding: str | None = POST_BINDING
    name_id_format: str | None = EMAIL_FORMAT
    extensions: str = ""

    def xml(self, signature: str = "", *, declaration: bool = False, issuer_xml: str | None = None) -> str:
        attrs = [f'ID="{self.id}"', 'Version="2.0"', f'IssueInstant="{self.issue_instant}"']
        if self.destination is not None:
            attrs.append(f'Destination="{html.escape(self.destination)}"')
        if self.acs_url is not None:
            attrs.append(f'AssertionConsumerServiceURL="{html.escape(self.acs_url)}"')
        if self.protocol_binding is not None:
            attrs.append(f'ProtocolBinding="{self.protocol_binding}"')
        issuer = issuer_xml if issuer_xml is not None else html.escape(self.issuer)
        policy = (f'<samlp:NameIDPolicy Format="{self.name_id_format}" AllowCreate="true"/>'
                  if self.name_id_format else "")
        extensions = f"<samlp:Extensions>{self.extensions}</samlp:Extensions>" if self.extensions else ""
        head = '<?xml version="1.0" encoding="UTF-8"?>\n' if declaration else ""
        return (
            f'{head}<samlp:AuthnRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" {" ".join(attrs)}>'
            f"<saml:Issuer>{issuer}</saml:Issuer>{signature}{extensions}{policy}</samlp:AuthnRequest>"
        )


class XMLSecError(AssertionError):
    pass


def xmlsec_sign(xml: str, keys: KeyPair, workdir: Path, id_attrs: list[str] = (AUTHN_REQUEST_ID_ATTR,)) -> str:
    """Fills in every signature template of `xml` (the first one xmlsec1 finds) with `keys`."""
    workdir.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex[:10]
    template = workdir / f"tmpl-{name}.xml"
    output = workdir / f"signed-{name}.xml"
    template.write_text(xml)
    args = [XMLSEC1, "--sign", "--privkey-pem", f"{keys.key_path},{keys.cert_path}"]
    for attr in id_attrs:
        args += ["--id-attr:ID", attr]
    args += ["--output", str(output), str(template)]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=30)
    if proc.returncode != 0:
        raise XMLSecError(f"xmlsec1 --sign failed ({proc.returncode}):\n{proc.stderr}\n{xml}")
    return strip_declaration(output.read_text())


def xmlsec_verify(xml: str | bytes, cert_path: Path, workdir: Path, id_attrs: list[str]) -> tuple[bool, str]:
    """`xmlsec1 --verify` pinned to one certificate (never --insecure); (verified?, output)."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / f"verify-{uuid.uuid4().hex[:10]}.xml"
    path.write_bytes(xml if isinstance(xml, bytes) else xml.encode())
    args = [XMLSEC1, "--verify", "--pubkey-cert-pem", str(cert_path), "--enabled-key-data", "rsa"]
    for attr in id_attrs:
        args += ["--id-attr:ID", attr]
    args.append(str(path))
    proc = subprocess.run(args, capture_output=True, text=True, timeout=30)
    return proc.returncode == 0, proc.stdout + proc.stderr


def strip_declaration(xml: str) -> str:
    return re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", xml)


_SIGNATURE = re.compile(r"<ds:Signature\b.*?</ds:Signature>", re.S)


def split_signature(signed: str) -> tuple[str, str]:
    """(the signed document without its one ds:Signature, that Signature's text)."""
    found = _SIGNATURE.findall(signed)
    assert len(found) == 1, f"expected one signature in {signed}"
    return signed.replace(found[0], "", 1), found[0]


def with_id(xml: str, old: str, new: str) -> str:
    assert f'ID="{old}"' in xml
    return xml.replace(f'ID="{old}"', f'ID="{new}"', 1)


def insert_after_issuer(xml: str, fragment: str) -> str:
    """Puts `fragment` right after the first </saml:Issuer> (the root's: it comes first)."""
    marker = "</saml:Issuer>"
    index = xml.index(marker) + len(marker)
    return xml[:index] + fragment + xml[index:]


def insert_before_close(xml: str, fragment: str) -> str:
    marker = "</samlp:AuthnRequest>"
    index = xml.rindex(marker)
    return xml[:index] + fragment + xml[index:]


# --------------------------------------------------------------------------------------------
# Bindings


def deflate(xml: str | bytes) -> bytes:
    data = xml.encode() if isinstance(xml, str) else xml
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def inflate(data: bytes) -> bytes:
    return zlib.decompress(data, -15)


def post_fields(xml: str | bytes, relay_state: str | None = None) -> dict[str, str]:
    data = xml.encode() if isinstance(xml, str) else xml
    fields = {"SAMLRequest": base64.b64encode(data).decode()}
    if relay_state is not None:
        fields["RelayState"] = relay_state
    return fields


def redirect_query(xml: str | bytes, *, relay_state: str | None = None, keys: KeyPair | None = None,
                   sig_alg: str = RSA_SHA256) -> str:
    """The HTTP-Redirect query (saml-bindings §3.4.4.1): the signature covers the exact octets of
    `SAMLRequest=…&RelayState=…&SigAlg=…` as they appear in the URL."""
    parts = ["SAMLRequest=" + quote(base64.b64encode(deflate(xml)).decode(), safe="")]
    if relay_state is not None:
        parts.append("RelayState=" + quote(relay_state, safe=""))
    if keys is None:
        return "&".join(parts)
    parts.append("SigAlg=" + quote(sig_alg, safe=""))
    signed = "&".join(parts).encode()
    signature = keys.sign_bytes(signed, sha1=sig_alg == RSA_SHA1)
    return signed.decode() + "&Signature=" + quote(base64.b64encode(signature).decode(), safe="")


def query_param(query: str, name: str) -> str | None:
    for part in query.split("&"):
        if part.startswith(name + "="):
            return part[len(name) + 1:]
    return None


def replace_param(query: str, name: str, raw_value: str | None) -> str:
    """Replaces (or, with None, removes) one parameter's raw value, keeping the others' octets."""
    out = []
    for part in query.split("&"):
        if part.startswith(name + "="):
            if raw_value is not None:
                out.append(f"{name}={raw_value}")
        else:
            out.append(part)
    return "&".join(out)


# --------------------------------------------------------------------------------------------
# A recording loopback listener


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class RecordingListener:
    """Answers every request with 200 "ok" and remembers it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with listener._lock:
                    listener.requests.append(Recorded(self.command, self.path, dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_GET = do_POST = do_PUT = do_HEAD = do_OPTIONS = do_DELETE = _record

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, name=f"listener-{name}", daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def since(self, mark: int) -> list[Recorded]:
        with self._lock:
            return list(self.requests[mark:])

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --------------------------------------------------------------------------------------------
# Outcomes of requests to the IdP


@dataclass
class Outcome:
    """Where a request to the IdP ended, following only the IdP's own redirects."""

    response: requests.Response
    hops: list[str]
    left_to: str | None  # a redirect target off the IdP, if one was reached

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def forms(self) -> list[dict]:
        if "html" not in self.response.headers.get("Content-Type", ""):
            return []
        return parse_forms(self.response.text)

    @property
    def saml_response(self) -> tuple[str, dict] | None:
        for form in self.forms:
            if "SAMLResponse" in form["fields"]:
                return html.unescape(form["action"]), form["fields"]
        return None

    def describe(self) -> str:
        r = self.response
        return ("hops:\n  " + "\n  ".join(self.hops)
                + f"\nfinal: {r.status_code} {r.headers.get('Content-Type', '')} Location={r.headers.get('Location')}"
                + f"\nbody: {r.text[:1500]}")


def follow(http: requests.Session, method: str, url: str, *, idp_netloc: str, data=None,
           stop_at_login: bool = True, max_hops: int = 8) -> Outcome:
    """Sends one request and follows redirects while they stay on the IdP; with `stop_at_login` it
    stops at a redirect to the hosted login page (the request was accepted and waits for a user)."""
    hops = []
    response = http.request(method, url, data=data, allow_redirects=False, timeout=30)
    hops.append(f"{method} {url[:300]} -> {response.status_code} {response.headers.get('Location', '')[:300]}")
    current = url
    for _ in range(max_hops):
        if not response.is_redirect:
            break
        target = urljoin(current, response.headers["Location"])
        parts = urlsplit(target)
        if parts.netloc != idp_netloc:
            return Outcome(response, hops, target)
        if stop_at_login and is_login_url(target):
            break
        current = target
        response = http.get(target, allow_redirects=False, timeout=30)
        hops.append(f"GET {target[:300]} -> {response.status_code} {response.headers.get('Location', '')[:300]}")
    return Outcome(response, hops, None)


def is_login_url(url: str) -> bool:
    return urlsplit(url).path.endswith("/login")


def login_through_form(http: requests.Session, login_page: requests.Response, login_url: str,
                       email: str, password: str) -> requests.Response:
    """Posts the hosted login form (with its CSRF field and cookie) as a browser would."""
    forms = [f for f in parse_forms(login_page.text) if "password" in f["fields"]]
    assert forms, f"no login form at {login_url}: {login_page.status_code}\n{login_page.text[:2000]}"
    form = forms[0]
    fields = dict(form["fields"])
    fields["username"] = email
    fields["password"] = password
    action = urljoin(login_url, html.unescape(form["action"]) or login_url)
    return http.post(action, data=fields, allow_redirects=False, timeout=60)


# --------------------------------------------------------------------------------------------
# XML-parser attack documents (each a whole AuthnRequest an SP could have sent)


def entity_payloads(spec: RequestSpec, foreign_url: str) -> dict[str, str]:
    """DOCTYPE-carrying AuthnRequests: the entity text (if expanded) would land in the Issuer."""
    body = spec.xml(issuer_xml="&e;")
    root = "samlp:AuthnRequest"
    marker = "EXPANDED-ENTITY-MARKER"
    laughs = ['<!ENTITY lol "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                                        for i in range(1, 10)]
    return {
        "internal-entity": f'<!DOCTYPE {root} [<!ENTITY e "{spec.issuer}{marker}">]>' + body,
        "billion-laughs": f"<!DOCTYPE {root} [{''.join(laughs)}<!ENTITY e \"&lol9;\">]>" + body,
        "external-file-entity": f'<!DOCTYPE {root} [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + body,
        "external-http-entity": f'<!DOCTYPE {root} [<!ENTITY e SYSTEM "{foreign_url}/entity">]>' + body,
        "parameter-entity": (f'<!DOCTYPE {root} [<!ENTITY % p SYSTEM "{foreign_url}/dtd"> %p;'
                             f'<!ENTITY % q "<!ENTITY e \'{marker}\'>"> %q;]>' + body),
        "external-dtd": f'<!DOCTYPE {root} SYSTEM "{foreign_url}/external.dtd">' + spec.xml(),
        "doctype-no-entities": f"<!DOCTYPE {root}>" + spec.xml(),
    }


def xinclude_payload(spec: RequestSpec, foreign_url: str) -> dict[str, str]:
    xi = 'xmlns:xi="http://www.w3.org/2001/XInclude"'
    return {
        "xinclude-file": spec.xml(issuer_xml=f'<xi:include {xi} href="file:///etc/passwd" parse="text"/>'),
        "xinclude-http": spec.xml(issuer_xml=f'<xi:include {xi} href="{foreign_url}/xinclude" parse="text"/>'),
    }
