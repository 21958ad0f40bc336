//! Reliability: one key per file however it is spelled, what the server may read and edit, and
//! formatting that converges.

use serde_json::{json, Value};

use crate::client::*;

/// Applies LSP edits to `text` as a careful client does: lines end at `\r\n`, `\n` or `\r`, and a
/// character past a line's end (which includes a position between `\r` and `\n`) is clamped to
/// the end of the line's text. Positions are UTF-16 code units; `text` is ASCII.
fn apply_clamped(text: &str, edits: &[Value]) -> String {
    let mut lines = Vec::new(); // (start, end of the text before the line break)
    let bytes = text.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                lines.push((start, i));
                i += 2;
                start = i;
            }
            b'\r' | b'\n' => {
                lines.push((start, i));
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    lines.push((start, text.len()));
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        match lines.get(line) {
            Some(&(start, end)) => (start + character).min(end),
            None => text.len(),
        }
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new_text) in edits {
        out.replace_range(start..end, new_text);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_mixed_line_endings_converges_in_one_step() {
    let mut client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/mixed.plan";
    let mut text =
        "person a \"A\" {}\ninitiative x \"X\" { owner: @a\r\n duration: 1w }\r\n".to_string();
    client.open(uri, &text).await;
    let options = json!({"tabSize": 2, "insertSpaces": true});
    let mut rounds = 0;
    loop {
        let edits = client
            .request(
                "textDocument/formatting",
                json!({"textDocument": {"uri": uri}, "options": options}),
            )
            .await
            .unwrap();
        let edits = edits.as_array().unwrap();
        if edits.is_empty() {
            break;
        }
        rounds += 1;
        assert!(
            rounds <= 1,
            "formatting again still edits: {edits:?} on {text:?}"
        );
        text = apply_clamped(&text, edits);
        client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": uri, "version": rounds + 1},
                    "contentChanges": [{"text": text}]
                }),
            )
            .await;
    }
    // The file's dominant line ending, `\r\n`, throughout.
    assert_eq!(
        text,
        "person a \"A\" {}\r\n\r\ninitiative x \"X\" {\r\n  owner: @a\r\n  duration: 1w\r\n}\r\n"
    );
}

/// One finding, so that diagnostics are published: a missing owner.
const WORK: &str = "initiative vault \"Vault\" {\n  start: 2027-01-04\n  duration: 1w\n}\n";
const FINDINGS: &[&str] = &["0:11-0:16 missing-owner"];
const PEOPLE: &str = "person ana \"Ana Diaz\"\n";

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_reached_through_a_symlink_or_an_odd_spelling_is_one_file() {
    let folder = Folder::new(&[("plans/work.plan", WORK), ("plans/people.plan", PEOPLE)]);
    let real = std::fs::canonicalize(folder.dir.path()).unwrap();
    std::os::unix::fs::symlink(real.join("plans"), real.join("link")).unwrap();
    // The workspace folder is opened through the symlink...
    let mut client = Client::start(Setup {
        folders: vec![uri_of(&real.join("link"))],
        ..Setup::default()
    })
    .await;
    assert_eq!(client.symbol_names().await, ["ana", "vault"]);
    // ...and the document by its real path, spelled in several ways.
    let plans = uri_of(&real.join("plans"));
    let link = uri_of(&real.join("link"));
    let spellings = [
        format!("{plans}/work.plan"),
        format!("{plans}/./work.plan"),
        format!("{plans}//work.plan"),
        format!("{link}/../plans/work.plan"),
        format!("{link}/work.plan"),
    ];
    for uri in &spellings {
        client.open(uri, WORK).await;
        // Published under the client's own spelling, and without a duplicate of every item.
        client.expect_diagnostics(uri, FINDINGS).await;
        assert_eq!(client.symbol_names().await, ["ana", "vault"], "{uri}");
        // What the server sends back about the open document uses the client's spelling.
        let highlights = client
            .request("textDocument/references", {
                let mut params = position(uri, 0, 12);
                params["context"] = json!({"includeDeclaration": true});
                params
            })
            .await
            .unwrap();
        assert_eq!(highlights[0]["uri"], json!(uri), "{highlights}");
        client.close(uri).await;
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_linked_from_outside_the_workspace_are_neither_read_nor_renamed() {
    let base = Folder::new(&[
        ("workspace/work.plan", WORK),
        ("workspace/people.plan", PEOPLE),
        (
            "outside/secret.plan",
            "initiative secret \"SECRET TEXT\" { owner: @ana depends_on: vault } broken\n",
        ),
    ]);
    let real = std::fs::canonicalize(base.dir.path()).unwrap();
    let workspace = real.join("workspace");
    let secret = real.join("outside/secret.plan");
    std::os::unix::fs::symlink(&secret, workspace.join("secret.plan")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", workspace.join("passwd.plan")).unwrap();
    // A FIFO named like a plan file: opening it would block the scan forever.
    let _ = std::process::Command::new("mkfifo")
        .arg(workspace.join("pipe.plan"))
        .status();
    let mut client = Client::start(Setup {
        folders: vec![uri_of(&workspace)],
        ..Setup::default()
    })
    .await;
    assert_eq!(client.symbol_names().await, ["ana", "vault"]);

    let work = uri_of(&workspace.join("work.plan"));
    client.open(&work, WORK).await;
    client.expect_diagnostics(&work, FINDINGS).await;
    assert_eq!(renamed_files(&mut client, &work).await, vec![work.clone()]);
    for published in client.notifications("textDocument/publishDiagnostics") {
        let uri = published["params"]["uri"].as_str().unwrap();
        assert!(uri.starts_with(&uri_of(&workspace)), "{uri}");
        assert!(!published.to_string().contains("SECRET"), "{published}");
    }

    // A document the client opens itself is the client's to edit, wherever it is.
    let secret_uri = uri_of(&secret);
    client
        .open(&secret_uri, &std::fs::read_to_string(&secret).unwrap())
        .await;
    client.settle().await;
    let mut expected = vec![secret_uri, work.clone()];
    expected.sort();
    assert_eq!(renamed_files(&mut client, &work).await, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_filesystem_root_as_a_workspace_folder_is_refused_with_a_message() {
    let started = std::time::Instant::now();
    let mut client = Client::start(Setup {
        folders: vec!["file:///".to_string()],
        ..Setup::default()
    })
    .await;
    client
        .wait_until("a message saying the root is not scanned", |client| {
            client.notifications("window/showMessage").iter().any(|m| {
                m["params"]["message"]
                    .as_str()
                    .unwrap()
                    .contains("it is the filesystem root")
            })
        })
        .await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(client.symbol_names().await, Vec::<String>::new());
    // Documents the client opens are still checked.
    client
        .open("file:///nowhere/a.plan", "initiative x {}\n")
        .await;
    client
        .expect_diagnostics("file:///nowhere/a.plan", &["0:11-0:12 missing-owner"])
        .await;
}

/// The files a rename of the item at the start of `uri`'s first line's ID would edit.
async fn renamed_files(client: &mut Client, uri: &str) -> Vec<String> {
    let mut params = position(uri, 0, 12);
    params["newName"] = json!("vault_2");
    let edit = client.request("textDocument/rename", params).await.unwrap();
    let mut files: Vec<String> = edit["changes"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    files.sort();
    files
}
