import Fluent
import Foundation
import Vapor

/// A web session as the server keeps it. The cookie holds a random token; the row holds only its SHA-256, so a
/// copy of the database opens no browser's session.
final class WebSessionRecord: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    /// Who is signed in through it (nil before sign-in: a sign-in page's CSRF token lives in such a session).
    @OptionalField(key: "user_id") var userID: UUID?
    @OptionalField(key: "organization_id") var organizationID: UUID?
    /// The session's data (`SessionData`) as JSON.
    @Field(key: "data") var data: String
    /// When the session began: a sign-in always begins a new one, so this is the sign-in time for the lifetime limit.
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date

    init() {}

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] { [_id, _tokenHash, _userID, _organizationID, _data, _createdAt, _lastSeenAt] }
}

/// Keeps web sessions in the database and ends them on the server: after `sessionIdleTimeout` without a request,
/// `sessionLifetime` after they began, and whenever ``WebSessions/end(userID:organizationID:except:on:)`` is told to
/// (a password change, an admin's reset, a member's removal, "sign out other sessions").
struct WebSessionStore: AsyncSessionDriver {
    /// What the request read, so an answer that changed nothing writes nothing (but the last-seen time, once a minute).
    private struct Loaded: StorageKey {
        typealias Value = (data: [String: String], lastSeenAt: Date)
    }

    /// A session seen within this long is not written again just to move its last-seen time.
    static let touchInterval: TimeInterval = 60

    /// A session last seen before `idle`, or begun before `begun`, has ended.
    struct Cutoffs {
        var idle: Date
        var begun: Date

        init(_ config: AppConfig, now: Date) {
            idle = now.addingTimeInterval(-config.sessionIdleTimeout)
            begun = now.addingTimeInterval(-config.sessionLifetime)
        }

        func hasEnded(createdAt: Date, lastSeenAt: Date) -> Bool { lastSeenAt < idle || createdAt < begun }
    }

    func createSession(_ data: SessionData, for request: Request) async throws -> SessionID {
        let token = Secrets.randomToken(length: 43)
        let now = Date()
        let cutoffs = Cutoffs(request.application.config, now: now)
        let record = WebSessionRecord()
        record.tokenHash = Secrets.sha256Hex(token)
        record.createdAt = now
        record.lastSeenAt = now
        try record.fill(from: data)
        try await request.write { db in
            // Sessions are made one at a time, so clearing out the expired ones here keeps the table small.
            try await WebSessionRecord.query(on: db).group(.or) {
                $0.filter(\.$lastSeenAt < cutoffs.idle).filter(\.$createdAt < cutoffs.begun)
            }.delete()
            try await record.create(on: db)
        }
        return SessionID(string: token)
    }

    func readSession(_ sessionID: SessionID, for request: Request) async throws -> SessionData? {
        // Written out: this runs on every page.
        guard
            let row = try await request.db.sql.raw(
                """
                SELECT "data", "created_at", "last_seen_at" FROM "web_sessions" WHERE "token_hash" = \(bind: Secrets.sha256Hex(sessionID.string))
                """
            ).first().map(RowReader.init)
        else { return nil }
        let (createdAt, lastSeenAt) = (try row.date("created_at"), try row.date("last_seen_at"))
        if Cutoffs(request.application.config, now: Date()).hasEnded(createdAt: createdAt, lastSeenAt: lastSeenAt) {
            try await deleteSession(sessionID, for: request)
            return nil
        }
        let data = try JSONDecoder().decode([String: String].self, from: Data(try row.string("data").utf8))
        request.storage[Loaded.self] = (data, lastSeenAt)
        return SessionData(initialData: data)
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) async throws -> SessionID {
        let now = Date()
        if let loaded = request.storage[Loaded.self], loaded.data == data.snapshot,
            now.timeIntervalSince(loaded.lastSeenAt) < Self.touchInterval
        {
            return sessionID
        }
        let hash = Secrets.sha256Hex(sessionID.string)
        let fields = WebSessionRecord()
        try fields.fill(from: data)
        let updated = try await request.write { db -> Bool in
            guard let record = try await WebSessionRecord.query(on: db).filter(\.$tokenHash == hash).first() else { return false }
            (record.userID, record.organizationID, record.data, record.lastSeenAt) = (
                fields.userID, fields.organizationID, fields.data, now
            )
            try await record.update(on: db)
            return true
        }
        // Ended while this request ran (signed out elsewhere, password changed): it is not brought back.
        return updated ? sessionID : try await createSession(SessionData(initialData: [:]), for: request)
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) async throws {
        let hash = Secrets.sha256Hex(sessionID.string)
        try await request.write { db in try await WebSessionRecord.query(on: db).filter(\.$tokenHash == hash).delete() }
    }
}

extension WebSessionRecord {
    fileprivate func fill(from data: SessionData) throws {
        let snapshot = data.snapshot
        userID = snapshot["userID"].flatMap(UUID.init(uuidString:))
        organizationID = snapshot["organizationID"].flatMap(UUID.init(uuidString:))
        self.data = String(decoding: try JSONEncoder.canonical.encode(snapshot), as: UTF8.self)
    }
}

/// Ending sessions on the server.
enum WebSessions {
    /// Ends every session of `userID` (in `organizationID` only, when given), but the one `except` names. Call it in
    /// the transaction that changes the password or the membership, so both land together.
    static func end(userID: UUID, organizationID: UUID? = nil, except current: SessionID? = nil, on db: any Database) async throws {
        var query = WebSessionRecord.query(on: db).filter(\.$userID == userID)
        if let organizationID { query = query.filter(\.$organizationID == organizationID) }
        if let current { query = query.filter(\.$tokenHash != Secrets.sha256Hex(current.string)) }
        try await query.delete()
    }

    /// Gives the request's session a new id when the answer is sent, and ends the old one now: at sign-in and at every
    /// change of privilege, so an id planted before (session fixation) or seen before is worth nothing after.
    static func renewID(_ request: Request) async throws {
        if let old = request.session.id { try await request.application.sessions.driver.deleteSession(old, for: request).get() }
        request.session.id = nil
    }
}
