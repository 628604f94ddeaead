#!/usr/bin/env Rscript
# R peer for `pbpk export`: deSolve::lsoda with the right-hand side compiled from C
# (peer_model.c, deSolve's compiled-model interface; parameters passed as rpar/ipar vectors).
#
# Usage: Rscript peer_c.R MODEL.json [REPEATS]
#
# Supports transfers, saturable, metabolism with inhibition, turnover and infusions; a model
# with modified release or dissolution terms is refused (exit 3). Compiles peer_model.c with
# `R CMD SHLIB` into a temporary directory on first use. Segment loop, agreement check and
# output: as peer.R (sourced from beside this file).

args <- commandArgs(trailingOnly = FALSE)
here <- dirname(normalizePath(sub("^--file=", "", args[grep("^--file=", args)][1])))
source(file.path(here, "peer.R"))

build_dll <- function() {
  dir <- file.path(tempdir(), "peer_model")
  dir.create(dir, showWarnings = FALSE)
  file.copy(file.path(here, "peer_model.c"), dir, overwrite = TRUE)
  old <- setwd(dir)
  on.exit(setwd(old))
  status <- system2(file.path(R.home("bin"), "R"),
                    c("CMD", "SHLIB", "-o", "peer_model.so", "peer_model.c"),
                    stdout = FALSE, stderr = FALSE, env = "PKG_CFLAGS=-O2")
  if (status != 0) stop("R CMD SHLIB peer_model.c failed")
  file.path(dir, paste0("peer_model", .Platform$dynlib.ext))
}

pack <- function(p) {
  i0 <- function(x) as.integer(x - 1) # back to 0-based
  ipar <- c(p$n, length(p$tr_from), length(p$sat_from), p$nmet, length(p$inh$term),
            p$ntur, length(p$ind$term), length(p$lig$term),
            i0(p$tr_from), i0(p$tr_to), i0(p$sat_from), i0(p$sat_to),
            i0(p$met_sub), i0(p$met_from), i0(p$met_to), i0(p$met_enz),
            as.integer(p$met_linear),
            i0(p$inh$term), i0(p$inh$state), i0(p$tur_state),
            i0(p$ind$term), i0(p$ind$state), i0(p$lig$term), i0(p$lig$state))
  rest <- c(p$tr_k, p$sat_vmax, p$sat_km, p$sat_scale,
            p$met_subscale, p$met_a, p$met_km,
            p$inh$scale, p$inh$invki, p$inh$invkiu,
            p$tur_kdeg, p$ind$scale, p$ind$emax, p$ind$ec50n, p$ind$hill,
            p$lig$scale, p$lig$invk, p$lig$kinact)
  list(ipar = as.integer(ipar), rest = as.numeric(rest))
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript peer_c.R MODEL.json [REPEATS]")
repeats <- if (length(args) >= 2) as.integer(args[2]) else 3
p <- load_problem(args[1])
if (length(p$releases) || length(p$dis_solid)) {
  cat(toJSON(list(peer = "R-deSolve-lsoda-C", unsupported = "releases/dissolutions"),
             auto_unbox = TRUE), "\n")
  quit(status = 3)
}
dll <- build_dll()
dyn.load(dll)
pk <- pack(p)
seg <- function(y, times, u, stop) {
  lsoda(y, times, func = "derivs", parms = NULL, dllname = "peer_model", initfunc = NULL,
        rpar = c(u, pk$rest), ipar = pk$ipar, nout = 0,
        rtol = p$d$rtol, atol = p$d$atol, tcrit = stop, maxsteps = 1e6)
}
run_peer("R-deSolve-lsoda-C", p, seg, repeats)
