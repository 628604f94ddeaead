#!/usr/bin/env Rscript
# R peer for `pbpk export`: deSolve::lsoda with the right-hand side as an R function.
#
# Usage: Rscript peer.R MODEL.json [REPEATS]
#
# Integrates the exported problem (transfers, saturable, metabolism with reversible
# inhibition, enzyme turnover, modified release, dissolution, infusions) from t = 0 with the
# same dose jumps, breakpoints, output times, rtol and atol as pbpk, restarting lsoda at every
# breakpoint. Prints one JSON line: integration times of each repeat (R start-up, JSON
# parsing and building the matrices excluded) and the agreement with pbpk's own solution.
#
# The linear part is a dense matrix A (dy = A y + ...); nonlinear terms are vectorised and
# scattered through dense incidence matrices. lsoda's Jacobian: finite differences (default).
# Also sourced by peer_c.R for the loader, the segment loop and the agreement check.

suppressPackageStartupMessages({
  library(deSolve)
  library(jsonlite)
})

num <- function(x) if (is.null(x)) Inf else as.numeric(x) # JSON null = f64::INFINITY

incidence <- function(n, from, to) {
  m <- matrix(0, n, length(from))
  for (j in seq_along(from)) {
    m[to[j], j] <- m[to[j], j] + 1
    m[from[j], j] <- m[from[j], j] - 1
  }
  m
}

# Every index below is 1-based (JSON states are 0-based).
load_problem <- function(path) {
  d <- fromJSON(path, simplifyVector = FALSE)
  n <- d$n_states
  p <- list(d = d, n = n)
  A <- matrix(0, n, n)
  for (tr in d$transfers) {
    A[tr$to + 1, tr$from + 1] <- A[tr$to + 1, tr$from + 1] + tr$k_per_h
    A[tr$from + 1, tr$from + 1] <- A[tr$from + 1, tr$from + 1] - tr$k_per_h
  }
  p$A <- A
  p$tr_from <- vapply(d$transfers, function(x) x$from + 1, 0)
  p$tr_to <- vapply(d$transfers, function(x) x$to + 1, 0)
  p$tr_k <- vapply(d$transfers, function(x) x$k_per_h, 0)
  s <- d$saturable
  p$sat_from <- vapply(s, function(x) x$from + 1, 0)
  p$sat_to <- vapply(s, function(x) x$to + 1, 0)
  p$sat_vmax <- vapply(s, function(x) x$vmax_mg_per_h, 0)
  p$sat_km <- vapply(s, function(x) x$km_mg_per_l, 0)
  p$sat_scale <- vapply(s, function(x) x$scale_per_l, 0)
  p$sat_M <- incidence(n, p$sat_from, p$sat_to)
  m <- d$metabolism
  p$nmet <- length(m)
  p$met_sub <- vapply(m, function(x) x$substrate$state + 1, 0)
  p$met_subscale <- vapply(m, function(x) x$substrate$scale_per_l, 0)
  p$met_from <- vapply(m, function(x) x$from + 1, 0)
  p$met_to <- vapply(m, function(x) x$to + 1, 0)
  p$met_enz <- vapply(m, function(x) x$enzyme + 1, 0)
  p$met_a <- vapply(m, function(x) x$rate_at_e0, 0)
  p$met_linear <- vapply(m, function(x) is.null(x$km_mg_per_l), TRUE)
  p$met_km <- vapply(m, function(x) if (is.null(x$km_mg_per_l)) 0 else x$km_mg_per_l, 0)
  p$met_M <- incidence(n, p$met_from, p$met_to)
  inh <- list(term = c(), state = c(), scale = c(), invki = c(), invkiu = c())
  for (j in seq_along(m)) for (i in m[[j]]$inhibitors) {
    inh$term <- c(inh$term, j)
    inh$state <- c(inh$state, i$conc$state + 1)
    inh$scale <- c(inh$scale, i$conc$scale_per_l)
    inh$invki <- c(inh$invki, 1 / num(i$ki_mg_per_l))
    inh$invkiu <- c(inh$invkiu, 1 / num(i$kiu_mg_per_l))
  }
  p$inh <- inh
  # Sum over a term's inhibitors: (nmet x ninh) 0/1 matrix.
  p$inh_S <- matrix(0, p$nmet, length(inh$term))
  for (k in seq_along(inh$term)) p$inh_S[inh$term[k], k] <- 1
  tu <- d$turnover
  p$ntur <- length(tu)
  p$tur_state <- vapply(tu, function(x) x$state + 1, 0)
  p$tur_kdeg <- vapply(tu, function(x) x$kdeg_per_h, 0)
  ind <- list(term = c(), state = c(), scale = c(), emax = c(), ec50n = c(), hill = c())
  lig <- list(term = c(), state = c(), scale = c(), invk = c(), kinact = c())
  for (j in seq_along(tu)) {
    for (i in tu[[j]]$inducers) {
      ind$term <- c(ind$term, j)
      ind$state <- c(ind$state, i$conc$state + 1)
      ind$scale <- c(ind$scale, i$conc$scale_per_l)
      ind$emax <- c(ind$emax, i$emax)
      ind$ec50n <- c(ind$ec50n, num(i$ec50_mg_per_l)^i$hill)
      ind$hill <- c(ind$hill, i$hill)
    }
    for (l in tu[[j]]$ligands) {
      lig$term <- c(lig$term, j)
      lig$state <- c(lig$state, l$conc$state + 1)
      lig$scale <- c(lig$scale, l$conc$scale_per_l)
      lig$invk <- c(lig$invk, 1 / num(l$k_mg_per_l))
      lig$kinact <- c(lig$kinact, l$kinact_per_h)
    }
  }
  p$ind <- ind
  p$lig <- lig
  p$ind_S <- matrix(0, p$ntur, length(ind$term))
  for (k in seq_along(ind$term)) p$ind_S[ind$term[k], k] <- 1
  p$lig_S <- matrix(0, p$ntur, length(lig$term))
  for (k in seq_along(lig$term)) p$lig_S[lig$term[k], k] <- 1
  p$releases <- d$releases
  p$dose_times <- lapply(d$dose_times, function(x) sort(unlist(x)))
  p$max_release <- if (is.null(d$max_release_rate_per_h)) 100 else d$max_release_rate_per_h
  ds <- d$dissolutions
  p$dis_solid <- vapply(ds, function(x) x$solid + 1, 0)
  p$dis_dissolved <- vapply(ds, function(x) x$dissolved + 1, 0)
  p$dis_k <- vapply(ds, function(x) x$k, 0)
  p$dis_cs <- vapply(ds, function(x) x$solubility_mg_per_ml, 0)
  p$dis_vol <- vapply(ds, function(x) x$fluid_volume_ml, 0)
  p$dis_eps <- vapply(ds, function(x) x$eps_mg, 0)
  p$dis_M <- incidence(n, p$dis_solid, p$dis_dissolved)
  p$outs <- as.numeric(unlist(d$output_times))
  p$jumps <- d$jumps
  p$end <- d$end_h
  st <- as.numeric(unlist(d$breakpoints))
  for (inf in d$infusions) st <- c(st, inf$start_h, inf$end_h)
  st <- sort(unique(st[st > 0 & st < p$end]))
  p$stops <- c(st, p$end)
  p$ref <- do.call(rbind, lapply(d$pbpk_plasma_mg_per_l, function(r) as.numeric(unlist(r))))
  p
}

# Constant input of the segment [t0, t1] (its ends include every infusion edge).
segment_input <- function(p, t0, t1) {
  u <- numeric(p$n)
  tm <- 0.5 * (t0 + t1)
  for (inf in p$d$infusions) {
    if (inf$start_h <= tm && tm < inf$end_h) {
      u[inf$state + 1] <- u[inf$state + 1] + inf$rate_mg_per_h
    }
  }
  u
}

release_rate <- function(p, r, t) {
  dts <- p$dose_times[[r$compound + 1]]
  dts <- dts[dts <= t]
  if (length(dts) == 0) return(0)
  tau <- t - dts[length(dts)] - r$lag_h
  if (tau <= 0) return(0)
  if (identical(r$shape, "zero_order")) {
    h <- if (tau < r$duration_h) 1 / (r$duration_h - tau) else p$max_release
    return(min(h, p$max_release))
  }
  min(r$beta / r$td_h * (tau / r$td_h)^(r$beta - 1), p$max_release)
}

make_rhs <- function(p) {
  force(p)
  function(t, y, u) {
    dy <- as.vector(p$A %*% y) + u
    if (length(p$sat_from)) {
      cc <- p$sat_scale * y[p$sat_from]
      dy <- dy + as.vector(p$sat_M %*% (p$sat_vmax * cc / (p$sat_km + abs(cc))))
    }
    if (p$nmet) {
      cc <- p$met_subscale * y[p$met_sub]
      e <- y[p$met_enz]
      ci <- pmax(p$inh$scale * y[p$inh$state], 0)
      s <- as.vector(p$inh_S %*% (ci * p$inh$invki))
      uu <- as.vector(p$inh_S %*% (ci * p$inh$invkiu))
      den <- ifelse(p$met_linear, 1 + s, p$met_km * (1 + s) + abs(cc) * (1 + uu))
      dy <- dy + as.vector(p$met_M %*% (p$met_a * e * cc / den))
    }
    if (p$ntur) {
      e <- y[p$tur_state]
      cd <- pmax(p$ind$scale * y[p$ind$state], 0)^p$ind$hill
      ind <- as.vector(p$ind_S %*% (p$ind$emax * cd / (p$ind$ec50n + cd)))
      x <- pmax(p$lig$scale * y[p$lig$state], 0) * p$lig$invk
      q <- as.vector(p$lig_S %*% (p$lig$kinact * x))
      pp <- 1 + as.vector(p$lig_S %*% x)
      dy[p$tur_state] <- dy[p$tur_state] +
        p$tur_kdeg * (1 + ind) - p$tur_kdeg * e - e * q / pp
    }
    for (r in p$releases) {
      v <- release_rate(p, r, t) * y[r$from + 1]
      dy[r$to + 1] <- dy[r$to + 1] + v
      dy[r$from + 1] <- dy[r$from + 1] - v
    }
    if (length(p$dis_solid)) {
      m <- pmax(y[p$dis_solid], 0)
      m23 <- m * (m + p$dis_eps)^(-1 / 3)
      drive <- pmax(p$dis_cs - pmax(y[p$dis_dissolved], 0) / p$dis_vol, 0)
      dy <- dy + as.vector(p$dis_M %*% (p$dis_k * m23 * drive))
    }
    list(dy)
  }
}

# The segment loop. `seg(y, times, u, stop)` integrates one segment and returns the lsoda
# matrix (time column first, one row per time). Returns states at every output time.
solve_segments <- function(p, seg) {
  y <- as.numeric(unlist(p$d$initial_state))
  for (j in p$jumps) if (j[[1]] == 0) y[j[[2]] + 1] <- y[j[[2]] + 1] + j[[3]]
  outs <- p$outs
  res <- matrix(0, length(outs), p$n)
  k <- 1
  while (k <= length(outs) && outs[k] <= 0) {
    res[k, ] <- y
    k <- k + 1
  }
  t0 <- 0
  for (stop in p$stops) {
    u <- segment_input(p, t0, stop)
    k1 <- k
    while (k1 <= length(outs) && outs[k1] < stop) k1 <- k1 + 1
    inner <- if (k1 > k) outs[k:(k1 - 1)] else numeric(0)
    out <- seg(y, c(t0, inner, stop), u, stop)
    if (nrow(out) != length(inner) + 2 || out[nrow(out), 1] != stop) {
      stop(sprintf("lsoda failed on [%g, %g]", t0, stop))
    }
    if (length(inner)) res[k:(k1 - 1), ] <- out[2:(nrow(out) - 1), -1, drop = FALSE]
    y <- as.numeric(out[nrow(out), -1])
    k <- k1
    for (j in p$jumps) if (j[[1]] == stop) y[j[[2]] + 1] <- y[j[[2]] + 1] + j[[3]]
    while (k <= length(outs) && outs[k] <= stop) {
      res[k, ] <- y
      k <- k + 1
    }
    t0 <- stop
  }
  res
}

agreement <- function(p, res) {
  worst <- 0
  per <- list()
  for (j in seq_along(p$d$plasma)) {
    pl <- p$d$plasma[[j]]
    ours <- res[, pl$state + 1] / pl$capacity_l
    r <- p$ref[, j]
    mask <- abs(r) > 1e-6 * max(abs(r))
    rel <- abs(ours[mask] - r[mask]) / abs(r[mask])
    m <- if (length(rel)) max(rel) else 0
    at <- if (length(rel)) p$outs[mask][which.max(rel)] else 0
    per[[pl$compound]] <- list(max_rel_diff = m, at_h = at)
    worst <- max(worst, m)
  }
  list(worst = worst, per = per)
}

run_peer <- function(name, p, seg, repeats) {
  res <- solve_segments(p, seg) # warm-up, not timed
  times <- numeric(0)
  for (i in seq_len(repeats)) {
    t <- Sys.time()
    res <- solve_segments(p, seg)
    times <- c(times, as.numeric(difftime(Sys.time(), t, units = "secs")))
  }
  a <- agreement(p, res)
  cat(toJSON(list(
    peer = name, times_s = times, median_s = median(times),
    max_rel_diff = a$worst, compounds = a$per
  ), auto_unbox = TRUE, digits = NA), "\n")
}

if (sys.nframe() == 0) {
  args <- commandArgs(trailingOnly = TRUE)
  if (length(args) < 1) stop("usage: Rscript peer.R MODEL.json [REPEATS]")
  repeats <- if (length(args) >= 2) as.integer(args[2]) else 3
  p <- load_problem(args[1])
  rhs <- make_rhs(p)
  seg <- function(y, times, u, stop) {
    lsoda(y, times, rhs, parms = u, rtol = p$d$rtol, atol = p$d$atol,
          tcrit = stop, maxsteps = 1e6)
  }
  run_peer("R-deSolve-lsoda-Rfunction", p, seg, repeats)
}
