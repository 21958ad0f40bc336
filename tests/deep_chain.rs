//! A chain of 100,000 dependent items must not overflow the stack anywhere in the analysis.
//!
//! These run in the test harness's ordinary threads (2 MiB of stack), on purpose: every pass
//! over the graph is iterative.

use planls::analysis::{analyze, Code, NaiveDate, Options, ScheduleState, SymbolRole, Workspace};

const LENGTH: usize = 100_000;

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    }
}

/// `w0` starts 2027-01-04; each next item depends on the one before and lasts one day.
/// A milestone requires the last one; a risk sits on the first.
fn chain(closing_the_loop: bool) -> String {
    let mut text = String::with_capacity(LENGTH * 60);
    text.push_str("person p \"P\"\n");
    text.push_str("risk r { owner: @p likelihood: 4 impact: 4 affects: w0 mitigation: \"m\" }\n");
    let first_dependency = if closing_the_loop {
        format!(" depends_on: w{}", LENGTH - 1)
    } else {
        String::new()
    };
    text.push_str(&format!(
        "initiative w0 {{ owner: @p start: 2027-01-04 duration: 1d{first_dependency} }}\n"
    ));
    for i in 1..LENGTH {
        text.push_str(&format!(
            "initiative w{i} {{ owner: @p duration: 1d depends_on: w{} }}\n",
            i - 1
        ));
    }
    text.push_str(&format!(
        "milestone end {{ owner: @p date: 2400-01-01 requires: w{} }}\n",
        LENGTH - 1
    ));
    text
}

#[test]
fn a_chain_of_100_000_items_is_forecast_without_overflowing() {
    let text = chain(false);
    let workspace = Workspace::from_texts([("chain.plan", text.as_str())]);
    let analysis = analyze(&workspace, &options());
    assert!(
        analysis.diagnostics().is_empty(),
        "{:?}",
        &analysis.diagnostics()[..1]
    );

    let last = analysis.lookup(&format!("w{}", LENGTH - 1)).unwrap();
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let expected_end = start + chrono::Days::new(LENGTH as u64 - 1);
    match analysis.schedule(last) {
        Some(ScheduleState::Scheduled(s)) => {
            assert_eq!(s.end, expected_end);
            // The milestone is a century later: the chain drives it but has slack to spare, so
            // it is not critical (docs/schedule.md, "Slack, slip and critical").
            assert_eq!(s.slack, Some(36233));
            assert!(!s.critical);
        }
        other => panic!("w{} is not scheduled: {other:?}", LENGTH - 1),
    }
    let milestone = analysis.lookup("end").unwrap();
    assert_eq!(analysis.critical_path(milestone).len(), LENGTH + 1);

    // Exposure flows down the whole chain.
    let risk = analysis.lookup("r").unwrap();
    assert_eq!(analysis.exposure(milestone), &[risk]);

    // Queries at both ends of the chain.
    let file = workspace.find("chain.plan").unwrap();
    let offset = text.rfind("requires: w").unwrap() + "requires: w".len();
    let symbol = analysis.symbol_at(file, offset).unwrap();
    assert_eq!(symbol.role, SymbolRole::Reference);
    assert_eq!(symbol.item, Some(last));
    assert_eq!(
        analysis.definition(file, offset).unwrap().span,
        analysis.item(last).name_span
    );
    let first = analysis.lookup("w0").unwrap();
    assert_eq!(analysis.references(first, true).len(), 3); // definition, w1, the risk
}

#[test]
fn a_cycle_of_100_000_items_is_reported_once_without_overflowing() {
    let text = chain(true);
    let workspace = Workspace::from_texts([("ring.plan", text.as_str())]);
    let analysis = analyze(&workspace, &options());
    let cycles: Vec<_> = analysis
        .diagnostics()
        .iter()
        .filter(|d| d.code == Code::DependencyCycle)
        .collect();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].related.len(), LENGTH - 1);
    assert_eq!(
        cycles[0].message,
        "dependency cycle: w0 -> w99999 -> w99998 -> w99997 -> w99996 -> w99995 -> ... (99989 more) ... -> w5 -> w4 -> w3 -> w2 -> w1 -> w0; none of these can be forecast until one of the references is removed"
    );
    let milestone = analysis.lookup("end").unwrap();
    assert!(matches!(
        analysis.schedule(milestone),
        Some(ScheduleState::Unscheduled { reason }) if reason.starts_with("waits for `w99999`")
    ));
    // Every item of the ring shares the risk on `w0`.
    let risk = analysis.lookup("r").unwrap();
    assert_eq!(analysis.exposure(milestone), &[risk]);
}
