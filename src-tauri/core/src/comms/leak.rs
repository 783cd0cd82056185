//! The SOP §7 leak check: before a message goes to a customer, find the
//! internal details in it.
//!
//! SOP §7 asks for updates that "avoid internal team details". Nobody leaks on
//! purpose: an engineer's name, an L2 hand-off, a host name or a pasted log
//! line slips into a reply written under time pressure. So every message,
//! templated or typed, is checked here, and each [`Finding`] carries the
//! character range the UI highlights and a message that says what to do
//! instead. Sending stays blocked until the text is edited or an override
//! reason is recorded; that decision belongs to the caller, not to this module.
//!
//! The check has to be trusted, or people learn to override it. So it flags
//! clear cases only and leans towards silence where ordinary customer text
//! looks similar:
//! - A name is flagged when written in full ("Sam Ito", "Software team",
//!   `s.ito`). A name that is one plain word ("Sam", or the handle `sam`) is
//!   indistinguishable from a customer's first name, so it is flagged only as
//!   an `@sam` mention. Names the customer owns ([`LeakRules::allowed_names`])
//!   and "your … team" are never flagged.
//! - `L1`/`L2`/`L3` are flagged, but not in "L2 cache" or "L3 switch";
//!   "level 2" and "tier 3" only when they name support ("tier 2 support",
//!   "escalated to level 3"), since "tier 1 pricing" is not a leak.
//! - Ticket keys are uppercase `KEY-123`, minus an allow-list of public
//!   prefixes (`ISO-9001`, `CVE-2024-1234`, `SHA-256`, `UTC-5`, …). The desk's
//!   own `ESC-n` keys are internal: the customer has their own case reference.
//! - Host names are flagged when they sit in an internal domain or carry a
//!   port; IP addresses only when private, since a public address (a DNS
//!   resolver, the customer's own gateway) is fine to discuss.
//!
//! Findings never overlap: where two overlap (a private IP inside a log line,
//! a key inside an internal URL), they become one finding over both, named
//! after the larger, since that is the text the user has to rewrite.
//!
//! Compiling the rules ([`LeakRules::compile`]) is where configuration errors
//! surface; checking ([`LeakCheck::check`]) cannot fail and is linear in the
//! text, so the UI can check again as the user edits.

use crate::domain::{Team, User};
use crate::error::{Error, Result};
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;
use ts_rs::TS;

/// How many consecutive words a message must share with an internal note to
/// count as copied from it. Shorter runs are ordinary phrases ("please let us
/// know if you"), longer ones are a pasted sentence.
pub const NOTE_RUN_WORDS: usize = 8;

/// What the check looks for. Everything here is data, so a desk can adjust it
/// in its settings; [`LeakRules::standard`] is the starting point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct LeakRules {
    /// Internal people and teams: users' display names and handles, and the
    /// L2 team names. Matched as whole words, case-insensitively; a name that
    /// is one plain word is matched only as an `@mention`.
    pub names: Vec<String>,
    /// Names that belong to the customer (their contact, their company). A
    /// name finding inside one of them is dropped.
    pub allowed_names: Vec<String>,
    /// The ticket's internal notes; a run of [`NOTE_RUN_WORDS`] words shared
    /// with one of them is flagged.
    pub internal_notes: Vec<String>,
    /// Regular expressions for internal ticket keys.
    pub key_patterns: Vec<String>,
    /// Public look-alikes of ticket keys: an entry `ISO` allows `ISO-9001`
    /// (and `ISO-8859-1`); an entry with a dash (`SHA-256`) allows exactly
    /// that text. Case-insensitive.
    pub key_allow: Vec<String>,
    /// Internal DNS domains. A one-label entry (`corp`) marks any host with
    /// that label after its first (`db.corp`, `build01.corp.example.com`); an
    /// entry with dots (`corp.example.com`) marks the hosts under it.
    pub internal_domains: Vec<String>,
    /// Words and phrases never sent to a customer, such as project code
    /// names. Whole words, case-insensitive.
    pub deny_list: Vec<String>,
}

impl Default for LeakRules {
    fn default() -> Self {
        Self::standard()
    }
}

impl LeakRules {
    /// The rules every desk starts with: the L2 team names, `KEY-123` ticket
    /// keys with the public prefixes allowed, the reserved private DNS names,
    /// and a few phrases that only ever appear in internal text. People, the
    /// customer's names and the ticket's notes are added per message.
    pub fn standard() -> Self {
        let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect();
        LeakRules {
            names: Team::ALL
                .iter()
                .map(|team| format!("{} team", team.label()))
                .collect(),
            allowed_names: Vec::new(),
            internal_notes: Vec::new(),
            key_patterns: strings(&[r"\b[A-Z][A-Z0-9]{1,9}-[0-9]+\b"]),
            key_allow: [
                // Standards and advisories.
                "ISO IEC IEEE EN DIN ANSI ASTM RFC CVE CWE",
                // Encodings, algorithms, protocols and hardware.
                "UTF UCS SHA AES RSA TLS HTTP WPA USB DDR CAT PCIE",
                // Time zones, quarters, halves and fiscal years; COVID-19.
                "UTC GMT Q1 Q2 Q3 Q4 H1 H2 FY COVID",
                // References the customer holds: returns and purchase orders.
                "RMA PO",
            ]
            .iter()
            .flat_map(|group| group.split_whitespace().map(str::to_owned))
            .collect(),
            internal_domains: strings(&[
                "internal",
                "corp",
                "local",
                "localdomain",
                "lan",
                "intranet",
                "home.arpa",
            ]),
            deny_list: strings(&[
                "internal only",
                "internal use only",
                "internal note",
                "not for the customer",
                "do not tell the customer",
                "don't tell the customer",
                "wontfix",
            ]),
        }
    }

    /// Adds every user's display name and handle to [`LeakRules::names`],
    /// deactivated users included: a former engineer's name is still internal.
    pub fn with_users<'a>(mut self, users: impl IntoIterator<Item = &'a User>) -> Self {
        for user in users.into_iter().filter(|user| !user.is_system()) {
            self.names.push(user.display_name.clone());
            self.names.push(user.handle.clone());
        }
        self
    }

    /// Prepares the rules for checking.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the entry at fault, e.g.
    /// `leak.key_patterns[0]` for a pattern that is not a valid regular
    /// expression or that matches empty text, or `leak.internal_domains[2]`
    /// for an entry that is not a domain name.
    pub fn compile(&self) -> Result<LeakCheck> {
        let allowed: Vec<String> = self
            .allowed_names
            .iter()
            .map(|name| name.trim().to_lowercase())
            .filter(|name| !name.is_empty())
            .collect();
        let names = phrase_regex(
            self.names
                .iter()
                .filter(|name| !allowed.contains(&name.trim().to_lowercase()))
                .filter_map(|name| name_phrase(name)),
            "leak.names",
        )?;
        let allowed = phrase_regex(self.allowed_names.iter().cloned(), "leak.allowed_names")?;
        let deny = phrase_regex(self.deny_list.iter().cloned(), "leak.deny_list")?;

        let mut keys = Vec::new();
        for (i, pattern) in self.key_patterns.iter().enumerate() {
            let field = format!("leak.key_patterns[{i}]");
            let regex = Regex::new(pattern).map_err(|error| {
                Error::invalid(&field, format!("not a valid regular expression: {error}"))
            })?;
            if regex.is_match("") {
                return Err(Error::invalid(
                    field,
                    "matches empty text, so it cannot name a ticket key",
                ));
            }
            keys.push(regex);
        }
        let key_allow = self
            .key_allow
            .iter()
            .map(|entry| entry.trim().to_uppercase())
            .filter(|entry| !entry.is_empty())
            .collect();

        let mut domains = InternalDomains::default();
        for (i, entry) in self.internal_domains.iter().enumerate() {
            let domain = entry.trim().trim_matches('.').to_lowercase();
            let valid = !domain.is_empty()
                && domain.split('.').all(|label| {
                    !label.is_empty()
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if !valid {
                return Err(Error::invalid(
                    format!("leak.internal_domains[{i}]"),
                    format!(
                        "{entry:?} is not a domain name such as \"corp\" or \"corp.example.com\""
                    ),
                ));
            }
            if domain.contains('.') {
                domains.suffixes.push(format!(".{domain}"));
            } else {
                domains.labels.push(domain);
            }
        }

        let mut note_runs = HashSet::new();
        for note in &self.internal_notes {
            let words = words(note);
            for window in words.windows(NOTE_RUN_WORDS) {
                note_runs.insert(window_key(window));
            }
        }

        Ok(LeakCheck {
            names,
            allowed,
            deny,
            keys,
            key_allow,
            domains,
            note_runs,
        })
    }
}

/// What kind of internal detail a finding is. The UI shows the kind next to
/// the highlight; override reasons are recorded per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LeakKind {
    InternalName,
    SupportLevel,
    InternalNote,
    TicketKey,
    Hostname,
    InternalUrl,
    PrivateIp,
    StackTrace,
    LogLine,
    DenyListed,
}

impl LeakKind {
    pub const ALL: &'static [LeakKind] = &[
        LeakKind::InternalName,
        LeakKind::SupportLevel,
        LeakKind::InternalNote,
        LeakKind::TicketKey,
        LeakKind::Hostname,
        LeakKind::InternalUrl,
        LeakKind::PrivateIp,
        LeakKind::StackTrace,
        LeakKind::LogLine,
        LeakKind::DenyListed,
    ];

    /// The stable code, as serialised: "hostname".
    pub fn code(self) -> &'static str {
        match self {
            LeakKind::InternalName => "internal_name",
            LeakKind::SupportLevel => "support_level",
            LeakKind::InternalNote => "internal_note",
            LeakKind::TicketKey => "ticket_key",
            LeakKind::Hostname => "hostname",
            LeakKind::InternalUrl => "internal_url",
            LeakKind::PrivateIp => "private_ip",
            LeakKind::StackTrace => "stack_trace",
            LeakKind::LogLine => "log_line",
            LeakKind::DenyListed => "deny_listed",
        }
    }

    /// What is wrong and what to write instead, as shown next to the highlight.
    pub fn message(self) -> &'static str {
        match self {
            LeakKind::InternalName => {
                "An internal engineer or team name: say \"our engineering team\" instead (SOP §7)"
            }
            LeakKind::SupportLevel => {
                "Internal support levels mean nothing to the customer: say \"our engineering team\" instead (SOP §7)"
            }
            LeakKind::InternalNote => {
                "Copied from an internal note: write the update for the customer in your own words (SOP §7)"
            }
            LeakKind::TicketKey => {
                "An internal ticket key: the customer cannot open our tracker; use their own case reference (SOP §7)"
            }
            LeakKind::Hostname => {
                "An internal hostname: customers cannot reach it and should not see it (SOP §7)"
            }
            LeakKind::InternalUrl => {
                "A link to an internal system: the customer cannot open it and should not see it (SOP §7)"
            }
            LeakKind::PrivateIp => {
                "A private IP address from an internal network (SOP §7)"
            }
            LeakKind::StackTrace => {
                "A stack trace: describe what failed in plain words instead of pasting it (SOP §7)"
            }
            LeakKind::LogLine => {
                "A log line: describe what it shows in plain words instead of pasting it (SOP §7)"
            }
            LeakKind::DenyListed => {
                "A term on the desk's internal deny-list, such as a project code name (SOP §7)"
            }
        }
    }

    /// Which finding names a merged range when two have the same length: the
    /// narrower, more telling kind first.
    fn rank(self) -> u8 {
        match self {
            LeakKind::InternalUrl => 0,
            LeakKind::PrivateIp => 1,
            LeakKind::Hostname => 2,
            LeakKind::TicketKey => 3,
            LeakKind::InternalName => 4,
            LeakKind::SupportLevel => 5,
            LeakKind::DenyListed => 6,
            LeakKind::StackTrace => 7,
            LeakKind::LogLine => 8,
            LeakKind::InternalNote => 9,
        }
    }
}

/// One internal detail in a message.
///
/// `start..end` is a half-open range of **character** (Unicode scalar value)
/// offsets into the checked text, not bytes: "Grüße, ESC-1" flags `ESC-1` at
/// 7..12. JavaScript strings count UTF-16 units, so the UI converts (e.g.
/// `Array.from(text)`) before slicing; the two agree on text without emoji.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Finding {
    pub kind: LeakKind,
    pub start: usize,
    pub end: usize,
    /// The flagged text, exactly as it appears in the message.
    pub text: String,
    pub message: String,
}

/// Compiles `rules` and checks `text` with them. To check many messages with
/// the same rules, compile once with [`LeakRules::compile`].
///
/// # Errors
/// As [`LeakRules::compile`]: only a mistake in the rules, never the text.
pub fn check(text: &str, rules: &LeakRules) -> Result<Vec<Finding>> {
    Ok(rules.compile()?.check(text))
}

/// [`LeakRules`] ready to check messages.
#[derive(Debug, Clone)]
pub struct LeakCheck {
    names: Option<Regex>,
    allowed: Option<Regex>,
    deny: Option<Regex>,
    keys: Vec<Regex>,
    key_allow: Vec<String>,
    domains: InternalDomains,
    note_runs: HashSet<String>,
}

/// A finding before overlaps are merged and offsets become characters.
#[derive(Debug, Clone, Copy)]
struct Span {
    kind: LeakKind,
    start: usize,
    end: usize,
    /// The length of the finding that names a merged span.
    own_len: usize,
}

impl LeakCheck {
    /// Every internal detail in `text`, sorted by `start`, none overlapping.
    /// Never fails and never panics, whatever the text.
    pub fn check(&self, text: &str) -> Vec<Finding> {
        let mut found = Vec::new();
        let mut push = |kind: LeakKind, start: usize, end: usize| {
            if start < end {
                found.push(Span {
                    kind,
                    start,
                    end,
                    own_len: end - start,
                });
            }
        };
        self.names(text, &mut push);
        support_levels(text, &mut push);
        self.copied_notes(text, &mut push);
        self.ticket_keys(text, &mut push);
        self.hosts(text, &mut push);
        self.urls(text, &mut push);
        private_ips(text, &mut push);
        traces_and_logs(text, &mut push);
        if let Some(deny) = &self.deny {
            for hit in deny.find_iter(text) {
                if stands_alone(text, hit.start(), hit.end()) {
                    push(LeakKind::DenyListed, hit.start(), hit.end());
                }
            }
        }
        findings(text, merge(found))
    }

    fn names(&self, text: &str, push: &mut impl FnMut(LeakKind, usize, usize)) {
        let Some(names) = &self.names else { return };
        let allowed: Vec<(usize, usize)> = self
            .allowed
            .as_ref()
            .map(|allowed| {
                allowed
                    .find_iter(text)
                    .map(|hit| (hit.start(), hit.end()))
                    .collect()
            })
            .unwrap_or_default();
        for hit in names.find_iter(text) {
            let (start, end) = (hit.start(), hit.end());
            let customers = allowed.iter().any(|&(s, e)| s <= start && end <= e);
            // "your Software team", "their …", "Acme's …" belong to someone else.
            let theirs = ["your", "their", "s"]
                .iter()
                .any(|word| previous_word(text, start).eq_ignore_ascii_case(word));
            // "@lee" in "support@lee-industries.com" is part of an address.
            if !customers && !theirs && stands_alone(text, start, end) {
                push(LeakKind::InternalName, start, end);
            }
        }
    }

    fn copied_notes(&self, text: &str, push: &mut impl FnMut(LeakKind, usize, usize)) {
        if self.note_runs.is_empty() {
            return;
        }
        let words = words(text);
        // Windows shared with a note; consecutive or overlapping ones make one run.
        let mut run: Option<(usize, usize)> = None;
        for (i, window) in words.windows(NOTE_RUN_WORDS).enumerate() {
            if !self.note_runs.contains(&window_key(window)) {
                continue;
            }
            let last = i + NOTE_RUN_WORDS - 1;
            run = match run {
                Some((first, end)) if i <= end + 1 => Some((first, last)),
                Some((first, end)) => {
                    push(LeakKind::InternalNote, words[first].start, words[end].end);
                    Some((i, last))
                }
                None => Some((i, last)),
            };
        }
        if let Some((first, end)) = run {
            push(LeakKind::InternalNote, words[first].start, words[end].end);
        }
    }

    fn ticket_keys(&self, text: &str, push: &mut impl FnMut(LeakKind, usize, usize)) {
        for pattern in &self.keys {
            for hit in pattern.find_iter(text) {
                let key = hit.as_str().to_uppercase();
                let public = self.key_allow.iter().any(|allow| {
                    key == *allow
                        || key
                            .strip_prefix(allow.as_str())
                            .is_some_and(|rest| rest.starts_with('-'))
                });
                if !public {
                    push(LeakKind::TicketKey, hit.start(), hit.end());
                }
            }
        }
    }

    fn hosts(&self, text: &str, push: &mut impl FnMut(LeakKind, usize, usize)) {
        static DOTTED: LazyLock<Regex> = LazyLock::new(|| {
            regex(
                r"(?i)\b[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)+(?::[0-9]{1,5})?",
            )
        });
        static WITH_PORT: LazyLock<Regex> =
            LazyLock::new(|| regex(r"(?i)\b[a-z][a-z0-9-]*[0-9-][a-z0-9-]*:[0-9]{2,5}\b"));
        for hit in DOTTED.find_iter(text) {
            if !stands_alone(text, hit.start(), hit.end()) {
                continue;
            }
            let host = hit.as_str().split(':').next().unwrap_or_default();
            if self.domains.contains(host) {
                push(LeakKind::Hostname, hit.start(), hit.end());
            }
        }
        for hit in WITH_PORT.find_iter(text) {
            let (name, port) = hit.as_str().split_once(':').unwrap_or_default();
            let before = text[..hit.start()].chars().next_back();
            let after = &text[hit.end()..];
            let looks_like_host = name.len() >= 3
                // "ISO-8601:2004" and "Q3:2024" are not hosts; host names are lowercase.
                && name.chars().any(|c| c.is_ascii_lowercase())
                && name.ends_with(|c: char| c.is_ascii_alphanumeric())
                && port.parse::<u16>().is_ok()
                && !matches!(before, Some('.' | '-' | '_' | '/' | '@'))
                // "10:22:01" style times continue with another colon.
                && !after.starts_with(':');
            if looks_like_host {
                push(LeakKind::Hostname, hit.start(), hit.end());
            }
        }
    }

    fn urls(&self, text: &str, push: &mut impl FnMut(LeakKind, usize, usize)) {
        static URL: LazyLock<Regex> = LazyLock::new(|| regex(r#"(?i)\bhttps?://[^\s<>"'`]+"#));
        for hit in URL.find_iter(text) {
            let url = trim_url(hit.as_str());
            let host = url_host(url);
            // A single label ("http://jira/browse/…", "localhost", an IPv6
            // literal) only resolves inside a network.
            let internal = !host.is_empty()
                && (!host.contains('.')
                    || host.parse::<IpAddr>().is_ok()
                    || host.to_ascii_lowercase().ends_with(".localhost")
                    || self.domains.contains(host));
            if internal {
                push(LeakKind::InternalUrl, hit.start(), hit.start() + url.len());
            }
        }
    }
}

/// The internal DNS domains of [`LeakRules::internal_domains`], lowercase.
#[derive(Debug, Clone, Default)]
struct InternalDomains {
    /// One-label entries, matched as any label but the first.
    labels: Vec<String>,
    /// Dotted entries with a leading dot, matched as suffixes.
    suffixes: Vec<String>,
}

impl InternalDomains {
    fn contains(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let inner_label = host
            .split('.')
            .skip(1)
            .any(|label| self.labels.iter().any(|internal| internal == label));
        inner_label || self.suffixes.iter().any(|suffix| host.ends_with(suffix))
    }
}

/// A regular expression written in this file; a test compiles every one.
fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the leak check's own patterns are valid")
}

/// The one-alternation regex matching any of `phrases` as whole words,
/// case-insensitively, or `None` when there are no phrases.
fn phrase_regex(phrases: impl Iterator<Item = String>, field: &str) -> Result<Option<Regex>> {
    let mut phrases: Vec<String> = phrases
        .map(|phrase| phrase.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|phrase| !phrase.is_empty())
        .collect();
    if phrases.is_empty() {
        return Ok(None);
    }
    // Longest first: the regex takes the first alternative that matches, and
    // "Sam Ito-Berg" must win over "Sam Ito".
    phrases.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    phrases.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    let alternatives: Vec<String> = phrases
        .iter()
        .map(|phrase| phrase_pattern(phrase))
        .collect();
    RegexBuilder::new(&format!("(?i)(?:{})", alternatives.join("|")))
        .size_limit(64 << 20)
        .build()
        .map(Some)
        .map_err(|error| Error::invalid(field, format!("too many or too long entries: {error}")))
}

/// A phrase as a regex: words separated by any whitespace, either apostrophe,
/// and word boundaries at the ends that are word characters.
fn phrase_pattern(phrase: &str) -> String {
    let body = phrase
        .split_whitespace()
        .map(|word| regex::escape(word).replace(['\'', '’'], "['’]"))
        .collect::<Vec<_>>()
        .join(r"\s+");
    let edge = |c: Option<char>| {
        if c.is_some_and(is_word_char) {
            r"\b"
        } else {
            ""
        }
    };
    format!(
        "{}{body}{}",
        edge(phrase.chars().next()),
        edge(phrase.chars().next_back())
    )
}

/// How a configured name is looked for: in full, or as an `@mention` when it
/// is one plain word that could as well be a customer's first name.
fn name_phrase(name: &str) -> Option<String> {
    let name = name.trim();
    let bare = name.strip_prefix('@').unwrap_or(name).trim();
    if bare.is_empty() {
        None
    } else if bare.chars().all(char::is_alphabetic) {
        Some(format!("@{bare}"))
    } else {
        Some(bare.to_owned())
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The word just before `at` (letters and digits), skipping spaces and
/// punctuation; empty at the start of the text.
fn previous_word(text: &str, at: usize) -> &str {
    let before = text[..at].trim_end_matches(|c: char| !c.is_alphanumeric());
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map_or(before.len(), |(i, _)| i);
    &before[start..]
}

/// The word just after `at`, skipping spaces and punctuation.
fn next_word(text: &str, at: usize) -> &str {
    let after = text[at..].trim_start_matches(|c: char| !c.is_alphanumeric());
    let end = after
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(after.len(), |(i, _)| i);
    &after[..end]
}

/// Whether `start..end` is a whole token, not a piece of a longer name,
/// number or path.
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let mut after = text[end..].chars();
    let next = after.next();
    let continues = match next {
        Some(c) if is_word_char(c) => true,
        Some('.' | '-') => after.next().is_some_and(|c| c.is_alphanumeric()),
        _ => false,
    };
    !continues && !matches!(before, Some(c) if is_word_char(c) || c == '.' || c == '-')
}

/// One word of a message for the note comparison: lowercase letters and
/// digits only, with the byte range of its letters in the text.
#[derive(Debug)]
struct Word {
    start: usize,
    end: usize,
    norm: String,
}

fn words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current: Option<Word> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            words.extend(current.take());
        } else if c.is_alphanumeric() {
            let word = current.get_or_insert_with(|| Word {
                start: i,
                end: i,
                norm: String::new(),
            });
            word.end = i + c.len_utf8();
            word.norm.extend(c.to_lowercase());
        }
        // Punctuation is dropped: "don't" and "dont" are the same word.
    }
    words.extend(current);
    words
}

fn window_key(window: &[Word]) -> String {
    window
        .iter()
        .map(|word| word.norm.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words after which `L2` is networking or hardware, not a support level.
const TECHNICAL_NOUNS: &str = "cache caches switch switches switching switched router routers \
    routing network networks vpn vpns protocol protocols header headers frame frames domain link \
    links adapter interface interfaces forwarding multicast tunnel tunnels address addresses \
    segment miss misses hit hits norm loss regularization";

fn support_levels(text: &str, push: &mut impl FnMut(LeakKind, usize, usize)) {
    static LEVEL: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\bL[1-3](?:\s*/\s*L[1-3])*\b"));
    static PHRASE: LazyLock<Regex> = LazyLock::new(|| {
        let tier = r"(?:level|tier)[\s-]?[1-3]";
        let staff = r"(?:support|teams?|engineers?|engineering|escalations?|agents?|analysts?|technicians?|queue)";
        regex(&format!(
            r"(?i)\b{tier}[\s-]+{staff}\b|\b(?:support|escalation)[\s-]+{tier}\b|\bescalat(?:e|es|ed|ing)\s+(?:[\w'’]+\s+){{0,3}}?to\s+(?P<hit>{tier})\b|\b(?:first|second|third|1st|2nd|3rd)[\s-]+(?:line|level|tier)[\s-]+{staff}\b|\bon[\s-]?call[\s-]+(?:engineers?|teams?|rotation|developers?|lead|manager|person)\b"
        ))
    });
    for hit in LEVEL.find_iter(text) {
        let next = next_word(text, hit.end());
        let technical = TECHNICAL_NOUNS
            .split_whitespace()
            .any(|noun| next.eq_ignore_ascii_case(noun))
            || previous_word(text, hit.start()).eq_ignore_ascii_case("layer");
        if !technical {
            push(LeakKind::SupportLevel, hit.start(), hit.end());
        }
    }
    for caps in PHRASE.captures_iter(text) {
        if let Some(hit) = caps.name("hit").or_else(|| caps.get(0)) {
            push(LeakKind::SupportLevel, hit.start(), hit.end());
        }
    }
}

fn private_ips(text: &str, push: &mut impl FnMut(LeakKind, usize, usize)) {
    static V4: LazyLock<Regex> = LazyLock::new(|| {
        regex(r"\b[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b(?::[0-9]{1,5}\b|/[0-9]{1,2}\b)?")
    });
    static V6: LazyLock<Regex> =
        LazyLock::new(|| regex(r"(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}"));
    const VERSION_WORDS: &[&str] = &["version", "ver", "v", "firmware", "build", "release"];
    for hit in V4.find_iter(text) {
        let address = hit.as_str().split([':', '/']).next().unwrap_or_default();
        let private = address
            .parse::<Ipv4Addr>()
            .is_ok_and(|ip| ip.is_private() || ip.is_loopback() || ip.is_link_local());
        let version = VERSION_WORDS
            .iter()
            .any(|word| previous_word(text, hit.start()).eq_ignore_ascii_case(word));
        if private && !version && stands_alone(text, hit.start(), hit.end()) {
            push(LeakKind::PrivateIp, hit.start(), hit.end());
        }
    }
    for hit in V6.find_iter(text) {
        let mut candidate = hit.as_str();
        let mut parsed = candidate.parse::<Ipv6Addr>();
        if parsed.is_err() && candidate.ends_with(':') && !candidate.ends_with("::") {
            candidate = &candidate[..candidate.len() - 1];
            parsed = candidate.parse::<Ipv6Addr>();
        }
        let Ok(ip) = parsed else { continue };
        let first = ip.segments()[0];
        let private = ip.is_loopback() || first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80;
        let end = hit.start() + candidate.len();
        let before = text[..hit.start()].chars().next_back();
        let alone = !before.is_some_and(|c| is_word_char(c) || c == ':' || c == '.')
            && !text[end..].starts_with(':')
            && stands_alone(text, hit.start(), end);
        if private && alone {
            push(LeakKind::PrivateIp, hit.start(), end);
        }
    }
}

/// The URL without trailing sentence punctuation or an unmatched bracket.
fn trim_url(url: &str) -> &str {
    let mut url = url;
    loop {
        let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '*']);
        let trimmed = match trimmed.chars().next_back() {
            Some(')') if trimmed.matches('(').count() < trimmed.matches(')').count() => {
                &trimmed[..trimmed.len() - 1]
            }
            Some(']') if trimmed.matches('[').count() < trimmed.matches(']').count() => {
                &trimmed[..trimmed.len() - 1]
            }
            _ => trimmed,
        };
        if trimmed.len() == url.len() {
            return url;
        }
        url = trimmed;
    }
}

/// The host of an `http(s)://` URL, without user, port or brackets.
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    match host_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => host_port.split(':').next().unwrap_or_default(),
    }
}

/// Line patterns. A stack trace is a block: it starts at a line that can only
/// be a trace and runs over the frames, indented lines and final exception
/// line that follow, up to a blank line. A log line is one line.
fn traces_and_logs(text: &str, push: &mut impl FnMut(LeakKind, usize, usize)) {
    static TRACE: LazyLock<Regex> = LazyLock::new(|| {
        regex(concat!(
            r#"\bTraceback \(most recent call last\)"#,
            r#"|^\s*File "[^"]+", line [0-9]+"#,
            r#"|\bthread '[^']*' panicked\b"#,
            r#"|\bpanicked at (?:'|"|\S+\.rs:[0-9]+)"#,
            r#"|^\s*Exception in thread ""#,
            r#"|^\s*(?:Caused by:\s*)?(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)\b"#,
            r#"|^\s*at\s+(?:new\s+|async\s+)?[\w$<>\[\]./`-]*\.[\w$<>\[\]`-]+\s*\((?:[^()]*\.\w+:[0-9]+(?::[0-9]+)?|Native Method|Unknown Source|)\)\s*$"#,
            r#"|^\s*at\s+[\w$<>\[\]./`-]*\.[\w$<>\[\]`-]+\s*\([^()]*\)\s+in\s+\S.*:line\s+[0-9]+\s*$"#,
            r#"|^\s*at\s+(?:async\s+)?\S*\.\w+:[0-9]+:[0-9]+\)?\s*$"#,
            r#"|^\s*stack backtrace:\s*$"#,
            r#"|^\s*[0-9]+:\s+(?:0x[0-9a-f]+ - )?[\w<>$.]+(?:::[\w<>${}.]+)+"#,
            r#"|^\s*\.\.\. [0-9]+ more\s*$"#,
            r#"|^goroutine [0-9]+ \[[^\]]+\]:\s*$"#,
            r#"|^panic: \S"#,
        ))
    });
    static FINAL: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"^\s*(?:Caused by:\s*)?[A-Za-z_][\w.$]*(?:Error|Exception|Exit|Interrupt)\b(?::|\s*$)",
        )
    });
    static LOG: LazyLock<Regex> = LazyLock::new(|| {
        // Upper or lower case as loggers write them; "Alert" or "Info" is prose.
        let level = "(?:TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT|SEVERE\
                     |trace|debug|info|notice|warn|warning|error|err|fatal|critical|crit|severe)";
        let timestamp = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:[.,][0-9]{1,9})?(?:Z|[+-][0-9]{2}:?[0-9]{2}| ?UTC)?";
        regex(
            &[
                // 2026-11-27 10:22:01 ERROR …, [2026-…] [worker-3] WARN …
                format!(r"^\s*\[?{timestamp}\]?\s+(?:\[[^\]]{{1,40}}\]\s+)?\[?{level}\b"),
                // Syslog: Nov 27 10:22:01 web-01 nginx[2231]: …
                r"^\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} \S+ [\w./-]+(?:\[[0-9]+\])?: ".into(),
                r"\[(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL|SEVERE)\]".into(),
                // A bare level needs a log's shape after it: "ERROR: …",
                // "WARN [main] …", "DEBUG cart=5521"; "ERROR codes are …" is prose.
                r"^\s*(?:TRACE|DEBUG|WARN|ERROR|FATAL)(?::\s*\S|\s+\[|\s.*\b\w+=\S)".into(),
                // Structured logs: level=error, "level": "error".
                format!(r"\blevel={level}\b"),
                format!(r#""(?:level|severity)"\s*:\s*"{level}""#),
            ]
            .join("|"),
        )
    });

    let mut block: Option<(usize, usize)> = None;
    let mut offset = 0;
    for raw in text.split('\n') {
        let start = offset;
        offset += raw.len() + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let content = line.trim();
        if content.is_empty() {
            if let Some((s, e)) = block.take() {
                push(LeakKind::StackTrace, s, e);
            }
            continue;
        }
        let content_start = start + (line.len() - line.trim_start().len());
        let content_end = content_start + content.len();
        let trace = TRACE.is_match(line);
        let continues = block.is_some()
            && (trace || line.starts_with(char::is_whitespace) || FINAL.is_match(line));
        if continues {
            if let Some((_, end)) = &mut block {
                *end = content_end;
            }
        } else {
            if let Some((s, e)) = block.take() {
                push(LeakKind::StackTrace, s, e);
            }
            if trace {
                block = Some((content_start, content_end));
            }
        }
        if LOG.is_match(line) {
            push(LeakKind::LogLine, content_start, content_end);
        }
    }
    if let Some((s, e)) = block {
        push(LeakKind::StackTrace, s, e);
    }
}

/// Sorted, non-overlapping spans: overlapping ones become one span over both,
/// of the kind of the longer (or, at equal length, the narrower kind).
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end), span.kind.rank()));
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start < last.end => {
                let wins = span.own_len > last.own_len
                    || span.own_len == last.own_len && span.kind.rank() < last.kind.rank();
                if wins {
                    last.kind = span.kind;
                    last.own_len = span.own_len;
                }
                last.end = last.end.max(span.end);
            }
            _ => merged.push(span),
        }
    }
    merged
}

/// The findings, with byte ranges turned into character offsets in one pass.
fn findings(text: &str, spans: Vec<Span>) -> Vec<Finding> {
    let mut bytes: Vec<usize> = spans.iter().flat_map(|s| [s.start, s.end]).collect();
    bytes.sort_unstable();
    bytes.dedup();
    let mut chars = Vec::with_capacity(bytes.len());
    let mut indices = text.char_indices().map(|(i, _)| i).peekable();
    let mut count = 0;
    for &byte in &bytes {
        while indices.next_if(|&i| i < byte).is_some() {
            count += 1;
        }
        chars.push(count);
    }
    let char_at = |byte: usize| {
        bytes
            .binary_search(&byte)
            .map_or(0, |i| chars.get(i).copied().unwrap_or(0))
    };
    spans
        .into_iter()
        .map(|span| Finding {
            kind: span.kind,
            start: char_at(span.start),
            end: char_at(span.end),
            text: text
                .get(span.start..span.end)
                .unwrap_or_default()
                .to_owned(),
            message: span.kind.message().to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pattern of the check compiles (the `LazyLock`s would otherwise
    /// panic on first use).
    #[test]
    fn own_patterns_compile_and_run() {
        let text = "L2 tier 2 support db.corp:5432 http://jira/x 10.0.0.1 fe80::1\n\
                    Traceback (most recent call last):\n2026-01-01 10:00:00 ERROR x";
        let found = LeakRules::standard().compile().unwrap().check(text);
        assert!(found.len() >= 7, "{found:#?}");
    }

    #[test]
    fn words_drop_punctuation_and_keep_byte_ranges() {
        let words = words("Grüße, don't — Stop!");
        let norms: Vec<&str> = words.iter().map(|w| w.norm.as_str()).collect();
        assert_eq!(norms, ["grüße", "dont", "stop"]);
        assert_eq!(
            &"Grüße, don't — Stop!"[words[2].start..words[2].end],
            "Stop"
        );
    }

    #[test]
    fn previous_and_next_words_skip_punctuation() {
        assert_eq!(previous_word("ask (your) team", 11), "your");
        assert_eq!(previous_word("team", 0), "");
        assert_eq!(next_word("L2 (cache)", 2), "cache");
        assert_eq!(next_word("L2", 2), "");
    }
}
