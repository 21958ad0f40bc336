//! `planls schedule`: the forecast of every initiative and milestone.

use std::io::{self, Write};

use chrono::NaiveDate;

use super::load;
use super::{ScheduleArgs, ScheduleFormat, EXIT_OK, EXIT_TROUBLE};
use crate::export::schedule as rows;

pub fn run(
    args: &ScheduleArgs,
    clock_today: NaiveDate,
    stdout: impl Write,
    stderr: impl Write,
) -> io::Result<u8> {
    let load::Loaded {
        analysis, trouble, ..
    } = load::analyse(&args.paths, args.today, clock_today, stderr)?;
    let rows = rows::rows(&analysis);
    let text = match args.format {
        ScheduleFormat::Table => rows::table(&rows),
        ScheduleFormat::Json => rows::json(&rows),
        ScheduleFormat::Csv => rows::csv(&rows),
    };
    load::write_all(stdout, &text)?;
    Ok(if trouble { EXIT_TROUBLE } else { EXIT_OK })
}
