#!/usr/bin/env python3
"""Drives the authorization code flow over plain HTTP (standard library only) for bench/run-token.sh.

    oauth-flow.py flow --base URL --email E --password P [--iterations 200]
        Full flows, each with a new login: GET /authorize (302 to the login page), GET the login
        page (CSRF cookie and field), POST /u/login (password check; 302 back), GET /authorize
        (302 with the code), POST /oauth/token (code + PKCE, client_secret_basic). One keep-alive
        connection, one flow at a time; every step is timed on its own. Prints one
        `RESULT key=value ...` line with the p50/p90/p99 of each step and of the whole flow.

    oauth-flow.py refresh-tokens --base URL --email E --password P --count N --out FILE
        Logs in once and runs N code exchanges in that session, writing the N refresh tokens (one
        family each) to FILE, one per line: the starting tokens of bench/refresh.lua. Prints the
        signing algorithms of the ID and access tokens of one more exchange.

    oauth-flow.py sso --base URL [--base URL2] --email E --password P [--iterations 2000]
        Logs in once per server, then times single-sign-on authorizations: GET /authorize with the
        session cookie (302 with a code; the code is not redeemed), alternating between the servers
        request by request so both see the same machine noise. Prints one `RESULT` line per server
        (`server=N`, p50/p90/p99/mean) and, for two, the difference of the medians and means.

The tenant is acme, the client acme-web (client_secret_basic) with redirect URI
http://127.0.0.1:8081/callback, as in the example configuration; nothing listens there.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import re
import secrets
import statistics
import sys
import time
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

CLIENT_ID = "acme-web"
REDIRECT_URI = "http://127.0.0.1:8081/callback"
SCOPE = "openid profile email offline_access"


class Agent:
    """One keep-alive connection to the server and a cookie jar of name=value pairs."""

    def __init__(self, base: str, client_secret: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.prefix = parts.path.rstrip("/")  # /acme
        self.basic = base64.b64encode(f"{CLIENT_ID}:{client_secret}".encode()).decode()
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def request(self, method: str, target: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str, float]:
        if target.startswith("http://"):
            parts = urlsplit(target)
            target = parts.path + ("?" + parts.query if parts.query else "")
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        self.connection.request(method, target, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        elapsed = time.perf_counter() - started
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                if val and "max-age=0" not in value.lower():
                    self.cookies[key.strip()] = val.strip()
                else:
                    self.cookies.pop(key.strip(), None)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data.decode(errors="replace"), elapsed

    def authorize_url(self, verifier: str) -> str:
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode({"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": REDIRECT_URI,
                           "scope": SCOPE, "state": secrets.token_urlsafe(8), "nonce": secrets.token_urlsafe(8),
                           "code_challenge": challenge, "code_challenge_method": "S256"})
        return f"{self.prefix}/authorize?{query}"

    def redeem(self, location: str, verifier: str) -> tuple[dict, float]:
        assert location.startswith(REDIRECT_URI), f"not a redirect to the client: {location}"
        code = parse_qs(urlsplit(location).query)["code"][0]
        body = urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI,
                          "code_verifier": verifier})
        status, _, text, elapsed = self.request("POST", f"{self.prefix}/oauth/token", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {self.basic}"})
        assert status == 200, f"token endpoint: {status} {text}"
        return json.loads(text), elapsed

    def login_steps(self, email: str, password: str) -> tuple[str, str, dict[str, float]]:
        """authorize → login page → login POST → authorize; returns (callback URL, verifier, step times)."""
        times: dict[str, float] = {}
        verifier = secrets.token_urlsafe(32)
        status, headers, text, times["authorize"] = self.request("GET", self.authorize_url(verifier))
        assert status in (302, 303), f"authorize: {status} {text[:300]}"
        login_url = headers["location"]
        status, _, page, times["login_page"] = self.request("GET", login_url)
        assert status == 200, f"login page: {status} {page[:300]}"
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        fields = {k: unescape(v) for k, v in fields.items()}
        fields.update(username=email, password=password)
        action = unescape(re.search(r'<form method="post" action="([^"]+)"', page).group(1))
        status, headers, text, times["login_post"] = self.request(
            "POST", action, urlencode(fields), {"Content-Type": "application/x-www-form-urlencoded"})
        assert status in (302, 303), f"login POST: {status} {text[:300]}"
        status, headers, text, times["authorize_code"] = self.request("GET", headers["location"])
        assert status in (302, 303), f"authorize after login: {status} {text[:300]}"
        return headers["location"], verifier, times

    def code_in_session(self) -> tuple[str, str]:
        verifier = secrets.token_urlsafe(32)
        status, headers, text, _ = self.request("GET", self.authorize_url(verifier))
        assert status in (302, 303) and headers["location"].startswith(REDIRECT_URI), f"{status} {headers} {text[:300]}"
        return headers["location"], verifier


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def flow(args) -> None:
    steps: dict[str, list[float]] = {k: [] for k in
                                     ("authorize", "login_page", "login_post", "authorize_code", "token", "total")}
    for i in range(args.warmup + args.iterations):
        agent = Agent(args.base, args.client_secret)  # a new browser: no cookies, new connection
        started = time.perf_counter()
        location, verifier, times = agent.login_steps(args.email, args.password)
        tokens, times["token"] = agent.redeem(location, verifier)
        times["total"] = time.perf_counter() - started
        assert tokens.get("access_token") and tokens.get("id_token"), tokens
        agent.connection.close()
        if i >= args.warmup:
            for name, value in times.items():
                steps[name].append(value * 1000)
    fields = [f"flows={args.iterations}"]
    for name, values in steps.items():
        for p in (50, 90, 99):
            fields.append(f"{name}_p{p}_ms={percentile(values, p):.3f}")
    without_post = [t - lp for t, lp in zip(steps["total"], steps["login_post"])]
    fields.append(f"total_without_login_post_p50_ms={statistics.median(without_post):.3f}")
    print("RESULT " + " ".join(fields))


def refresh_tokens(args) -> None:
    agent = Agent(args.base, args.client_secret)
    location, verifier, _ = agent.login_steps(args.email, args.password)
    tokens = [agent.redeem(location, verifier)[0]["refresh_token"]]
    while len(tokens) < args.count:
        location, verifier = agent.code_in_session()
        tokens.append(agent.redeem(location, verifier)[0]["refresh_token"])
    with open(args.out, "w") as out:
        out.write("\n".join(tokens) + "\n")
    last = agent.redeem(*agent.code_in_session())[0]
    algs = {name: json.loads(base64.urlsafe_b64decode(last[name].split(".")[0] + "=="))["alg"]
            for name in ("id_token", "access_token")}
    print(f"RESULT tokens={len(tokens)} id_token_alg={algs['id_token']} access_token_alg={algs['access_token']}")


def sso(args) -> None:
    agents = []
    for base in args.base:
        agent = Agent(base, args.client_secret)
        agent.login_steps(args.email, args.password)
        agents.append(agent)
    times: list[list[float]] = [[] for _ in agents]
    for i in range(args.warmup + args.iterations):
        for index, agent in enumerate(agents):
            verifier = secrets.token_urlsafe(32)
            status, headers, text, elapsed = agent.request("GET", agent.authorize_url(verifier))
            location = headers.get("location", "")
            assert status in (302, 303) and location.startswith(REDIRECT_URI) and "code=" in location, \
                f"no code: {status} {location} {text[:300]}"
            if i >= args.warmup:
                times[index].append(elapsed * 1000)
    for index, values in enumerate(times):
        fields = [f"server={index + 1}", f"authorizations={len(values)}"]
        fields += [f"p{p}_ms={percentile(values, p):.3f}" for p in (50, 90, 99)]
        fields.append(f"mean_ms={statistics.fmean(values):.3f}")
        print("RESULT " + " ".join(fields))
    if len(times) == 2:
        print(f"RESULT difference_p50_ms={statistics.median(times[1]) - statistics.median(times[0]):.3f} "
              f"difference_mean_ms={statistics.fmean(times[1]) - statistics.fmean(times[0]):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("flow", "refresh-tokens", "sso"):
        p = sub.add_parser(name)
        if name == "sso":
            p.add_argument("--base", required=True, action="append", help="an issuer; give one or two")
        else:
            p.add_argument("--base", required=True, help="the issuer, e.g. http://127.0.0.1:8080/acme")
        p.add_argument("--email", required=True)
        p.add_argument("--password", required=True)
        p.add_argument("--client-secret", required=True)
    sub.choices["flow"].add_argument("--iterations", type=int, default=200)
    sub.choices["flow"].add_argument("--warmup", type=int, default=10)
    sub.choices["sso"].add_argument("--iterations", type=int, default=2000)
    sub.choices["sso"].add_argument("--warmup", type=int, default=50)
    sub.choices["refresh-tokens"].add_argument("--count", type=int, required=True)
    sub.choices["refresh-tokens"].add_argument("--out", required=True)
    args = parser.parse_args()
    {"flow": flow, "refresh-tokens": refresh_tokens, "sso": sso}[args.command](args)


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
