//! Model assembly: organs and flows of one individual into an ODE system per compound.
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
//! Oral absorption: the lumen empties first order at ka (the apparent absorption rate
//! constant of popPK analyses), a fraction fa into the enterocytes and 1 - fa to faeces. Enterocytes (volume V_ent,
//! unbound fraction fu_gut) either metabolise (intestinal enzyme amount) or pass drug into
//! the portal vein with the villous blood flow Q_villi, so Fg = Q_villi / (Q_villi +
//! fu_gut CLint,gut) emerges (the Qgut idea; Yang et al. Curr Drug Metab 2007;8:676).

use super::clearance::{enzyme_pathways, renal_clearance_l_per_h, Kinetics, Site};
use super::layout::Layout;
use super::partition::kp;
use super::{CompoundInfo, MichaelisMenten, Model, Transfer};
use crate::data::compound::Compound;
use crate::data::physiology::{Drain, Physiology, ORGANS};
use crate::error::Result;

/// Assemble the model of `phys` dosed with `compounds`. `labels` name each compound's file
/// for error messages.
pub fn assemble(phys: &Physiology, compounds: &[(Compound, String)]) -> Result<Model> {
    let layout = Layout::new(compounds.len());
    let mut transfers = Vec::new();
    let mut saturable = Vec::new();
    let mut infos = Vec::new();

    for ((c, label), s) in compounds.iter().zip(&layout.compounds) {
        let bp = c.blood_plasma_ratio.value;
        let fu = c.fu_plasma.value;
        let mw = c.mw();

        // Capacities (L, plasma-referenced).
        let cap_venous = phys.blood.venous_volume_l * bp;
        let cap_arterial = phys.blood.arterial_volume_l * bp;
        let cap_portal = phys.blood.portal_vein_volume_l * bp;
        let mut kps = Vec::new();
        let mut cap_organ = [0.0; ORGANS.len()];
        for (i, name) in ORGANS.iter().enumerate() {
            let o = phys.organ(name);
            let k_tissue = kp(c, phys, name);
            kps.push((name.to_string(), k_tissue));
            let k_organ = o.fraction_vascular * bp + (1.0 - o.fraction_vascular) * k_tissue;
            cap_organ[i] = o.volume_l * k_organ;
        }
        let absorption = c.absorption.as_ref();
        let fu_gut = absorption
            .and_then(|a| a.fu_gut.as_ref())
            .map_or(1.0, |f| f.value);
        let v_ent = phys.gut.enterocyte_volume_l;

        // Blood flow (L/h) x B:P / capacity = rate constant (1/h).
        let mut flow = |from: usize, to: usize, q_blood: f64, cap_from: f64| {
            transfers.push(Transfer {
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
        let liver_i = ORGANS.iter().position(|o| *o == "liver").unwrap();
        flow(s.portal, liver, portal_flow, cap_portal);

        // Hepatic metabolism from the unbound liver concentration fu x A / cap.
        let liver_pathways = enzyme_pathways(c, phys, Site::Liver, label)?;
        let gut_pathways = enzyme_pathways(c, phys, Site::Gut, label)?;
        let add = |from: usize,
                   to: usize,
                   k: &Kinetics,
                   scale: f64,
                   tr: &mut Vec<Transfer>,
                   sat: &mut Vec<MichaelisMenten>| match *k {
            Kinetics::Linear { clint_u_l_per_h } => {
                if clint_u_l_per_h > 0.0 {
                    tr.push(Transfer {
                        from,
                        to,
                        k_per_h: clint_u_l_per_h * scale,
                    })
                }
            }
            Kinetics::Saturable {
                vmax_mg_per_h,
                km_u_mg_per_l,
            } => {
                if vmax_mg_per_h > 0.0 {
                    sat.push(MichaelisMenten {
                        from,
                        to,
                        vmax_mg_per_h,
                        km_mg_per_l: km_u_mg_per_l,
                        scale_per_l: scale,
                    })
                }
            }
        };
        for p in &liver_pathways {
            add(
                liver,
                s.metabolised_liver,
                &p.kinetics,
                fu / cap_organ[liver_i],
                &mut transfers,
                &mut saturable,
            );
        }
        for p in &gut_pathways {
            add(
                s.enterocyte,
                s.metabolised_gut,
                &p.kinetics,
                fu_gut / v_ent,
                &mut transfers,
                &mut saturable,
            );
        }

        // Renal clearance from kidney plasma.
        let kidney = s.organ("kidney");
        let kidney_i = ORGANS.iter().position(|o| *o == "kidney").unwrap();
        let cl_r = renal_clearance_l_per_h(c, phys);
        if cl_r > 0.0 {
            transfers.push(Transfer {
                from: kidney,
                to: s.urine,
                k_per_h: cl_r / cap_organ[kidney_i],
            });
        }

        // Oral absorption and the enterocytes.
        if let Some(a) = absorption {
            let ka = a.ka_per_h.value;
            let fa = a.fa.value;
            transfers.push(Transfer {
                from: s.lumen,
                to: s.enterocyte,
                k_per_h: fa * ka,
            });
            if fa < 1.0 {
                transfers.push(Transfer {
                    from: s.lumen,
                    to: s.faeces,
                    k_per_h: (1.0 - fa) * ka,
                });
            }
        }
        transfers.push(Transfer {
            from: s.enterocyte,
            to: s.portal,
            k_per_h: phys.gut.villous_blood_flow_l_per_h / v_ent,
        });

        let vss = cap_venous + cap_arterial + cap_portal + cap_organ.iter().sum::<f64>();
        infos.push(CompoundInfo {
            name: c.name.clone(),
            mw,
            fu_plasma: fu,
            blood_plasma_ratio: bp,
            kp: kps,
            vss_l: vss,
            venous_capacity_l: cap_venous,
            organ_volume_l: ORGANS.map(|o| phys.organ(o).volume_l),
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
    Ok(Model {
        layout,
        transfers,
        saturable,
        infusions: Vec::new(),
        compounds: infos,
    })
}

impl Model {
    /// Venous plasma concentration (mg/L) of compound k.
    pub fn plasma_conc(&self, k: usize, y: &[f64]) -> f64 {
        y[self.layout.compounds[k].venous] / self.compounds[k].venous_capacity_l
    }

    /// Mean organ concentration (mg/L of organ) of compound k.
    pub fn organ_conc(&self, k: usize, organ: usize, y: &[f64]) -> f64 {
        y[self.layout.compounds[k].organs[organ]] / self.compounds[k].organ_volume_l[organ]
    }
}
