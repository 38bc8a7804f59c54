import Foundation
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
}
