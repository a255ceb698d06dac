/// A year's review campaign: its period, deadlines, working hours, holidays and weekly cutoff.
public struct Campaign: Sendable, Hashable {
    /// Identifier, e.g. `2023`.
    public var id: String
    /// Display name, e.g. "Kiểm điểm, đánh giá, xếp loại chất lượng năm 2023".
    public var name: String
    /// First day sessions may be held.
    public var starts: LocalDate
    /// Last day of the campaign (after the last deadline).
    public var ends: LocalDate
    /// Deadlines, in order.
    public var deadlines: [Deadline]
    /// Working periods of a day, e.g. 07:30–11:30 and 13:30–17:00.
    public var workingHours: [WorkingPeriod]
    /// ISO weekdays sessions may be held on (1 Monday … 7 Sunday).
    public var workingDays: Set<Int>
    /// Days off.
    public var holidays: [Holiday]
    /// The weekly registration cutoff.
    public var cutoff: RegistrationWindow
    /// Days between sending the draft report and the session (rule IV.1: 2).
    public var leadDays: Int
    /// The shortest session a unit may register, in minutes (`minSessionMinutes`, 60 unless configured).
    public var minSessionMinutes: Int

    /// What `minSessionMinutes` is when a campaign file does not say.
    public static let defaultMinSessionMinutes = 60

    /// Creates a campaign.
    public init(
        id: String, name: String, starts: LocalDate, ends: LocalDate, deadlines: [Deadline], workingHours: [WorkingPeriod],
        workingDays: Set<Int>, holidays: [Holiday], cutoff: RegistrationWindow, leadDays: Int,
        minSessionMinutes: Int = Campaign.defaultMinSessionMinutes
    ) {
        self.id = id
        self.name = name
        self.starts = starts
        self.ends = ends
        self.deadlines = deadlines
        self.workingHours = workingHours
        self.workingDays = workingDays
        self.holidays = holidays
        self.cutoff = cutoff
        self.leadDays = leadDays
        self.minSessionMinutes = minSessionMinutes
    }

    /// The longest working period of a day, in minutes: no session may be longer (each lies within one period).
    public var longestPeriodMinutes: Int {
        workingHours.map { $0.minutes }.max() ?? 0
    }

    /// The deadline that limits sessions of a review kind, if any.
    public func deadline(for kind: ReviewKind) -> Deadline? {
        deadlines.filter { $0.appliesTo.contains(kind) }.min { $0.date < $1.date }
    }

    /// Rule IV.1: the draft report reaches the member in charge and the work team's leader at least `leadDays` days
    /// before the session. The earliest start of a session whose draft was sent on `draftSent`: 00:00 of that day plus
    /// the lead days. Registration, the week's scheduling problem (`notBefore`) and the feeds all read it here.
    public func earliestStart(draftSent: LocalDate) -> LocalDateTime {
        LocalDateTime(date: draftSent.adding(days: leadDays), time: LocalTime(hour: 0, minute: 0)!)
    }

    /// The last day the draft may be sent for a session on `date` (rule IV.1, the inverse of ``earliestStart(draftSent:)``).
    public func latestDraftDate(forSessionOn date: LocalDate) -> LocalDate {
        date.adding(days: -leadDays)
    }

    /// The holiday on a date, if any.
    public func holiday(on date: LocalDate) -> Holiday? {
        holidays.first { $0.date == date }
    }
}

/// A campaign deadline (rule 5 of the plan): the date by which something must be done.
public struct Deadline: Sendable, Hashable {
    /// Identifier, e.g. `units-done`.
    public var id: String
    /// What must be done, e.g. "Các chi, đảng bộ cơ sở hoàn thành kiểm điểm".
    public var title: String
    /// The last day (sessions must take place on or before it).
    public var date: LocalDate
    /// The review kinds whose sessions it limits (empty: a milestone that limits no session).
    public var appliesTo: [ReviewKind]
    /// What else the office follows against it on the campaign page.
    public var tracks: Tracks
    /// Creates a deadline.
    public init(id: String, title: String, date: LocalDate, appliesTo: [ReviewKind], tracks: Tracks = .none) {
        self.id = id
        self.title = title
        self.date = date
        self.appliesTo = appliesTo
        self.tracks = tracks
    }

    /// What a deadline's `tracks` field says the office follows.
    public enum Tracks: String, Sendable, Hashable, CaseIterable {
        /// Nothing beyond its review kinds.
        case none = ""
        /// Every unit's dossier received by the office (`ho-so`).
        case dossiers = "ho-so"
    }
}

/// A working period of a day, `[start, end)`.
public struct WorkingPeriod: Sendable, Hashable {
    /// When it starts.
    public var start: LocalTime
    /// When it ends.
    public var end: LocalTime
    /// Creates a period.
    public init(start: LocalTime, end: LocalTime) {
        self.start = start
        self.end = end
    }

    /// Its length in minutes.
    public var minutes: Int { end.minuteOfDay - start.minuteOfDay }
}

/// A day off.
public struct Holiday: Sendable, Hashable {
    /// The date.
    public var date: LocalDate
    /// Its name, e.g. "Tết Dương lịch".
    public var name: String
    /// Creates a holiday.
    public init(date: LocalDate, name: String) {
        self.date = date
        self.name = name
    }
}
