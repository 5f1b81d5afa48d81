#!/usr/bin/env bash
# `make dist` and `make dist-test`: what a release publishes, built from this checkout.
#
# `packaging/dist.sh build` (make dist) writes into dist/:
#   netlab-VERSION-py3-none-manylinux2014_x86_64.manylinux_2_17_x86_64.whl
#       the wheel: `pip install` it, and `netlab` is on the PATH, with no Rust;
#   netlab-VERSION-x86_64-linux.tar.gz
#       the same binary, README.md, LICENSE, CHANGELOG.md, and SHA256SUMS of those four;
#   SHA256SUMS, of the wheel and the tarball.
# maturin builds the wheel (bindings = "bin", see pyproject.toml) and links the binary
# with zig against glibc 2.17's symbols, the oldest that Rust's standard library supports,
# and checks that the binary needs nothing newer before it tags the wheel
# manylinux_2_17: pip then takes it on any Linux with glibc 2.17 or later. maturin, zig
# (the ziglang package) and auditwheel come from PyPI, pinned below, into a virtual
# environment of their own under target/dist/tools: nothing is installed globally. The
# binary embeds everything netlab needs (stages, pages, catalogue): no checkout is needed.
#
# `packaging/dist.sh test` (make dist-test, which .ci/run runs after make test) builds the
# same, then installs the wheel into a fresh virtual environment with no cargo on the PATH
# and runs the installed netlab there (packaging/dist_test.py). Where python3 has no venv
# module, or PyPI cannot be reached to install the tools, it says so in one line and
# exits 0: the wheel cannot be built there. Any other failure fails.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-build}
PYTHON=${PYTHON:-python3}
pins="maturin==1.16.0 ziglang==0.17.1 auditwheel==6.8.2"
tools=target/dist/tools

# Why the wheel cannot be built here: an error for make dist, a skip for make dist-test.
cannot() {
    if [ "$mode" = test ]; then
        echo "dist-test: skipped: $1"
        exit 0
    fi
    echo "make dist: $1" >&2
    exit 1
}

# The tools' virtual environment: made once, and again only when the pins change.
install_tools() {
    if [ -x "$tools/bin/maturin" ] && [ "$(cat "$tools/pins" 2>/dev/null)" = "$pins" ]; then
        return
    fi
    command -v "$PYTHON" >/dev/null || cannot "there is no $PYTHON to install maturin with"
    rm -rf "$tools"
    if ! "$PYTHON" -m venv "$tools" >/dev/null 2>&1; then
        rm -rf "$tools"
        cannot "$PYTHON -m venv does not work here (Debian and Ubuntu: apt-get install python3-venv)"
    fi
    # Can PyPI be reached? pip asks it for maturin's releases, once, briefly.
    if ! "$tools/bin/pip" index versions maturin --disable-pip-version-check \
        --timeout 20 --retries 1 >/dev/null 2>&1; then
        rm -rf "$tools"
        cannot "PyPI cannot be reached, so maturin and zig cannot be installed"
    fi
    echo "make dist: installing $pins from PyPI into $tools (once)"
    "$tools/bin/pip" install --quiet --disable-pip-version-check --timeout 60 --retries 2 $pins
    echo "$pins" >"$tools/pins"
}

build() {
    install_tools
    version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
    arch=$(uname -m)
    local out=target/dist/wheel
    rm -rf "$out"
    echo "make dist: building netlab $version for $arch Linux, glibc 2.17 or later" \
        "(a release build: a few minutes the first time)"
    PATH="$PWD/$tools/bin:$PATH" maturin build --release --locked --zig \
        --compatibility manylinux2014 --out "$out"
    wheel=$(echo "$out"/netlab-"$version"-*.whl)
    [ -f "$wheel" ] || { echo "make dist: maturin made no single wheel in $out" >&2; exit 1; }

    mkdir -p dist
    rm -f dist/netlab-* dist/SHA256SUMS
    cp "$wheel" dist/
    wheel=dist/$(basename "$wheel")

    # The tarball holds the wheel's own binary, so that both carry the same bytes.
    local name=netlab-$version-$arch-linux
    local dir=target/dist/$name
    rm -rf "$dir"
    mkdir -p "$dir"
    "$tools/bin/python" - "$wheel" "$dir/netlab" <<'EOF'
import os, sys, zipfile
wheel, to = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    [member] = [n for n in z.namelist() if n.endswith(".data/scripts/netlab")]
    with open(to, "wb") as f:
        f.write(z.read(member))
os.chmod(to, 0o755)
EOF
    cp README.md LICENSE CHANGELOG.md "$dir/"
    (cd "$dir" && sha256sum netlab README.md LICENSE CHANGELOG.md >SHA256SUMS)
    # The same files give the same tarball: names sorted, owner root, the commit's time.
    local mtime
    mtime=$(git log -1 --format=%ct 2>/dev/null || date +%s)
    tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
        -C target/dist -cf - "$name" | gzip -9n >"dist/$name.tar.gz"
    (cd dist && sha256sum "$(basename "$wheel")" "$name.tar.gz" >SHA256SUMS)

    echo "make dist: in dist/:"
    (cd dist && ls -l netlab-* SHA256SUMS | awk '{ printf "  %9d  %s\n", $5, $9 }')
}

case "$mode" in
build)
    build
    ;;
test)
    build
    # The commit the binary should name: build.rs's rule (this directory's own .git).
    commit=unknown
    if [ -e .git ]; then
        commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
    fi
    timeout 600 "$PYTHON" packaging/dist_test.py --wheel "$wheel" --version "$version" \
        --commit "$commit" --auditwheel "$tools/bin/auditwheel"
    ;;
*)
    echo "usage: packaging/dist.sh build|test" >&2
    exit 2
    ;;
esac
