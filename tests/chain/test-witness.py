#!/usr/bin/env python3
# Witnesses: a checkpoint is published only once the quorum cosigned it
# (c2sp.org/tlog-witness add-checkpoint); receipts carry the cosignatures
# and verify offline against a tlog-policy; a witness that knows a larger
# size (409) is caught up; below the quorum nothing is published.
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chainharness import Election, Server, Tap, Witness, pki_dir, read, tool, write

t = Tap()
pki = pki_dir()
el = Election(pki, witnesses=["w1", "w2"])
ws = []
srv = None


def code_of(body):
    try:
        return json.loads(body)["code"]
    except Exception:
        return None


try:
    ws = [Witness(el, "w1"), Witness(el, "w2")]
    for name, w in zip(["w1", "w2"], ws):
        el.set_config("http://127.0.0.1:1/%s" % name, w.url)
    vk = lambda n: read(el.path(n)).decode().strip()
    policy = el.path("policy.txt")
    write(policy, ("log %s\nwitness w1 %s\nwitness w2 %s\ngroup both all w1 w2\nquorum both\n" %
                   (vk("chain.vkey"), vk("witness-w1.vkey"), vk("witness-w2.vkey"))).encode())

    srv = Server(el)
    note = srv.checkpoint().decode()
    t.ok("\u2014 w1 " in note and "\u2014 w2 " in note, "the first checkpoint carries both cosignatures")
    receipts = []
    for v in ["voter-001", "voter-002"]:
        b = el.ballot(v)
        s, h, body = srv.post("/v1/ballots", b)
        receipts.append((b, body))
        ok = s == 200
        if ok:
            write(el.path("w-entry"), b)
            write(el.path("w-resp"), body)
            vr = tool("verify-receipt", el.dir, el.path("w-entry"), el.path("w-resp"), policy, check=False)
            ok = vr.returncode == 0
            if not ok:
                print("# " + vr.stderr)
        t.ok(ok, "a receipt of %s verifies offline with the witness policy" % v)
    t.eq(srv.stop(), 0, "stopped")

    # a restarted server knows no witness state: the witnesses answer 409 and it catches up
    srv = Server(el)
    b = el.ballot("voter-003")
    s, h, body = srv.post("/v1/ballots", b)
    t.ok(s == 200 and json.loads(body)["index"] == 3, "after a restart the witnesses cosign again (409 handled)")

    # one witness gone, quorum 2: nothing is published, the client is told to retry
    ws[1].stop()
    size = srv.status()["size"]
    b = el.ballot("voter-004")
    s, h, body = srv.post("/v1/ballots", b)
    t.ok(s == 503 and code_of(body) == "witness_quorum" and h.get("retry-after") == "1",
         "below the quorum: 503 witness_quorum")
    t.eq(srv.status()["size"], size, "and the checkpoint is not published")
    t.eq(srv.stop(), 0, "stopped")

    # quorum 1: the stored entry is published with the next checkpoint, the retry gets its receipt
    el.set_config("quorum = 2", "quorum = 1")
    srv = Server(el)
    s, h, body = srv.post("/v1/ballots", b)
    t.ok(s == 200 and json.loads(body)["index"] == 4 and el.verify_receipt(b, body).returncode == 0,
         "with quorum 1 the retried ballot gets its receipt at the index it was stored at")
    t.eq(srv.stop(), 0, "stopped")
finally:
    if srv is not None and srv.proc.poll() is None:
        srv.proc.kill()
    for w in ws:
        w.stop()
    el.cleanup()
t.done()
