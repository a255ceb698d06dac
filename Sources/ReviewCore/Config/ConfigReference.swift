/// A mention, in one entry, of another entry's id, checked once every file has been read.
struct ConfigReference {
    /// The list the id must be declared in.
    let target: ConfigCollection
    /// The id mentioned.
    let id: String
    /// The list of the entry that mentions it.
    let source: ConfigCollection
    /// The id of the entry that mentions it, when known.
    let owner: String?
    /// The entry that mentions it, as messages name it, e.g. "đơn vị 'db-tan-may'".
    let subject: String
    /// The field that holds it, e.g. `inCharge`.
    let field: String
    /// Where the id is written.
    let position: ConfigPosition
}
