#!/usr/bin/env bash
# Side-by-side speed and agreement of pbpk against peers (scipy LSODA, deSolve lsoda with an
# R right-hand side, deSolve lsoda with a compiled C right-hand side) on the same exported
# problems. See README.md beside this file.
#
# Usage: benches/peers/compare.sh ["scenario|arm" ...]
# Env:   PBPK     pbpk binary (default: target/release/pbpk under the repo root)
#        REPEATS  timed repeats per tool, median reported (default 5; one untimed warm-up)
#        PYTHON   a python3 with numpy+scipy (default: the first of python3, /usr/bin/python3)
#        TIGHT    1 (default): also solve at rtol 1e-11 in Python to say who is off when
#                 pbpk and a peer disagree; 0 to skip
#        OUT      working directory for exported JSON and results (default: a temp dir)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
PBPK="${PBPK:-$root/target/release/pbpk}"
REPEATS="${REPEATS:-5}"
TIGHT="${TIGHT:-1}"
OUT="${OUT:-$(mktemp -d)}"
mkdir -p "$OUT"

if [[ -z "${PYTHON:-}" ]]; then
  for c in python3 /usr/bin/python3; do
    if command -v "$c" >/dev/null && "$c" -c 'import numpy, scipy' 2>/dev/null; then
      PYTHON="$c"; break
    fi
  done
fi
[[ -n "${PYTHON:-}" ]] || { echo "no python3 with numpy and scipy: run benches/peers/setup.sh" >&2; exit 2; }
command -v Rscript >/dev/null || { echo "no Rscript: run benches/peers/setup.sh" >&2; exit 2; }
[[ -x "$PBPK" ]] || { echo "no pbpk binary at $PBPK (set PBPK=...)" >&2; exit 2; }

if [[ $# -gt 0 ]]; then
  cases=("$@")
else
  cases=(
    "midazolam_iv|iv"
    "nifedipine_iv|iv"
    "nifedipine_oral|oral"
    "nifedipine_er_oral|ER tablet"
    "lpvr_nifedipine|IR with LPV/r"
  )
fi

results="$OUT/results.jsonl"
: > "$results"
i=0
for c in "${cases[@]}"; do
  scen="${c%%|*}"; arm="${c#*|}"
  i=$((i + 1))
  json="$OUT/case$i.json"
  echo "== $scen / $arm" >&2
  # pbpk: wall time of `pbpk export` (process start, loading the TOML files, assembly, one
  # solve with pbpk's own output sampling, writing the JSON), median of REPEATS.
  "$PYTHON" - "$PBPK" "$scen" "$arm" "$json" "$REPEATS" >> "$results" <<'EOF'
import json, statistics, subprocess, sys, time
pbpk, scen, arm, out, reps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
cmd = [pbpk, "export", scen, "--arm", arm, "--out", out]
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)  # warm-up (page cache)
ts = []
for _ in range(reps):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    ts.append(time.perf_counter() - t)
print(json.dumps({"case": f"{scen} / {arm}", "peer": "pbpk export (process)", "times_s": ts,
                  "median_s": statistics.median(ts), "max_rel_diff": 0.0}))
EOF
  tag() { "$PYTHON" -c 'import json,sys; d=json.loads(sys.stdin.read()); d["case"]=sys.argv[1]; print(json.dumps(d))' "$scen / $arm"; }
  tight=(); [[ "$TIGHT" == 1 ]] && tight=(--tight)
  "$PYTHON" "$here/peer.py" "$json" --repeats "$REPEATS" "${tight[@]}" | tag >> "$results" \
    || echo "python peer failed on $scen / $arm" >&2
  Rscript "$here/peer.R" "$json" "$REPEATS" | tag >> "$results" \
    || echo "R peer failed on $scen / $arm" >&2
  set +e
  Rscript "$here/peer_c.R" "$json" "$REPEATS" | tag >> "$results"
  set -e
done

"$PYTHON" - "$results" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cases = []
for r in rows:
    if r["case"] not in cases:
        cases.append(r["case"])
print(f"{'case':<38} {'tool':<30} {'median s':>10} {'peer/pbpk':>10} {'subj/s':>9} {'max rel diff':>13}  agree")
fails = []
for c in cases:
    rs = [r for r in rows if r["case"] == c]
    base = next(r for r in rs if r["peer"].startswith("pbpk"))
    for r in rs:
        if "unsupported" in r:
            print(f"{c:<38} {r['peer']:<30} {'n/a':>10} {'':>10} {'':>9} {'':>13}  unsupported terms: {r['unsupported']}")
            continue
        m = r["median_s"]
        is_pbpk = r is base
        ok = r["max_rel_diff"] < 1e-4
        agree = "-" if is_pbpk else ("yes" if ok else "NO")
        if not is_pbpk and not ok:
            fails.append((c, r))
        print(f"{c:<38} {r['peer']:<30} {m:>10.4f} {m / base['median_s']:>10.2f} {1 / m:>9.1f} "
              f"{'' if is_pbpk else format(r['max_rel_diff'], '.2e'):>13}  {agree}")
for c, r in fails:
    worst = max(r["compounds"].items(), key=lambda kv: kv[1]["max_rel_diff"])
    msg = f"DISAGREE {c} [{r['peer']}]: {worst[0]} max rel diff {r['max_rel_diff']:.2e} at t = {worst[1]['at_h']} h"
    t = next((x.get("tight") for x in rows if x["case"] == c and x.get("tight")), None)
    if t:
        msg += (f"; against a rtol 1e-11 solution: pbpk {t['pbpk_vs_tight']:.2e}, "
                f"scipy {t['peer_vs_tight']:.2e}")
    print(msg)
EOF
echo "(results: $results)" >&2
