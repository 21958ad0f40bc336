//! "Did you mean": the closest ID of the kinds a field accepts.
//!
//! Comparing an unresolved name with every ID costs names x unresolved references, which made a
//! plan with thousands of typos take a minute. Small workspaces keep that exact scan; large ones
//! go through a trigram index: the candidates are the IDs that share the most of the name's
//! rarest trigrams (a bounded number of postings read, a bounded number of candidates compared),
//! so each suggestion costs about the same whatever the size of the workspace.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::analysis::facts::closest;
use crate::analysis::index::{Index, ItemId, ItemInfo};
use crate::syntax::Kind;

/// Up to this many items, every ID is compared: exact, and cheap enough even when many names are
/// unresolved.
const EXACT_SCAN_LIMIT: usize = 300;
/// The most postings one suggestion reads; the rarest trigrams are read first.
const POSTINGS_READ: usize = 3_000;
/// The most candidates compared by edit distance.
const CANDIDATES: usize = 32;

type Trigram = [u8; 3];

thread_local! {
    /// By item, how many of the word's trigrams it shares: reused across suggestions.
    static SHARED: std::cell::RefCell<Vec<u16>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The trigram index of the workspace's IDs, built on the first suggestion that needs it.
#[derive(Debug, Default)]
pub struct Suggester {
    grams: OnceLock<HashMap<Trigram, Vec<u32>>>,
}

/// The trigrams of `name` padded with a start and an end mark, so that short names and the
/// ends of names count too.
fn trigrams(name: &str) -> impl Iterator<Item = Trigram> + '_ {
    let bytes = name.as_bytes();
    let padded = move |i: usize| -> u8 {
        if i == 0 {
            0x02
        } else if i == bytes.len() + 1 {
            0x03
        } else {
            bytes[i - 1]
        }
    };
    (0..bytes.len()).map(move |i| [padded(i), padded(i + 1), padded(i + 2)])
}

impl Suggester {
    /// The closest ID to `word` among `items` of the `expected` kinds, when close enough to be a
    /// likely typo.
    pub fn closest(&self, items: &Index, word: &str, expected: &[Kind]) -> Option<String> {
        let of_kind = |info: &&ItemInfo| expected.contains(&info.kind);
        if items.len() <= EXACT_SCAN_LIMIT {
            let all = items.iter().map(|(_, info)| info);
            return closest(word, all.filter(of_kind).map(|i| i.name.as_str()));
        }
        let grams = self.grams.get_or_init(|| {
            let mut grams: HashMap<Trigram, Vec<u32>> = HashMap::new();
            for (ItemId(n), info) in items.iter() {
                for gram in trigrams(&info.name) {
                    let posting = grams.entry(gram).or_default();
                    // A name with a repeated trigram is listed once.
                    if posting.last() != Some(&(n as u32)) {
                        posting.push(n as u32);
                    }
                }
            }
            grams
        });
        let mut postings: Vec<&Vec<u32>> = trigrams(word).filter_map(|g| grams.get(&g)).collect();
        postings.sort_by_key(|p| p.len());
        postings.dedup_by(|a, b| std::ptr::eq(*a, *b));
        let candidates = SHARED.with_borrow_mut(|shared| {
            if shared.len() < items.len() {
                shared.resize(items.len(), 0);
            }
            let mut touched: Vec<u32> = Vec::new();
            let mut budget = POSTINGS_READ;
            for posting in postings {
                if posting.len() > budget {
                    break;
                }
                budget -= posting.len();
                for &n in posting {
                    if shared[n as usize] == 0 {
                        touched.push(n);
                    }
                    shared[n as usize] += 1;
                }
            }
            let mut candidates: Vec<(std::cmp::Reverse<u16>, u32)> = touched
                .into_iter()
                .map(|n| {
                    (
                        std::cmp::Reverse(std::mem::take(&mut shared[n as usize])),
                        n,
                    )
                })
                .collect();
            if candidates.len() > CANDIDATES {
                candidates.select_nth_unstable(CANDIDATES);
                candidates.truncate(CANDIDATES);
            }
            candidates.sort_unstable();
            candidates
        });
        closest(
            word,
            candidates
                .iter()
                .map(|&(_, n)| items.item(ItemId(n as usize)))
                .filter(of_kind)
                .map(|i| i.name.as_str()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_workspace_still_finds_the_typo() {
        let mut text = String::from("initiative vault_upgrade {}\nperson ana {}\n");
        for i in 0..3_000 {
            text.push_str(&format!("initiative t{}_i{i} {{}}\n", i % 20));
        }
        let workspace = crate::analysis::Workspace::from_texts([("a.plan", text)]);
        let items = Index::build(&workspace);
        let suggester = Suggester::default();
        let work = &[Kind::Initiative, Kind::Milestone];
        assert_eq!(
            suggester.closest(&items, "vault_upgrad", work).as_deref(),
            Some("vault_upgrade")
        );
        assert_eq!(
            suggester.closest(&items, "t14_i1234x", work).as_deref(),
            Some("t14_i1234"),
        );
        // A person is not suggested for a field that takes work.
        assert_eq!(suggester.closest(&items, "anna", work), None);
        assert_eq!(
            suggester
                .closest(&items, "anna", &[Kind::Person])
                .as_deref(),
            Some("ana")
        );
        assert_eq!(suggester.closest(&items, "zzzzzzzz", work), None);
    }
}
