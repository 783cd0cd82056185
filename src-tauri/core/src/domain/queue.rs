//! The lists a person works from. Each queue is a question about the desk
//! asked from one user's seat: what is mine, what waits on me, what is late.
//! Who counts as "me" depends on the role (SOP §3): the L1 owner, the L2
//! assignee or team, the L3 manager.

vocabulary! {
    /// A named list of tickets, as seen by one user.
    Queue("queue") {
        /// L1: tickets I own; L2: tickets I acknowledged; L3: management escalations I took. Not resolved.
        Mine = "mine" => "My tickets",
        /// Open escalations of my L2 team (L1 and L3: every open escalation).
        Team = "team" => "Escalated to my team",
        /// Tickets whose next step is mine: L1 answers and closure steps, L2 acknowledgements and
        /// investigations, L3 management escalations not yet taken.
        WaitingOnMe = "waiting_on_me" => "Waiting on me",
        /// Tickets whose SLA warning has fired.
        SlaImminent = "sla_imminent" => "SLA imminent",
        /// Tickets past an SLA target.
        Breached = "breached" => "Breached",
        /// SOP §7: tickets whose customer update is due soon or overdue, by
        /// the SLA's update interval.
        UpdateDue = "update_due" => "Customer update due",
        /// Resolved and watched for recurrence (SOP §10 step 4).
        Monitoring = "monitoring" => "Monitoring",
        Closed = "closed" => "Closed",
    }
}

vocabulary! {
    /// How a ticket list is ordered.
    TicketSort("sort") {
        /// Most recently changed first.
        Updated = "updated" => "Last updated",
        /// P1 first, then by last update.
        Priority = "priority" => "Priority",
        /// Newest first.
        Opened = "opened" => "Opened",
        /// By ticket number, newest first.
        Key = "key" => "Key",
    }
}
