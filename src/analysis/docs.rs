//! The generated parts of the language reference (docs/language.md): the table of kinds and
//! fields from the schema and the table of diagnostic codes, so the reference cannot drift.

use std::fmt::Write;

use crate::analysis::diagnostic::Code;
use crate::analysis::schema::KINDS;

/// Escapes a table cell: a `|` would end it.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// One section per kind: what it is, then a table of its fields.
pub fn kinds_markdown() -> String {
    let mut out = String::new();
    for spec in KINDS {
        writeln!(out, "### {}\n\n{}\n", spec.kind, cell(spec.description)).unwrap();
        out.push_str("| field | value | required | description |\n");
        out.push_str("| --- | --- | --- | --- |\n");
        for field in spec.fields {
            let mut value = field.value.describe();
            if field.list {
                value.push_str(", several separated by commas");
            }
            writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                field.key,
                cell(&value),
                if field.required { "yes" } else { "no" },
                cell(field.description)
            )
            .unwrap();
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The table of every diagnostic code with its default severity and when it is reported.
pub fn diagnostics_markdown() -> String {
    let mut out = String::from("| code | severity | when |\n| --- | --- | --- |\n");
    for code in Code::ALL {
        writeln!(
            out,
            "| `{}` | {} | {} |",
            code,
            code.default_severity(),
            cell(code.summary())
        )
        .unwrap();
    }
    out
}

/// The generated sections of the reference, by the name in their markers.
pub fn generated_sections() -> [(&'static str, String); 2] {
    [
        ("kinds", kinds_markdown()),
        ("diagnostics", diagnostics_markdown()),
    ]
}

/// `text` with the content between `<!-- generated:NAME -->` and `<!-- /generated:NAME -->`
/// replaced by each generated section; `Err` names a section whose markers are missing.
pub fn regenerate(text: &str) -> Result<String, String> {
    let mut out = text.to_string();
    for (name, content) in generated_sections() {
        let begin = format!("<!-- generated:{name} -->\n");
        let end = format!("<!-- /generated:{name} -->");
        let start = out
            .find(&begin)
            .ok_or_else(|| format!("no `{}` marker", begin.trim()))?
            + begin.len();
        let stop = out[start..]
            .find(&end)
            .ok_or_else(|| format!("no `{end}` marker"))?
            + start;
        out.replace_range(start..stop, &content);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_code_is_in_the_tables() {
        let kinds = kinds_markdown();
        for spec in KINDS {
            assert!(kinds.contains(&format!("### {}\n", spec.kind)));
            for field in spec.fields {
                assert!(kinds.contains(&format!("| `{}` |", field.key)));
            }
        }
        let codes = diagnostics_markdown();
        assert_eq!(codes.lines().count(), Code::ALL.len() + 2);
        assert!(codes.contains("| `missing-owner` | warning |"));
    }

    #[test]
    fn regenerating_replaces_only_between_markers() {
        let text = "intro\n<!-- generated:kinds -->\nold\n<!-- /generated:kinds -->\nmiddle\n\
                    <!-- generated:diagnostics -->\n<!-- /generated:diagnostics -->\nend\n";
        let out = regenerate(text).unwrap();
        assert!(out.starts_with("intro\n<!-- generated:kinds -->\n### program"));
        assert!(out.contains("<!-- /generated:kinds -->\nmiddle\n"));
        assert!(out.ends_with("<!-- /generated:diagnostics -->\nend\n"));
        assert_eq!(regenerate(&out).unwrap(), out);
        assert!(regenerate("no markers").is_err());
    }
}
