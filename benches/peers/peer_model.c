/* Compiled right-hand side for deSolve (peer_c.R): transfers, saturable, metabolism with
 * reversible inhibition, enzyme turnover (induction, inactivation with ligand protection)
 * and a constant input per segment (infusions). Built by `R CMD SHLIB peer_model.c`.
 *
 * Parameters come through deSolve's rpar/ipar vectors (lsoda(..., rpar =, ipar =)):
 * with nout = 0, rpar starts at yout[0] and ipar at ip[3]. All indices are 0-based.
 *
 * ipar: n, ntr, nsat, nmet, ninh, ntur, nind, nlig, then
 *   tr_from[ntr], tr_to[ntr], sat_from[nsat], sat_to[nsat],
 *   met_sub[nmet], met_from[nmet], met_to[nmet], met_enz[nmet], met_linear[nmet],
 *   inh_term[ninh], inh_state[ninh], tur_state[ntur],
 *   ind_term[nind], ind_state[nind], lig_term[nlig], lig_state[nlig]
 * rpar: u[n], tr_k[ntr], sat_vmax, sat_km, sat_scale [nsat each],
 *   met_subscale, met_a, met_km [nmet each], inh_scale, inh_invki, inh_invkiu [ninh each],
 *   tur_kdeg[ntur], ind_scale, ind_emax, ind_ec50n, ind_hill [nind each],
 *   lig_scale, lig_invk, lig_kinact [nlig each]
 */
#include <math.h>
#include <R.h>

#define MAXT 4096

void derivs(int *neq, double *t, double *y, double *dy, double *yout, int *ip)
{
    const int *I = ip + 3;
    const double *R = yout; /* nout = 0 */
    int n = I[0], ntr = I[1], nsat = I[2], nmet = I[3], ninh = I[4], ntur = I[5],
        nind = I[6], nlig = I[7];
    const int *tr_from = I + 8, *tr_to = tr_from + ntr;
    const int *sat_from = tr_to + ntr, *sat_to = sat_from + nsat;
    const int *met_sub = sat_to + nsat, *met_from = met_sub + nmet, *met_to = met_from + nmet,
              *met_enz = met_to + nmet, *met_linear = met_enz + nmet;
    const int *inh_term = met_linear + nmet, *inh_state = inh_term + ninh;
    const int *tur_state = inh_state + ninh;
    const int *ind_term = tur_state + ntur, *ind_state = ind_term + nind;
    const int *lig_term = ind_state + nind, *lig_state = lig_term + nlig;

    const double *u = R, *tr_k = u + n;
    const double *sat_vmax = tr_k + ntr, *sat_km = sat_vmax + nsat, *sat_scale = sat_km + nsat;
    const double *met_subscale = sat_scale + nsat, *met_a = met_subscale + nmet,
                 *met_km = met_a + nmet;
    const double *inh_scale = met_km + nmet, *inh_invki = inh_scale + ninh,
                 *inh_invkiu = inh_invki + ninh;
    const double *tur_kdeg = inh_invkiu + ninh;
    const double *ind_scale = tur_kdeg + ntur, *ind_emax = ind_scale + nind,
                 *ind_ec50n = ind_emax + nind, *ind_hill = ind_ec50n + nind;
    const double *lig_scale = ind_hill + nind, *lig_invk = lig_scale + nlig,
                 *lig_kinact = lig_invk + nlig;

    (void)t;
    if (n != *neq || nmet > MAXT || ntur > MAXT) error("peer_model: bad parameter vectors");

    for (int i = 0; i < n; i++) dy[i] = u[i];
    for (int j = 0; j < ntr; j++) {
        double r = tr_k[j] * y[tr_from[j]];
        dy[tr_to[j]] += r;
        dy[tr_from[j]] -= r;
    }
    for (int j = 0; j < nsat; j++) {
        double c = sat_scale[j] * y[sat_from[j]];
        double r = sat_vmax[j] * c / (sat_km[j] + fabs(c));
        dy[sat_to[j]] += r;
        dy[sat_from[j]] -= r;
    }
    if (nmet) {
        double s[MAXT], uu[MAXT];
        for (int j = 0; j < nmet; j++) s[j] = uu[j] = 0.0;
        for (int k = 0; k < ninh; k++) {
            double c = inh_scale[k] * y[inh_state[k]];
            if (c < 0.0) c = 0.0;
            s[inh_term[k]] += c * inh_invki[k];
            uu[inh_term[k]] += c * inh_invkiu[k];
        }
        for (int j = 0; j < nmet; j++) {
            double c = met_subscale[j] * y[met_sub[j]];
            double e = y[met_enz[j]];
            double den = met_linear[j] ? 1.0 + s[j]
                                       : met_km[j] * (1.0 + s[j]) + fabs(c) * (1.0 + uu[j]);
            double r = met_a[j] * e * c / den;
            dy[met_to[j]] += r;
            dy[met_from[j]] -= r;
        }
    }
    if (ntur) {
        double ind[MAXT], q[MAXT], p[MAXT];
        for (int j = 0; j < ntur; j++) {
            ind[j] = q[j] = 0.0;
            p[j] = 1.0;
        }
        for (int k = 0; k < nind; k++) {
            double c = ind_scale[k] * y[ind_state[k]];
            if (c < 0.0) c = 0.0;
            double cn = pow(c, ind_hill[k]);
            ind[ind_term[k]] += ind_emax[k] * cn / (ind_ec50n[k] + cn);
        }
        for (int k = 0; k < nlig; k++) {
            double c = lig_scale[k] * y[lig_state[k]];
            if (c < 0.0) c = 0.0;
            double x = c * lig_invk[k];
            q[lig_term[k]] += lig_kinact[k] * x;
            p[lig_term[k]] += x;
        }
        for (int j = 0; j < ntur; j++) {
            double e = y[tur_state[j]];
            dy[tur_state[j]] +=
                tur_kdeg[j] * (1.0 + ind[j]) - tur_kdeg[j] * e - e * q[j] / p[j];
        }
    }
}
