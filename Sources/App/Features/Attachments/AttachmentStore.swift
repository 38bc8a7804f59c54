import Crypto
import Fluent
import Foundation
import Vapor

/// Keeps uploaded files under `<data dir>/attachments/<organization>/<id>`, after checking their size and that
/// their bytes are what they claim to be.
enum AttachmentStore {
    /// The kinds of file accepted, recognised by their first bytes rather than by the name or the header a
    /// client sends, which cost nothing to fake.
    static func sniff(_ bytes: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && Array(bytes.prefix(prefix.count)) == prefix }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if bytes.count >= 12, starts(Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        return nil
    }

    static let accepted = "JPEG, PNG, GIF, WebP images and PDF documents"

    /// The uploaded file from a `multipart/form-data` body's `file` part, checked; throws a 4xx naming the
    /// problem otherwise.
    static func readUpload(_ request: Request) throws -> (filename: String, contentType: String, bytes: [UInt8]) {
        guard let type = request.headers.contentType, type.type == "multipart", type.subType == "form-data" else {
            throw AppError.unsupportedMediaType("Send the file as multipart/form-data in a part named file.")
        }
        struct Upload: Content { var file: File? }
        try MultipartGuard.check(request)
        let upload: Upload
        do {
            upload = try request.content.decode(Upload.self)
        } catch {
            throw AppError.badRequest("The multipart body could not be read.", [FieldProblem(field: "file", message: "could not be read")])
        }
        guard let file = upload.file, file.data.readableBytes > 0 else {
            throw AppError.invalid("file", "is required and must not be empty")
        }
        let limit = request.application.config.maxAttachmentSize
        guard file.data.readableBytes <= limit else {
            throw AppError.payloadTooLarge("The file is larger than the limit of \(limit) bytes.")
        }
        let bytes = Array(file.data.readableBytesView)
        guard let contentType = sniff(bytes) else {
            throw AppError.unsupportedMediaType("Only \(accepted) are accepted; this file is none of them.")
        }
        let name = String(file.filename.split(separator: "/").last ?? "file").prefix(200)
        return (named(name.isEmpty ? "file" : String(name), as: contentType), contentType, bytes)
    }

    /// The file extensions each accepted type goes by; the first is the one given to a name that has none of them.
    static let extensions: [String: [String]] = [
        "image/jpeg": ["jpg", "jpeg"], "image/png": ["png"], "image/gif": ["gif"], "image/webp": ["webp"], "application/pdf": ["pdf"],
    ]

    /// The uploaded name, made to say what the file is: `virus.exe` holding a PDF is kept as `virus.exe.pdf`, so a
    /// download never carries a name that invites opening it as something else.
    static func named(_ name: String, as contentType: String) -> String {
        guard let known = extensions[contentType], let first = known.first else { return name }
        let ext = (name as NSString).pathExtension.lowercased()
        return known.contains(ext) ? name : "\(name).\(first)"
    }

    /// Writes the bytes and makes the row (not saved). The file is written before the row is committed; a
    /// failed transaction leaves an orphan file, never a row without its file.
    static func store(
        _ upload: (filename: String, contentType: String, bytes: [UInt8]), organizationID: UUID, userID: UUID?, dataDirectory: String
    ) throws -> Attachment {
        let attachment = Attachment()
        let id = UUID()
        attachment.id = id
        attachment.organizationID = organizationID
        attachment.filename = upload.filename
        attachment.contentType = upload.contentType
        attachment.size = upload.bytes.count
        attachment.sha256 = SHA256.hash(data: upload.bytes).hexString
        attachment.path = "attachments/\(organizationID.uuidString.lowercased())/\(id.uuidString.lowercased())"
        attachment.uploadedByUserID = userID
        let url = URL(fileURLWithPath: dataDirectory).appendingPathComponent(attachment.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(upload.bytes).write(to: url, options: .atomic)
        return attachment
    }

    static func contents(of attachment: Attachment, dataDirectory: String) throws -> Data {
        let url = URL(fileURLWithPath: dataDirectory).appendingPathComponent(attachment.path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw AppError.notFound("The file of this attachment is missing from the data directory.")
        }
        return data
    }

    /// Stores `upload`, links it with `link` (which also checks the principal may reach what it is attached to) and
    /// audits it, in one transaction.
    static func add(
        _ upload: (filename: String, contentType: String, bytes: [UInt8]), principal: Principal, through request: Request,
        link: @escaping @Sendable (any Database, Attachment) async throws -> Void
    ) async throws -> Attachment.DTO {
        let context = try request.auditContext(principal)
        let dataDirectory = request.application.config.dataDirectory
        return try await request.write { db -> Attachment.DTO in
            let attachment = try store(
                upload, organizationID: principal.organizationID, userID: principal.userID, dataDirectory: dataDirectory)
            try await link(db, attachment)
            try await attachment.create(on: db)
            try await AuditLog.record(
                "attachment.added", entityType: "attachment", entityID: attachment.id, after: attachment.dto,
                organizationID: principal.organizationID, context: context, on: db)
            return attachment.dto
        }
    }
}
