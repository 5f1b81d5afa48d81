"""make dist-test: the wheel as a class gets it.

packaging/dist.sh builds the wheel, then runs this script, which installs the wheel into
a fresh virtual environment with no cargo (nor rustc, nor rustup) on the PATH, in an
empty directory far from the checkout, and runs the installed `netlab` as a student
would: --version, stages, explain, check (against a small correct server), and stage 7,
which it chats with once and then quits through its console. It prints a transcript, one
PASS or FAIL per step, and `N passed, M failed` last. Every wait is bounded.

Standard library only: it runs with the python3 that made the virtual environments.
"""

import argparse
import glob
import os
import platform
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# How many lines of a command's output the transcript shows.
SHOWN = 12


def show(command, output, limit=SHOWN, tail=False):
    """Prints a command and the first (or last) `limit` lines of what it printed."""
    print("$ " + command)
    lines = output.rstrip("\n").split("\n") if output.strip() else []
    more = "  ... ({} lines left out)".format(len(lines) - limit)
    if tail and len(lines) > limit:
        print(more)
    for line in lines[-limit:] if tail else lines[:limit]:
        print("  " + line)
    if not tail and len(lines) > limit:
        print(more)


class Steps:
    """The steps run so far, and which failed."""

    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, name, ok, why=""):
        if ok:
            self.passed += 1
            print("PASS " + name)
        else:
            self.failed.append(name)
            print("FAIL {}: {}".format(name, why))
        print()
        return ok


def run(argv, env, cwd, timeout):
    """Runs a command to its end, at most `timeout` seconds; stdout and stderr together."""
    try:
        done = subprocess.run(
            argv,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
        return done.returncode, done.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        return None, out + "\n(still running after {} s: stopped)".format(timeout)


def without_rust(path):
    """PATH without the directories that hold cargo, rustc or rustup: no Rust at all."""
    rust = ("cargo", "rustc", "rustup")
    keep = [
        d
        for d in path.split(os.pathsep)
        if d and not any(os.access(os.path.join(d, t), os.X_OK) for t in rust)
    ]
    return os.pathsep.join(keep)


def stage7(steps, env, cwd):
    """`netlab stage 7 --port 0`: one client chats, then `quit` on the console ends it."""
    name = "stage 7 serves a client and quits through stdin"
    argv = ["netlab", "stage", "7", "--port", "0"]
    server = subprocess.Popen(
        argv,
        env=env,
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines = queue.Queue()
    seen = []

    def read():
        for raw in server.stdout:
            lines.put(raw.decode("utf-8", "replace").rstrip("\n"))
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()

    def until(pattern, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found
        return None

    why = ""
    chat = "(no client connected)"
    try:
        listening = until(r"listening on 127\.0\.0\.1:(\d+)", 20)
        if not listening:
            why = "no `listening on` line within 20 s"
        else:
            port = int(listening.group(1))
            message = b"hello from the wheel"
            with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
                client.sendall(message + b"\n")
                got = b""
                deadline = time.monotonic() + 10
                while message not in got and time.monotonic() < deadline:
                    chunk = client.recv(4096)
                    if not chunk:
                        break
                    got += chunk
            chat = "(a client sent {!r} and received {!r})".format(message, got)
            if message not in got:
                why = "the client's message did not come back to it"
            else:
                # The client has gone: stage 7 logs "(ip, port) quits". Then `quit`: the
                # accept thread does not wake, so netlab cuts it short after --grace (5 s).
                until(r"\) quits$", 5)
                server.stdin.write(b"quit\n")
                server.stdin.flush()
                server.stdin.close()
                try:
                    code = server.wait(timeout=30)
                    until(r"(?!)", 5)  # what it printed while ending, to its last line
                    if code != 0:
                        why = "it exited with {} after `quit`".format(code)
                except subprocess.TimeoutExpired:
                    why = "still running 30 s after `quit`"
    except OSError as e:
        why = "a client could not chat with it: {}".format(e)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)
    show(" ".join(argv) + "    (a client chats, then `quit` on stdin)", "\n".join(seen), 40)
    print("  " + chat)
    steps.check(name, not why, why)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", required=True)
    parser.add_argument("--version", required=True, help="Cargo.toml's version")
    parser.add_argument("--commit", required=True, help="the commit --version must name")
    parser.add_argument("--auditwheel", required=True, help="auditwheel's path")
    args = parser.parse_args()
    wheel = os.path.abspath(args.wheel)
    steps = Steps()
    arch = platform.machine()
    size = os.path.getsize(wheel)
    print("dist-test: {} ({:.1f} MB)".format(os.path.basename(wheel), size / 1e6))
    print()

    # The wheel's tags, and auditwheel's own reading of the binary inside it.
    with zipfile.ZipFile(wheel) as z:
        [meta] = [n for n in z.namelist() if n.endswith(".dist-info/WHEEL")]
        tags = [l for l in z.read(meta).decode().splitlines() if l.startswith("Tag:")]
    show("unzip -p {} {}".format(os.path.basename(wheel), meta), "\n".join(tags))
    want = "manylinux_2_17_" + arch
    steps.check("the wheel is tagged " + want, "Tag: py3-none-" + want in tags, tags)
    code, out = run([args.auditwheel, "show", wheel], None, None, 120)
    show("auditwheel show " + os.path.basename(wheel), out)
    consistent = 'is consistent with the following platform tag: "{}"'.format(want)
    steps.check(
        "auditwheel finds the binary consistent with " + want,
        code == 0 and consistent in " ".join(out.split()),
        "auditwheel says otherwise",
    )

    top = tempfile.mkdtemp(prefix="netlab-dist-test-")
    venv = os.path.join(top, "venv")
    work = os.path.join(top, "work")
    os.mkdir(work)
    code, out = run([sys.executable, "-m", "venv", venv], None, top, 120)
    show("python3 -m venv " + venv, out)
    ok = steps.check("a fresh virtual environment", code == 0, "python3 -m venv failed")
    if ok:
        pip = [os.path.join(venv, "bin", "pip"), "install", "--no-index"]
        code, out = run(pip + ["--disable-pip-version-check", wheel], None, top, 180)
        show("pip install --no-index " + os.path.basename(wheel), out)
        ok = steps.check("pip installs the wheel, offline", code == 0, "pip failed")
    if ok:
        bin_dir = os.path.join(venv, "bin")
        path = bin_dir + os.pathsep + without_rust(os.environ.get("PATH", ""))
        # The environment a student's terminal has, less Rust and less a locale, so that
        # netlab speaks English where no --lang says otherwise.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("CARGO", "RUSTUP", "RUSTC", "LC_", "LANG"))
        }
        env.update(PATH=path, VIRTUAL_ENV=venv)
        cargo = shutil.which("cargo", path=path)
        netlab = shutil.which("netlab", path=path)
        show("command -v cargo netlab", "\n".join(filter(None, [cargo, netlab])))
        steps.check(
            "no cargo on the PATH, and netlab is the wheel's",
            cargo is None and netlab == os.path.join(bin_dir, "netlab"),
            "cargo: {}, netlab: {}".format(cargo, netlab),
        )
        print("(the commands below run in {}, an empty directory)".format(work))
        print()

        code, out = run(["netlab", "--version"], env, work, 30)
        show("netlab --version", out)
        want = "netlab {} (commit {})".format(args.version, args.commit)
        steps.check("--version", code == 0 and out.strip() == want, "expected " + want)

        code, out = run(["netlab", "stages"], env, work, 30)
        show("netlab stages", out)
        numbered = [l for l in out.splitlines() if re.match(r"^\d+\s", l)]
        steps.check(
            "stages lists the stages, 7 the full server",
            code == 0 and len(numbered) >= 7 and "7  full" in out,
            "exit {}, {} numbered lines".format(code, len(numbered)),
        )

        code, out = run(["netlab", "explain", "3", "--lang", "zh"], env, work, 30)
        show("netlab explain 3 --lang zh", out)
        [page] = glob.glob(os.path.join(ROOT, "docs", "zh", "stage3-*.md"))
        with open(page, encoding="utf-8") as f:
            heading = f.readline().strip()
        steps.check(
            "explain 3 --lang zh prints stage 3's Chinese page",
            code == 0 and out.splitlines()[:1] == [heading],
            "its first line is not " + heading,
        )

        server = shutil.copy(os.path.join(HERE, "stage2_server.py"), work)
        argv = ["netlab", "check", "2", "--", "python3", os.path.basename(server), "{port}"]
        code, out = run(argv, env, work, 300)
        show(" ".join(argv), out, tail=True)
        summary = re.search(r"^(\d+) passed, (\d+) failed", out, re.M)
        steps.check(
            "check 2 passes a correct stage 2 server",
            code == 0 and summary and int(summary.group(1)) > 0 and summary.group(2) == "0",
            "exit {}".format(code),
        )

        stage7(steps, env, work)

    print("dist-test: {} passed, {} failed".format(steps.passed, len(steps.failed)))
    if steps.failed:
        print("dist-test: kept {} to look into".format(top))
        return 1
    shutil.rmtree(top, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
