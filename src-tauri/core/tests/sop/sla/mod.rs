//! SLA business time: the engine against a brute-force oracle, the cases
//! other helpdesks got wrong, iCalendar import and the config file; then a
//! ticket's clocks, the sweep that records warnings, and the scheduler.

mod config;
mod examples;
mod ics;
mod oracle;
mod properties;
mod scheduler;
mod settings;
mod tickets;
mod warnings;
