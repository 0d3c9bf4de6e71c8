//! Output formats: a rule's `output` with `%field` references, resolved
//! per event into the alert message and its typed `output_fields`.

use std::collections::BTreeMap;

use crate::field::{FieldError, FieldSource, Value, Values};

/// A compiled output format for source `S`.
pub struct Format<S: FieldSource> {
    parts: Vec<Part<S::Extractor>>,
}

impl<S: FieldSource> std::fmt::Debug for Format<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Format")
            .field("parts", &self.parts.len())
            .finish()
    }
}

enum Part<X> {
    Text(String),
    Field { name: String, extractor: X },
}

/// Splits a format into text and `%field[arg]` tokens.
fn tokens(format: &str) -> Vec<(bool, String, Option<String>)> {
    let bytes = format.as_bytes();
    let mut out: Vec<(bool, String, Option<String>)> = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            let ch_len = format[i..].chars().next().map_or(1, char::len_utf8);
            text.push_str(&format[i..i + ch_len]);
            i += ch_len;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < bytes.len()
            && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'_' | b'.'))
        {
            end += 1;
        }
        // A trailing dot ends the sentence, not the field name.
        while end > start && bytes[end - 1] == b'.' {
            end -= 1;
        }
        if end == start {
            text.push('%');
            i += 1;
            continue;
        }
        let name = format[start..end].to_string();
        let mut arg = None;
        let mut next = end;
        if bytes.get(end) == Some(&b'[') {
            if let Some(close) = format[end..].find(']') {
                arg = Some(format[end + 1..end + close].to_string());
                next = end + close + 1;
            }
        }
        if !text.is_empty() {
            out.push((false, std::mem::take(&mut text), None));
        }
        out.push((true, name, arg));
        i = next;
    }
    if !text.is_empty() {
        out.push((false, text, None));
    }
    out
}

impl<S: FieldSource> Format<S> {
    /// Compiles `format`; the error is Falco's `invalid formatting token X`.
    pub fn compile(format: &str, source: &S) -> Result<Format<S>, String> {
        let mut parts = Vec::new();
        for (is_field, name, arg) in tokens(format) {
            if !is_field {
                parts.push(Part::Text(name));
                continue;
            }
            let display = match &arg {
                Some(a) => format!("{name}[{a}]"),
                None => name.clone(),
            };
            match source.compile(&name, arg.as_deref()) {
                Ok(c) => parts.push(Part::Field {
                    name: display,
                    extractor: c.extractor,
                }),
                Err(FieldError::Unknown(_)) => {
                    return Err(format!("invalid formatting token {display}"))
                }
                Err(e) => return Err(format!("invalid formatting token {display}: {e}")),
            }
        }
        Ok(Format { parts })
    }

    /// Resolves the format for `evt`: the message and the typed field values.
    pub fn render(
        &self,
        source: &S,
        evt: &S::Event<'_>,
    ) -> (String, BTreeMap<String, serde_json::Value>) {
        let mut message = String::new();
        let mut fields = BTreeMap::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => message.push_str(t),
                Part::Field { name, extractor } => {
                    let start = message.len();
                    source.render(extractor, evt, &mut message);
                    let mut values = Values::new();
                    source.extract(extractor, evt, &mut values);
                    let json = match values.as_slice() {
                        [] => serde_json::Value::Null,
                        [one] => json_value(one),
                        _ => serde_json::Value::String(message[start..].to_string()),
                    };
                    fields.insert(name.clone(), json);
                }
            }
        }
        (message, fields)
    }
}

fn json_value(v: &Value<'_>) -> serde_json::Value {
    match v {
        Value::I64(x) => (*x).into(),
        Value::U64(x) => (*x).into(),
        Value::Bool(b) => (*b).into(),
        Value::F64(f) => {
            serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
        }
        other => serde_json::Value::String(other.to_string()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::tokens;

    #[test]
    fn tokens_split_fields_args_and_sentence_dots() {
        let t = tokens("open (cmd=%proc.cmdline file=%fd.name). x=%proc.aname[2]% 100%");
        let fields: Vec<_> = t
            .iter()
            .filter(|t| t.0)
            .map(|t| (t.1.as_str(), t.2.as_deref()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("proc.cmdline", None),
                ("fd.name", None),
                ("proc.aname", Some("2"))
            ]
        );
        assert!(t.last().unwrap().1.ends_with("% 100%"));
    }
}
