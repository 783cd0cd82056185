//! The SOP, tested through the real desk on a real SQLite file.
//!
//! One integration-test binary (modules below) keeps link time down. Every
//! test opens its own database in a temporary directory and drives the clock.

mod catalogue;
mod demo;
mod exceptions;
mod priorities;
mod properties;
mod rules;
mod sla;
mod store;
mod support;
mod workflow;
