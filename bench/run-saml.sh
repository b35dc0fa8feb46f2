#!/usr/bin/env bash
# Signed SAML response generation (RSA-2048; Assertion and Response both signed, exclusive C14N,
# SHA-256) in CPU time, next to xmlsec1 signing and verifying the same document.
#   portcullis-bench-saml builds COUNT responses for the example config's demo-sp with acme's RS256
#   key on one thread and reports the CPU time per response. xmlsec1 (Debian's) then signs a
#   template of the last response (its two Signature elements emptied) and verifies the result,
#   ROUNDS times each; its figure is the child's CPU time per run (getrusage), which includes
#   process start and key loading: xmlsec1 has no in-process loop, so this is the reference as
#   operators meet it, not a library-to-library comparison.
#
#   bench/run-saml.sh     (SKIP_BUILD=1 reuses the last build; BIN_DIR=DIR takes binaries from DIR)
#
# Environment: COUNT (2000), ROUNDS (200), CONFIGURATION (release).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh

bench_require xmlsec1 python3
bench_binaries portcullis-bench-saml

out="$PWD/bench/out/saml-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
"$bin_dir/portcullis-bench-saml" config secrets.example.yaml "${COUNT:-2000}" "$out/response.xml" | tee "$out/portcullis.txt"

python3 - "$out" "${ROUNDS:-200}" <<'PY'
import re, resource, subprocess, sys, pathlib, yaml
out, rounds = pathlib.Path(sys.argv[1]), int(sys.argv[2])
secrets = yaml.safe_load(open("secrets.example.yaml"))
pem = next(s["data"] for s in secrets["secrets"] if s["key"] == "acme-signing-rs256")
(out / "key.pem").write_text(pem)
response = (out / "response.xml").read_text()
# The same document as an xmlsec1 template: both signatures with empty values.
template = re.sub(r"<ds:DigestValue>[^<]*</ds:DigestValue>", "<ds:DigestValue></ds:DigestValue>", response)
template = re.sub(r"<ds:SignatureValue>[^<]*</ds:SignatureValue>", "<ds:SignatureValue></ds:SignatureValue>", template)
template = re.sub(r"<ds:KeyInfo>.*?</ds:KeyInfo>", "", template)
(out / "template.xml").write_text(template)
ids = ["--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:protocol:Response",
       "--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:assertion:Assertion"]
subprocess.run(["openssl", "pkey", "-in", str(out / "key.pem"), "-pubout", "-out", str(out / "pub.pem")], check=True)
def cpu_ms(command):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000
# xmlsec1 handles one signature per run, the one --node-xpath names: the Assertion's first, then
# the Response's (whose digest covers the signed Assertion), as we sign; verified the same way.
assertion_sig = "//*[local-name()='Assertion']/*[local-name()='Signature']"
response_sig = "/*/*[local-name()='Signature']"
def sign_runs():
    return [["xmlsec1", "--sign", "--privkey-pem", str(out / "key.pem"), *ids, "--node-xpath", assertion_sig,
             "--output", str(out / "half.xml"), str(out / "template.xml")],
            ["xmlsec1", "--sign", "--privkey-pem", str(out / "key.pem"), *ids, "--node-xpath", response_sig,
             "--output", str(out / "signed.xml"), str(out / "half.xml")]]
def verify_runs(document):
    return [["xmlsec1", "--verify", "--pubkey-pem", str(out / "pub.pem"), "--enabled-key-data", "rsa", *ids,
             "--node-xpath", xpath, str(document)] for xpath in (assertion_sig, response_sig)]
for command in verify_runs(out / "response.xml"):  # xmlsec1 accepts both of our signatures
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
signs, verifies, starts = [], [], []
for _ in range(rounds):
    starts.append(cpu_ms(["xmlsec1", "--version"]))
    signs.append(sum(cpu_ms(command) for command in sign_runs()))
    verifies.append(sum(cpu_ms(command) for command in verify_runs(out / "signed.xml")))
signs.sort(); verifies.sort(); starts.sort()
print(f"RESULT xmlsec1 runs={rounds} sign_p50_cpu_ms={signs[len(signs)//2]:.3f} verify_p50_cpu_ms={verifies[len(verifies)//2]:.3f} "
      f"sign_plus_verify_p50_cpu_ms={signs[len(signs)//2] + verifies[len(verifies)//2]:.3f} "
      f"start_only_p50_cpu_ms={starts[len(starts)//2]:.3f} (per run; sign and verify are two runs each)")
PY
echo "results in $out"
