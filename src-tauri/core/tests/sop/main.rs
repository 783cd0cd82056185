//! The SOP, tested through the real desk on a real SQLite file.
//!
//! One integration-test binary (modules below) keeps link time down. Every
//! test opens its own database in a temporary directory and drives the clock.

mod catalogue;
mod comms;
mod customer_mail;
mod demo;
mod exceptions;
mod leak;
mod official;
mod priorities;
mod properties;
mod report;
mod review_pack;
mod rules;
mod sla;
mod smtp_sink;
mod store;
mod support;
mod workflow;
