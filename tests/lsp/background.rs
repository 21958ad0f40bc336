//! The analysis runs off the message loop: the first scan reports progress, every edit's version
//! reaches the client, and requests are answered while changes keep coming.

use serde_json::Value;

use crate::client::{position, Client, Folder, Setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_scan_and_analysis_report_progress() {
    let folder = Folder::new(&[
        ("a.plan", "person ana \"Ana\"\n"),
        ("b.plan", "team t \"T\" { lead: @ana }\n"),
    ]);
    let client = Client::start(Setup {
        folders: vec![folder.uri()],
        ..Setup::default()
    })
    .await;
    client
        .wait_until("the end of the scan's progress", |c| {
            c.notifications("$/progress")
                .iter()
                .any(|p| p["params"]["value"]["kind"] == "end")
        })
        .await;
    let created = client.server_requests("window/workDoneProgress/create");
    assert_eq!(created.len(), 1, "{created:?}");
    let token = &created[0]["params"]["token"];
    let kinds: Vec<Value> = client
        .notifications("$/progress")
        .iter()
        .filter(|p| &p["params"]["token"] == token)
        .map(|p| p["params"]["value"].clone())
        .collect();
    assert_eq!(kinds.first().unwrap()["kind"], "begin", "{kinds:?}");
    let end = kinds.last().unwrap();
    assert_eq!(end["kind"], "end", "{kinds:?}");
    assert_eq!(end["message"], "2 files, 2 items", "{kinds:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_that_changes_no_diagnostic_still_publishes_its_version() {
    let client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/versions.plan";
    client
        .open(uri, "initiative a \"A\" { owner: @nobody }\n")
        .await;
    client
        .wait_until("the first diagnostics", |c| {
            c.diagnostics(uri).is_some_and(|d| d["version"] == 1)
        })
        .await;
    let before = client.diagnostics(uri).unwrap()["diagnostics"].clone();
    assert!(before.as_array().is_some_and(|d| !d.is_empty()));
    // A comment changes no diagnostic, but the client must learn that they hold for version 2.
    client.edit(uri, 2, [1, 0, 1, 0], "# a comment\n").await;
    client
        .wait_until("diagnostics for version 2", |c| {
            c.diagnostics(uri).is_some_and(|d| d["version"] == 2)
        })
        .await;
    assert_eq!(client.diagnostics(uri).unwrap()["diagnostics"], before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hovers_are_answered_while_changes_keep_coming() {
    let mut client = Client::start(Setup {
        debounce: std::time::Duration::from_millis(20),
        ..Setup::default()
    })
    .await;
    let uri = "file:///nowhere/typing.plan";
    let mut text = String::from("person ana \"Ana\"\ninitiative a \"A\" { owner: @ana }\n");
    for i in 0..300 {
        text.push_str(&format!(
            "initiative w{i} \"W\" {{ owner: @ana depends_on: a }}\n"
        ));
    }
    client.open(uri, &text).await;
    let mut version = 1;
    for round in 0..20 {
        // Typing at the end of the file, a comment that grows a letter at a time.
        let line = text.lines().count() as u32;
        for _ in 0..10 {
            version += 1;
            client.edit(uri, version, [line, 0, line, 0], "x").await;
        }
        let hover = client
            .request("textDocument/hover", position(uri, 1, 30))
            .await
            .unwrap();
        let markdown = hover["contents"]["value"].as_str().unwrap_or_default();
        assert!(markdown.contains("Ana"), "round {round}: {hover}");
    }
    let analyses = client.backend.analysis_count();
    assert!(
        analyses <= 40,
        "{analyses} analyses for 200 changes and 20 hovers"
    );
    // The last edits leave `xxx…` at the end: a syntax error, published for the last version.
    client
        .wait_until("diagnostics of the last version", |c| {
            c.diagnostics(uri).is_some_and(|d| d["version"] == version)
        })
        .await;
}
