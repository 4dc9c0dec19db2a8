# The window driver of the gui suite's tests: a session (Xvfb, session bus,
# AT-SPI bus), dogtail set up on it, and Voter, which drives the real ippyo
# window in one language as a voter does: by accessible names and roles,
# with the window's strings taken from the built translations. Each test
# file imports it once (the session starts then) and calls session.stop()
# and t.done() at its end. Screenshots: <build>/tests/gui/screenshots/.
import gettext
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guiharness as gh  # noqa: E402

# GLib's fatal warnings are for the code under test (the app gets
# G_DEBUG=fatal-criticals), not for this driver's AT-SPI client library.
os.environ.pop("G_DEBUG", None)
t = gh.Tap()
session = gh.Session()
# dogtail talks to the AT-SPI bus of this session; it wants accessibility on.
for k in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"):
    os.environ[k] = session.env[k]
os.environ["GSETTINGS_BACKEND"] = "memory"
from gi.repository import Gio  # noqa: E402

Gio.Settings.new("org.gnome.desktop.interface").set_boolean("toolkit-accessibility", True)
# The settings object (the module dogtail.config has the same name), set before
# dogtail's first log line: its log goes to stdout by default, which is this
# test's TAP stream.
from dogtail.config import config  # noqa: E402

config.logDebugToFile = False
config.logDebugToStdOut = False
config.searchShowingOnly = False
config.defaultDelay = 0.3
config.actionDelay = 0.3
config.searchCutoffCount = 3
from dogtail import rawinput, tree  # noqa: E402
import pyatspi  # noqa: E402

def wrong_pin(card):
    pin = gh.vh.card_pin(card)
    return "0000" if pin != "0000" else "1111"


def vcard_signal(n, sig):
    """Pulls (SIGUSR1) or puts back (SIGUSR2) the virtual card in reader n."""
    os.kill(int(os.environ["IPPYO_VCARD_PIDS"].split()[n]), sig)


def card_services(*args):
    """card-services pull/put/pcscd-stop/pcscd-start DIR ... (waits as it does)."""
    subprocess.run([os.environ["IPPYO_CARD_SERVICES"], args[0],
                    os.environ["IPPYO_CARD_SERVICES_DIR"]] + [str(a) for a in args[1:]],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def act(node):
    """Activates a control by the action it offers; GTK 4.8 gives check buttons
    none, so those are clicked with the pointer, as a voter does, in the middle
    of their row (window coordinates: the window sits at the screen's origin,
    there is no window manager; GTK 4.8 does not report screen coordinates)."""
    names = list(node.actions.keys())
    for want in ("click", "activate", "press", "toggle"):
        if want in names:
            node.doActionNamed(want)
            return
    row = node
    while row is not None and row.roleName != "list item":
        row = row.parent
    x, y, w, h = (row or node).queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    rawinput.click(x + w // 2, y + h // 2)


class Voter:
    """One language: the window's strings come from the built translations.

    GTK 4.8 reports every widget of a GtkStack as "showing", so a page is
    recognised by the title in the header bar, and a hidden widget is not
    in the accessibility tree at all.
    """

    def __init__(self, lang, home, chain, card="voter-001", args=(), prefix=None,
                 window_size=None):
        self.lang = lang
        self.pin = gh.vh.card_pin(card)
        self.wrong = wrong_pin(card)
        self.prefix = prefix or lang
        self.tr = gettext.translation("ippyo", localedir=os.path.join(gh.BUILD, "po"),
                                      languages=[lang])
        self.chain = chain
        self.home = home
        self.app = gh.App(session, lang, home, list(args), window_size)
        self.root = None
        self.n = 0

    def _(self, s):
        """A button's accessible name: the translation without its mnemonic."""
        s = self.tr.gettext(s)
        s = re.sub(r"\(_[A-Za-z0-9]\)$", "", s)
        return s.replace("_", "")

    def attach(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                for a in tree.root.applications():
                    if a.name == "ippyo":
                        self.root = a
                        return True
            except Exception:  # noqa: BLE001 - the bus is still settling
                pass
            time.sleep(0.5)
        return False

    def find(self, name, role=None, timeout=30, pred=None, root=None):
        """The control with this accessible name (and role), waiting for it."""
        deadline = time.time() + timeout
        while True:
            try:
                n = (root or self.root).findChild(
                    lambda x: (name is None or x.name == name)
                    and (role is None or x.roleName == role)
                    and (pred is None or pred(x)), retry=False, requireResult=False)
                if n is not None:
                    return n
            except Exception:  # noqa: BLE001 - nodes come and go while we look
                pass
            if time.time() > deadline:
                return None
            time.sleep(0.3)

    def page(self):
        """The title in the header bar: the first label of the window."""
        try:
            frame = self.root.findChild(lambda x: x.roleName == "frame" and x.name != self.tr.gettext("Card PIN"),
                                        recursive=False, retry=False, requireResult=False)
            label = frame.findChild(lambda x: x.roleName == "label", retry=False,
                                    requireResult=False)
            return label.name if label is not None else None
        except Exception:  # noqa: BLE001
            return None

    def wait_page(self, title, timeout=60):
        want = self.tr.gettext(title)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.page() == want:
                return True
            time.sleep(0.3)
        print("# %s: on page %r, waiting for %r" % (self.lang, self.page(), want), flush=True)
        return False

    def wait_sensitive(self, node, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if node.sensitive:
                return True
            time.sleep(0.3)
        return False

    def click(self, name, role="push button", timeout=30, root=None):
        n = self.find(name, role, timeout, root=root)
        if n is None:
            raise RuntimeError("no %s %r on page %r" % (role, name, self.page()))
        if not self.wait_sensitive(n):
            raise RuntimeError("%s %r stays insensitive" % (role, name))
        n.doActionNamed("click")
        return n

    def type(self, text):
        """Keys, as typed: X focus follows the pointer (no window manager), and
        the window and the PIN dialog put the keyboard focus in their field."""
        rawinput.absoluteMotion(100, 100)
        time.sleep(0.3)
        rawinput.typeText(text)
        time.sleep(0.3)

    def shot(self, name):
        time.sleep(1.0)        # let the slide transition finish
        self.n += 1
        p = session.screenshot("%s-%02d-%s" % (self.prefix, self.n, name))
        t.ok(os.path.getsize(p) > 0, "%s: screenshot %s" % (self.lang, os.path.basename(p)))

    def open_election(self, address, shots=True):
        t.ok(self.wait_page("Election"), "%s: the window opens on the election page" % self.lang)
        entry = self.find(self.tr.gettext("Election address"), "text")
        t.ok(entry is not None, "%s: the address field is named" % self.lang)
        if shots:
            self.shot("open-election")
        self.type(address)
        self.click(self._("_Open"))
        vote = self.find(self._("_Vote"))
        t.ok(vote is not None and self.wait_sensitive(vote),
             "%s: the election opens and offers to vote" % self.lang)
        state = self.find(self.tr.gettext("State"), "list item")
        t.ok(state is not None, "%s: the poll state is shown" % self.lang)
        if shots:
            self.shot("election")

    def card_and_ballot(self, option, revote=False, from_card=False):
        """From the election page (or, from_card, the card page) to an
        encrypted ballot on the review page, choosing `option`."""
        if not from_card:
            self.click(self._("_Vote Again") if revote else self._("_Vote"))
            t.ok(self.wait_page("Your Card"), "%s: the card page" % self.lang)
            cont = self.find(self._("_Continue to the Ballot"), timeout=60)
            t.ok(cont is not None, "%s: the card is read and on the roll" % self.lang)
            self.shot("card-ready" if not revote else "card-ready-revote")
        self.click(self._("_Continue to the Ballot"))
        t.ok(self.wait_page("Ballot"), "%s: the ballot page" % self.lang)
        radio = self.find(option, "radio button")
        t.ok(radio is not None, "%s: the option %r is a radio row" % (self.lang, option))
        if radio is None:
            for x in self.root.findChildren(lambda x: option in (x.name or "")):
                print("# %s %r" % (x.roleName, x.name))
        review = self.find(self._("_Review"))
        if not revote:
            t.ok(review is not None and not review.sensitive,
                 "%s: Review waits for a choice" % self.lang)
        act(radio)
        t.ok(self.wait_sensitive(review, 10), "%s: a choice completes the ballot" % self.lang)
        if not from_card:
            self.shot("ballot" if not revote else "ballot-revote")
        review.doActionNamed("click")
        t.ok(self.wait_page("Review"), "%s: the review page" % self.lang)
        cast = self.find(self._("_Cast Ballot"))
        t.ok(cast is not None and self.wait_sensitive(cast, 60),
             "%s: the ballot is encrypted and can be cast" % self.lang)

    def tracking_code(self):
        """The review page's tracking code: a label reading like XXXX-XXXX-…"""
        n = self.find(None, "label", timeout=10,
                      pred=lambda x: re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3,}", x.name or ""))
        return n.name if n is not None else None

    def audit(self):
        code = self.tracking_code()
        t.ok(code is not None and len(code) >= 16, "%s: the tracking code is shown" % self.lang)
        self.click(self._("C_heck This Encryption"))
        t.ok(self.wait_page("Check the Encryption"), "%s: the audit page" % self.lang)
        rec = self.find(None, "label", pred=lambda x: (x.name or "").startswith("{"))
        t.ok(rec is not None, "%s: the audit record is shown" % self.lang)
        t.ok(self.find(self.tr.gettext("QR code of the audit record"), "image") is not None,
             "%s: and its QR code" % self.lang)
        self.shot("audit")
        record = rec.name if rec is not None else ""
        # The second device: another process, another data folder, no card.
        second = gh.vh.Voter()
        path = os.path.join(second.home, "audit.json")
        with open(path, "w") as f:
            f.write(record)
        rc, doc, _ = second.json("audit", path, env={"IPPYO_PKCS11_MODULE": "/nonexistent"})
        t.ok(rc == 0 and doc is not None and doc.get("result") == "correct",
             "%s: ippyo-vote audit on a second device confirms the shown record" % self.lang)
        self.click(self._("_Discard and Encrypt Again"))
        t.ok(self.wait_page("Review"), "%s: back to the review after the audit" % self.lang)
        cast = self.find(self._("_Cast Ballot"))
        t.ok(cast is not None and self.wait_sensitive(cast, 60),
             "%s: encrypted again after the audit" % self.lang)
        new = self.tracking_code()
        t.ok(new and code and new != code, "%s: a new tracking code after the audit" % self.lang)

    def pin_dialog(self, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                for w in self.root.children:
                    if w.name == self.tr.gettext("Card PIN"):
                        return w
            except Exception:  # noqa: BLE001
                pass
            time.sleep(0.3)
        return None

    def tries_label(self, dlg, n, timeout=10):
        return self.find(self.tr.ngettext("%d try left before the card locks.",
                                          "%d tries left before the card locks.", n) % n,
                         "label", root=dlg, timeout=timeout) if dlg else None

    def open_pin_dialog(self, tries):
        """Cast Ballot on the review page: the PIN dialog with the tries left."""
        self.click(self._("_Cast Ballot"))
        dlg = self.pin_dialog()
        t.ok(dlg is not None and self.tries_label(dlg, tries) is not None,
             "%s: the PIN dialog shows %d tries left" % (self.lang, tries))
        return dlg

    def wrong_pin(self, dlg, left):
        """A wrong PIN: never retried, the dialog comes back with `left` tries."""
        self.type(self.wrong)
        self.click(self._("_Sign and Cast"), root=dlg)
        time.sleep(1)
        dlg = self.pin_dialog()
        if left == 1:
            want = self.tr.gettext("Wrong PIN. Only one try is left: if the next PIN is wrong too, "
                                   "the card locks and only your city hall can unlock it.")
        else:
            want = self.tr.ngettext("Wrong PIN. %d try left.", "Wrong PIN. %d tries left.",
                                    left) % left
        err = self.find(want, "label", root=dlg, timeout=10) if dlg else None
        t.ok(dlg is not None and self.tries_label(dlg, left) is not None and err is not None,
             "%s: a wrong PIN: the dialog asks again, says so, %d left" % (self.lang, left))
        return dlg

    def cast(self, wrong_first=False, revote=False):
        self.shot("review" if not revote else "review-revote")
        before = self.chain.size()
        self.click(self._("_Cast Ballot"))
        dlg = self.pin_dialog()
        t.ok(dlg is not None, "%s: the PIN dialog opens" % self.lang)
        pin = self.find(self.tr.gettext("PIN"), "password text", root=dlg)
        t.ok(pin is not None, "%s: the PIN field is named" % self.lang)
        tries = self.find(self.tr.ngettext("%d try left before the card locks.",
                                           "%d tries left before the card locks.", 3) % 3,
                          "label", root=dlg, timeout=5)
        t.ok(tries is not None, "%s: the PIN dialog shows the tries left" % self.lang)
        sign = self.find(self._("_Sign and Cast"), root=dlg)
        t.ok(sign is not None and not sign.sensitive, "%s: no PIN, no signing" % self.lang)
        if wrong_first:
            self.type(self.wrong)
            self.shot("pin")
            self.click(self._("_Sign and Cast"), root=dlg)
            time.sleep(1)
            dlg = self.pin_dialog()
            pin = self.find(self.tr.gettext("PIN"), "password text", root=dlg) if dlg else None
            tries = self.find(self.tr.ngettext("%d try left before the card locks.",
                                               "%d tries left before the card locks.", 2) % 2,
                              "label", root=dlg, timeout=10) if dlg else None
            t.ok(pin is not None and tries is not None,
                 "%s: a wrong PIN is not retried: the dialog asks again, 2 tries left" % self.lang)
            t.eq(self.chain.size(), before, "%s: nothing was sent with the wrong PIN" % self.lang)
            self.shot("pin-wrong")
        else:
            self.shot("pin")
        self.type(self.pin)
        self.click(self._("_Sign and Cast"), root=dlg)
        t.ok(self.wait_page("Receipt", timeout=120), "%s: the receipt page" % self.lang)
        done = self.find(self.tr.gettext("Your Ballot Is Recorded"), "label")
        t.ok(done is not None, "%s: the receipt is verified and said so" % self.lang)
        t.eq(self.chain.size(), before + 1, "%s: exactly one more ballot in the chain" % self.lang)
        self.shot("receipt" if not revote else "receipt-revote")

    def check(self):
        self.click(self._("_Done"))
        t.ok(self.wait_page("Election"), "%s: Done leads to the election" % self.lang)
        again = self.find(self._("_Vote Again"))
        t.ok(again is not None, "%s: the election offers to vote again" % self.lang)
        self.shot("election-voted")
        self.click(self._("C_heck My Ballot"))
        t.ok(self.wait_page("Check My Ballot"), "%s: the check page" % self.lang)
        self.shot("check")
        self.click(self._("_Check Now"))
        fine = self.find(self.tr.gettext("Your Ballot Is in the Chain"), "label", timeout=60)
        t.ok(fine is not None, "%s: check my ballot: still in the chain" % self.lang)
        self.shot("check-fine")
        self.click(self.tr.gettext("Back"))
        t.ok(self.wait_page("Election"), "%s: back to the election" % self.lang)

    def stop(self):
        rc = self.app.stop()
        out = self.app.output()
        bad = [l for l in out.splitlines() if "CRITICAL" in l or "WARNING" in l]
        for l in bad:
            print("# " + l)
        if rc not in (0, -15):
            print("# ippyo exited with %r:" % rc)
            for l in out.splitlines()[-15:]:
                print("#   " + l)
        t.ok(rc in (0, -15) and not bad, "%s: no GTK critical or warning" % self.lang)


