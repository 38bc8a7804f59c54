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

    init(_ request: Request, creating: Bool) throws {
        var body = try JSONBody(request)
        body.rejectUnknown(allowed: ["name", "email", "phone", "notes"])
        name = creating || body.has("name") ? body.string("name", required: true) : nil
        email = body.patch("email") { $0.email("email") }
        phone = body.patch("phone") { $0.string("phone", maxLength: 40) }
        notes = body.patch("notes") { $0.string("notes", maxLength: 4000) }
        try body.validate()
    }

    func apply(to contact: some Contact) {
        if let name { contact.name = name }
        if let email { contact.email = email }
        if let phone { contact.phone = phone }
        if let notes { contact.notes = notes }
    }
}
