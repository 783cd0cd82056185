//! SOP §6 Step 4: delivering the official notifications the desk queued.

use super::Desk;
use crate::domain::{Ticket, User};
use crate::error::{Error, Result};
use crate::events::EventBody;
use crate::official::{self, Delivery, DeliveryReport, OfficialConfig, Sender};
use crate::store;
use chrono::{DateTime, Utc};

impl Desk {
    // ---- official notifications (SOP §6 Step 4) ------------------------------

    pub fn official_config(&self) -> &OfficialConfig {
        &self.official
    }

    /// Sends every official notification due by now and records each attempt
    /// on its ticket: `OfficialNotificationDelivered`, or
    /// `OfficialNotificationFailed` with the error and the next attempt (none
    /// once given up). Only the outbox index is read to find what is due. The
    /// sending happens outside any transaction; a delivery another worker
    /// recorded meanwhile is not recorded twice.
    pub fn deliver_official(&mut self, sender: &dyn Sender) -> Result<DeliveryReport> {
        let now = self.clock.now();
        let due = official::due(self.store.read(), now, official::DELIVERY_BATCH)?;
        let mut report = DeliveryReport::default();
        for delivery in due {
            let events = store::load_stream(self.store.read(), delivery.ticket_id)?;
            let outcome = match official::queued_in(&events, delivery.queued_seq) {
                Some(queued) => official::send(
                    sender,
                    &self.official,
                    delivery.channel,
                    &queued.subject,
                    &queued.text,
                ),
                None => Err(format!(
                    "the queued notification (event {}) is missing",
                    delivery.queued_seq
                )),
            };
            let body = official::attempt_body(&delivery, outcome, now);
            let recorded = self.store.write(|tx| {
                let mut events = store::load_stream(tx, delivery.ticket_id)?;
                let current = official::deliveries(&events).into_iter().find(|found| {
                    found.queued_seq == delivery.queued_seq && found.channel == delivery.channel
                });
                if !matches!(current, Some(found) if found.attempts == delivery.attempts) {
                    return Ok(None);
                }
                let ticket = Ticket::replay(&events).ok_or_else(|| {
                    Error::Internal(format!("stream {} has no opening", delivery.ticket_id))
                })?;
                let head = events.last().map_or(0, |event| event.seq);
                let new = store::append(
                    tx,
                    delivery.ticket_id,
                    &ticket.key,
                    head,
                    User::system_id(),
                    now,
                    vec![body],
                )?;
                events.extend(new.iter().cloned());
                official::project(tx, delivery.ticket_id, &events)?;
                Ok(new.into_iter().next())
            })?;
            let Some(event) = recorded else { continue };
            match &event.body {
                EventBody::OfficialNotificationDelivered(_) => report.delivered += 1,
                EventBody::OfficialNotificationFailed(failed) => {
                    report.failed += 1;
                    if failed.next_attempt_at.is_none() {
                        report.given_up += 1;
                    }
                }
                _ => {}
            }
            report.recorded.push(event);
        }
        report.next_attempt_at = official::next_due(self.store.read())?;
        Ok(report)
    }

    /// When the delivery worker must next run; None when nothing is pending.
    pub fn next_official_attempt(&self) -> Result<Option<DateTime<Utc>>> {
        official::next_due(self.store.read())
    }

    /// Every official notification not delivered, pending or given up,
    /// oldest first: what the desk must show until someone acts.
    pub fn undelivered_official(&self) -> Result<Vec<Delivery>> {
        official::undelivered(self.store.read())
    }

    /// The official notifications of one ticket, delivered or not.
    pub fn official_deliveries(&self, reference: &str) -> Result<Vec<Delivery>> {
        let conn = self.store.read();
        let events = store::load_stream(conn, store::find_ticket_id(conn, reference)?)?;
        Ok(official::deliveries(&events))
    }
}
