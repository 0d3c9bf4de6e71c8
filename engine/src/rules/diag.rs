//! Load diagnostics with Falco's codes, attributed to a file, line and item.

use std::fmt;

/// Falco's load result codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// The YAML could not be parsed.
    YamlParse,
    /// The YAML does not have the shape of a rules file.
    YamlValidate,
    /// An item is inconsistent (dangling append, undefined macro, version...).
    Validate,
    /// A condition does not parse or compile.
    CompileCondition,
    /// An output format does not compile.
    CompileOutput,
    /// A syscall rule does not restrict `evt.type` (warning).
    NoEvttype,
    /// A macro is never used (warning).
    UnusedMacro,
    /// A list is never used (warning).
    UnusedList,
    /// A rule using an unknown field was skipped (warning).
    UnknownField,
    /// A rule of an unknown source was skipped (warning).
    UnknownSource,
    /// A top-level item of unknown kind (warning).
    UnknownItem,
    /// An exception was appended with no values (warning).
    AppendNoValues,
}

impl Code {
    /// Falco's name (`LOAD_ERR_YAML_PARSE`...).
    pub fn name(self) -> &'static str {
        match self {
            Code::YamlParse => "LOAD_ERR_YAML_PARSE",
            Code::YamlValidate => "LOAD_ERR_YAML_VALIDATE",
            Code::Validate => "LOAD_ERR_VALIDATE",
            Code::CompileCondition => "LOAD_ERR_COMPILE_CONDITION",
            Code::CompileOutput => "LOAD_ERR_COMPILE_OUTPUT",
            Code::NoEvttype => "LOAD_NO_EVTTYPE",
            Code::UnusedMacro => "LOAD_UNUSED_MACRO",
            Code::UnusedList => "LOAD_UNUSED_LIST",
            Code::UnknownField => "LOAD_UNKNOWN_FIELD",
            Code::UnknownSource => "LOAD_UNKNOWN_SOURCE",
            Code::UnknownItem => "LOAD_UNKNOWN_ITEM",
            Code::AppendNoValues => "LOAD_APPEND_NO_VALUES",
        }
    }

    /// Whether diagnostics with this code are errors (else warnings).
    pub fn is_error(self) -> bool {
        matches!(
            self,
            Code::YamlParse
                | Code::YamlValidate
                | Code::Validate
                | Code::CompileCondition
                | Code::CompileOutput
        )
    }
}

/// What a diagnostic is about: the kind of item (`rule`, `macro`, `list`,
/// `exception`, `required_engine_version`, `rules content`,
/// `rules content item`) and its name (empty when it has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Item kind, Falco's wording.
    pub kind: &'static str,
    /// Item name.
    pub name: String,
}

impl Item {
    /// An item of `kind` named `name`.
    pub fn new(kind: &'static str, name: impl Into<String>) -> Item {
        Item {
            kind,
            name: name.into(),
        }
    }
}

/// One load diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rules file.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// Falco's code.
    pub code: Code,
    /// Falco's message.
    pub message: String,
    /// The item concerned.
    pub item: Item,
}

impl Diagnostic {
    /// Whether this is an error (else a warning).
    pub fn is_error(&self) -> bool {
        self.code.is_error()
    }

    /// `error` or `warning`.
    pub fn kind(&self) -> &'static str {
        if self.is_error() {
            "error"
        } else {
            "warning"
        }
    }

    /// The JSON line of `harrier rules validate --json`:
    /// `{"file","line","code","message","kind","item":{"type","name"}}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "file": self.file,
            "line": self.line,
            "code": self.code.name(),
            "message": self.message,
            "kind": self.kind(),
            "item": { "type": self.item.kind, "name": self.item.name },
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {} {}",
            self.file,
            self.line,
            self.kind(),
            self.code.name()
        )?;
        if self.item.name.is_empty() {
            write!(f, " ({})", self.item.kind)?;
        } else {
            write!(f, " ({} '{}')", self.item.kind, self.item.name)?;
        }
        write!(f, ": {}", self.message)
    }
}
