#!/usr/bin/env bash
# Adding a stage is its file, its entry in stages/curriculum.toml and its two pages; adding a
# language is its catalogue, its pages and one key per entry (docs/en/adding.md). This script
# proves both on a copy of the tree: it adds stage 10 (a copy of stage 9, base = "9") and a
# language `xx` (copies of the English texts), touching only those files, builds the copy,
# and runs what a class would: `netlab stages`, `netlab stage 10`, `netlab check 10` against
# `netlab stage 10`, `netlab explain 10`, the generated tests' names, and `--lang xx`.
#
# Run by `make test`, after cargo's tests. The copy builds into this checkout's target/
# (its dependencies are the same, so only netlab itself compiles again), under the package
# name netlab-throwaway, so that nothing of the real build is replaced.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "throwaway stage: skipped (not a git checkout: the copy is made from git's list of files)"
  exit 0
fi
work="$root/target/throwaway-tree"
rm -rf "$work"
mkdir -p "$work"
# Tracked files and new ones not ignored, as they are in the working tree.
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | xargs -0 cp --parents -t "$work"

files() { (cd "$work" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha1sum); }
before=$(files)

# --- The stage: its file, its entry, its two pages. Nothing else. -------------------------
cp stages/stage9_evented.rs "$work/stages/stage10_throwaway.rs"
cat >> "$work/stages/curriculum.toml" <<'EOF'

[[entry]]
id = "10"
kind = "stage"
base = "9"
slug = "throwaway"
heading = "事件驱动的单线程版本，再来一次"
rust = "stage10_throwaway.rs"
page = "stage10-throwaway"
text.zh.title = "第 9 阶段的副本，用来证明加一个阶段只需四个文件"
text.en.title = "a copy of stage 9, to prove that a stage is four files"
EOF
for lang in en zh; do
  cat > "$work/docs/$lang/stage10-throwaway.md" <<'EOF'
# Stage 10 · throwaway

A copy of stage 9.

<!-- diff from the previous stage -->
EOF
done

# --- The language: its catalogue, its pages, one key per entry. ---------------------------
cp messages/en.ftl "$work/messages/xx.ftl"
mkdir -p "$work/docs/xx"
cp docs/en/*.md "$work/docs/xx/"
cp "$work/docs/en/stage10-throwaway.md" "$work/docs/xx/"
# Each entry's English texts again, under the key xx (multi-line strings and lists whole).
awk '
  function flush() { sub(/^text\.en\./, "text.xx.", block); printf "%s", block; copying = 0 }
  { print }
  copying { block = block $0 "\n"; if ($0 ~ end) flush(); next }
  /^text\.en\./ {
    block = $0 "\n"
    if ($0 ~ /= """$/) { copying = 1; end = "\"\"\"$"; next }
    if ($0 ~ /= \[$/) { copying = 1; end = "^\\]$"; next }
    flush()
  }
' "$work/stages/curriculum.toml" > "$work/stages/curriculum.toml.new"
mv "$work/stages/curriculum.toml.new" "$work/stages/curriculum.toml"

after=$(files)
echo "throwaway: files the stage and the language added or changed:"
diff <(echo "$before") <(echo "$after") | grep '^>' | awk '{print "  " $3}' | grep -v '^  ./docs/xx/' || true
echo "  ./docs/xx/*.md ($(ls "$work/docs/xx" | wc -l) pages)"

# --- Build the copy under another package name, into this target/. -----------------------
sed -i -E '0,/^name = "netlab"$/s//name = "netlab-throwaway"/' "$work/Cargo.toml"
sed -i -E '/^\[\[bin\]\]$/,/^path/ s/^name = "netlab"$/name = "netlab-throwaway"/' "$work/Cargo.toml"
sed -i -E 's/^\[lib\]$/[lib]\nname = "netlab"/' "$work/Cargo.toml"
export CARGO_TARGET_DIR="$root/target"
( cd "$work" && cargo build --quiet --offline --bin netlab-throwaway )
bin="$root/target/debug/netlab-throwaway"

fail() { echo "throwaway: FAILED: $*" >&2; exit 1; }
out=$("$bin" stages)
grep -q '^10  throwaway' <<<"$out" || fail "netlab stages does not list stage 10:
$out"
out=$(printf 'quit\n' | timeout 20 "$bin" stage 10 --port 0 2>&1) || fail "netlab stage 10 did not run and quit:
$out"
grep -q 'listening on 127.0.0.1:' <<<"$out" || fail "netlab stage 10 did not listen:
$out"
out=$(timeout 300 "$bin" check 10 -- "$bin" stage 10 --port '{port}' 2>&1) || fail "netlab check 10 does not pass:
$out"
echo "throwaway: $(tail -n 3 <<<"$out" | grep -m1 passed)"
out=$("$bin" explain 10)
grep -q '^# Stage 10 · throwaway' <<<"$out" || fail "netlab explain 10 does not show the page:
$out"
tests=$(cd "$work" && cargo test --quiet --offline --test stages -- --list 2>/dev/null | grep -c '^stage10_' || true)
nine=$(cd "$work" && cargo test --quiet --offline --test stages -- --list 2>/dev/null | grep -c '^stage9_' || true)
[ "$tests" -gt 0 ] && [ "$tests" = "$nine" ] || fail "$tests generated tests for stage 10, $nine for stage 9"
echo "throwaway: $tests generated tests for stage 10 (as many as stage 9's)"
out=$("$bin" --lang xx stages)
grep -q '^10  throwaway' <<<"$out" || fail "netlab --lang xx stages:
$out"
"$bin" --lang xx explain 3 | grep -q '^# ' || fail "netlab --lang xx explain 3"
echo "throwaway: stage 10 and the language xx work with no change to the code"
