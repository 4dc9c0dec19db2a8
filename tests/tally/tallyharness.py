"""Shared helpers of the Python tests of suite "tally" (standard library only).

Each test prints TAP: plan first, then "ok N - name" or "not ok N - name" with
the failure as "#" lines. Programs come from IPPYO_BUILD_DIR."""
import os
import subprocess
import sys
import tempfile
import traceback

BUILD = os.environ.get("IPPYO_BUILD_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "build"))
SOURCE = os.environ.get("IPPYO_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
TALLY = os.path.join(BUILD, "tally", "ippyo-tally")
TESTTOOL = os.path.join(BUILD, "tests", "tally", "tally-testtool")
CHAIND = os.path.join(BUILD, "chain", "ippyo-chaind")


# Temporary folders on tmpfs when there is one: the programs fsync every file
# they write, which costs more than the tests themselves on a disk.
TMP = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


class Failure(Exception):
    pass


def run(args, expect=0, env=None, input=None):
    """Runs a program; checks its exit code; returns (stdout, stderr)."""
    p = subprocess.run(args, capture_output=True, text=True, env=env, input=input, timeout=120)
    if expect is not None and p.returncode != expect:
        raise Failure("%s: exit %d, expected %d\nstdout: %s\nstderr: %s" % (
            " ".join(args), p.returncode, expect, p.stdout, p.stderr))
    return p.stdout, p.stderr


def tally(*args, expect=0, env=None):
    return run([TALLY] + list(args), expect=expect, env=env)


def testtool(*args, expect=0):
    return run([TESTTOOL] + list(args), expect=expect)


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def make_cert(path, cn):
    """A throw-away self-signed EC certificate (only its fingerprint matters to init)."""
    run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-subj", "/CN=" + cn, "-days", "2", "-keyout", path + ".key", "-out", path],
        env=dict(os.environ, OPENSSL_CONF="/dev/null"))


def der_fingerprint(path):
    import hashlib
    der = subprocess.run(["openssl", "x509", "-in", path, "-outform", "DER"],
                         capture_output=True, check=True).stdout
    return hashlib.sha256(der).hexdigest()


_FILES_CACHE = {}


def make_election_files(work, n_voters=4):
    """keys/, pki/ca/auth-ca.crt and roll-certificates/ as the sample election expects
    (made once per process and copied: the keys are then shared by the tests of a run)."""
    import shutil
    if n_voters not in _FILES_CACHE:
        src = tempfile.mkdtemp(prefix="tally-files-", dir=TMP)
        tally("keygen", "--officials", os.path.join(src, "keys"), "-q")
        tally("keygen", "--chain", "vote.example.jp/2027-ippyo-sample", os.path.join(src, "keys"), "-q")
        os.makedirs(os.path.join(src, "pki", "ca"))
        make_cert(os.path.join(src, "pki", "ca", "auth-ca.crt"), "test auth CA")
        os.makedirs(os.path.join(src, "roll-certificates"))
        for i in range(n_voters):
            make_cert(os.path.join(src, "roll-certificates", "voter-%03d.crt" % (i + 1)), "voter %d" % i)
        _FILES_CACHE[n_voters] = src
    for name in ("keys", "pki", "roll-certificates"):
        shutil.copytree(os.path.join(_FILES_CACHE[n_voters], name), os.path.join(work, name))


def sample_toml():
    with open(os.path.join(SOURCE, "data", "sample-election", "election.toml"), encoding="utf-8") as f:
        return f.read()


def tap(tests):
    """Runs [(name, fn(workdir))] and prints TAP; exits non-zero on a failure."""
    print("1..%d" % len(tests), flush=True)
    failed = 0
    for i, (name, fn) in enumerate(tests, 1):
        with tempfile.TemporaryDirectory(prefix="tally-test-", dir=TMP) as work:
            try:
                fn(work)
                print("ok %d - %s" % (i, name), flush=True)
            except Exception:
                failed += 1
                print("not ok %d - %s" % (i, name))
                for l in traceback.format_exc().splitlines():
                    print("# " + l)
                sys.stdout.flush()
    import shutil
    for d in _FILES_CACHE.values():
        shutil.rmtree(d, ignore_errors=True)
    sys.exit(1 if failed else 0)
