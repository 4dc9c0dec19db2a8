# ippyo-vote from a terminal against the real stack: pcscd + vpcd + ippyo-vcard
# (voter-001 in reader 0, voter-010 in reader 1, started by with-card-services)
# and a real ippyo-chaind on loopback.
import json
import os
import shutil

import voterharness as vh

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
