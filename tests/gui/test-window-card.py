# The window when the card is not right, driven as a voter drives it, in
# English and in Japanese. `test-window-card.py states`: no reader, no card
# service, two cards at once, a card not on the roll, no card; then the
# window closed while the chain does not answer, and the next run sending
# the kept signed ballot.
# `test-window-card.py pin`: a wrong PIN twice (the warning before the last
# try), the third (locked), and a card locked before (said before any PIN). Cards (with-card-services): voter-002 in
# reader 0, voter-010 (not on the roll) in reader 1. Each state is
# photographed: <build>/tests/gui/screenshots/card-{en,ja}-NN-<state>.png.
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from windowdriver import Voter, card_services, gh, session, t, vcard_signal  # noqa: E402

CARD = "voter-002"


def card_state(v, title, what, timeout=30):
    """The card page's title label (AdwStatusPage) reads `title`."""
    n = v.find(v.tr.gettext(title), "label", timeout=timeout)
    t.ok(n is not None, "%s: %s" % (v.lang, what))
    return n is not None


def no_continue(v):
    """No way on to the ballot: the Continue button is hidden."""
    n = v.find(v._("_Continue to the Ballot"), timeout=1)
    return n is None


def no_reader(lang, chain, home):
    """A reader named on the command line that is not connected."""
    v = Voter(lang, home, chain, card=CARD, prefix="card-" + lang,
              args=["--reader", "USB Smart Card Reader 00 00", chain.election_file()])
    try:
        t.ok(v.attach(), "%s: ippyo is on the accessibility bus" % lang)
        vote = v.find(v._("_Vote"))
        t.ok(vote is not None and v.wait_sensitive(vote), "%s: the election opens" % lang)
        v.click(v._("_Vote"))
        t.ok(v.wait_page("Your Card"), "%s: the card page" % lang)
        card_state(v, "Connect a Card Reader", "no reader: says to connect one")
        t.ok(no_continue(v), "%s: no reader, no ballot" % lang)
        v.shot("no-reader")
    except Exception as e:  # noqa: BLE001
        t.ok(False, "%s: %s" % (lang, e))
        session.screenshot("card-%s-failure-no-reader" % lang)
    finally:
        v.stop()


def run(lang, lock):
    """lock "states": the card states; else the PIN: None (two wrong, then
    right), "now" (three wrong: locked), "already" (a card locked before)."""
    chain = gh.vh.Chain().start()
    home = os.path.join(session.tmp, "card-home-%s-%s" % (lang, lock))
    states = lock == "states"
    if states:
        no_reader(lang, chain, home)
    v = Voter(lang, home, chain, card=CARD, prefix="card-" + lang)
    v.n = 1 if states else 10 if lock != "already" else 20
    try:
        t.ok(v.attach(), "%s: ippyo is on the accessibility bus" % lang)
        v.open_election(chain.election_file(), shots=False)
        if not states:
            vcard_signal(1, signal.SIGUSR1)
            v.card_and_ballot("Candidate 2" if lang == "en" else "候補者 2")
            states_done(v, chain, lang, lock)
            return
        # No card service: pcscd is stopped while the window watches.
        card_services("pcscd-stop")
        v.click(v._("_Vote"))
        t.ok(v.wait_page("Your Card"), "%s: the card page" % lang)
        card_state(v, "The Card Reader Service Is Not Running",
                   "no card service: says so and what to do")
        t.ok(no_continue(v), "%s: no service, no ballot" % lang)
        v.shot("no-service")
        card_services("pcscd-start")
        # Both cards are in: the window cannot guess which one is the voter's.
        card_state(v, "More Than One My Number Card", "two cards: says to leave only one",
                   timeout=30)
        t.ok(no_continue(v), "%s: two cards, no ballot" % lang)
        v.shot("two-cards")
        # Only voter-010 left: read, but not on this election's roll.
        vcard_signal(0, signal.SIGUSR1)
        card_state(v, "Not on the Voter Roll", "a card not on the roll is refused before the ballot")
        t.ok(no_continue(v), "%s: not on the roll, no ballot" % lang)
        v.shot("not-on-roll")
        # No card at all.
        vcard_signal(1, signal.SIGUSR1)
        card_state(v, "Insert Your My Number Card", "no card: says to insert it")
        t.ok(no_continue(v), "%s: no card, no ballot" % lang)
        v.shot("no-card")
        # The voter's card: ready.
        card_services("put", 0)
        cont = v.find(v._("_Continue to the Ballot"), timeout=60)
        t.ok(cont is not None, "%s: the voter's card is read and on the roll" % lang)
        v = kept_ballot(v, chain, lang, home)
    except Exception as e:  # noqa: BLE001 - report and go on to clean up
        t.ok(False, "%s: %s" % (lang, e))
        session.screenshot("card-%s-failure" % lang)
    finally:
        v.stop()
        chain.cleanup()
        # The next run starts with both cards in their readers.
        for n in (0, 1):
            try:
                card_services("put", n)
            except Exception:  # noqa: BLE001 - already in
                pass


def kept_ballot(v, chain, lang, home):
    """The window is closed while the chain does not answer: the signed ballot
    is kept, and the next run offers to send it (a ballot is never silently
    lost). Returns the window now running."""
    folder = os.path.join(home, "ippyo", "2027-test-mayor")
    v.card_and_ballot("Candidate 1" if lang == "en" else "候補者 1", from_card=True)
    before = chain.size()
    dlg = v.open_pin_dialog(3)
    chain.stop()
    v.type(v.pin)
    v.click(v._("_Sign and Cast"), root=dlg)
    slow = v.find(v.tr.gettext("The ballot chain is not answering yet. Your signed ballot is kept on this "
                               "computer and is sent again until the chain answers; it can be counted "
                               "only once. You can leave this window open."), "label", timeout=60)
    t.ok(slow is not None, "%s: the chain does not answer: said so" % lang)
    pending = [f for f in os.listdir(folder) if f.startswith("pending-")]
    t.eq(len(pending), 1, "%s: the signed ballot is kept on disk" % lang)
    v.stop()                                   # the voter closes the window
    chain.start()
    w = Voter(lang, home, chain, card=CARD, prefix="card-" + lang)
    w.n = v.n
    t.ok(w.attach(), "%s: ippyo again" % lang)
    w.open_election(chain.election_file(), shots=False)
    t.ok(w.find(w.tr.gettext("A ballot you signed earlier was not confirmed by the ballot chain. It is kept on this computer: send it again to get your receipt. It can be counted only once."),
                "label", timeout=30) is not None,
         "%s: the next run offers the kept ballot at once" % lang)
    t.ok(w.page() == w.tr.gettext("Casting"), "%s: on the casting page" % lang)
    w.shot("kept-ballot")
    w.click(w._("_Send Again"))
    t.ok(w.wait_page("Receipt", timeout=120), "%s: sent again: the receipt" % lang)
    t.eq(chain.size(), before + 1, "%s: the kept ballot got in exactly once" % lang)
    t.eq([f for f in os.listdir(folder) if f.startswith("pending-")], [],
         "%s: nothing left pending" % lang)
    w.shot("kept-ballot-sent")
    return w


def states_done(v, chain, lang, lock):
    """On the review page: the PIN, wrong, last try, locked."""
    before = chain.size()
    if lock == "already":
        # Locked in the other language's run: the window says so before any PIN.
        v.click(v._("_Cast Ballot"))
        card_state(v, "Your Card Is Locked", "a locked card: said before any PIN", timeout=60)
        t.ok(v.find(v.tr.gettext("The PIN of your card is locked after too many wrong tries. Your city hall can reset it."),
                    "label", timeout=5) is not None,
             "%s: a locked card: says where to reset it" % lang)
        t.ok(v.pin_dialog(timeout=2) is None, "%s: a locked card: no PIN asked" % lang)
        v.shot("locked")
    else:
        dlg = v.open_pin_dialog(3)
        v.wrong_pin(dlg, 2)
        dlg = v.pin_dialog()
        v.wrong_pin(dlg, 1)
        dlg = v.pin_dialog()
        warn = v.find(v.tr.gettext("This is your last try. If this PIN is wrong too, your card locks and only your city hall can unlock it. If you are not sure of your PIN, cancel now."),
                      "label", root=dlg, timeout=10) if dlg else None
        t.ok(warn is not None, "%s: the warning before the last try" % lang)
        v.shot("pin-last-try")
        t.eq(chain.size(), before, "%s: nothing was sent with wrong PINs" % lang)
        if lock == "now":
            v.type(v.wrong)
            v.click(v._("_Sign and Cast"), root=dlg)
            card_state(v, "Your Card Is Locked", "the third wrong PIN locks the card", timeout=60)
            t.ok(v.find(v.tr.gettext("The PIN of this card is locked after three wrong tries. Have it reset at your city hall; this card cannot vote until then."),
                        "label", timeout=5) is not None,
                 "%s: the locked card: says where to reset it" % lang)
            t.ok(v.pin_dialog(timeout=2) is None, "%s: a locked card: the PIN is not asked again" % lang)
            back = v.find(v._("_Back to the Election"))
            t.ok(back is not None, "%s: a locked card: a way back" % lang)
            v.shot("locked")
            t.eq(chain.size(), before, "%s: nothing was sent from a locked card" % lang)
        else:
            v.type(v.pin)
            v.click(v._("_Sign and Cast"), root=dlg)
            t.ok(v.wait_page("Receipt", timeout=120), "%s: the right PIN after two wrong ones casts" % lang)
            t.eq(chain.size(), before + 1, "%s: exactly one ballot" % lang)


try:
    if sys.argv[1:] == ["states"]:
        run("en", "states")
        run("ja", "states")
    else:
        # English: two wrong PINs, the warning, then the right one (the
        # counter resets). Japanese: two wrong, the warning, a third: locked.
        # English again on the locked card: said before any PIN is asked.
        run("en", None)
        run("ja", "now")
        run("en", "already")
finally:
    session.stop()
t.done()
