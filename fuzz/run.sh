#!/bin/sh
# Runs one fuzz target for SECONDS (default 600) on the stable toolchain, one worker,
# at low priority. New corpus entries go to fuzz/work/<target> (not committed), crashes
# to fuzz/artifacts/<target>/, the log to fuzz/work/logs/<target>.log.
# Usage: fuzz/run.sh TARGET [SECONDS] [extra libFuzzer flags...]
# Set FUZZ_DIR to run from another copy of fuzz/ (e.g. a sync-snapshot.sh snapshot).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=$1
secs=${2:-600}
[ $# -ge 2 ] && shift 2 || shift 1
dir=${FUZZ_DIR:-$here}
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"
mkdir -p "$here/work/$target" "$here/work/logs" "$here/artifacts/$target"
case $target in
    reader) maxlen=16384 ;;
    *) maxlen=4096 ;;
esac
cd "$dir"
nice -n 10 cargo fuzz build -O "$target"
exec nice -n 10 cargo fuzz run -O "$target" "$here/work/$target" "$here/corpus/$target" -- \
    -max_total_time="$secs" -timeout=30 -max_len="$maxlen" -print_final_stats=1 \
    -artifact_prefix="$here/artifacts/$target/" "$@" > "$here/work/logs/$target.log" 2>&1
