import Foundation
import Metrics

/// What the service counts for `/metrics`, through swift-metrics (the server chooses the backend).
enum ServiceMetrics {
    /// Shows the district's cutoff-job counters at 0 from the start, so that the first failure is an increase an
    /// alert sees.
    static func prepare(district: String) {
        for outcome in ["succeeded", "skipped", "failed"] {
            Counter(label: "reviewcal_cutoff_job_runs_total", dimensions: [("district", district), ("outcome", outcome)]).increment(by: 0)
        }
        for outcome in ["sent", "retry", "failed"] {
            Counter(label: "reviewcal_mail_messages_total", dimensions: [("district", district), ("outcome", outcome)]).increment(by: 0)
        }
    }

    /// Messages queued by a publish.
    static func mailQueued(district: String, count: Int) {
        Counter(label: "reviewcal_mail_queued_total", dimensions: [("district", district)]).increment(by: count)
    }

    /// An attempt to deliver a message: `sent`, `retry` (it waits for the next attempt) or `failed` (given up).
    static func mailAttempt(district: String, outcome: String) {
        Counter(label: "reviewcal_mail_messages_total", dimensions: [("district", district), ("outcome", outcome)]).increment()
    }

    /// A registration accepted (`refusal` nil) or refused, by the refusal's code.
    static func registration(district: String, refusal: String?) {
        Counter(
            label: "reviewcal_registrations_total",
            dimensions: [("district", district), ("outcome", refusal == nil ? "accepted" : "refused"), ("reason", refusal ?? "none")]
        ).increment()
    }

    /// A solver run: its duration, and its score when it found a schedule.
    static func solverRun(district: String, seconds: Double, score: Int?) {
        Counter(label: "reviewcal_solver_runs_total", dimensions: [("district", district), ("outcome", score == nil ? "infeasible" : "solved")]).increment()
        Metrics.Timer(label: "reviewcal_solver_duration_seconds", dimensions: [("district", district)]).recordNanoseconds(Int64(seconds * 1e9))
        if let score { Gauge(label: "reviewcal_solver_score", dimensions: [("district", district)]).record(score) }
    }

    /// A run of the cutoff job, and when it last succeeded.
    static func cutoffJob(district: String, outcome: String, at instant: Date) {
        Counter(label: "reviewcal_cutoff_job_runs_total", dimensions: [("district", district), ("outcome", outcome)]).increment()
        if outcome != "failed" {
            Gauge(label: "reviewcal_cutoff_job_last_success_timestamp_seconds", dimensions: [("district", district)])
                .record(instant.timeIntervalSince1970)
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
