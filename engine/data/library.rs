//! Name resolution for physiologies, compounds and scenarios.
//!
//! A name used in a scenario is a file stem or a path ending in `.toml`. It resolves, first
//! match wins: in `physiologies/` or `compounds/` beside the scenario file, then under the
//! current directory, then in the library shipped inside the binary (embedded at build time).
//! So `pbpk` works from any folder and a user's own file of the same name overrides ours.

use super::compound::Compound;
use super::physiology::Physiology;
use super::scenario::Scenario;
use crate::error::{PbpkError, Result};
use include_dir::{include_dir, Dir};
use std::path::{Path, PathBuf};

static PHYSIOLOGIES: Dir = include_dir!("$CARGO_MANIFEST_DIR/physiologies");
static COMPOUNDS: Dir = include_dir!("$CARGO_MANIFEST_DIR/compounds");
static SCENARIOS: Dir = include_dir!("$CARGO_MANIFEST_DIR/scenarios");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Physiology,
    Compound,
    Scenario,
}

impl Kind {
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Physiology => "physiologies",
            Kind::Compound => "compounds",
            Kind::Scenario => "scenarios",
        }
    }
    fn embedded(self) -> &'static Dir<'static> {
        match self {
            Kind::Physiology => &PHYSIOLOGIES,
            Kind::Compound => &COMPOUNDS,
            Kind::Scenario => &SCENARIOS,
        }
    }
}

/// Where a file came from: a path on disk, or the library embedded in the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Embedded(String),
    /// An in-memory text (a library override), described by its label.
    Override(String),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File(p) => write!(f, "{}", p.display()),
            Origin::Embedded(p) => write!(f, "<built-in>/{p}"),
            Origin::Override(l) => write!(f, "{l}"),
        }
    }
}

/// A resolved file: its text and where it came from.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub origin: Origin,
    pub text: String,
}

impl Resolved {
    pub fn label(&self) -> String {
        self.origin.to_string()
    }
}

/// Resolves names relative to a scenario's folder (if any).
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub scenario_dir: Option<PathBuf>,
    /// Texts that replace a name's file, checked before anything else (a sensitivity
    /// analysis runs the scenario again with one parameter of one file changed).
    pub overrides: Vec<Override>,
}

/// An in-memory replacement for the file a name resolves to.
#[derive(Debug, Clone)]
pub struct Override {
    pub kind: Kind,
    /// The name (or path) exactly as a scenario or compound file writes it.
    pub name: String,
    /// Where the original came from and what was changed, for messages.
    pub label: String,
    pub text: String,
}

impl Library {
    pub fn beside(scenario_file: &Path) -> Self {
        Library {
            scenario_dir: scenario_file.parent().map(Path::to_path_buf),
            overrides: Vec::new(),
        }
    }

    /// Find `name` of the given kind. `referer` and `field` name the place that asked, for
    /// the error message.
    pub fn resolve(&self, kind: Kind, name: &str, referer: &str, field: &str) -> Result<Resolved> {
        let not_found = |what: String| PbpkError::NotFound {
            path: referer.to_string(),
            field: field.to_string(),
            message: what,
        };
        if let Some(o) = self
            .overrides
            .iter()
            .find(|o| o.kind == kind && o.name == name)
        {
            return Ok(Resolved {
                origin: Origin::Override(o.label.clone()),
                text: o.text.clone(),
            });
        }
        if name.ends_with(".toml") {
            let mut candidates = vec![PathBuf::from(name)];
            if let Some(dir) = &self.scenario_dir {
                candidates.insert(0, dir.join(name));
            }
            for p in candidates {
                if p.is_file() {
                    return read(&p);
                }
            }
            return Err(not_found(format!("file \"{name}\" does not exist")));
        }
        let file = format!("{name}.toml");
        let mut dirs = Vec::new();
        if let Some(dir) = &self.scenario_dir {
            dirs.push(dir.join(kind.folder()));
            if kind == Kind::Scenario {
                dirs.push(dir.clone());
            }
        }
        dirs.push(PathBuf::from(kind.folder()));
        for d in &dirs {
            let p = d.join(&file);
            if p.is_file() {
                return read(&p);
            }
        }
        let dirs_searched = dirs;
        if let Some(f) = kind.embedded().get_file(&file) {
            return Ok(Resolved {
                origin: Origin::Embedded(format!("{}/{file}", kind.folder())),
                text: f.contents_utf8().unwrap_or_default().to_string(),
            });
        }
        let known = self.names(kind);
        // The closest known name, if it is a plausible misspelling.
        let close = closest_name(name, known.iter().map(String::as_str))
            .map(|k| format!("did you mean \"{k}\"? "))
            .unwrap_or_default();
        let mut searched: Vec<String> = Vec::new();
        for d in &dirs_searched {
            let d = format!("{}/", d.display());
            if !searched.contains(&d) {
                searched.push(d);
            }
        }
        let own = if kind == Kind::Scenario {
            "give your own scenario as a path".to_string()
        } else {
            format!(
                "a file of your own goes in a `{}/` folder beside the scenario or in the current directory, or is given as a path ending in .toml",
                kind.folder()
            )
        };
        Err(not_found(format!(
            "no {} named \"{name}\"; {close}looked for {file} in {} and among the shipped ones; known: {} ({own})",
            kind.folder()
                .trim_end_matches('s')
                .replace("physiologie", "physiology"),
            searched.join(", "),
            known.join(", "),
        )))
    }

    pub fn physiology(&self, name: &str, referer: &str, field: &str) -> Result<Physiology> {
        let r = self.resolve(Kind::Physiology, name, referer, field)?;
        Physiology::parse(&r.label(), &r.text)
    }

    pub fn compound(&self, name: &str, referer: &str, field: &str) -> Result<Compound> {
        let r = self.resolve(Kind::Compound, name, referer, field)?;
        let c = Compound::parse(&r.label(), &r.text)?;
        Ok(c)
    }

    /// A data file named by a scenario, relative to the scenario's folder (or the current
    /// directory, or the shipped `scenarios/` folder inside the binary).
    pub fn data_file(&self, rel: &str, referer: &str, field: &str) -> Result<Resolved> {
        let mut candidates = Vec::new();
        if let Some(dir) = &self.scenario_dir {
            candidates.push(dir.join(rel));
        }
        candidates.push(PathBuf::from(rel));
        candidates.push(PathBuf::from("scenarios").join(rel));
        for p in candidates {
            if p.is_file() {
                return read(&p);
            }
        }
        if let Some(f) = SCENARIOS.get_file(rel) {
            return Ok(Resolved {
                origin: Origin::Embedded(format!("scenarios/{rel}")),
                text: f.contents_utf8().unwrap_or_default().to_string(),
            });
        }
        Err(PbpkError::NotFound {
            path: referer.to_string(),
            field: field.to_string(),
            message: format!("data file \"{rel}\" not found beside the scenario, here or in the shipped scenarios"),
        })
    }

    /// Resolve a scenario argument: a path, or the name of a shipped scenario.
    pub fn scenario(arg: &str) -> Result<(Scenario, Library, String)> {
        let p = Path::new(arg);
        let resolved = if p.is_file() {
            read(p)?
        } else {
            Library::default().resolve(Kind::Scenario, arg, "command line", "SCENARIO")?
        };
        let lib = match &resolved.origin {
            Origin::File(path) => Library::beside(path),
            Origin::Embedded(_) | Origin::Override(_) => Library::default(),
        };
        let label = resolved.label();
        let s = Scenario::parse(&label, &resolved.text)?;
        Ok((s, lib, label))
    }

    /// All names of a kind visible from here (files under the current directory and built-ins).
    pub fn names(&self, kind: Kind) -> Vec<String> {
        let mut v: Vec<String> = self.list(kind).into_iter().map(|(n, _)| n).collect();
        v.sort();
        v.dedup();
        v
    }

    /// Names with the origin each resolves to (first match wins, as in `resolve`).
    pub fn list(&self, kind: Kind) -> Vec<(String, Origin)> {
        let mut out: Vec<(String, Origin)> = Vec::new();
        let mut dirs = Vec::new();
        if let Some(d) = &self.scenario_dir {
            dirs.push(d.join(kind.folder()));
        }
        dirs.push(PathBuf::from(kind.folder()));
        for d in dirs {
            if let Ok(rd) = std::fs::read_dir(&d) {
                let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
                entries.sort();
                for p in entries {
                    if p.extension().is_some_and(|e| e == "toml") {
                        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
                        if !out.iter().any(|(n, _)| n == &stem) {
                            out.push((stem, Origin::File(p)));
                        }
                    }
                }
            }
        }
        for f in kind.embedded().files() {
            let path = f.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let stem = path.file_stem().unwrap().to_string_lossy().to_string();
                if !out.iter().any(|(n, _)| n == &stem) {
                    out.push((
                        stem,
                        Origin::Embedded(format!("{}/{}", kind.folder(), path.display())),
                    ));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

fn read(p: &Path) -> Result<Resolved> {
    let text = std::fs::read_to_string(p).map_err(|source| PbpkError::Io {
        path: p.to_path_buf(),
        source,
    })?;
    Ok(Resolved {
        origin: Origin::File(p.to_path_buf()),
        text,
    })
}

/// The candidate closest to `name`, if it is a plausible misspelling of it (normalised
/// Damerau-Levenshtein similarity at least 0.75).
pub fn closest_name<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|k| (strsim::normalized_damerau_levenshtein(name, k), k))
        .filter(|(d, _)| *d >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}
