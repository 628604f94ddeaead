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
            // `[i]` repeated; anything else (`[0]]`, text after `]`) names nothing.
            while !rest.is_empty() {
                let inner = rest.strip_prefix('[')?;
                let end = inner.find(']')?;
                let i: usize = inner[..end].parse().ok()?;
                cur = cur.as_array_mut()?.get_mut(i)?;
                rest = &inner[end + 1..];
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

/// Why `with_values` could not replace: the text is not a TOML table, or path `i` of the
/// list names no number, or names an integer field and its value is not a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unfit {
    Text,
    NoNumber(usize),
    NotWhole(usize),
}

/// `text` (parsed once) with the numbers at the given paths replaced. An integer field stays
/// an integer.
pub fn with_values(text: &str, values: &[(&str, f64)]) -> Result<String, Unfit> {
    let mut v: toml::Value = toml::from_str::<toml::Table>(text)
        .map_err(|_| Unfit::Text)?
        .into();
    for (i, (path, value)) in values.iter().enumerate() {
        let slot = at(&mut v, path).ok_or(Unfit::NoNumber(i))?;
        *slot = match slot {
            toml::Value::Float(_) => toml::Value::Float(*value),
            toml::Value::Integer(_) if value.fract() == 0.0 && value.abs() < 9.0e15 => {
                toml::Value::Integer(*value as i64)
            }
            toml::Value::Integer(_) => return Err(Unfit::NotWhole(i)),
            _ => return Err(Unfit::NoNumber(i)),
        };
    }
    toml::to_string(&v).map_err(|_| Unfit::Text)
}

/// `text` with the number at `path` replaced by `value`.
pub fn with_value(text: &str, path: &str, value: f64) -> Option<String> {
    with_values(text, &[(path, value)]).ok()
}
