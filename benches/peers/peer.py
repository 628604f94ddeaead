#!/usr/bin/env python3
"""Python peer for `pbpk export`: integrates the exported ODE problem with scipy's LSODA.

Usage: peer.py MODEL.json [--method odeint|solve_ivp] [--repeats N] [--csv OUT.csv]

Reads the JSON written by `pbpk export SCENARIO --arm ARM --out MODEL.json` and integrates
the same right-hand side (every term type: transfers, saturable, metabolism with reversible
inhibition, enzyme turnover, modified release, dissolution, infusions) from t = 0 with the
same dose jumps, breakpoints, output times, rtol and atol, restarting the integrator at every
breakpoint as pbpk does. Prints one JSON line: the integration times of each repeat (start-up,
JSON parsing and assembly of the matrices excluded), and the agreement with pbpk's own
solution (`pbpk_plasma_mg_per_l`).

The linear part is a dense matrix A (dy = A y + nonlinear terms); the nonlinear terms are
vectorised with numpy and scattered to the states through dense incidence matrices.
LSODA forms its Jacobian by finite differences (as the R peers do).
"""

import argparse
import json
import math
import sys
import time

import numpy as np


def fnum(x):
    """JSON null is how serde writes f64::INFINITY (an absent inhibition constant)."""
    return math.inf if x is None else float(x)


def incidence(n, frm, to):
    """n x m matrix M with M[to_j, j] += 1, M[from_j, j] -= 1, so dy += M @ rate."""
    m = np.zeros((n, len(frm)))
    for j, (f, t) in enumerate(zip(frm, to)):
        m[t, j] += 1.0
        m[f, j] -= 1.0
    return m


class Problem:
    def __init__(self, d):
        self.d = d
        n = self.n = int(d["n_states"])
        # Linear part.
        a = np.zeros((n, n))
        for tr in d["transfers"]:
            a[tr["to"], tr["from"]] += tr["k_per_h"]
            a[tr["from"], tr["from"]] -= tr["k_per_h"]
        self.A = a
        # Saturable (Michaelis-Menten): v = vmax c / (km + |c|), c = scale y[from].
        sat = d["saturable"]
        self.sat_from = np.array([s["from"] for s in sat], dtype=int)
        self.sat_vmax = np.array([s["vmax_mg_per_h"] for s in sat])
        self.sat_km = np.array([s["km_mg_per_l"] for s in sat])
        self.sat_scale = np.array([s["scale_per_l"] for s in sat])
        self.sat_M = incidence(n, [s["from"] for s in sat], [s["to"] for s in sat])
        # Metabolism by a dynamic enzyme with reversible inhibition.
        met = d["metabolism"]
        self.nmet = len(met)
        self.met_sub = np.array([m["substrate"]["state"] for m in met], dtype=int)
        self.met_subscale = np.array([m["substrate"]["scale_per_l"] for m in met])
        self.met_enz = np.array([m["enzyme"] for m in met], dtype=int)
        self.met_a = np.array([m["rate_at_e0"] for m in met])
        self.met_linear = np.array([m["km_mg_per_l"] is None for m in met], dtype=bool)
        self.met_km = np.array([0.0 if m["km_mg_per_l"] is None else m["km_mg_per_l"] for m in met])
        self.met_M = incidence(n, [m["from"] for m in met], [m["to"] for m in met])
        it, ist, isc, iki, ikiu = [], [], [], [], []
        for j, m in enumerate(met):
            for i in m["inhibitors"]:
                it.append(j)
                ist.append(i["conc"]["state"])
                isc.append(i["conc"]["scale_per_l"])
                iki.append(1.0 / fnum(i["ki_mg_per_l"]))
                ikiu.append(1.0 / fnum(i["kiu_mg_per_l"]))
        self.inh_term = np.array(it, dtype=int)
        self.inh_state = np.array(ist, dtype=int)
        self.inh_scale = np.array(isc)
        self.inh_invki = np.array(iki)
        self.inh_invkiu = np.array(ikiu)
        # Turnover: de/dt = kdeg (1 + induction) - kdeg e - e q / p.
        tur = d["turnover"]
        self.ntur = len(tur)
        self.tur_state = np.array([t["state"] for t in tur], dtype=int)
        self.tur_kdeg = np.array([t["kdeg_per_h"] for t in tur])
        dt_, ds, dsc, demax, dec, dh = [], [], [], [], [], []
        lt, ls, lsc, lk, lki = [], [], [], [], []
        for j, t in enumerate(tur):
            for i in t["inducers"]:
                dt_.append(j)
                ds.append(i["conc"]["state"])
                dsc.append(i["conc"]["scale_per_l"])
                demax.append(i["emax"])
                dec.append(fnum(i["ec50_mg_per_l"]) ** i["hill"])
                dh.append(i["hill"])
            for l in t["ligands"]:
                lt.append(j)
                ls.append(l["conc"]["state"])
                lsc.append(l["conc"]["scale_per_l"])
                lk.append(1.0 / fnum(l["k_mg_per_l"]))
                lki.append(l["kinact_per_h"])
        self.ind_term = np.array(dt_, dtype=int)
        self.ind_state = np.array(ds, dtype=int)
        self.ind_scale = np.array(dsc)
        self.ind_emax = np.array(demax)
        self.ind_ec50n = np.array(dec)
        self.ind_hill = np.array(dh)
        self.lig_term = np.array(lt, dtype=int)
        self.lig_state = np.array(ls, dtype=int)
        self.lig_scale = np.array(lsc)
        self.lig_invk = np.array(lk)
        self.lig_kinact = np.array(lki)
        # Modified release (Weibull or zero-order hazard since the compound's latest dose, capped).
        self.releases = d["releases"]
        self.dose_times = [sorted(x) for x in d["dose_times"]]
        self.max_release = float(d.get("max_release_rate_per_h", 100.0))
        # Dissolution.
        dis = d["dissolutions"]
        self.dis_solid = np.array([x["solid"] for x in dis], dtype=int)
        self.dis_dissolved = np.array([x["dissolved"] for x in dis], dtype=int)
        self.dis_k = np.array([x["k"] for x in dis])
        self.dis_cs = np.array([x["solubility_mg_per_ml"] for x in dis])
        self.dis_vol = np.array([x["fluid_volume_ml"] for x in dis])
        self.dis_eps = np.array([x["eps_mg"] for x in dis])
        self.dis_M = incidence(n, [x["solid"] for x in dis], [x["dissolved"] for x in dis])
        self.infusions = d["infusions"]
        self.u = np.zeros(n)  # constant input of the current segment

    def release_rate(self, r, t):
        dts = self.dose_times[r["compound"]]
        t0 = None
        for x in dts:
            if x <= t:
                t0 = x
        if t0 is None:
            return 0.0
        tau = t - t0 - r["lag_h"]
        if tau <= 0.0:
            return 0.0
        if r.get("shape") == "zero_order":
            d = r["duration_h"]
            h = 1.0 / (d - tau) if tau < d else self.max_release
        else:
            h = r["beta"] / r["td_h"] * (tau / r["td_h"]) ** (r["beta"] - 1.0)
        return min(h, self.max_release)

    def set_segment(self, t0, t1):
        """Infusions are constant on a segment whose ends include every infusion edge."""
        self.u = np.zeros(self.n)
        tm = 0.5 * (t0 + t1)
        for inf in self.infusions:
            if inf["start_h"] <= tm < inf["end_h"]:
                self.u[inf["state"]] += inf["rate_mg_per_h"]

    def rhs(self, y, t):
        dy = self.A @ y + self.u
        if len(self.sat_from):
            c = self.sat_scale * y[self.sat_from]
            dy += self.sat_M @ (self.sat_vmax * c / (self.sat_km + np.abs(c)))
        if self.nmet:
            c = self.met_subscale * y[self.met_sub]
            e = y[self.met_enz]
            ci = np.maximum(self.inh_scale * y[self.inh_state], 0.0)
            s = np.bincount(self.inh_term, ci * self.inh_invki, self.nmet)
            u = np.bincount(self.inh_term, ci * self.inh_invkiu, self.nmet)
            den = np.where(
                self.met_linear,
                1.0 + s,
                self.met_km * (1.0 + s) + np.abs(c) * (1.0 + u),
            )
            dy += self.met_M @ (self.met_a * e * c / den)
        if self.ntur:
            e = y[self.tur_state]
            cd = np.maximum(self.ind_scale * y[self.ind_state], 0.0) ** self.ind_hill
            ind = np.bincount(
                self.ind_term, self.ind_emax * cd / (self.ind_ec50n + cd), self.ntur
            )
            x = np.maximum(self.lig_scale * y[self.lig_state], 0.0) * self.lig_invk
            q = np.bincount(self.lig_term, self.lig_kinact * x, self.ntur)
            p = 1.0 + np.bincount(self.lig_term, x, self.ntur)
            dy[self.tur_state] += (
                self.tur_kdeg * (1.0 + ind) - self.tur_kdeg * e - e * q / p
            )
        for r in self.releases:
            v = self.release_rate(r, t) * y[r["from"]]
            dy[r["to"]] += v
            dy[r["from"]] -= v
        if len(self.dis_solid):
            m = np.maximum(y[self.dis_solid], 0.0)
            m23 = m * (m + self.dis_eps) ** (-1.0 / 3.0)
            drive = np.maximum(
                self.dis_cs - np.maximum(y[self.dis_dissolved], 0.0) / self.dis_vol, 0.0
            )
            dy += self.dis_M @ (self.dis_k * m23 * drive)
        return dy


def stops_of(d):
    end = float(d["end_h"])
    s = {float(b) for b in d["breakpoints"] if 0.0 < b < end}
    for inf in d["infusions"]:
        for e in (inf["start_h"], inf["end_h"]):
            if 0.0 < e < end:
                s.add(float(e))
    return sorted(s) + [end]


def solve(p, d, method):
    """Returns the full state at every output time (after any jump at that time)."""
    from scipy.integrate import odeint, solve_ivp

    rtol, atol = float(d["rtol"]), float(d["atol"])
    outs = [float(t) for t in d["output_times"]]
    jumps = [(float(t), int(i), float(a)) for t, i, a in d["jumps"]]
    y = np.array(d["initial_state"], dtype=float)
    for t, i, a in jumps:
        if t == 0.0:
            y[i] += a
    res = np.zeros((len(outs), p.n))
    k = 0
    while k < len(outs) and outs[k] <= 0.0:
        res[k] = y
        k += 1
    t0 = 0.0
    for stop in stops_of(d):
        p.set_segment(t0, stop)
        inner = []
        k1 = k
        while k1 < len(outs) and outs[k1] < stop:
            inner.append(outs[k1])
            k1 += 1
        if method == "odeint":
            ts = [t0] + inner + [stop]
            sol = odeint(p.rhs, y, ts, rtol=rtol, atol=atol, tcrit=[stop], mxstep=100000)
            res[k:k1] = sol[1:-1]
            y = sol[-1].copy()
        else:
            sol = solve_ivp(
                lambda t, yy: p.rhs(yy, t),
                (t0, stop),
                y,
                method="LSODA",
                t_eval=inner + [stop],
                rtol=rtol,
                atol=atol,
            )
            if not sol.success:
                raise RuntimeError(f"solve_ivp failed on [{t0}, {stop}]: {sol.message}")
            res[k:k1] = sol.y[:, :-1].T
            y = sol.y[:, -1].copy()
        k = k1
        for t, i, a in jumps:
            if t == stop:
                y[i] += a
        while k < len(outs) and outs[k] <= stop:
            res[k] = y
            k += 1
        t0 = stop
    return res


def agreement(d, res):
    """Max relative difference of plasma concentrations where pbpk's exceed 1e-6 of Cmax."""
    ref = np.array(d["pbpk_plasma_mg_per_l"], dtype=float)
    out = {}
    worst = 0.0
    for j, pl in enumerate(d["plasma"]):
        ours = res[:, pl["state"]] / pl["capacity_l"]
        r = ref[:, j]
        cmax = np.max(np.abs(r))
        mask = np.abs(r) > 1e-6 * cmax
        rel = np.abs(ours[mask] - r[mask]) / np.abs(r[mask])
        m = float(rel.max()) if rel.size else 0.0
        i = int(np.argmax(rel)) if rel.size else 0
        tw = float(np.array(d["output_times"])[mask][i]) if rel.size else 0.0
        out[pl["compound"]] = {"max_rel_diff": m, "at_h": tw, "cmax_mg_per_l": float(cmax)}
        worst = max(worst, m)
    return worst, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--method", choices=["odeint", "solve_ivp"], default="odeint")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--csv")
    ap.add_argument(
        "--tight",
        action="store_true",
        help="also solve at rtol 1e-11 (atol/1e4) and report pbpk's and this peer's "
        "differences from that near-exact solution (to attribute a disagreement)",
    )
    a = ap.parse_args()
    with open(a.model) as f:
        d = json.load(f)
    p = Problem(d)
    times = []
    res = solve(p, d, a.method)  # warm-up (imports, caches), not timed
    for _ in range(max(1, a.repeats)):
        t = time.perf_counter()
        res = solve(p, d, a.method)
        times.append(time.perf_counter() - t)
    worst, per = agreement(d, res)
    tight = None
    if a.tight:
        dt = dict(d)
        dt["rtol"], dt["atol"] = 1e-11, float(d["atol"]) * 1e-4
        exact = solve(p, dt, a.method)
        pbpk_err, _ = agreement(d, exact)
        # This peer against the near-exact solution, on the same mask.
        de = dict(d)
        de["pbpk_plasma_mg_per_l"] = [
            [row[pl["state"]] / pl["capacity_l"] for pl in d["plasma"]] for row in exact
        ]
        peer_err, _ = agreement(de, res)
        tight = {"pbpk_vs_tight": pbpk_err, "peer_vs_tight": peer_err}
    if a.csv:
        with open(a.csv, "w") as f:
            f.write("t_h," + ",".join(pl["compound"] for pl in d["plasma"]) + "\n")
            for t, row in zip(d["output_times"], res):
                f.write(
                    f"{t}," + ",".join(f"{row[pl['state']] / pl['capacity_l']:.10e}" for pl in d["plasma"]) + "\n"
                )
    print(
        json.dumps(
            {
                "peer": f"python-scipy-{'odeint' if a.method == 'odeint' else 'solve_ivp'}-lsoda",
                "times_s": times,
                "median_s": float(np.median(times)),
                "max_rel_diff": worst,
                "compounds": per,
                "tight": tight,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
