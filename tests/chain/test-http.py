#!/usr/bin/env python3
# ippyo-chaind over real HTTP on loopback: accepted ballots and offline
# receipts, every rejection class, identical resubmission, re-vote, close,
# the read API, restart checks, clean SIGTERM.
import base64
import json
import os
import socket
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chainharness import (Election, Server, Tap, pki_dir, parse_checkpoint, leaf_hash, mth,
                          split_bundle, tool)

t = Tap()
pki = pki_dir()
el = Election(pki)
srv = Server(el)


def code_of(body):
    try:
        return json.loads(body)["code"]
    except Exception:
        return None


try:
    # ---- the read API on a fresh log: entry 0 and its checkpoint ----
    st = srv.status()
    t.eq((st["size"], st["state"]), (1, "open"), "a new log holds entry 0 and is open")
    s, h, manifest = srv.get("/v1/manifest")
    t.ok(s == 200 and manifest == open(el.path("entry0.json"), "rb").read(), "GET /v1/manifest is entry 0")

    # ---- GET /v1/jpki: the CA certificates and CRLs the cards are checked against ----
    def pem_der(path):
        text = open(path).read()
        body = text.split("-----", 4)[2]
        return base64.b64decode("".join(body.split()), validate=True)

    s, h, body = srv.get("/v1/jpki")
    try:
        jp = json.loads(body)
    except ValueError:
        jp = None
    t.ok(s == 200 and h.get("content-type", "").startswith("application/json") and
         h.get("cache-control") == "public, max-age=300", "GET /v1/jpki: JSON, cached 5 minutes")
    t.ok(isinstance(jp, dict) and sorted(jp) == ["ca", "crl"] and
         [base64.b64decode(x, validate=True) for x in jp["ca"]] == [pem_der(os.path.join(pki, "ca", "auth-ca.crt"))] and
         [base64.b64decode(x, validate=True) for x in jp["crl"]] == [pem_der(os.path.join(pki, "ca", "auth.crl"))],
         "GET /v1/jpki: exactly the DER of the configured auth CA and its CRL")
    s, h, body = srv.post("/v1/jpki", b"{}")
    t.ok(s == 405 and code_of(body) == "method_not_allowed", "POST /v1/jpki: 405")
    with open(el.path("cp0"), "wb") as f:
        f.write(srv.checkpoint())
    r = tool("checkpoint", el.dir, el.path("cp0"), check=False)
    t.ok(r.returncode == 0 and r.stdout.startswith("1 "), "GET /checkpoint: size 1, signed by the chain key")

    # ---- accepted ballots from several voters; receipts verify offline ----
    accepted = []
    for i, v in enumerate(["voter-001", "voter-002", "voter-003", "voter-004"]):
        b = el.ballot(v, choice=i % 3)
        s, h, body = srv.post("/v1/ballots", b)
        ok = s == 200
        if ok:
            r = json.loads(body)
            vr = el.verify_receipt(b, body)
            ok = vr.returncode == 0
            if not ok:
                print("# " + vr.stderr)
            accepted.append((b, body, r["index"]))
        else:
            print("# %d %s" % (s, body))
        t.ok(ok, "ballot of %s accepted, its receipt verifies offline" % v)
    t.eq(sorted(a[2] for a in accepted), [1, 2, 3, 4], "indexes 1..4")

    # ---- identical resubmission: identical receipt ----
    b, body, idx = accepted[1]
    s, h, body2 = srv.post("/v1/ballots", b)
    t.ok(s == 200 and body2 == body, "an identical resubmission gets the identical receipt")
    t.eq(h.get("ippyo-duplicate"), "1", "and is marked as a duplicate")
    t.eq(srv.status()["size"], 5, "a resubmission appends nothing")

    # ---- a re-vote is recorded ----
    b = el.ballot("voter-001", choice=2)
    s, h, body = srv.post("/v1/ballots", b)
    t.ok(s == 200 and json.loads(body)["index"] == 5 and el.verify_receipt(b, body).returncode == 0,
         "a re-vote of voter-001 is accepted and recorded at index 5")

    # ---- the read API ----
    size = srv.status()["size"]
    entries = srv.entries(0, size)
    t.ok(entries[5] == b and entries[0] == manifest, "GET /v1/entries serves the entries")
    s, h, bundle = srv.get("/tile/entries/000.p/%d" % size)
    t.ok(s == 200 and split_bundle(bundle) == entries and "max-age=60" in h.get("cache-control", ""),
         "a partial entry bundle: the entries, short cache")
    s, h, tile = srv.get("/tile/0/000.p/%d" % size)
    t.ok(s == 200 and tile == b"".join(leaf_hash(e) for e in entries), "a partial level-0 tile: the leaf hashes")
    s, h, _ = srv.get("/tile/0/000")
    t.eq(s, 404, "a full tile that does not exist yet: 404")
    s, h, _ = srv.get("/tile/0/000.p/%d" % (size + 1))
    t.eq(s, 404, "a partial tile wider than the tree: 404")
    note = srv.checkpoint()
    origin, csize, root = parse_checkpoint(note)
    t.ok(csize == size and root == mth([leaf_hash(e) for e in entries]), "the checkpoint's root is the entries' root")
    s, h, pr = srv.get("/v1/proof/inclusion?index=3&size=%d" % size)
    t.ok(s == 200 and json.loads(pr)["index"] == 3 and len(json.loads(pr)["proof"]) == 3,
         "GET /v1/proof/inclusion")
    lh = leaf_hash(entries[3]).hex()
    s, h, pr2 = srv.get("/v1/proof/inclusion?leaf=%s&size=%d" % (lh, size))
    t.ok(s == 200 and json.loads(pr2) == json.loads(pr), "inclusion by leaf hash")
    s, h, pc = srv.get("/v1/proof/consistency?first=2&second=%d" % size)
    t.ok(s == 200 and len(json.loads(pc)["proof"]) > 0, "GET /v1/proof/consistency")
    for bad in ["/v1/proof/inclusion?index=9&size=%d" % size, "/v1/proof/consistency?first=0&second=3",
                "/v1/entries?start=3&end=99", "/v1/proof/inclusion?index=1&size=99"]:
        s, h, b2 = srv.get(bad)
        t.ok(s == 400 and code_of(b2) == "bad_range", "bad_range for %s" % bad)
    s, h, _ = srv.request("POST", "/checkpoint", b"x")
    t.eq(s, 405, "reads are GET only")

    # ---- every rejection class: its code, its status, nothing appended ----
    before = srv.status()["size"]
    cases = [
        ("too_large", 413, b"{" + b" " * 300000 + b"}"),
        ("bad_json", 400, b"{\"type\":"),
        ("bad_json", 400, b" " + accepted[0][0]),   # not canonical
        ("wrong_entry_type", 400, el.close_entry()),
        ("wrong_election", 422, el.ballot("voter-005", mutate="election-id=another-election")),
        ("cert_untrusted", 403, el.ballot("foreign")),
        ("cert_revoked", 403, el.ballot("revoked")),
        ("cert_expired", 403, el.ballot("expired")),
        ("not_on_roll", 403, el.ballot("voter-010")),
        ("bad_card_signature", 422, el.ballot("voter-005", bad_signature=True)),
        ("wrong_voter", 422, el.ballot("voter-005", voter="voter-006")),
        ("bad_proof", 422, el.ballot("voter-005", mutate="proof")),
    ]
    for code, status, body in cases:
        s, h, b2 = srv.post("/v1/ballots", body)
        t.ok(s == status and code_of(b2) == code and h.get("content-type", "").startswith("application/json"),
             "rejected with %s (%d): got %d %s" % (code, status, s, b2[:120].decode(errors="replace")))
    # a chunked body (no Content-Length) past the limit: 413 all the same
    c = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    big = b"{" + b" " * 300000 + b"}"
    c.sendall(b"POST /v1/ballots HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
              + b"%x\r\n" % len(big) + big + b"\r\n0\r\n\r\n")
    answer = b""
    while b"\r\n\r\n" not in answer:
        more = c.recv(4096)
        if not more:
            break
        answer += more
    c.close()
    t.ok(answer.startswith(b"HTTP/1.1 413") and b"connection: close" in answer.lower(),
         "a chunked body past the limit: 413, connection closed (%r)" % answer[:40])
    s, h, b2 = srv.post("/v1/close", el.close_entry(bad_signature=True))
    t.ok(s == 403 and code_of(b2) == "bad_official_signature", "a close entry not signed by the officials: 403")
    s, h, b2 = srv.post("/v1/close", el.close_entry(election_id="another-election"))
    t.ok(s == 422 and code_of(b2) == "wrong_election", "a close entry of another election: wrong_election")
    s, h, b2 = srv.post("/v1/close", accepted[0][0])
    t.ok(s == 400 and code_of(b2) == "wrong_entry_type", "a ballot posted as a close: wrong_entry_type")
    t.eq(srv.status()["size"], before, "no rejection appended anything")

    # ---- close: a position in the log ----
    close = el.close_entry(log_size=before)
    s, h, body = srv.post("/v1/close", close)
    t.ok(s == 200 and el.verify_receipt(close, body).returncode == 0, "the officials' close entry is appended")
    t.eq(srv.status()["state"], "closed", "the poll is closed")
    s, h, b2 = srv.post("/v1/ballots", el.ballot("voter-007"))
    t.ok(s == 409 and code_of(b2) == "poll_closed", "a ballot after the close entry: poll_closed")
    s, h, b2 = srv.post("/v1/close", el.close_entry(log_size=before + 1))
    t.ok(s == 409 and code_of(b2) == "poll_closed", "a second close: poll_closed")
    s, h, b2 = srv.post("/v1/ballots", accepted[0][0])
    t.ok(s == 200 and b2 == accepted[0][1], "a receipt already given can still be fetched by resubmitting")
    final = srv.status()["size"]

    t.eq(srv.stop(), 0, "SIGTERM: the server exits 0")

    # ---- restart: the state survives, the checks run ----
    srv = Server(el)
    st = srv.status()
    t.ok(st["size"] == final and st["state"] == "closed", "after a restart: same size, still closed")
    s, h, b2 = srv.post("/v1/ballots", el.ballot("voter-008"))
    t.eq(code_of(b2), "poll_closed", "after a restart ballots are still refused")
    t.eq(srv.stop(), 0, "the restarted server exits 0")

    # the last signed checkpoint is kept outside the database too
    cpf = el.path("chain.sqlite.checkpoint")
    t.ok(os.path.exists(cpf), "the last signed checkpoint is kept next to the database")
    os.rename(cpf, cpf + ".away")
    s2 = Server(el, expect_start=False)
    rc = s2.wait_exit()
    t.ok(rc not in (0, None) and "chain.sqlite.checkpoint is missing" in s2.logtext(),
         "refuses a database that lost its checkpoint file")
    os.rename(cpf + ".away", cpf)

    # a database of another election
    other = Election(pki)
    other.set_config("database = chain.sqlite", "database = %s" % el.path("chain.sqlite"))
    s2 = Server(other, expect_start=False)
    rc = s2.wait_exit()
    t.ok(rc not in (0, None) and "another election" in s2.logtext(), "refuses the database of another election")
    other.cleanup()

    # a stored entry changed behind the server's back
    db = sqlite3.connect(el.path("chain.sqlite"))
    db.execute("UPDATE entries SET data = CAST(? AS BLOB) WHERE idx = 2", (b"{}",))
    db.commit()
    db.close()
    s2 = Server(el, expect_start=False)
    rc = s2.wait_exit()
    t.ok(rc not in (0, None) and "does not match" in s2.logtext(), "refuses a stored tree that does not match")

    # ---- the poll has not opened yet ----
    early = Election(pki, poll_opens="2099-01-01T00:00:00Z")
    srv = Server(early)
    s, h, b2 = srv.post("/v1/ballots", early.ballot("voter-001"))
    t.ok(s == 409 and code_of(b2) == "poll_not_open", "a ballot before poll_opens: poll_not_open")
    t.eq(srv.stop(), 0, "stopped")
    early.cleanup()

    # ---- SIGTERM during a burst: every submission taken is answered ----
    import threading
    burst = Election(pki)
    bs = burst.ballots(["voter-%03d" % i for i in range(1, 10)], 24)
    srv = Server(burst)
    answers = []

    def post_one(b):
        try:
            answers.append(srv.post("/v1/ballots", b)[0])
        except (ConnectionRefusedError, ConnectionResetError):
            answers.append("refused")      # not yet accepted when the listener closed
        except Exception as e:
            answers.append(repr(e))

    ths = [threading.Thread(target=post_one, args=(b,)) for b in bs]
    for th in ths:
        th.start()
    time.sleep(0.05)
    rc = srv.stop()
    for th in ths:
        th.join()
    t.ok(rc == 0 and all(a in (200, 503, "refused") for a in answers),
         "SIGTERM under load: exit 0 (%s)" % sorted(set(map(str, answers))))
    srv = Server(burst)
    t.eq(srv.status()["size"] - 1, answers.count(200),
         "every ballot stored before the stop got its receipt, none was stored unanswered")
    t.eq(srv.stop(), 0, "stopped")
    burst.cleanup()
finally:
    if srv.proc.poll() is None:
        srv.proc.kill()
    el.cleanup()
t.done()
