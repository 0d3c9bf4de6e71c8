//! The ruleset of one event source: rules compiled against the source's
//! fields, indexed by event code, selected by priority, tags and names,
//! and evaluated per event (first matching rule wins, as in Falco).

use std::marker::PhantomData;

use crate::alert::{Alert, Priority};
use crate::field::FieldSource;
use crate::filter::{event_types, glob_match, EventTypes, Filter, Format};
use crate::rules::{Code, Diagnostic, Item, Loaded};

/// A rule compiled for source `S`.
pub struct CompiledRule<S: FieldSource> {
    /// Rule name.
    pub name: String,
    /// Description.
    pub desc: String,
    /// Priority.
    pub priority: Priority,
    /// Tags, sorted.
    pub tags: Vec<String>,
    /// `enabled` as written in the rules files.
    pub enabled: bool,
    /// The event codes the condition can match.
    pub event_types: EventTypes,
    filter: Filter<S>,
    output: Format<S>,
}

/// Which rules run: Falco's `-o priority`, `-t`, `-T` and `-D`.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Rules less severe than this are not run.
    pub min_priority: Option<Priority>,
    /// When non-empty, only rules with at least one of these tags run.
    pub enable_tags: Vec<String>,
    /// Rules with any of these tags do not run.
    pub disable_tags: Vec<String>,
    /// Rules whose name matches any of these globs do not run.
    pub disable_rules: Vec<String>,
}

impl Selection {
    /// Whether `rule` is selected.
    fn selects<S: FieldSource>(&self, rule: &CompiledRule<S>) -> bool {
        let has = |tags: &[String]| rule.tags.iter().any(|t| tags.contains(t));
        rule.enabled
            && self
                .min_priority
                .is_none_or(|min| rule.priority.at_least(min))
            && (self.enable_tags.is_empty() || has(&self.enable_tags))
            && !has(&self.disable_tags)
            && !self
                .disable_rules
                .iter()
                .any(|g| glob_match(g.as_bytes(), rule.name.as_bytes(), false))
    }
}

/// The compiled rules of one source.
pub struct Ruleset<S: FieldSource> {
    rules: Vec<CompiledRule<S>>,
    /// For each event code, the indices of the selected rules that can match it.
    by_code: Vec<Vec<u32>>,
    source_name: &'static str,
    _source: PhantomData<fn(&S)>,
}

impl<S: FieldSource> std::fmt::Debug for Ruleset<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ruleset")
            .field("source", &self.source_name)
            .field("rules", &self.rules.len())
            .finish()
    }
}

fn unknown_field_error(message: &str) -> bool {
    [
        "nonexistent field",
        "invalid formatting token",
        "unknown event type",
        "unknown filter:",
    ]
    .iter()
    .any(|m| message.contains(m))
}

impl<S: FieldSource> Ruleset<S> {
    /// Compiles the rules of `loaded` whose source is `source.name()`,
    /// returning the ruleset (all rules selected) and the compile diagnostics.
    pub fn compile(loaded: &Loaded, source: &S) -> (Ruleset<S>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut rules = Vec::new();
        for r in loaded
            .rules
            .iter()
            .filter(|r| r.info.source == source.name())
        {
            if let Some(rule) = compile_rule(r, source, &mut diags) {
                rules.push(rule);
            }
        }
        let mut set = Ruleset {
            rules,
            by_code: Vec::new(),
            source_name: source.name(),
            _source: PhantomData,
        };
        set.select(&Selection::default(), source);
        (set, diags)
    }

    /// Applies a selection (replacing any earlier one).
    pub fn select(&mut self, selection: &Selection, source: &S) {
        self.by_code = vec![Vec::new(); source.event_code_count().max(1)];
        for (i, rule) in self.rules.iter().enumerate() {
            if !selection.selects(rule) {
                continue;
            }
            for code in rule.event_types.codes() {
                if let Some(list) = self.by_code.get_mut(usize::from(code)) {
                    list.push(i as u32);
                }
            }
        }
    }

    /// Every compiled rule, selected or not.
    pub fn rules(&self) -> &[CompiledRule<S>] {
        &self.rules
    }

    /// Number of selected rules.
    pub fn selected_count(&self) -> usize {
        let mut seen = vec![false; self.rules.len()];
        for &i in self.by_code.iter().flatten() {
            seen[i as usize] = true;
        }
        seen.iter().filter(|s| **s).count()
    }

    /// The event codes the selected rules need (for kernel-side filtering).
    pub fn event_codes(&self) -> Vec<u16> {
        self.by_code
            .iter()
            .enumerate()
            .filter(|(_, rules)| !rules.is_empty())
            .map(|(code, _)| code as u16)
            .collect()
    }

    /// The first selected rule matching `evt`, if any.
    pub fn first_match(&self, source: &S, evt: &S::Event<'_>) -> Option<&CompiledRule<S>> {
        let code = usize::from(source.event_code(evt));
        let candidates = self.by_code.get(code)?;
        candidates
            .iter()
            .map(|&i| &self.rules[i as usize])
            .find(|rule| rule.filter.matches(source, evt))
    }

    /// Evaluates `evt` and builds the alert of the first matching rule.
    pub fn process(&self, source: &S, evt: &S::Event<'_>, hostname: &str) -> Option<Alert> {
        let rule = self.first_match(source, evt)?;
        Some(rule.alert(source, evt, hostname))
    }
}

impl<S: FieldSource> CompiledRule<S> {
    /// Whether `evt` satisfies the rule's condition (ignoring selection).
    pub fn matches(&self, source: &S, evt: &S::Event<'_>) -> bool {
        self.event_types.contains(source.event_code(evt)) && self.filter.matches(source, evt)
    }

    /// The alert this rule raises for `evt`.
    pub fn alert(&self, source: &S, evt: &S::Event<'_>, hostname: &str) -> Alert {
        let (message, output_fields) = self.output.render(source, evt);
        Alert {
            time: source.event_time(evt),
            rule: self.name.clone(),
            priority: self.priority,
            message,
            output_fields,
            source: source.name().to_string(),
            tags: self.tags.clone(),
            hostname: hostname.to_string(),
        }
    }
}

fn compile_rule<S: FieldSource>(
    r: &crate::rules::ResolvedRule,
    source: &S,
    diags: &mut Vec<Diagnostic>,
) -> Option<CompiledRule<S>> {
    let info = &r.info;
    let item = Item::new("rule", info.name.clone());
    let mut push = |line: usize, code: Code, message: String, item: Item| {
        diags.push(Diagnostic {
            file: info.file.clone(),
            line,
            code,
            message,
            item,
        });
    };
    for ex in &info.exceptions {
        let fields: Vec<&str> = match &ex.fields {
            Some(crate::rules::Entry::Item(f)) => vec![f.as_str()],
            Some(crate::rules::Entry::List(fs)) => fs
                .iter()
                .filter_map(|f| match f {
                    crate::rules::Entry::Item(s) => Some(s.as_str()),
                    crate::rules::Entry::List(_) => None,
                })
                .collect(),
            None => Vec::new(),
        };
        for f in fields {
            if !is_field_defined(source, f) {
                push(
                    ex.line,
                    Code::Validate,
                    format!("'{f}' is not a supported filter field"),
                    Item::new("exception", ex.name.clone()),
                );
                return None;
            }
        }
    }
    // Falco expands the legacy `%container.info` into its default container format.
    let output_text = info
        .output
        .replace("%container.info", "%container.name (id=%container.id)");
    let output = match Format::compile(&output_text, source) {
        Ok(o) => o,
        Err(message) if info.skip_if_unknown_filter && unknown_field_error(&message) => {
            push(info.line, Code::UnknownField, message, item);
            return None;
        }
        Err(message) => {
            push(info.line, Code::CompileOutput, message, item);
            return None;
        }
    };
    let filter = match Filter::compile(&r.expr, source) {
        Ok(f) => f,
        Err(e) if info.skip_if_unknown_filter && unknown_field_error(&e.message) => {
            push(info.line, Code::UnknownField, e.message, item);
            return None;
        }
        Err(e) => {
            push(info.line, Code::CompileCondition, e.message, item);
            return None;
        }
    };
    let types = if source.has_event_types() {
        event_types(&r.expr, source)
    } else {
        EventTypes::all(source.event_code_count().max(1))
    };
    if source.has_event_types()
        && info.warn_evttypes
        && (types.is_empty() || types.len() > 100 || types.is_all())
    {
        push(
            info.line,
            Code::NoEvttype,
            "Rule matches too many evt.type values. This has a significant performance penalty."
                .into(),
            item,
        );
    }
    Some(CompiledRule {
        name: info.name.clone(),
        desc: info.desc.clone(),
        priority: info.priority,
        tags: info.tags.iter().cloned().collect(),
        enabled: info.enabled,
        event_types: types,
        filter,
        output,
    })
}

/// Whether `name` (possibly with `[arg]`) is a field of `source`.
pub fn is_field_defined<S: FieldSource>(source: &S, name: &str) -> bool {
    let (base, arg) = match name.split_once('[') {
        Some((b, rest)) => (b, rest.strip_suffix(']')),
        None => (name, None),
    };
    match source.compile(base, arg) {
        Ok(_) => true,
        Err(crate::field::FieldError::Unknown(_)) => false,
        Err(crate::field::FieldError::BadArg { .. }) => true,
    }
}

#[cfg(test)]
mod test_source;
#[cfg(test)]
mod tests;
