#!/usr/bin/env python3
# Malicious clients against a live ippyo-chaind on loopback (issue 8): empty,
# oversized and 100 MB bodies, truncated and slow bodies, 2,000 idle
# connections, hostile JSON, a ballot of another voter, an accepted ballot
# replayed under another certificate. After each attack:
# nothing was appended, the server still takes a legitimate ballot within
# the time limit, its memory stays bounded; at the end the log verifies.
import base64
import json
import os
import resource
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chain"))
from chainharness import Election, Server, Tap, pki_dir, parse_checkpoint, leaf_hash, mth

# A legitimate ballot is answered within this many seconds after an attack
# (issue 8 says 1 s; sanitizer builds on a loaded CI machine get more).
LIMIT = float(os.environ.get("IPPYO_ATTACK_LIMIT_S", "1.0"))
# Under ASan, freed memory sits in its quarantine (256 MB): RSS says nothing.
ASAN = len(sys.argv) > 1 and "address" in sys.argv[1]
if ASAN:
    LIMIT *= 5
MAX_BODY = 262144
RSS_GROWTH_MAX = 64 * 1024 * 1024

t = Tap()
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
pki = pki_dir()
el = Election(pki)
el.set_config("[server]\n", "[server]\nrequest-timeout = 2\n")
legit = el.ballots(["voter-001", "voter-002", "voter-003"], 20)
srv = Server(el)


def code_of(body):
    try:
        return json.loads(body)["code"]
    except Exception:
        return None


def rss():
    with open("/proc/%d/status" % srv.proc.pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def raw(data, read=True, timeout=10):
    """Sends raw bytes on a new connection; returns what comes back (or b"")."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
    try:
        s.sendall(data)
        if not read:
            return b""
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def post_headers(length):
    return ("POST /v1/ballots HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\n\r\n" % length).encode()


rss0 = None


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def resign(entry, cardname):
    """The entry's ballot, signed by another card (canonical JSON: sorted keys, no spaces)."""
    d = os.path.join(pki, "cards", cardname)
    ballot = json.dumps(entry["ballot"], sort_keys=True, separators=(",", ":"),
                        ensure_ascii=False).encode()
    der = subprocess.run(["openssl", "x509", "-in", os.path.join(d, "auth.crt"), "-outform", "DER"],
                         check=True, capture_output=True).stdout
    sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", os.path.join(d, "auth.key")],
                         input=ballot, check=True, capture_output=True).stdout
    out = dict(entry, certificate=b64url(der), signature=b64url(sig))
    return json.dumps(out, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def todo(cond, name, why):
    """A known failure, reported as TAP TODO: it turns into a failure once fixed."""
    t.n += 1
    print("%s %d - %s # TODO %s" % ("ok" if cond else "not ok", t.n, name, why), flush=True)


def after(name, size_before, rss_known=None):
    """The checks after each attack."""
    global rss0
    st = srv.status()
    t.eq(st["size"], size_before, "%s: nothing appended" % name)
    b = legit.pop(0)
    t0 = time.monotonic()
    s, _, body = srv.post("/v1/ballots", b)
    dt = time.monotonic() - t0
    if not t.ok(s == 200 and dt <= LIMIT, "%s: a legitimate ballot is taken in %.2f s (limit %.1f s)"
                % (name, dt, LIMIT)):
        print("# %d %s" % (s, body[:200]))
    grown = rss() - rss0
    if ASAN:
        t.n += 1
        print("ok %d - %s: memory # SKIP ASan's quarantine holds freed memory" % (t.n, name), flush=True)
    elif rss_known is None:
        t.ok(grown < RSS_GROWTH_MAX, "%s: memory grew by %d KiB" % (name, grown // 1024))
    else:
        todo(grown < RSS_GROWTH_MAX, "%s: memory grew by %d KiB" % (name, grown // 1024), rss_known)
        rss0 = rss()    # the later attacks are measured from here
    return srv.status()["size"]


try:
    # Warm up: the first ballot loads what the server loads lazily.
    first = legit.pop(0)
    s, _, _ = srv.post("/v1/ballots", first)
    t.eq(s, 200, "a legitimate ballot before any attack")
    rss0 = rss()
    size = srv.status()["size"]

    # ---- body sizes ----
    s, _, body = srv.post("/v1/ballots", b"")
    t.ok(s in (400, 411) and code_of(body) is not None, "empty body: %d %s" % (s, code_of(body)))
    size = after("empty body", size)
    s, _, body = srv.post("/v1/ballots", b"{" + b" " * (MAX_BODY - 1))
    t.ok(s == 413 and code_of(body) == "too_large", "a body one byte over the limit: 413 too_large")
    size = after("one byte over", size)
    # 100 MB announced and streamed: the server answers early and stops reading.
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    sock.sendall(post_headers(100 * 1024 * 1024))
    sent = 0
    chunk = b"[" * 65536
    try:
        while sent < 100 * 1024 * 1024:
            sock.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    try:
        answer = sock.recv(4096)
    except (ConnectionResetError, socket.timeout):
        answer = b""
    sock.close()
    t.ok(sent < 100 * 1024 * 1024 or answer.startswith(b"HTTP/1.1 413"),
         "a 100 MB body is cut off (%d MiB sent, answer %r)" % (sent >> 20, answer[:12]))
    size = after("100 MB body", size)
    # Twenty of them at once, each streaming until it is cut off.
    def stream_big(out, i):
        sk = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        n = 0
        try:
            sk.sendall(post_headers(100 * 1024 * 1024))
            while n < 100 * 1024 * 1024:
                sk.sendall(chunk)
                n += len(chunk)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        sk.close()
        out[i] = n
    sent_each = [None] * 20
    streams = [threading.Thread(target=stream_big, args=(sent_each, i)) for i in range(20)]
    for th in streams:
        th.start()
    for th in streams:
        th.join()
    t.ok(all(n is not None and n < 100 * 1024 * 1024 for n in sent_each),
         "20 concurrent 100 MB bodies are cut off (at most %d MiB sent on one)"
         % (max(n or 0 for n in sent_each) >> 20))
    size = after("20 concurrent 100 MB bodies", size)

    # ---- truncated and slow bodies ----
    raw(post_headers(5000) + b'{"type":"ballot"', read=False)
    size = after("truncated body", size)
    slow = []
    for _ in range(50):
        c = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
        c.sendall(b"POST /v1/ballots HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(c)
    for c in slow:
        try:
            c.sendall(b"X-Slow: 1\r\n")
        except OSError:
            pass
    size = after("50 slowloris connections", size)
    time.sleep(3)       # past request-timeout: the server dropped them
    dropped = 0
    for c in slow:
        try:
            c.settimeout(2)
            data = c.recv(1024)
            # Closed, or told off (408/400) and then closed.
            if data == b"" or data.startswith(b"HTTP/1.1 4"):
                dropped += 1
        except socket.timeout:
            pass            # still open: not dropped
        except OSError:
            dropped += 1    # reset
        c.close()
    t.eq(dropped, 50, "slow connections are closed after request-timeout")

    # ---- 2,000 idle connections ----
    idle = []
    try:
        for _ in range(2000):
            idle.append(socket.create_connection(("127.0.0.1", srv.port), timeout=10))
        t.eq(len(idle), 2000, "2,000 idle connections opened")
        size = after("2,000 idle connections", size)
    finally:
        for c in idle:
            c.close()

    # ---- hostile JSON ----
    hostile = [
        ("deeply nested JSON", b'{"type":' + b"[" * 20000 + b"]" * 20000 + b"}"),
        ("a huge number", b'{"type":"ballot","version":1' + b"0" * 20000 + b"}"),
        ("invalid UTF-8", b'{"type":"\xff\xfe","version":1}'),
        ("duplicate keys", b'{"type":"ballot","type":"close","version":1}'),
        ("a float", b'{"type":"ballot","version":1.0}'),
        ("not JSON", b"\x00\x01\x02"),
    ]
    for name, body in hostile:
        s, _, answer = srv.post("/v1/ballots", body)
        t.ok(400 <= s < 500 and code_of(answer) is not None, "%s: %d %s" % (name, s, code_of(answer)))
        size = after(name, size)

    # ---- another voter's ballot, another election's ----
    b = el.ballot("voter-004", voter="voter-005")
    s, _, answer = srv.post("/v1/ballots", b)
    t.ok(s == 422 and code_of(answer) == "wrong_voter",
         "a ballot made for another certificate: %d %s" % (s, code_of(answer)))
    size = after("another voter's ballot", size)
    # An accepted ballot replayed under another certificate: the same ballot
    # bytes, signed properly by voter-006's card. Its proofs name voter-001.
    accepted = json.loads(first)
    replay = resign(accepted, "voter-006")
    s, _, answer = srv.post("/v1/ballots", replay)
    t.ok(s == 422 and code_of(answer) == "wrong_voter",
         "an accepted ballot re-signed by another card: %d %s" % (s, code_of(answer)))
    size = after("a replayed ballot", size)
    b = el.ballot("voter-004", mutate="election-id=another-election")
    s, _, answer = srv.post("/v1/ballots", b)
    t.ok(s == 422 and code_of(answer) == "wrong_election",
         "a ballot of another election: %d %s" % (s, code_of(answer)))
    size = after("another election's ballot", size)

    # ---- the log verifies ----
    _, n, root = parse_checkpoint(srv.checkpoint())
    entries = srv.entries(0, n)
    t.ok(n == size and mth([leaf_hash(e) for e in entries]) == root,
         "the log verifies: %d entries hash to the checkpoint's root" % n)
    t.eq(srv.stop(), 0, "the server stops cleanly after all that")
finally:
    if srv.proc.poll() is None:
        srv.kill9()
    el.cleanup()
t.done()
