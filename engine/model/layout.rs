//! The state index: names every state so nothing else counts offsets by hand.
//!
//! Per compound, in order: venous blood, arterial blood, portal vein, the 15 organs (in
//! `ORGANS` order), gut lumen, enterocytes, and four sinks (metabolised in liver,
//! metabolised in gut wall, excreted in urine, unabsorbed to faeces).

use crate::data::physiology::ORGANS;

#[derive(Debug, Clone)]
pub struct CompoundStates {
    pub offset: usize,
    pub venous: usize,
    pub arterial: usize,
    pub portal: usize,
    /// Organ states, in `ORGANS` order.
    pub organs: [usize; ORGANS.len()],
    pub lumen: usize,
    pub enterocyte: usize,
    pub metabolised_liver: usize,
    pub metabolised_gut: usize,
    pub urine: usize,
    pub faeces: usize,
    pub end: usize,
}

impl CompoundStates {
    pub const LEN: usize = 3 + ORGANS.len() + 2 + 4;

    fn new(offset: usize) -> Self {
        let mut organs = [0; ORGANS.len()];
        for (i, o) in organs.iter_mut().enumerate() {
            *o = offset + 3 + i;
        }
        let after = offset + 3 + ORGANS.len();
        CompoundStates {
            offset,
            venous: offset,
            arterial: offset + 1,
            portal: offset + 2,
            organs,
            lumen: after,
            enterocyte: after + 1,
            metabolised_liver: after + 2,
            metabolised_gut: after + 3,
            urine: after + 4,
            faeces: after + 5,
            end: after + 6,
        }
    }

    pub fn organ(&self, name: &str) -> usize {
        let i = ORGANS.iter().position(|o| *o == name).unwrap_or_else(|| {
            panic!("unknown organ {name}: the organ list is fixed in data::physiology::ORGANS")
        });
        self.organs[i]
    }

    /// States holding drug in the body (blood, organs, enterocytes), excluding lumen and sinks.
    pub fn body(&self) -> std::ops::Range<usize> {
        self.venous..self.lumen
    }

    /// Human-readable name of a state.
    pub fn state_name(&self, i: usize) -> String {
        match i {
            _ if i == self.venous => "venous_blood".into(),
            _ if i == self.arterial => "arterial_blood".into(),
            _ if i == self.portal => "portal_vein".into(),
            _ if i == self.lumen => "gut_lumen".into(),
            _ if i == self.enterocyte => "enterocytes".into(),
            _ if i == self.metabolised_liver => "metabolised_liver".into(),
            _ if i == self.metabolised_gut => "metabolised_gut".into(),
            _ if i == self.urine => "urine".into(),
            _ if i == self.faeces => "faeces".into(),
            _ => ORGANS[i - self.organs[0]].to_string(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub compounds: Vec<CompoundStates>,
    pub n_states: usize,
}

impl Layout {
    pub fn new(n_compounds: usize) -> Self {
        let compounds: Vec<_> = (0..n_compounds)
            .map(|k| CompoundStates::new(k * CompoundStates::LEN))
            .collect();
        Layout {
            n_states: n_compounds * CompoundStates::LEN,
            compounds,
        }
    }
}
