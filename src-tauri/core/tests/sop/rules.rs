//! One test per SOP rule id: each provokes the refusal and asserts the exact
//! rule id and clause it returns. `docs/sop-rules.md` maps clause → rule → test,
//! and `catalogue.rs` checks the map covers every rule.

use crate::support::*;
use escalator_core::commands::{EscalationRequest, ExceptionClaim, NewTicket};
use escalator_core::domain::{
    AttachmentKind, Category, CommunicationChannel, EscalationReason, EscalationType,
    ExceptionKind, Priority, Status, Team,
};
use escalator_core::events::DocumentationChange;
use escalator_core::{Command, ErrorKind};

#[test]
fn sop_3_role_l1_cannot_approve_an_emergency() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let command = Command::ApproveException {
        kind: ExceptionKind::Emergency,
        reason: "Customer escalated to CEO".into(),
    };
    let error = f.refuse(ANA, &key, command);
    assert_rule(&error, "SOP-3-role", "§3");
    assert_eq!(error.kind(), ErrorKind::Forbidden);
}

#[test]
fn sop_3_role_only_l1_opens_tickets() {
    let mut f = Fixture::new();
    let new = NewTicket {
        customer: "Acme Corp".into(),
        summary: "Printer offline".into(),
        ..Default::default()
    };
    let error = f.desk.open_ticket(SAM, new).unwrap_err();
    assert_rule(&error, "SOP-3-role", "§3");
}

#[test]
fn sop_6_state_l2_cannot_acknowledge_a_ticket_not_escalated() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    assert_rule(
        &f.refuse(SAM, &key, Command::Acknowledge {}),
        "SOP-6-state",
        "§6",
    );
}

#[test]
fn sop_4_criteria_an_escalation_needs_a_criterion() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let request = EscalationRequest {
        criteria: vec![],
        ..software(Priority::P2)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(rule_ids(&error), ["SOP-4-criteria"]);
    assert_rule(&error, "SOP-4-criteria", "§4");
}

#[test]
fn sop_5_type_an_escalation_needs_a_type() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let request = EscalationRequest {
        escalation_type: None,
        ..software(Priority::P2)
    };
    assert_rule(&f.refuse(ANA, &key, escalate(request)), "SOP-5-type", "§5");
}

#[test]
fn sop_5_category_hardware_escalation_cannot_be_filed_as_software() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Scanner does not power on", Priority::P2);
    let request = EscalationRequest {
        escalation_type: Some(EscalationType::Hardware),
        reasons: vec![EscalationReason::NoPower],
        ..software(Priority::P2)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(rule_ids(&error), ["SOP-5-category"]);
    assert_rule(&error, "SOP-5-category", "§5");
}

#[test]
fn sop_5_1_reasons_software_escalation_refuses_hardware_reasons() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let request = EscalationRequest {
        reasons: vec![EscalationReason::PhysicalDamage],
        ..software(Priority::P2)
    };
    assert_rule(
        &f.refuse(ANA, &key, escalate(request)),
        "SOP-5.1-reasons",
        "§5.1",
    );
}

#[test]
fn sop_5_2_reasons_hardware_escalation_needs_a_reason() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Scanner does not power on", Priority::P2);
    let request = EscalationRequest {
        escalation_type: Some(EscalationType::Hardware),
        reasons: vec![],
        category: Some(Category::Hardware),
        team: Some(Team::Hardware),
        ..software(Priority::P2)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(rule_ids(&error), ["SOP-5.2-reasons"]);
    assert_rule(&error, "SOP-5.2-reasons", "§5.2");
}

#[test]
fn sop_5_3_reasons_management_escalation_needs_a_management_reason() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let request = EscalationRequest {
        escalation_type: Some(EscalationType::Management),
        reasons: vec![EscalationReason::NoWorkaround],
        ..EscalationRequest::default()
    };
    assert_rule(
        &f.refuse(ANA, &key, escalate(request)),
        "SOP-5.3-reasons",
        "§5.3",
    );
}

#[test]
fn sop_5_3_priority_the_p1_p2_reason_needs_a_p1_or_p2() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P3);
    let request = EscalationRequest {
        escalation_type: Some(EscalationType::Management),
        reasons: vec![EscalationReason::P1P2Issue],
        ..EscalationRequest::default()
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(rule_ids(&error), ["SOP-5.3-priority"]);
    assert_rule(&error, "SOP-5.3-priority", "§5.3");
}

#[test]
fn sop_6_1_troubleshooting_complete_must_be_confirmed() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let request = EscalationRequest {
        troubleshooting_complete: false,
        ..software(Priority::P2)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(rule_ids(&error), ["SOP-6.1-troubleshooting-complete"]);
    assert_rule(&error, "SOP-6.1-troubleshooting-complete", "§6 Step 1");
}

#[test]
fn sop_6_1_cannot_resolve_at_l1_must_be_confirmed() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let request = EscalationRequest {
        cannot_resolve_at_l1: false,
        ..software(Priority::P2)
    };
    assert_rule(
        &f.refuse(ANA, &key, escalate(request)),
        "SOP-6.1-cannot-resolve",
        "§6 Step 1",
    );
}

#[test]
fn sop_6_2_summary_cannot_be_missing() {
    let mut f = Fixture::new();
    let new = NewTicket {
        customer: "Acme Corp".into(),
        summary: "  ".into(),
        ..Default::default()
    };
    assert_rule(
        &f.desk.open_ticket(ANA, new).unwrap_err(),
        "SOP-6.2-summary",
        "§6 Step 2",
    );
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let emptied = DocumentationChange {
        summary: Some(String::new()),
        ..Default::default()
    };
    assert_rule(
        &f.refuse(ANA, &key, Command::UpdateDocumentation(emptied)),
        "SOP-6.2-summary",
        "§6 Step 2",
    );
}

#[test]
fn sop_6_2_steps_to_reproduce_are_required() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    f.run(
        ANA,
        &key,
        Command::UpdateDocumentation(DocumentationChange {
            steps_to_reproduce: Some(String::new()),
            ..Default::default()
        }),
    );
    let error = f.refuse(ANA, &key, escalate(software(Priority::P2)));
    assert_eq!(rule_ids(&error), ["SOP-6.2-steps"]);
    assert_rule(&error, "SOP-6.2-steps", "§6 Step 2");
}

#[test]
fn sop_6_2_logs_a_log_screenshot_or_report_is_required() {
    let mut f = Fixture::new();
    let key = f.open(
        "Acme Corp",
        "Checkout API returns 500 errors",
        Some(Priority::P2),
    );
    f.run(
        ANA,
        &key,
        Command::UpdateDocumentation(DocumentationChange {
            steps_to_reproduce: Some("Pay by card".into()),
            environment: Some("Web shop 4.2.1".into()),
            ..Default::default()
        }),
    );
    f.run(
        ANA,
        &key,
        Command::RecordTroubleshooting {
            action: "Retried".into(),
            outcome: "Fails".into(),
        },
    );
    // A file that is not evidence does not count.
    let invoice = f.file("invoice.pdf", b"%PDF invoice");
    f.desk
        .attach_file(ANA, &key, &invoice, AttachmentKind::Other)
        .unwrap();
    let error = f.refuse(ANA, &key, escalate(software(Priority::P2)));
    assert_eq!(rule_ids(&error), ["SOP-6.2-logs"]);
    assert_rule(&error, "SOP-6.2-logs", "§6 Step 2");
    let violation = &error.violations()[0];
    assert_eq!(violation.field, "attachments");
    assert_eq!(
        violation.message,
        "Attach at least one log, screenshot or diagnostic report"
    );
}

#[test]
fn sop_6_2_environment_and_version_are_required() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    f.run(
        ANA,
        &key,
        Command::UpdateDocumentation(DocumentationChange {
            environment: Some(" ".into()),
            ..Default::default()
        }),
    );
    assert_rule(
        &f.refuse(ANA, &key, escalate(software(Priority::P2))),
        "SOP-6.2-environment",
        "§6 Step 2",
    );
}

#[test]
fn sop_6_2_troubleshooting_steps_must_be_recorded() {
    let mut f = Fixture::new();
    let key = f.open(
        "Acme Corp",
        "Checkout API returns 500 errors",
        Some(Priority::P2),
    );
    f.run(
        ANA,
        &key,
        Command::UpdateDocumentation(DocumentationChange {
            steps_to_reproduce: Some("Pay by card".into()),
            environment: Some("Web shop 4.2.1".into()),
            ..Default::default()
        }),
    );
    let log = f.file("app.log", b"ERROR 500");
    f.desk
        .attach_file(ANA, &key, &log, AttachmentKind::Log)
        .unwrap();
    let error = f.refuse(ANA, &key, escalate(software(Priority::P2)));
    assert_eq!(rule_ids(&error), ["SOP-6.2-troubleshooting"]);
    assert_rule(&error, "SOP-6.2-troubleshooting", "§6 Step 2");
}

#[test]
fn sop_6_3_category_is_required() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let request = EscalationRequest {
        category: None,
        ..software(Priority::P2)
    };
    assert_rule(
        &f.refuse(ANA, &key, escalate(request)),
        "SOP-6.3-category",
        "§6 Step 3",
    );
}

#[test]
fn sop_6_3_team_must_be_the_categorys_team() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let request = EscalationRequest {
        team: Some(Team::Hardware),
        ..software(Priority::P2)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(rule_ids(&error), ["SOP-6.3-team"]);
    assert_rule(&error, "SOP-6.3-team", "§6 Step 3");
    let request = EscalationRequest {
        team: None,
        ..software(Priority::P2)
    };
    assert_rule(
        &f.refuse(ANA, &key, escalate(request)),
        "SOP-6.3-team",
        "§6 Step 3",
    );
}

#[test]
fn sop_6_3_assigned_team_only_that_team_acknowledges() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let error = f.refuse(HANA, &key, Command::Acknowledge {});
    assert_rule(&error, "SOP-6.3-assigned-team", "§6 Step 3");
    assert_eq!(error.kind(), ErrorKind::Forbidden);
}

#[test]
fn sop_6_3_priority_must_be_set() {
    let mut f = Fixture::new();
    let key = f.open("Acme Corp", "Checkout API returns 500 errors", None);
    f.document(&key);
    let request = EscalationRequest {
        priority: None,
        ..software(Priority::P2)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(rule_ids(&error), ["SOP-6.3-priority"]);
    assert_rule(&error, "SOP-6.3-priority", "§6 Step 3");
}

#[test]
fn sop_6_3_sla_policy_must_match_the_priority() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let request = EscalationRequest {
        sla_policy: Some("standard-p4".into()),
        ..software(Priority::P2)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(rule_ids(&error), ["SOP-6.3-sla"]);
    assert_rule(&error, "SOP-6.3-sla", "§6 Step 3");
}

#[test]
fn sop_6_4_impact_must_be_stated() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    f.run(
        ANA,
        &key,
        Command::UpdateDocumentation(DocumentationChange {
            impact: Some(String::new()),
            ..Default::default()
        }),
    );
    let error = f.refuse(ANA, &key, escalate(software(Priority::P2)));
    assert_eq!(rule_ids(&error), ["SOP-6.4-impact"]);
    assert_rule(&error, "SOP-6.4-impact", "§6 Step 4");
}

#[test]
fn sop_6_5_no_pending_request_info_is_given_only_when_asked() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    f.run(SAM, &key, Command::Acknowledge {});
    let error = f.refuse(
        ANA,
        &key,
        Command::ProvideInfo {
            answer: "EU only".into(),
        },
    );
    assert_eq!(rule_ids(&error), ["SOP-6.5-no-pending-request"]);
    assert_rule(&error, "SOP-6.5-no-pending-request", "§6 Step 5");
}

#[test]
fn sop_8_p3_confirmation_p3_escalates_after_l1_confirmation() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Report export is slow", Priority::P3);
    let request = EscalationRequest {
        l1_confirmation: None,
        ..software(Priority::P3)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(rule_ids(&error), ["SOP-8-p3-confirmation"]);
    assert_rule(&error, "SOP-8-p3-confirmation", "§8");
}

#[test]
fn sop_8_p4_justification_p4_escalates_only_if_required() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Typo on the invoice page", Priority::P4);
    let request = EscalationRequest {
        justification: Some("  ".into()),
        ..software(Priority::P4)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(rule_ids(&error), ["SOP-8-p4-justification"]);
    assert_rule(&error, "SOP-8-p4-justification", "§8");
}

#[test]
fn sop_9_owner_another_l1_cannot_work_the_ticket() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let error = f.refuse(BOB, &key, escalate(software(Priority::P2)));
    assert_rule(&error, "SOP-9-owner", "§9");
    let change = DocumentationChange {
        environment: Some("v5".into()),
        ..Default::default()
    };
    assert_rule(
        &f.refuse(BOB, &key, Command::UpdateDocumentation(change)),
        "SOP-9-owner",
        "§9",
    );
}

#[test]
fn sop_9_owner_l2_cannot_close() {
    let mut f = Fixture::new();
    let key = f.proposed(Priority::P2);
    let error = f.refuse(
        SAM,
        &key,
        Command::Close {
            note: String::new(),
        },
    );
    assert_rule(&error, "SOP-9-owner", "§9");
}

#[test]
fn sop_9_customer_communication_only_the_owner_talks_to_the_customer() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let command = Command::RecordCustomerUpdate {
        channel: CommunicationChannel::Email,
        body: "We are on it".into(),
        subject: String::new(),
        leak_override: None,
        email: None,
    };
    let error = f.refuse(SAM, &key, command);
    assert_eq!(rule_ids(&error), ["SOP-9-customer-communication"]);
    assert_rule(&error, "SOP-9-customer-communication", "§9");
    assert_eq!(error.kind(), ErrorKind::Forbidden);
}

#[test]
fn sop_9_resolution_l2_provides_the_resolution_of_an_escalation() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    f.run(SAM, &key, Command::Acknowledge {});
    let error = f.refuse(
        ANA,
        &key,
        Command::ProposeResolution {
            summary: "Restarted it".into(),
        },
    );
    assert_eq!(rule_ids(&error), ["SOP-9-resolution"]);
    assert_rule(&error, "SOP-9-resolution", "§9");
}

#[test]
fn sop_10_resolution_nothing_to_validate_before_a_resolution() {
    let mut f = Fixture::new();
    let key = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let error = f.refuse(
        ANA,
        &key,
        Command::ValidateFix {
            works: true,
            note: String::new(),
        },
    );
    assert_eq!(rule_ids(&error), ["SOP-10-resolution"]);
    assert_rule(&error, "SOP-10-resolution", "§10");
}

#[test]
fn sop_10_1_validate_confirming_before_validating_is_refused() {
    let mut f = Fixture::new();
    let key = f.proposed(Priority::P2);
    let error = f.refuse(
        ANA,
        &key,
        Command::ConfirmWithCustomer {
            note: String::new(),
        },
    );
    assert_eq!(rule_ids(&error), ["SOP-10.1-validate"]);
    assert_rule(&error, "SOP-10.1-validate", "§10 step 1");
}

#[test]
fn sop_10_2_confirm_notes_before_customer_confirmation_are_refused() {
    let mut f = Fixture::new();
    let key = f.proposed(Priority::P2);
    f.run(
        ANA,
        &key,
        Command::ValidateFix {
            works: true,
            note: String::new(),
        },
    );
    let error = f.refuse(
        ANA,
        &key,
        Command::WriteResolutionNotes {
            notes: "Rollback".into(),
        },
    );
    assert_eq!(rule_ids(&error), ["SOP-10.2-confirm"]);
    assert_rule(&error, "SOP-10.2-confirm", "§10 step 2");
}

#[test]
fn sop_10_3_notes_closing_without_resolution_notes_is_refused() {
    let mut f = Fixture::new();
    let key = f.proposed(Priority::P2);
    f.validate_and_confirm(&key);
    let error = f.refuse(
        ANA,
        &key,
        Command::Close {
            note: String::new(),
        },
    );
    assert_eq!(rule_ids(&error), ["SOP-10.3-notes"]);
    assert_rule(&error, "SOP-10.3-notes", "§10 step 3");
    let error = f.refuse(
        ANA,
        &key,
        Command::MoveToMonitoring {
            until: None,
            note: String::new(),
        },
    );
    assert_rule(&error, "SOP-10.3-notes", "§10 step 3");
}

#[test]
fn sop_10_closing_straight_after_a_proposal_lists_every_missing_step() {
    let mut f = Fixture::new();
    let key = f.proposed(Priority::P2);
    let error = f.refuse(
        ANA,
        &key,
        Command::Close {
            note: String::new(),
        },
    );
    assert_eq!(
        rule_ids(&error),
        ["SOP-10.1-validate", "SOP-10.2-confirm", "SOP-10.3-notes"]
    );
}

#[test]
fn sop_11_required_a_reopen_needs_a_reason() {
    let mut f = Fixture::new();
    let key = f.proposed(Priority::P2);
    f.validate_and_confirm(&key);
    f.run(
        ANA,
        &key,
        Command::WriteResolutionNotes {
            notes: "Rollback".into(),
        },
    );
    f.run(
        ANA,
        &key,
        Command::Close {
            note: String::new(),
        },
    );
    let error = f.refuse(ANA, &key, Command::Reopen { reason: " ".into() });
    assert_eq!(rule_ids(&error), ["SOP-11-required"]);
    assert_rule(&error, "SOP-11-required", "§11");
    assert_eq!(error.violations()[0].field, "reason");
}

#[test]
fn sop_11_duplicate_a_similar_open_escalation_blocks_until_linked_or_overridden() {
    let mut f = Fixture::new();
    let first = f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let second = f.documented(
        "ACME corp",
        "Checkout API returning HTTP 500 error",
        Priority::P2,
    );
    let error = f.refuse(ANA, &second, escalate(software(Priority::P2)));
    assert_eq!(rule_ids(&error), ["SOP-11-duplicate"]);
    assert_rule(&error, "SOP-11-duplicate", "§11");
    assert!(
        error.violations()[0].message.contains(&first),
        "names the open escalation: {error}"
    );

    // The same check is available before submitting.
    let similar = f
        .desk
        .similar_escalations("Acme Corp", "Checkout API returning HTTP 500 error", None)
        .unwrap();
    assert_eq!(
        similar.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(),
        [first.as_str()]
    );

    // Linking to it lets the escalation through, and records the link.
    let first_id = f.desk.ticket(&first).unwrap().ticket.id;
    let linked = EscalationRequest {
        link_to: Some(first_id),
        ..software(Priority::P2)
    };
    let outcome = f.desk.execute(ANA, &second, escalate(linked)).unwrap();
    assert_eq!(outcome.ticket.linked_to, [first_id]);
}

#[test]
fn sop_11_duplicate_an_override_reason_lets_it_through_and_is_recorded() {
    let mut f = Fixture::new();
    f.escalated("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    let second = f.documented(
        "Acme Corp",
        "Checkout API returns 500 errors on mobile",
        Priority::P2,
    );
    let request = EscalationRequest {
        duplicate_override: Some("Different app, different backend".into()),
        ..software(Priority::P2)
    };
    let outcome = f.desk.execute(ANA, &second, escalate(request)).unwrap();
    let escalated = outcome.events.iter().find_map(|e| match &e.body {
        escalator_core::EventBody::Escalated(record) => Some(record.clone()),
        _ => None,
    });
    assert_eq!(
        escalated.unwrap().duplicate_override.as_deref(),
        Some("Different app, different backend")
    );
}

#[test]
fn sop_11_duplicate_ignores_other_customers_closed_tickets_and_different_problems() {
    let mut f = Fixture::new();
    f.escalated("Globex", "Checkout API returns 500 errors", Priority::P2);
    f.escalated(
        "Acme Corp",
        "Scanner firmware update bricks the device",
        Priority::P2,
    );
    let key = f.documented("Acme Corp", "Checkout API returns 500 errors", Priority::P2);
    assert!(f
        .desk
        .execute(ANA, &key, escalate(software(Priority::P2)))
        .is_ok());
}

#[test]
fn sop_11_link_only_to_an_open_escalation() {
    let mut f = Fixture::new();
    let not_escalated = f.open(
        "Acme Corp",
        "Checkout API returns 500 errors",
        Some(Priority::P2),
    );
    let key = f.documented("Acme Corp", "Invoices are not e-mailed", Priority::P2);
    let target = f.desk.ticket(&not_escalated).unwrap().ticket.id;
    let request = EscalationRequest {
        link_to: Some(target),
        ..software(Priority::P2)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(rule_ids(&error), ["SOP-11-link"]);
    assert_rule(&error, "SOP-11-link", "§11");
}

#[test]
fn sop_12_outage_description_a_major_outage_must_be_described() {
    let mut f = Fixture::new();
    let key = f.open("Acme Corp", "Everything is down", Some(Priority::P1));
    let request = EscalationRequest {
        exception: Some(ExceptionClaim::MajorOutage {
            description: String::new(),
        }),
        ..software(Priority::P1)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_rule(&error, "SOP-12-outage-description", "§12");
}

#[test]
fn sop_12_emergency_approval_an_emergency_needs_l3_approval() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Report export is slow", Priority::P3);
    let request = EscalationRequest {
        exception: Some(ExceptionClaim::Emergency),
        l1_confirmation: None,
        ..software(Priority::P3)
    };
    let error = f.refuse(ANA, &key, escalate(request));
    assert_eq!(
        rule_ids(&error),
        ["SOP-12-emergency-approval", "SOP-8-p3-confirmation"]
    );
    assert_rule(&error, "SOP-12-emergency-approval", "§12");
}

#[test]
fn sop_12_reason_an_approval_records_why() {
    let mut f = Fixture::new();
    let key = f.documented("Acme Corp", "Report export is slow", Priority::P3);
    let error = f.refuse(
        LEE,
        &key,
        Command::ApproveException {
            kind: ExceptionKind::Emergency,
            reason: String::new(),
        },
    );
    assert_eq!(rule_ids(&error), ["SOP-12-reason"]);
    assert_rule(&error, "SOP-12-reason", "§12");
}

#[test]
fn a_refusal_lists_every_violation_at_once() {
    let mut f = Fixture::new();
    let new = NewTicket {
        customer: "Acme Corp".into(),
        summary: "Checkout fails".into(),
        ..Default::default()
    };
    let key = f.desk.open_ticket(ANA, new).unwrap().ticket.key;
    let error = f.refuse(ANA, &key, escalate(EscalationRequest::default()));
    assert_eq!(
        rule_ids(&error),
        [
            "SOP-4-criteria",
            "SOP-5-type",
            "SOP-6.1-cannot-resolve",
            "SOP-6.1-troubleshooting-complete",
            "SOP-6.2-environment",
            "SOP-6.2-logs",
            "SOP-6.2-steps",
            "SOP-6.2-troubleshooting",
            "SOP-6.3-category",
            "SOP-6.3-priority",
            "SOP-6.3-team",
            "SOP-6.4-impact",
        ]
    );
    for violation in error.violations() {
        assert!(
            !violation.field.is_empty()
                && !violation.message.is_empty()
                && violation.clause.starts_with('§')
        );
    }
}

#[test]
fn a_refused_escalation_is_recorded_for_the_review_but_changes_nothing_else() {
    let mut f = Fixture::new();
    let key = f.open(
        "Acme Corp",
        "Checkout API returns 500 errors",
        Some(Priority::P2),
    );
    let before = f.desk.ticket(&key).unwrap();
    let error = f.refuse(ANA, &key, escalate(software(Priority::P2)));
    assert_rule(&error, "SOP-6.2-logs", "§6 Step 2");

    let after = f.desk.ticket(&key).unwrap();
    assert_eq!(
        after.ticket, before.ticket,
        "the ticket projection is untouched"
    );
    assert_eq!(
        after.version,
        before.version + 1,
        "the refusal is in the log"
    );
    let last = f.desk.history(&key).unwrap().pop().unwrap();
    let escalator_core::EventBody::EscalationRefused(refused) = last.body else {
        panic!("{last:?}")
    };
    assert_eq!(refused.violations, error.violations());
    let recorded: String = f
        .desk
        .connection()
        .query_row(
            "SELECT rules FROM escalation_refusals WHERE ticket_id = ?1",
            [after.ticket.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        recorded.contains("SOP-6.2-logs") && recorded.contains("SOP-6.2-steps"),
        "{recorded}"
    );
    assert_eq!(after.ticket.status, Status::Open);
}
