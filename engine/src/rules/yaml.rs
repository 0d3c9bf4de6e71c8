//! A YAML document tree that remembers where each node starts, built from
//! `yaml-rust2`'s event stream (its own tree has no positions).

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// One YAML node and the 1-based line and column it starts at.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node is.
    pub kind: Kind,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

/// The shape of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `~`, `null` or nothing.
    Null,
    /// A scalar, as written (quoted scalars unquoted).
    Scalar {
        /// The text.
        value: String,
        /// Whether it was written without quotes (so `true` may be a bool).
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The value under `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Whether the node is null.
    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    /// A scalar read as a YAML boolean (yaml-cpp's spellings).
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()?.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" => Some(true),
            "false" | "no" | "n" | "off" => Some(false),
            _ => None,
        }
    }
}

/// A YAML syntax error with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

/// Parses every document of `text`.
///
/// yaml-cpp (Falco) and libyaml accept a flow collection's closing bracket
/// on a line indented less than its content (upstream `falco_rules.yaml`
/// has `items: [` ... `  ]` under a list item); yaml-rust2 rejects it.
/// Such lines are re-indented (flow context ignores indentation, and line
/// numbers stay the same) and the text is parsed again.
pub fn load(text: &str) -> Result<Vec<Node>, SyntaxError> {
    match load_strict(text) {
        Err(e) if e.message.contains("indentation") => {
            let fixed = reindent_closing_brackets(text);
            load_strict(&fixed).map_err(|_| e)
        }
        other => other,
    }
}

fn reindent_closing_brackets(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1024);
    let mut indent = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        if trimmed.starts_with(']') || trimmed.starts_with('}') {
            out.extend(std::iter::repeat_n(' ', indent));
            out.push_str(trimmed);
            continue;
        }
        if !trimmed.trim().is_empty() {
            indent = line.len() - trimmed.len();
        }
        out.push_str(line);
    }
    out
}

fn load_strict(text: &str) -> Result<Vec<Node>, SyntaxError> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, true).map_err(|e| SyntaxError {
        message: e.info().to_string(),
        line: e.marker().line(),
        col: e.marker().col() + 1,
    })?;
    if let Some((line, col)) = builder.too_big {
        return Err(SyntaxError {
            message: format!("aliases expand to more than {MAX_NODES} nodes"),
            line,
            col,
        });
    }
    Ok(builder.docs)
}

/// Most nodes a file may expand to through aliases (a "billion laughs"
/// document would otherwise exhaust memory).
const MAX_NODES: usize = 1_000_000;

#[derive(Default)]
struct Builder {
    docs: Vec<Node>,
    stack: Vec<(Node, usize)>,
    anchors: HashMap<usize, (Node, usize)>,
    nodes: usize,
    too_big: Option<(usize, usize)>,
}

fn count(node: &Node) -> usize {
    1 + match &node.kind {
        Kind::Seq(items) => items.iter().map(count).sum(),
        Kind::Map(entries) => entries.iter().map(|(k, v)| count(k) + count(v)).sum(),
        _ => 0,
    }
}

impl Builder {
    fn push_value(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            let size = count(&node);
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => self.docs.push(node),
            Some((parent, _)) => match &mut parent.kind {
                Kind::Seq(items) => items.push(node),
                Kind::Map(entries) => match entries.last_mut() {
                    // A key is pending its value when it is paired with a
                    // placeholder whose line is 0.
                    Some((_, value)) if value.line == 0 => *value = node,
                    _ => entries.push((
                        node,
                        Node {
                            kind: Kind::Null,
                            line: 0,
                            col: 0,
                        },
                    )),
                },
                _ => {}
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = |kind| Node {
            kind,
            line: mark.line(),
            col: mark.col() + 1,
        };
        match ev {
            Event::Scalar(value, style, anchor, _) => {
                let plain = style == TScalarStyle::Plain;
                let null = plain && matches!(value.as_str(), "~" | "null" | "Null" | "NULL" | "");
                let kind = if null {
                    Kind::Null
                } else {
                    Kind::Scalar { value, plain }
                };
                self.push_value(at(kind), anchor);
            }
            Event::SequenceStart(anchor, _) => self.stack.push((at(Kind::Seq(Vec::new())), anchor)),
            Event::MappingStart(anchor, _) => self.stack.push((at(Kind::Map(Vec::new())), anchor)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, anchor)) = self.stack.pop() {
                    self.push_value(node, anchor);
                }
            }
            Event::Alias(id) => {
                // The size is checked before the anchored node is copied:
                // once over the limit, further aliases must cost nothing.
                let size = self.anchors.get(&id).map_or(1, |(_, size)| *size);
                self.nodes = self.nodes.saturating_add(size);
                let node = match self.anchors.get(&id) {
                    Some((node, _)) if self.nodes <= MAX_NODES => node.clone(),
                    _ => at(Kind::Null),
                };
                if self.nodes > MAX_NODES {
                    self.too_big.get_or_insert((mark.line(), mark.col() + 1));
                }
                self.push_value(node, 0);
            }
            Event::DocumentEnd => {}
            Event::DocumentStart | Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn nodes_carry_lines_and_documents_split() {
        let docs =
            load("- rule: a\n  enabled: false\n---\n- list: l\n  items: [x, 'y']\n").unwrap();
        assert_eq!(docs.len(), 2);
        let Kind::Seq(items) = &docs[0].kind else {
            panic!()
        };
        assert_eq!(items[0].line, 1);
        assert_eq!(items[0].get("enabled").unwrap().as_bool(), Some(false));
        let list = &docs[1];
        let Kind::Seq(items) = &list.kind else {
            panic!()
        };
        assert_eq!(items[0].line, 4);
        let Kind::Seq(values) = &items[0].get("items").unwrap().kind else {
            panic!()
        };
        assert_eq!(values[1].as_str(), Some("y"));
    }

    #[test]
    fn syntax_errors_have_positions() {
        let err = load("this : is : not : yaml").unwrap_err();
        assert_eq!(err.line, 1);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let err = load(&text).unwrap_err();
        assert!(err.message.contains("aliases expand"), "{err:?}");
        assert!(load("a: &x [1]\nb: *x\n").is_ok());
    }

    #[test]
    fn empty_values_are_null() {
        let docs = load("- rule:\n  x: ~\n").unwrap();
        let Kind::Seq(items) = &docs[0].kind else {
            panic!()
        };
        assert!(items[0].get("rule").unwrap().is_null());
    }

    #[test]
    fn aliases_past_the_limit_cost_nothing() {
        // a5 is over the limit; copying it for each later alias took
        // seconds per hundred aliases.
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..6 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        for i in 0..5000 {
            text.push_str(&format!("b{i}: *a5\n"));
        }
        let err = load(&text).unwrap_err();
        assert!(err.message.contains("aliases expand"), "{err:?}");
        assert_eq!(err.line, 6, "{err:?}");
    }
}
