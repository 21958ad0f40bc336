//! `planls report`: the weekly status report of a program, built from the analysis.
//!
//! [`model::build`] turns an [`Analysis`](crate::analysis::Analysis) and the day that counts as
//! today into a [`Report`]; [`changes::between`] compares two analyses. Both are pure. The
//! renderers lay the model out as Markdown, JSON (the model itself) or one self-contained HTML
//! page with an inline-SVG Gantt chart. The command line and the server only feed them.

pub mod changes;
mod gantt;
pub mod health;
mod html;
mod markdown;
pub mod model;

pub use health::{Rag, Verdict};
pub use model::{build, Report};

/// The formats a report is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Html,
    Markdown,
    Json,
}

impl Format {
    /// `html`, `md` (or `markdown`), `json`.
    pub fn parse(word: &str) -> Option<Format> {
        match word {
            "html" => Some(Format::Html),
            "md" | "markdown" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// The report in `format`.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Html => html::render(report),
        Format::Markdown => markdown::render(report) + "\n",
        Format::Json => {
            // The model holds only strings, numbers, dates and lists: it always serializes.
            let mut json = serde_json::to_string_pretty(report).unwrap_or_default();
            json.push('\n');
            json
        }
    }
}

/// Text for HTML and SVG: the five characters that could be read as markup, escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
