import Fluent
import Vapor

/// Something people get in touch with: a client, a vendor.
protocol Contact: AnyObject {
    var name: String { get set }
    var email: String? { get set }
    var phone: String? { get set }
    var notes: String? { get set }
}

/// The body of a contact (`name`, `email`, `phone`, `notes`), read by one set of rules for clients and vendors:
/// a name is required on creation and cannot be cleared; absent fields are left alone, `null` clears the others.
struct ContactInput: Sendable {
    var name: String?
    var email: String??
    var phone: String??
    var notes: String??

    init(reading body: inout JSONBody, creating: Bool) {
        body.rejectUnknown(allowed: ["name", "email", "phone", "notes"])
        name = creating || body.has("name") ? body.string("name", required: true) : nil
        email = body.patch("email") { $0.email("email") }
        phone = body.patch("phone") { $0.string("phone", maxLength: 40) }
        notes = body.patch("notes") { $0.string("notes", maxLength: 4000) }
    }

    func apply(to contact: some Contact) {
        if let name { contact.name = name }
        if let email { contact.email = email }
        if let phone { contact.phone = phone }
        if let notes { contact.notes = notes }
    }
}

/// Listing, creating and changing contacts — clients under `clients:*`, vendors under `parts:*` — as the API's
/// routes and the catalog pages both do.
enum Contacts {
    /// The organization's contacts of `type`; `name` (a part of it) narrows them.
    static func query<M: Contact & VersionedModel>(
        _ type: M.Type, read: Permission, name: String? = nil, principal: Principal, on db: any Database
    ) throws -> QueryBuilder<M> {
        try principal.require(read)
        let query = principal.query(M.self, on: db)
        if let name, !name.isEmpty {
            query.filter(.path(["name"], schema: M.schema), .contains(inverse: false, .anywhere), .bind(name))
        }
        return query
    }

    static func find<M: Contact & VersionedModel>(
        _ type: M.Type, _ id: UUID, read: Permission, principal: Principal, on db: any Database
    ) async throws -> M {
        try principal.require(read)
        return try await principal.find(M.self, id, on: db)
    }

    static func create<M: Contact & VersionedModel>(
        _ type: M.Type, write: Permission, from body: () throws -> JSONBody, principal: Principal, through request: Request
    ) async throws -> (dto: M.DTO, id: UUID, version: Int) {
        try principal.require(write)
        var body = try body()
        let input = ContactInput(reading: &body, creating: true)
        try body.validate()
        return try await Resources.create(principal: principal, through: request) { _ in
            let contact = M()
            input.apply(to: contact)
            return contact
        }
    }

    static func update<M: Contact & VersionedModel>(
        _ type: M.Type, _ id: UUID, write: Permission, from body: () throws -> JSONBody, expected: [String], principal: Principal,
        through request: Request
    ) async throws -> (dto: M.DTO, version: Int) {
        try principal.require(write)
        _ = try await principal.find(M.self, id, on: request.db)
        var body = try body()
        let input = ContactInput(reading: &body, creating: false)
        try body.validate()
        return try await Resources.update(
            principal: principal, expected: expected, through: request, load: { try await principal.find(M.self, id, on: $0) }
        ) { contact, _ in
            input.apply(to: contact)
        }
    }
}
