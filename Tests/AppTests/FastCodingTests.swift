import Foundation
import Maintenance
import SQLKit
import SQLiteKit
import Testing
import Vapor

@testable import App

/// The hot-path coders give exactly what the library coders they stand in for give.
@Suite("Fast JSON and row coding")
struct FastCodingTests {
    enum Kind: String, Codable { case corrective, preventive }

    struct Nested: Codable, Equatable {
        var name: String
        var tags: [String]
        var at: Date?
    }

    struct Empty: Codable, Equatable {}

    struct Everything: Content {
        var id: UUID
        var ids: [UUID]
        var text: String
        var optionalText: String?
        var number: Int
        var big: Int64
        var unsigned: UInt8
        var ratio: Double
        var whole: Double
        var tiny: Double
        var huge: Double
        var flag: Bool
        var kind: Kind
        var kinds: [Kind]
        var when: Date
        var whenMissing: Date?
        var nested: Nested
        var nestedList: [Nested]
        var optionalNested: Nested?
        var map: [String: Int]
        var blob: Data
        var link: URL
        var empty: Empty
        var mixed: [Int?]
        var json: JSONValue
    }

    static let dates: [Date] = [
        Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_796_335_937.473915), Date(timeIntervalSince1970: -1.5),
        Date(timeIntervalSince1970: -86_400 * 365 * 80 + 0.999), Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
        Date(timeIntervalSince1970: 4_107_542_399.9), Date.distantPast, Date.distantFuture,
        Date(timeIntervalSinceReferenceDate: 0),
    ]

    func sample(_ date: Date, text: String) -> Everything {
        Everything(
            id: UUID(), ids: [UUID(), UUID()], text: text, optionalText: nil, number: -42, big: .max, unsigned: 255, ratio: 0.1,
            whole: 3, tiny: 1e-7, huge: 1.5e300, flag: true, kind: .preventive, kinds: [.corrective, .preventive], when: date,
            whenMissing: nil, nested: Nested(name: "pump", tags: [], at: date), nestedList: [Nested(name: "a", tags: ["x", "y"], at: nil)],
            optionalNested: nil, map: ["one": 1], blob: Data([0, 1, 2, 250]), link: URL(string: "https://example.com/a?b=c")!,
            empty: Empty(), mixed: [1, nil, 3],
            json: .object(["list": .array([.null, .bool(false), .number(2.5), .string("s")])]))
    }

    @Test(arguments: dates)
    func streamingJSONIsWhatTheAPIEncoderWrites(date: Date) throws {
        let texts = ["plain", "quote \" backslash \\ slash / tab \t newline \n", "control \u{01}\u{1F}", "ünïcødé ✓ 🛠", ""]
        for text in texts {
            let value = sample(date, text: text)
            let fast = try StreamingJSONEncoder.bytes(value)
            let foundation = try JSONEncoder.api.encode(value)
            // The same JSON (Foundation writes the keys in hash order, this in declaration order).
            #expect(try JSONDecoder().decode(JSONValue.self, from: Data(fast)) == JSONDecoder().decode(JSONValue.self, from: foundation))
        }
    }

    @Test func anyDateIsWrittenAsFoundationWritesIt() throws {
        var generator = SystemRandomNumberGenerator()
        let dates = (0..<2_000).map { _ in
            Date(timeIntervalSince1970: Double.random(in: -15_000_000_000...250_000_000_000, using: &generator))
        }
        #expect(try StreamingJSONEncoder.bytes(dates) == Array(JSONEncoder.api.encode(dates)))
    }

    @Test func aListPageEncodesAsBefore() throws {
        let page = Page(items: [sample(Date(), text: "a"), sample(Date(), text: "b")], nextCursor: nil)
        let fast = try StreamingJSONEncoder.bytes(page)
        let foundation = try JSONEncoder.api.encode(page)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(fast)) == JSONDecoder().decode(JSONValue.self, from: foundation))
        #expect(String(decoding: fast, as: UTF8.self).hasPrefix(#"{"items":[{"id":""#))
    }

    @Test func numbersJSONCannotHoldAreRefused() {
        for bad in [Double.nan, .infinity, -.infinity] {
            #expect(throws: EncodingError.self) { try StreamingJSONEncoder.bytes(["x": bad]) }
            #expect(throws: EncodingError.self) { try JSONEncoder.api.encode(["x": bad]) }
        }
    }

    /// Every column value a row might hold, read as every type the rows decode directly.
    static let data: [SQLiteData] = [
        .null, .integer(0), .integer(1), .integer(2), .integer(-7), .float(1.5), .float(1_796_335_937.473915), .text(""), .text("text"),
        .text("1"), .text("2026-12-03T20:00:00Z"), .text("2026-12-03 20:00:00"), .text("5D212B5B-3B38-4166-94D0-1AC891B477C3"),
        .text("5d212b5b-3b38-4166-94d0-1ac891b477c3"), .text("5D212B5B3B38416694D01AC891B477C3"),
        .text("5D212B5B-3B38-4166-94D0-1AC891B477CZ"),
        .text("[]"), .text("[ ]"), .text(#"["a","b c"]"#),
        .text(#"["5D212B5B-3B38-4166-94D0-1AC891B477C3","2AC86755-DACB-4856-9539-3FC889FF2987"]"#),
        .text(#"["a\"b"]"#), .text(#"["\u00e9"]"#), .text(#"[1,2]"#), .text("[\"a\",]"), .text("not json"), .blob(.init(bytes: [1, 2, 3])),
    ]

    func agrees<T: Decodable & Equatable>(_ type: T.Type, _ data: SQLiteData) -> Bool {
        let library = try? SQLiteDataDecoder().decode(T.self, from: data)
        guard let direct = FastSQLiteRow.direct(data, as: T.self) else { return true }  // left to the library
        return library == direct
    }

    @Test(arguments: data)
    func rowsReadEachValueAsSQLiteKitDoes(data: SQLiteData) {
        #expect(agrees(String.self, data))
        #expect(agrees(Int.self, data))
        #expect(agrees(Double.self, data))
        #expect(agrees(Bool.self, data))
        #expect(agrees(Date.self, data))
        #expect(agrees(UUID.self, data))
        #expect(agrees([UUID].self, data))
        #expect(agrees([String].self, data))
        #expect(agrees(String?.self, data))
        #expect(agrees(Int?.self, data))
        #expect(agrees(Double?.self, data))
        #expect(agrees(Bool?.self, data))
        #expect(agrees(Date?.self, data))
        #expect(agrees(UUID?.self, data))
        #expect(agrees([UUID]?.self, data))
        #expect(agrees([String]?.self, data))
    }

    @Test func theCommonValuesAreReadDirectly() {
        let id = UUID()
        #expect(FastSQLiteRow.direct(.text(id.uuidString), as: UUID.self) == id)
        #expect(FastSQLiteRow.direct(.text(id.uuidString.lowercased()), as: UUID?.self) == .some(id))
        #expect(FastSQLiteRow.direct(.null, as: UUID?.self) == .some(nil))
        #expect(FastSQLiteRow.direct(.text("[\"\(id.uuidString)\"]"), as: [UUID].self) == [id])
        #expect(FastSQLiteRow.direct(.text("[]"), as: [String].self) == [])
        #expect(FastSQLiteRow.direct(.integer(3), as: Int.self) == 3)
        // Left to SQLiteKit, which decides (and words the error).
        #expect(FastSQLiteRow.direct(.text(#"["a\"b"]"#), as: [String].self) == nil)
        #expect(FastSQLiteRow.direct(.text("nope"), as: UUID.self) == nil)
    }

    @Test func uuidTextRoundTripsAndRefusesWhatFoundationRefuses() {
        for _ in 0..<200 {
            let id = UUID()
            var out: [UInt8] = []
            UUIDText.write(id, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == id.uuidString)
            #expect(UUIDText.parse(id.uuidString) == id)
            #expect(UUIDText.parse(id.uuidString.lowercased()) == id)
        }
        for bad in [
            "", "5D212B5B3B38416694D01AC891B477C3", "5D212B5B-3B38-4166-94D0-1AC891B477C", "5D212B5B-3B38-4166-94D0_1AC891B477C3",
            "5D212B5B-3B38-4166-94D0-1AC891B477C3 ", "GD212B5B-3B38-4166-94D0-1AC891B477C3", "{5D212B5B-3B38-4166-94D0-1AC891B477C3}",
        ] {
            #expect(UUIDText.parse(bad) == nil)
            #expect(UUID(uuidString: bad) == nil)
        }
    }

    // MARK: Values that write themselves, and typed row reads

    static func workOrder(title: String, full: Bool) -> WorkOrder.DTO {
        let date = Date(timeIntervalSince1970: 1_796_335_937.473915)
        func some<T>(_ value: T) -> T? { full ? value : nil }
        return WorkOrder.DTO(
            id: UUID(), number: "WO-0042", title: title, description: some("Leaks \"badly\"\n again"), type: .preventive,
            priority: .critical, status: .inProgress, allowedActions: [.hold, .complete], source: .manual, siteId: UUID(),
            assetId: some(UUID()), locationId: some(UUID()), teamId: some(UUID()), assigneeIds: full ? [UUID(), UUID()] : [],
            dueAt: some(date), overdue: full, estimatedMinutes: some(-5), createdByUserId: some(UUID()), requestedByUserId: some(UUID()),
            resolutionNote: some("ünïcødé ✓ 🛠"), statusReason: some("\u{01}\t"), problemCodeId: some(UUID()), causeCodeId: some(UUID()),
            remedyCodeId: some(UUID()), faultCodes: full ? ["F004", "a\"b"] : [], startedAt: some(Date(timeIntervalSince1970: -1.5)),
            completedAt: some(Date.distantFuture), completedByUserId: some(UUID()), pmScheduleId: some(UUID()),
            pmDueAt: some(Date(timeIntervalSince1970: 951_782_400)), parentWorkOrderId: some(UUID()), diagnosisId: some(UUID()),
            version: 7, createdAt: some(date), updatedAt: some(Date(timeIntervalSince1970: 0)))
    }

    @Test("a work order writes itself exactly as it encodes")
    func workOrdersWriteWhatTheyEncode() throws {
        let full = Self.workOrder(title: "Pump \"P-7\" / seal", full: true)
        // Every member set: one the writer left out would show as a difference.
        #expect(
            Mirror(reflecting: full).children.allSatisfy { child in
                guard let optional = child.value as? any OptionalProtocol else { return true }
                return !optional.isNone
            })
        for value in [full, Self.workOrder(title: "", full: false)] {
            let written = try StreamingJSONEncoder.bytes(value)
            let encoded = try StreamingJSONEncoder.bytes(value, writable: false)
            #expect(String(decoding: written, as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
            let foundation = try JSONEncoder.api.encode(value)
            #expect(try JSONDecoder().decode(JSONValue.self, from: Data(written)) == JSONDecoder().decode(JSONValue.self, from: foundation))
        }
    }

    @Test("a page of work orders writes itself exactly as it encodes, with or without a next cursor")
    func pagesWriteWhatTheyEncode() throws {
        for cursor in [nil, "eyJzIjoiLWR1ZUF0In0"] {
            for items in [[], [Self.workOrder(title: "a", full: true), Self.workOrder(title: "b", full: false)]] {
                let page = Page(items: items, nextCursor: cursor)
                let written = try StreamingJSONEncoder.bytes(page)
                #expect(written == (try StreamingJSONEncoder.bytes(page, writable: false)))
                #expect(String(decoding: written, as: UTF8.self).contains(#""nextCursor":"#))
            }
        }
    }

    /// A row that is not a ``FastSQLiteRow``: ``RowReader`` reads it through `decode(column:as:)`.
    struct LibraryRow: SQLRow {
        let data: SQLiteData
        var allColumns: [String] { ["c"] }
        func contains(column: String) -> Bool { column == "c" }
        func decodeNil(column: String) throws -> Bool { data == .null }
        func decode<D: Decodable>(column: String, as type: D.Type) throws -> D { try SQLiteDataDecoder().decode(D.self, from: data) }
    }

    func same<T: Equatable>(_ read: (RowReader) throws -> T, _ data: SQLiteData) -> Bool {
        let fast = RowReader(FastSQLiteRow(columns: SQLiteColumnNames(["c"]), values: [data]))
        let library = RowReader(LibraryRow(data: data))
        switch (Result { try read(fast) }, Result { try read(library) }) {
        case (.success(let a), .success(let b)): return a == b
        case (.failure, .failure): return true
        default: return false
        }
    }

    @Test("typed row reads give what the library decoder gives", arguments: data)
    func typedRowReadsAgreeWithTheLibrary(data: SQLiteData) {
        #expect(same({ try $0.uuid("c") }, data))
        #expect(same({ try $0.optionalUUID("c") }, data))
        #expect(same({ try $0.string("c") }, data))
        #expect(same({ try $0.optionalString("c") }, data))
        #expect(same({ try $0.int("c") }, data))
        #expect(same({ try $0.optionalInt("c") }, data))
        #expect(same({ try $0.bool("c") }, data))
        #expect(same({ try $0.date("c") }, data))
        #expect(same({ try $0.optionalDate("c") }, data))
        #expect(same({ try $0.uuids("c") }, data))
        #expect(same({ try $0.optionalStrings("c") }, data))
        #expect(same({ try $0.enum("c", as: WorkOrderStatus.self) }, data))
    }

    @Test("GET /me's answer writes itself exactly as it encodes")
    func meWritesWhatItEncodes() throws {
        let organization = OrganizationDTO(
            id: UUID(), name: "Acme \"North\"", settings: .init(requireFailureCodes: true, allowNegativeStock: false, publicRequests: true),
            version: 3, createdAt: Date(timeIntervalSince1970: 1_796_335_937.4), updatedAt: Date(timeIntervalSince1970: 0))
        let full = MeController.MeDTO(
            organization: organization, user: .init(id: UUID(), email: "a@b.c", name: "Ann ✓", mustChangePassword: true),
            apiKey: .init(id: UUID(), name: "ci"), role: .manager, siteIds: [UUID()], permissions: ["a", "b"], credential: "session")
        #expect(Mirror(reflecting: full).children.allSatisfy { ($0.value as? any OptionalProtocol)?.isNone != true })
        var sparse = full
        (sparse.user, sparse.apiKey, sparse.role, sparse.siteIds) = (nil, nil, nil, nil)
        sparse.organization.createdAt = nil
        for value in [full, sparse] {
            let written = try StreamingJSONEncoder.bytes(value)
            #expect(
                String(decoding: written, as: UTF8.self)
                    == String(decoding: try StreamingJSONEncoder.bytes(value, writable: false), as: UTF8.self))
        }
    }

    @Test("a work order's number reads as String(format:) pads it")
    func displayNumbersArePadded() {
        for number in [0, 1, 42, 99_999, 999_999, 1_000_000, 123_456_789, -5, -99_999, -123_456] {
            #expect(WorkOrder.displayNumber(number) == "WO-" + String(format: "%06d", number), "\(number)")
        }
    }

    @Test("a query parameter reads as Vapor's query decoder reads it")
    func queryParametersReadAsVaporReadsThem() async throws {
        let queries = [
            "", "status=open", "q=pump+seal&limit=5", "q=%E2%9C%93%20ok&sort=-dueAt", "a=1&a=2", "a[b]=1&q=x", "q=50%", "q=a=b",
            "flag&q=x", "q=&limit=", "x=1&&y=2", "%71=named", "q=%2B%26",
        ]
        try await withTestApp { app in
            for query in queries {
                let request = Request(application: app, url: URI(string: "/x?" + query), on: app.eventLoopGroup.next())
                for name in ["status", "q", "limit", "sort", "a", "x", "y", "flag", "missing"] {
                    #expect(request.queryParameter(name) == request.query[String.self, at: name], "\(query) \(name)")
                }
            }
        }
    }
}

private protocol OptionalProtocol { var isNone: Bool { get } }
extension Optional: OptionalProtocol { var isNone: Bool { self == nil } }
