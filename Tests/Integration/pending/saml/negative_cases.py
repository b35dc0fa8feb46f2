"""Requests the SAML IdP must not grant (docs/saml.md, "Errors", "Replay", "XML safety").

Each case sends one bad request, as a browser would carry it, and checks the one of two answers
docs/saml.md allows:

- `page`: a request that cannot be answered safely (not the SP's, a return address not
  registered, a bad or missing signature, malformed, DTDs and entities, too large) gets a 400 error
  page and nothing else: no SAMLResponse, no form or redirect to any URL the request names.
- `status`: a request that is the SP's but cannot be granted is answered at the SP's *registered*
  ACS with a signed SAML status response (`RequestDenied`, `InvalidNameIDPolicy`, `NoPassive`)
  whose InResponseTo is the request's ID, which pysaml2 reads as that error.

After every case the server must still be up and a good request must still be answered (the
autouse fixture). Requests are made by pysaml2 (saml_sp.py) and then changed where a case needs it,
or written by hand; the user agent is `oidc_client.Browser`, logged in once for the module, so a
case takes milliseconds. Positive controls sit next to the refusals they bound (a 9-minute-old
IssueInstant is fine, 11 minutes is not; SHA-1 where `allow_sha1` is set).
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pytest
from saml2.response import StatusInvalidNameidPolicy, StatusNoPassive, StatusRequestDenied
from saml2.xmldsig import DIGEST_SHA1, SIG_RSA_SHA1

from oidc_client import Browser
from saml_sp import (
    INVALID_NAMEID_POLICY,
    NAMEID_FORMATS,
    NO_PASSIVE,
    REQUEST_DENIED,
    SUCCESS,
    Outgoing,
    SAMLSite,
    ServiceProvider,
    assert_error_page,
    assert_xmlsec_verifies,
    b64,
    deflate,
    deliver,
    instant,
    new_id,
    parse_xml,
    response_fields,
    saml_response_xml,
    saml_site,
    signed_query,
    status_codes,
)

REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
ARTIFACT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"
PAOS_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:PAOS"
EVIL_ACS = "http://evil.test/acs"

# An entity bomb expands to gigabytes; refused before parsing it costs nothing.
QUICK = 2.0


@pytest.fixture(scope="module")
def site(portcullis_bin: Path, tmp_path_factory, request) -> Iterator[SAMLSite]:
    with saml_site(portcullis_bin, tmp_path_factory.mktemp("saml-negative"), request) as running_site:
        yield running_site


@pytest.fixture(scope="module")
def agent(site: SAMLSite) -> Iterator[Browser]:
    """Signed in once for the module: refusals must hold even for a user with a session."""
    signed_in, _ = site.signed_in_agent("negative")
    yield signed_in
    signed_in.close()


@pytest.fixture(autouse=True)
def still_serving(site: SAMLSite, agent: Browser) -> Iterator[None]:
    yield
    # After each bad request: the server is up and a good request is still answered.
    site.up()
    sp = site.sps["demo-sp"]
    outgoing = sp.authn_request()
    fields = response_fields(deliver(agent, outgoing, login=False), sp.acs_url)
    assert status_codes(parse_xml(saml_response_xml(fields))) == SUCCESS
    sp.parse(fields["SAMLResponse"], outgoing)


# --------------------------------------------------------------------------------------------
# Building bad requests


def authn_xml(site: SAMLSite, sp_id: str = "demo-sp", *, request_id: str | None = None, issuer: str | None = "",
              destination: str | None = "", acs: str | None = "", issue_instant: str | None = None,
              attributes: str = "", inner: str = "", version: str = "2.0", prolog: str = "",
              root: str = "samlp:AuthnRequest") -> bytes:
    """A hand-written AuthnRequest for `sp_id` ("" = the right value, None = left out)."""
    sp = site.sps[sp_id]
    parts = [f'ID="{request_id or new_id()}"', f'Version="{version}"', f'IssueInstant="{issue_instant or instant()}"']
    if destination is not None:
        parts.append(f'Destination="{destination or sp.sso_url}"')
    if acs is not None:
        parts.append(f'AssertionConsumerServiceURL="{acs or sp.acs_url}"')
    issuer_xml = "" if issuer is None else f"<saml:Issuer>{issuer or sp.entity_id}</saml:Issuer>"
    return (f'{prolog}<{root} xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            f'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" {" ".join(parts)} {attributes}>'
            f"{issuer_xml}{inner}</{root}>").encode()


def raw_url(sp: ServiceProvider, query: str) -> Outgoing:
    return Outgoing(sp, None, "redirect", sp.sso_url + "?" + query, b"")


def raw_post(sp: ServiceProvider, fields: dict[str, str]) -> Outgoing:
    return Outgoing(sp, None, "post", sp.sso_url, b"", fields)


def set_attr(name: str, value):
    def change(request) -> None:
        setattr(request, name, value)
    return change


def entity_bomb() -> str:
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    return f'<?xml version="1.0"?><!DOCTYPE samlp:AuthnRequest [{"".join(levels)}]>'


def nested(depth: int) -> str:
    return "<saml:x>" * depth + "</saml:x>" * depth


@dataclass
class Case:
    id: str
    build: Callable[[SAMLSite], Outgoing]
    expect: str  # "page" or "status"
    detail: str | list[str] | None = None  # the error page's message part, or the status codes
    status: int = 400


def demo(site: SAMLSite) -> ServiceProvider:
    return site.sps["demo-sp"]


def signed(site: SAMLSite) -> ServiceProvider:
    return site.sps["signed-sp"]


def tamper_query(outgoing: Outgoing, old: str, new: str) -> Outgoing:
    assert old in outgoing.url, (old, outgoing.url[:300])
    outgoing.url = outgoing.url.replace(old, new, 1)
    return outgoing


def swap_signature_onto(site: SAMLSite) -> Outgoing:
    """A validly signed query's SigAlg and Signature, moved onto another SAMLRequest."""
    good = signed(site).authn_request()
    other = signed(site).authn_request(sign=False)
    signature = good.url[good.url.index("&SigAlg="):]
    other.url += signature
    return other


def reference_elsewhere(xml: str) -> str:
    # The signature's Reference names the old ID; the element now has another one.
    start = xml.index('ID="') + 4
    old = xml[start:xml.index('"', start)]
    return xml.replace(f'ID="{old}"', f'ID="{old}x"', 1)


PAGE_CASES = [
    # -- not this SP's, or not a return address of its own
    Case("unknown-issuer", lambda s: demo(s).raw_request(authn_xml(s, issuer="http://evil.test/sp")),
         "page", "is not the entity ID of service provider demo-sp"),
    Case("issuer-of-another-sp", lambda s: demo(s).raw_request(authn_xml(s, issuer=s.sps["signed-sp"].entity_id)),
         "page", "is not the entity ID"),
    Case("no-issuer", lambda s: demo(s).raw_request(authn_xml(s, issuer=None)), "page", "has no Issuer"),
    Case("unregistered-acs-url", lambda s: demo(s).authn_request(acs_url=EVIL_ACS), "page", "is not registered"),
    Case("acs-url-of-another-sp", lambda s: demo(s).authn_request(acs_url=s.sps["signed-sp"].acs_url),
         "page", "is not registered"),
    Case("unregistered-acs-index", lambda s: s.sps["multi-acs-sp"].authn_request(acs_index=9),
         "page", "AssertionConsumerServiceIndex 9 is not registered"),
    Case("acs-url-and-index", lambda s: demo(s).raw_request(authn_xml(s, attributes='AssertionConsumerServiceIndex="1"')),
         "page", "both present"),
    Case("wrong-destination", lambda s: demo(s).authn_request(destination="http://127.0.0.1:9/acme/samlp/demo-sp"),
         "page", "is not this endpoint"),
    Case("destination-of-another-sp", lambda s: demo(s).authn_request(destination=s.sps["signed-sp"].sso_url),
         "page", "is not this endpoint"),
    Case("old-instant-and-unregistered-acs", lambda s: demo(s).raw_request(authn_xml(s, acs=EVIL_ACS, issue_instant=instant(-3600))),
         "page", "is not registered"),
    *[Case(f"protocol-binding-{name}", (lambda b: lambda s: demo(s).authn_request(protocol_binding=b))(binding),
           "page", "is not supported")
      for name, binding in (("redirect", REDIRECT_BINDING), ("artifact", ARTIFACT_BINDING), ("paos", PAOS_BINDING))],
    # -- signatures
    Case("unsigned-redirect-when-required", lambda s: signed(s).authn_request(sign=False), "page", "must sign its requests"),
    Case("unsigned-post-when-required", lambda s: signed(s).authn_request(sign=False, binding="post"),
         "page", "must sign its requests"),
    Case("unsigned-when-sha1-allowed", lambda s: s.sps["sha1-sp"].authn_request(sign=False), "page", "must sign"),
    Case("tampered-relay-state", lambda s: tamper_query(signed(s).authn_request(relay_state="a"), "RelayState=a", "RelayState=b"),
         "page", "query signature is not valid"),
    Case("added-relay-state", lambda s: tamper_query(signed(s).authn_request(), "&SigAlg=", "&RelayState=x&SigAlg="),
         "page", "query signature is not valid"),
    Case("signature-moved-to-another-request", swap_signature_onto, "page", "query signature is not valid"),
    Case("tampered-post-xml", lambda s: signed(s).authn_request(
        binding="post", after_signing=lambda x: x.replace('ProviderName="', 'ForceAuthn="false" ProviderName="', 1)),
        "page", "signature is not valid"),
    Case("post-signature-reference-elsewhere", lambda s: signed(s).authn_request(binding="post", after_signing=reference_elsewhere),
         "page", "signature is not valid"),
    Case("wrong-key-redirect", lambda s: s.impostor("signed-sp").authn_request(sign=True), "page", "query signature is not valid"),
    Case("wrong-key-post", lambda s: s.impostor("signed-sp").authn_request(sign=True, binding="post"),
         "page", "signature is not valid"),
    Case("wrong-key-where-signing-is-optional", lambda s: s.impostor("optional-sign-sp").authn_request(sign=True),
         "page", "query signature is not valid"),
    Case("sha1-query-not-allowed", lambda s: signed(s).authn_request(sigalg=SIG_RSA_SHA1), "page", "is not accepted"),
    Case("sha1-xml-not-allowed", lambda s: signed(s).authn_request(binding="post", sigalg=SIG_RSA_SHA1, digest_alg=DIGEST_SHA1),
         "page", "signature is not valid"),
    Case("signed-but-sp-has-no-certificate", lambda s: demo(s).authn_request(sign=True),
         "page", "has no certificate to verify it with"),
    Case("signed-without-destination", lambda s: signed(s).authn_request(destination=None, binding="post"),
         "page", "must name its Destination"),
    Case("signature-without-sigalg", lambda s: tamper_query(signed(s).authn_request(), "&SigAlg=", "&NoSigAlg="),
         "page", "has no SigAlg"),
    Case("signature-not-base64", lambda s: raw_url(signed(s), signed_query(
        [("SAMLRequest", b64(deflate(authn_xml(s, "signed-sp"))))], None) + "&SigAlg=x&Signature=%25%25%25"),
         "page", "Signature is not base64"),
    # -- encodings
    Case("not-base64", lambda s: raw_url(demo(s), "SAMLRequest=%25%25%25%25"), "page", "is not base64"),
    Case("not-deflate", lambda s: raw_url(demo(s), signed_query([("SAMLRequest", b64(os.urandom(200)))], None)),
         "page", "not DEFLATE-compressed"),
    Case("zlib-instead-of-raw-deflate", lambda s: raw_url(demo(s), signed_query(
        [("SAMLRequest", b64(__import__("zlib").compress(authn_xml(s))))], None)), "page", None),
    Case("post-not-base64", lambda s: raw_post(demo(s), {"SAMLRequest": "*** not base64 ***"}), "page", "is not base64"),
    Case("post-empty", lambda s: raw_post(demo(s), {"SAMLRequest": ""}), "page", "has no SAMLRequest"),
    Case("duplicate-saml-request", lambda s: raw_url(demo(s), signed_query(
        [("SAMLRequest", b64(deflate(authn_xml(s))))] * 2, None)), "page", "appears more than once"),
    Case("duplicate-relay-state", lambda s: tamper_query(demo(s).authn_request(relay_state="a"), "RelayState=a",
                                                         "RelayState=a&RelayState=b"), "page", "appears more than once"),
    Case("relay-state-too-long-redirect", lambda s: demo(s).authn_request(relay_state="r" * 1025), "page", "RelayState is longer"),
    Case("relay-state-too-long-post", lambda s: demo(s).authn_request(binding="post", relay_state="r" * 1025),
         "page", "RelayState is longer"),
    # -- sizes
    Case("encoded-request-over-64k", lambda s: demo(s).raw_request(authn_xml(
        s, attributes=f'ProviderName="{base64.b64encode(os.urandom(60_000)).decode()}"')), "page", "too large"),
    Case("query-over-128k", lambda s: raw_url(demo(s), signed_query([("SAMLRequest", b64(deflate(authn_xml(s))))], None)
                                              + "&padding=" + "p" * 140_000), "page", "too large"),
    Case("deflate-bomb", lambda s: demo(s).raw_request(authn_xml(s, inner=" " * 2_000_000)), "page", "too large"),
    Case("post-request-over-256k", lambda s: demo(s).raw_request(authn_xml(
        s, attributes=f'ProviderName="{"x" * 300_000}"'), binding="post"), "page", "too large"),
    Case("post-body-over-512k", lambda s: raw_post(demo(s), {"SAMLRequest": "A" * 700_000}), "page", "too large"),
    Case("xml-too-deep", lambda s: demo(s).raw_request(authn_xml(s, inner=nested(60))), "page", None),
    Case("xml-too-many-nodes", lambda s: demo(s).raw_request(authn_xml(s, inner="<saml:x/>" * 25_000)), "page", None),
    # -- XML the parser must not touch
    Case("entity-bomb-redirect", lambda s: demo(s).raw_request(authn_xml(s, prolog=entity_bomb(), inner="&lol9;")), "page", None),
    Case("entity-bomb-post", lambda s: demo(s).raw_request(authn_xml(s, prolog=entity_bomb(), inner="&lol9;"), binding="post"),
         "page", None),
    Case("external-entity", lambda s: demo(s).raw_request(authn_xml(
        s, prolog='<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', issuer="&xxe;")), "page", None),
    Case("parameter-entity", lambda s: demo(s).raw_request(authn_xml(
        s, prolog='<!DOCTYPE r [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>')), "page", None),
    Case("doctype-without-entities", lambda s: demo(s).raw_request(authn_xml(s, prolog="<!DOCTYPE r>")), "page", None),
    Case("utf16", lambda s: demo(s).raw_request(authn_xml(s).decode().replace("<samlp:AuthnRequest", '<?xml version="1.0" encoding="UTF-16"?><samlp:AuthnRequest', 1).encode("utf-16")),
         "page", None),
    Case("not-well-formed", lambda s: demo(s).raw_request(authn_xml(s)[:-10]), "page", "malformed request"),
    Case("logout-request-at-sso", lambda s: demo(s).raw_request(authn_xml(s, root="samlp:LogoutRequest")),
         "page", "is not a samlp:AuthnRequest"),
    Case("response-at-sso", lambda s: demo(s).raw_request(authn_xml(s, root="samlp:Response")), "page", "is not a samlp:AuthnRequest"),
    Case("version-1.1", lambda s: demo(s).raw_request(authn_xml(s, version="1.1")), "page", "Version is not 2.0"),
    Case("bad-issue-instant", lambda s: demo(s).raw_request(authn_xml(s, issue_instant="yesterday")), "page", "IssueInstant"),
    Case("force-authn-not-boolean", lambda s: demo(s).raw_request(authn_xml(s, attributes='ForceAuthn="maybe"')),
         "page", "ForceAuthn is not a boolean"),
    Case("issuer-not-entity-format", lambda s: demo(s).authn_request(
        change=lambda r: setattr(r.issuer, "format", NAMEID_FORMATS["transient"])), "page", "Format is not entity"),
    # -- IdP-initiated where it is off
    Case("idp-initiated-not-allowed", lambda s: raw_url(demo(s), "RelayState=/welcome"),
         "page", "does not allow IdP-initiated sign-in"),
]

STATUS_CASES = [
    Case("issue-instant-11-minutes-old", lambda s: demo(s).authn_request(change=set_attr("issue_instant", instant(-660))),
         "status", REQUEST_DENIED),
    Case("issue-instant-6-minutes-ahead", lambda s: demo(s).authn_request(change=set_attr("issue_instant", instant(360))),
         "status", REQUEST_DENIED),
    Case("old-signed-request", lambda s: signed(s).authn_request(change=set_attr("issue_instant", instant(-3600))),
         "status", REQUEST_DENIED),
    Case("other-name-id-format", lambda s: demo(s).authn_request(nameid_format=NAMEID_FORMATS["persistent"]),
         "status", INVALID_NAMEID_POLICY),
    Case("transient-asked-of-email-sp", lambda s: demo(s).authn_request(nameid_format=NAMEID_FORMATS["transient"], binding="post"),
         "status", INVALID_NAMEID_POLICY),
    # Positive controls: inside the window, the unspecified format, SHA-1 where allowed, optional signatures.
    Case("issue-instant-9-minutes-old", lambda s: demo(s).authn_request(change=set_attr("issue_instant", instant(-540))),
         "status", SUCCESS),
    Case("issue-instant-4-minutes-ahead", lambda s: demo(s).authn_request(change=set_attr("issue_instant", instant(240))),
         "status", SUCCESS),
    Case("unspecified-name-id-policy", lambda s: demo(s).authn_request(nameid_format=NAMEID_FORMATS["unspecified"]),
         "status", SUCCESS),
    Case("sha1-query-where-allowed", lambda s: s.sps["sha1-sp"].authn_request(sigalg=SIG_RSA_SHA1), "status", SUCCESS),
    Case("sha1-xml-where-allowed", lambda s: s.sps["sha1-sp"].authn_request(binding="post", sigalg=SIG_RSA_SHA1,
                                                                            digest_alg=DIGEST_SHA1), "status", SUCCESS),
    Case("unsigned-where-signing-is-optional", lambda s: s.sps["optional-sign-sp"].authn_request(sign=False), "status", SUCCESS),
    Case("signed-where-signing-is-optional", lambda s: s.sps["optional-sign-sp"].authn_request(sign=True, binding="post"),
         "status", SUCCESS),
]

STATUS_ERRORS = {tuple(REQUEST_DENIED): StatusRequestDenied, tuple(INVALID_NAMEID_POLICY): StatusInvalidNameidPolicy}


@pytest.mark.parametrize("case", PAGE_CASES, ids=[c.id for c in PAGE_CASES])
def test_untrusted_request_gets_an_error_page_and_nothing_is_sent(site, agent, case):
    outgoing = case.build(site)
    started = time.monotonic()
    result = deliver(agent, outgoing, login=False)
    elapsed = time.monotonic() - started
    assert result.form_post is None, f"a response was sent to {result.form_action}: {result.describe()}"
    hops = "\n".join(f"{h.method} {h.url[:150]} -> {h.status} {(h.location or '')[:150]}" for h in result.hops)
    # Never sent anywhere: every hop stayed on the IdP, and the last is the error page.
    assert all(h.location is None or h.location.startswith(("/", site.server.base_url)) for h in result.hops), hops
    message = assert_error_page(result.response, status=case.status, contains=case.detail)
    assert "evil.test" not in result.response.text.split('<p class="lead">')[0]
    assert elapsed < QUICK, f"{case.id} took {elapsed:.2f}s: was something expanded or fetched?"
    # Nothing of what an entity would have pulled in shows up.
    assert "lollol" not in result.response.text and "root:x:0:0" not in result.response.text, message


@pytest.mark.parametrize("case", STATUS_CASES, ids=[c.id for c in STATUS_CASES])
def test_request_of_the_sp_is_answered_at_its_registered_acs(site, agent, case):
    outgoing = case.build(site)
    sp = outgoing.sp
    fields = response_fields(deliver(agent, outgoing, login=False), sp.acs_url)
    xml = saml_response_xml(fields)
    root = parse_xml(xml)
    assert status_codes(root) == case.detail, xml.decode()[:1500]
    assert root.get("InResponseTo") == outgoing.id and root.get("Destination") == sp.acs_url
    assert_xmlsec_verifies(xml, sp.idp_cert_path(), "Response", site.workdir)  # signed like any response
    error = STATUS_ERRORS.get(tuple(case.detail))
    if error is None:
        sp.parse(fields["SAMLResponse"], outgoing)
    else:
        assert root.find("{urn:oasis:names:tc:SAML:2.0:assertion}Assertion") is None
        with pytest.raises(error):
            sp.parse(fields["SAMLResponse"], outgoing)


def test_is_passive_without_a_session_is_no_passive(site):
    sp = site.sps["slo-post-sp"]
    outgoing = sp.authn_request(is_passive=True, binding="post")
    fields = response_fields(deliver(site.agent(), outgoing, login=False), sp.acs_url)
    assert status_codes(parse_xml(saml_response_xml(fields))) == NO_PASSIVE
    with pytest.raises(StatusNoPassive):
        sp.parse(fields["SAMLResponse"], outgoing)


@pytest.mark.parametrize("binding", ["redirect", "post"])
def test_a_replayed_request_is_request_denied(site, agent, binding):
    sp = site.sps["demo-sp"]
    outgoing = sp.authn_request(binding=binding)
    first = response_fields(deliver(agent, outgoing, login=False), sp.acs_url)
    assert status_codes(parse_xml(saml_response_xml(first))) == SUCCESS
    # The same bytes again, through either binding: answered once only.
    for again in (outgoing, sp.encode(outgoing.xml, binding="post" if binding == "redirect" else "redirect",
                                      request_id=outgoing.id)):
        replay = response_fields(deliver(agent, again, login=False), sp.acs_url)
        root = parse_xml(saml_response_xml(replay))
        assert status_codes(root) == REQUEST_DENIED and root.get("InResponseTo") == outgoing.id
        with pytest.raises(StatusRequestDenied):
            sp.parse(replay["SAMLResponse"], outgoing)


def test_the_login_round_trip_is_not_a_replay_but_a_later_copy_is(site):
    # A request that needs a login first is recorded when the browser comes back from the login page.
    email, _ = site.user("replay-login")
    fresh = site.agent(email)
    sp = site.sps["demo-sp"]
    outgoing = sp.authn_request()
    result = deliver(fresh, outgoing)
    assert result.logged_in
    sp.parse(response_fields(result, sp.acs_url)["SAMLResponse"], outgoing)
    replay = response_fields(deliver(fresh, outgoing, login=False), sp.acs_url)
    assert status_codes(parse_xml(saml_response_xml(replay))) == REQUEST_DENIED


def test_same_request_id_from_another_sp_is_its_own_request(site, agent):
    # Replay is per SP: the recorded digest covers the SP id and the request ID.
    shared_id = new_id()
    for sp_id in ("demo-sp", "transient-sp"):
        sp = site.sps[sp_id]
        outgoing = sp.authn_request(message_id=shared_id)
        fields = response_fields(deliver(agent, outgoing, login=False), sp.acs_url)
        assert status_codes(parse_xml(saml_response_xml(fields))) == SUCCESS, sp_id


def test_an_unknown_sp_is_404_with_nothing_sent(site, agent):
    url = site.sps["demo-sp"].authn_request().url.replace("/samlp/demo-sp?", "/samlp/nobody?")
    response = agent.http.get(url, allow_redirects=False, timeout=10)
    assert response.status_code == 404 and "SAMLResponse" not in response.text


# --------------------------------------------------------------------------------------------
# Single logout requests that must not end the session


@pytest.mark.parametrize("variant", ["unsigned", "wrong-key", "other-issuer", "old-instant", "wrong-destination"])
def test_refused_logout_request_leaves_the_session(site, variant):
    victim, email = site.signed_in_agent(f"slo-{variant}")
    sp = site.sps["slo-sp"]  # has a certificate: its LogoutRequests must be signed
    if variant == "unsigned":
        outgoing = sp.logout_request(email, sign=False)
    elif variant == "wrong-key":
        outgoing = site.impostor("slo-sp").logout_request(email, sign=True)
    else:
        _, request = sp.client.create_logout_request(
            "http://127.0.0.1:9/logout" if variant == "wrong-destination" else sp.idp_slo_url, sp.idp_entity_id,
            name_id=__import__("saml2.saml", fromlist=["NameID"]).NameID(text=email), message_id=new_id())
        if variant == "other-issuer":
            request.issuer.text = "http://evil.test/sp"
        if variant == "old-instant":
            request.issue_instant = instant(-3600)
        outgoing = sp.encode(str(request).encode(), endpoint=sp.idp_slo_url, query_key=sp.keys.key, request_id=request.id)
    response = outgoing.send(victim.http)
    assert_error_page(response)
    # Still signed in: the next sign-in needs no password.
    demo_sp = site.sps["demo-sp"]
    after = demo_sp.authn_request()
    fields = response_fields(deliver(victim, after, login=False), demo_sp.acs_url)
    assert status_codes(parse_xml(saml_response_xml(fields))) == SUCCESS
