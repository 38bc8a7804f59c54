import Fluent
import SQLKit
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
    /// One page of the organization's contacts of `type`, their name holding `name` when given, in one of
    /// `sorts`, decoded straight from the rows: the API's lists and the catalogue pages'.
    static func list<M: Contact & VersionedModel>(
        _ type: M.Type, read: Permission, name: String? = nil, sorts: [SortColumn], _ parameters: ListParameters, principal: Principal,
        on db: any Database
    ) async throws -> (items: [M.DTO], nextCursor: String?) where M.DTO: ContactRow {
        try principal.require(read)
        let select = principal.scoped(try db.sql.select().from(M.schema), table: M.schema, siteColumn: nil)
        if let name, !name.isEmpty { select.where(PlainColumn("name", table: M.schema), .like, SQLBind("%" + name + "%")) }
        return try await select.page(parameters, sorts: sorts, as: M.DTO.self)
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

/// A contact's DTO (a client's, a vendor's: the same shape), read straight from its row.
protocol ContactRow: RowDecodable, Content {
    var id: UUID { get }
    var name: String { get }
    var email: String? { get }
    var phone: String? { get }
    var notes: String? { get }
    var version: Int { get }
    init(id: UUID, name: String, email: String?, phone: String?, notes: String?, version: Int, createdAt: Date?, updatedAt: Date?)
}

extension ContactRow {
    static var columns: [String] { ["id", "name", "email", "phone", "notes", "version", "created_at", "updated_at"] }

    init(row: RowReader) throws {
        self.init(
            id: try row.uuid("id"), name: try row.string("name"), email: try row.optionalString("email"),
            phone: try row.optionalString("phone"),
            notes: try row.optionalString("notes"), version: try row.int("version"), createdAt: try row.optionalDate("created_at"),
            updatedAt: try row.optionalDate("updated_at"))
    }
}
