internal import CLibical
import Foundation

/// An iCalendar component (VCALENDAR, VEVENT, VTIMEZONE, VALARM …), owning or borrowing a libical `icalcomponent`.
///
/// A component created by `init(kind:)` or `parse(_:)` owns its libical tree and frees it in `deinit`. A child
/// obtained from `components` (or added with `add(_:)`) borrows its libical object and keeps its parent, and so
/// the whole tree, alive. Removing a child with `remove(_:)` makes it the owner of its subtree again. Each libical
/// object has at most one live wrapper (children are cached weakly by their parent), so ownership is never shared.
/// Not `Sendable`: a component tree belongs to one task at a time.
public final class ICalComponent {
    /// The libical component; freed in `deinit` when `parent` is `nil`.
    let handle: OpaquePointer
    /// The component holding `handle`, or `nil` when this wrapper owns it.
    private(set) var parent: ICalComponent?
    private var childWrappers = WrapperCache<ICalComponent>()
    private var propertyWrappers = WrapperCache<ICalProperty>()

    private init(handle: OpaquePointer, parent: ICalComponent?) {
        self.handle = handle
        self.parent = parent
    }

    /// Creates an empty component of the given kind.
    ///
    /// - Throws: `ICalError.unknownName` if libical does not know the kind.
    public convenience init(kind: ICalComponentKind) throws {
        guard kind.kind != ICAL_NO_COMPONENT, kind.kind != ICAL_X_COMPONENT else { throw ICalError.unknownName(kind.rawValue) }
        guard let handle = Libical.locked({ icalcomponent_new(kind.kind) }) else {
            throw ICalError.creationFailed("component \(kind)")
        }
        self.init(handle: handle, parent: nil)
    }

    /// Parses iCalendar text (usually one VCALENDAR) with libical.
    ///
    /// libical is lenient: malformed lines become `X-LIC-ERROR` properties instead of failing the parse.
    /// - Throws: `ICalError.parseFailed` if libical finds no component at all.
    public static func parse(_ text: String) throws -> ICalComponent {
        try Libical.locked {
            Libical.clearError()
            guard let handle = icalparser_parse_string(text) else {
                let why = Libical.lastError() ?? "no iCalendar component found"
                Libical.clearError()
                throw ICalError.parseFailed(why)
            }
            Libical.clearError()
            return ICalComponent(handle: handle, parent: nil)
        }
    }

    deinit {
        if parent == nil {
            Libical.locked { icalcomponent_free(handle) }
        }
    }

    /// The component's kind, e.g. `VEVENT`.
    public var kind: ICalComponentKind {
        Libical.locked { ICalComponentKind(kind: icalcomponent_isa(handle)) }
    }

    /// A deep copy that owns its own libical tree.
    public func clone() throws -> ICalComponent {
        guard let copy = Libical.locked({ icalcomponent_new_clone(handle) }) else { throw ICalError.creationFailed("clone") }
        return ICalComponent(handle: copy, parent: nil)
    }

    // MARK: Child components

    /// The direct child components, in order.
    public var components: [ICalComponent] { components(ICAL_ANY_COMPONENT) }

    /// The direct child components of one kind, in order.
    public func components(ofKind kind: ICalComponentKind) -> [ICalComponent] {
        components(kind.kind)
    }

    private func components(_ kind: icalcomponent_kind) -> [ICalComponent] {
        Libical.locked {
            var result: [ICalComponent] = []
            var child = icalcomponent_get_first_component(handle, kind)
            while let current = child {
                result.append(childWrappers.wrapper(for: current) { ICalComponent(handle: current, parent: self) })
                child = icalcomponent_get_next_component(handle, kind)
            }
            return result
        }
    }

    /// Adds `child` as the last child component; `self` then owns it.
    ///
    /// - Throws: `ICalError.alreadyAttached` if `child` has a parent, `ICalError.wouldCreateCycle` if `child` is
    ///   `self` or one of its ancestors.
    public func add(_ child: ICalComponent) throws {
        guard child.parent == nil else { throw ICalError.alreadyAttached }
        var ancestor: ICalComponent? = self
        while let current = ancestor {
            guard current !== child else { throw ICalError.wouldCreateCycle }
            ancestor = current.parent
        }
        Libical.locked {
            icalcomponent_add_component(handle, child.handle)
            child.parent = self
            childWrappers.insert(child, for: child.handle)
        }
    }

    /// Removes a direct child component; the child then owns its subtree again.
    ///
    /// - Throws: `ICalError.notAChild` if `child` is not a direct child of `self`.
    public func remove(_ child: ICalComponent) throws {
        guard child.parent === self else { throw ICalError.notAChild }
        Libical.locked {
            icalcomponent_remove_component(handle, child.handle)
            child.parent = nil
            childWrappers.remove(child.handle)
        }
    }

    // MARK: Properties

    /// All properties, in order.
    public var properties: [ICalProperty] {
        Libical.locked { collectProperties(ICAL_ANY_PROPERTY) { _ in true } }
    }

    /// The properties with this name, in order.
    public func properties(named name: ICalPropertyName) -> [ICalProperty] {
        Libical.locked { propertyHandles(named: name).map(wrapProperty) }
    }

    /// The first property with this name, or `nil`.
    public func firstProperty(named name: ICalPropertyName) -> ICalProperty? {
        Libical.locked { propertyHandles(named: name, limit: 1).first.map(wrapProperty) }
    }

    /// The value of the first property with this name, or `nil`.
    public func value(of name: ICalPropertyName) -> ICalValue? {
        Libical.locked { propertyHandles(named: name, limit: 1).first.flatMap(ICalProperty.readValue) }
    }

    /// Adds `property` as the last property; `self` then owns it.
    ///
    /// - Throws: `ICalError.alreadyAttached` if the property belongs to a component.
    public func add(_ property: ICalProperty) throws {
        guard property.parent == nil else { throw ICalError.alreadyAttached }
        Libical.locked {
            icalcomponent_add_property(handle, property.handle)
            property.parent = self
            propertyWrappers.insert(property, for: property.handle)
        }
    }

    /// Creates a property and adds it, without keeping a Swift wrapper for it (the fast path for building).
    ///
    /// - Throws: as `ICalProperty.init(_:_:)`.
    public func addProperty(_ name: ICalPropertyName, _ value: ICalValue) throws {
        try Libical.locked {
            icalcomponent_add_property(handle, try ICalProperty.makeHandle(name, value))
        }
    }

    /// Removes a property of this component; the property then owns its libical object again.
    ///
    /// - Throws: `ICalError.notAChild` if the property is not one of `self`'s.
    public func remove(_ property: ICalProperty) throws {
        guard property.parent === self else { throw ICalError.notAChild }
        Libical.locked {
            icalcomponent_remove_property(handle, property.handle)
            property.parent = nil
            propertyWrappers.remove(property.handle)
        }
    }

    /// Removes and frees every property with this name.
    public func removeProperties(named name: ICalPropertyName) {
        for property in properties(named: name) {
            try? remove(property)
        }
    }

    private func wrapProperty(_ property: OpaquePointer) -> ICalProperty {
        propertyWrappers.wrapper(for: property) { ICalProperty(handle: property, parent: self) }
    }

    private func collectProperties(_ kind: icalproperty_kind, where include: (OpaquePointer) -> Bool) -> [ICalProperty] {
        var result: [ICalProperty] = []
        var property = icalcomponent_get_first_property(handle, kind)
        while let current = property {
            if include(current) { result.append(wrapProperty(current)) }
            property = icalcomponent_get_next_property(handle, kind)
        }
        return result
    }

    /// The libical properties with this name; X- names are matched by their text.
    func propertyHandles(named name: ICalPropertyName, limit: Int = .max) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        let matchText = name.kind == ICAL_X_PROPERTY
        var property = icalcomponent_get_first_property(handle, name.kind)
        while let current = property, result.count < limit {
            if !matchText || ICalProperty.propertyName(current).uppercased() == name.rawValue {
                result.append(current)
            }
            property = icalcomponent_get_next_property(handle, name.kind)
        }
        return result
    }

    // MARK: Serialisation

    /// The component as iCalendar text, produced by libical and re-folded correctly (see `serializeBytes()`).
    ///
    /// - Throws: `ICalError.serializationFailed` if libical produced nothing or malformed line breaks.
    public func serialize() throws -> String {
        String(decoding: try serializeBytes(), as: UTF8.self)
    }

    /// The component as UTF-8 bytes: libical's `icalcomponent_as_ical_string_r` output, unfolded and folded again
    /// so that every line ends in CRLF, has at most 75 octets, splits no UTF-8 character and no continuation line is
    /// empty (libical 3.0.16 folds values of 73, 147 and 148 octets wrongly).
    ///
    /// - Throws: `ICalError.serializationFailed` if libical produced nothing or malformed line breaks.
    public func serializeBytes() throws -> [UInt8] {
        guard let text = Libical.locked({ icalcomponent_as_ical_string_r(handle) }) else {
            throw ICalError.serializationFailed("libical returned no text")
        }
        defer { free(text) }
        let length = strlen(text)
        return try text.withMemoryRebound(to: UInt8.self, capacity: length) {
            try LineFolder.refold(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}

/// Weak references from a parent wrapper to the wrappers of its children, so that each libical object has at most
/// one Swift wrapper.
struct WrapperCache<Wrapper: AnyObject> {
    private struct Entry {
        weak var wrapper: Wrapper?
    }
    private var entries: [OpaquePointer: Entry] = [:]
    private var compactAt = 64

    /// The live wrapper for `handle`, or a new one from `make` (which is then remembered).
    mutating func wrapper(for handle: OpaquePointer, make: () -> Wrapper) -> Wrapper {
        if let existing = entries[handle]?.wrapper {
            return existing
        }
        let created = make()
        insert(created, for: handle)
        return created
    }

    mutating func insert(_ wrapper: Wrapper, for handle: OpaquePointer) {
        entries[handle] = Entry(wrapper: wrapper)
        if entries.count >= compactAt {
            entries = entries.filter { $0.value.wrapper != nil }
            compactAt = max(64, entries.count * 2)
        }
    }

    mutating func remove(_ handle: OpaquePointer) {
        entries[handle] = nil
    }
}
