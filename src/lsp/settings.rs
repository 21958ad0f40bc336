//! The editor settings under the `planls` section: `today` and per-code severity.
//!
//! Documented in docs/settings.md. A bad value is reported and ignored; the rest still applies.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::Value;

use crate::analysis::{Code, Severity};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// The date that counts as today; the clock's date when not set.
    pub today: Option<NaiveDate>,
    /// Severity overrides by code; `None` turns the code off.
    pub severity: BTreeMap<Code, Option<Severity>>,
}

impl Settings {
    /// Reads settings from `initializationOptions` or a `didChangeConfiguration` payload: either
    /// the section itself (`{"today": ...}`) or an object holding it (`{"planls": {...}}`).
    /// Returns the settings and one message per value that was ignored.
    pub fn from_json(value: &Value) -> (Settings, Vec<String>) {
        let section = match value.get("planls") {
            Some(section) => section,
            None => value,
        };
        let mut settings = Settings::default();
        let mut problems = Vec::new();
        let Value::Object(section) = section else {
            if !section.is_null() {
                problems.push(format!(
                    "planls settings must be an object, not `{section}`"
                ));
            }
            return (settings, problems);
        };
        match section.get("today") {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) if text.is_empty() => {}
            Some(Value::String(text)) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(date) => settings.today = Some(date),
                Err(_) => problems.push(format!(
                    "planls.today `{text}` is not a date like 2027-01-04; using the current date"
                )),
            },
            Some(other) => problems.push(format!(
                "planls.today must be a date like \"2027-01-04\", not `{other}`"
            )),
        }
        match section.get("severity") {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (name, level) in map {
                    let Some(code) = Code::parse(name) else {
                        problems.push(format!(
                            "planls.severity: `{name}` is not a diagnostic code"
                        ));
                        continue;
                    };
                    match level.as_str() {
                        Some("off") => {
                            settings.severity.insert(code, None);
                        }
                        Some(word) if Severity::parse(word).is_some() => {
                            settings.severity.insert(code, Severity::parse(word));
                        }
                        _ => problems.push(format!(
                            "planls.severity.{name}: `{level}` is not one of \"error\", \"warning\", \"info\", \"hint\", \"off\""
                        )),
                    }
                }
            }
            Some(other) => problems.push(format!(
                "planls.severity must map codes to severities, not `{other}`"
            )),
        }
        (settings, problems)
    }

    /// The severity to report `code` with, or `None` when it is turned off.
    pub fn severity_of(&self, code: Code, default: Severity) -> Option<Severity> {
        match self.severity.get(&code) {
            Some(level) => *level,
            None => Some(default),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_the_section_or_an_object_holding_it() {
        let expected = Settings {
            today: NaiveDate::from_ymd_opt(2027, 2, 1),
            severity: BTreeMap::from([
                (Code::MissingOwner, None),
                (Code::Overdue, Some(Severity::Error)),
            ]),
        };
        let section = json!({"today": "2027-02-01", "severity": {"missing-owner": "off", "overdue": "error"}});
        assert_eq!(Settings::from_json(&section), (expected.clone(), vec![]));
        assert_eq!(
            Settings::from_json(&json!({ "planls": section })),
            (expected, vec![])
        );
    }

    #[test]
    fn bad_values_are_reported_and_the_rest_applies() {
        let (settings, problems) = Settings::from_json(&json!({
            "today": "2027-02-30",
            "severity": {"no-such-code": "off", "overdue": "loud", "missing-owner": "hint"}
        }));
        assert_eq!(settings.today, None);
        assert_eq!(
            settings.severity,
            BTreeMap::from([(Code::MissingOwner, Some(Severity::Hint))])
        );
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("2027-02-30"));
    }

    #[test]
    fn nothing_set_is_the_defaults() {
        assert_eq!(
            Settings::from_json(&Value::Null),
            (Settings::default(), vec![])
        );
        let settings = Settings::default();
        assert_eq!(
            settings.severity_of(Code::Overdue, Severity::Warning),
            Some(Severity::Warning)
        );
    }
}
