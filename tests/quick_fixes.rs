//! The quick fixes of the diagnostics: each is applied to the text and the result asserted, and
//! the fixed workspace no longer has the diagnostic that offered it.

use planls::analysis::{analyze, Code, Diagnostic, Fix, NaiveDate, Options, Workspace};

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
    }
}

/// Applies the edits of `fix` that touch `path`, last edit first so offsets stay valid.
fn apply(workspace: &Workspace, path: &str, fix: &Fix) -> String {
    let file = workspace.find(path).unwrap();
    let mut text = workspace.file(file).text.to_string();
    let mut edits: Vec<_> = fix.edits.iter().filter(|e| e.file == file).collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    for edit in edits {
        text.replace_range(edit.span.start..edit.span.end, &edit.new_text);
    }
    text
}

/// The one diagnostic of `code` on the text `at` (the first occurrence of `at` in its file).
fn diagnostic<'a>(
    workspace: &Workspace,
    diagnostics: &'a [Diagnostic],
    code: Code,
    at: &str,
) -> &'a Diagnostic {
    let found: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.code == code && &workspace.file(d.file).text[d.span.start..d.span.end] == at)
        .collect();
    assert_eq!(found.len(), 1, "one {code} on `{at}` in {diagnostics:#?}");
    found[0]
}

/// Applies the fix titled `title` of the `code` diagnostic on `at` in the one-file workspace
/// `text`, checks that the fixed text no longer reports it, and returns the fixed text.
fn fixed(text: &str, code: Code, at: &str, title: &str) -> String {
    let workspace = Workspace::from_texts([("plan.plan", text)]);
    let analysis = analyze(&workspace, &options());
    let d = diagnostic(&workspace, analysis.diagnostics(), code, at);
    let fix = d
        .fixes
        .iter()
        .find(|f| f.title == title)
        .unwrap_or_else(|| panic!("no fix `{title}` in {:#?}", d.fixes));
    let result = apply(&workspace, "plan.plan", fix);
    let again = Workspace::from_texts([("plan.plan", result.as_str())]);
    let after = analyze(&again, &options());
    assert!(
        !after
            .diagnostics()
            .iter()
            .any(|a| a.code == code && a.span.start == d.span.start),
        "the fix `{title}` left the diagnostic in:\n{result}\n{:#?}",
        after.diagnostics()
    );
    result
}

const PEOPLE: &str = "program shop \"Shop\" { owner: @maria }\n\
team payments \"Payments\" { lead: @bo }\n\
person maria \"Maria\"\n\
person bo \"Bo\" { team: payments }\n";

#[test]
fn an_unresolved_reference_is_replaced_by_the_suggestion() {
    let text = format!(
        "{PEOPLE}initiative a \"A\" {{ owner: @mara duration: 1w depends_on: bb }}\n\
         initiative b \"B\" {{ owner: @bo duration: 1w }}\n"
    );
    let result = fixed(
        &text,
        Code::UnresolvedReference,
        "mara",
        "Replace with `maria`",
    );
    assert!(result.contains("{ owner: @maria duration"), "{result}");
    let result = fixed(&text, Code::UnresolvedReference, "bb", "Replace with `b`");
    assert!(result.contains("depends_on: b }"), "{result}");
}

#[test]
fn a_person_misspelled_without_at_gets_the_at_back() {
    let text = format!("{PEOPLE}initiative a \"A\" {{ owner: mara duration: 1w }}\n");
    let result = fixed(
        &text,
        Code::UnresolvedReference,
        "mara",
        "Replace with `@maria`",
    );
    assert!(result.contains("{ owner: @maria duration"), "{result}");
}

#[test]
fn an_unresolved_reference_creates_a_stub_of_a_kind_the_field_takes() {
    let text = format!("{PEOPLE}initiative a \"A\" {{\n  owner: @ana\n  team: identity\n  duration: 1w\n  depends_on: identity.sso\n}}\n");
    let with_initiative = fixed(
        &text,
        Code::UnresolvedReference,
        "identity.sso",
        "Create initiative `identity.sso` at the end of this file",
    );
    assert_eq!(
        with_initiative,
        format!("{text}\ninitiative identity.sso \"identity.sso\" {{\n  owner: @maria\n}}\n")
    );
    let with_person = fixed(
        &text,
        Code::UnresolvedReference,
        "ana",
        "Create person `ana` at the end of this file",
    );
    assert_eq!(with_person, format!("{text}\nperson ana \"ana\"\n"));
    let with_team = fixed(
        &text,
        Code::UnresolvedReference,
        "identity",
        "Create team `identity` at the end of this file",
    );
    assert_eq!(with_team, format!("{text}\nteam identity \"identity\"\n"));
}

#[test]
fn the_stub_goes_in_the_file_of_the_reference() {
    let workspace = Workspace::from_texts([
        ("a.plan", PEOPLE),
        (
            "b.plan",
            "initiative x \"X\" { owner: @bo duration: 1w depends_on: y }",
        ),
    ]);
    let analysis = analyze(&workspace, &options());
    let d = diagnostic(
        &workspace,
        analysis.diagnostics(),
        Code::UnresolvedReference,
        "y",
    );
    let fix = &d.fixes[0];
    assert_eq!(fix.title, "Create initiative `y` at the end of this file");
    assert!(fix
        .edits
        .iter()
        .all(|e| e.file == workspace.find("b.plan").unwrap()));
    assert_eq!(
        apply(&workspace, "b.plan", fix),
        "initiative x \"X\" { owner: @bo duration: 1w depends_on: y }\n\n\
         initiative y \"y\" {\n  owner: @maria\n}\n"
    );
}

#[test]
fn a_missing_owner_defaults_to_the_team_lead_then_the_program_owner() {
    let text = format!(
        "{PEOPLE}initiative a \"A\" {{\n  team: payments\n  duration: 1w\n}}\n\
         initiative b \"B\" {{ duration: 1w }}\n\
         risk r \"R\"\n"
    );
    let result = fixed(
        &text,
        Code::MissingOwner,
        "a",
        "Add `owner: @bo`, the lead of team `payments`",
    );
    assert!(
        result.contains("initiative a \"A\" {\n  owner: @bo\n  team: payments\n"),
        "{result}"
    );
    let result = fixed(
        &text,
        Code::MissingOwner,
        "b",
        "Add `owner: @maria`, the program owner",
    );
    assert!(
        result.contains("initiative b \"B\" { owner: @maria duration: 1w }"),
        "{result}"
    );
    let result = fixed(
        &text,
        Code::MissingOwner,
        "r",
        "Add `owner: @maria`, the program owner",
    );
    assert!(
        result.ends_with("risk r \"R\" {\n  owner: @maria\n}\n"),
        "{result}"
    );
}

#[test]
fn without_a_lead_or_a_program_owner_the_owner_is_a_placeholder_to_complete() {
    let text = "initiative a \"A\" {\n  duration: 1w\n}\n";
    let workspace = Workspace::from_texts([("plan.plan", text)]);
    let analysis = analyze(&workspace, &options());
    let d = diagnostic(&workspace, analysis.diagnostics(), Code::MissingOwner, "a");
    assert_eq!(
        d.fixes[0].title,
        "Add `owner: @owner` (then name the owner)"
    );
    let result = apply(&workspace, "plan.plan", &d.fixes[0]);
    assert_eq!(
        result,
        "initiative a \"A\" {\n  owner: @owner\n  duration: 1w\n}\n"
    );
    // The placeholder names nobody: the user is asked to complete it.
    let again = Workspace::from_texts([("plan.plan", result.as_str())]);
    let codes: Vec<Code> = analyze(&again, &options())
        .diagnostics()
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, vec![Code::UnresolvedReference]);
}

#[test]
fn invalid_values_with_an_obvious_fix_are_replaced() {
    let text = format!(
        "{PEOPLE}initiative a \"A\" {{\n  owner: bo\n  team: @payments\n  status: in-progress\n  health: greem\n  duration: 1w\n  progress: 40\n}}\n"
    );
    let result = fixed(&text, Code::InvalidValue, "bo", "Replace with `@bo`");
    assert!(result.contains("  owner: @bo\n"), "{result}");
    let result = fixed(
        &text,
        Code::InvalidValue,
        "@payments",
        "Replace with `payments`",
    );
    assert!(result.contains("  team: payments\n"), "{result}");
    let result = fixed(
        &text,
        Code::InvalidValue,
        "in-progress",
        "Replace with `in_progress`",
    );
    assert!(result.contains("  status: in_progress\n"), "{result}");
    let result = fixed(&text, Code::InvalidValue, "greem", "Replace with `green`");
    assert!(result.contains("  health: green\n"), "{result}");
    let result = fixed(&text, Code::InvalidValue, "40", "Replace with `40%`");
    assert!(result.contains("  progress: 40%\n"), "{result}");
}

#[test]
fn an_unknown_key_is_replaced_by_the_key_it_means() {
    let text = format!(
        "{PEOPLE}initiative a \"A\" {{\n  ownr: @bo\n  duration: 1w\n}}\n\
         milestone m \"M\" {{ date: 2027-03-01 depends_on: a }}\n"
    );
    let result = fixed(&text, Code::UnknownField, "ownr", "Replace with `owner`");
    assert!(result.contains("  owner: @bo\n"), "{result}");
    let result = fixed(
        &text,
        Code::UnknownField,
        "depends_on",
        "Replace with `requires`",
    );
    assert!(
        result.contains("{ date: 2027-03-01 requires: a }"),
        "{result}"
    );
}

#[test]
fn a_repeated_field_is_removed_with_its_line() {
    let text = format!(
        "{PEOPLE}initiative a \"A\" {{\n  owner: @bo\n  duration: 1w\n  owner: @maria\n}}\n\
         person c \"C\" {{ team: payments team: payments }}\n"
    );
    let result = fixed(&text, Code::DuplicateField, "owner", "Remove this `owner:`");
    assert!(
        result.contains("initiative a \"A\" {\n  owner: @bo\n  duration: 1w\n}\n"),
        "{result}"
    );
    let result = fixed(&text, Code::DuplicateField, "team", "Remove this `team:`");
    assert!(
        result.contains("person c \"C\" { team: payments }"),
        "{result}"
    );
}

#[test]
fn a_team_without_a_lead_gets_its_first_member() {
    let text = "team apps \"Apps\" { members: @kim, @lou }\nperson kim \"Kim\" { team: apps }\nperson lou \"Lou\"\n";
    let result = fixed(
        text,
        Code::MissingLead,
        "apps",
        "Add `lead: @kim`, the first member",
    );
    assert!(
        result.starts_with("team apps \"Apps\" { lead: @kim members: @kim, @lou }"),
        "{result}"
    );
}

#[test]
fn work_without_a_team_gets_the_team_of_its_owner() {
    let text = "team apps \"Apps\" { lead: @kim }\nperson kim \"Kim\" { team: apps }\n\
                initiative a {\n  owner: @kim\n  duration: 1w\n}\n";
    let result = fixed(
        text,
        Code::MissingTeam,
        "a",
        "Add `team: apps`, the team of `@kim`",
    );
    assert!(
        result.ends_with("initiative a {\n  team: apps\n  owner: @kim\n  duration: 1w\n}\n"),
        "{result}"
    );
}

#[test]
fn a_milestone_without_an_owner_gets_the_program_owner() {
    let text = "program p { owner: @kim }\nperson kim \"Kim\"\nmilestone m { date: 2027-06-01 }\n";
    let result = fixed(
        text,
        Code::UnownedMilestone,
        "m",
        "Add `owner: @kim`, the program owner",
    );
    assert!(
        result.ends_with("milestone m { owner: @kim date: 2027-06-01 }\n"),
        "{result}"
    );
}

#[test]
fn planned_work_whose_start_passed_is_started_or_moved_to_today() {
    // Today is 2027-01-01 in these tests.
    let text = "person kim \"Kim\"\ninitiative a { owner: @kim status: planned start: 2026-12-01 duration: 1w }\n";
    let result = fixed(
        text,
        Code::NotStarted,
        "2026-12-01",
        "Set status to in_progress",
    );
    assert!(
        result.contains("status: in_progress start: 2026-12-01"),
        "{result}"
    );
    let result = fixed(
        text,
        Code::NotStarted,
        "2026-12-01",
        "Move start to today, 2027-01-01",
    );
    assert!(
        result.contains("status: planned start: 2027-01-01"),
        "{result}"
    );
}

#[test]
fn a_containers_own_dates_are_removed_with_their_lines() {
    let text = "program p { start: 2027-01-04 }\n\
                person pia \"Pia\"\n\
                initiative platform {\n  owner: @pia\n  start: 2027-01-05\n  duration: 6w\n}\n\
                initiative api { owner: @pia parent: platform duration: 2w end: 2027-02-01 }\n\
                initiative one_line { owner: @pia start: 2027-01-04 }\n\
                initiative part { owner: @pia parent: one_line duration: 1w }\n";
    let start = fixed(
        text,
        Code::ContainerDates,
        "2027-01-05",
        "Remove `start` from `platform`",
    );
    assert!(start.contains("initiative platform {\n  owner: @pia\n  duration: 6w\n}\n"));
    let duration = fixed(
        text,
        Code::ContainerDates,
        "6w",
        "Remove `duration` from `platform`",
    );
    assert!(duration.contains("initiative platform {\n  owner: @pia\n  start: 2027-01-05\n}\n"));
    let one_line = fixed(
        text,
        Code::ContainerDates,
        "2027-01-04",
        "Remove `start` from `one_line`",
    );
    assert!(one_line.contains("initiative one_line { owner: @pia }\n"));
}
