//! Which escalations are "about the same thing", and which fixes are "the
//! same fix": the §11 duplicate check's measure, reused for §13.
//!
//! The duplicate check compares the significant terms of two summaries
//! ([`significant_terms`]) with the Dice coefficient, and lets FTS5's Porter
//! stemmer decide when two words are the same term. The review runs over a
//! whole month in memory, without an FTS5 index, so it folds each term with
//! a light suffix rule instead (plural `-s`/`-es`/`-ies`, then `-ing`/`-ed`,
//! then a final `-e`): "returns"/"returning", "crashes"/"crash",
//! "payments"/"payment" fold together, as they do under Porter.

use crate::store::significant_terms;
use std::collections::BTreeSet;

/// The folded significant terms of a summary.
pub fn summary_terms(summary: &str) -> BTreeSet<String> {
    significant_terms(summary)
        .iter()
        .map(|term| fold(term))
        .collect()
}

/// The folded significant terms of a fix: the proposal and the resolution
/// notes, taken together.
pub fn fix_terms(fix: &str) -> BTreeSet<String> {
    // significant_terms keeps its first 24 terms; a fix is read in full.
    let words: Vec<&str> = fix.split_whitespace().collect();
    words
        .chunks(20)
        .flat_map(|chunk| significant_terms(&chunk.join(" ")))
        .map(|term| fold(&term))
        .collect()
}

/// `2·|a ∩ b| / (|a| + |b|)`: 1 for the same terms, 0 for none shared (or
/// two empty sets).
pub fn dice(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 0.0;
    }
    2.0 * a.intersection(b).count() as f64 / total as f64
}

/// Folds a lower-case term's common English suffixes away. Numbers and
/// short words are left alone.
fn fold(term: &str) -> String {
    if term.chars().count() <= 3 || term.chars().all(|c| c.is_ascii_digit()) {
        return term.to_string();
    }
    let mut word = term.to_string();
    let sibilant = ["sses", "shes", "ches", "xes", "zes"];
    if let Some(stem) = word.strip_suffix("ies").filter(|stem| stem.len() >= 2) {
        word = format!("{stem}y");
    } else if sibilant.iter().any(|suffix| word.ends_with(suffix)) {
        word.truncate(word.len() - 2);
    } else if word.ends_with('s') && !["ss", "us", "is"].iter().any(|s| word.ends_with(s)) {
        word.pop();
    }
    for suffix in ["ing", "ed"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            if stem.chars().count() >= 3 {
                word = stem.to_string();
                break;
            }
        }
    }
    if word.chars().count() > 4 && word.ends_with('e') {
        word.pop();
    }
    word
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| fold(word)).collect()
    }

    #[test]
    fn inflections_of_a_word_fold_together() {
        for family in [
            &["returns", "returning", "returned", "return"][..],
            &["crashes", "crash", "crashing", "crashed"],
            &["payments", "payment"],
            &["drifts", "drift", "drifting"],
            &["stores", "store"],
            &["updates", "update", "updated", "updating"],
            &["entries", "entry"],
        ] {
            let folded = terms(family);
            assert!(
                folded.iter().all(|term| *term == folded[0]),
                "{family:?} -> {folded:?}"
            );
        }
        assert_eq!(
            terms(&["status", "process", "analysis", "500", "pos"]),
            ["status", "process", "analysis", "500", "pos"]
        );
    }

    #[test]
    fn dice_measures_shared_terms() {
        let a = summary_terms("Checkout API returns 500 errors");
        let b = summary_terms("Checkout API returning HTTP 500 error");
        // checkout, api, return, 500, error shared; http extra.
        assert!((dice(&a, &b) - 10.0 / 11.0).abs() < 1e-9);
        assert_eq!(dice(&a, &summary_terms("Printer jams on label rolls")), 0.0);
        assert_eq!(dice(&BTreeSet::new(), &BTreeSet::new()), 0.0);
    }
}
