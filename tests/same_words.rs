//! The same fact in the same words (issue 10): a milestone's slip and an item's slack read the
//! same in the hover, the inlay hint, its tooltip, the code lens, the warning and
//! `planls schedule`; on-time milestones and work with slack to spare are not "critical".

use planls::analysis::{analyze, Analysis, NaiveDate, Options, ScheduleState, Workspace};
use planls::export::schedule::rows;
use planls::lsp::{code_lens, inlay_hint};

/// `gate` slips 5 days past its date; `launch`, which requires it, needs it a day sooner, so it
/// is 6 days late for what waits for it. `review` has 12 days of slack before an on-time
/// milestone it drives.
const PLAN: &str = "\
program p { start: 2027-01-04 }
initiative build { duration: 3w }
milestone gate { date: 2027-01-19 requires: build }
initiative rollout { duration: 1d depends_on: gate }
milestone launch { date: 2027-01-19 requires: rollout }
initiative review { start: 2027-01-04 duration: 1w }
milestone audit { date: 2027-01-22 requires: review }
";

fn analysis() -> Analysis {
    let workspace = Workspace::from_texts([("p.plan", PLAN)]);
    let today = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    analyze(&workspace, &Options { today })
}

/// Every rendering of one item's standing.
fn renderings(analysis: &Analysis, name: &str) -> Vec<String> {
    let item = analysis.lookup(name).unwrap();
    let info = analysis.item(item);
    let state = analysis.schedule(item).unwrap();
    let hover = analysis
        .hover(info.file, info.name_span.start)
        .unwrap()
        .markdown;
    let row = rows(analysis)
        .into_iter()
        .find(|r| r.id == name)
        .unwrap()
        .standing;
    vec![
        hover,
        inlay_hint::label(info.kind, state),
        state.to_string(),
        code_lens::slack_title(state),
        row,
    ]
}

#[test]
fn a_slipping_milestone_says_the_same_slip_everywhere() {
    let analysis = analysis();
    let gate = analysis.lookup("gate").unwrap();
    let Some(ScheduleState::Scheduled(s)) = analysis.schedule(gate) else {
        panic!("gate is scheduled");
    };
    assert_eq!((s.slip, s.slack, s.critical), (Some(5), Some(-6), true));
    let words = "slips 5 days past its date, 6 days late, critical";
    for text in renderings(&analysis, "gate") {
        assert!(text.contains(words), "{text}");
    }
    let warning = analysis
        .diagnostics()
        .iter()
        .find(|d| d.code.as_str() == "milestone-at-risk" && d.message.contains("`gate`"))
        .unwrap();
    assert!(
        warning
            .message
            .contains("slips 5 days past its date 2027-01-19"),
        "{}",
        warning.message
    );
}

#[test]
fn work_with_slack_and_on_time_milestones_are_not_critical() {
    let analysis = analysis();
    for (name, words) in [
        ("review", "slack 12 days"),
        ("audit", "slack 12 days"),
        ("build", "6 days late, critical"),
    ] {
        for text in renderings(&analysis, name) {
            assert!(text.contains(words), "{name}: {text}");
            if !words.contains("critical") {
                assert!(!text.contains("critical"), "{name}: {text}");
            }
        }
    }
}
