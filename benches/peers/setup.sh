#!/usr/bin/env bash
# Install the peers for benches/peers/compare.sh: R with deSolve and jsonlite (Debian
# packages; CRAN is not reachable here), a C compiler for R CMD SHLIB, and numpy+scipy for
# Python (Debian's python3-scipy; falls back to pip when the python3 on PATH lacks them).
# Idempotent. Needs root (apt-get).
set -euo pipefail

need_apt=0
command -v Rscript >/dev/null || need_apt=1
Rscript -e 'library(deSolve); library(jsonlite)' >/dev/null 2>&1 || need_apt=1
command -v gcc >/dev/null || need_apt=1
/usr/bin/python3 -c 'import numpy, scipy' >/dev/null 2>&1 || need_apt=1
if [[ $need_apt == 1 ]]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq r-base-core r-base-dev r-cran-desolve r-cran-jsonlite \
    python3-numpy python3-scipy gcc make >/dev/null
fi

# compare.sh uses the first python3 that has numpy and scipy: PATH's, else /usr/bin/python3.
if ! python3 -c 'import numpy, scipy' >/dev/null 2>&1 \
   && ! /usr/bin/python3 -c 'import numpy, scipy' >/dev/null 2>&1; then
  python3 -m pip install --quiet numpy scipy
fi

Rscript -e 'cat("deSolve", format(packageVersion("deSolve")), "jsonlite", format(packageVersion("jsonlite")), "\n")'
for py in python3 /usr/bin/python3; do
  if "$py" -c 'import numpy, scipy' >/dev/null 2>&1; then
    "$py" -c 'import sys, numpy, scipy; print(sys.executable, "numpy", numpy.__version__, "scipy", scipy.__version__)'
    break
  fi
done
