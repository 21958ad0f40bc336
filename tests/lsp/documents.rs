//! Documents, the workspace and diagnostics: what the server knows and what it publishes.

use serde_json::{json, Value};

use crate::client::*;

const VAULT: &str = "initiative vault \"Upgrade the vault\" {\n  owner: @ana\n  duration: 3w\n}\n\nperson ana \"Ana Diaz\"\n";
const TOKENS: &str =
    "initiative tokens \"Card tokens\" {\n  owner: @ana\n  duration: 2w\n  depends_on: vault\n}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn breaking_and_fixing_a_reference_across_files() {
    let folder = Folder::new(&[("a.plan", VAULT), ("b.plan", TOKENS)]);
    let (a, b) = (folder.file_uri("a.plan"), folder.file_uri("b.plan"));
    let client = Client::start(Setup {
        folders: vec![folder.uri()],
        ..Setup::default()
    })
    .await;
    client.settle().await;
    assert_eq!(
        client.diagnostics(&b),
        None,
        "a clean file gets nothing published"
    );

    // Renaming the item in a.plan, in the editor only, breaks the reference in b.plan on disk.
    client.open(&a, VAULT).await;
    client.edit(&a, 2, [0, 11, 0, 16], "vault2").await;
    client
        .expect_diagnostics(&b, &["3:14-3:19 unresolved-reference"])
        .await;
    let message = &client.diagnostics(&b).unwrap()["diagnostics"][0]["message"];
    assert!(
        message.as_str().unwrap().contains("vault2"),
        "did you mean: {message}"
    );
    assert_eq!(client.diagnostics(&b).unwrap()["version"], Value::Null);

    // Putting the name back clears it.
    client.edit(&a, 3, [0, 11, 0, 17], "vault").await;
    client.expect_diagnostics(&b, &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnostics_carry_the_document_version_and_clear_when_fixed() {
    let client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/lone.plan";
    client.open(uri, "team t {\n  lead:\n}\nperson ana\n").await;
    client
        .expect_diagnostics(uri, &["1:2-1:7 syntax-error: missing value after `lead:`"])
        .await;
    assert_eq!(client.diagnostics(uri).unwrap()["version"], 1);
    let diagnostic = &client.diagnostics(uri).unwrap()["diagnostics"][0];
    assert_eq!(diagnostic["severity"], 1);
    assert_eq!(diagnostic["source"], "planls");

    client.edit(uri, 2, [1, 7, 1, 7], " @ana").await;
    client.expect_diagnostics(uri, &[]).await;
    assert_eq!(client.diagnostics(uri).unwrap()["version"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_changes_in_one_notification_apply_in_order() {
    let mut client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/order.plan";
    client.open(uri, "team t\n").await;
    client
        .notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": 2},
                "contentChanges": [
                    // "team t\n" -> "team ab\n": the second range is in the text the first left.
                    {"range": range_json([0, 5, 0, 6]), "text": "a"},
                    {"range": range_json([0, 6, 0, 6]), "text": "b"},
                    {"range": range_json([1, 0, 1, 0]), "text": "person p { team: ab }\n"},
                ]
            }),
        )
        .await;
    let definition = client
        .request("textDocument/definition", position(uri, 1, 18))
        .await
        .unwrap();
    assert_eq!(short_location(&definition), "order.plan 0:5-0:7");
}

/// A thousand rapid changes: typed and deleted characters, sent without waiting. Whatever order
/// the handlers run in, the changes must apply in the order sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_rapid_changes_apply_in_order() {
    let client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/typing.plan";
    let header = "initiative x \"é😀\" {\n  depends_on: ";
    let mut text =
        format!("{header}\n  owner: @p\n}}\ninitiative target {{ owner: @p }}\nperson p \"P\"\n");
    client.open(uri, &text).await;

    let line_start = header.rfind('\n').unwrap() + 1;
    let mut name = String::new();
    let alphabet: Vec<char> = "targetxyzé".chars().collect();
    for i in 0..1000u32 {
        let column = 14 + name.encode_utf16().count() as u32;
        if i % 4 == 3 && !name.is_empty() {
            let last = name.pop().unwrap();
            let width = last.len_utf16() as u32;
            client
                .edit(uri, i as i32 + 2, [1, column - width, 1, column], "")
                .await;
        } else {
            let c = alphabet[(i as usize * 7) % alphabet.len()];
            name.push(c);
            client
                .edit(uri, i as i32 + 2, [1, column, 1, column], &c.to_string())
                .await;
        }
    }
    // The last change names the existing item and leaves a field without a value.
    let column = 14 + name.encode_utf16().count() as u32;
    let last = "target\n  progress:";
    client.edit(uri, 1002, [1, 14, 1, column], last).await;
    text.replace_range(line_start + 14..line_start + 14, last);

    let expected = analysed_diagnostics(&[(uri, &text)], uri);
    assert!(
        expected.iter().any(|d| d.contains("`progress:`")),
        "{expected:?}"
    );
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    client.expect_diagnostics(uri, &expected).await;
    client.settle().await;
    let published = client.diagnostics(uri).unwrap();
    assert_eq!(published["version"], 1002);
    assert_eq!(short_diagnostics(&published), expected);

    let world = client.backend.snapshot().unwrap();
    let snapshot = world.project(&uri.parse().unwrap()).unwrap();
    let file = snapshot.file(&uri.parse().unwrap()).unwrap();
    assert_eq!(snapshot.text(file), text);
    let analyses = client.backend.analysis_count();
    eprintln!("1001 changes cost {analyses} analyses");
    assert!(
        analyses < 100,
        "the debounce should coalesce the burst, ran {analyses}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_rapid_changes_end_with_the_right_diagnostics() {
    let client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/typing.plan";
    client.open(uri, "team t {\n}\n").await;
    // Type `lead: @a` and delete it again, a thousand times over; the last round leaves `lead:`.
    let typed = "lead: @a";
    let mut version = 1;
    let mut present = false;
    for _ in 0..125 {
        for (i, c) in typed.chars().enumerate() {
            version += 1;
            client
                .edit(uri, version, [1, i as u32, 1, i as u32], &c.to_string())
                .await;
        }
        present = !present;
        if present {
            version += 1;
            client
                .edit(uri, version, [1, 0, 1, typed.len() as u32], "")
                .await;
            present = false;
        }
    }
    version += 1;
    client.edit(uri, version, [1, 0, 1, 0], "lead:").await;
    client
        .expect_diagnostics(uri, &["1:0-1:5 syntax-error: missing value after `lead:`"])
        .await;
    assert_eq!(client.diagnostics(uri).unwrap()["version"], version);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf16_positions_count_emoji_as_two_units() {
    let folder = Folder::new(&[("a.plan", VAULT)]);
    let mut client = Client::start(Setup {
        folders: vec![folder.uri()],
        ..Setup::default()
    })
    .await;
    assert_eq!(
        client.initialize_result["capabilities"]["positionEncoding"],
        "utf-16"
    );
    let uri = folder.file_uri("b.plan");
    // 😀 is two UTF-16 units and four bytes; 字 is one unit and three bytes.
    client
        .open(&uri, "initiative t \"😀字😀\" { depends_on: vault }\n")
        .await;
    let vault_column = "initiative t \"😀字😀\" { depends_on: "
        .encode_utf16()
        .count() as u32;
    assert_eq!(vault_column, 35);
    let definition = client
        .request(
            "textDocument/definition",
            position(&uri, 0, vault_column + 2),
        )
        .await
        .unwrap();
    assert_eq!(short_location(&definition), "a.plan 0:11-0:16");
    let highlights = client
        .request(
            "textDocument/documentHighlight",
            position(&uri, 0, vault_column),
        )
        .await
        .unwrap();
    assert_eq!(short_range(&highlights[0]["range"]), "0:35-0:40");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_positions_when_the_client_offers_them() {
    let mut client = Client::start(Setup {
        encodings: vec!["utf-8", "utf-16"],
        ..Setup::default()
    })
    .await;
    assert_eq!(
        client.initialize_result["capabilities"]["positionEncoding"],
        "utf-8"
    );
    let uri = "file:///nowhere/a.plan";
    client
        .open(uri, "initiative t \"😀字😀\" { depends_on: t }\n")
        .await;
    let column = "initiative t \"😀字😀\" { depends_on: ".len() as u32;
    let definition = client
        .request("textDocument/definition", position(uri, 0, column))
        .await
        .unwrap();
    assert_eq!(short_location(&definition), "a.plan 0:11-0:12");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workspace_is_every_plan_file_but_hidden_and_ignored_ones() {
    let folder = Folder::new(&[
        (".gitignore", "generated/\n"),
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("plans/a.plan", VAULT),
        ("generated/x.plan", "team generated_team\n"),
        (".hidden/y.plan", "team hidden_team\n"),
        ("notes.txt", "team not_a_plan\n"),
    ]);
    let other = Folder::new(&[("c.plan", "team second_folder_team\n")]);
    let mut client = Client::start(Setup {
        folders: vec![folder.uri(), other.uri()],
        ..Setup::default()
    })
    .await;
    let symbols = client
        .request("workspace/symbol", json!({"query": ""}))
        .await
        .unwrap();
    let mut names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, vec!["ana", "second_folder_team", "vault"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_buffers_override_the_disk_until_closed() {
    let folder = Folder::new(&[("a.plan", "team on_disk\n")]);
    let uri = folder.file_uri("a.plan");
    let mut client = Client::start(Setup {
        folders: vec![folder.uri()],
        ..Setup::default()
    })
    .await;
    let names = |symbols: Value| -> Vec<String> {
        symbols
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    client.open(&uri, "team in_buffer\n").await;
    let symbols = client
        .request("workspace/symbol", json!({"query": ""}))
        .await
        .unwrap();
    assert_eq!(names(symbols), vec!["in_buffer"]);

    // Saved meanwhile with other content: closing reads the disk again.
    folder.write("a.plan", "team saved\n");
    client.close(&uri).await;
    let symbols = client
        .request("workspace/symbol", json!({"query": ""}))
        .await
        .unwrap();
    assert_eq!(names(symbols), vec!["saved"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_created_changed_and_deleted_on_disk_are_followed() {
    let folder = Folder::new(&[("a.plan", "person p { team: payments }\n")]);
    let a = folder.file_uri("a.plan");
    let b = folder.file_uri("b.plan");
    let mut client = Client::start(Setup {
        folders: vec![folder.uri()],
        ..Setup::default()
    })
    .await;
    client
        .wait_until("the watcher registration", |c| {
            !c.server_requests("client/registerCapability").is_empty()
        })
        .await;
    let registration =
        &client.server_requests("client/registerCapability")[0]["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.plan"
    );

    assert_eq!(definition_at(&mut client, &a, 0, 20).await, Value::Null);

    folder.write("b.plan", "team payments\n");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": b, "type": 1}]}),
        )
        .await;
    assert_eq!(
        short_location(&definition_at(&mut client, &a, 0, 20).await),
        "b.plan 0:5-0:13"
    );

    folder.write("b.plan", "\nteam payments\n");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": b, "type": 2}]}),
        )
        .await;
    assert_eq!(
        short_location(&definition_at(&mut client, &a, 0, 20).await),
        "b.plan 1:5-1:13"
    );

    folder.remove("b.plan");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": b, "type": 3}]}),
        )
        .await;
    assert_eq!(definition_at(&mut client, &a, 0, 20).await, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_file_has_its_diagnostics_cleared() {
    let folder = Folder::new(&[("broken.plan", "team t { lead: }\n")]);
    let uri = folder.file_uri("broken.plan");
    let client = Client::start(Setup {
        folders: vec![folder.uri()],
        ..Setup::default()
    })
    .await;
    client
        .expect_diagnostics(
            &uri,
            &["0:9-0:14 syntax-error: missing value after `lead:`"],
        )
        .await;
    folder.remove("broken.plan");
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri, "type": 3}]}),
        )
        .await;
    client.expect_diagnostics(&uri, &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn severities_follow_the_settings() {
    let uri = "file:///nowhere/a.plan";
    let client = Client::start(Setup {
        initialization_options: json!({"today": "2027-01-04", "severity": {"syntax-error": "warning"}}),
        ..Setup::default()
    })
    .await;
    client.open(uri, "team t { lead: }\n").await;
    client
        .expect_diagnostics(uri, &["0:9-0:14 syntax-error: missing value after `lead:`"])
        .await;
    assert_eq!(
        client.diagnostics(uri).unwrap()["diagnostics"][0]["severity"],
        2
    );

    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"planls": {"severity": {"syntax-error": "off"}}}}),
        )
        .await;
    client.expect_diagnostics(uri, &[]).await;

    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"planls": {"severity": {"syntax-error": "hint"}}}}),
        )
        .await;
    client
        .expect_diagnostics(uri, &["0:9-0:14 syntax-error: missing value after `lead:`"])
        .await;
    assert_eq!(
        client.diagnostics(uri).unwrap()["diagnostics"][0]["severity"],
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_can_be_pulled_and_bad_ones_are_reported() {
    let uri = "file:///nowhere/a.plan";
    let client = Client::start(Setup {
        initialization_options: json!({"today": "someday"}),
        configuration: json!({"severity": {"syntax-error": "off"}}),
        ..Setup::default()
    })
    .await;
    client
        .wait_until("a warning about the bad date", |c| {
            c.notifications("window/showMessage")
                .iter()
                .any(|n| n["params"]["message"].as_str().unwrap().contains("someday"))
        })
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while client
        .backend
        .snapshot()
        .unwrap()
        .settings
        .severity
        .is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the settings were never pulled"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(client.server_requests("workspace/configuration").len(), 1);
    client.open(uri, "team t { lead: }\n").await;
    client.settle().await;
    assert_eq!(client.diagnostics(uri), None, "syntax-error is off");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_documents_and_positions_past_the_end_get_empty_answers() {
    let mut client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/a.plan";
    client.open(uri, "team t\n").await;
    for (method, params) in [
        (
            "textDocument/hover",
            position("file:///nowhere/unknown.plan", 0, 0),
        ),
        (
            "textDocument/definition",
            position("file:///nowhere/unknown.plan", 0, 0),
        ),
        ("textDocument/definition", position(uri, 40, 0)),
        ("textDocument/references", {
            let mut p = position(uri, 99, 99);
            p["context"] = json!({"includeDeclaration": true});
            p
        }),
        ("textDocument/completion", position(uri, 7, 3)),
        ("textDocument/prepareRename", position(uri, 5, 0)),
        (
            "textDocument/formatting",
            json!({"textDocument": {"uri": "file:///x.plan"}, "options": {"tabSize": 2, "insertSpaces": true}}),
        ),
        (
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": "file:///x.plan"}}),
        ),
    ] {
        let answer = client.request(method, params).await;
        assert_eq!(answer, Ok(Value::Null), "{method}");
    }
    // A character past the end of a line means the end of the line.
    let definition = client
        .request("textDocument/definition", position(uri, 0, 400))
        .await
        .unwrap();
    assert_eq!(short_location(&definition), "a.plan 0:5-0:6");
    // The server is still up.
    let symbols = client
        .request("workspace/symbol", json!({"query": "t"}))
        .await
        .unwrap();
    assert_eq!(symbols.as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_params_get_an_error_and_the_server_stays_up() {
    let mut client = Client::start(Setup::default()).await;
    let error = client
        .request("textDocument/hover", json!({"textDocument": 3}))
        .await
        .unwrap_err();
    assert_eq!(error["code"], -32602);
    let answer = client
        .request("workspace/symbol", json!({"query": ""}))
        .await;
    assert_eq!(answer, Ok(json!([])));
    assert_eq!(
        client.request("shutdown", Value::Null).await,
        Ok(Value::Null)
    );
}

async fn definition_at(client: &mut Client, uri: &str, line: u32, character: u32) -> Value {
    client
        .request("textDocument/definition", position(uri, line, character))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_that_broke_the_lowering_leaves_the_server_up() {
    let mut client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/a.plan";
    // Tree-sitter recovers from `initia:` (a kind word being typed) with a missing kind word.
    client
        .open(
            uri,
            "program p \"P\" {\n}\n\ninitia: a \"A\n { owner: @maria\n}\n",
        )
        .await;
    client
        .wait_until("a syntax error", |c| {
            c.diagnostics(uri).is_some_and(|d| {
                d["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|d| d["code"] == "syntax-error")
            })
        })
        .await;
    let symbols = client
        .request("workspace/symbol", json!({"query": ""}))
        .await
        .unwrap();
    assert!(symbols.is_array());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_folders_can_be_added_and_removed() {
    let first = Folder::new(&[("a.plan", "team first_team\n")]);
    let second = Folder::new(&[("b.plan", "team second_team\n")]);
    let mut client = Client::start(Setup {
        folders: vec![first.uri()],
        ..Setup::default()
    })
    .await;
    assert_eq!(client.symbol_names().await, vec!["first_team"]);
    client
        .notify(
            "workspace/didChangeWorkspaceFolders",
            json!({"event": {
                "added": [{"uri": second.uri(), "name": "second"}],
                "removed": [{"uri": first.uri(), "name": "first"}]
            }}),
        )
        .await;
    assert_eq!(client.symbol_names().await, vec!["second_team"]);
}
