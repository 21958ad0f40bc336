//! The status report through `workspace/executeCommand`, from the latest edits.

use serde_json::json;

use crate::client::*;

const PLAN: &str = "\
program p \"Relaunch\" { owner: @maria start: 2027-01-04 end: 2027-03-01 }
person maria \"Maria Lopez\"
initiative build \"Build it\" { owner: @maria duration: 4w }
milestone launch \"Launch\" { date: 2027-02-15 requires: build }
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_command_answers_from_unsaved_edits() {
    let folder = Folder::new(&[("plan.plan", PLAN)]);
    let mut client = Client::start(Setup {
        folders: vec![folder.uri()],
        initialization_options: json!({ "today": "2027-01-04" }),
        ..Setup::default()
    })
    .await;
    let uri = folder.file_uri("plan.plan");
    client.open(&uri, PLAN).await;
    let report =
        |format: &str| json!({"command": "planls.report", "arguments": [{"format": format}]});
    let md = client
        .request("workspace/executeCommand", report("md"))
        .await
        .unwrap();
    let md = md.as_str().unwrap();
    assert!(md.starts_with("# Relaunch: status on 2027-01-04"), "{md}");
    assert!(md.contains("**Health: 🟢 green**"), "{md}");

    // 4w becomes 8w, unsaved: the build ends 2027-02-28, after the launch date.
    client.edit(&uri, 2, [2, 54, 2, 56], "8w").await;
    let json = client
        .request("workspace/executeCommand", report("json"))
        .await
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(json.as_str().unwrap()).unwrap();
    assert_eq!(json["health"]["rag"], "red", "{json}");
    assert_eq!(json["milestones"][0]["slip_days"], 13);

    let html = client
        .request(
            "workspace/executeCommand",
            json!({"command": "planls.report"}),
        )
        .await
        .unwrap();
    assert!(html.as_str().unwrap().contains("<svg"));

    let error = client
        .request("workspace/executeCommand", report("pdf"))
        .await
        .unwrap_err();
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("unknown format `pdf`"),
        "{error}"
    );
}
