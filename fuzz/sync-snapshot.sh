#!/bin/sh
# Builds a snapshot of the committed crate (HEAD) with this fuzz/ directory in it, so
# fuzzing is not disturbed by uncommitted edits in the work tree. Prints the snapshot dir.
# Usage: fuzz/sync-snapshot.sh [DIR]   (default /tmp/ftpchat-snap)
set -eu
root=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
dir=${1:-/tmp/ftpchat-snap}
rm -rf "$dir"
mkdir -p "$dir/fuzz"
git -C "$root" archive HEAD | tar -x -C "$dir"
# Cargo refuses a manifest whose [[bench]] file is missing; take such files from the work
# tree (at 3ff53f9, benches/relay.rs was named in Cargo.toml but not committed).
for f in "$root"/benches/*.rs; do
    [ -e "$dir/benches/$(basename "$f")" ] || cp "$f" "$dir/benches/"
done
tar -C "$root/fuzz" --exclude=./target --exclude=./work --exclude=./artifacts -cf - . | tar -C "$dir/fuzz" -xf -
echo "$dir"
