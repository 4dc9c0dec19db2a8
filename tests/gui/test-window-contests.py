# The window on an election made as officials make it (ippyo-tally keygen,
# init, a 2-of-3 ceremony, seal; ippyo-chaind with a witness, as in the e2e
# suite): a 1-of-n contest that may be left blank (radio rows and "Leave
# blank") and a k-of-n contest (check rows; the limit enforced as the
# voter clicks: once 2 are chosen the others cannot be), in English and in
# Japanese; the receipt saved as PDF and as PNG through the window's save
# dialog, and the files checked (the PNG decodes at its size, the PDF is a
# PDF naming the tracking code); a revoked card (on the roll) refused on the
# card page, before any ballot, in the voter's words (the chain's refusal at
# cast is tested in the client suite, voter-rejections-a). Cards: voter-005 in
# reader 0, revoked in reader 1. Screenshots: contests-{en,ja}-NN-<page>.png.
import os
import shutil
import signal
import subprocess
import sys
import time

os.environ["IPPYO_GUI_SCREEN"] = "1024x1024x24"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from windowdriver import Voter, card_services, gh, session, t, vcard_signal  # noqa: E402

sys.path.insert(0, os.path.join(gh.SOURCE, "tests", "e2e"))
import e2eharness as eh  # noqa: E402

# The contests, with Japanese and English titles.
CONTESTS = [
    ("mayor", "市長", "Mayor", 0, 1,
     [("tanaka", "田中 花子", "Tanaka Hanako"), ("sato", "佐藤 太郎", "Sato Taro"),
      ("suzuki", "鈴木 一郎", "Suzuki Ichiro")]),
    ("council", "市議会議員", "City council", 0, 2,
     [("ito", "伊藤 美咲", "Ito Misaki"), ("watanabe", "渡辺 健", "Watanabe Ken"),
      ("yamamoto", "山本 さくら", "Yamamoto Sakura"), ("nakamura", "中村 翔", "Nakamura Sho")]),
]


def contests_toml():
    out = []
    for cid, ja, en, lo, hi, opts in CONTESTS:
        out.append('[[contest]]\nid = "%s"\ntitle_ja = "%s"\ntitle_en = "%s"\nmin = %d\nmax = %d\n'
                   % (cid, ja, en, lo, hi))
        for oid, oja, oen in opts:
            out.append('[[contest.option]]\nid = "%s"\ntitle_ja = "%s"\ntitle_en = "%s"\n'
                       % (oid, oja, oen))
    return "\n".join(out)


def title(lang, entry):
    return entry[1] if lang == "ja" else entry[2]


def checked(node):
    import pyatspi
    try:
        return node.getState().contains(pyatspi.STATE_CHECKED)
    except Exception:  # noqa: BLE001
        return None


def export(v, button, path):
    """Save as PDF/Image: the save dialog, a file name typed, Save."""
    v.click(v._(button))
    dlg = None
    deadline = time.time() + 30
    while dlg is None and time.time() < deadline:
        for w in v.root.children:
            if w.name == v.tr.gettext("Save Receipt"):
                dlg = w
        time.sleep(0.3)
    if dlg is None:
        raise RuntimeError("no save dialog")
    # The name field has the keyboard focus with the name selected: the
    # voter types over it, here a whole path (the file chooser takes one).
    from dogtail import rawinput
    rawinput.absoluteMotion(100, 100)
    time.sleep(0.3)
    rawinput.keyCombo("<Control>a")
    time.sleep(0.2)
    rawinput.typeText(path)
    time.sleep(0.5)
    rawinput.pressKey("Return")          # the dialog's default: Save
    deadline = time.time() + 30
    while time.time() < deadline and not (os.path.exists(path) and os.path.getsize(path) > 0):
        time.sleep(0.3)
    time.sleep(1)


def check_png(lang, path):
    """Decodes the whole image (GdkPixbuf, else ImageMagick) and checks its size."""
    try:
        import gi
        gi.require_version("GdkPixbuf", "2.0")
        from gi.repository import GdkPixbuf
        pb = GdkPixbuf.Pixbuf.new_from_file(path)
        size = (pb.get_width(), pb.get_height())
    except ImportError:
        r = subprocess.run(["convert", path, "-format", "%w %h", "info:"], capture_output=True,
                           text=True)
        size = tuple(int(x) for x in r.stdout.split()) if r.returncode == 0 else None
    except Exception as e:  # noqa: BLE001 - a PNG that does not decode
        print("# %s" % e)
        size = None
    t.eq(size, (840, 1190), "%s: the receipt PNG decodes, 840x1190 (A5 at 2 px/pt)" % lang)


def check_pdf(lang, path, code):
    with open(path, "rb") as f:
        head = f.read(5)
    t.eq(head, b"%PDF-", "%s: the receipt PDF is a PDF" % lang)
    r = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True)
    t.ok(r.returncode == 0 and code in r.stdout,
         "%s: the receipt PDF names the tracking code %s" % (lang, code))
    t.ok(r.returncode == 0 and title(lang, ("", "2027年 一票市 市長・市議会議員選挙（試験）",
                                             "Ippyo City mayoral and council elections (test)"))
         .split()[0] in r.stdout, "%s: and the election" % lang)


def ballot(v, lang):
    """On the ballot page: blank mayor, two council members, the limit."""
    mayor, council = CONTESTS
    blank = v.find(v.tr.gettext("Leave blank"), "radio button")
    t.ok(blank is not None, "%s: a contest with min 0 offers Leave blank" % lang)
    t.ok(blank is not None and checked(blank), "%s: blank is chosen until the voter chooses" % lang)
    radios = [v.find(title(lang, o), "radio button", timeout=5) for o in mayor[5]]
    t.ok(all(r is not None for r in radios), "%s: the 1-of-n contest has radio rows" % lang)
    boxes = [v.find(title(lang, o), "check box", timeout=5) for o in council[5]]
    t.ok(all(b is not None for b in boxes), "%s: the k-of-n contest has check rows" % lang)
    review = v.find(v._("_Review"))
    t.ok(review is not None and v.wait_sensitive(review, 5),
         "%s: min 0 everywhere: a blank ballot may be reviewed" % lang)
    from windowdriver import act
    act(boxes[0])
    act(boxes[1])
    time.sleep(0.5)
    t.ok(checked(boxes[0]) and checked(boxes[1]), "%s: two council members chosen" % lang)
    t.ok(not boxes[2].sensitive and not boxes[3].sensitive,
         "%s: at the limit (2) the other check rows cannot be chosen" % lang)
    act(boxes[2])
    time.sleep(0.5)
    t.ok(not checked(boxes[2]), "%s: a click on a third does not choose it" % lang)
    rule = v.tr.ngettext("Choose up to %u, or leave it blank.", "Choose up to %u, or leave it blank.", 2) % 2
    chosen = v.tr.ngettext("%s %u chosen.", "%s %u chosen.", 2) % (rule, 2)
    t.ok(v.find(chosen, "label", timeout=5) is not None, "%s: the contest says 2 of up to 2 chosen" % lang)
    v.shot("ballot-limit")
    act(boxes[1])
    time.sleep(0.5)
    t.ok(not checked(boxes[1]) and boxes[2].sensitive,
         "%s: unchoosing one frees the others" % lang)
    act(boxes[2])
    time.sleep(0.5)
    t.ok(checked(boxes[0]) and checked(boxes[2]) and not boxes[1].sensitive,
         "%s: another second choice, the limit again" % lang)
    v.shot("ballot")
    review.doActionNamed("click")
    t.ok(v.wait_page("Review"), "%s: the review page" % lang)
    sep = v.tr.gettext(", ")
    want = {v.tr.gettext("Blank"), title(lang, council[5][0]) + sep + title(lang, council[5][2])}
    found = [v.find(w, None, timeout=5) for w in want]
    t.ok(all(x is not None for x in found), "%s: the review shows blank and the two chosen" % lang)
    cast = v.find(v._("_Cast Ballot"))
    t.ok(cast is not None and v.wait_sensitive(cast, 60), "%s: encrypted" % lang)
    v.shot("review")


def run(lang, el):
    home = os.path.join(session.tmp, "contests-home-" + lang)
    # A window tall enough for the whole ballot: rows are clicked where they are.
    v = Voter(lang, home, el, card="voter-005", prefix="contests-" + lang,
              window_size=(720, 1000))
    try:
        t.ok(v.attach(), "%s: ippyo is on the accessibility bus" % lang)
        v.open_election(el.path("election.json"), shots=False)
        vcard_signal(1, signal.SIGUSR1)          # only the voter's card
        v.click(v._("_Vote"))
        cont = v.find(v._("_Continue to the Ballot"), timeout=60)
        t.ok(cont is not None, "%s: the card is ready" % lang)
        v.click(v._("_Continue to the Ballot"))
        t.ok(v.wait_page("Ballot"), "%s: the ballot page" % lang)
        ballot(v, lang)
        code = v.tracking_code()
        before = el.status()["size"]
        dlg = v.open_pin_dialog(3)
        v.type(v.pin)
        v.click(v._("_Sign and Cast"), root=dlg)
        t.ok(v.wait_page("Receipt", timeout=120), "%s: the receipt (witness cosigned)" % lang)
        t.eq(el.status()["size"], before + 1, "%s: one more ballot in the chain" % lang)
        v.shot("receipt")
        out = os.path.join(session.tmp, "export-" + lang)
        os.makedirs(out, exist_ok=True)
        pdf = os.path.join(out, "receipt.pdf")
        png = os.path.join(out, "receipt.png")
        export(v, "Save as _PDF…", pdf)
        t.ok(os.path.exists(pdf), "%s: the receipt saved as PDF" % lang)
        if os.path.exists(pdf):
            check_pdf(lang, pdf, code or "?")
            shutil.copy(pdf, os.path.join(gh.SHOTS, "contests-%s-receipt.pdf" % lang))
        export(v, "Save as _Image…", png)
        t.ok(os.path.exists(png), "%s: the receipt saved as PNG" % lang)
        if os.path.exists(png):
            check_png(lang, png)
            shutil.copy(png, os.path.join(gh.SHOTS, "contests-%s-receipt-image.png" % lang))

        # A revoked card, on the roll: the card page checks it against the
        # chain's CRL (GET /v1/jpki, verified against the manifest's CA) and
        # says so before any ballot; the ballot cannot be started.
        v.click(v._("_Done"))
        t.ok(v.wait_page("Election"), "%s: back to the election" % lang)
        vcard_signal(0, signal.SIGUSR1)
        card_services("put", 1)
        before = el.status()["size"]
        v.click(v._("_Vote Again"))
        t.ok(v.wait_page("Your Card"), "%s: the card page" % lang)
        t.ok(v.find(v.tr.gettext("The Card’s Certificate Was Revoked"), "label", timeout=60) is not None,
             "%s: a revoked card: the card page says so before the ballot" % lang)
        t.ok(v.find(v.tr.gettext("The electronic certificate on your card was revoked, for example after the card was reported lost. Ask your city hall for a new certificate."),
                    "label", timeout=5) is not None, "%s: and says what to do" % lang)
        t.ok(v.find(v._("_Continue to the Ballot"), timeout=1) is None,
             "%s: a revoked card cannot start the ballot" % lang)
        v.shot("revoked")
        t.eq(el.status()["size"], before, "%s: nothing recorded from a revoked card" % lang)
    except Exception as e:  # noqa: BLE001 - report and go on to clean up
        t.ok(False, "%s: %s" % (lang, e))
        session.screenshot("contests-%s-failure" % lang)
    finally:
        v.stop()
        for n in (0, 1):
            try:
                card_services("put", n)
            except Exception:  # noqa: BLE001 - already in
                pass


eh.contests_toml = contests_toml
eh.ELECTION_TOML = eh.ELECTION_TOML.replace("一票市 市長選挙・市議会議員選挙（試験）",
                                            "2027年 一票市 市長・市議会議員選挙（試験）")
el = None
try:
    el = eh.Election(gh.vh.pki(), ["voter-005", "revoked"], eid="2027-ippyo-gui")
    el.start_witness()
    el.start_chain()
    run("en", el)
    run("ja", el)
finally:
    if el is not None:
        el.cleanup()
    session.stop()
t.done()
