#!/usr/bin/env python3
# The observer's side over real HTTP: ippyo-chaind on loopback, ballots and a
# re-vote posted, the poll closed, then `ippyo-tally verify URL` mirrors the
# chain (common/net) and verifies it, incrementally on a second run, and
# `aggregate` counts the last ballot of each voter. Then the tally on a live
# chain: `append` (the ceremony entry), `combine --url` (the decryption and
# result entries), `result URL` and `verify URL` on the whole record.
import json
import os
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "chain"))
from chainharness import BUILD, Election, Server, Tap, pki_dir  # noqa: E402

TALLY = os.path.join(BUILD, "tally", "ippyo-tally")

t = Tap()
pki = pki_dir()
el = Election(pki)
srv = Server(el)
work = tempfile.mkdtemp(prefix="ippyo-observer-")
mirror = os.path.join(work, "mirror")
state = os.path.join(work, "state.json")
side = ["--roll", el.path("roll.txt"), "--ca", os.path.join(pki, "ca", "auth-ca.crt"),
        "--crl", os.path.join(pki, "ca", "auth.crl")]


def tally(*args):
    return subprocess.run([TALLY] + list(args), capture_output=True, text=True)


def verify(*extra):
    r = tally("verify", "http://127.0.0.1:%d/" % srv.port, "--mirror", mirror, "--state", state,
              "--json", "--quiet", *(side + list(extra)))
    try:
        rep = json.loads(r.stdout)
    except ValueError:
        rep = None
        print("# " + r.stderr.replace("\n", "\n# "))
    return r.returncode, rep


try:
    for v in ["voter-001", "voter-002", "voter-003"]:
        s, _, b = srv.post("/v1/ballots", el.ballot(v, choice=0))
        t.eq(s, 200, "ballot of %s accepted" % v)
    rc, rep = verify()
    t.eq(rc, 0, "verify URL: the mirrored chain verifies")
    t.ok(rep is not None and rep["ok"] and rep["ballots_checked"] == 3 and rep["first_checked"] == 0,
         "three ballots checked from entry 0")
    first_size = rep["size"] if rep else 0

    s, _, b = srv.post("/v1/ballots", el.ballot("voter-002", choice=1))
    t.eq(s, 200, "a re-vote is accepted")
    s, _, b = srv.post("/v1/ballots", el.ballot("voter-004", choice=2))
    t.eq(s, 200, "another voter")
    s, _, b = srv.post("/v1/close", el.close_entry(log_size=first_size + 2))
    t.eq(s, 200, "the poll is closed")

    rc, rep = verify()
    t.eq(rc, 0, "second run verifies")
    t.ok(rep is not None and rep["first_checked"] == first_size and rep["ballots_checked"] == 2,
         "the second run checks only the new entries")
    t.ok(rep is not None and rep["closed"] and rep["counted"] == 4,
         "closed; four voters counted (the re-vote supersedes)")

    r = tally("aggregate", mirror, "--quiet", *side)
    agg = json.loads(r.stdout) if r.returncode == 0 else None
    t.ok(agg is not None and agg["counted"] == 4 and len(agg["totals"][0]) == 3,
         "aggregate of the mirror: four counted ballots, one total per option")

    # The mirror altered on disk: the last entry (the close entry) loses a byte's value.
    pdir = os.path.join(mirror, "tile", "entries", "000.p")
    bundle = os.path.join(pdir, os.listdir(pdir)[0])
    with open(bundle, "rb") as f:
        data = bytearray(f.read())
    data[-3] ^= 0x01
    with open(bundle, "wb") as f:
        f.write(data)
    r = tally("verify", mirror, "--json", "--quiet", *side)
    rep = json.loads(r.stdout) if r.stdout else None
    last = rep["size"] - 1 if rep else -1
    t.ok(r.returncode == 3 and rep is not None and
         any(x["rule"] == "tree.leaf" and x["entry"] == last for x in rep["failures"]),
         "an entry altered in the mirror is named (tree.leaf), exit 3")
finally:
    srv.stop()
    el.cleanup()
    shutil.rmtree(work, ignore_errors=True)


# ---- the tally on a live chain: an election made with ippyo-tally (2-of-3), its
# ceremony entry appended before voting, ballots, the close, then `combine --url`
# appends the decryption and result entries and `result URL` shows them verified.
class Dir:
    def __init__(self, d):
        self.dir = d

    def path(self, *parts):
        return os.path.join(self.dir, *parts)


TOML = """[election]
id = "2027-live-tally"
title_ja = "テスト"
title_en = "Test"
[poll]
opens = "%(opens)s"
closes = "%(closes)s"
[trustees]
n = 3
t = 2
[chain]
origin = "vote.example.jp/2027-live-tally"
url = "http://127.0.0.1/"
vkey_file = "chain.vkey"
[officials]
public_key_file = "officials/officials.pub"
[jpki]
ca_files = ["pki/ca/auth-ca.crt"]
[roll]
certificate_files = [%(roll)s]
[[contest]]
id = "mayor"
title_ja = "市長"
title_en = "Mayor"
min = 1
max = 1
[[contest.option]]
id = "a"
title_ja = "a"
title_en = "A"
[[contest.option]]
id = "b"
title_ja = "b"
title_en = "B"
[[contest.option]]
id = "c"
title_ja = "c"
title_en = "C"
"""


def must(args, what):
    r = tally(*args)
    if r.returncode != 0:
        print("# %s: exit %d: %s" % (what, r.returncode, r.stderr.replace("\n", "\n# ")), flush=True)
    return r


def post_ballot(srv2, tt, voter, choice):
    out = os.path.join(tt, "ballot-%s-%d" % (voter, choice))
    subprocess.run([TOOL, "ballot", "--dir", tt, "--card", os.path.join(pki, "cards", voter),
                    "--choice", str(choice), "--out", out], check=True, capture_output=True,
                   env=TOOL_ENV)
    with open(out, "rb") as f:
        s, _, b = srv2.post("/v1/ballots", f.read())
    return s


live = Dir(tempfile.mkdtemp(prefix="ippyo-live-tally-"))
srv2 = None
try:
    import base64
    import time
    from chainharness import TOOL, TOOL_ENV, Server as ChainServer  # noqa: E402
    d = live.path
    os.symlink(pki, d("pki"))
    voters = ["voter-001", "voter-002", "voter-003", "voter-004"]
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    with open(d("election.toml"), "w") as f:
        f.write(TOML % {"opens": time.strftime(fmt, time.gmtime(time.time() - 3600)),
                        "closes": time.strftime(fmt, time.gmtime(time.time() + 86400)),
                        "roll": ", ".join('"pki/cards/%s/auth.crt"' % v for v in voters)})
    for args in (["keygen", "--officials", d("officials"), "-q"],
                 ["keygen", "--chain", "vote.example.jp/2027-live-tally", live.dir, "-q"],
                 ["init", d("election.toml"), "--out", d("election"), "-q"],
                 ["ceremony", "--all-local", "--draft", d("election", "manifest-draft.json"),
                  "--out", d("ceremony"), "-q"],
                 ["seal", "--draft", d("election", "manifest-draft.json"), "--ceremony", d("ceremony"),
                  "--officials-key", d("officials", "officials.key"), "--out", d("entry0.json"),
                  "--ceremony-out", d("ceremony-entry.json"), "-q"]):
        if must(args, args[0]).returncode != 0:
            raise RuntimeError(args[0])
    shutil.copy(d("election", "roll.txt"), d("roll.txt"))
    with open(d("chaind.conf"), "w") as f:
        f.write("[election]\nmanifest = entry0.json\nsigning-key = chain.key\n"
                "[jpki]\nca = pki/ca/auth-ca.crt\ncrl = pki/ca/auth.crl\nroll = roll.txt\n"
                "[server]\naddress = 127.0.0.1\nport = 0\ndatabase = chain.sqlite\n"
                "port-file = port.txt\n[batch]\nmax-entries = 64\nmax-ms = 5\n")
    # chain-testtool signs ballots for this manifest from its own kind of folder.
    tt = d("tt")
    os.makedirs(tt)
    shutil.copy(d("entry0.json"), tt)
    shutil.copy(d("chain.vkey"), tt)
    with open(d("officials", "officials.key")) as f:
        seed = base64.urlsafe_b64decode(f.read().strip() + "=")
    with open(os.path.join(tt, "officials.key"), "w") as f:
        f.write(seed.hex())
    srv2 = ChainServer(live)
    url = "http://127.0.0.1:%d/" % srv2.port
    lside = ["--roll", d("roll.txt"), "--ca", d("pki", "ca", "auth-ca.crt"),
             "--crl", d("pki", "ca", "auth.crl")]

    r = must(["append", url, d("ceremony-entry.json"), "--manifest", d("entry0.json"),
              "--receipts", d("receipts"), "--json", "-q"], "append")
    rep = json.loads(r.stdout) if r.returncode == 0 else None
    t.ok(rep is not None and rep[0]["index"] == 1 and not rep[0]["duplicate"] and
         os.path.exists(d("receipts", "ceremony-entry.json.receipt")),
         "append: the ceremony entry is entry 1, its receipt verified and saved")
    r = must(["append", url, d("ceremony-entry.json"), "--manifest", d("entry0.json"), "--json", "-q"],
             "append again")
    rep = json.loads(r.stdout) if r.returncode == 0 else None
    t.ok(rep is not None and rep[0]["index"] == 1 and rep[0]["duplicate"],
         "append again: the same entry, the same index (duplicate)")
    with open(d("ceremony-entry.json"), "rb") as f:
        bad = bytearray(f.read())
    bad[bad.find(b'"signature":"') + 14] ^= 0x01
    with open(d("bad-entry.json"), "wb") as f:
        f.write(bad)
    r = tally("append", url, d("bad-entry.json"), "--manifest", d("entry0.json"), "-q")
    t.ok(r.returncode in (2, 3) and srv2.status()["size"] == 2,
         "append of a badly signed entry: refused before sending (exit %d), nothing appended" % r.returncode)

    choices = [("voter-001", 0), ("voter-002", 1), ("voter-003", 1), ("voter-004", 1), ("voter-002", 2)]
    t.ok(all(post_ballot(srv2, tt, v, c) == 200 for v, c in choices), "five ballots (one re-vote) accepted")
    r = tally("append", url, d("ceremony-entry.json"), d("ceremony-entry.json"), "--manifest",
              d("entry0.json"), "-q")
    t.ok(r.returncode == 0, "append after the ballots: an entry already in the chain still gets its receipt")
    must(["close", url, "--manifest", d("entry0.json"), "--officials-key", d("officials", "officials.key"),
          "-q"], "close")
    t.eq(srv2.status()["state"], "closed", "the poll is closed")
    must(["close", "--manifest", d("entry0.json"), "--officials-key", d("officials", "officials.key"),
          "--log-size", "3", "--out", d("close-2.json"), "-q"], "close --out")
    size = srv2.status()["size"]
    r = tally("append", url, d("close-2.json"), "--manifest", d("entry0.json"), "-q")
    t.ok(r.returncode == 4 and "poll_closed" in r.stderr and srv2.status()["size"] == size,
         "append of a second close entry: the chain refuses (poll_closed), exit 4, nothing appended")

    r = must(["aggregate", url, "--mirror", d("mirror"), "-o", d("aggregate.json"), "-q"] + lside,
             "aggregate")
    parts = []
    for j in (1, 3):
        p = d("partial-%d.json" % j)
        must(["decrypt", "--key", d("ceremony", "trustee-%d.key.json" % j), "--aggregate",
              d("aggregate.json"), "--manifest", d("entry0.json"), "-o", p, "-q"], "decrypt")
        parts.append(p)
    before = srv2.status()["size"]
    r = must(["combine", "--manifest", d("entry0.json"), "--aggregate", d("aggregate.json"),
              "--officials-key", d("officials", "officials.key"), "--out-dir", d("result"),
              "--url", url, "--json", "-q"] + parts, "combine --url")
    rep = json.loads(r.stdout) if r.returncode == 0 else None
    t.ok(rep is not None and rep["totals"] == [[1, 2, 1]] and rep["counted"] == 4,
         "combine --url: the totals of the ballots cast (trustee 2 absent)")
    idx = [a["index"] for a in rep["appended"]] if rep else []
    t.ok(idx == [before, before + 1, before + 2] and srv2.status()["size"] == before + 3 and
         all(os.path.exists(d("result", n)) for n in ("decryption-1.receipt", "decryption-3.receipt",
                                                      "result.receipt", "result.json")),
         "combine --url: two decryption entries and the result appended in order, receipts saved")
    r = must(["combine", "--manifest", d("entry0.json"), "--aggregate", d("aggregate.json"),
              "--officials-key", d("officials", "officials.key"), "--out-dir", d("result2"),
              "--url", url, "--json", "-q"] + parts, "combine --url again")
    rep = json.loads(r.stdout) if r.returncode == 0 else None
    t.ok(rep is not None and [a["index"] for a in rep["appended"]] == idx and
         all(a["duplicate"] for a in rep["appended"]) and srv2.status()["size"] == before + 3,
         "combine --url again: the same entries, the same receipts, nothing appended")
    r = tally("combine", "--manifest", d("entry0.json"), "--aggregate", d("aggregate.json"),
              "--url", url, "-q", *parts)
    t.eq(r.returncode, 1, "combine --url without --officials-key: usage error")

    r = must(["result", url, "--mirror", d("mirror"), "--json", "-q"] + lside, "result --json")
    res = json.loads(r.stdout) if r.returncode == 0 else None
    t.ok(res is not None and res["counted"] == 4 and
         [[o["votes"] for o in c["options"]] for c in res["contests"]] == [[1, 2, 1]],
         "result URL: the verified result entry of the live chain")
    r = must(["result", url, "--mirror", d("mirror"), "--lang", "en", "--html", d("report.html"), "-q"]
             + lside, "result --html")
    html = open(d("report.html"), encoding="utf-8").read() if r.returncode == 0 else ""
    t.ok("<html" in html.lower() and "Mayor" in html, "result URL --html: the report is written")
    r = must(["verify", url, "--mirror", d("mirror"), "--json", "-q"] + lside, "verify")
    rep = json.loads(r.stdout) if r.returncode == 0 else None
    t.ok(rep is not None and rep["ok"] and rep["result_verified"] and not rep["failures"],
         "verify URL: the whole record, the result verified")
    t.eq(srv2.stop(), 0, "the chain stops cleanly")
finally:
    if srv2 is not None and srv2.proc.poll() is None:
        srv2.kill9()
    shutil.rmtree(live.dir, ignore_errors=True)
t.done()
