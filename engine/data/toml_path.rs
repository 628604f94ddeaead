//! Numbers in a TOML file addressed by dotted path, e.g. `fu_plasma.value` or
//! `interaction[0].kinact_per_h`: how the sensitivity analysis perturbs an input and how a
//! compound's `[[alternative]]` sets name the values they replace.

/// The value at a dotted path, mutably.
fn at<'a>(v: &'a mut toml::Value, path: &str) -> Option<&'a mut toml::Value> {
    let mut cur = v;
    for part in path.split('.') {
        let (key, index) = match part.find('[') {
            Some(i) => (&part[..i], Some(&part[i..])),
            None => (part, None),
        };
        if !key.is_empty() {
            cur = cur.as_table_mut()?.get_mut(key)?;
        }
        if let Some(mut rest) = index {
            while let Some(end) = rest.find(']') {
                let i: usize = rest[1..end].parse().ok()?;
                cur = cur.as_array_mut()?.get_mut(i)?;
                rest = &rest[end + 1..];
            }
        }
    }
    Some(cur)
}

/// The number at `path` in `text`, if the path names one (a float or an integer).
pub fn number_at(text: &str, path: &str) -> Option<f64> {
    let mut v: toml::Value = toml::from_str::<toml::Table>(text).ok()?.into();
    match at(&mut v, path)? {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

/// `text` with the numbers at the given paths replaced; `None` if a path names no number.
pub fn with_values(text: &str, values: &[(&str, f64)]) -> Option<String> {
    let mut v: toml::Value = toml::from_str::<toml::Table>(text).ok()?.into();
    for (path, value) in values {
        let slot = at(&mut v, path)?;
        if !(slot.is_float() || slot.is_integer()) {
            return None;
        }
        *slot = toml::Value::Float(*value);
    }
    toml::to_string(&v).ok()
}

/// `text` with the number at `path` replaced by `value`.
pub fn with_value(text: &str, path: &str, value: f64) -> Option<String> {
    with_values(text, &[(path, value)])
}
