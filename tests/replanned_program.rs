//! A realistic program (tests/fixtures/programs/replanned.plan: six teams, 48 initiatives, three
//! milestones, risks) looked at on 2027-03-15, when half-done work upstream of the milestones is
//! overdue. Re-planned from today, every milestone slips more than its plan's own dates say; the
//! numbers are worked out by hand below.

use planls::analysis::{analyze, Analysis, NaiveDate, Options, ScheduleState, Workspace};

fn analysis_on(today: &str) -> Analysis {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/programs/replanned.plan"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let workspace = Workspace::from_texts([("replanned.plan", text)]);
    let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
    analyze(&workspace, &Options { today })
}

/// `(forecast, slip in days)` of a milestone.
fn milestone(analysis: &Analysis, name: &str) -> (String, i64) {
    match analysis.schedule(analysis.lookup(name).unwrap()) {
        Some(ScheduleState::Scheduled(s)) => (s.end.to_string(), s.slip.unwrap()),
        other => panic!("{name} is not scheduled: {other:?}"),
    }
}

#[test]
fn replanned_from_today_every_milestone_slips_more_than_the_plan_says() {
    // As planned (today the program start): `app_shell` runs 5 weeks from 01-18 to 02-21,
    // `app_catalogue` 4 weeks from its own start 02-22 to 03-21, `app_cart` 3 weeks to 04-11:
    // alpha (04-05) slips 6 days; beta and GA are on time.
    let planned = analysis_on("2027-01-04");
    assert_eq!(milestone(&planned, "alpha"), ("2027-04-11".into(), 6));
    assert_eq!(milestone(&planned, "beta"), ("2027-05-10".into(), 0));
    assert_eq!(milestone(&planned, "ga"), ("2027-06-28".into(), 0));

    // On 03-15 `app_shell` is 70% done: 30% of 35 days is 10.5, so 11 days are left, to 03-25.
    // `app_catalogue` has not started: 03-26 to 04-22; `app_cart` 04-23 to 05-13, alpha's
    // forecast: 38 days late. Beta waits for alpha (and checkout after it), GA for beta.
    let today = analysis_on("2027-03-15");
    assert_eq!(milestone(&today, "alpha"), ("2027-05-13".into(), 38));
    assert_eq!(milestone(&today, "beta"), ("2027-06-03".into(), 24));
    assert_eq!(milestone(&today, "ga"), ("2027-07-01".into(), 3));
    for name in ["alpha", "beta", "ga"] {
        assert!(
            milestone(&today, name).1 > milestone(&planned, name).1,
            "{name}"
        );
    }
    let path: Vec<&str> = today
        .critical_path(today.lookup("alpha").unwrap())
        .into_iter()
        .map(|id| today.item(id).name.as_str())
        .collect();
    assert_eq!(
        path,
        [
            "design_system",
            "app_shell",
            "app_catalogue",
            "app_cart",
            "alpha"
        ]
    );
}

#[test]
fn the_status_meeting_sees_what_is_overdue_and_nothing_false() {
    let today = analysis_on("2027-03-15");
    let mut codes: Vec<&str> = today
        .diagnostics()
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    codes.sort();
    codes.dedup();
    // The overdue work under way, work started before what it waits for, a planned start that
    // has passed, and the three milestones at risk; no error and nothing about the well-kept
    // parts of the plan (owners, teams, leads, scored and mitigated risks).
    assert_eq!(
        codes,
        [
            "milestone-at-risk",
            "not-started",
            "overdue",
            "schedule-conflict"
        ]
    );
    // The nine pieces of work under way whose planned end has passed: service_mesh,
    // api_gateway, payment_api, tokenization, web_shell, catalogue_pages, app_shell,
    // event_pipeline and observability.
    let overdue = today
        .diagnostics()
        .iter()
        .filter(|d| d.code.as_str() == "overdue")
        .count();
    assert_eq!(overdue, 9);
    // On the program's first day the same plan has nothing overdue.
    let start = analysis_on("2027-01-04");
    assert!(start
        .diagnostics()
        .iter()
        .all(|d| d.code.as_str() != "overdue"));
}
