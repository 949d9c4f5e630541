"""The runs of the corpus: each orchestrator with the inputs (and events) that exercise it.

A case id is also the instance id on every target. Events are raised once the orchestration
waits for them (an event it never waits for is not raised). ``expect`` is the local engine's
status: a case that ends otherwise there is a corpus mistake.
"""

from __future__ import annotations

from tests.translate.fourway import Case

ORDER = {
    "id": "A-100",
    "lines": [
        {"sku": "pen", "qty": 3, "unit_price": 1.5},
        {"sku": "ink", "qty": 1, "unit_price": 12.25},
    ],
    "coupon": "SPRING",
}

CASES = [
    # -- chaining ------------------------------------------------------------------------------
    Case("hello-cities", "hello_cities"),
    Case("order-pipeline", "order_pipeline", ORDER),
    Case("order-rejected", "order_pipeline", {"id": "A-101", "lines": []}),
    Case("etl-steps", "etl_steps", {"csv": "a, b\nc ,d"}),
    Case("user-onboarding", "user_onboarding", {"email": "  Ada.Lovelace@Example.com "}),
    Case("user-onboarding-named", "user_onboarding", {"email": "bob@mail.org", "name": "bob b"}),
    Case("invoice-numbering", "invoice_numbering", {"customer": "Contoso", "amount": 12345.678}),
    # -- fan-out / fan-in ----------------------------------------------------------------------
    Case("backup-site", "backup_site_content", "site/wwwroot"),
    Case("backup-site-no-root", "backup_site_content", "", expect="Failed"),
    Case(
        "word-counts",
        "word_counts",
        {
            "documents": [
                {"name": "a", "text": "one two three"},
                {"name": "b", "text": "   "},
                {"name": "c", "text": "four five"},
            ]
        },
    ),
    Case("parallel-prices", "parallel_prices", ["AX-1", "BZ-22", "C-3"]),
    Case("thumbnails", "thumbnail_batch", ["a.png", "b.gif", "c.jpg"]),
    Case("chunks", "process_in_chunks", {"items": [1, 2, 3, 4, 5, 6, 7], "chunk_size": 3}),
    Case("chunks-empty", "process_in_chunks", {"items": []}),
    Case(
        "two-stage",
        "two_stage_fan_out",
        [{"name": "ann", "score": 80}, {"name": "bo", "score": 55}, {"name": "cy", "score": 70}],
    ),
    # -- monitors ------------------------------------------------------------------------------
    Case("job-monitor-done", "job_status_monitor", {"job_id": "j-1", "done_after": 3}),
    Case("job-monitor-expires", "job_status_monitor", {"job_id": "j-2", "done_after": 99}),
    Case("stock-watch", "stock_price_watch", {"symbol": "MSFT", "threshold": 100}),
    Case("stock-watch-never", "stock_price_watch", {"symbol": "ABC", "threshold": 500}),
    Case("polling-backoff", "polling_with_backoff", {"max_attempts": 5, "ready_at": 4}),
    Case("polling-backoff-gives-up", "polling_with_backoff", {"max_attempts": 3, "ready_at": 9}),
    Case("hours-until-deadline", "hours_until_deadline", {"task": "report", "hours": 3}),
    Case(
        "sla-finished",
        "sla_watchdog",
        {"service": "search"},
        events=(("Progress", {"percent": 30}), ("Progress", {"percent": 100})),
    ),
    Case("sla-missed", "sla_watchdog", {"hours": 1}, events=(("Progress", {"percent": 40}),)),
    # -- human interaction ---------------------------------------------------------------------
    Case(
        "approval-approved",
        "approval_workflow",
        {"id": "exp-1", "manager": "mia"},
        events=(("ApprovalEvent", {"approver": "mia"}),),
    ),
    Case(
        "approval-escalated",
        "approval_workflow",
        {"id": "exp-2", "manager": "mia", "timeout_hours": 0.5},
    ),
    Case(
        "sms-verified",
        "sms_verification",
        {"phone": "+1 425 555 0100"},
        events=(("SmsChallengeResponse", 1), ("SmsChallengeResponse", 1036)),
    ),
    Case("sms-timeout", "sms_verification", {"phone": "+1 425 555 0101", "minutes": 30}),
    Case(
        "two-approvers",
        "two_approvers",
        {"id": "e-7"},
        events=(
            ("ManagerApproval", {"approved": True, "comment": "fine"}),
            ("FinanceApproval", {"approved": True}),
        ),
    ),
    Case(
        "review-revise",
        "review_with_comment",
        {"title": "Q3 plan"},
        events=(("Review", {"verdict": " Revise ", "comment": "tighten the intro"}),),
    ),
    Case(
        "review-approve",
        "review_with_comment",
        {"title": "Q4 plan"},
        events=(("Review", {"verdict": "YES"}),),
    ),
    Case(
        "override-given",
        "event_with_default",
        {"name": "tier", "default": "basic"},
        events=(("Override", "premium"),),
    ),
    Case(
        "override-default",
        "event_with_default",
        {"name": "tier", "default": "basic", "wait_minutes": 20},
    ),
    # a race of two events (on Workflows, parallel branches each on its own callback endpoint)
    Case("approve-wins", "approve_or_reject", events=(("Approve", "kim"),)),
    Case("reject-wins", "approve_or_reject", events=(("Reject", "lee"),)),
    Case(
        "reject-before-expiry",
        "approve_reject_or_expire",
        {"hours": 48},
        events=(("Reject", "ana"),),
    ),
    Case("nobody-answers", "approve_reject_or_expire", {"hours": 2}),
    # -- errors and compensation ---------------------------------------------------------------
    Case("trip-booked", "book_trip_saga", {"city": "Lisbon"}),
    Case("trip-no-flight", "book_trip_saga", {"city": "Oslo", "flights_full": True}),
    Case("trip-no-car", "book_trip_saga", {"city": "Rome", "no_cars": True}),
    Case("transfer-ok", "transfer_funds", {"source": "a-1", "destination": "b-2", "amount": 50}),
    Case(
        "transfer-refunded",
        "transfer_funds",
        {"source": "a-1", "destination": "closed-9", "amount": 50},
    ),
    Case("partner-ok", "classify_failure", {"resource": "invoice"}),
    Case("partner-timeout", "classify_failure", {"resource": "slow"}),
    Case("partner-missing", "classify_failure", {"resource": "missing-7"}),
    Case("partner-broken", "classify_failure", {"resource": "broken"}, expect="Failed"),
    Case("quote-primary", "retry_then_fallback", {"base": 100}),
    Case("quote-fallback", "retry_then_fallback", {"base": 100, "primary_down": True}),
    Case("validate-ok", "validate_and_fail", {"customer": "ann", "amount": 5}),
    Case("validate-missing", "validate_and_fail", {"note": "x"}, expect="Failed"),
    Case(
        "item-errors",
        "collect_item_errors",
        [
            {"id": 1},
            {"id": 2, "skip": True},
            {"id": 3, "bad": True},
            {"id": 4},
            {"id": 5, "bad": True},
            {"id": 6},
        ],
    ),
    Case(
        "uncaught-failure",
        "uncaught_activity_failure",
        {"id": "acc-9", "balance": 1000},
        expect="Failed",
    ),
    # -- retries -------------------------------------------------------------------------------
    Case("download-retried", "flaky_download", {"url": "https://x/a.csv", "fail_times": 2}),
    Case(
        "download-exhausted",
        "flaky_download",
        {"url": "https://x/b.csv", "fail_times": 3},
        expect="Failed",
    ),
    Case("retry-locals", "retry_from_locals", {"store": "s-1", "fail_times": 1}),
    Case("inline-gives-up", "inline_retry_gives_up", {"store": "s-2", "fail_times": 5}),
    Case("inline-succeeds", "inline_retry_gives_up", {"store": "s-3", "fail_times": 1}),
    Case(
        "sub-retry",
        "sub_orchestration_with_retry",
        {"name": "customers", "rows": [1, 2, 3], "fail_times": 2},
    ),
    Case("manual-retry", "manual_retry_loop", {"store": "s-4", "fail_times": 2}),
    Case(
        "manual-retry-fails",
        "manual_retry_loop",
        {"store": "s-5", "fail_times": 3},
        expect="Failed",
    ),
    # -- sub-orchestrations --------------------------------------------------------------------
    Case(
        "process-orders",
        "process_orders",
        [{"id": "o-1", "qty": 2}, {"id": "o-2", "qty": 9}, {"id": "o-3", "qty": 5}],
    ),
    Case("rollout-all", "region_rollout", {"version": "1.4.2", "regions": ["eu-west", "us-east"]}),
    Case(
        "rollout-halted",
        "region_rollout",
        {"version": "1.4.3", "regions": ["eu-west", "ap-south", "us-east"]},
    ),
    Case(
        "nested-report",
        "nested_report",
        {
            "year": 2025,
            "sales": {"Q1": [10.5, 3], "Q2": [20], "Q3": [7.25, 7.25, 1], "Q4": [19.99]},
        },
    ),
    Case("child-ok", "child_failure_caught", {"sku": "pen", "quantity": 2}),
    Case("child-fails", "child_failure_caught", {"sku": "pen", "quantity": 0}),
    # -- eternal -------------------------------------------------------------------------------
    Case("periodic-cleanup", "periodic_cleanup"),
    Case("queue-drainer", "queue_drainer", {"pending": ["abc", "de", "f", "gh", "ij"]}),
    Case("counter-status", "counter_with_status", {"value": 0, "target": 12, "generation": 0}),
    # -- everyday Python -----------------------------------------------------------------------
    Case("progress", "progress_reporting", ["fetch", "resize", "publish"]),
    Case("logging", "replay_safe_logging", {"id": "ord-5"}),
    Case("idempotency", "idempotency_keys", [10, 20]),
    Case("instance-tag", "instance_tagging", {"kind": "export", "value": 3}),
    Case("clock", "clock_arithmetic"),
    Case(
        "normalize",
        "normalize_input",
        {
            "tags": "a, b ,c",
            "tasks": [
                {"name": "write", "priority": 2},
                {"name": "read", "priority": 1},
                {"name": "audit", "priority": 2},
            ],
        },
    ),
    Case("normalize-none", "normalize_input"),
    Case("statistics", "statistics", "sensor-3"),
    Case("json", "json_payloads", "settings"),
    Case(
        "collections",
        "collection_methods",
        {
            "items": ["apple", "pear", "apple"],
            "extras": ["gift_wrap"],
            "discounts": {"apple": 0.1, "expired": 0.9},
        },
    ),
]
