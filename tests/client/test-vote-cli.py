# ippyo-vote from a terminal against the real stack: pcscd + vpcd + ippyo-vcard
# (voter-001 in reader 0, voter-010 in reader 1, started by with-card-services)
# and a real ippyo-chaind on loopback.
import base64
import http.client
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import urllib.parse

import voterharness as vh


def b64(der):
    return base64.b64encode(der).decode()


def pem_der(path):
    with open(path) as f:
        body = f.read().split("-----", 4)[2]
    return base64.b64decode("".join(body.split()), validate=True)


def jpki_pki(d):
    """The auth CA and CRL, a foreign CA, a CRL under the auth CA's name signed by
    another key, an expired CRL of the auth CA (openssl ca on copies of the CA dirs)."""
    ca = os.path.join(vh.pki(), "ca")
    os.makedirs(d)

    def ca_copy(src, name):
        dst = os.path.join(d, name)
        shutil.copytree(src, dst)
        with open(os.path.join(dst, "ca.cnf")) as f:
            conf = f.read()
        with open(os.path.join(dst, "ca.cnf"), "w") as f:
            f.write(re.sub(r"(?m)^dir = .*$", "dir = " + dst, conf))
        return dst

    def gencrl(cadir, out, *extra):
        subprocess.run(["openssl", "ca", "-batch", "-config", os.path.join(cadir, "ca.cnf"),
                        "-gencrl", "-out", out] + list(extra), check=True, capture_output=True)
        return pem_der(out)

    auth = ca_copy(os.path.join(vh.pki(), "ca", "auth"), "auth")
    forged = ca_copy(os.path.join(vh.pki(), "foreign-ca"), "forged")
    # the auth CA's subject on the foreign key: its CRLs name the auth CA as issuer
    subprocess.run(["openssl", "x509", "-x509toreq", "-in", os.path.join(auth, "ca.crt"),
                    "-signkey", os.path.join(forged, "ca.key"), "-out", os.path.join(d, "forged.csr")],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", os.path.join(d, "forged.csr"), "-signkey",
                    os.path.join(forged, "ca.key"), "-days", "30", "-out", os.path.join(forged, "ca.crt")],
                   check=True, capture_output=True)
    return {
        "ca": pem_der(os.path.join(ca, "auth-ca.crt")),
        "crl": pem_der(os.path.join(ca, "auth.crl")),
        "foreign_ca": pem_der(os.path.join(ca, "foreign-ca.crt")),
        "forged_crl": gencrl(forged, os.path.join(d, "forged.crl")),
        "expired_crl": gencrl(auth, os.path.join(d, "expired.crl"), "-crl_lastupdate",
                              "20200101000000Z", "-crl_nextupdate", "20210101000000Z"),
    }


class LyingChain:
    """A proxy in front of the chain that answers GET /v1/jpki with its own body."""

    def __init__(self, upstream, body):
        up = urllib.parse.urlsplit(upstream)

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def forward(self):
                n = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(n) if n else None
                if self.command == "GET" and self.path == "/v1/jpki":
                    status, headers, out = 200, [("Content-Type", "application/json")], body
                else:
                    c = http.client.HTTPConnection(up.hostname, up.port, timeout=60)
                    hs = {k: v for k, v in self.headers.items()
                          if k.lower() in ("content-type", "content-length", "accept")}
                    c.request(self.command, self.path, body=data, headers=hs)
                    r = c.getresponse()
                    status, out = r.status, r.read()
                    headers = [(k, v) for k, v in r.getheaders()
                               if k.lower() in ("content-type", "cache-control", "retry-after")]
                    c.close()
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_HEAD = forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *a):
        self.server.shutdown()
        self.server.server_close()

t = vh.Tap()
chain = vh.Chain().start()
voter = vh.Voter()
pin = vh.card_pin("voter-001") + "\n"
R0 = "Virtual PCD 00 00"
try:
    # election: from the URL and from an election file
    rc, doc, _ = voter.json("election", chain.url)
    t.eq(rc, 0, "election URL: exit 0")
    t.ok(doc and doc["state"] == "open" and doc["election_id"] == "2027-test-mayor",
         "election URL: open, its id")
    t.ok(doc and doc["contests"][0]["id"] == "mayor" and len(doc["contests"][0]["options"]) == 3,
         "election URL: contests and options")
    t.ok(doc and doc["roll_available"] is False and "roll" in doc.get("roll_problem", ""),
         "election URL: says the roll is not available")
    efile = chain.election_file()
    rc, doc, _ = voter.json("election", efile)
    t.ok(rc == 0 and doc["roll_available"] is True, "election file: verified, roll loaded")
    bad = chain.election_file(officials_key="A" * 43)
    rc, doc, _ = voter.json("election", bad)
    t.ok(rc == 2 and doc["error"] == "election", "election file pinning other officials: exit 2")
    efile = chain.election_file()

    # the JPKI CA and CRL the chain publishes (GET /v1/jpki): verified and used ...
    rc, doc, _ = voter.json("election", efile)
    t.ok(rc == 0 and doc["revocation_available"] is True and "revocation_problem" not in doc,
         "election: the chain's CA and CRL verified, revocation can be checked")
    # ... but from a lying chain (a proxy that changes only /v1/jpki) not used, and said why
    jp = jpki_pki(os.path.join(voter.home, "lying"))
    lies = [
        ("a CA the manifest does not pin", [jp["foreign_ca"]], [jp["crl"]], "does not name"),
        ("a CRL signed by another key", [jp["ca"]], [jp["forged_crl"]], "not signed"),
        ("an expired CRL", [jp["ca"]], [jp["expired_crl"]], "out of date"),
        ("no CRL", [jp["ca"]], [], "no list"),
        ("a document that is not one", None, None, "could not be read"),
    ]
    for name, cas, crls, words in lies:
        body = (b"{\"ca\":[1]}" if cas is None else
                json.dumps({"ca": [b64(x) for x in cas], "crl": [b64(x) for x in crls]}).encode())
        with LyingChain(chain.url, body) as liar:
            rc, doc, _ = voter.json("election", liar.url)
            t.ok(rc == 0 and doc["revocation_available"] is False and
                 "could not be checked" in doc.get("revocation_problem", "") and
                 words in doc.get("revocation_problem", ""),
                 "lying chain, %s: not used, the reason says so" % name)
            if name == "an expired CRL":
                # never fatal: the card is ready, and the voter is told what is unknown
                r = voter.run("vote", liar.url, "--choice", "mayor=opt-9", "--pin-stdin",
                              "--reader", R0, pin=pin)
                t.ok(r.returncode == 1 and "could not be checked" in r.stdout and
                     "out of date" in r.stdout,
                     "lying chain: the card is ready, the voter is told revocation could not "
                     "be checked, and the vote goes on to the ballot (a bad choice: exit 1)")
                if r.returncode != 1 or "could not be checked" not in r.stdout:
                    print("# rc %d\n# %s\n# %s" % (r.returncode, r.stdout, r.stderr))

    # a full vote, with an audit first
    audit = os.path.join(voter.home, "audit.json")
    before = chain.size()
    rc, doc, r = voter.json("vote", efile, "--choice", "mayor=opt-1", "--pin-stdin",
                            "--reader", R0, "--audit-first", audit, pin=pin)
    t.eq(rc, 0, "vote: exit 0")
    t.ok(doc and doc["result"] == "recorded" and doc["revote"] is False, "vote: recorded")
    t.eq(chain.size(), before + 1, "vote: exactly one entry more in the chain")
    receipt = doc["receipt"] if doc else ""
    t.ok(os.path.dirname(receipt) == voter.folder(), "vote: receipt in $XDG_DATA_HOME/ippyo/<id>/")
    for name in ("manifest.json", "checkpoint"):
        t.ok(os.path.exists(os.path.join(voter.folder(), name)), "receipt folder holds " + name)
    cast_code = doc["tracking_code"] if doc else ""

    # the audit on a second device: another process, another data folder, no card
    second = vh.Voter()
    rc, adoc, _ = second.json("audit", audit, env={"IPPYO_PKCS11_MODULE": "/nonexistent"})
    t.eq(rc, 0, "audit on a second device: exit 0")
    t.ok(adoc and adoc["result"] == "correct" and adoc["choices"][0]["selected"] == ["opt-1"],
         "audit: the audited encryption holds the choice")
    t.ok(adoc and adoc["tracking_code"] != cast_code, "audit: the audited encryption was not the one cast")
    rc, adoc, _ = second.json("audit", "-", "--manifest", chain.el.path("entry0.json"),
                              pin=open(audit).read())
    t.eq(rc, 0, "audit from stdin with --manifest: exit 0")
    rc, adoc, _ = second.json("audit", audit, "--tracking-code", cast_code)
    t.eq(rc, 10, "audit against another tracking code: exit 10")
    with open(audit) as f:
        a = json.load(f)
    seed = a["record"]["seed"]
    a["record"]["seed"] = ("0" if seed[0] != "0" else "1") + seed[1:]
    tampered = os.path.join(second.home, "tampered.json")
    with open(tampered, "w") as f:
        json.dump(a, f, separators=(",", ":"), sort_keys=True)
    rc, adoc, _ = second.json("audit", tampered)
    t.eq(rc, 10, "audit of a tampered seed: exit 10 (tracking code differs)")
    t.ok(adoc and "WRONG" in adoc["message"], "audit: says the encryption is wrong")

    # the receipt, offline: no server needed
    chain.stop()
    rc, rdoc, _ = second.json("receipt", "verify", receipt)
    t.eq(rc, 0, "receipt verify offline (manifest next to it): exit 0")
    t.ok(rdoc and rdoc["tracking_code"] == cast_code, "receipt: the tracking code cast")
    with open(chain.el.path("chain.vkey")) as f:
        vkey = f.read().strip()
    rc, rdoc, _ = second.json("receipt", "verify", receipt, "--vkey", vkey)
    t.eq(rc, 0, "receipt verify with --vkey: exit 0")
    other = vh.ch.Election(vh.pki())
    with open(other.path("chain.vkey")) as f:
        rc, rdoc, _ = second.json("receipt", "verify", receipt, "--vkey", f.read().strip())
    t.eq(rc, 10, "receipt verify with another chain's key: exit 10")
    other.cleanup()
    with open(receipt) as f:
        rj = json.load(f)
    rj["index"] += 1
    bad_receipt = os.path.join(second.home, "receipt-bad.json")
    with open(bad_receipt, "w") as f:
        json.dump(rj, f)
    rc, rdoc, _ = second.json("receipt", "verify", bad_receipt, "--manifest",
                              chain.el.path("entry0.json"))
    t.eq(rc, 10, "receipt with another index: exit 10")
    chain.start()

    # check my ballot: consistent now
    rc, cdoc, _ = voter.json("check", receipt)
    t.eq(rc, 0, "check: exit 0")
    t.ok(cdoc and cdoc["result"] == "included", "check: included")

    # re-vote: allowed while open, the last ballot counts
    rc, doc, r = voter.json("vote", chain.url, "--choice", "mayor=opt-2", "--pin-stdin",
                            "--reader", R0, pin=pin)
    t.ok(rc == 0 and doc["revote"] is True, "re-vote: recorded and said to replace the first")
    r2 = voter.run("vote", chain.url, "--choice", "mayor=opt-0", "--pin-stdin", "--reader", R0,
                   pin=pin)
    t.ok(r2.returncode == 0 and "last ballot" in r2.stdout, "re-vote in text: explains the last ballot counts")

    # the chain is rebuilt with the same key and another history: a fork
    chain.rebuild()
    other_voter = vh.Voter()
    rc, _, _ = other_voter.json("vote", chain.url, "--choice", "mayor=opt-0", "--pin-stdin",
                                "--reader", R0, pin=pin)
    t.eq(rc, 0, "the rebuilt chain takes new ballots")
    rc, cdoc, r = voter.json("check", receipt)
    if rc != 11:
        print("# %s" % (cdoc,))
    t.eq(rc, 11, "check after the chain forked: exit 11")
    t.ok(cdoc and cdoc["error"] in ("fork", "dropped"), "check: fork reported")
    ev = cdoc.get("evidence") if cdoc else None
    t.ok(ev and os.path.dirname(ev) == voter.folder(), "check: evidence saved next to the receipt")
    if ev:
        text = open(ev).read()
        t.ok(text.count("\n\u2014 ") >= 2 and "-- held" in text and "-- served" in text,
             "evidence: both signed checkpoints")
    r = voter.run("check", receipt)
    t.ok(r.returncode == 11 and ("REWROTE" in r.stderr or "NO LONGER" in r.stderr),
         "check in text: says it clearly")
finally:
    chain.cleanup()
    for v in [voter] + [x for x in (globals().get("second"), globals().get("other_voter")) if x]:
        shutil.rmtree(v.home, ignore_errors=True)
t.done()
