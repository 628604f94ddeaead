//! The state index: names every state so nothing else counts offsets by hand.
//!
//! Per compound, in order: venous blood, arterial blood, portal vein, the 15 organs (in
//! `ORGANS` order), the enterocytes of the 7 small-intestine segments (together: the body),
//! then the gut lumen (dissolved drug in each of the 9 `GUT_SEGMENTS`), undissolved or
//! unreleased product in each segment, four sinks (metabolised in liver, metabolised
//! in gut wall, excreted in urine, lost to faeces) and a counter of the amount formed from
//! parent compounds (metabolites; 0 otherwise). After all compounds: one enzyme-amount
//! state (pmol) per enzyme and site whose amount can change (an inhibitor, inactivator or
//! inducer of it is in the model).

use crate::data::physiology::{GUT_SEGMENTS, ORGANS, SMALL_INTESTINE};

pub const N_SI: usize = SMALL_INTESTINE.end - SMALL_INTESTINE.start;
pub const N_SEG: usize = GUT_SEGMENTS.len();

#[derive(Debug, Clone, serde::Serialize)]
pub struct CompoundStates {
    pub offset: usize,
    pub venous: usize,
    pub arterial: usize,
    pub portal: usize,
    /// Organ states, in `ORGANS` order.
    pub organs: [usize; ORGANS.len()],
    /// Enterocytes of each small-intestine segment (index 0 = duodenum).
    pub enterocytes: [usize; N_SI],
    /// Permeability-limited compounds: the cells of each organ (`ORGANS` order); the organ
    /// state then holds the vascular and interstitial drug only.
    pub cells: Option<[usize; ORGANS.len()]>,
    /// Dissolved drug in each gut lumen segment (`GUT_SEGMENTS` order).
    pub lumen: [usize; N_SEG],
    /// Undissolved (particles) or unreleased (modified release) product per segment.
    pub solid: [usize; N_SEG],
    pub metabolised_liver: usize,
    pub metabolised_gut: usize,
    pub urine: usize,
    pub faeces: usize,
    /// Counter (mg): amount of this compound formed by its parents' metabolism so far. It
    /// takes no part in the kinetics; mass balance: sum of the other states = dose + formed.
    pub formed: usize,
    pub end: usize,
}

/// Where an enzyme sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum EnzymeSite {
    Liver,
    /// Enterocytes of small-intestine segment i (0 = duodenum).
    Gut(usize),
}

/// One dynamic enzyme amount.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EnzymeState {
    pub enzyme: String,
    pub site: EnzymeSite,
    pub state: usize,
}

impl CompoundStates {
    /// States of a perfusion-limited compound (a permeability-limited one has
    /// `ORGANS.len()` more).
    pub const LEN: usize = 3 + ORGANS.len() + N_SI + 2 * N_SEG + 5;

    fn new(offset: usize, cells: bool) -> Self {
        let mut next = offset;
        let mut take = || {
            next += 1;
            next - 1
        };
        let venous = take();
        let arterial = take();
        let portal = take();
        let organs = [(); ORGANS.len()].map(|_| take());
        let enterocytes = [(); N_SI].map(|_| take());
        let cells = cells.then(|| [(); ORGANS.len()].map(|_| take()));
        let lumen = [(); N_SEG].map(|_| take());
        let solid = [(); N_SEG].map(|_| take());
        let metabolised_liver = take();
        let metabolised_gut = take();
        let urine = take();
        let faeces = take();
        let formed = take();
        CompoundStates {
            offset,
            venous,
            arterial,
            portal,
            organs,
            enterocytes,
            cells,
            lumen,
            solid,
            metabolised_liver,
            metabolised_gut,
            urine,
            faeces,
            formed,
            end: take(),
        }
    }

    pub fn organ(&self, name: &str) -> usize {
        let i = ORGANS.iter().position(|o| *o == name).unwrap_or_else(|| {
            panic!("unknown organ {name}: the organ list is fixed in data::physiology::ORGANS")
        });
        self.organs[i]
    }

    /// States holding drug in the body (blood, organs, enterocytes, cells), excluding lumen
    /// and sinks.
    pub fn body(&self) -> std::ops::Range<usize> {
        self.venous..self.lumen[0]
    }

    /// States holding drug in the gut lumen, dissolved or not.
    pub fn gut_lumen(&self) -> std::ops::Range<usize> {
        self.lumen[0]..self.metabolised_liver
    }

    /// Human-readable name of a state.
    pub fn state_name(&self, i: usize) -> String {
        let find = |a: &[usize], prefix: &str, names: &[&str]| {
            a.iter()
                .position(|&s| s == i)
                .map(|p| format!("{prefix}{}", names[p]))
        };
        let si: Vec<&str> = GUT_SEGMENTS[SMALL_INTESTINE].to_vec();
        match i {
            _ if i == self.venous => "venous_blood".into(),
            _ if i == self.arterial => "arterial_blood".into(),
            _ if i == self.portal => "portal_vein".into(),
            _ if i == self.metabolised_liver => "metabolised_liver".into(),
            _ if i == self.metabolised_gut => "metabolised_gut".into(),
            _ if i == self.urine => "urine".into(),
            _ if i == self.faeces => "faeces".into(),
            _ if i == self.formed => "formed_from_parents".into(),
            _ => find(&self.organs, "", &ORGANS)
                .or_else(|| find(&self.enterocytes, "enterocytes_", &si))
                .or_else(|| self.cells.as_ref().and_then(|c| find(c, "cells_", &ORGANS)))
                .or_else(|| find(&self.lumen, "lumen_", &GUT_SEGMENTS))
                .or_else(|| find(&self.solid, "solid_", &GUT_SEGMENTS))
                .unwrap_or_else(|| format!("state_{i}")),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Layout {
    pub compounds: Vec<CompoundStates>,
    pub enzymes: Vec<EnzymeState>,
    pub n_states: usize,
}

impl Layout {
    /// `cells[k]`: whether compound k has permeability-limited organs (cell states);
    /// `enzymes`: the (enzyme, site) pairs that get a dynamic amount state.
    pub fn new(cells: &[bool], enzymes: &[(String, EnzymeSite)]) -> Self {
        let mut base = 0;
        let compounds: Vec<_> = cells
            .iter()
            .map(|&c| {
                let s = CompoundStates::new(base, c);
                base = s.end;
                s
            })
            .collect();
        let enzymes: Vec<EnzymeState> = enzymes
            .iter()
            .enumerate()
            .map(|(i, (e, site))| EnzymeState {
                enzyme: e.clone(),
                site: *site,
                state: base + i,
            })
            .collect();
        Layout {
            n_states: base + enzymes.len(),
            compounds,
            enzymes,
        }
    }

    /// The state of `enzyme` at `site`, if it is dynamic.
    pub fn enzyme_state(&self, enzyme: &str, site: EnzymeSite) -> Option<usize> {
        self.enzymes
            .iter()
            .find(|e| e.enzyme == enzyme && e.site == site)
            .map(|e| e.state)
    }
}
