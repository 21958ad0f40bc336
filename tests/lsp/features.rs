//! Navigation and editing features, on definitions and on references, across files.

use serde_json::{json, Value};

use crate::client::*;

const PEOPLE: &str = "\
team payments \"Payments Platform\" {
  lead: @maria
  members: @ana, @bo
}

person maria \"Maria Lopez\" { team: payments }
person ana \"Ana Diaz\" { team: payments }
person bo \"Bo Chen\" { team: payments }
";

const WORK: &str = "\
# Work for the checkout.
initiative vault \"Upgrade the vault\" {
  owner: @bo
  team: payments
  duration: 3w
}

initiative tokens \"Card tokens\" {
  owner: @ana
  depends_on: vault + 1w
  duration: 6w
}

milestone beta \"Public beta\" {
  date: 2027-03-15
  requires: tokens, vault
}
";

struct Session {
    client: Client,
    people: String,
    work: String,
    /// Bound by every test: the folder is deleted when dropped, and the server scans it after
    /// `initialize` has answered.
    _folder: Folder,
}

async fn session() -> Session {
    let folder = Folder::new(&[("people.plan", PEOPLE), ("work.plan", WORK)]);
    let client = Client::start(Setup {
        folders: vec![folder.uri()],
        ..Setup::default()
    })
    .await;
    let (people, work) = (folder.file_uri("people.plan"), folder.file_uri("work.plan"));
    client.open(&work, WORK).await;
    Session {
        client,
        people,
        work,
        _folder: folder,
    }
}

fn locations(value: &Value) -> Vec<String> {
    let mut all: Vec<String> = match value {
        Value::Array(items) => items.iter().map(short_location).collect(),
        Value::Null => Vec::new(),
        single => vec![short_location(single)],
    };
    all.sort();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_from_references_and_definitions_across_files() {
    let Session {
        mut client,
        work,
        _folder,
        ..
    } = session().await;
    // `@bo` on line 2 of work.plan, the cursor on the name, then on the `@`'s right edge.
    let from_person = client
        .request("textDocument/definition", position(&work, 2, 10))
        .await
        .unwrap();
    assert_eq!(locations(&from_person), vec!["people.plan 7:7-7:9"]);
    let from_lagged = client
        .request("textDocument/definition", position(&work, 9, 15))
        .await
        .unwrap();
    assert_eq!(locations(&from_lagged), vec!["work.plan 1:11-1:16"]);
    let on_definition = client
        .request("textDocument/definition", position(&work, 7, 12))
        .await
        .unwrap();
    assert_eq!(locations(&on_definition), vec!["work.plan 7:11-7:17"]);
    let on_a_key = client
        .request("textDocument/definition", position(&work, 2, 3))
        .await
        .unwrap();
    assert_eq!(on_a_key, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_in_every_file_with_or_without_the_definition() {
    let Session {
        mut client,
        people,
        work,
        _folder,
    } = session().await;
    let mut params = position(&people, 0, 8);
    params["context"] = json!({"includeDeclaration": true});
    let with = client
        .request("textDocument/references", params.clone())
        .await
        .unwrap();
    assert_eq!(
        locations(&with),
        vec![
            "people.plan 0:5-0:13",
            "people.plan 5:35-5:43",
            "people.plan 6:30-6:38",
            "people.plan 7:28-7:36",
            "work.plan 3:8-3:16",
        ]
    );
    params["context"] = json!({"includeDeclaration": false});
    let without = client
        .request("textDocument/references", params)
        .await
        .unwrap();
    assert_eq!(locations(&without).len(), 4);

    // From a reference in the other file, the same set.
    let mut params = position(&work, 3, 10);
    params["context"] = json!({"includeDeclaration": true});
    let from_reference = client
        .request("textDocument/references", params)
        .await
        .unwrap();
    assert_eq!(locations(&from_reference), locations(&with));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_highlight_marks_the_definition_as_written() {
    let Session {
        mut client,
        work,
        _folder,
        ..
    } = session().await;
    let highlights = client
        .request("textDocument/documentHighlight", position(&work, 1, 12))
        .await
        .unwrap();
    let found: Vec<(String, u64)> = highlights
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (short_range(&h["range"]), h["kind"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        found,
        vec![
            ("1:11-1:16".to_string(), 3),
            ("9:14-9:19".to_string(), 2),
            ("15:20-15:25".to_string(), 2),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_changes_every_file_and_prepare_rename_gives_the_name() {
    let Session {
        mut client,
        work,
        _folder,
        ..
    } = session().await;
    let prepared = client
        .request("textDocument/prepareRename", position(&work, 8, 11))
        .await
        .unwrap();
    assert_eq!(short_range(&prepared["range"]), "8:10-8:13");
    assert_eq!(prepared["placeholder"], "ana");

    let mut params = position(&work, 8, 11);
    params["newName"] = json!("ana_diaz");
    let edit = client.request("textDocument/rename", params).await.unwrap();
    let mut edits: Vec<String> = edit["changes"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(uri, edits)| {
            let name = uri.rsplit('/').next().unwrap().to_string();
            edits.as_array().unwrap().iter().map(move |e| {
                format!(
                    "{name} {} {}",
                    short_range(&e["range"]),
                    e["newText"].as_str().unwrap()
                )
            })
        })
        .collect();
    edits.sort();
    assert_eq!(
        edits,
        vec![
            "people.plan 2:12-2:15 ana_diaz",
            "people.plan 6:7-6:10 ana_diaz",
            "work.plan 8:10-8:13 ana_diaz",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_refuses_a_taken_or_invalid_name_with_a_message() {
    let Session {
        mut client,
        work,
        _folder,
        ..
    } = session().await;
    let mut params = position(&work, 1, 12);
    params["newName"] = json!("tokens");
    let error = client
        .request("textDocument/rename", params.clone())
        .await
        .unwrap_err();
    assert_eq!(
        error["message"],
        "`tokens` is already the ID of an initiative in this workspace"
    );
    params["newName"] = json!("2fast");
    let error = client
        .request("textDocument/rename", params.clone())
        .await
        .unwrap_err();
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("is not a valid ID"));
    params["newName"] = json!("milestone");
    let error = client
        .request("textDocument/rename", params)
        .await
        .unwrap_err();
    assert!(error["message"].as_str().unwrap().contains("kind word"));

    // On a key there is nothing to rename.
    let prepared = client
        .request("textDocument/prepareRename", position(&work, 2, 3))
        .await
        .unwrap();
    assert_eq!(prepared, Value::Null);
}

fn labels(completion: &Value) -> Vec<String> {
    completion
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_of_people_references_keys_enums_and_new_items() {
    let Session {
        mut client,
        work,
        _folder,
        ..
    } = session().await;
    // People after `@`, with their display names.
    client.edit(&work, 2, [8, 9, 8, 13], "@").await;
    let people = client
        .request("textDocument/completion", position(&work, 8, 10))
        .await
        .unwrap();
    assert_eq!(labels(&people), vec!["maria", "ana", "bo"]);
    assert_eq!(people[0]["detail"], "Maria Lopez");
    assert_eq!(people[0]["textEdit"]["newText"], "maria");
    assert_eq!(short_range(&people[0]["textEdit"]["range"]), "8:10-8:10");

    // Keys of a milestone not yet given, with their descriptions, on a new line.
    client.edit(&work, 3, [14, 18, 14, 18], "\n  ").await;
    let keys = client
        .request("textDocument/completion", position(&work, 15, 2))
        .await
        .unwrap();
    assert_eq!(labels(&keys), vec!["owner", "status", "description"]);
    assert_eq!(keys[0]["kind"], 10);
    assert!(keys[0]["documentation"]["value"]
        .as_str()
        .unwrap()
        .contains("accountable"));

    // Enum words.
    client.edit(&work, 4, [15, 2, 15, 2], "status: ").await;
    let words = client
        .request("textDocument/completion", position(&work, 15, 10))
        .await
        .unwrap();
    assert_eq!(labels(&words), vec!["planned", "done", "cancelled"]);

    // Only initiatives and milestones in `requires`, and not the ones already listed.
    client.edit(&work, 5, [16, 25, 16, 25], ", ").await;
    let work_items = client
        .request("textDocument/completion", position(&work, 16, 27))
        .await
        .unwrap();
    assert_eq!(
        labels(&work_items),
        Vec::<String>::new(),
        "tokens and vault are listed"
    );
    client.edit(&work, 6, [16, 12, 16, 27], "").await;
    let work_items = client
        .request("textDocument/completion", position(&work, 16, 12))
        .await
        .unwrap();
    assert_eq!(labels(&work_items), vec!["vault", "tokens"]);

    // Snippets for new items between items.
    client.edit(&work, 7, [18, 0, 18, 0], "\nmil").await;
    let snippets = client
        .request("textDocument/completion", position(&work, 19, 3))
        .await
        .unwrap();
    let milestone = snippets
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["label"] == "milestone")
        .unwrap();
    assert_eq!(milestone["insertTextFormat"], 2);
    assert!(milestone["textEdit"]["newText"]
        .as_str()
        .unwrap()
        .starts_with("milestone ${1:id}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_returns_the_edit_to_the_canonical_layout() {
    let mut client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/messy.plan";
    let messy = "team   t \"T\"{lead:@a   # the lead\n\n\n members:@a,@b}\nperson a\n";
    client.open(uri, messy).await;
    let options = json!({"tabSize": 4, "insertSpaces": true});
    let edits = client
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": options}),
        )
        .await
        .unwrap();
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    let formatted = apply(messy, &edits[0]);
    assert_eq!(
        formatted,
        "team t \"T\" {\n  lead: @a # the lead\n\n  members: @a, @b\n}\n\nperson a\n"
    );

    // Formatted text needs no edit.
    client.edit(uri, 2, [0, 0, 5, 0], &formatted).await;
    let again = client
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": options}),
        )
        .await
        .unwrap();
    assert_eq!(again, json!([]));

    // A file with a syntax error is left alone, and the answer says why.
    client.edit(uri, 3, [1, 7, 1, 10], "").await;
    let broken = client
        .request(
            "textDocument/formatting",
            json!({"textDocument": {"uri": uri}, "options": options}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        broken["message"],
        "not formatted: the file has syntax errors; the first, on line 2 column 3: \
         missing value after `lead:`"
    );
}

/// Applies one edit (in UTF-16 positions) to ASCII `text`.
fn apply(text: &str, edit: &Value) -> String {
    let offset = |position: &Value| {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + character
    };
    let start = offset(&edit["range"]["start"]);
    let end = offset(&edit["range"]["end"]);
    format!(
        "{}{}{}",
        &text[..start],
        edit["newText"].as_str().unwrap(),
        &text[end..]
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_symbols_outline_items_and_their_fields() {
    let Session {
        mut client,
        work,
        _folder,
        ..
    } = session().await;
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": work}}),
        )
        .await
        .unwrap();
    let outline: Vec<String> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let fields: Vec<&str> = s["children"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["name"].as_str().unwrap())
                .collect();
            format!(
                "{} ({}) [{}]",
                s["name"].as_str().unwrap(),
                s["detail"].as_str().unwrap(),
                fields.join(" ")
            )
        })
        .collect();
    assert_eq!(
        outline,
        vec![
            "vault (initiative · Upgrade the vault) [owner team duration]",
            "tokens (initiative · Card tokens) [owner depends_on duration]",
            "beta (milestone · Public beta) [date requires]",
        ]
    );
    assert_eq!(short_range(&symbols[0]["range"]), "1:0-5:1");
    assert_eq!(short_range(&symbols[0]["selectionRange"]), "1:11-1:16");
    assert_eq!(symbols[1]["children"][1]["detail"], "vault + 1w");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_symbols_match_fuzzily_on_ids_and_titles() {
    let Session {
        mut client,
        _folder,
        ..
    } = session().await;
    let names = |symbols: &Value| -> Vec<String> {
        symbols
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    let by_id = client
        .request("workspace/symbol", json!({"query": "tkns"}))
        .await
        .unwrap();
    assert_eq!(names(&by_id), vec!["tokens"]);
    assert_eq!(short_location(&by_id[0]["location"]), "work.plan 7:11-7:17");
    let by_title = client
        .request("workspace/symbol", json!({"query": "Lopez"}))
        .await
        .unwrap();
    assert_eq!(names(&by_title), vec!["maria"]);
    let everything = client
        .request("workspace/symbol", json!({"query": ""}))
        .await
        .unwrap();
    assert_eq!(names(&everything).len(), 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn semantic_tokens_colour_references_by_the_kind_they_name() {
    let mut client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/a.plan";
    client
        .open(
            uri,
            "team t\ninitiative x \"😀\" {\n  team: t # c\n  status: done\n}\n",
        )
        .await;
    let legend = client.initialize_result["capabilities"]["semanticTokensProvider"]["legend"]
        ["tokenTypes"]
        .clone();
    let tokens = client
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": {"uri": uri}}),
        )
        .await
        .unwrap();
    let data: Vec<u64> = tokens["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let mut decoded = Vec::new();
    let (mut line, mut start) = (0, 0);
    for token in data.chunks(5) {
        if token[0] > 0 {
            line += token[0];
            start = token[1];
        } else {
            start += token[1];
        }
        decoded.push(format!(
            "{line}:{start}+{} {}{}",
            token[2],
            legend[token[3] as usize].as_str().unwrap(),
            if token[4] & 1 == 1 {
                " declaration"
            } else {
                ""
            }
        ));
    }
    assert_eq!(
        decoded,
        vec![
            "0:0+4 keyword",
            "0:5+1 struct declaration",
            "1:0+10 keyword",
            "1:11+1 function declaration",
            "1:13+4 string", // the emoji is two UTF-16 units
            "2:2+4 property",
            "2:8+1 struct",
            "2:10+3 comment",
            "3:2+6 property",
            "3:10+4 enumMember",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folding_ranges_for_blocks_strings_and_comment_runs() {
    let mut client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/a.plan";
    client
        .open(
            uri,
            "# one\n# two\n# three\nteam t {\n  description: \"\"\"a\nb\nc\"\"\"\n  lead: @a\n}\nperson a { team: t }\n",
        )
        .await;
    let folds = client
        .request(
            "textDocument/foldingRange",
            json!({"textDocument": {"uri": uri}}),
        )
        .await
        .unwrap();
    let found: Vec<String> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}-{}{}",
                f["startLine"],
                f["endLine"],
                f.get("kind")
                    .and_then(Value::as_str)
                    .map(|k| format!(" {k}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(found, vec!["0-2 comment", "3-7", "4-6"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selection_ranges_grow_from_a_name_to_the_file() {
    let mut client = Client::start(Setup::default()).await;
    let uri = "file:///nowhere/a.plan";
    client
        .open(uri, "initiative x {\n  depends_on: a + 1w, b\n}\n")
        .await;
    let ranges = client
        .request(
            "textDocument/selectionRange",
            json!({"textDocument": {"uri": uri}, "positions": [{"line": 1, "character": 15}]}),
        )
        .await
        .unwrap();
    let mut chain = Vec::new();
    let mut current = &ranges[0];
    while !current.is_null() {
        chain.push(short_range(&current["range"]));
        current = &current["parent"];
    }
    assert_eq!(
        chain,
        vec![
            "1:14-1:15", // a
            "1:14-1:20", // a + 1w
            "1:14-1:23", // a + 1w, b
            "1:2-1:23",  // the field
            "0:13-2:1",  // the block
            "0:0-2:1",   // the item
            "0:0-3:0",   // the file
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_offers_little_gets_only_what_it_understands() {
    let mut client = Client::start(Setup {
        text_document: json!({}),
        ..Setup::default()
    })
    .await;
    let uri = "file:///nowhere/a.plan";
    client
        .open(uri, "team t { lead: @a }\nperson a \"A\"\n\n")
        .await;
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .await
        .unwrap();
    let flat: Vec<String> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} in {}",
                s["name"].as_str().unwrap(),
                s["containerName"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(flat, vec!["t in -", "lead in t", "a in -"]);

    let completion = client
        .request("textDocument/completion", position(uri, 2, 0))
        .await
        .unwrap();
    let team = completion
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["label"] == "team")
        .unwrap();
    assert_eq!(team["insertTextFormat"], 1);
    assert_eq!(team["textEdit"]["newText"], "team id \"Title\" {\n  \n}");
    assert!(team["labelDetails"].is_null(), "{team}");
}
