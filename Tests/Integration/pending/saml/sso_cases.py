"""The SAML 2.0 IdP (docs/saml.md) against a real service provider: pysaml2 (saml_sp.py) creates the
requests and reads the responses, headless Chromium signs in through the hosted login where a
person would, and `xmlsec1 --verify`, pinned to the certificate in our metadata, checks every
signature independently of both pysaml2 and Portcullis.

One server runs for the module, its acme tenant holding the shipped `demo-sp` (only its
127.0.0.1:8087 moved to the SP host's free port) and the variants in `saml_sp.SPEC_SET`; one SP
host serves every ACS and SingleLogoutService; one signing service (saml_signer.py) holds the key
of `signer-sp`. Tests keep apart by using their own users. Flows that need no JavaScript run with
`oidc_client.Browser` (requests, the hosted login form filled in by hand), which keeps the module
fast; Chromium is used for the sign-ins a person makes: both bindings, signed requests, session
reuse, ForceAuthn, IdP-initiated sign-in and single logout.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding
from saml2.response import StatusNoPassive
from saml2.xmldsig import DIGEST_SHA1, SIG_RSA_SHA1
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from browser import _driver_en, driver, fill, wait  # noqa: F401 (_driver_en, driver are fixtures)
from loopback_app import Reply
from oidc_client import Browser, b64url, token_request
from saml_sp import (
    BASIC_NAME_FORMAT,
    BEARER,
    NAMEID_FORMATS,
    NO_PASSIVE,
    NS,
    PASSWORD,
    SUCCESS,
    Arrival,
    Outgoing,
    SAMLSite,
    assert_error_page,
    assert_xmlsec_verifies,
    deliver,
    inflate,
    login_redirect,
    parse_xml,
    response_fields,
    saml_response_xml,
    saml_site,
    status_codes,
    verify_query_signature,
    xmlsec_verify,
)

# Times in SAML are whole seconds; two clocks read a moment apart may differ by one.
CLOCK_SLACK = 2


@pytest.fixture(scope="module")
def site(portcullis_bin: Path, tmp_path_factory, request) -> Iterator[SAMLSite]:
    with saml_site(portcullis_bin, tmp_path_factory.mktemp("saml-sso"), request) as running_site:
        yield running_site


@pytest.fixture(autouse=True)
def _signer_behaves(site: SAMLSite) -> Iterator[None]:
    site.signer.answer_with(None)
    yield
    site.signer.answer_with(None)


# --------------------------------------------------------------------------------------------
# Helpers


def saml_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)


def sign_in(site: SAMLSite, sp_id: str, agent: Browser, **options):
    """An SP-initiated sign-in without JavaScript; returns (request, posted fields, response XML,
    pysaml2's AuthnResponse)."""
    sp = site.sps[sp_id]
    outgoing = sp.authn_request(**options)
    result = deliver(agent, outgoing)
    fields = response_fields(result, options.get("acs_url") or sp.acs_url)
    return outgoing, fields, saml_response_xml(fields), sp.parse(fields["SAMLResponse"], outgoing)


def on_login_page(driver: WebDriver) -> bool:
    return bool(driver.find_elements(By.ID, "password"))


def browser_start(driver: WebDriver, site: SAMLSite, outgoing: Outgoing) -> int:
    """Opens the SP's start page for `outgoing`; returns the SP host's mark from before."""
    mark = site.host.mark()
    driver.get(site.host.start_url(outgoing))
    return mark


def login_page_or_arrival(driver: WebDriver, site: SAMLSite, mark: int) -> str:
    """Waits until the browser shows the hosted login page ("login") or reached the SP ("arrived")."""
    result: list[str] = []

    def settled(_driver) -> bool:
        if site.host.mark() > mark:
            result.append("arrived")
        elif on_login_page(driver):
            result.append("login")
        return bool(result)

    wait(driver).until(settled)
    return result[0]


def browser_login(driver: WebDriver, email: str) -> None:
    fill(driver, "username", email)
    fill(driver, "password", PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def browser_sign_in(driver: WebDriver, site: SAMLSite, outgoing: Outgoing, email: str | None) -> Arrival:
    """Starts at the SP; logs in as `email` when the login page comes (it must, unless `email` is
    None: then the browser must reach the SP without a password); returns what the SP received."""
    mark = browser_start(driver, site, outgoing)
    state = login_page_or_arrival(driver, site, mark)
    if email is None:
        assert state == "arrived", f"the login page was shown at {driver.current_url}"
    else:
        assert state == "login", "the IdP did not ask for a password"
        browser_login(driver, email)
    arrival = site.host.wait_arrival(mark)
    assert arrival.kind == "acs" and arrival.sp == outgoing.sp.spec.id, arrival
    return arrival


def assert_ok_response(site: SAMLSite, sp_id: str, arrival: Arrival, outgoing: Outgoing | None, email: str):
    """The posted response is signed as configured, verified by xmlsec1 and pysaml2, for `email`."""
    sp = site.sps[sp_id]
    xml = saml_response_xml(arrival.fields)
    cert = sp.idp_cert_path()
    if sp.spec.entry.get("sign_response", True):
        assert_xmlsec_verifies(xml, cert, "Response", site.workdir)
    if sp.spec.entry.get("sign_assertion", True):
        assert_xmlsec_verifies(xml, cert, "Assertion", site.workdir)
    parsed = sp.parse(arrival.fields["SAMLResponse"], outgoing)
    assert parsed.ava["email"] == [email], parsed.ava
    return parsed


# --------------------------------------------------------------------------------------------
# Metadata


@pytest.mark.parametrize("sp_id,signed,name_id", [
    ("demo-sp", "false", "email"),
    ("signed-sp", "true", "email"),
    ("persistent-sp", "false", "persistent"),
])
def test_metadata_is_schema_valid_and_names_our_endpoints(site, sp_id, signed, name_id):
    from saml2.xml.schema import _create_xml_schema_validator
    from importlib.resources import files
    import saml2.data.schemas

    response = site.metadata(sp_id)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/samlmetadata+xml"
    text = response.text
    assert "<!DOCTYPE" not in text and "<!ENTITY" not in text
    # The SAML metadata XSD (with xmldsig's), as pysaml2 ships it, through xmlschema.
    metadata_xsd = str(files(saml2.data.schemas).joinpath("saml-schema-metadata-2.0.xsd"))
    _create_xml_schema_validator(metadata_xsd).validate(text)

    root = parse_xml(text)
    assert root.tag == f"{{{NS['md']}}}EntityDescriptor"
    assert root.get("entityID") == site.issuer  # one IdP per tenant: its issuer
    idp = root.find("md:IDPSSODescriptor", NS)
    assert idp.get("WantAuthnRequestsSigned") == signed
    assert idp.get("protocolSupportEnumeration") == NS["samlp"]
    sso = {(s.get("Binding"), s.get("Location")) for s in idp.findall("md:SingleSignOnService", NS)}
    slo = {(s.get("Binding"), s.get("Location")) for s in idp.findall("md:SingleLogoutService", NS)}
    bindings = {"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect", "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"}
    assert sso == {(b, site.sso_url(sp_id)) for b in bindings}
    assert slo == {(b, site.sso_url(sp_id) + "/logout") for b in bindings}
    assert [n.text for n in idp.findall("md:NameIDFormat", NS)] == [NAMEID_FORMATS[name_id]]
    assert len(idp.findall("md:KeyDescriptor[@use='signing']", NS)) == 1
    # pysaml2 loaded the same document as its IdP.
    assert site.sps[sp_id].idp_entity_id == site.issuer


def test_metadata_certificate_is_the_tenant_key_self_signed_and_stable(site):
    sp = site.sps["demo-sp"]
    certificate = sp.idp_certificate()
    # The public key is acme's RS256 signing key, the same one its JWKS publishes.
    jwk = next(k for k in site.server.jwks("acme").json()["keys"] if k["kid"] == "acme-rs256-2026")
    numbers = certificate.public_key().public_numbers()
    assert b64url(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")) == jwk["n"]
    assert b64url(numbers.e.to_bytes(3, "big")) == jwk["e"]
    # Self-signed, every field derived from the key (docs/saml.md, "The signing key").
    assert certificate.issuer == certificate.subject
    certificate.public_key().verify(certificate.signature, certificate.tbs_certificate_bytes,
                                    padding.PKCS1v15(), certificate.signature_hash_algorithm)
    assert certificate.subject.rfc4514_string() == "CN=127.0.0.1"
    assert certificate.not_valid_before_utc == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    assert certificate.not_valid_after_utc == dt.datetime(2056, 1, 1, tzinfo=dt.timezone.utc)
    # The same certificate on every fetch and for every SP signed by the tenant key ...
    assert all(site.sps[i].idp_certificate() == certificate for i in ("signed-sp", "transient-sp", "slo-sp"))
    again = parse_xml(site.metadata("demo-sp").text).find(".//ds:X509Certificate", NS).text
    assert again.strip() == base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()
    # ... and the HTTP signer's SP publishes the certificate of the signer's key instead.
    assert site.sps["signer-sp"].idp_certificate() == site.signer.keys.certificate


def test_metadata_of_an_unknown_sp_is_404(site):
    assert site.metadata("no-such-sp").status_code == 404
    assert requests.get(site.sso_url("no-such-sp"), timeout=10).status_code == 404


# --------------------------------------------------------------------------------------------
# SP-initiated sign-in in Chromium


@pytest.mark.parametrize("sp_id,binding", [
    ("demo-sp", "redirect"),
    ("demo-sp", "post"),
    ("signed-sp", "redirect"),  # query signature over SAMLRequest, RelayState, SigAlg
    ("signed-sp", "post"),      # enveloped XML signature; the GET continuation is > 2048 characters
])
def test_sp_initiated_sign_in_through_the_hosted_login(site, driver, sp_id, binding):
    email, _ = site.user("chromium")
    sp = site.sps[sp_id]
    relay_state = "/orders?id=42&view=full  ünïcode"
    outgoing = sp.authn_request(binding=binding, relay_state=relay_state)
    arrival = browser_sign_in(driver, site, outgoing, email)
    assert arrival.method == "POST" and arrival.path == urlsplit(sp.acs_url).path
    assert arrival.fields["RelayState"] == relay_state  # unchanged, through the login round trip
    parsed = assert_ok_response(site, sp_id, arrival, outgoing, email)
    assert parsed.name_id.text == email and parsed.name_id.format == NAMEID_FORMATS["email"]
    assert parsed.ava["name"] == ["Sam L. User"]
    assert parsed.in_response_to == outgoing.id
    assert driver.find_element(By.ID, "heading").text == "Signed in at the service provider"


def test_long_relay_state_survives_the_login_round_trip(site, driver):
    # 1000 bytes is within our 1024-byte limit; with the AuthnRequest the login page's return URL
    # is far longer than 2048 characters.
    email, _ = site.user("long-relay")
    relay_state = "/deep/link?" + "x" * 989
    outgoing = site.sps["demo-sp"].authn_request(relay_state=relay_state)
    arrival = browser_sign_in(driver, site, outgoing, email)
    assert arrival.fields["RelayState"] == relay_state
    assert_ok_response(site, "demo-sp", arrival, outgoing, email)


def test_second_sp_signs_in_with_the_session_and_no_password(site, driver):
    email, _ = site.user("reuse")
    first = site.sps["demo-sp"].authn_request()
    first_arrival = browser_sign_in(driver, site, first, email)
    first_instant = assert_ok_response(site, "demo-sp", first_arrival, first, email) \
        .assertion.authn_statement[0].authn_instant
    # Another SP, another binding: the browser never sees a page of ours.
    second = site.sps["response-signed-sp"].authn_request(binding="post")
    arrival = browser_sign_in(driver, site, second, None)
    parsed = assert_ok_response(site, "response-signed-sp", arrival, second, email)
    # The assertion states the original sign-in and the same session.
    assert parsed.assertion.authn_statement[0].authn_instant == first_instant
    first_index = site.sps["demo-sp"].parse(first_arrival.fields["SAMLResponse"], first).session_info()["session_index"]
    assert parsed.session_info()["session_index"] == first_index


def test_force_authn_asks_for_the_password_again(site, driver):
    email, _ = site.user("force")
    sp = site.sps["demo-sp"]
    first = sp.authn_request()
    before = assert_ok_response(site, "demo-sp", browser_sign_in(driver, site, first, email), first, email)
    time.sleep(1.1)  # AuthnInstant has whole seconds: the new sign-in must be visibly later
    forced = sp.authn_request(force_authn=True)
    arrival = browser_sign_in(driver, site, forced, email)  # asserts the login page came
    after = assert_ok_response(site, "demo-sp", arrival, forced, email)
    assert saml_time(after.assertion.authn_statement[0].authn_instant) > \
        saml_time(before.assertion.authn_statement[0].authn_instant)
    # Without ForceAuthn the session is used again.
    plain = sp.authn_request()
    assert_ok_response(site, "demo-sp", browser_sign_in(driver, site, plain, None), plain, email)


def test_force_authn_cannot_be_skipped_by_editing_the_return_url(site):
    # The login page's return URL carries the "signed in after" marker. A client that sets it to 0
    # (or drops it) and goes straight back with its old session must still get the password prompt.
    agent, _ = site.signed_in_agent("force-edit")
    outgoing = site.sps["demo-sp"].authn_request(force_authn=True)
    first = outgoing.send(agent.http)
    return_to = login_redirect(first, site.server)
    assert return_to, (first.status_code, first.headers)
    marker = re.search(r"[?&](portcullis_auth_after=[^&]*)", return_to)
    assert marker, return_to
    value = marker.group(1).split("=", 1)[1]
    edited = [return_to.replace(marker.group(1), "portcullis_auth_after=0"),
              # a marker that carries more than the time (a MAC, say) keeps it, with the time changed
              return_to.replace(marker.group(1), "portcullis_auth_after=" + re.sub(r"^\d+", "0", value)),
              return_to.replace("&" + marker.group(1), "").replace("?" + marker.group(1) + "&", "?")]
    assert all(url != return_to for url in edited)
    for url in edited:
        answer = agent.http.get(url, allow_redirects=False, timeout=10)
        assert login_redirect(answer, site.server) is not None, (
            f"GET {url[:200]}... answered {answer.status_code} without asking for the password:\n"
            f"{answer.text[:500]}")
        assert "SAMLResponse" not in answer.text


def test_is_passive_without_a_session_is_no_passive(site):
    sp = site.sps["demo-sp"]
    outgoing = sp.authn_request(is_passive=True)
    result = deliver(site.agent(), outgoing, login=False)
    fields = response_fields(result, sp.acs_url)  # a status, at the registered ACS, no login page
    assert not result.logged_in
    xml = saml_response_xml(fields)
    root = parse_xml(xml)
    assert status_codes(root) == NO_PASSIVE
    assert root.get("InResponseTo") == outgoing.id and root.find("saml:Assertion", NS) is None
    assert_xmlsec_verifies(xml, sp.idp_cert_path(), "Response", site.workdir)  # status responses are signed too
    with pytest.raises(StatusNoPassive):
        sp.parse(fields["SAMLResponse"], outgoing)


def test_is_passive_with_a_session_signs_in_without_a_page(site):
    agent, email = site.signed_in_agent("passive")
    outgoing, fields, xml, parsed = sign_in(site, "demo-sp", agent, is_passive=True)
    assert status_codes(parse_xml(xml)) == SUCCESS and parsed.ava["email"] == [email]


# --------------------------------------------------------------------------------------------
# IdP-initiated sign-in


def test_idp_initiated_sign_in_when_the_sp_allows_it(site, driver):
    email, _ = site.user("idp-init")
    sp = site.sps["idp-initiated-sp"]
    mark = site.host.mark()
    driver.get(site.sso_url("idp-initiated-sp"))  # a link on a portal, no AuthnRequest
    assert login_page_or_arrival(driver, site, mark) == "login"
    browser_login(driver, email)
    arrival = site.host.wait_arrival(mark)
    assert arrival.sp == "idp-initiated-sp" and arrival.fields["RelayState"] == "/welcome"  # default_relay_state
    root = parse_xml(saml_response_xml(arrival.fields))
    assert root.get("InResponseTo") is None  # unsolicited
    assert root.find("saml:Assertion/saml:Subject/saml:SubjectConfirmation/saml:SubjectConfirmationData",
                     NS).get("InResponseTo") is None
    parsed = assert_ok_response(site, "idp-initiated-sp", arrival, None, email)
    assert parsed.ava["name"] == ["Sam L. User"]
    # With the session, a link naming its own RelayState goes straight to the SP.
    mark = site.host.mark()
    driver.get(site.sso_url("idp-initiated-sp") + "?RelayState=/reports/7")
    arrival = site.host.wait_arrival(mark)
    assert arrival.fields["RelayState"] == "/reports/7"
    assert_ok_response(site, "idp-initiated-sp", arrival, None, email)
    assert sp.acs_url.endswith(arrival.path)


def test_idp_initiated_sign_in_is_refused_when_the_sp_does_not_allow_it(site):
    agent, _ = site.signed_in_agent("idp-refused")
    response = agent.http.get(site.sso_url("demo-sp"), allow_redirects=False, timeout=10)
    assert_error_page(response, contains="does not allow IdP-initiated sign-in")


# --------------------------------------------------------------------------------------------
# Single logout


def test_single_logout_ends_the_session(site, driver):
    email, _ = site.user("slo")
    sp = site.sps["slo-sp"]
    login = sp.authn_request()
    arrival = browser_sign_in(driver, site, login, email)
    parsed = assert_ok_response(site, "slo-sp", arrival, login, email)
    session_index = parsed.session_info()["session_index"]

    # The SP sends the browser to our SingleLogoutService with a signed LogoutRequest.
    logout = sp.logout_request(email, session_index=session_index, relay_state="bye")
    mark = browser_start(driver, site, logout)
    done = site.host.wait_arrival(mark)
    assert done.kind == "slo" and done.method == "GET"
    assert done.fields["RelayState"] == "bye"
    # A LogoutResponse by HTTP-Redirect, its query signed with the metadata's key.
    assert verify_query_signature(done.raw_query, sp.idp_certificate())
    assert not verify_query_signature(done.raw_query.replace("RelayState=bye", "RelayState=bye2"), sp.idp_certificate())
    root = parse_xml(inflate(base64.b64decode(done.fields["SAMLResponse"])))
    assert root.tag == f"{{{NS['samlp']}}}LogoutResponse"
    assert status_codes(root) == SUCCESS and root.get("InResponseTo") == logout.id
    assert root.get("Destination") == sp.slo_url
    pysaml2_view = sp.client.parse_logout_request_response(done.fields["SAMLResponse"], "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect")
    assert pysaml2_view.response.in_response_to == logout.id

    # The session is gone: the next sign-in, at any SP, asks for the password.
    again = site.sps["demo-sp"].authn_request()
    assert login_page_or_arrival(driver, site, browser_start(driver, site, again)) == "login"


def test_single_logout_with_the_post_binding(site):
    agent, email = site.signed_in_agent("slo-post")
    sp = site.sps["slo-post-sp"]
    logout = sp.logout_request(email, binding="post", relay_state="r-post")
    result = deliver(agent, logout, login=False)
    assert result.form_action == sp.slo_url, result.describe()
    fields = result.form_post
    assert fields["RelayState"] == "r-post"
    xml = base64.b64decode(fields["SAMLResponse"])
    assert_xmlsec_verifies(xml, sp.idp_cert_path(), "LogoutResponse", site.workdir)  # enveloped
    root = parse_xml(xml)
    assert status_codes(root) == SUCCESS and root.get("InResponseTo") == logout.id
    assert agent.session_cookie() in (None, "")
    # The old session cookie is worthless now, not just deleted from this browser.
    fresh = deliver(agent, site.sps["demo-sp"].authn_request(), login=False)
    assert fresh.form_post is None and "/u/login" in fresh.hops[0].location


def test_single_logout_without_a_logout_endpoint_shows_the_signed_out_page(site):
    agent, email = site.signed_in_agent("slo-page")
    response = site.sps["demo-sp"].logout_request(email).send(agent.http)
    assert response.status_code == 200 and "SAMLResponse" not in response.text
    assert "Log out" in response.text
    assert deliver(agent, site.sps["demo-sp"].authn_request(), login=False).form_post is None


def test_logout_request_for_another_session_leaves_this_one(site):
    agent, email = site.signed_in_agent("slo-other")
    response = site.sps["slo-post-sp"].logout_request(email, session_index="not-this-session", binding="post")
    result = deliver(agent, response, login=False)
    assert status_codes(parse_xml(base64.b64decode(result.form_post["SAMLResponse"]))) == SUCCESS
    _, _, _, parsed = sign_in(site, "demo-sp", agent)  # still signed in, no password
    assert parsed.ava["email"] == [email]


# --------------------------------------------------------------------------------------------
# What the response says


@pytest.mark.parametrize("sp_id,name_id", [
    ("demo-sp", "email"), ("persistent-sp", "persistent"), ("transient-sp", "transient"),
    ("unspecified-sp", "unspecified"),
])
def test_name_id_formats(site, sp_id, name_id):
    email, user_id = site.user(f"nameid-{name_id}")
    agent = site.agent(email)
    values = []
    for _ in range(2):
        _, _, xml, parsed = sign_in(site, sp_id, agent, nameid_format=NAMEID_FORMATS[name_id])
        assert parsed.name_id.format == NAMEID_FORMATS[name_id]
        values.append(parsed.name_id.text)
    if name_id == "email":
        assert values == [email, email]
    elif name_id in ("persistent", "unspecified"):
        # The user's ID, the same in every response: stable and opaque.
        assert values[0] == values[1] and email not in values[0], values
        assert values[0] == user_id or values[0].endswith(user_id.split("|")[-1]), (values, user_id)
    else:
        assert values[0] != values[1] and email not in values[0] + values[1], values  # new each time


@pytest.mark.parametrize("sp_id,response_signed,assertion_signed", [
    ("demo-sp", True, True), ("response-signed-sp", True, False), ("assertion-signed-sp", False, True),
])
def test_signatures_as_configured_checked_by_xmlsec1(site, sp_id, response_signed, assertion_signed):
    agent, email = site.signed_in_agent(f"sig-{sp_id}")
    sp = site.sps[sp_id]
    _, _, xml, parsed = sign_in(site, sp_id, agent)  # pysaml2 demands exactly these signatures
    root = parse_xml(xml)
    assert (root.find("ds:Signature", NS) is not None) == response_signed
    assert (root.find("saml:Assertion/ds:Signature", NS) is not None) == assertion_signed
    cert = sp.idp_cert_path()
    for node, signed in (("Response", response_signed), ("Assertion", assertion_signed)):
        if signed:
            assert_xmlsec_verifies(xml, cert, node, site.workdir)
            # Pinned: another key's certificate does not verify it, and neither does any change.
            assert xmlsec_verify(xml, sp.keys.cert_path, node, site.workdir).returncode != 0
            tampered = xml.replace(email.encode(), b"mallory@example.com")
            assert xmlsec_verify(tampered, cert, node, site.workdir).returncode != 0
    signed_info = root.find(".//ds:SignedInfo", NS)
    assert signed_info.find("ds:SignatureMethod", NS).get("Algorithm") == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    assert signed_info.find("ds:Reference/ds:DigestMethod", NS).get("Algorithm") == "http://www.w3.org/2001/04/xmlenc#sha256"


def test_sha1_only_where_allowed(site):
    # sha1-sp has allow_sha1 with rsa-sha1/sha1: our signatures use them, and its SHA-1 signed
    # requests are accepted (elsewhere they are refused: test_saml_negative.py).
    email, _ = site.user("sha1")
    agent = site.agent(email)
    _, _, xml, parsed = sign_in(site, "sha1-sp", agent, binding="post", sigalg=SIG_RSA_SHA1, digest_alg=DIGEST_SHA1)
    root = parse_xml(xml)
    assert root.find(".//ds:SignatureMethod", NS).get("Algorithm") == SIG_RSA_SHA1
    assert root.find(".//ds:DigestMethod", NS).get("Algorithm") == DIGEST_SHA1
    assert_xmlsec_verifies(xml, site.sps["sha1-sp"].idp_cert_path(), "Assertion", site.workdir)
    assert parsed.name_id.text == email


def admin_token(site: SAMLSite) -> str:
    from oidc_client import example_secret

    response = token_request(site.server, {
        "grant_type": "client_credentials", "client_id": "acme-admin",
        "client_secret": example_secret("acme-admin-client-secret"), "audience": f"{site.issuer}/api/v2/"})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def test_attributes_with_name_formats_friendly_names_and_several_values(site):
    from oidc_client import admin_cli

    email, user_id = site.user("attrs", name="Ada Attribute")
    admin_cli(site.portcullis_bin, site.server, "roles", "assign", "--email", email, "--role", "admin")
    admin_cli(site.portcullis_bin, site.server, "roles", "assign", "--email", email, "--role", "viewer")
    patched = requests.patch(f"{site.issuer}/api/v2/users/{requests.utils.quote(user_id, safe='')}",
                             json={"app_metadata": {"plan": "enterprise"}},
                             headers={"Authorization": f"Bearer {admin_token(site)}"}, timeout=10)
    assert patched.status_code == 200, patched.text
    agent = site.agent(email)
    sp = site.sps["multi-acs-sp"]
    outgoing = sp.authn_request()
    result = deliver(agent, outgoing)
    root = parse_xml(saml_response_xml(response_fields(result, sp.acs_urls[0])))
    attributes = {a.get("Name"): a for a in root.findall(".//saml:AttributeStatement/saml:Attribute", NS)}
    assert attributes["email"].get("NameFormat") == BASIC_NAME_FORMAT and attributes["email"].get("FriendlyName") == "email"
    assert attributes["name"].get("FriendlyName") == "name"
    values = {name: [v.text for v in a.findall("saml:AttributeValue", NS)] for name, a in attributes.items()}
    assert values["email"] == [email] and values["name"] == ["Ada Attribute"]
    assert sorted(values["roles"]) == ["admin", "viewer"]  # one attribute, a value per role
    assert values["plan"] == ["enterprise"]  # from app_metadata.plan
    assert "urn:oid:2.5.4.42" not in attributes  # the user has no given_name: the attribute is left out
    xsi_type = "{http://www.w3.org/2001/XMLSchema-instance}type"
    assert {v.get(xsi_type) for v in root.findall(".//saml:AttributeValue", NS)} == {"xs:string"}


def test_assertion_lifetime_conditions_and_audience(site):
    agent, email = site.signed_in_agent("conditions")
    for sp_id, lifetime, audience in (("demo-sp", 300, None), ("multi-acs-sp", 120, "urn:test:multi-acs-audience")):
        sp = site.sps[sp_id]
        outgoing = sp.authn_request()
        fields = response_fields(deliver(agent, outgoing), sp.acs_urls[0])
        root = parse_xml(saml_response_xml(fields))
        assertion = root.find("saml:Assertion", NS)
        issued = saml_time(assertion.get("IssueInstant"))
        assert abs((issued - dt.datetime.now(dt.timezone.utc)).total_seconds()) < 30
        conditions = assertion.find("saml:Conditions", NS)
        assert (saml_time(conditions.get("NotOnOrAfter")) - issued).total_seconds() == lifetime
        assert (issued - saml_time(conditions.get("NotBefore"))).total_seconds() == 60  # for SP clocks behind
        assert [a.text for a in conditions.findall("saml:AudienceRestriction/saml:Audience", NS)] == \
            [audience or sp.entity_id]
        confirmation = assertion.find("saml:Subject/saml:SubjectConfirmation", NS)
        assert confirmation.get("Method") == BEARER
        data = confirmation.find("saml:SubjectConfirmationData", NS)
        assert data.get("Recipient") == sp.acs_urls[0] and data.get("InResponseTo") == outgoing.id
        assert data.get("NotOnOrAfter") == conditions.get("NotOnOrAfter")
        assert root.get("Destination") == sp.acs_urls[0] and root.get("InResponseTo") == outgoing.id
        assert root.find("saml:Issuer", NS).text == site.issuer == assertion.find("saml:Issuer", NS).text
        statement = assertion.find("saml:AuthnStatement", NS)
        assert statement.get("SessionIndex") and statement.get("SessionNotOnOrAfter")
        assert statement.find("saml:AuthnContext/saml:AuthnContextClassRef", NS).text == \
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        if audience is None:
            sp.parse(fields["SAMLResponse"], outgoing)
        else:
            # The override is really in force: an SP whose entity ID is not the audience refuses it.
            with pytest.raises(Exception, match="(?i)audience"):
                sp.parse(fields["SAMLResponse"], outgoing)


def test_acs_chosen_by_url_index_or_default(site):
    agent, _ = site.signed_in_agent("acs")
    sp = site.sps["multi-acs-sp"]
    first, second, third = sp.acs_urls
    def no_acs(request) -> None:
        request.assertion_consumer_service_url = None

    for options, expected in (({"acs_url": second}, second), ({"acs_index": 2}, second),
                              ({"acs_index": 1}, first), ({"change": no_acs}, third)):  # none named: the default
        outgoing = sp.authn_request(**options)
        result = deliver(agent, outgoing)
        root = parse_xml(saml_response_xml(response_fields(result, expected)))
        assert root.get("Destination") == expected, options


def test_post_binding_continues_as_a_get_carrying_the_same_message(site):
    sp = site.sps["signed-sp"]
    outgoing = sp.authn_request(binding="post", relay_state="keep me")
    response = outgoing.send(requests.Session())
    assert response.status_code == 303 and response.headers["Cache-Control"] == "no-store"
    location = response.headers["Location"]
    assert location.startswith(site.sso_url("signed-sp") + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["RelayState"] == ["keep me"]
    # The XML, its enveloped signature included, byte for byte.
    assert inflate(base64.b64decode(query["SAMLRequest"][0])) == outgoing.xml


def test_response_page_posts_itself_with_one_nonced_script(site):
    agent, _ = site.signed_in_agent("page")
    response = site.sps["demo-sp"].authn_request().send(agent.http)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"script-src 'nonce-([^']+)'", csp).group(1)
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.text.count("<script") == 1 and f'nonce="{nonce}"' in response.text
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Frame-Options"] == "DENY"


# --------------------------------------------------------------------------------------------
# The HTTP signer


def test_http_signer_signs_responses(site):
    agent, email = site.signed_in_agent("signer")
    mark = site.signer.mark()
    _, _, xml, parsed = sign_in(site, "signer-sp", agent)  # pysaml2 checks with the signer's certificate
    assert parsed.ava["email"] == [email]
    calls = site.signer.since(mark)
    assert len(calls) == 2, calls  # the Assertion, then the Response
    assert all(c.status == 200 and c.authorization == f"Bearer {site.signer.token}" for c in calls)
    assert all(c.body["algorithm"] == "rsa-sha256" and c.body["digest_algorithm"] == "sha256" for c in calls)
    for node in ("Response", "Assertion"):
        assert_xmlsec_verifies(xml, site.signer.keys.cert_path, node, site.workdir)
        # Not the tenant key: only the signer's key could have made these.
        assert xmlsec_verify(xml, site.sps["demo-sp"].idp_cert_path(), node, site.workdir).returncode != 0


@pytest.mark.parametrize("misbehaviour", ["error", "short", "not-base64", "timeout"])
def test_http_signer_failure_sends_nothing(site, misbehaviour):
    agent, _ = site.signed_in_agent(f"signer-{misbehaviour}")
    if misbehaviour == "error":
        site.signer.answer_with(Reply(503, {"error": "HSM unavailable"}, "application/json"))
    elif misbehaviour == "short":
        site.signer.answer_with(Reply(200, {"signature": base64.b64encode(b"\x01" * 64).decode()}, "application/json"))
    elif misbehaviour == "not-base64":
        site.signer.answer_with(Reply(200, {"signature": "*** not base64 ***"}, "application/json"))
    else:
        site.signer.answer_with(None, delay=3.0)  # the config's timeout is 2 s
    response = site.sps["signer-sp"].authn_request().send(agent.http)
    assert_error_page(response, status=502)
    site.signer.answer_with(None)
    _, _, _, parsed = sign_in(site, "signer-sp", agent)  # and the next one is signed again
    assert parsed.ava["email"]
