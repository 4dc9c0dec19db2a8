#!/usr/bin/env python3
# ./run demo's election as a test: demo/election-demo --keep DIR must end with
# "The whole record verified" (it fails loudly itself when the decrypted
# totals differ from the ballots it cast), leave nothing running, and leave in
# DIR what its help promises; `ippyo-chaind --config DIR/chaind.conf` then
# serves the finished chain again: it verifies, and a voter's receipt is in it.
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2eharness as h  # noqa: E402

t = h.Tap()
keep = tempfile.mkdtemp(prefix="ippyo-e2e-demo-", dir=h.TMP)
chaind = None


def children_in(folder):
    """Processes whose command line names FOLDER (the demo's own)."""
    out = []
    for d in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(d, "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if folder in cmd and str(os.getpid()) not in d:
            out.append(cmd)
    return out


try:
    r = h.run([h.DEMO, "--keep", keep, "--quiet"], timeout=600)
    lines = r.stdout.strip().splitlines()
    t.ok(r.returncode == 0, "the demo election runs to its end (exit %d)" % r.returncode,
         r.stdout[-3000:] + r.stderr[-3000:])
    t.ok(any(l.startswith("The whole record verified") for l in lines[-4:]),
         "its last lines say the whole record verified", "\n".join(lines[-4:]))
    t.ok(any("final checkpoint" in l and "root" in l for l in lines[-4:]),
         "with the final checkpoint")
    t.eq(children_in(keep), [], "nothing it started is still running (chain, witness, pcscd, cards)")
    for name in ("chaind.conf", "chain.vkey", "chain.key", "chain.sqlite", "entry0.json",
                 "officials/officials.key", "result.json", "election.toml"):
        t.ok(os.path.exists(os.path.join(keep, name)), "--keep leaves " + name)
    receipts = sorted(glob.glob(os.path.join(keep, "voters", "*", "ippyo", "*", "receipt-*.json")))
    t.ok(len(receipts) >= 9, "--keep leaves the voters' receipts (%d)" % len(receipts))
    with open(os.path.join(keep, "result.json")) as f:
        res = json.load(f)
    t.ok(res.get("type") == "result", "result.json is the officials' signed result entry", res)

    # The kept chain served again, as the help says.
    if os.path.exists(os.path.join(keep, "chaind.port")):
        os.unlink(os.path.join(keep, "chaind.port"))
    log = open(os.path.join(keep, "chaind-again.log"), "ab")
    chaind = subprocess.Popen([h.CHAIND, "--config", os.path.join(keep, "chaind.conf")],
                              stdout=log, stderr=log)
    port = h.wait_line(os.path.join(keep, "chaind.port"), chaind)
    url = "http://127.0.0.1:%s/" % port
    st = h.get_json(url + "v1/status")
    t.ok(st["state"] == "closed", "ippyo-chaind --config DIR/chaind.conf serves the closed chain")
    obs = os.path.join(keep, "observer", "mirror", "election")
    r = h.run([h.TALLY, "verify", url, "--mirror", os.path.join(keep, "again"), "--json", "-q",
               "--roll", os.path.join(obs, "roll.txt"), "--ca", os.path.join(obs, "jpki-ca", "auth-ca.crt"),
               "--crl", os.path.join(obs, "crl", "auth.crl"), "--policy", os.path.join(obs, "policy")])
    rep = json.loads(r.stdout) if r.stdout.strip() else {}
    t.ok(r.returncode == 0 and rep.get("closed") and rep.get("counted") == 8,
         "the served chain verifies again: closed, eight voters counted", r.stderr)
    env = dict(os.environ, XDG_DATA_HOME=os.path.dirname(os.path.dirname(os.path.dirname(receipts[0]))),
               LANGUAGE="en", LC_ALL="C.UTF-8")
    r = h.run([h.VOTE, "check", receipts[0], "--json"], env=env)
    doc = json.loads(r.stdout) if r.stdout.strip() else {}
    t.ok(r.returncode == 0 and doc.get("result") == "included",
         "a voter's receipt: still included", r.stdout + r.stderr)
finally:
    if chaind is not None and chaind.poll() is None:
        chaind.send_signal(signal.SIGTERM)
        chaind.wait(30)
    shutil.rmtree(keep, ignore_errors=True)
t.done()
