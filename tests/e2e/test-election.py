#!/usr/bin/env python3
# An election end to end under the conditions of a real one, run inside
# with-card-services (voter-001 and voter-002 in the two readers, others
# swapped in): ippyo-chaind killed and restarted in the middle of voting (no
# receipt lost, voters continue), an observer that follows the election and
# one that starts late, both incremental; a trustee absent at decryption; the
# chain re-served from a plain static file server over a mirror folder and
# verified from there; a tampered mirror caught.
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2eharness as h  # noqa: E402

t = h.Tap()
pki = os.environ["IPPYO_TEST_PKI"]
services = os.environ["IPPYO_CARD_SERVICES"]
services_dir = os.environ["IPPYO_CARD_SERVICES_DIR"]
roll = ["voter-001", "voter-002", "voter-003", "voter-004"]
el = h.Election(pki, roll)
final = {}
static = None


def insert(*cards):
    """Swaps the cards: the emulators (and pcscd) restarted with other card folders."""
    r = h.run([services, "stop", services_dir])
    assert r.returncode == 0, r.stderr
    r = h.run([services, "start", services_dir] + list(cards))
    assert r.returncode == 0, r.stderr


def verify(mirror, state=None, source=None, *extra):
    args = [h.TALLY, "verify", source or el.url, "--mirror", mirror, "--json", "--quiet"]
    if state:
        args += ["--state", state]
    r = h.run(args + el.side() + list(extra))
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        rep = None
    return r.returncode, rep, r


def cast(voter, reader, choices, name):
    rc, doc, r = voter.vote(reader, choices)
    ok = t.ok(rc == 0 and doc and doc["result"] == "recorded", name,
              "exit %d\n%s%s" % (rc, r.stdout, r.stderr))
    if ok:
        final[voter.card] = choices
    return doc


try:
    el.start_witness()
    el.start_chain()
    v1, v2 = h.Voter(el, "voter-001"), h.Voter(el, "voter-002")

    # Observer A follows the election from the start.
    a_mirror, a_state = el.path("obs-a", "mirror"), el.path("obs-a", "state.json")
    rc, rep, r = verify(a_mirror, a_state)
    t.ok(rc == 0 and rep["size"] == 1 and rep["ballots_checked"] == 0,
         "observer A: the chain before any ballot (the manifest) verifies", r.stderr)

    cast(v1, h.R0, ["mayor=tanaka", "council=ito", "council=watanabe"], "voter-001 votes")
    d2 = cast(v2, h.R1, ["mayor=sato"], "voter-002 votes")
    size = el.status()["size"]

    # The chain server dies without warning in the middle of voting.
    el.kill_chain()
    el.start_chain()
    t.eq(el.status()["size"], size, "restarted after SIGKILL: the same size")
    for v in (v1, v2):
        rc, doc, r = v.check(v.receipts[0])
        t.ok(rc == 0 and doc and doc["result"] == "included",
             "%s's receipt from before the crash: still included" % v.card, r.stdout + r.stderr)
    d2b = cast(v2, h.R1, ["mayor=suzuki", "council=kobayashi"], "voter-002 re-votes after the restart")
    t.ok(d2b is not None and d2b["revote"] is True and d2 is not None and d2b["index"] > d2["index"],
         "the re-vote is a new entry after the first")

    rc, rep, r = verify(a_mirror, a_state)
    t.ok(rc == 0 and rep["first_checked"] == 1 and rep["ballots_checked"] == 3,
         "observer A: a second run checks only the three new ballots", r.stderr)

    # Observer B starts late, then follows.
    b_mirror, b_state = el.path("obs-b", "mirror"), el.path("obs-b", "state.json")
    rc, rep, r = verify(b_mirror, b_state)
    b_size = rep["size"] if rep else 0
    t.ok(rc == 0 and rep["first_checked"] == 0 and rep["ballots_checked"] == 3 and rep["counted"] == 2,
         "observer B starts late: the whole chain so far, two voters counted", r.stderr)

    insert("voter-003", "voter-004")
    v3, v4 = h.Voter(el, "voter-003"), h.Voter(el, "voter-004")
    cast(v3, h.R0, ["mayor=tanaka", "council=nakamura"], "voter-003 votes")
    cast(v4, h.R1, ["mayor=tanaka", "council=ito", "council=yamamoto"], "voter-004 votes")

    rc, rep, r = verify(b_mirror, b_state)
    t.ok(rc == 0 and rep["first_checked"] == b_size and rep["ballots_checked"] == 2,
         "observer B catches up incrementally: only the two new ballots", r.stderr)

    # Close; both observers agree.
    r = h.run([h.TALLY, "close", el.url, "--manifest", el.path("entry0.json"), "--officials-key",
               el.path("officials", "officials.key"), "--json", "-q"])
    t.eq(r.returncode, 0, "the officials close the poll")
    for name, (m, s), new in (("A", (a_mirror, a_state), 2), ("B", (b_mirror, b_state), 0)):
        rc, rep, r = verify(m, s)
        t.ok(rc == 0 and rep["closed"] and rep["counted"] == 4 and rep["ballots_checked"] == new,
             "observer %s: the %d new ballot(s) and the close entry, four voters counted" % (name, new),
             r.stderr)

    # A ballot after the close: refused, and the chain does not grow.
    size = el.status()["size"]
    rc, doc, r = h.Voter(el, "voter-003").vote(h.R0, ["mayor=sato"], target=el.url)
    t.ok(rc == 8, "a ballot after the close is refused (exit 8)", "exit %d %s" % (rc, r.stderr))
    t.eq(el.status()["size"], size, "nothing appended after the close")

    # The tally: trustee 1 is absent; 2 and 3 decrypt.
    agg = el.path("aggregate.json")
    h.tally("aggregate", a_mirror, "-o", agg, "-q", *el.side())
    parts = []
    for j in (2, 3):
        p = el.path("partial-%d.json" % j)
        h.tally("decrypt", "--key", el.path("ceremony", "trustee-%d.key.json" % j), "--aggregate", agg,
                "--manifest", el.path("entry0.json"), "-o", p, "-q")
        parts.append(p)
    r = h.run([h.TALLY, "combine", "--manifest", el.path("entry0.json"), "--aggregate", agg,
               "--json", "-q", parts[0]])
    t.ok(r.returncode == 3, "one partial decryption is below the threshold (exit 3)", r.stderr)
    res = json.loads(h.tally("combine", "--manifest", el.path("entry0.json"), "--aggregate", agg,
                             "--officials-key", el.path("officials", "officials.key"),
                             "--out-dir", el.path("result"), "--json", "-q", *parts))
    want = h.expected_totals(final)
    t.eq(res["totals"], want, "trustees 2 and 3 (1 absent): the totals are the ballots that count")
    t.eq(res["counted"], 4, "four voters counted (voter-002's first ballot superseded)")

    # The mirror folder on a plain static file server: verified from there.
    served = el.path("static")
    shutil.copytree(a_mirror, served, ignore=shutil.ignore_patterns("election"))
    # Besides the C2SP checkpoint, tiles and bundles, verify URL reads the
    # manifest entry at /v1/manifest (docs/chain.md, "Read API"): a static file too.
    os.makedirs(os.path.join(served, "v1"))
    shutil.copy(el.path("entry0.json"), os.path.join(served, "v1", "manifest"))
    sport = h.free_port()
    static = subprocess.Popen([sys.executable, "-m", "http.server", str(sport), "--bind",
                               "127.0.0.1", "--directory", served],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    surl = "http://127.0.0.1:%d/" % sport
    for _ in range(200):
        try:
            h.urllib.request.urlopen(surl + "checkpoint", timeout=5).read()
            break
        except OSError:
            if static.poll() is not None:
                break
            h.time.sleep(0.05)
    el.stop()  # the chain server is gone: only the static copy answers
    rc, rep, r = verify(el.path("obs-c", "mirror"), None, surl)
    t.ok(rc == 0 and rep["closed"] and rep["counted"] == 4 and rep["first_checked"] == 0,
         "a static file server over the mirror folder: the whole record verifies from it", r.stderr)
    r = h.run([h.TALLY, "aggregate", surl, "--mirror", el.path("obs-d", "mirror"), "-q"] + el.side())
    t.ok(r.returncode == 0 and json.loads(r.stdout)["totals"] == json.load(open(agg))["totals"],
         "the aggregate from the static copy equals the observer's", r.stderr)

    # A tampered mirror: one byte of voter-003's ballot entry in the served bundle.
    with open(os.path.join(served, "checkpoint")) as f:
        final_size = int(f.read().split("\n")[1])
    bundle = os.path.join(served, "tile", "entries", "000.p", str(final_size))
    with open(bundle, "rb") as f:
        data = bytearray(f.read())
    pos = data.find(b'"ballot"', len(data) // 2)
    data[pos + 20] ^= 0x01
    with open(bundle, "wb") as f:
        f.write(data)
    rc, rep, r = verify(el.path("obs-e", "mirror"), None, surl)
    t.ok(rc not in (0, None) and ("bundle" in r.stderr or "hash" in r.stderr or
                                  (rep and rep["failures"])),
         "the tampered copy served over HTTP is refused while mirroring (exit %d)" % rc, r.stderr)
    local = el.path("tampered")
    shutil.copytree(a_mirror, local)
    lb = bundle.replace(served, local)
    with open(lb, "wb") as f:
        f.write(data)
    r = h.run([h.TALLY, "verify", local, "--json", "--quiet"] + el.side())
    rep = json.loads(r.stdout) if r.stdout.strip() else None
    t.ok(r.returncode == 3 and rep and any(f["rule"] == "tree.leaf" for f in rep["failures"]),
         "the tampered mirror folder: exit 3, the altered entry named (tree.leaf)", r.stdout + r.stderr)
finally:
    if static is not None:
        static.terminate()
        static.wait()
    el.cleanup()
t.done()
