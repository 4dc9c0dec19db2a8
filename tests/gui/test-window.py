# The real ippyo window, driven as a voter drives it: under Xvfb, through
# AT-SPI (dogtail), against a real ippyo-chaind and the virtual card
# (voter-001 in reader 0, started by with-card-services). In English, then
# in Japanese: a full vote with an audit verified on a "second device", a
# wrong PIN, a receipt check, and a re-vote. Every page is photographed in
# both languages into <build>/tests/gui/screenshots/. GTK criticals abort
# the app (G_DEBUG=fatal-criticals), and any GTK warning fails the test.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from windowdriver import Voter, gh, session, t  # noqa: E402  (starts the session)


def run(lang):
    chain = gh.vh.Chain().start()
    home = os.path.join(session.tmp, "home-" + lang)
    v = Voter(lang, home, chain)
    try:
        t.ok(v.attach(), "%s: ippyo is on the accessibility bus" % lang)
        v.open_election(chain.election_file())
        v.card_and_ballot("Candidate 1" if lang == "en" else "候補者 1")
        v.audit()
        v.cast(wrong_first=(lang == "ja"))
        receipts = [f for f in os.listdir(os.path.join(home, "ippyo", "2027-test-mayor"))
                    if f.startswith("receipt-")]
        t.eq(len(receipts), 1, "%s: the receipt is kept in the user data folder" % lang)
        v.check()
        # Re-vote: the last ballot counts, and the window says so.
        v.card_and_ballot("Candidate 2" if lang == "en" else "候補者 2", revote=True)
        note = v.find(v.tr.gettext("You have voted in this election before. If you cast this ballot, it replaces your earlier one: only your last ballot counts."), "label")
        t.ok(note is not None, "%s: the re-vote is explained" % lang)
        v.cast(revote=True)
        receipts = [f for f in os.listdir(os.path.join(home, "ippyo", "2027-test-mayor"))
                    if f.startswith("receipt-")]
        t.eq(len(receipts), 2, "%s: both receipts are kept" % lang)
    except Exception as e:  # noqa: BLE001 - report and go on to clean up
        t.ok(False, "%s: %s" % (lang, e))
        session.screenshot("%s-failure" % lang)
    finally:
        v.stop()
        chain.cleanup()


try:
    run("en")
    run("ja")
finally:
    session.stop()
t.done()
