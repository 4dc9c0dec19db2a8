# The window when the ballot chain fails the voter, driven as a voter drives
# it, in English and in Japanese (voter-001 in reader 0): the chain is down
# while the signed ballot is being sent and comes back (the window says what
# is happening; the same signed ballot gets in exactly once), the poll is
# closed between review and cast (the chain's rejection in the voter's
# words, the election page then says closed), and the chain is rebuilt with
# another history (check my ballot says the chain changed its history and
# keeps both signed checkpoints as evidence). Screenshots:
# <build>/tests/gui/screenshots/chain-{en,ja}-NN-<state>.png.
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from windowdriver import Voter, gh, session, t  # noqa: E402

ELECTION = "2027-test-mayor"


def label(v, text, timeout=30):
    return v.find(v.tr.gettext(text), "label", timeout=timeout)


def run(lang):
    chain = gh.vh.Chain().start()
    home = os.path.join(session.tmp, "chain-home-" + lang)
    v = Voter(lang, home, chain, prefix="chain-" + lang)
    try:
        t.ok(v.attach(), "%s: ippyo is on the accessibility bus" % lang)
        v.open_election(chain.election_file(), shots=False)
        v.card_and_ballot("Candidate 1" if lang == "en" else "候補者 1")

        # The chain goes down just before the voter signs.
        before = chain.size()
        dlg = v.open_pin_dialog(3)
        chain.stop()
        v.type(v.pin)
        v.click(v._("_Sign and Cast"), root=dlg)
        t.ok(v.wait_page("Casting"), "%s: the casting page" % lang)
        slow = label(v, "The ballot chain is not answering yet. Your signed ballot is kept on this "
                        "computer and is sent again until the chain answers; it can be counted "
                        "only once. You can leave this window open.", timeout=60)
        t.ok(slow is not None, "%s: chain down: the window says the ballot is kept and resent" % lang)
        pending = [f for f in os.listdir(os.path.join(home, "ippyo", ELECTION))
                   if f.startswith("pending-")]
        t.eq(len(pending), 1, "%s: chain down: the signed ballot is kept on disk" % lang)
        v.shot("chain-down")
        chain.start()
        t.ok(v.wait_page("Receipt", timeout=120), "%s: the chain is back: the receipt" % lang)
        t.ok(label(v, "Your Ballot Is Recorded") is not None, "%s: recorded, said so" % lang)
        t.eq(chain.size(), before + 1, "%s: the same signed ballot got in exactly once" % lang)
        pending = [f for f in os.listdir(os.path.join(home, "ippyo", ELECTION))
                   if f.startswith("pending-")]
        t.eq(pending, [], "%s: nothing left pending after the receipt" % lang)
        v.shot("chain-back")

        # The poll closes between the review and the cast.
        v.click(v._("_Done"))
        t.ok(v.wait_page("Election"), "%s: back to the election" % lang)
        v.card_and_ballot("Candidate 2" if lang == "en" else "候補者 2", revote=True)
        chain.close_poll()
        closed_size = chain.size()
        dlg = v.open_pin_dialog(3)
        v.type(v.pin)
        v.click(v._("_Sign and Cast"), root=dlg)
        t.ok(label(v, "The Poll Has Closed", timeout=120) is not None,
             "%s: poll closed meanwhile: the rejection has a plain title" % lang)
        t.ok(label(v, "The poll is closed: the ballot was not accepted.", timeout=5) is not None,
             "%s: poll closed meanwhile: and says what happened" % lang)
        t.ok(v.find(v._("_Send Again"), timeout=1) is None,
             "%s: a definite rejection is not offered for sending again" % lang)
        v.shot("poll-closed")
        t.eq(chain.size(), closed_size, "%s: nothing after the close entry" % lang)
        v.click(v._("_Back to the Election"))
        t.ok(v.wait_page("Election"), "%s: back to the election" % lang)
        t.ok(label(v, "Closed. You can still check that your ballot was recorded.") is not None,
             "%s: the election page says the poll is closed" % lang)
        again = v.find(v._("_Vote Again"))
        t.ok(again is not None and not again.sensitive, "%s: no voting after the close" % lang)
        v.shot("election-closed")

        # The chain comes back with another history (same key): a fork.
        chain.rebuild()
        for card in ("voter-003", "voter-004"):
            s, _, b = chain.server.post("/v1/ballots", chain.el.ballot(card))
            t.eq(s, 200, "%s: the rebuilt chain takes %s's ballot" % (lang, card))
        v.click(v._("C_heck My Ballot"))
        t.ok(v.wait_page("Check My Ballot"), "%s: the check page" % lang)
        v.click(v._("_Check Now"))
        forked = label(v, "The Chain Changed Its History", timeout=60)
        t.ok(forked is not None, "%s: check my ballot: the fork is found and said plainly" % lang)
        folder = os.path.join(home, "ippyo", ELECTION)
        ev = [f for f in os.listdir(folder) if f.startswith("evidence-")]
        t.eq(len(ev), 1, "%s: the evidence is saved next to the receipts" % lang)
        if ev:
            text = open(os.path.join(folder, ev[0])).read()
            t.ok(text.count("\n\u2014 ") >= 2 and "-- held" in text and "-- served" in text,
                 "%s: the evidence holds both signed checkpoints" % lang)
            shown = v.find(None, "label", timeout=5, pred=lambda x: ev[0] in (x.name or ""))
            t.ok(shown is not None, "%s: the window names the evidence file" % lang)
        v.shot("check-forked")
    except Exception as e:  # noqa: BLE001 - report and go on to clean up
        t.ok(False, "%s: %s" % (lang, e))
        session.screenshot("chain-%s-failure" % lang)
    finally:
        v.stop()
        chain.cleanup()


try:
    run("en")
    time.sleep(0.5)
    run("ja")
finally:
    session.stop()
t.done()
