//! Model assembly: organs and flows of one individual into an ODE system.
//!
//! Perfusion-limited organs (well-stirred): an organ of volume V with vascular fraction
//! f_vas holds drug with organ:plasma ratio K = f_vas B:P + (1 - f_vas) Kp, so
//!   dA_organ/dt = Q B:P (C_in - C_organ) - elimination,
//! with C the plasma-equivalent concentration. The circulation runs venous blood -> lung ->
//! arterial blood -> organs -> venous blood; stomach, intestines, pancreas and spleen drain
//! into the portal vein, which joins the hepatic artery into the liver.
//!
//! Elimination uses the unbound concentration fu x C: in the liver (well-stirred liver:
//! CL_H = Q B:P fu CLint / (Q B:P + fu CLint) at steady state, plasma-referenced) and by
//! glomerular filtration and secretion from the kidney.
//!
//! Oral absorption (compartmental absorption and transit; Yu & Amidon, Int J Pharm
//! 1999;186:119): drug moves stomach -> 7 small-intestine segments -> colon -> faeces by
//! first-order transit (k = 1 / transit time), dissolved and undissolved alike. Dissolved
//! drug permeates into the enterocytes of each small-intestine segment at
//! ka = 2 Peff / R (segment radius R), and from the colon into the large-intestine tissue.
//! Each segment's enterocytes (volume and villous flow split by mucosal surface, unbound
//! fraction fu_gut) metabolise with that segment's share of the gut enzymes or pass drug
//! into the portal vein with the villous blood flow, so Fg emerges (the Qgut idea; Yang et
//! al. Curr Drug Metab 2007;8:676).
//!
//! Enzymes inhibited, inactivated or induced by a compound of the model get an amount state
//! per site (liver, each segment's enterocytes) and their metabolism terms use it (see
//! `enzymes`); all other metabolism uses the fixed baseline amount.

use super::clearance::{
    enzyme_pathways, hepatic_uptake_kinetics, renal_clearance_l_per_h, Kinetics, Pathway, Site,
};
use super::enzymes::{Inducer, Inhibitor, Ligand, Metabolism, Probe, Turnover};
use super::layout::{EnzymeSite, Layout, N_SI};
use super::partition::kp;
use super::permeability;
use super::{CompoundInfo, Formation, MichaelisMenten, Model, Product, Transfer};
use crate::data::compound::{CellPermeability, Compound, Interaction};
use crate::data::physiology::{Drain, Physiology, COLON, GUT_SEGMENTS, ORGANS, SMALL_INTESTINE};
use crate::error::{PbpkError, Result};

/// Seconds per hour: Peff (cm/s) x 2 / R (cm) x 3600 = ka (1/h).
const S_PER_H: f64 = 3600.0;

/// Where one compound's drug sits, for reading unbound concentrations at enzyme sites.
struct Sites {
    liver: Probe,
    gut: [Probe; N_SI],
}

/// The (enzyme, site) pairs that need a dynamic amount: every enzyme some compound
/// inhibits, inactivates or induces, at the liver and every segment that has it.
fn dynamic_enzymes(
    phys: &Physiology,
    compounds: &[(Compound, String)],
) -> Vec<(String, EnzymeSite)> {
    let mut out: Vec<(String, EnzymeSite)> = Vec::new();
    for (c, _) in compounds {
        for it in &c.interaction {
            let e = it.enzyme().to_string();
            if out.iter().any(|(x, _)| *x == e) {
                continue;
            }
            if phys.hepatic_enzyme_pmol(&e).unwrap_or(0.0) > 0.0 {
                out.push((e.clone(), EnzymeSite::Liver));
            }
            let gut = phys.gut_enzyme_pmol(&e).unwrap_or(0.0);
            for (i, seg) in SMALL_INTESTINE.enumerate() {
                if gut * phys.gut.enzyme_share(&e, seg) > 0.0 {
                    out.push((e.clone(), EnzymeSite::Gut(i)));
                }
            }
        }
    }
    out
}

/// Assemble the model of `phys` dosed with `compounds`. `labels` name each compound's file
/// for error messages.
pub fn assemble(phys: &Physiology, compounds: &[(Compound, String)]) -> Result<Model> {
    let dynamic = dynamic_enzymes(phys, compounds);
    let cells: Vec<bool> = compounds
        .iter()
        .map(|(c, _)| c.cell_permeability == CellPermeability::PkSimStandard)
        .collect();
    let layout = Layout::new(&cells, &dynamic);
    // Per compound and organ: the membrane PA (L/h) where the cells are a compartment of
    // their own; None where the organ is perfusion-limited.
    let liver_pathways: Vec<Vec<Pathway>> = compounds
        .iter()
        .map(|(c, label)| enzyme_pathways(c, phys, Site::Liver, label))
        .collect::<Result<_>>()?;
    let limits: Vec<[Option<f64>; ORGANS.len()]> = compounds
        .iter()
        .zip(&liver_pathways)
        .map(|((c, _), p)| {
            let clint: f64 = p.iter().map(|p| p.kinetics.clint_l_per_h()).sum();
            membrane_limits(c, phys, clint)
        })
        .collect();
    // The state a compound's liver metabolism (and the metabolites it receives) acts in.
    let liver_i = ORGANS.iter().position(|o| *o == "liver").unwrap();
    let liver_state: Vec<usize> = layout
        .compounds
        .iter()
        .zip(&limits)
        .map(|(s, l)| match (s.cells, l[liver_i]) {
            (Some(cells), Some(_)) => cells[liver_i],
            _ => s.organs[liver_i],
        })
        .collect();
    let mut terms = Terms::default();
    let mut infos = Vec::new();
    let mut sites = Vec::new();
    let v_ent_total = phys.gut.enterocyte_volume_l;
    let share: [f64; N_SI] =
        std::array::from_fn(|i| phys.gut.surface_share(SMALL_INTESTINE.start + i));
    let v_ent: [f64; N_SI] = share.map(|s| s * v_ent_total);

    for (k, ((c, label), s)) in compounds.iter().zip(&layout.compounds).enumerate() {
        let bp = c.blood_plasma_ratio.value;
        let fu = c.fu_plasma.value;
        let mw = c.mw();

        // Capacities (L, plasma-referenced).
        let cap_venous = phys.blood.venous_volume_l * bp;
        let cap_arterial = phys.blood.arterial_volume_l * bp;
        let cap_portal = phys.blood.portal_vein_volume_l * bp;
        // Organ capacities; a permeability-limited compound's organ state holds blood and
        // interstitial drug only (`cap_organ`), its cells the rest (`cap_cell`), exchanging
        // unbound drug at PA (L/h) both ways.
        let mut kps = Vec::new();
        let mut cap_organ = [0.0; ORGANS.len()];
        let mut cap_cell = [0.0; ORGANS.len()];
        for (i, name) in ORGANS.iter().enumerate() {
            let o = phys.organ(name);
            let k_tissue = kp(c, phys, name);
            kps.push((name.to_string(), k_tissue));
            if let (Some(cells), Some(pa_i)) = (s.cells, limits[k][i]) {
                let (ext, cell) = permeability::split_capacity(
                    o.volume_l,
                    o.fraction_vascular,
                    o.fraction_interstitial,
                    bp,
                    k_tissue,
                    fu,
                );
                cap_organ[i] = ext;
                cap_cell[i] = cell;
                terms.transfers.push(Transfer {
                    from: s.organs[i],
                    to: cells[i],
                    k_per_h: pa_i * fu / ext,
                });
                terms.transfers.push(Transfer {
                    from: cells[i],
                    to: s.organs[i],
                    k_per_h: pa_i * fu / cell,
                });
                // Active uptake into the liver cells (sinusoidal influx transporter), on
                // the unbound interstitial (plasma-equivalent) concentration.
                if i == liver_i {
                    match hepatic_uptake_kinetics(c, phys) {
                        Some(Kinetics::Linear { clint_u_l_per_h }) if clint_u_l_per_h > 0.0 => {
                            terms.transfers.push(Transfer {
                                from: s.organs[i],
                                to: cells[i],
                                k_per_h: clint_u_l_per_h * fu / ext,
                            })
                        }
                        Some(Kinetics::Saturable {
                            vmax_mg_per_h,
                            km_u_mg_per_l,
                        }) if vmax_mg_per_h > 0.0 => terms.saturable.push(MichaelisMenten {
                            from: s.organs[i],
                            to: cells[i],
                            vmax_mg_per_h,
                            km_mg_per_l: km_u_mg_per_l,
                            scale_per_l: fu / ext,
                            product: None,
                        }),
                        _ => {}
                    }
                }
            } else {
                let k_organ = o.fraction_vascular * bp + (1.0 - o.fraction_vascular) * k_tissue;
                cap_organ[i] = o.volume_l * k_organ;
            }
        }
        let absorption = c.absorption.as_ref();
        let fu_gut = absorption
            .and_then(|a| a.fu_gut.as_ref())
            .map_or(1.0, |f| f.value);

        // Blood flow (L/h) x B:P / capacity = rate constant (1/h).
        let mut flow = |from: usize, to: usize, q_blood: f64, cap_from: f64| {
            terms.transfers.push(Transfer {
                from,
                to,
                k_per_h: q_blood * bp / cap_from,
            });
        };
        let co = phys.cardiac_output_l_per_h;
        let lung = s.organ("lung");
        flow(s.venous, lung, co, cap_venous);
        flow(lung, s.arterial, co, cap_organ[0]);
        let portal_flow = phys.portal_flow_l_per_h();
        for (i, name) in ORGANS.iter().enumerate().skip(1) {
            let o = phys.organ(name);
            let q = o.blood_flow_l_per_h.unwrap_or(0.0);
            let organ = s.organs[i];
            flow(s.arterial, organ, q, cap_arterial);
            match o.drains_to {
                Drain::PortalVein => flow(organ, s.portal, q, cap_organ[i]),
                Drain::VenousBlood => {
                    let q_out = if *name == "liver" { q + portal_flow } else { q };
                    flow(organ, s.venous, q_out, cap_organ[i]);
                }
            }
        }
        let liver = s.organ("liver");
        flow(s.portal, liver, portal_flow, cap_portal);

        // Metabolism and enzyme effects see the unbound concentration in the liver cells.
        let liver_pa = limits[k][liver_i];
        let cap_liver = if liver_pa.is_some() {
            cap_cell[liver_i]
        } else {
            cap_organ[liver_i]
        };
        sites.push(Sites {
            liver: Probe {
                state: liver_state[k],
                scale_per_l: fu / cap_liver,
            },
            gut: std::array::from_fn(|i| Probe {
                state: s.enterocytes[i],
                scale_per_l: fu_gut / v_ent[i],
            }),
        });
        let here = sites.last().unwrap();

        // Hepatic and gut-wall metabolism.
        let mut liver_pathways = liver_pathways[k].clone();
        let uptake_clint = hepatic_uptake_kinetics(c, phys).map_or(0.0, |k| k.clint_l_per_h());
        // (A perfusion-limited liver here still takes the cells' CLint of a clearance fitted
        // behind membranes elsewhere: `None` converts only those.)
        fitted_behind_membranes(
            &mut liver_pathways,
            liver_pa.map(|pa| [pa + uptake_clint, pa]),
            label,
        )?;
        let gut_pathways = enzyme_pathways(c, phys, Site::Gut, label)?;
        for p in &liver_pathways {
            let dyn_state = p
                .enzyme
                .as_deref()
                .and_then(|e| layout.enzyme_state(e, EnzymeSite::Liver));
            // Metabolism goes to the liver's sink; biliary excretion into the duodenal lumen
            // (enterohepatic circulation) or, without it, to the liver's sink as well: it is
            // hepatic elimination, and kept apart from the faeces, which hold only drug that
            // was never absorbed (so that fa = dose - lumen - faeces stays true).
            let sink = match p.to_bile {
                Some(true) => s.lumen[1],
                Some(false) | None => s.metabolised_liver,
            };
            add_pathway(
                p,
                1.0,
                here.liver,
                sink,
                dyn_state,
                product_of(
                    p,
                    EnzymeSite::Liver,
                    c,
                    label,
                    compounds,
                    &layout,
                    &liver_state,
                )?,
                &mut terms,
            );
        }
        for p in &gut_pathways {
            for (i, &surface) in share.iter().enumerate() {
                let seg_share = p.enzyme.as_deref().map_or(surface, |e| {
                    phys.gut.enzyme_share(e, SMALL_INTESTINE.start + i)
                });
                let dyn_state = p
                    .enzyme
                    .as_deref()
                    .and_then(|e| layout.enzyme_state(e, EnzymeSite::Gut(i)));
                add_pathway(
                    p,
                    seg_share,
                    here.gut[i],
                    s.metabolised_gut,
                    dyn_state,
                    product_of(
                        p,
                        EnzymeSite::Gut(i),
                        c,
                        label,
                        compounds,
                        &layout,
                        &liver_state,
                    )?,
                    &mut terms,
                );
            }
        }

        // Renal clearance from kidney plasma.
        let kidney = s.organ("kidney");
        let kidney_i = ORGANS.iter().position(|o| *o == "kidney").unwrap();
        let cl_r = renal_clearance_l_per_h(c, phys);
        if cl_r > 0.0 {
            terms.transfers.push(Transfer {
                from: kidney,
                to: s.urine,
                k_per_h: cl_r / cap_organ[kidney_i],
            });
        }

        // Gut lumen transit (dissolved and undissolved alike), then faeces.
        for (seg, name) in GUT_SEGMENTS.iter().enumerate() {
            let k = 1.0 / phys.gut.segments[*name].transit_time_h;
            let (to_lumen, to_solid) = if seg + 1 < GUT_SEGMENTS.len() {
                (s.lumen[seg + 1], s.solid[seg + 1])
            } else {
                (s.faeces, s.faeces)
            };
            terms.transfers.push(Transfer {
                from: s.lumen[seg],
                to: to_lumen,
                k_per_h: k,
            });
            terms.transfers.push(Transfer {
                from: s.solid[seg],
                to: to_solid,
                k_per_h: k,
            });
        }
        // Acid-catalysed degradation of dissolved drug in the lumen (to the faeces sink:
        // lost in the gut), k = ln 2 / t1/2 x 10^(pH_ref - pH_segment).
        if let Some(d) = absorption.and_then(|a| a.acid_degradation.as_ref()) {
            for (seg, name) in GUT_SEGMENTS.iter().enumerate() {
                let k = std::f64::consts::LN_2 / d.half_life_h
                    * 10f64.powf(d.ph - phys.gut.segments[*name].ph);
                // Drop negligible terms (a drug labile at gastric pH barely degrades at pH 6).
                if k > 1e-6 {
                    terms.transfers.push(Transfer {
                        from: s.lumen[seg],
                        to: s.faeces,
                        k_per_h: k,
                    });
                }
            }
        }
        // Permeation: ka = 2 Peff / R, into the enterocytes (small intestine) or the
        // large-intestine tissue (colon).
        if let Some(peff) = c.peff_cm_per_s() {
            for seg in SMALL_INTESTINE.chain([COLON]) {
                let g = phys.gut.segment(seg);
                let r = g.radius_cm.unwrap_or(f64::INFINITY);
                let scale = match (
                    seg,
                    absorption.and_then(|a| a.colon_permeability_ratio.as_ref()),
                ) {
                    (COLON, Some(ratio)) => ratio.value,
                    _ => g.permeability_scale,
                };
                let ka = 2.0 * peff * scale / r * S_PER_H;
                let to = if seg == COLON {
                    s.organ("large_intestine")
                } else {
                    s.enterocytes[seg - SMALL_INTESTINE.start]
                };
                if ka > 0.0 {
                    terms.transfers.push(Transfer {
                        from: s.lumen[seg],
                        to,
                        k_per_h: ka,
                    });
                }
            }
        }
        // Villous blood exchanges unbound drug with the enterocytes, with Qvilli as the
        // exchange clearance both ways: enterocytes -> portal vein at Qvilli,s C_ent,s (the
        // Qgut convention: enterocyte drug counted as unbound) and small-intestine blood ->
        // enterocytes at Qvilli,s fu C_SI (unbound plasma of the organ whose blood the villi
        // carry), so that systemic drug reaches the gut-wall enzymes and, without
        // metabolism, C_ent settles at fu C_art. Taking the supply from the small intestine
        // rather than from arterial blood keeps every mg the gut receives on its way to the
        // portal vein (no arterial shunt past the kidney and the other organs).
        let si = s.organ("small_intestine");
        let si_i = ORGANS.iter().position(|o| *o == "small_intestine").unwrap();
        for ((&ent, sh), v) in s.enterocytes.iter().zip(share).zip(v_ent) {
            let q_villi = phys.gut.villous_blood_flow_l_per_h * sh;
            terms.transfers.push(Transfer {
                from: ent,
                to: s.portal,
                k_per_h: q_villi / v,
            });
            terms.transfers.push(Transfer {
                from: si,
                to: ent,
                k_per_h: q_villi * fu / cap_organ[si_i],
            });
        }

        let vss = cap_venous
            + cap_arterial
            + cap_portal
            + cap_organ.iter().sum::<f64>()
            + cap_cell.iter().sum::<f64>();
        infos.push(CompoundInfo {
            name: c.name.clone(),
            mw,
            fu_plasma: fu,
            blood_plasma_ratio: bp,
            kp: kps,
            vss_l: vss,
            venous_capacity_l: cap_venous,
            organ_volume_l: ORGANS.map(|o| phys.organ(o).volume_l),
            enterocyte_volume_l: v_ent,
            fu_gut,
            liver_capacity_l: cap_liver,
            membrane_pa_l_per_h: limits[k],
            liver_uptake_l_per_h: uptake_clint,
            cell_capacity_l: s.cells.map(|_| cap_cell),
            clint_liver_l_per_h: liver_pathways
                .iter()
                .map(|p| (p.label.clone(), p.kinetics.clint_l_per_h()))
                .collect(),
            clint_gut_l_per_h: gut_pathways
                .iter()
                .map(|p| (p.label.clone(), p.kinetics.clint_l_per_h()))
                .collect(),
        });
    }

    // Interactions: reversible inhibitors join the metabolism terms of their enzyme at
    // each site; inactivators, inducers and (as protecting ligands) reversible inhibitors
    // and Michaelis-Menten substrates join the enzyme's turnover.
    let mut turnover = Vec::new();
    for es in &layout.enzymes {
        let (e0, kdeg) = match es.site {
            EnzymeSite::Liver => (
                phys.hepatic_enzyme_pmol(&es.enzyme).unwrap_or(0.0),
                phys.enzymes.liver.get(&es.enzyme).map(|e| e.kdeg_per_h),
            ),
            EnzymeSite::Gut(i) => (
                phys.gut_enzyme_pmol(&es.enzyme).unwrap_or(0.0)
                    * phys.gut.enzyme_share(&es.enzyme, SMALL_INTESTINE.start + i),
                phys.enzymes.gut.get(&es.enzyme).map(|e| e.kdeg_per_h),
            ),
        };
        let kdeg = kdeg.ok_or_else(|| {
            PbpkError::invalid(
                &phys.name,
                format!("enzymes.*.{}.kdeg_per_h", es.enzyme),
                "an enzyme that a compound inhibits, inactivates or induces needs its degradation rate constant",
            )
        })?;
        let mut t = Turnover {
            state: es.state,
            e0_pmol: e0,
            kdeg_per_h: kdeg,
            inducers: Vec::new(),
            ligands: Vec::new(),
        };
        for (k, (c, _)) in compounds.iter().enumerate() {
            let probe = match es.site {
                EnzymeSite::Liver => sites[k].liver,
                EnzymeSite::Gut(i) => sites[k].gut[i],
            };
            // umol/L x MW (g/mol) / 1000 = mg/L; unbound: x fu_inc.
            let mg = |umol: f64, fu_inc: f64| umol * fu_inc * c.mw() / 1000.0;
            for it in c.interaction.iter().filter(|i| i.enzyme() == es.enzyme) {
                let inhibitor = |ki: f64, kiu: f64| Inhibitor {
                    conc: probe,
                    ki_mg_per_l: ki,
                    kiu_mg_per_l: kiu,
                };
                let inf = f64::INFINITY;
                let reversible = match it {
                    Interaction::Competitive {
                        ki_umol_per_l,
                        fu_inc,
                        ..
                    } => Some(inhibitor(mg(*ki_umol_per_l, *fu_inc), inf)),
                    Interaction::NonCompetitive {
                        ki_umol_per_l,
                        fu_inc,
                        ..
                    } => {
                        let k = mg(*ki_umol_per_l, *fu_inc);
                        Some(inhibitor(k, k))
                    }
                    Interaction::Uncompetitive {
                        ki_umol_per_l,
                        fu_inc,
                        ..
                    } => Some(inhibitor(inf, mg(*ki_umol_per_l, *fu_inc))),
                    Interaction::Mixed {
                        ki_umol_per_l,
                        kiu_umol_per_l,
                        fu_inc,
                        ..
                    } => Some(inhibitor(
                        mg(*ki_umol_per_l, *fu_inc),
                        mg(*kiu_umol_per_l, *fu_inc),
                    )),
                    Interaction::MechanismBased {
                        ki_umol_per_l,
                        kinact_per_h,
                        fu_inc,
                        ..
                    } => {
                        t.ligands.push(Ligand {
                            conc: probe,
                            k_mg_per_l: mg(*ki_umol_per_l, *fu_inc),
                            kinact_per_h: *kinact_per_h,
                        });
                        None
                    }
                    Interaction::Induction {
                        emax,
                        ec50_umol_per_l,
                        hill,
                        fu_inc,
                        ..
                    } => {
                        t.inducers.push(Inducer {
                            conc: probe,
                            emax: *emax,
                            ec50_mg_per_l: mg(*ec50_umol_per_l, *fu_inc),
                            hill: *hill,
                        });
                        None
                    }
                };
                if let Some(inh) = reversible {
                    // An inactivator's own binding is its KI (measured with it alone), so
                    // its reversible Ki does not count a second time in the ligand sum.
                    let inactivates = c.interaction.iter().any(|i| {
                        i.enzyme() == es.enzyme && matches!(i, Interaction::MechanismBased { .. })
                    });
                    if inh.ki_mg_per_l.is_finite() && !inactivates {
                        t.ligands.push(Ligand {
                            conc: probe,
                            k_mg_per_l: inh.ki_mg_per_l,
                            kinact_per_h: 0.0,
                        });
                    }
                    for m in terms
                        .metabolism
                        .iter_mut()
                        .filter(|m: &&mut Metabolism| m.enzyme == es.state)
                    {
                        m.inhibitors.push(inh);
                    }
                }
            }
        }
        // Substrates with a Km bind the same site and so protect it too (K = unbound Km); a
        // compound already counted through its own KI or Ki is not counted twice, and of
        // two pathways of one compound the tighter Km counts.
        let counted: Vec<usize> = t.ligands.iter().map(|l| l.conc.state).collect();
        for m in terms.metabolism.iter().filter(|m| m.enzyme == es.state) {
            let Some(km) = m.km_mg_per_l else { continue };
            if counted.contains(&m.substrate.state) {
                continue;
            }
            match t
                .ligands
                .iter_mut()
                .find(|l| l.conc.state == m.substrate.state)
            {
                Some(l) => l.k_mg_per_l = l.k_mg_per_l.min(km),
                None => t.ligands.push(Ligand {
                    conc: m.substrate,
                    k_mg_per_l: km,
                    kinact_per_h: 0.0,
                }),
            }
        }
        turnover.push(t);
    }

    Ok(Model {
        layout,
        transfers: terms.transfers,
        formations: terms.formations,
        saturable: terms.saturable,
        metabolism: terms.metabolism,
        turnover,
        releases: Vec::new(),
        dissolutions: Vec::new(),
        infusions: Vec::new(),
        dose_times: vec![Vec::new(); compounds.len()],
        compounds: infos,
    })
}

/// Membranes this many times faster than what they compete with (the organ's blood flow;
/// in the liver also its metabolism) are treated as absent: the organ stays one
/// well-stirred compartment (error below 0.1 %), which keeps the system from rates of
/// 1e9 per hour for small lipophilic drugs.
const MEMBRANE_FAST: f64 = 1000.0;

/// Per organ, the membrane PA (L/h) of a `pk_sim_standard` compound where its cells are a
/// compartment of their own (`None`: perfusion-limited, or membranes fast enough to ignore).
/// `clint_liver`: the compound's hepatic unbound CLint (L/h), which liver uptake competes with.
fn membrane_limits(
    c: &Compound,
    phys: &Physiology,
    clint_liver: f64,
) -> [Option<f64>; ORGANS.len()] {
    let mut out = [None; ORGANS.len()];
    if c.cell_permeability != CellPermeability::PkSimStandard {
        return out;
    }
    let (fu, bp) = (c.fu_plasma.value, c.blood_plasma_ratio.value);
    for (i, name) in ORGANS.iter().enumerate() {
        let o = phys.organ(name);
        let pa = permeability::pa_l_per_h(c.mw_effective(), c.log_p.value, name, o.volume_l);
        let q = match *name {
            "lung" => phys.cardiac_output_l_per_h,
            "liver" => phys.hepatic_blood_flow_l_per_h(),
            _ => o.blood_flow_l_per_h.unwrap_or(0.0),
        };
        let fast = pa * fu >= MEMBRANE_FAST * q * bp
            && (*name != "liver"
                || (pa >= MEMBRANE_FAST * clint_liver && c.hepatic_uptake.is_none()));
        if !fast {
            out[i] = Some(pa);
        }
    }
    out
}

/// A `hepatic_fitted` CLint was derived from in-vivo clearance through the well-stirred
/// liver, so it is the overall intrinsic clearance from blood, membranes included. Behind
/// permeability-limited liver cells (influx PS_in = passive PA + active uptake, efflux
/// PS_out = PA, L/h) the cells' own CLint that gives that overall value, from the extended
/// clearance CLint = PS_in CLint_cell / (PS_out + CLint_cell), is
/// CLint_cell = CLint PS_out / (PS_in - CLint) (each fitted pathway taken alone).
/// The conversion is made behind the membranes of the liver the clearance was fitted in
/// (`FittedScaling::membranes`), and the cells' CLint then scaled to the individual; without
/// them, behind the individual's own.
fn fitted_behind_membranes(
    pathways: &mut [Pathway],
    own: Option<[f64; 2]>,
    label: &str,
) -> Result<()> {
    for p in pathways.iter_mut() {
        let Some(f) = p.fitted else { continue };
        if let Kinetics::Linear { clint_u_l_per_h } = &mut p.kinetics {
            let (c, ps_in, ps_out, scale) = match (f.membranes, own) {
                // No enzyme in this individual: no clearance by it.
                _ if f.scale <= 0.0 => {
                    *clint_u_l_per_h = 0.0;
                    continue;
                }
                // Fitted behind membranes of its own liver: convert there, then scale.
                (Some(Some([i, o])), _) => (*clint_u_l_per_h / f.scale, i, o, f.scale),
                // Its liver was perfusion-limited: the fitted CLint is the cells' own.
                (Some(None), _) => continue,
                // Fitted liver unknown: behind this liver's membranes, if it has any.
                (None, Some([i, o])) => (*clint_u_l_per_h, i, o, 1.0),
                (None, None) => continue,
            };
            if c >= 0.95 * ps_in {
                return Err(PbpkError::invalid(
                    label,
                    "elimination (hepatic_fitted).clint_u_l_per_h",
                    format!(
                        "the fitted hepatic CLint ({c:.1} L/h) is at or above what the liver cell membranes can carry (PA {ps_in:.1} L/h with cell_permeability = \"pk_sim_standard\"); use cell_permeability = \"perfusion_limited\" for this compound"
                    ),
                ));
            }
            *clint_u_l_per_h = c * ps_out / (ps_in - c) * scale;
        }
    }
    Ok(())
}

/// The liver cell membranes of compound `c` in `phys` (PS_in = passive PA + active uptake,
/// PS_out = PA, L/h), or `None` where its liver is perfusion-limited: for converting a
/// fitted CLint in the liver it was fitted in.
pub(crate) fn liver_membranes(
    c: &Compound,
    phys: &Physiology,
    label: &str,
) -> Result<Option<[f64; 2]>> {
    let pathways = enzyme_pathways(c, phys, Site::Liver, label)?;
    let clint: f64 = pathways.iter().map(|p| p.kinetics.clint_l_per_h()).sum();
    let liver_i = ORGANS.iter().position(|o| *o == "liver").unwrap();
    Ok(membrane_limits(c, phys, clint)[liver_i].map(|pa| {
        let uptake = hepatic_uptake_kinetics(c, phys).map_or(0.0, |k| k.clint_l_per_h());
        [pa + uptake, pa]
    }))
}

/// Where pathway `p` of compound `c` puts the metabolite it forms at `site`: the
/// metabolite's own liver (hepatic pathway) or the same segment's enterocytes (gut wall),
/// at MW_metabolite / MW_parent mg per mg (one mole for one mole).
fn product_of(
    p: &Pathway,
    site: EnzymeSite,
    c: &Compound,
    label: &str,
    compounds: &[(Compound, String)],
    layout: &Layout,
    liver_state: &[usize],
) -> Result<Option<Product>> {
    let Some(name) = p.metabolite.as_deref() else {
        return Ok(None);
    };
    let k = compounds
        .iter()
        .position(|(m, _)| m.name == name)
        .ok_or_else(|| {
            PbpkError::invalid(
                label,
                "elimination[].metabolite",
                format!(
                    "{} forms \"{name}\", which is not among the model's compounds (the scenario loader adds it from compounds/{name}.toml)",
                    c.name
                ),
            )
        })?;
    let m = &layout.compounds[k];
    Ok(Some(Product {
        state: match site {
            EnzymeSite::Liver => liver_state[k],
            EnzymeSite::Gut(i) => m.enterocytes[i],
        },
        formed: m.formed,
        yield_mg_per_mg: compounds[k].0.mw() / c.mw(),
    }))
}

/// The kinetic terms assembled so far.
#[derive(Default)]
struct Terms {
    transfers: Vec<Transfer>,
    formations: Vec<Formation>,
    saturable: Vec<MichaelisMenten>,
    metabolism: Vec<Metabolism>,
}

/// Add one pathway's metabolism at one site, `share` of the pathway's enzyme amount:
/// by a dynamic enzyme state if there is one, else with the fixed baseline amount.
fn add_pathway(
    p: &Pathway,
    share: f64,
    at: Probe,
    sink: usize,
    dynamic: Option<usize>,
    product: Option<Product>,
    terms: &mut Terms,
) {
    if share <= 0.0 || p.kinetics.clint_l_per_h() <= 0.0 {
        return;
    }
    if let (Some(enzyme), Some((rate_per_pmol, km))) = (dynamic, p.per_pmol()) {
        terms.metabolism.push(Metabolism {
            substrate: at,
            from: at.state,
            to: sink,
            enzyme,
            rate_at_e0: rate_per_pmol * p.amount_pmol * share,
            km_mg_per_l: km,
            inhibitors: Vec::new(),
            product,
        });
        return;
    }
    match p.kinetics {
        Kinetics::Linear { clint_u_l_per_h } => {
            let k_per_h = clint_u_l_per_h * share * at.scale_per_l;
            terms.transfers.push(Transfer {
                from: at.state,
                to: sink,
                k_per_h,
            });
            if let Some(product) = product {
                terms.formations.push(Formation {
                    from: at.state,
                    k_per_h,
                    product,
                });
            }
        }
        Kinetics::Saturable {
            vmax_mg_per_h,
            km_u_mg_per_l,
        } => terms.saturable.push(MichaelisMenten {
            from: at.state,
            to: sink,
            vmax_mg_per_h: vmax_mg_per_h * share,
            km_mg_per_l: km_u_mg_per_l,
            scale_per_l: at.scale_per_l,
            product,
        }),
    }
}

impl Model {
    /// Venous plasma concentration (mg/L) of compound k.
    pub fn plasma_conc(&self, k: usize, y: &[f64]) -> f64 {
        y[self.layout.compounds[k].venous] / self.compounds[k].venous_capacity_l
    }

    /// Mean organ concentration (mg/L of organ) of compound k (cells included).
    pub fn organ_conc(&self, k: usize, organ: usize, y: &[f64]) -> f64 {
        let s = &self.layout.compounds[k];
        let cells = s.cells.map_or(0.0, |c| y[c[organ]]);
        (y[s.organs[organ]] + cells) / self.compounds[k].organ_volume_l[organ]
    }
}
