//! Plans marked by `planls.toml` inside one workspace folder: each is analysed apart, with its
//! own settings, the way rust-analyzer keeps the Cargo projects of one folder apart.

use serde_json::json;

use crate::client::{position, short_location, Client, Folder, Setup};

/// A clean plan under its own marker, and a fixture under none that also defines `beta`.
fn repository() -> Folder {
    Folder::new(&[
        ("examples/plan/planls.toml", "today = 2027-01-04\n"),
        (
            "examples/plan/work.plan",
            "person ana \"Ana\" { role: \"Engineer\" }\n\
             initiative build \"Build\" { owner: @ana  duration: 1w }\n\
             milestone beta \"Beta\" { date: 2027-03-01  requires: build  owner: @ana }\n\
             initiative later \"Later\" { duration: 1w  depends_on: beta }\n",
        ),
        (
            "tests/fixture.plan",
            "milestone beta \"Fixture beta\" { date: 2027-05-03 }\n\
             initiative x \"X\" { owner: @nobody  duration: 1w }\n",
        ),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_marked_plan_inside_the_folder_sees_only_its_own_files() {
    let folder = repository();
    let (work, fixture) = (
        folder.file_uri("examples/plan/work.plan"),
        folder.file_uri("tests/fixture.plan"),
    );
    let mut client = Client::start(Setup {
        folders: vec![folder.uri()],
        ..Setup::default()
    })
    .await;
    // Only `later` lacks an owner: no `beta` is defined twice, in either plan.
    client
        .expect_diagnostics(&work, &["3:11-3:16 missing-owner"])
        .await;
    client
        .expect_diagnostics(
            &fixture,
            &[
                "0:10-0:14 unowned-milestone",
                "1:27-1:33 unresolved-reference",
            ],
        )
        .await;

    // `beta` in work.plan is the plan's own milestone.
    let definition = client
        .request("textDocument/definition", position(&work, 3, 54))
        .await
        .unwrap();
    assert_eq!(definition["uri"], work.as_str(), "{definition}");
    assert_eq!(short_location(&definition), "work.plan 2:10-2:14");
    // Both plans' items are workspace symbols.
    let names = client.symbol_names().await;
    assert_eq!(
        names.iter().filter(|n| *n == "beta").count(),
        2,
        "{names:?}"
    );

    // Editing the plan's marker applies at once: `missing-owner` turned off there only.
    folder.write(
        "examples/plan/planls.toml",
        "today = 2027-01-04\n[severity]\nmissing-owner = \"off\"\n",
    );
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": folder.file_uri("examples/plan/planls.toml"), "type": 2}]}),
        )
        .await;
    client.expect_diagnostics(&work, &[]).await;

    // Without the marker, the two are one workspace again, as before.
    folder.remove("examples/plan/planls.toml");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": folder.file_uri("examples/plan/planls.toml"), "type": 3}]}),
        )
        .await;
    client
        .wait_until("`beta` defined twice", |c| {
            c.diagnostics(&fixture).is_some_and(|d| {
                d["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|d| d["code"] == "duplicate-definition")
            })
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_document_joins_its_plan_and_a_bad_marker_is_shown() {
    let folder = Folder::new(&[
        (
            "a/planls.toml",
            "today = 2027-01-04\nexclude = [\"old/**\"]\nmystery = 1\n",
        ),
        (
            "a/people.plan",
            "person ana \"Ana\" { role: \"Engineer\" }\n",
        ),
        (
            "a/old/people.plan",
            "person ana \"Ana, before\" { role: \"Engineer\" }\n",
        ),
        (
            "b/people.plan",
            "person ana \"Ana\" { role: \"Engineer\" }\n",
        ),
    ]);
    let work = folder.file_uri("a/work.plan");
    let client = Client::start(Setup {
        folders: vec![folder.uri()],
        ..Setup::default()
    })
    .await;
    client
        .wait_until("the marker's problem shown", |c| {
            c.notifications("window/showMessage").iter().any(|n| {
                n["params"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("planls.toml: `mystery` is not a planls.toml setting")
            })
        })
        .await;
    // A new, unsaved file in `a` sees `ana` of a/people.plan only: the excluded copy and b's
    // are in no plan with it.
    client
        .open(
            &work,
            "initiative w \"W\" { owner: @ana  duration: 1w  depends_on: nothing }\n",
        )
        .await;
    client
        .expect_diagnostics(&work, &["0:58-0:65 unresolved-reference"])
        .await;
    client.settle().await;
    assert_eq!(client.diagnostics(&folder.file_uri("a/people.plan")), None);
}
