//! What the analysis knows, shown in the editor: hover, quick fixes, inlay hints and code lenses.

use serde_json::{json, Value};

use crate::client::*;

const PROGRAM: &str = "program checkout \"Checkout v2\" {\n  owner: @maria\n  start: 2027-01-04\n  end: 2027-04-01\n}\n\nperson maria \"Maria Lopez\"\nperson ana \"Ana Diaz 😀\"\n";

const WORK: &str = "\
initiative vault \"Upgrade the vault\" {
  owner: @maria
  duration: 3w
}

initiative tokens \"Card tokens\" {
  owner: @ana
  depends_on: vault + 1w
  duration: 6w
}

milestone beta \"Public beta\" {
  date: 2027-03-15 owner: @ana
  requires: tokens, vault
}
";

async fn session() -> (Client, String, String, Folder) {
    let folder = Folder::new(&[("program.plan", PROGRAM), ("work.plan", WORK)]);
    let client = Client::start(Setup {
        folders: vec![folder.uri()],
        ..Setup::default()
    })
    .await;
    let (program, work) = (
        folder.file_uri("program.plan"),
        folder.file_uri("work.plan"),
    );
    client.open(&work, WORK).await;
    (client, program, work, folder)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_on_a_reference_and_on_a_definition() {
    let (mut client, program, work, _folder) = session().await;
    // On `ana` of `owner: @ana`: the person, over the name without its `@`.
    let hover = client
        .request("textDocument/hover", position(&work, 6, 11))
        .await
        .unwrap();
    assert_eq!(hover["contents"]["kind"], "markdown");
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**person** `ana`: Ana Diaz 😀"), "{text}");
    assert!(
        text.contains("Card tokens (`tokens`"),
        "what she owns: {text}"
    );
    assert_eq!(short_range(&hover["range"]), "6:10-6:13");

    // On the definition of `vault`: owner, forecast, slack and what needs it.
    let hover = client
        .request("textDocument/hover", position(&work, 0, 13))
        .await
        .unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    for expected in [
        "**initiative** `vault`",
        "Maria Lopez",
        "2027-01-04 to 2027-01-24",
        "Card tokens (`tokens`",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert_eq!(short_range(&hover["range"]), "0:11-0:16");

    // In the other file, on the program's owner; and nothing on white space.
    let hover = client
        .request("textDocument/hover", position(&program, 1, 10))
        .await
        .unwrap();
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("Maria Lopez"));
    let nothing = client
        .request("textDocument/hover", position(&work, 3, 0))
        .await
        .unwrap();
    assert_eq!(nothing, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_is_plain_text_for_a_client_without_markdown() {
    let folder = Folder::new(&[("program.plan", PROGRAM)]);
    let mut client = Client::start(Setup {
        folders: vec![folder.uri()],
        text_document: json!({"hover": {"contentFormat": ["plaintext"]}}),
        ..Setup::default()
    })
    .await;
    let hover = client
        .request(
            "textDocument/hover",
            position(&folder.file_uri("program.plan"), 1, 10),
        )
        .await
        .unwrap();
    assert_eq!(hover["contents"]["kind"], "plaintext");
    // The Markdown is taken out, not sent labelled plain text: no `**person**` shown literally.
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with(
            "person maria: Maria Lopez\n\n- Owns:\n  - program Checkout v2 (checkout)"
        ),
        "{text}"
    );
    assert!(!text.contains('*') && !text.contains('`'), "{text}");
}

/// The documentation of field completions in `initiative x { | }`, for a client that takes the
/// formats `formats`: (kind, text) of each item that has some.
async fn completion_documentation(formats: Value) -> Vec<(String, String)> {
    let mut client = Client::start(Setup {
        text_document: json!({"completion": {"completionItem": {"documentationFormat": formats}}}),
        ..Setup::default()
    })
    .await;
    let uri = "file:///nowhere/work.plan";
    client.open(uri, "initiative x {\n  \n}\n").await;
    let answer = client
        .request("textDocument/completion", position(uri, 1, 2))
        .await
        .unwrap();
    let items = answer
        .get("items")
        .unwrap_or(&answer)
        .as_array()
        .unwrap()
        .clone();
    items
        .iter()
        .filter_map(|item| {
            let documentation = item.get("documentation")?;
            Some((
                documentation["kind"].as_str().unwrap().to_string(),
                documentation["value"].as_str().unwrap().to_string(),
            ))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_documentation_is_plain_text_for_a_client_without_markdown() {
    let markdown = completion_documentation(json!(["markdown", "plaintext"])).await;
    assert!(
        markdown
            .iter()
            .any(|(kind, text)| kind == "markdown" && text.contains('`')),
        "{markdown:?}"
    );
    let plain = completion_documentation(json!(["plaintext"])).await;
    assert_eq!(plain.len(), markdown.len());
    for (kind, text) in &plain {
        assert_eq!(kind, "plaintext");
        assert!(!text.contains('`') && !text.contains("**"), "{text}");
    }
}

/// The code actions at `range`, as `title` lines, and the actions themselves.
async fn actions(
    client: &mut Client,
    uri: &str,
    range: [u32; 4],
    only: Option<Vec<&str>>,
) -> Vec<Value> {
    let mut context = json!({"diagnostics": []});
    if let Some(only) = only {
        context["only"] = json!(only);
    }
    let answer = client
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": range_json(range), "context": context}),
        )
        .await
        .unwrap();
    answer.as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_fixes_from_the_diagnostics() {
    let (mut client, _program, work, _folder) = session().await;
    // A typo in a dependency, and an initiative without an owner.
    client.edit(&work, 2, [7, 14, 7, 19], "vaul").await;
    client.edit(&work, 3, [6, 2, 6, 13], "").await;
    client
        .expect_diagnostics(
            &work,
            &["5:11-5:17 missing-owner", "7:14-7:18 unresolved-reference"],
        )
        .await;

    let at_typo = actions(&mut client, &work, [7, 15, 7, 15], None).await;
    let titles: Vec<&str> = at_typo
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Replace with `vault`",
            "Create initiative `vaul` at the end of this file"
        ]
    );
    let replace = &at_typo[0];
    assert_eq!(replace["kind"], "quickfix");
    assert_eq!(replace["diagnostics"][0]["code"], "unresolved-reference");
    let edits = &replace["edit"]["changes"][&work];
    assert_eq!(short_range(&edits[0]["range"]), "7:14-7:18");
    assert_eq!(edits[0]["newText"], "vault");

    // Only what overlaps the range, and only when quick fixes are wanted.
    assert_eq!(
        actions(&mut client, &work, [1, 0, 1, 0], None).await,
        Vec::<Value>::new()
    );
    assert_eq!(
        actions(&mut client, &work, [7, 15, 7, 15], Some(vec!["refactor"])).await,
        Vec::<Value>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_owner_is_one_action_away() {
    let (mut client, _program, work, _folder) = session().await;
    client.edit(&work, 2, [6, 0, 7, 0], "").await;
    client
        .expect_diagnostics(&work, &["5:11-5:17 missing-owner"])
        .await;
    let found = actions(&mut client, &work, [5, 12, 5, 12], None).await;
    assert_eq!(found.len(), 1);
    let title = found[0]["title"].as_str().unwrap();
    assert!(title.starts_with("Add `owner: @maria`"), "{title}");
    assert_eq!(found[0]["isPreferred"], true);

    // A code that is off offers no fix either.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"planls": {"today": "2027-01-04", "severity": {"missing-owner": "off"}}}}),
        )
        .await;
    client.expect_diagnostics(&work, &[]).await;
    assert_eq!(
        actions(&mut client, &work, [5, 12, 5, 12], None).await,
        Vec::<Value>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inlay_hints_show_the_forecast_after_each_title() {
    let (mut client, _program, work, _folder) = session().await;
    let hints = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": work}, "range": range_json([0, 0, 15, 0])}),
        )
        .await
        .unwrap();
    let found: Vec<String> = hints
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}:{} {}",
                h["position"]["line"],
                h["position"]["character"],
                h["label"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            "0:36 2027-01-04 → 2027-01-24 · slack 1 day",
            "5:31 2027-02-01 → 2027-03-14 · slack 1 day",
            "11:28 forecast 2027-03-15 · slack 1 day",
        ]
    );
    assert!(hints[0]["tooltip"]
        .as_str()
        .unwrap()
        .contains("slack 1 day"));

    // Only the hints in the range asked for.
    let some = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": work}, "range": range_json([4, 0, 9, 0])}),
        )
        .await
        .unwrap();
    assert_eq!(some.as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_lenses_show_dependents_and_slack() {
    let (mut client, _program, work, _folder) = session().await;
    let lenses = client
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": work}}),
        )
        .await
        .unwrap();
    let found: Vec<String> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} {} [{}]",
                short_range(&l["range"]),
                l["command"]["title"].as_str().unwrap(),
                l["command"]["command"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            "0:11-0:16 2 dependents [planls.showReferences]",
            "0:11-0:16 slack 1 day []",
            "5:11-5:17 1 dependent [planls.showReferences]",
            "5:11-5:17 slack 1 day []",
            "11:10-11:14 no dependents []",
            "11:10-11:14 slack 1 day []",
        ]
    );
    let arguments = &lenses[0]["command"]["arguments"];
    assert_eq!(arguments[0], json!(work));
    assert_eq!(arguments[1], json!({"line": 0, "character": 11}));
    let listed: Vec<String> = arguments[2]
        .as_array()
        .unwrap()
        .iter()
        .map(short_location)
        .collect();
    assert_eq!(listed, vec!["work.plan 5:11-5:17", "work.plan 11:10-11:14"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hints_and_lenses_follow_an_edit_in_another_file() {
    let (mut client, program, work, _folder) = session().await;
    // Starting the program a week later moves every forecast in work.plan.
    client.open(&program, PROGRAM).await;
    client.edit(&program, 2, [2, 9, 2, 19], "2027-01-11").await;
    let hints = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": work}, "range": range_json([0, 0, 1, 0])}),
        )
        .await
        .unwrap();
    assert_eq!(
        hints[0]["label"],
        "2027-01-11 → 2027-01-31 · 6 days late, critical"
    );
}
