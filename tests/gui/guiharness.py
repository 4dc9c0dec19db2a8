# Shared harness of the gui suite: a private X display (Xvfb), a session bus
# with the AT-SPI bus, the real ippyo window, screenshots, and dogtail to
# find controls by accessible name and role as a voter (or a screen reader)
# does. Each process started here is stopped by its PID.
import os
import signal
import subprocess
import sys
import tempfile
import time

SOURCE = os.environ.get("IPPYO_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(SOURCE, "tests", "client"))
import voterharness as vh  # noqa: E402

BUILD = vh.BUILD
IPPYO = os.path.join(BUILD, "client", "ippyo")
SHOTS = os.path.join(BUILD, "tests", "gui", "screenshots")
Tap = vh.Tap


class Session:
    """Xvfb + a D-Bus session bus + the AT-SPI bus, in private folders."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="ippyo-gui-")
        self.procs = []
        env = dict(os.environ)
        for k in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS"):
            env.pop(k, None)
        env["XDG_RUNTIME_DIR"] = os.path.join(self.tmp, "run")
        env["XDG_CONFIG_HOME"] = os.path.join(self.tmp, "config")
        env["XDG_CACHE_HOME"] = os.path.join(self.tmp, "cache")
        for k in ("XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
            os.makedirs(env[k], mode=0o700, exist_ok=True)
        # No cursor blink: with no window manager, X focus follows the pointer,
        # and a blink timeout without focus makes GTK warn.
        os.makedirs(os.path.join(env["XDG_CONFIG_HOME"], "gtk-4.0"))
        with open(os.path.join(env["XDG_CONFIG_HOME"], "gtk-4.0", "settings.ini"), "w") as f:
            f.write("[Settings]\ngtk-cursor-blink=false\n")
        r, w = os.pipe()
        # IPPYO_GUI_SCREEN: a taller screen for a test whose page must fit whole.
        screen = os.environ.get("IPPYO_GUI_SCREEN", "1024x768x24")
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", screen,
                                 "-nolisten", "tcp"], pass_fds=(w,),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        self.procs.append(xvfb)
        display = b""
        with os.fdopen(r, "rb") as f:
            display = f.readline().strip()
        if not display:
            raise RuntimeError("Xvfb did not start")
        env["DISPLAY"] = ":" + display.decode()
        out = subprocess.run(["dbus-launch", "--sh-syntax"], env=env, capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            if "=" in line and line.startswith("DBUS_SESSION_BUS_"):
                k, v = line.rstrip(";").split("=", 1)
                v = v.strip("'")
                env[k] = v
        self.dbus_pid = int(env["DBUS_SESSION_BUS_PID"])
        launcher = "/usr/libexec/at-spi-bus-launcher"
        self.procs.append(subprocess.Popen([launcher, "--launch-immediately"], env=env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        self.env = env
        time.sleep(0.5)

    def screenshot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        path = os.path.join(SHOTS, name + ".png")
        subprocess.run(["import", "-window", "root", path], env=self.env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return path

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        try:
            os.kill(self.dbus_pid, signal.SIGTERM)
        except (AttributeError, ProcessLookupError):
            pass


class App:
    """The real ippyo under the session, in a language, with its own data folder."""

    def __init__(self, session, lang, home, args=(), window_size=None):
        env = dict(session.env)
        env["LANGUAGE"] = lang
        env["LANG"] = "C.UTF-8"
        env["LC_ALL"] = "C.UTF-8"
        env["IPPYO_LOCALEDIR"] = os.path.join(BUILD, "po")
        env["GSETTINGS_SCHEMA_DIR"] = os.path.join(BUILD, "data")
        env["GSETTINGS_BACKEND"] = "memory"
        if window_size is not None:
            # The window's size from GLib's keyfile settings backend
            # ($XDG_CONFIG_HOME/glib-2.0/settings/keyfile, private to the session).
            conf = os.path.join(env["XDG_CONFIG_HOME"], "glib-2.0", "settings")
            os.makedirs(conf, exist_ok=True)
            with open(os.path.join(conf, "keyfile"), "w") as f:
                f.write("[jp/ippyo/Voter]\nwindow-width=%d\nwindow-height=%d\n" % window_size)
            env["GSETTINGS_BACKEND"] = "keyfile"
        env["GTK_A11Y"] = "atspi"
        env["GSK_RENDERER"] = "cairo"
        env["GDK_BACKEND"] = "x11"
        env["NO_AT_BRIDGE"] = "0"
        env["G_DEBUG"] = "fatal-criticals"
        env["XDG_DATA_HOME"] = home
        self.log = os.path.join(session.tmp, "ippyo-%s.log" % lang)
        self.logf = open(self.log, "w")
        self.proc = subprocess.Popen([IPPYO] + list(args), env=env, stdout=self.logf,
                                     stderr=subprocess.STDOUT)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()
        return self.proc.returncode

    def output(self):
        with open(self.log) as f:
            return f.read()
