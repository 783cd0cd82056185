//! The SOP's closed vocabularies, each with the clause it comes from.

vocabulary! {
    /// SOP §3: who works a ticket at each stage.
    Level("level") {
        L1 = "l1" => "L1 Technical Support",
        L2 = "l2" => "L2 Software / Hardware team",
        L3 = "l3" => "L3 Engineering Lead / Manager",
    }
}

vocabulary! {
    /// SOP §3: a user's role decides which commands they may run.
    Role("role") {
        L1Engineer = "l1" => "L1 support engineer",
        L2Engineer = "l2" => "L2 engineer",
        L3Lead = "l3" => "L3 lead / manager",
    }
}

impl Role {
    pub fn level(self) -> Level {
        match self {
            Role::L1Engineer => Level::L1,
            Role::L2Engineer => Level::L2,
            Role::L3Lead => Level::L3,
        }
    }
}

vocabulary! {
    /// SOP §3 and §6 Step 3: the L2 teams a ticket can be assigned to.
    Team("team") {
        Software = "software" => "Software",
        Hardware = "hardware" => "Hardware",
        Validation = "validation" => "Validation",
    }
}

vocabulary! {
    /// SOP §6 Step 3: "Update ticket category (Software / Hardware / Validation)".
    Category("category") {
        Software = "software" => "Software",
        Hardware = "hardware" => "Hardware",
        Validation = "validation" => "Validation",
    }
}

impl Category {
    /// SOP §6 Step 3: "Assign ticket to correct L2 team": each category has one team.
    pub fn team(self) -> Team {
        match self {
            Category::Software => Team::Software,
            Category::Hardware => Team::Hardware,
            Category::Validation => Team::Validation,
        }
    }
}

vocabulary! {
    /// SOP §8: priorities and how each escalates.
    Priority("priority") {
        P1 = "P1" => "P1 — Critical",
        P2 = "P2" => "P2 — High",
        P3 = "P3" => "P3 — Medium",
        P4 = "P4" => "P4 — Low",
    }
}

vocabulary! {
    /// SOP §4: the conditions under which a ticket must be escalated.
    Criterion("criterion") {
        BeyondL1Capability = "beyond_l1_capability" => "Issue is beyond L1 troubleshooting capability",
        RootCauseBugOrFailure = "root_cause_bug_or_failure" => "Root cause identified as software bug or hardware failure",
        RepeatedOccurrence = "repeated_occurrence" => "Repeated occurrence of the same issue",
        BusinessCritical = "business_critical" => "Business-critical or production-down issue",
        SecurityOrData = "security_or_data" => "Security or data-impacting issue",
    }
}

vocabulary! {
    /// SOP §5: the three kinds of escalation.
    EscalationType("escalation type") {
        Software = "software" => "Software escalation (§5.1)",
        Hardware = "hardware" => "Hardware escalation (§5.2)",
        Management = "management" => "Management escalation (§5.3)",
    }
}

impl EscalationType {
    pub fn clause(self) -> &'static str {
        match self {
            EscalationType::Software => "§5.1",
            EscalationType::Hardware => "§5.2",
            EscalationType::Management => "§5.3",
        }
    }

    /// The categories a technical escalation of this type may be filed under
    /// (§5 with §6 Step 3). Validation can take either kind of issue.
    pub fn fits_category(self, category: Category) -> bool {
        match self {
            EscalationType::Software => {
                matches!(category, Category::Software | Category::Validation)
            }
            EscalationType::Hardware => {
                matches!(category, Category::Hardware | Category::Validation)
            }
            EscalationType::Management => true,
        }
    }
}

vocabulary! {
    /// SOP §5.1–§5.3: the reasons that justify each escalation type.
    EscalationReason("escalation reason") {
        CrashOrBackendFailure = "crash_or_backend_failure" => "Application crashes or backend failures occur",
        AiModelBehavior = "ai_model_behavior" => "AI model behavior is incorrect or inconsistent",
        ApiOrIntegrationFailure = "api_or_integration_failure" => "API or integration failures exist",
        NoWorkaround = "no_workaround" => "No workaround is available",
        NoPower = "no_power" => "Device is not powering on",
        ComponentFailure = "component_failure" => "Sensor or component failure is confirmed",
        PhysicalDamage = "physical_damage" => "Physical damage is identified",
        DiagnosticsFailed = "diagnostics_failed" => "Hardware diagnostics fail",
        P1P2Issue = "p1_p2_issue" => "P1 / P2 issue",
        SlaBreachImminent = "sla_breach_imminent" => "SLA breach is imminent",
        HighCustomerImpact = "high_customer_impact" => "Customer impact is high",
        CrossTeamDelay = "cross_team_delay" => "Cross-team dependency delays resolution",
    }
}

impl EscalationReason {
    /// The §5 subsection each reason belongs to.
    pub fn escalation_type(self) -> EscalationType {
        use EscalationReason::*;
        match self {
            CrashOrBackendFailure | AiModelBehavior | ApiOrIntegrationFailure | NoWorkaround => {
                EscalationType::Software
            }
            NoPower | ComponentFailure | PhysicalDamage | DiagnosticsFailed => {
                EscalationType::Hardware
            }
            P1P2Issue | SlaBreachImminent | HighCustomerImpact | CrossTeamDelay => {
                EscalationType::Management
            }
        }
    }
}

vocabulary! {
    /// SOP §12: the two ways around the standard procedure.
    ExceptionKind("exception kind") {
        MajorOutage = "major_outage" => "Major outage: escalate at once with available information",
        Emergency = "emergency" => "Emergency: bypass standard timelines with manager approval",
    }
}

vocabulary! {
    /// SOP §6 Step 2: "Logs, screenshots, or diagnostic reports".
    AttachmentKind("attachment kind") {
        Log = "log" => "Log",
        Screenshot = "screenshot" => "Screenshot",
        DiagnosticReport = "diagnostic_report" => "Diagnostic report",
        Other = "other" => "Other",
    }
}

impl AttachmentKind {
    /// Whether this kind counts as evidence for SOP §6 Step 2.
    pub fn is_evidence(self) -> bool {
        !matches!(self, AttachmentKind::Other)
    }
}

vocabulary! {
    /// SOP §7: how an update reached the customer.
    CommunicationChannel("communication channel") {
        Email = "email" => "Email",
        /// Sent by Escalator itself over SMTP (`mail.toml`).
        Smtp = "smtp" => "Sent by e-mail from Escalator",
        MailClient = "mail_client" => "Opened in the mail client",
        Phone = "phone" => "Phone",
        Portal = "portal" => "Customer portal",
        Chat = "chat" => "Chat",
        Clipboard = "clipboard" => "Copied to clipboard",
    }
}

vocabulary! {
    /// Where a ticket stands in the SOP §6/§10 workflow.
    Status("status") {
        /// At L1: being troubleshot and documented (§6 Steps 1–2).
        Open = "open" => "Open at L1",
        /// Handed to an L2 team, not yet acknowledged (§6 Steps 3–5).
        Escalated = "escalated" => "Escalated, awaiting acknowledgement",
        /// An L2 engineer owns the investigation (§5, §9).
        Investigating = "investigating" => "Under investigation",
        /// L2 asked L1 for more information (§6 Step 5).
        AwaitingInfo = "awaiting_info" => "Waiting on L1 for information",
        /// L2/L3 proposed a resolution; L1 validates it (§10.1).
        ResolutionProposed = "resolution_proposed" => "Resolution proposed",
        /// L1 validated the fix (§10.1).
        FixValidated = "fix_validated" => "Fix validated",
        /// The customer confirmed the fix (§10.2).
        CustomerConfirmed = "customer_confirmed" => "Customer confirmed",
        /// Resolved and watched for recurrence (§10.4).
        Monitoring = "monitoring" => "Monitoring",
        /// Closed (§10.4).
        Closed = "closed" => "Closed",
    }
}

impl Status {
    /// An escalation that is still live for the §11 duplicate check.
    pub fn is_open_escalation(self) -> bool {
        !matches!(self, Status::Open | Status::Closed)
    }

    /// Whether work on the ticket is finished (closed or only being watched).
    pub fn is_resolved(self) -> bool {
        matches!(self, Status::Monitoring | Status::Closed)
    }
}
