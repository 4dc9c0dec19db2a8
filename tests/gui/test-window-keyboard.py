# The window with the keyboard only, and with large text (issue 5: "keyboard-
# only use works", "large text works"). A whole vote from the election page
# to the receipt is driven with key presses only (Tab, Shift+Tab, arrows,
# space, Enter, the PIN typed, Escape to dismiss the PIN dialog): AT-SPI only
# reads the state (the page shown, which control has the focus, which row is
# chosen, where each control is). Each page must put the focus on its
# suggested control when it appears, and the ballot's radio rows are chosen
# with the arrows and space.
#
# Large text: GTK 4 on X11 takes the text's resolution from the X resource
# Xft.dpi (the RESOURCE_MANAGER property of the root window, read when the
# app opens the display; gtk-xft-dpi in settings.ini is overridden by it):
# 144 dpi, text at 150 %. A label is measured at normal and at large text to
# prove that the setting takes. At large text, in English and in Japanese,
# every control the vote needs is visible and inside the window when the
# voter reaches it, and the window (and the PIN dialog) fit a 1280x900
# screen. Screenshots: keyboard-{en,ja}-NN-<page>.png.
# Card: voter-001 in reader 0.
import ctypes
import os
import sys
import time

os.environ["IPPYO_GUI_SCREEN"] = "1280x900x24"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from windowdriver import Voter, gh, session, t  # noqa: E402  (starts the session)
from dogtail import rawinput  # noqa: E402
import pyatspi  # noqa: E402

SCREEN = (1280, 900)
LARGE_DPI = 144


def xlib():
    x = ctypes.CDLL("libX11.so.6")
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XChangeProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong,
                                  ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                                  ctypes.c_int]
    x.XDeleteProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    x.XSetInputFocus.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    d = x.XOpenDisplay(session.env["DISPLAY"].encode())
    if not d:
        raise RuntimeError("cannot open the display")
    return x, d


def text_size(large):
    """Xft.dpi for every app started after this (none: 96 dpi), set on the
    session's display through Xlib (no X utility needed)."""
    x, d = xlib()
    root = x.XDefaultRootWindow(d)
    prop = x.XInternAtom(d, b"RESOURCE_MANAGER", 0)
    if large:
        data = b"Xft.dpi:\t%d\n" % LARGE_DPI
        x.XChangeProperty(d, root, prop, 31, 8, 0, data, len(data))   # XA_STRING, replace
    else:
        x.XDeleteProperty(d, root, prop)
    x.XCloseDisplay(d)                       # flushes


def focus_follows_pointer():
    """What a window manager does when a dialog closes: the keyboard goes
    back to the window under the pointer (the main window). With no window
    manager, GTK gave the dialog the X focus with RevertToParent, so the
    focus is left on the root window, where no key reaches the app."""
    x, d = xlib()
    root = x.XDefaultRootWindow(d)
    win = ctypes.c_ulong()
    child = ctypes.c_ulong()
    i = ctypes.c_int()
    u = ctypes.c_uint()
    x.XQueryPointer.argtypes = [ctypes.c_void_p, ctypes.c_ulong] + [ctypes.c_void_p] * 7
    x.XQueryPointer(d, root, ctypes.byref(win), ctypes.byref(child), ctypes.byref(i),
                    ctypes.byref(i), ctypes.byref(i), ctypes.byref(i), ctypes.byref(u))
    if child.value:
        x.XSetInputFocus(d, child.value, 1, 0)   # RevertToPointerRoot, CurrentTime
    x.XCloseDisplay(d)
    time.sleep(0.5)
    return child.value != 0


def state(node, which):
    try:
        return node.getState().contains(which)
    except Exception:  # noqa: BLE001 - the node went away
        return False


def extents(node):
    """(x, y, w, h) in the window's coordinates (GTK 4.8 has no screen ones)."""
    try:
        return tuple(node.queryComponent().getExtents(pyatspi.WINDOW_COORDS))
    except Exception:  # noqa: BLE001
        return None


def row_of(node):
    """The list row holding a control (the ballot's options), or None."""
    p = node
    for _ in range(4):
        p = p.parent
        if p is None:
            return None
        if p.roleName == "list item":
            return p
    return None


def has_focus(node):
    """The control, or the row it is the activatable widget of, has the focus."""
    if node is None:
        return False
    if state(node, pyatspi.STATE_FOCUSED):
        return True
    row = row_of(node)
    return row is not None and state(row, pyatspi.STATE_FOCUSED)


def focus_owner(root):
    """The focused node under root (for messages only): role and name."""
    stack = [root]
    seen = 0
    while stack and seen < 3000:
        n = stack.pop()
        seen += 1
        try:
            if n is not root and state(n, pyatspi.STATE_FOCUSED):
                return "%s %r" % (n.roleName, n.name)
            stack.extend(reversed(list(n.children)))
        except Exception:  # noqa: BLE001
            pass
    return "nothing"


def key(name):
    if name.startswith("<"):
        rawinput.keyCombo(name)
    else:
        rawinput.pressKey(name)
    time.sleep(0.3)


class KeyboardVoter(Voter):
    """Voter's pages and strings; the keyboard instead of AT-SPI actions."""

    def __init__(self, *args, large=False, **kw):
        super().__init__(*args, **kw)
        self.large = large

    def dialog_open(self):
        try:
            return any(w.name == self.tr.gettext("Card PIN") for w in self.root.children)
        except Exception:  # noqa: BLE001
            return True

    def frame(self):
        return self.find(None, "frame", pred=lambda x: x.name != self.tr.gettext("Card PIN"))

    def wait_focus(self, node, what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if has_focus(node):
                return True
            time.sleep(0.3)
        print("# %s: the focus is on %s, not on %s" % (self.lang, focus_owner(self.root), what),
              flush=True)
        return False

    def fits(self, node, what, window=None):
        """Large text: the control is visible and whole inside its window
        (GTK 4.8 sets no "showing" state; a hidden page's controls have no
        size)."""
        if not self.large:
            return
        win = window or self.frame()
        we = extents(win) if win is not None else None
        e = extents(node)
        ok = (we is not None and e is not None and state(node, pyatspi.STATE_VISIBLE)
              and e[2] > 0 and e[3] > 0 and e[0] >= 0 and e[1] >= 0
              and e[0] + e[2] <= we[2] and e[1] + e[3] <= we[3])
        t.ok(ok, "%s: large text: %s is visible inside the window (%r in %r)"
             % (self.lang, what, e, we))

    def fits_screen(self, win, what):
        if not self.large:
            return
        we = extents(win)
        t.ok(we is not None and 0 < we[2] <= SCREEN[0] and 0 < we[3] <= SCREEN[1],
             "%s: large text: the %s fits a %dx%d screen (%r)" % ((self.lang, what) + SCREEN + (we,)))

    def tab_to(self, node, what, key_name="Tab", limit=20):
        """Presses Tab (or another key) until the control has the focus."""
        for _ in range(limit):
            if has_focus(node):
                break
            key(key_name)
        ok = has_focus(node)
        if not ok:
            print("# %s: the focus is on %s" % (self.lang, focus_owner(self.root)), flush=True)
        t.ok(ok, "%s: %s reaches %s" % (self.lang, key_name, what))
        return ok

    def press(self, node, what, key_name="Return"):
        """The voter's key on a focused control (after the large-text check)."""
        self.fits(node, what)
        if not has_focus(node):
            raise RuntimeError("%s has lost the focus to %s" % (what, focus_owner(self.root)))
        key(key_name)

    def button(self, label, root=None, timeout=60):
        n = self.find(self._(label), "push button", timeout=timeout, root=root)
        if n is None:
            raise RuntimeError("no button %r on page %r" % (label, self.page()))
        if not self.wait_sensitive(n, timeout):
            raise RuntimeError("button %r stays insensitive" % label)
        return n

    def vote(self, address, first, second, audit=False):
        """From the empty election page to the receipt with keys only."""
        # The keys go where the pointer is (no window manager): over the
        # window, on no control of it.
        rawinput.absoluteMotion(5, 300)
        time.sleep(0.3)
        t.ok(self.wait_page("Election"), "%s: the window opens on the election page" % self.lang)
        self.fits_screen(self.frame(), "window")
        # libadwaita 1.2's entry row keeps its text out of the accessibility
        # tree, so its focus is not seen there: the address is typed without
        # moving the focus, and the election opening shows where it went.
        entry = self.find(self.tr.gettext("Election address"), "text")
        t.ok(entry is not None and state(entry, pyatspi.STATE_FOCUSABLE),
             "%s: the election page: the address field" % self.lang)
        self.fits(entry, "the address field")
        self.fits(self.button("_Open"), "Open")
        self.shot("open-election")
        rawinput.typeText(address)
        time.sleep(0.3)
        key("Return")                        # the entry activates Open
        vote = self.button("_Vote")
        t.ok(vote is not None, "%s: the address had the focus: typed and Enter, the election "
             "opens" % self.lang)
        t.ok(self.wait_focus(vote, "Vote"), "%s: the opened election: Vote has the focus" % self.lang)
        self.shot("election")
        self.press(vote, "Vote")

        t.ok(self.wait_page("Your Card"), "%s: the card page" % self.lang)
        cont = self.button("_Continue to the Ballot")
        t.ok(self.wait_focus(cont, "Continue"),
             "%s: the card is ready: Continue to the Ballot has the focus" % self.lang)
        self.shot("card-ready")
        self.press(cont, "Continue to the Ballot", "space")

        t.ok(self.wait_page("Ballot"), "%s: the ballot page" % self.lang)
        radios = [self.find(o, "radio button", timeout=10) for o in (first, second)]
        t.ok(None not in radios, "%s: the options are radio rows" % self.lang)
        if None in radios:
            raise RuntimeError("no radio rows")
        t.ok(self.wait_focus(radios[0], "the first option"),
             "%s: the ballot: the first option has the focus" % self.lang)
        review = self.find(self._("_Review"), "push button", timeout=5)
        t.ok(review is not None and not review.sensitive, "%s: Review waits for a choice" % self.lang)
        # Down to the second option, space; Up to the first, space: a radio
        # row chosen from the keyboard unchooses the other.
        self.tab_to(radios[1], "the option %r" % second, "Down", 3)
        self.press(radios[1], "the option %r" % second, "space")
        t.ok(state(radios[1], pyatspi.STATE_CHECKED) and not state(radios[0], pyatspi.STATE_CHECKED),
             "%s: space chooses %r" % (self.lang, second))
        self.tab_to(radios[0], "the option %r" % first, "Up", 3)
        self.press(radios[0], "the option %r" % first, "space")
        t.ok(state(radios[0], pyatspi.STATE_CHECKED) and not state(radios[1], pyatspi.STATE_CHECKED),
             "%s: space chooses %r instead" % (self.lang, first))
        t.ok(self.wait_sensitive(review, 10), "%s: a choice completes the ballot" % self.lang)
        self.shot("ballot")
        self.tab_to(review, "Review")
        self.press(review, "Review")

        t.ok(self.wait_page("Review"), "%s: the review page" % self.lang)
        cast = self.button("_Cast Ballot")
        t.ok(self.wait_focus(cast, "Cast Ballot"),
             "%s: the ballot is encrypted: Cast Ballot has the focus" % self.lang)
        code = self.tracking_code()
        t.ok(code is not None, "%s: the tracking code is shown" % self.lang)
        if code is not None:
            self.fits(self.find(code, "label"), "the tracking code")
        self.shot("review")
        chk = self.button("C_heck This Encryption")
        self.tab_to(chk, "Check This Encryption")
        self.fits(chk, "Check This Encryption")
        self.tab_to(cast, "Cast Ballot", "<Shift>Tab")
        if audit:
            self.tab_to(chk, "Check This Encryption")
            self.press(chk, "Check This Encryption")
            t.ok(self.wait_page("Check the Encryption"), "%s: the audit page" % self.lang)
            again = self.button("_Discard and Encrypt Again")
            t.ok(self.wait_focus(again, "Discard and Encrypt Again"),
                 "%s: the audit: Discard and Encrypt Again has the focus" % self.lang)
            self.shot("audit")
            self.press(again, "Discard and Encrypt Again")
            t.ok(self.wait_page("Review"), "%s: back to the review" % self.lang)
            cast = self.button("_Cast Ballot")
            t.ok(self.wait_focus(cast, "Cast Ballot"),
                 "%s: encrypted again: Cast Ballot has the focus" % self.lang)
            new = self.tracking_code()
            t.ok(new is not None and new != code, "%s: a new tracking code" % self.lang)

        # The PIN dialog: dismissed with Escape (nothing sent, the focus back
        # on Cast Ballot), opened again, the PIN typed, Enter.
        before = self.chain.size()
        self.press(cast, "Cast Ballot")
        dlg = self.pin_dialog()
        pin = self.find(self.tr.gettext("PIN"), "password text", root=dlg) if dlg else None
        t.ok(pin is not None and self.wait_focus(pin, "the PIN field"),
             "%s: the PIN dialog: the PIN field has the focus" % self.lang)
        if pin is None:
            raise RuntimeError("no PIN dialog")
        self.fits_screen(dlg, "PIN dialog")
        self.fits(pin, "the PIN field", dlg)
        self.fits(self.find(self._("_Sign and Cast"), "push button", root=dlg), "Sign and Cast", dlg)
        self.fits(self.find(self._("_Cancel"), "push button", root=dlg), "Cancel", dlg)
        key("Escape")
        gone = time.time() + 10
        while time.time() < gone and self.dialog_open():
            time.sleep(0.3)
        t.ok(not self.dialog_open(), "%s: Escape dismisses the PIN dialog" % self.lang)
        t.eq(self.chain.size(), before, "%s: nothing was sent" % self.lang)
        t.ok(self.page() == self.tr.gettext("Review"), "%s: back on the review" % self.lang)
        t.ok(focus_follows_pointer(), "%s: the pointer is over the window" % self.lang)
        t.ok(self.wait_focus(cast, "Cast Ballot"), "%s: Cast Ballot has the focus again" % self.lang)
        key("space")
        dlg = self.pin_dialog()
        t.ok(dlg is not None, "%s: space opens the PIN dialog again" % self.lang)
        pin = self.find(self.tr.gettext("PIN"), "password text", root=dlg) if dlg else None
        t.ok(pin is not None and self.wait_focus(pin, "the PIN field"),
             "%s: the PIN dialog again, the PIN field has the focus" % self.lang)
        if pin is None:
            raise RuntimeError("no PIN dialog")
        rawinput.typeText(self.pin)
        time.sleep(0.3)
        self.shot("pin")
        key("Return")                        # the entry activates Sign and Cast
        t.ok(self.wait_page("Receipt", timeout=120), "%s: the receipt page" % self.lang)
        focus_follows_pointer()
        t.eq(self.chain.size(), before + 1, "%s: exactly one more ballot in the chain" % self.lang)
        done = self.button("_Done")
        t.ok(self.wait_focus(done, "Done"), "%s: the receipt: Done has the focus" % self.lang)
        self.fits(done, "Done")
        self.shot("receipt")
        # The save buttons above, reached with Shift+Tab (the page scrolls
        # to them), then Tab back to Done.
        pdf, png = (self.button(label, timeout=5) for label in ("Save as _PDF…", "Save as _Image…"))
        self.tab_to(png, "Save as Image", "<Shift>Tab")
        self.fits(png, "Save as Image")
        self.tab_to(pdf, "Save as PDF", "<Shift>Tab")
        self.fits(pdf, "Save as PDF")
        self.tab_to(done, "Done")
        self.press(done, "Done")
        t.ok(self.wait_page("Election"), "%s: Done leads to the election" % self.lang)
        again = self.button("_Vote Again")
        t.ok(self.wait_focus(again, "Vote Again"),
             "%s: the election again: Vote Again has the focus" % self.lang)


def label_height(v, text):
    for _ in range(10):
        n = v.find(v.tr.gettext(text), "label", timeout=30)
        e = extents(n) if n is not None else None
        if e is not None and e[3] > 0:
            return e[3]
        time.sleep(0.5)
    return None


heights = []


def run(lang, chain, large, audit=False):
    text_size(large)
    home = os.path.join(session.tmp, "home-" + lang)
    v = KeyboardVoter(lang, home, chain, prefix="keyboard-" + lang, large=large)
    try:
        t.ok(v.attach(), "%s: ippyo is on the accessibility bus" % lang)
        v.wait_page("Election")
        heights.append(label_height(v, "Open an Election"))
        v.vote(chain.election_file(), *(("Candidate 0", "Candidate 1") if lang == "en"
                                        else ("候補者 0", "候補者 1")), audit=audit)
    except Exception as e:  # noqa: BLE001 - report and go on to clean up
        t.ok(False, "%s: %s" % (lang, e))
        session.screenshot("keyboard-%s-failure" % lang)
    finally:
        v.stop()


def normal_height():
    """The same label at normal text, in English (the app only opened)."""
    text_size(False)
    v = Voter("en", os.path.join(session.tmp, "home-normal"), None, prefix="keyboard-normal")
    try:
        t.ok(v.attach(), "normal text: ippyo is on the accessibility bus")
        v.wait_page("Election")
        return label_height(v, "Open an Election")
    finally:
        v.stop()


chain = gh.vh.Chain().start()
try:
    normal = normal_height()
    run("en", chain, True, audit=True)
    large = heights[0] if heights else None
    t.ok(normal and large and large >= 1.3 * normal,
         "large text makes the text larger: a title %r px high, %r at normal text"
         % (large, normal))
    run("ja", chain, True)
finally:
    chain.cleanup()
    session.stop()
t.done()
