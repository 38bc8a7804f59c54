import Foundation
import SQLKit
import SQLiteKit

/// SQLKit on SQLite, with rows that decode their common column types directly.
///
/// SQLiteKit decodes every value through `Decodable` (a UUID is a nested single-value decoder, then Foundation's
/// `UUID(uuidString:)`, which scans with `sscanf`), and that was a fifth of a 50-row list. This database serialises
/// and binds exactly as SQLiteKit does, and hands out ``FastSQLiteRow``s, which read text, integers, reals, dates,
/// UUIDs and JSON lists of strings or UUIDs straight from the `SQLiteData` and leave every other type to
/// SQLiteKit's decoder; a value reads the same either way (`FastCodingTests`).
struct FastSQLiteDatabase: SQLDatabase {
    let base: any SQLDatabase
    let sqlite: any SQLiteDatabase

    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    private func prepare(_ query: any SQLExpression) throws -> (String, [SQLiteData]) {
        let (sql, binds) = base.serialize(query)
        if let level = queryLogLevel {
            logger.log(level: level, "Executing query", metadata: ["sql": .string(sql), "binds": .array(binds.map { .string("\($0)") })])
        }
        let encoder = SQLiteDataEncoder()
        return (sql, try binds.map { try encoder.encode($0) })
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        do {
            let (sql, binds) = try prepare(query)
            return sqlite.query(sql, binds) { onRow(FastSQLiteRow(row: $0)) }
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = try prepare(query)
        try await sqlite.query(sql, binds) { onRow(FastSQLiteRow(row: $0)) }
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await base.withSession { session in
            guard let sqlite = session as? any SQLiteDatabase else { return try await closure(session) }
            return try await closure(FastSQLiteDatabase(base: session, sqlite: sqlite))
        }
    }
}

/// A SQLite row read through SQLKit (see ``FastSQLiteDatabase`` and ``SQLiteReaders``).
struct FastSQLiteRow: SQLRow {
    let columns: SQLiteColumnNames
    let values: [SQLiteData]

    init(columns: SQLiteColumnNames, values: [SQLiteData]) {
        self.columns = columns
        self.values = values
    }

    /// A row SQLite-NIO read (inside a transaction, or a write's returned row).
    init(row: SQLiteRow) {
        let columns = row.columns
        self.init(columns: SQLiteColumnNames(columns.map(\.name)), values: columns.map(\.data))
    }

    /// The value of `column`, nil if the row has no such column.
    func value(_ column: String) -> SQLiteData? {
        columns.position(of: column).map { values[$0] }
    }

    private func data(_ column: String) -> SQLiteData? { value(column) }

    /// A JSON list of UUIDs as Fluent stores one on SQLite, or nil to leave it to SQLiteKit's decoder.
    static func uuids(_ data: SQLiteData) -> [UUID]? { list(data, element: UUIDText.parse) }

    /// A JSON list of strings as Fluent stores one on SQLite, or nil to leave it to SQLiteKit's decoder.
    static func strings(_ data: SQLiteData) -> [String]? { list(data, element: { $0 }) }

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { data(column) != nil }

    func decodeNil(column: String) throws -> Bool { (data(column) ?? .null) == .null }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let data = data(column) else {
            throw DecodingError.valueNotFound(D.self, .init(codingPath: [], debugDescription: "The row has no column \(column)."))
        }
        if let value = Self.direct(data, as: D.self) { return value }
        return try SQLiteDataDecoder().decode(D.self, from: data)
    }

    /// `data` as `D` for the types a row usually holds, or nil to leave it to SQLiteKit's decoder (which also
    /// produces the errors). Each case gives what SQLiteKit gives for it.
    static func direct<D>(_ data: SQLiteData, as type: D.Type) -> D? {
        switch ObjectIdentifier(type) {
        case ObjectIdentifier(String.self): return same(String(sqliteData: data))
        case ObjectIdentifier(Int.self): return same(Int(sqliteData: data))
        case ObjectIdentifier(Double.self): return same(Double(sqliteData: data))
        case ObjectIdentifier(Bool.self): return same(Bool(sqliteData: data))
        case ObjectIdentifier(Date.self): return same(Date(sqliteData: data))
        case ObjectIdentifier(UUID.self): return same(uuid(data))
        case ObjectIdentifier(([UUID]).self): return same(list(data, element: UUIDText.parse))
        case ObjectIdentifier(([String]).self): return same(list(data, element: { $0 }))
        case ObjectIdentifier((String?).self): return same(optional(data, { String(sqliteData: $0) }))
        case ObjectIdentifier((Int?).self): return same(optional(data, { Int(sqliteData: $0) }))
        case ObjectIdentifier((Double?).self): return same(optional(data, { Double(sqliteData: $0) }))
        case ObjectIdentifier((Bool?).self): return same(optional(data, { Bool(sqliteData: $0) }))
        case ObjectIdentifier((Date?).self): return same(optional(data, { Date(sqliteData: $0) }))
        case ObjectIdentifier((UUID?).self): return same(optional(data, uuid))
        case ObjectIdentifier(([UUID]?).self): return same(optional(data, { list($0, element: UUIDText.parse) }))
        case ObjectIdentifier(([String]?).self): return same(optional(data, { list($0, element: { $0 }) }))
        default: return nil
        }
    }

    /// `value` as `D`, which the caller has checked is `T`.
    private static func same<T, D>(_ value: T?) -> D? {
        value.map { unsafeBitCast($0, to: D.self) }
    }

    /// `.some(nil)` for NULL, `.some(value)` when it converts, nil (leave it to SQLiteKit) otherwise.
    private static func optional<T>(_ data: SQLiteData, _ convert: (SQLiteData) -> T?) -> T?? {
        if data == .null { return .some(nil) }
        return convert(data).map { .some($0) }
    }

    private static func uuid(_ data: SQLiteData) -> UUID? {
        guard case .text(let text) = data else { return nil }
        return UUIDText.parse(text)
    }

    /// A JSON array of plain strings (no escapes), as Fluent stores a list column on SQLite; anything else is
    /// left to the JSON decoder.
    private static func list<T>(_ data: SQLiteData, element: (String) -> T?) -> [T]? {
        guard case .text(let text) = data else { return nil }
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]"), !bytes.contains(UInt8(ascii: "\\")) else { return nil }
        var items: [T] = []
        var index = 1
        let end = bytes.count - 1
        func skipSpace() {
            while index < end, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
        }
        skipSpace()
        if index == end { return items }
        while true {
            guard index < end, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            guard let close = bytes[start..<end].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            guard let item = element(String(decoding: bytes[start..<close], as: UTF8.self)) else { return nil }
            items.append(item)
            index = close + 1
            skipSpace()
            if index == end { return items }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
            skipSpace()
        }
    }
}

/// A UUID's 36-character text form, read and written without Foundation's `sscanf`/`sprintf` path.
enum UUIDText {
    /// The UUID `text` spells (either case, hyphenated), or nil: accepts exactly what `UUID(uuidString:)` does.
    static func parse(_ text: String) -> UUID? {
        var utf8 = text.utf8
        if let value = utf8.withContiguousStorageIfAvailable({ parse(bytes: $0) }) { return value }
        var copy = text
        copy.makeContiguousUTF8()
        utf8 = copy.utf8
        return utf8.withContiguousStorageIfAvailable { parse(bytes: $0) } ?? nil
    }

    private static func parse(bytes: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard bytes.count == 36 else { return nil }
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var index = 0
        let parsed = withUnsafeMutableBytes(of: &value) { out -> Bool in
            for byte in 0..<16 {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard bytes[index] == UInt8(ascii: "-") else { return false }
                    index += 1
                }
                guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return false }
                out[byte] = high << 4 | low
                index += 2
            }
            return true
        }
        return parsed ? UUID(uuid: value) : nil
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Appends `id`'s upper-case text form (`UUID.uuidString`) to `out`.
    static func write(_ id: UUID, into out: inout [UInt8]) {
        // 36 bytes written in place, then appended at once.
        var text: (UInt64, UInt64, UInt64, UInt64, UInt32) = (0, 0, 0, 0, 0)
        withUnsafeBytes(of: id.uuid) { bytes in
            withUnsafeMutableBytes(of: &text) { slots in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        slots[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    slots[position] = hexDigit(byte >> 4)
                    slots[position + 1] = hexDigit(byte & 0x0F)
                    position += 2
                }
            }
        }
        withUnsafeBytes(of: &text) { out.append(contentsOf: $0) }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") + nibble - 10
    }
}
