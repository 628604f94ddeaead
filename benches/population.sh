#!/usr/bin/env bash
# Population throughput and memory on this machine: subjects per second of the 1000-subject
# LPV/r + nifedipine trial (4 arms, 3 compounds; with and without per-subject adjusted
# doses), and peak memory of a 10,000-subject oral midazolam trial.
# Usage: bash benches/population.sh [path/to/pbpk]   (default: target/release/pbpk)
set -euo pipefail
cd "$(dirname "$0")/.."
PBPK=${1:-target/release/pbpk}
[ -x "$PBPK" ] || cargo build --release
out=$(mktemp -d)
measure() { # label, subjects, scenario
  /usr/bin/time -f "%e %M" -o "$out/time" "$PBPK" run "$3" --subjects "$2" --out "$out/run" > /dev/null
  read -r secs kb < "$out/time"
  awk -v l="$1" -v n="$2" -v s="$secs" -v kb="$kb" \
    'BEGIN { printf "%-40s %7d subjects %8.2f s %9.1f subjects/s  peak %7.1f MiB\n", l, n, s, n / s, kb / 1024 }'
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)"
# The shipped trial finds every subject's own adjusted nifedipine dose ([[compare]]
# adjust_dose, the default); the same trial with ratios only shows what that costs.
sed 's/^reference = \(.*\)$/reference = \1\nadjust_dose = false/' \
  scenarios/lpvr_nifedipine_population.toml > "$out/ratios_only.toml"
measure "LPV/r + nifedipine, ratios only" 1000 "$out/ratios_only.toml"
measure "LPV/r + nifedipine, + adjusted doses" 1000 lpvr_nifedipine_population
measure "oral midazolam" 10000 virtual_trial_midazolam_european
rm -rf "$out"
