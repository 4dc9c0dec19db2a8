#!/usr/bin/env python3
# ippyo-chaind's POST /v1/entries over real HTTP on loopback: the officials'
# ceremony, close, decryption and result entries; every rejection code with
# nothing appended; identical resubmission; the position rules of
# docs/verification.md, kept across a restart; a decryption racing the close.
import base64
import json
import os
import struct
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chainharness import Election, Server, Tap, pki_dir, split_bundle

t = Tap()
pki = pki_dir()

# PKCS#8 DER prefix of an Ed25519 private key (RFC 8410): the 32-byte seed follows.
ED25519_PKCS8 = bytes.fromhex("302e020100300506032b657004220420")


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def transcript(tag, *elems):
    out = struct.pack(">I", len(tag)) + tag
    for e in elems:
        out += struct.pack(">I", len(e)) + e
    return out


def ed25519_sign(seed, msg):
    """Pure Ed25519 (RFC 8032) with the openssl command (Python's stdlib has none)."""
    with tempfile.TemporaryDirectory() as d:
        key = os.path.join(d, "k.pem")
        with open(key, "w") as f:
            f.write("-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n"
                    % base64.b64encode(ED25519_PKCS8 + seed).decode())
        m = os.path.join(d, "m")
        with open(m, "wb") as f:
            f.write(msg)
        r = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", key, "-in", m],
                           capture_output=True, check=True)
        assert len(r.stdout) == 64, r
        return r.stdout


class Officials:
    """Signs entries as formats.md "Officials' signatures" says."""

    def __init__(self, el):
        self.el = el
        with open(el.path("officials.key")) as f:
            self.seed = bytes.fromhex(f.read().strip())
        with open(el.path("entry0.json"), "rb") as f:
            self.manifest = json.loads(f.read())["manifest"]
        self.id = self.manifest["election_id"]

    def sign(self, obj, seed=None, tamper=False):
        obj = dict(obj, version=1)
        obj.pop("signature", None)
        msg = transcript(b"ippyo/v1/officials-signature", obj["type"].encode(), canonical(obj))
        sig = bytearray(ed25519_sign(seed or self.seed, msg))
        if tamper:
            sig[0] ^= 1
        obj["signature"] = b64url(bytes(sig))
        return canonical(obj)

    def ceremony(self, data=b"commitments", election_id=None, **kw):
        return self.sign({"type": "ceremony", "election_id": election_id or self.id,
                          "documents": [{"name": "commitments-1.json", "data": b64url(data)}]}, **kw)

    def decryption(self, trustee=1, doc=b"partial", **kw):
        return self.sign({"type": "decryption", "election_id": self.id, "trustee": trustee,
                          "document": b64url(doc)}, **kw)

    def result(self, close_index, counted=1, totals=None, **kw):
        return self.sign({"type": "result", "election_id": self.id, "close_index": close_index,
                          "counted": counted, "totals": totals or [[counted, 0, 0]]}, **kw)

    def close(self, log_size, time="2026-01-01T00:00:00Z", **kw):
        return self.sign({"type": "close", "election_id": self.id, "log_size": log_size,
                          "time": time}, **kw)


def code_of(body):
    try:
        return json.loads(body)["code"]
    except Exception:
        return None


def types(srv):
    size = srv.status()["size"]
    return [json.loads(e)["type"] for e in srv.entries(0, size)]


def refused(srv, el, name, body, status, code, path="/v1/entries"):
    before = srv.status()["size"]
    cp = srv.checkpoint()
    s, _, b = srv.post(path, body)
    ok = s == status and code_of(b) == code
    if not ok:
        print("# %s: %d %s" % (name, s, b[:300]), flush=True)
    t.ok(ok, "%s: %d %s" % (name, status, code))
    t.ok(srv.status()["size"] == before and srv.checkpoint() == cp, "%s: nothing appended" % name)


def accepted(srv, el, name, body, want_index=None):
    s, h, b = srv.post("/v1/entries", body)
    if s != 200:
        print("# %s: %d %s" % (name, s, b[:300]), flush=True)
        t.ok(False, "%s: accepted" % name)
        return None
    r = json.loads(b)
    t.ok(want_index is None or r["index"] == want_index, "%s: accepted at index %s" % (name, r["index"]))
    v = el.verify_receipt(body, b)
    t.ok(v.returncode == 0, "%s: the receipt verifies offline" % name)
    return b


el = Election(pki)
off = Officials(el)
srv = Server(el)
try:
    # ---- the ceremony entry before voting; identical resubmission ----
    cer = off.ceremony()
    first = accepted(srv, el, "ceremony entry", cer, 1)
    s, h, again = srv.post("/v1/entries", cer)
    t.ok(s == 200 and again == first and h.get("ippyo-duplicate") == "1",
         "an identical ceremony entry gets the identical receipt (Ippyo-Duplicate: 1)")
    accepted(srv, el, "a second ceremony entry before the first ballot", off.ceremony(b"results"), 2)

    # ---- every check before the position rules, in order ----
    refused(srv, el, "a body over max-body-bytes", b"{" * 300000, 413, "too_large")
    refused(srv, el, "not JSON", b"{\"type\":", 400, "bad_json")
    refused(srv, el, "not canonical", b" " + cer, 400, "bad_json")
    refused(srv, el, "a total above counted", off.result(5, counted=1, totals=[[2, 0, 0]]), 400,
            "bad_entry")
    with open(el.path("entry0.json"), "rb") as f:
        refused(srv, el, "the manifest entry", f.read(), 400, "wrong_entry_type")
    ballot = el.ballot("voter-001")
    refused(srv, el, "a ballot entry", ballot, 400, "wrong_entry_type")
    refused(srv, el, "another election's ceremony", off.ceremony(election_id="another-election"), 422,
            "wrong_election")
    refused(srv, el, "a decryption of trustee 2 (n = 1)", off.decryption(trustee=2), 422, "bad_trustee")
    refused(srv, el, "a result with 2 options of 3", off.result(5, totals=[[1, 0]]), 422, "bad_totals")
    refused(srv, el, "a ceremony with a changed signature", off.ceremony(b"x", tamper=True), 403,
            "bad_official_signature")
    refused(srv, el, "a ceremony signed by another key", off.ceremony(b"x", seed=b"\x07" * 32), 403,
            "bad_official_signature")
    # the signature is checked before the position rules
    refused(srv, el, "a badly signed decryption before the close", off.decryption(tamper=True), 403,
            "bad_official_signature")
    s, h, b = srv.request("PUT", "/v1/entries", b"{}")
    t.ok(s == 405 and "POST" in h.get("allow", ""), "PUT /v1/entries: 405, Allow names POST")

    # ---- position: decryption and result only after the close ----
    refused(srv, el, "a decryption before the close", off.decryption(), 409, "poll_open")
    refused(srv, el, "a result before the close", off.result(3), 409, "poll_open")
    s, _, b = srv.post("/v1/ballots", ballot)
    t.ok(s == 200, "a ballot is accepted")
    ballot_index = json.loads(b)["index"] if s == 200 else None
    refused(srv, el, "a ceremony entry after the first ballot", off.ceremony(b"late"), 409,
            "ceremony_too_late")

    # ---- the close through /v1/entries ----
    size = srv.status()["size"]
    close = off.close(size)
    cb = accepted(srv, el, "the close entry through /v1/entries", close, size)
    close_index = json.loads(cb)["index"] if cb else size
    t.eq(srv.status()["state"], "closed", "the poll is closed")
    refused(srv, el, "a second close entry", off.close(size + 1), 409, "poll_closed")
    refused(srv, el, "a second close entry on /v1/close", off.close(size + 2), 409, "poll_closed",
            path="/v1/close")
    refused(srv, el, "a ceremony entry after the close", off.ceremony(b"later"), 409, "ceremony_too_late")
    refused(srv, el, "a ballot after the close", el.ballot("voter-002"), 409, "poll_closed",
            path="/v1/ballots")
    refused(srv, el, "a result before any decryption (t = 1)", off.result(close_index), 409,
            "too_few_decryptions")

    # ---- decryptions: one per trustee ----
    dec = off.decryption(doc=b"partial-1")
    dfirst = accepted(srv, el, "trustee 1's decryption", dec, close_index + 1)
    s, h, again = srv.post("/v1/entries", dec)
    t.ok(s == 200 and again == dfirst and h.get("ippyo-duplicate") == "1",
         "an identical decryption entry gets the identical receipt")
    refused(srv, el, "another decryption of trustee 1", off.decryption(doc=b"partial-1b"), 409,
            "duplicate_trustee")

    # ---- the result: its close_index, once ----
    refused(srv, el, "a result with close_index of the ballot", off.result(ballot_index), 409,
            "wrong_close_index")
    refused(srv, el, "a result with close_index after the close", off.result(close_index + 1), 409,
            "wrong_close_index")
    res = off.result(close_index)
    rfirst = accepted(srv, el, "the result", res, close_index + 2)
    refused(srv, el, "a second result", off.result(close_index, counted=2, totals=[[1, 1, 0]]), 409,
            "result_exists")
    t.eq(types(srv), ["manifest", "ceremony", "ceremony", "ballot", "close", "decryption", "result"],
         "the log: manifest, ceremonies, ballot, close, decryption, result")

    # ---- a restart keeps the position rules (read back from the log) ----
    t.eq(srv.stop(), 0, "SIGTERM: exit 0")
    srv = Server(el)
    s, h, again = srv.post("/v1/entries", res)
    t.ok(s == 200 and again == rfirst and h.get("ippyo-duplicate") == "1",
         "after a restart: the result resubmitted gets the identical receipt")
    refused(srv, el, "after a restart: another decryption of trustee 1", off.decryption(doc=b"p-1c"), 409,
            "duplicate_trustee")
    refused(srv, el, "after a restart: a second result", off.result(close_index, counted=2,
            totals=[[0, 2, 0]]), 409, "result_exists")
    refused(srv, el, "after a restart: a ceremony", off.ceremony(b"after"), 409, "ceremony_too_late")
    t.eq(srv.stop(), 0, "SIGTERM: exit 0")
finally:
    if srv.proc.poll() is None:
        srv.kill9()
    el.cleanup()

# ---- after a restart before the close: ceremony refused after a ballot ----
el = Election(pki)
off = Officials(el)
srv = Server(el)
try:
    s, _, _ = srv.post("/v1/ballots", el.ballot("voter-003"))
    t.ok(s == 200, "a ballot on a new chain")
    t.eq(srv.stop(), 0, "SIGTERM: exit 0")
    srv = Server(el)
    refused(srv, el, "after a restart: a ceremony after the ballot", off.ceremony(), 409,
            "ceremony_too_late")
    t.eq(srv.stop(), 0, "SIGTERM: exit 0")
finally:
    if srv.proc.poll() is None:
        srv.kill9()
    el.cleanup()

# ---- a decryption racing the close: never before it, never twice ----
for rnd in range(3):
    el = Election(pki)
    off = Officials(el)
    decs = [off.decryption(doc=b"race-%d-%d" % (rnd, i)) for i in range(6)]
    srv = Server(el)
    try:
        s, _, _ = srv.post("/v1/ballots", el.ballot("voter-004"))
        close = off.close(2)
        answers = [None] * (len(decs) + 1)
        go = threading.Barrier(len(decs) + 1)

        def post(i, path, body):
            go.wait()
            answers[i] = srv.post(path, body)

        threads = [threading.Thread(target=post, args=(0, "/v1/close", close))]
        threads += [threading.Thread(target=post, args=(i + 1, "/v1/entries", d)) for i, d in enumerate(decs)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        ci = json.loads(answers[0][2])["index"] if answers[0][0] == 200 else None
        got = [(a[0], code_of(a[2]) if a[0] != 200 else json.loads(a[2])["index"]) for a in answers[1:]]
        wins = [g[1] for g in got if g[0] == 200]
        losers = set(g[1] for g in got if g[0] != 200)
        log = srv.entries(0, srv.status()["size"])
        kinds = [json.loads(e)["type"] for e in log]
        ok = (ci is not None and len(wins) <= 1 and all(w > ci for w in wins) and
              losers <= {"poll_open", "duplicate_trustee"} and
              kinds[:3] == ["manifest", "ballot", "close"] and kinds.count("decryption") == len(wins))
        if not ok:
            print("# round %d: close %r, decryptions %r, log %r" % (rnd, ci, got, kinds), flush=True)
        t.ok(ok, "race %d: the close at %s, %d decryption(s) after it, the others %s"
             % (rnd, ci, len(wins), sorted(losers)))
        t.eq(srv.stop(), 0, "race %d: SIGTERM: exit 0" % rnd)
    finally:
        if srv.proc.poll() is None:
            srv.kill9()
        el.cleanup()

t.done()
