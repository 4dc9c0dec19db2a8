#!/usr/bin/env python3
"""ippyo-tally's election setup through the command line: keygen, init (and its
line-naming errors), a 3-of-5 ceremony with every trustee's rounds as separate
processes exchanging files, seal, close, and a manifest changed after sealing."""
import base64
import json
import os
import shutil
import stat
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tallyharness import (Failure, check, make_election_files, sample_toml, tally, tap,
                          testtool)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_keygen(work):
    out, _ = tally("keygen", "--officials", work + "/k", "--json")
    j = json.loads(out)
    check(j["kind"] == "officials", out)
    check(mode(work + "/k/officials.key") == 0o600, "officials.key mode")
    testtool("officials", work + "/k/officials.key", work + "/k/officials.pub")
    out, _ = tally("keygen", "--chain", "vote.example.jp/x", work + "/k", "--json")
    check(json.loads(out)["vkey"].startswith("vote.example.jp/x+"), out)
    check(mode(work + "/k/chain.key") == 0o600, "chain.key mode")
    out, _ = testtool("note", work + "/k/chain.key", work + "/k/chain.vkey", "1")
    check(out.strip() == "vote.example.jp/x", out)
    tally("keygen", "--witness", "witness.example/w1", work + "/k", "-q")
    testtool("note", work + "/k/witness.key", work + "/k/witness.vkey", "4")
    # Never replaces a key; usage errors are exit 1.
    _, err = tally("keygen", "--officials", work + "/k", expect=4)
    check("never replaces" in err, err)
    tally("keygen", expect=1)
    tally("keygen", "--chain", "bad name", work + "/k2", expect=1)
    tally("keygen", "--chain", "x", expect=1)
    tally("nonsense", expect=1)
    out, _ = tally("--help")
    for c in ("keygen", "init", "ceremony", "seal", "close", "witness"):
        check(("  " + c + " ") in out, "--help lists " + c)
    tally("keygen", "--help")


def write_toml(work, text, name="election.toml"):
    path = os.path.join(work, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def init_sample(work, text=None, n_voters=4):
    make_election_files(work, n_voters)
    path = write_toml(work, text if text is not None else sample_toml())
    out, _ = tally("init", path, "--out", work + "/election", "--json")
    return json.loads(out)


def test_init_sample(work):
    j = init_sample(work)
    check(j["election_id"] == "2027-ippyo-sample" and j["roll_count"] == 4, str(j))
    check(j["trustees_n"] == 3 and j["trustees_t"] == 2, str(j))
    out, _ = testtool("draft", work + "/election/manifest-draft.json")
    eid, contests, opens, vkey = out.split()
    check(contests == "2", out)
    check(opens == "2027-04-17T22:00:00Z", "the +09:00 time in UTC: " + opens)
    with open(work + "/keys/chain.vkey") as f:
        check(vkey == f.read().strip(), "the chain vkey of keygen")
    with open(work + "/election/roll.txt") as f:
        lines = f.read().splitlines()
    check(len(lines) == 4 and lines == sorted(lines), "roll sorted")
    # Same input, same draft (deterministic).
    tally("init", work + "/election.toml", "--out", work + "/again", "-q")
    with open(work + "/election/manifest-draft.json", "rb") as a, \
            open(work + "/again/manifest-draft.json", "rb") as b:
        check(a.read() == b.read(), "init is deterministic")
    # --files: the same election file from another folder.
    shutil.copy(work + "/election.toml", work + "/elsewhere.toml")
    os.makedirs(work + "/sub")
    shutil.move(work + "/elsewhere.toml", work + "/sub/e.toml")
    tally("init", work + "/sub/e.toml", "--files", work, "--out", work + "/third", "-q")
    tally("init", work + "/sub/e.toml", "--out", work + "/fourth", expect=4)


def line_of(text, needle, after=None):
    start = text.index(after) if after else 0
    idx = text.index(needle, start)
    return text.count("\n", 0, idx) + 1


BAD_CASES = [
    # (description, replace (old, new) in the sample, needle whose line is named, after, words)
    ("max above options", ("max = 1", "max = 5"), "max = 5", None,
     "contest 'mayor': max (5) is larger than the number of options (4)"),
    ("min above max", ("min = 0\nmax = 2", "min = 3\nmax = 2"), "min = 3", None,
     "contest 'council': min (3) is larger than max (2)"),
    ("unknown key", ("n = 3", "n = 3\nquorum = 2"), "quorum", None, "unknown key 'quorum' in [trustees]"),
    ("t above n", ("t = 2", "t = 4"), "t = 4", None, "threshold t (4) is larger"),
    ("duplicate contest", ('id = "council"', 'id = "mayor"'), 'id = "mayor"', "choose up to two",
     "the contest id is used twice"),
    ("duplicate option", ('id = "sato"', 'id = "tanaka"'), 'id = "tanaka"', "Tanaka Hanako",
     "the option id is used twice"),
    ("bad id", ('id = "suzuki"', 'id = "Suzuki"'), 'id = "Suzuki"', None, "must be 1 to 64"),
    ("closes before opens", ('closes = "2027-04-25T20:00:00+09:00"',
                             'closes = "2027-04-01T20:00:00+09:00"'), "closes =", None,
     "'closes' (2027-04-01T11:00:00Z) must be after"),
    ("not a time", ('opens = "2027-04-18T07:00:00+09:00"', 'opens = "next monday"'), "opens =", None,
     "is not an RFC 3339 time"),
    ("wrong type", ("n = 3", 'n = "3"'), 'n = "3"', None, "'n' must be an integer, not a string"),
    ("float", ("n = 3", "n = 3.0"), "n = 3.0", None, "floating-point"),
    ("bare date", ('opens = "2027-04-18T07:00:00+09:00"', "opens = 2027-04-18T07:00:00+09:00"),
     "opens =", None, "dates and times are written as strings"),
    ("duplicate key", ('title_en = "Mayor"', 'title_en = "Mayor"\ntitle_en = "Mayor"'),
     'title_en = "Mayor"\nmin', None, "defined twice (first on line"),
    ("missing title", ('title_en = "Sato Taro"\n', ""), 'id = "sato"', None,
     "has no 'title_en'"),
    ("origin of another key", ('origin = "vote.example.jp/2027-ippyo-sample"',
                               'origin = "vote.example.jp/other"'), "vkey_file", None,
     "is not the log key of the origin"),
    ("empty title", ('title_ja = "市長"', 'title_ja = ""'), 'title_ja = ""', None, "must be 1 to"),
    ("two roll sources", ('certificates_dir = "roll-certificates"',
                          'certificates_dir = "roll-certificates"\nfingerprints_file = "x"'),
     "[roll]", None, "exactly one of"),
    ("max zero", ("max = 2", "max = 0"), "max = 0", None, "'max' (0) must be between 1"),
]


def test_init_errors(work):
    make_election_files(work)
    base = sample_toml()
    for desc, (old, new), needle, after, words in BAD_CASES:
        check(old in base, "case %s: %r not in the sample" % (desc, old))
        text = base.replace(old, new, 1)
        if desc == "missing title":
            # Remove only Sato's English title: the message names the option's table.
            text = base.replace('title_en = "Sato Taro"\n', "", 1)
            needle_line = line_of(text, "[[contest.option]]", 'title_en = "Tanaka Hanako"')
        else:
            needle_line = line_of(text, needle, after)
        path = write_toml(work, text)
        _, err = tally("init", path, "--out", work + "/out", expect=2)
        want = "election.toml:%d: " % needle_line
        check(want in err and words in err, "case %s: %r lacks %r or %r" % (desc, err, want, words))
    # A roll fingerprints file with a bad line names the file and the line.
    with open(work + "/fps.txt", "w") as f:
        f.write("# voters\n" + "ab" * 32 + "\n\nxyz\n")
    text = base.replace('certificates_dir = "roll-certificates"', 'fingerprints_file = "fps.txt"')
    _, err = tally("init", write_toml(work, text), "--out", work + "/out", expect=2)
    check("fps.txt:4: not a fingerprint" in err, err)
    with open(work + "/fps.txt", "w") as f:
        f.write("ab" * 32 + "\n" + "AB" * 32 + "\n")
    _, err = tally("init", write_toml(work, text), "--out", work + "/out", expect=2)
    check("fps.txt:2: this fingerprint is listed twice" in err, err)
    with open(work + "/fps.txt", "w") as f:
        f.write("cd" * 32 + "\n" + "ab" * 32 + "\n")
    tally("init", write_toml(work, text), "--out", work + "/out", "-q")
    with open(work + "/out/roll.txt") as f:
        check(f.read() == "ab" * 32 + "\n" + "cd" * 32 + "\n", "roll from fingerprints")
    tally("init", expect=1)
    tally("init", work + "/nonexistent.toml", "--out", work + "/o", expect=4)


def five_trustees(text):
    return text.replace("n = 3", "n = 5").replace("t = 2", "t = 3")


def distributed_ceremony(work, draft, n, tamper=None):
    """Every trustee in its own folder; files copied between them as they would be mailed."""
    pub = os.path.join(work, "public")
    os.makedirs(pub)
    homes = [os.path.join(work, "trustee%d" % i) for i in range(1, n + 1)]
    for i, h in enumerate(homes, 1):
        tally("ceremony", "round1", "--draft", draft, "--trustee", str(i), "--out", h, "-q")
        check(mode(h + "/trustee-%d.secret.json" % i) == 0o600, "secret state mode")
        shutil.copy(h + "/commitments-%d.json" % i, pub)
    for i, h in enumerate(homes, 1):
        tally("ceremony", "round2", "--secret", h + "/trustee-%d.secret.json" % i,
              "--in", pub, "--out", h + "/outbox", "-q")
    for j, h in enumerate(homes, 1):
        inbox = h + "/inbox"
        shutil.copytree(pub, inbox)
        for i, hi in enumerate(homes, 1):
            if i != j:
                shutil.copy(hi + "/outbox/share-%d-to-%d.json" % (i, j), inbox)
    if tamper:
        tamper(homes)
    return pub, homes


def test_ceremony_3_of_5(work):
    make_election_files(work)
    tally("init", write_toml(work, five_trustees(sample_toml())), "--out", work + "/e", "-q")
    draft = work + "/e/manifest-draft.json"
    pub, homes = distributed_ceremony(work, draft, 5)
    bad_sender_checks(work, homes)
    keys = set()
    for j, h in enumerate(homes, 1):
        out, _ = tally("ceremony", "round3", "--secret", h + "/trustee-%d.secret.json" % j,
                       "--in", h + "/inbox", "--out", h, "--json")
        r = json.loads(out)
        check(r["ok"] and r["trustee"] == j, out)
        keys.add((r["election_key"], r["transcript_hash"]))
        check(mode(h + "/trustee-%d.key.json" % j) == 0o600, "key share mode")
        shutil.copy(h + "/result-%d.json" % j, pub)
    check(len(keys) == 1, "all five trustees computed the same key: %s" % keys)
    # Seal from the public folder; every result file must agree.
    out, _ = tally("seal", "--draft", draft, "--ceremony", pub, "--officials-key",
                   work + "/keys/officials.key", "--out", work + "/entry0.json",
                   "--ceremony-out", work + "/ceremony.json", "--json")
    s = json.loads(out)
    check(s["result_files_checked"] == 5, out)
    check(s["ceremony_hash"] == list(keys)[0][1], "the manifest pins the transcript hash")
    out, _ = testtool("manifest-entry", work + "/entry0.json", work + "/e/roll.txt")
    check(out.split() == ["2027-ippyo-sample", "3", "5"], out)
    out, _ = testtool("entry", work + "/ceremony.json", work + "/keys/officials.pub")
    check(out.strip() == "ceremony", out)


def bad_sender_checks(work, homes):
    """Round 3 on altered copies of the inboxes names the bad sender and writes nothing."""
    def inbox_copy(j, tag):
        d = os.path.join(work, "bad-%s-%d" % (tag, j))
        shutil.copytree(homes[j - 1] + "/inbox", d)
        return d

    def round3(j, inbox, code):
        out = os.path.join(work, "out-%d-%s" % (j, os.path.basename(inbox)))
        o, err = tally("ceremony", "round3", "--secret", homes[j - 1] + "/trustee-%d.secret.json" % j,
                       "--in", inbox, "--out", out, "--json", expect=code)
        check(not os.path.exists(out + "/trustee-%d.key.json" % j), "no key share on failure")
        return json.loads(o), err

    # A share file altered in transit: its sender is named.
    inbox = inbox_copy(1, "share")
    p = inbox + "/share-4-to-1.json"
    with open(p) as f:
        j = json.load(f)
    ct = bytearray(base64.urlsafe_b64decode(j["ciphertext"] + "=="))
    ct[5] ^= 0x40
    j["ciphertext"] = base64.urlsafe_b64encode(bytes(ct)).decode().rstrip("=")
    with open(p, "w") as f:
        json.dump(j, f, indent=2)
    r, err = round3(1, inbox, 3)
    check(r["bad_sender"] == 4, str(r))
    check("trustee 4 is a bad sender" in err and "share-4-to-1.json" in err, err)
    # A commitments file whose proof was replaced by another trustee's.
    inbox = inbox_copy(3, "proof")
    with open(inbox + "/commitments-3.json") as f:
        c3 = json.load(f)
    with open(inbox + "/commitments-5.json") as f:
        c5 = json.load(f)
    c3["commitments"][1]["proof"] = c5["commitments"][1]["proof"]
    with open(inbox + "/commitments-3.json", "w") as f:
        json.dump(c3, f, indent=2)
    r, err = round3(3, inbox, 3)
    check("trustee 3 is a bad sender" in err, err)
    # A share sent to another trustee, renamed as if it were for this one.
    inbox = inbox_copy(5, "swap")
    os.remove(inbox + "/share-2-to-5.json")
    shutil.copy(homes[3] + "/inbox/share-2-to-4.json", inbox + "/share-2-to-5.json")
    r, err = round3(5, inbox, 2)
    check("trustee 2 is a bad sender" in err, err)
    # A missing share file names its sender.
    inbox = inbox_copy(5, "missing")
    os.remove(inbox + "/share-2-to-5.json")
    r, err = round3(5, inbox, 2)
    check("trustee 2 is a bad sender: no share file from it" in err, err)


def sealed_local(work):
    init_sample(work)
    tally("ceremony", "--all-local", "--draft", work + "/election/manifest-draft.json",
          "--out", work + "/ceremony", "-q")
    tally("seal", "--draft", work + "/election/manifest-draft.json", "--ceremony",
          work + "/ceremony", "--officials-key", work + "/keys/officials.key",
          "--out", work + "/entry0.json", "-q")


def test_seal_and_tamper(work):
    sealed_local(work)
    testtool("manifest-entry", work + "/entry0.json", work + "/election/roll.txt")
    with open(work + "/entry0.json", "rb") as f:
        entry = f.read()
    check(not entry.endswith(b"\n"), "entry 0 is exactly the canonical bytes")
    # A manifest changed after sealing: its signature no longer verifies.
    for old, new in ((b"Tanaka Hanako", b"Tanaka Hanakp"), (b'"max":2', b'"max":1'),
                     (b'"t":2', b'"t":1')):
        check(old in entry, "%r in entry 0" % old)
        with open(work + "/tampered.json", "wb") as f:
            f.write(entry.replace(old, new, 1))
        _, err = testtool("manifest-entry", work + "/tampered.json", expect=1)
        check("officials' signature" in err, err)
        _, err = tally("close", "--manifest", work + "/tampered.json", "--officials-key",
                       work + "/keys/officials.key", "--log-size", "3", "--out",
                       work + "/close.json", expect=3)
        check("signature" in err, err)
    # A result file that disagrees with the commitments stops the seal.
    with open(work + "/ceremony/result-2.json") as f:
        r2 = json.load(f)
    with open(work + "/ceremony/result-3.json") as f:
        r3 = json.load(f)
    r2["verification_keys"][0], r2["verification_keys"][1] = r3["verification_keys"][1], r3["verification_keys"][0]
    with open(work + "/ceremony/result-2.json", "w") as f:
        json.dump(r2, f, indent=2)
    _, err = tally("seal", "--draft", work + "/election/manifest-draft.json", "--ceremony",
                   work + "/ceremony", "--officials-key", work + "/keys/officials.key",
                   "--out", work + "/x.json", expect=2)
    check("result-2.json differs" in err, err)
    os.remove(work + "/ceremony/result-2.json")
    # Another officials' key than the draft's is refused.
    tally("keygen", "--officials", work + "/other", "-q")
    _, err = tally("seal", "--draft", work + "/election/manifest-draft.json", "--ceremony",
                   work + "/ceremony", "--officials-key", work + "/other/officials.key",
                   "--out", work + "/x.json", expect=2)
    check("not the officials' key" in err, err)
    # A secret key readable by others is refused.
    os.chmod(work + "/keys/officials.key", 0o644)
    tally("seal", "--draft", work + "/election/manifest-draft.json", "--ceremony",
          work + "/ceremony", "--officials-key", work + "/keys/officials.key",
          "--out", work + "/x.json", expect=2)


def test_close_file(work):
    sealed_local(work)
    out, _ = tally("close", "--manifest", work + "/entry0.json", "--officials-key",
                   work + "/keys/officials.key", "--log-size", "7", "--out",
                   work + "/close.json", "--json")
    check(json.loads(out)["log_size"] == 7, out)
    out, _ = testtool("entry", work + "/close.json", work + "/keys/officials.pub")
    check(out.strip() == "close", out)
    tally("close", "--manifest", work + "/entry0.json", "--officials-key",
          work + "/keys/officials.key", "--out", work + "/close.json", expect=1)


tap([
    ("keygen", test_keygen),
    ("init from the sample election", test_init_sample),
    ("init errors name the line", test_init_errors),
    ("3-of-5 ceremony, one process per trustee and round; round 3 names bad senders",
     test_ceremony_3_of_5),
    ("seal; a manifest changed after sealing is refused", test_seal_and_tamper),
    ("close written to a file", test_close_file),
])
