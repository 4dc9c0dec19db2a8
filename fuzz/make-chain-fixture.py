#!/usr/bin/env python3
# Makes fuzz/chain/ (a small election of the test PKI, as ippyo-chaind loads
# it) and the seeds of the chaind-request and chain-response harnesses from
# a real ippyo-chaind: the raw requests sent and the raw answers it gave.
# Run from a build dir (docs/fuzzing.md):
#   IPPYO_BUILD_DIR=$PWD python3 ../fuzz/make-chain-fixture.py ../fuzz
import os
import shutil
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "chain"))
from chainharness import Election, Server, pki_dir, read, write  # noqa: E402

out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else HERE)
fixture = os.path.join(out, "chain")
req_dir = os.path.join(out, "corpus", "chaind-request")
resp_dir = os.path.join(out, "corpus", "chain-response")
for d in (fixture, req_dir, resp_dir):
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)

pki = pki_dir()
el = Election(pki)
for name in ("entry0.json", "chain.key", "chain.vkey", "roll.txt"):
    shutil.copy(el.path(name), os.path.join(fixture, name))
shutil.copy(os.path.join(pki, "ca", "auth-ca.crt"), os.path.join(fixture, "auth-ca.crt"))
shutil.copy(os.path.join(pki, "ca", "auth.crl"), os.path.join(fixture, "auth.crl"))
with open(os.path.join(fixture, "chaind.conf"), "w") as f:
    f.write("# The fuzzers' election (fuzz/make-chain-fixture.py); never served.\n"
            "[election]\nmanifest = entry0.json\nsigning-key = chain.key\n\n"
            "[jpki]\nca = auth-ca.crt\ncrl = auth.crl\nroll = roll.txt\n\n"
            "[server]\ndatabase = unused.sqlite\n")
# The harness checks at this time: the certificates and the CRL are valid.
write(os.path.join(fixture, "now"), b"%d\n" % int(time.time()))

ballots = el.ballots(["voter-001", "voter-002"], 2)
write(os.path.join(fixture, "ballot.json"), ballots[0])
wrong_voter = el.ballot("voter-004", voter="voter-005")
bad_sig = el.ballot("voter-003", bad_signature=True)
other = el.ballot("voter-006", mutate="election-id=another-election")
srv = Server(el)


def raw(method, path, body=b""):
    """The request bytes and the server's whole answer (Connection: close)."""
    req = ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           "Content-Length: %d\r\nConnection: close\r\n\r\n" % (method, path, len(body))).encode() + body
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
    s.sendall(req)
    answer = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        answer += chunk
    s.close()
    return req, answer


try:
    # Mode bytes of fuzz-chain-response: 0 submit, 1 status, 2 inclusion proof.
    seeds = [
        ("ballot-accepted", "/v1/ballots", ballots[0], 0),
        ("ballot-duplicate", "/v1/ballots", ballots[0], 0),
        ("ballot-second", "/v1/ballots", ballots[1], None),
        ("ballot-wrong-voter", "/v1/ballots", wrong_voter, 0),
        ("ballot-bad-signature", "/v1/ballots", bad_sig, 0),
        ("ballot-other-election", "/v1/ballots", other, 0),
        ("ballot-not-json", "/v1/ballots", b"{\"type\":", 0),
    ]
    for name, path, body, mode in seeds:
        req, answer = raw("POST", path, body)
        write(os.path.join(req_dir, name), req)
        if mode is not None:
            write(os.path.join(resp_dir, name), bytes([mode]) + answer)
    _, answer = raw("GET", "/v1/status")
    write(os.path.join(resp_dir, "status"), b"\x01" + answer)
    cp = srv.checkpoint()
    write(os.path.join(fixture, "checkpoint"), cp)
    size = int(cp.decode().split("\n")[1])
    _, answer = raw("GET", "/v1/proof/inclusion?size=%d&index=1" % size)
    write(os.path.join(resp_dir, "inclusion"), b"\x02" + answer)
    close = el.close_entry(log_size=srv.status()["size"])
    req, answer = raw("POST", "/v1/close", close)
    write(os.path.join(req_dir, "close"), req)
    req, answer = raw("POST", "/v1/ballots", ballots[1])
    write(os.path.join(resp_dir, "ballot-after-close"), b"\x00" + answer)
    req, answer = raw("POST", "/v1/ballots", b"{" + b" " * 262144)
    write(os.path.join(resp_dir, "too-large"), b"\x00" + answer)
    write(os.path.join(req_dir, "get-checkpoint"), raw("GET", "/checkpoint")[0])
    srv.stop()
finally:
    if srv.proc.poll() is None:
        srv.kill9()
    el.cleanup()
print("fixture in %s, seeds in %s and %s" % (fixture, req_dir, resp_dir))
