/// Errors thrown by ICalKit.
public enum ICalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libical could not parse the text as iCalendar data; the associated text says why.
    case parseFailed(String)
    /// libical refused to create an object (a component, property, value or time zone) of the named kind.
    case creationFailed(String)
    /// The name is not a component, property or parameter name that libical knows.
    case unknownName(String)
    /// The value cannot be stored: out of range, or not valid for the property.
    case invalidValue(String)
    /// The component or property already belongs to a parent; remove it from there first.
    case alreadyAttached
    /// The component or property to remove is not a direct child of this component.
    case notAChild
    /// Adding the component would make it a descendant of itself.
    case wouldCreateCycle
    /// A date-time refers to a TZID that is neither defined by a VTIMEZONE in the data nor known to libical.
    case unknownTimeZone(String)
    /// libical produced no output, or output that is not well-formed iCalendar text.
    case serializationFailed(String)

    /// A one-line English explanation, for logs.
    public var description: String {
        switch self {
        case .parseFailed(let why): "iCalendar parse failed: \(why)"
        case .creationFailed(let what): "libical could not create \(what)"
        case .unknownName(let name): "unknown iCalendar name '\(name)'"
        case .invalidValue(let why): "invalid iCalendar value: \(why)"
        case .alreadyAttached: "the component or property already has a parent"
        case .notAChild: "the component or property is not a child of this component"
        case .wouldCreateCycle: "a component cannot be added inside itself"
        case .unknownTimeZone(let tzid): "unknown time zone '\(tzid)'"
        case .serializationFailed(let why): "iCalendar serialisation failed: \(why)"
        }
    }
}
