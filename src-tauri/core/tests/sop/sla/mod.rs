//! SLA business time: the engine against a brute-force oracle, the cases
//! other helpdesks got wrong, iCalendar import and the config file.

mod config;
mod examples;
mod ics;
mod oracle;
mod properties;
mod warnings;
