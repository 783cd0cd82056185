//! SOP §11 "Avoid duplicate escalations": finding open escalations of the
//! same customer whose summary is about the same problem.
//!
//! FTS5 (porter stemming) finds the candidates through its index; each
//! candidate is then scored by the Dice coefficient of the two summaries'
//! significant terms, counting a term as shared when FTS5 matches it, so
//! "returns 500 errors" and "returning HTTP 500 error" share three terms.

use super::projection::normalize_customer;
use crate::domain::{Status, TicketId};
use crate::error::Result;
use crate::rules::SimilarEscalation;
use rusqlite::{params, Connection};
use std::collections::{BTreeSet, HashMap};

/// Summaries at or above this Dice similarity are "similar" (0–1).
pub const SIMILARITY_THRESHOLD: f64 = 0.5;

const STOPWORDS: &[&str] = &[
    "the", "and", "for", "with", "after", "when", "from", "that", "this", "are", "was", "were",
    "not", "but", "has", "have", "had", "into", "can", "cannot", "does", "doesn", "did", "will",
    "all", "any", "our", "their", "its", "via", "per", "out", "off", "too", "very", "some",
    "since", "while", "being", "been", "customer", "issue", "problem", "please", "still", "again",
    "also", "just", "than", "then", "there",
];

/// The words of a summary that carry meaning: lower-case, alphanumeric, at
/// least three characters (or any number), no stopwords, each once.
pub fn significant_terms(summary: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    summary
        .split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|word| {
            word.chars().count() >= 3
                || (!word.is_empty() && word.chars().all(|c| c.is_ascii_digit()))
        })
        .filter(|word| !STOPWORDS.contains(&word.as_str()))
        .filter(|word| seen.insert(word.clone()))
        .take(24)
        .collect()
}

/// Open escalations (escalated and not closed) of `customer` whose summary
/// is similar to `summary`, most similar first. `exclude` is the ticket asking.
pub fn similar_open_escalations(
    conn: &Connection,
    customer: &str,
    summary: &str,
    exclude: Option<TicketId>,
) -> Result<Vec<SimilarEscalation>> {
    let terms = significant_terms(summary);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let customer = normalize_customer(customer);
    let exclude = exclude.map(|id| id.to_string()).unwrap_or_default();
    let mut per_term = conn.prepare_cached(
        "SELECT t.number FROM ticket_search s JOIN tickets t ON t.number = s.rowid
         WHERE ticket_search MATCH ?1 AND t.customer_norm = ?2 AND t.status NOT IN ('open', 'closed') AND t.id <> ?3",
    )?;
    let mut shared: HashMap<i64, usize> = HashMap::new();
    for term in &terms {
        let numbers = per_term
            .query_map(params![format!("\"{term}\""), customer, exclude], |row| {
                row.get(0)
            })?;
        for number in numbers {
            *shared.entry(number?).or_default() += 1;
        }
    }
    let mut similar = Vec::new();
    let mut candidate = conn.prepare_cached(
        "SELECT id, key, customer, summary, status FROM tickets WHERE number = ?1",
    )?;
    for (number, common) in shared {
        let (id, key, customer, summary, status): (String, String, String, String, String) =
            candidate.query_row([number], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            })?;
        let their_terms = significant_terms(&summary).len().max(common);
        let similarity = 2.0 * common as f64 / (terms.len() + their_terms) as f64;
        if similarity >= SIMILARITY_THRESHOLD {
            similar.push(SimilarEscalation {
                id: id
                    .parse()
                    .map_err(|_| crate::Error::Internal(format!("bad ticket id {id}")))?,
                key,
                customer,
                summary,
                status: status
                    .parse::<Status>()
                    .map_err(|e| crate::Error::Internal(e.to_string()))?,
                similarity,
            });
        }
    }
    similar.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then_with(|| a.key.cmp(&b.key))
    });
    Ok(similar)
}
