import Foundation
import ReviewCore
import ReviewStore
import Scheduling

/// How a run of the cutoff job ended.
public struct CutoffJobResult: Sendable, Equatable {
    /// The week whose registration closed.
    public var week: ISOWeek
    /// `succeeded`, `skipped` (no open request) or `failed`.
    public var outcome: String
    /// The run's summary, or why it failed.
    public var detail: String
}

extension ReviewService {
    /// The job's name in `job_runs`.
    public static let cutoffJobName = "cutoff-schedule"
    /// A claim older than this, never finished, is taken over by another instance (the one that claimed it died).
    public static let cutoffJobStaleAfter: TimeInterval = 15 * 60

    /// The week whose registration closed last at `instant`, if that was less than a week ago and a campaign covers it.
    public func lastClosedWeek(at instant: Date) -> ISOWeek? {
        let window = currentWindow(at: instant)
        let week = window.firstOpenWeek(at: instant).adding(weeks: -1)
        let closed = window.closingInstant(of: week)
        guard closed <= instant, instant.timeIntervalSince(closed) < 7 * 86400, district.campaign(covering: week.monday) != nil else { return nil }
        return week
    }

    /// The weekly cutoff job: once the registration of a week has closed, the week is scheduled (a proposal for the
    /// office to review and publish) unless the office already scheduled it, once per district whatever the number of instances — the instance that claims
    /// the run in `job_runs` does it. Returns nil when nothing is due or another instance has the run.
    public func runCutoffJob(instance: String, options: SolverOptions = .init(timeLimit: 20)) async -> CutoffJobResult? {
        let now = clock.now()
        guard let week = lastClosedWeek(at: now) else { return nil }
        let id = district.id
        let claimed: Bool
        do {
            claimed = try await store.write(serializedOn: id) { tx in
                try await tx.claimJob(
                    district: id, job: Self.cutoffJobName, week: week.iso, instance: instance, now: now,
                    staleBefore: now.addingTimeInterval(-Self.cutoffJobStaleAfter))
            }
        } catch {
            logger.error("cutoff job: could not claim \(week.iso): \(error)", metadata: ["district": .string(id)])
            ServiceMetrics.cutoffJob(district: id, outcome: "failed", at: now)
            return nil
        }
        guard claimed else { return nil }
        var result: CutoffJobResult
        do {
            let (open, sessions) = try await store.read { tx in
                (try await tx.requests(district: id, week: week, status: .open), try await tx.sessions(district: id, week: week))
            }
            if open.isEmpty {
                result = CutoffJobResult(week: week, outcome: "skipped", detail: "không có đăng ký nào đang mở")
            } else if !sessions.isEmpty {
                // The office has scheduled the week already (and may have moved sessions since): left as it is.
                result = CutoffJobResult(week: week, outcome: "skipped", detail: "tuần đã được xếp lịch trước giờ chốt")
            } else {
                let run = try await runSchedule(week: week, by: "system:cutoff", options: options)
                result = CutoffJobResult(
                    week: week, outcome: "succeeded", detail: "{\"score\":\(run.score),\"scheduled\":\(run.scheduled),\"unscheduled\":\(run.unscheduled.count)}")
            }
        } catch let failure as ReviewError {
            result = CutoffJobResult(week: week, outcome: "failed", detail: failure.message)
        } catch {
            result = CutoffJobResult(week: week, outcome: "failed", detail: "\(error)")
        }
        let finished = clock.now()
        do {
            let r = result
            try await store.write(serializedOn: id) { tx in
                try await tx.finishJob(district: id, job: Self.cutoffJobName, week: week.iso, outcome: r.outcome, detail: r.detail, now: finished)
            }
        } catch {
            logger.error("cutoff job: could not record the run of \(week.iso): \(error)", metadata: ["district": .string(id)])
            result.outcome = "failed"
        }
        ServiceMetrics.cutoffJob(district: id, outcome: result.outcome, at: finished)
        if result.outcome == "failed" {
            logger.error("cutoff job for \(week.iso) failed: \(result.detail)", metadata: ["district": .string(id)])
        } else {
            logger.info("cutoff job for \(week.iso): \(result.outcome) \(result.detail)", metadata: ["district": .string(id)])
        }
        return result
    }
}
