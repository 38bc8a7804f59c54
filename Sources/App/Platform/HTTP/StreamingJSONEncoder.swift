import Foundation
import NIOCore
import Vapor

/// The API's JSON encoder: writes the bytes as a value hands over its fields, with no tree of values in between.
///
/// Foundation's `JSONEncoder` builds a tree of boxed values, then serialises it; on a list of 50 work orders that
/// was a quarter of the request. This writes the same JSON as ``JSONEncoder/api`` — keys in the order the value
/// encodes them, nil optionals left out, dates in ISO 8601 UTC without fractions, UUIDs upper-case, `Data` as
/// base64, non-finite numbers refused — except that it leaves `/` unescaped (`FastCodingTests` compares
/// the two on every kind of value the API sends).
struct StreamingJSONEncoder: ContentEncoder {
    func encode<E: Encodable>(_ encodable: E, to body: inout ByteBuffer, headers: inout HTTPHeaders) throws {
        try encode(encodable, to: &body, headers: &headers, userInfo: [:])
    }

    func encode<E: Encodable>(
        _ encodable: E, to body: inout ByteBuffer, headers: inout HTTPHeaders, userInfo: [CodingUserInfoKey: any Sendable]
    ) throws {
        headers.contentType = .json
        body.writeBytes(try Self.bytes(encodable, userInfo: userInfo))
    }

    /// `value` as JSON.
    ///
    /// A value that writes itself (``JSONWritable``) does so unless `writable` is false (the tests compare both).
    static func bytes<E: Encodable>(_ value: E, userInfo: [CodingUserInfoKey: any Sendable] = [:], writable: Bool = true) throws
        -> [UInt8]
    {
        if writable, let value = value as? any JSONWritable {
            var out: [UInt8] = []
            out.reserveCapacity(4096)
            value.writeJSON(into: &out)
            return out
        }
        let writer = JSONStreamWriter(userInfo: userInfo)
        try writer.value(value, codingPath: [])
        writer.closeAll()
        guard !writer.outOfOrder else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "A container was written to after a later sibling."))
        }
        return writer.out
    }
}

/// The output and the stack of open objects and arrays. Containers close lazily: when a value is written at a
/// shallower depth, or at the end (``closeAll()``), every deeper container still open is closed first.
private final class JSONStreamWriter {
    var out: [UInt8] = []
    /// For each open container: whether it is an array, and how many members it has so far.
    var open: [(array: Bool, count: Int)] = []
    var outOfOrder = false
    let userInfo: [CodingUserInfoKey: Any]

    init(userInfo: [CodingUserInfoKey: any Sendable]) {
        self.userInfo = userInfo
        out.reserveCapacity(4096)
    }

    func close(to depth: Int) {
        while open.count > depth {
            out.append(open.removeLast().array ? UInt8(ascii: "]") : UInt8(ascii: "}"))
        }
    }

    func closeAll() { close(to: 0) }

    /// Starts a member of the container at `depth`: closes deeper ones, writes the separator and the key.
    func member(at depth: Int, key: (any CodingKey)?) {
        guard depth < open.count else {
            // A container written to after a sibling: Codable allows it, a stream cannot; `bytes` refuses.
            outOfOrder = true
            return
        }
        close(to: depth + 1)
        if open[depth].count > 0 { out.append(UInt8(ascii: ",")) }
        open[depth].count += 1
        if let key {
            string(key.stringValue)
            out.append(UInt8(ascii: ":"))
        }
    }

    func push(array: Bool) -> Int {
        out.append(array ? UInt8(ascii: "[") : UInt8(ascii: "{"))
        open.append((array, 0))
        return open.count - 1
    }

    /// Writes one value whose slot (key or separator) is already written.
    func value<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        switch ObjectIdentifier(T.self) {
        case ObjectIdentifier(Date.self): iso8601(unsafeBitCast(value, to: Date.self))
        case ObjectIdentifier(UUID.self):
            out.append(UInt8(ascii: "\""))
            UUIDText.write(unsafeBitCast(value, to: UUID.self), into: &out)
            out.append(UInt8(ascii: "\""))
        case ObjectIdentifier(Data.self): string(unsafeBitCast(value, to: Data.self).base64EncodedString())
        case ObjectIdentifier(URL.self): string(unsafeBitCast(value, to: URL.self).absoluteString)
        case ObjectIdentifier(Decimal.self): out.append(contentsOf: unsafeBitCast(value, to: Decimal.self).description.utf8)
        default:
            let start = out.count
            let depth = open.count
            try value.encode(to: JSONStreamEncoding(writer: self, codingPath: codingPath, depth: depth))
            // A value that wrote nothing is an empty object, as JSONEncoder writes it.
            if out.count == start, open.count == depth { out.append(contentsOf: "{}".utf8) }
        }
    }

    func string(_ text: String) { JSONText.string(text, into: &out) }

    func integer(_ value: some BinaryInteger) { JSONText.integer(value, into: &out) }

    func double(_ value: Double, codingPath: [any CodingKey]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "Unable to encode \(value) directly in JSON."))
        }
        if value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value))
        } else {
            out.append(contentsOf: value.description.utf8)
        }
    }

    func iso8601(_ date: Date) { JSONText.iso8601(date, into: &out) }
}

/// The `Encoder` a value encodes itself to: one slot in the output, at `depth` open containers.
private struct JSONStreamEncoding: Encoder {
    let writer: JSONStreamWriter
    let codingPath: [any CodingKey]
    let depth: Int
    var userInfo: [CodingUserInfoKey: Any] { writer.userInfo }

    /// The container this value opened, if it asks again (as a subclass and its superclass both do).
    private func reopened(array: Bool) -> Int? {
        writer.open.count > depth && writer.open[depth].array == array ? depth : nil
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let index = reopened(array: false) ?? writer.push(array: false)
        return KeyedEncodingContainer(JSONStreamKeyed<Key>(writer: writer, codingPath: codingPath, index: index))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        JSONStreamUnkeyed(writer: writer, codingPath: codingPath, index: reopened(array: true) ?? writer.push(array: true))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        JSONStreamSingle(writer: writer, codingPath: codingPath)
    }
}

private struct JSONStreamKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: JSONStreamWriter
    let codingPath: [any CodingKey]
    let index: Int

    private func slot(_ key: Key) { writer.member(at: index, key: key) }

    mutating func encodeNil(forKey key: Key) throws {
        slot(key)
        writer.out.append(contentsOf: "null".utf8)
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws {
        slot(key)
        writer.out.append(contentsOf: (value ? "true" : "false").utf8)
    }
    mutating func encode(_ value: String, forKey key: Key) throws {
        slot(key)
        writer.string(value)
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        slot(key)
        try writer.double(value, codingPath: codingPath + [key])
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        slot(key)
        try writer.double(Double(value), codingPath: codingPath + [key])
    }
    mutating func encode(_ value: Int, forKey key: Key) throws {
        slot(key)
        writer.integer(value)
    }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try encode(Int(value), forKey: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws {
        slot(key)
        writer.integer(value)
    }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
        slot(key)
        writer.integer(value)
    }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try encode(UInt(value), forKey: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        slot(key)
        writer.integer(value)
    }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        slot(key)
        try writer.value(value, codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        slot(key)
        return KeyedEncodingContainer(
            JSONStreamKeyed<NestedKey>(writer: writer, codingPath: codingPath + [key], index: writer.push(array: false)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        slot(key)
        return JSONStreamUnkeyed(writer: writer, codingPath: codingPath + [key], index: writer.push(array: true))
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        slot(key)
        return JSONStreamEncoding(writer: writer, codingPath: codingPath + [key], depth: writer.open.count)
    }
}

private struct JSONStreamUnkeyed: UnkeyedEncodingContainer {
    let writer: JSONStreamWriter
    let codingPath: [any CodingKey]
    let index: Int
    var count: Int { writer.open.count > index ? writer.open[index].count : 0 }

    private func slot() { writer.member(at: index, key: nil) }
    private var elementPath: [any CodingKey] { codingPath + [ArrayIndexKey(count)] }

    mutating func encodeNil() throws {
        slot()
        writer.out.append(contentsOf: "null".utf8)
    }
    mutating func encode(_ value: Bool) throws {
        slot()
        writer.out.append(contentsOf: (value ? "true" : "false").utf8)
    }
    mutating func encode(_ value: String) throws {
        slot()
        writer.string(value)
    }
    mutating func encode(_ value: Double) throws {
        let path = elementPath
        slot()
        try writer.double(value, codingPath: path)
    }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws {
        slot()
        writer.integer(value)
    }
    mutating func encode(_ value: Int64) throws {
        slot()
        writer.integer(value)
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = elementPath
        slot()
        try writer.value(value, codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = elementPath
        slot()
        return KeyedEncodingContainer(JSONStreamKeyed<NestedKey>(writer: writer, codingPath: path, index: writer.push(array: false)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = elementPath
        slot()
        return JSONStreamUnkeyed(writer: writer, codingPath: path, index: writer.push(array: true))
    }

    mutating func superEncoder() -> any Encoder {
        let path = elementPath
        slot()
        return JSONStreamEncoding(writer: writer, codingPath: path, depth: writer.open.count)
    }
}

private struct JSONStreamSingle: SingleValueEncodingContainer {
    let writer: JSONStreamWriter
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { writer.out.append(contentsOf: "null".utf8) }
    mutating func encode(_ value: Bool) throws { writer.out.append(contentsOf: (value ? "true" : "false").utf8) }
    mutating func encode(_ value: String) throws { writer.string(value) }
    mutating func encode(_ value: Double) throws { try writer.double(value, codingPath: codingPath) }
    mutating func encode(_ value: Float) throws { try writer.double(Double(value), codingPath: codingPath) }
    mutating func encode(_ value: Int) throws { writer.integer(value) }
    mutating func encode(_ value: Int8) throws { writer.integer(value) }
    mutating func encode(_ value: Int16) throws { writer.integer(value) }
    mutating func encode(_ value: Int32) throws { writer.integer(value) }
    mutating func encode(_ value: Int64) throws { writer.integer(value) }
    mutating func encode(_ value: UInt) throws { writer.integer(value) }
    mutating func encode(_ value: UInt8) throws { writer.integer(value) }
    mutating func encode(_ value: UInt16) throws { writer.integer(value) }
    mutating func encode(_ value: UInt32) throws { writer.integer(value) }
    mutating func encode(_ value: UInt64) throws { writer.integer(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.value(value, codingPath: codingPath) }
}

/// An array index as a coding-path key.
private struct ArrayIndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) {
        intValue = index
        stringValue = "Index \(index)"
    }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.init(intValue) }
}

/// JSON text for strings, integers and dates, as ``JSONEncoder/api`` writes them.
enum JSONText {
    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // The usual text needs no escape: copy it in one go.
        let plain = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if plain == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x0A: out.append(contentsOf: #"\n"#.utf8)
            case 0x0D: out.append(contentsOf: #"\r"#.utf8)
            case 0x09: out.append(contentsOf: #"\t"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func integer(_ value: some BinaryInteger, into out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }

    /// `yyyy-MM-ddTHH:mm:ssZ`, seconds rounded down, as `JSONEncoder`'s `.iso8601` writes it (proleptic
    /// Gregorian from 1583 on).
    static func iso8601(_ date: Date, into out: inout [UInt8]) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        // Before 1583 Foundation's calendar is Julian; leave those (rare) dates to it.
        guard seconds >= -12_212_553_600 else {
            out.append(contentsOf: ((try? JSONEncoder.api.encode([date])) ?? Data("[null]".utf8)).dropFirst().dropLast())
            return
        }
        let (days, second) = seconds.quotientAndRemainder(dividingBy: 86_400)
        var day = days
        var secondOfDay = second
        if secondOfDay < 0 {
            secondOfDay += 86_400
            day -= 1
        }
        // Howard Hinnant's days-to-civil algorithm.
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        out.append(UInt8(ascii: "\""))
        digits(year, 4)
        out.append(UInt8(ascii: "-"))
        digits(month, 2)
        out.append(UInt8(ascii: "-"))
        digits(dayOfMonth, 2)
        out.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3_600, 2)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        out.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        out.append(contentsOf: "Z\"".utf8)
    }
}

/// A value that writes its own JSON object, for the hot responses (a list of work orders): the same bytes its
/// `Encodable` conformance gives through ``StreamingJSONEncoder``, without the generic containers, whose
/// metadata look-ups and coding paths were a third of a list's time. `FastCodingTests` checks that
/// each conformer writes what it encodes.
protocol JSONWritable: Encodable {
    /// Writes the object's members, in the order its `Encodable` conformance encodes them.
    func writeMembers(_ json: inout JSONMembers)
}

extension JSONWritable {
    /// Appends the object to `out`.
    func writeJSON(into out: inout [UInt8]) {
        var members = JSONMembers()
        swap(&members.out, &out)
        members.out.append(UInt8(ascii: "{"))
        writeMembers(&members)
        members.out.append(UInt8(ascii: "}"))
        swap(&members.out, &out)
    }
}

/// The members of one JSON object being written. A nil optional is left out, as `encodeIfPresent` does; `null`
/// writes one explicitly.
struct JSONMembers {
    fileprivate(set) var out: [UInt8] = []
    private var count = 0

    /// Writes the separator and `"key":`. Keys are plain ASCII names, written as they are.
    private mutating func key(_ key: StaticString) {
        if count > 0 { out.append(UInt8(ascii: ",")) }
        count += 1
        out.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: "\":".utf8)
    }

    mutating func null(_ name: StaticString) {
        key(name)
        out.append(contentsOf: "null".utf8)
    }

    mutating func member(_ name: StaticString, _ value: String) {
        key(name)
        JSONText.string(value, into: &out)
    }

    mutating func member(_ name: StaticString, _ value: Int) {
        key(name)
        JSONText.integer(value, into: &out)
    }

    mutating func member(_ name: StaticString, _ value: Bool) {
        key(name)
        out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func member(_ name: StaticString, _ value: UUID) {
        key(name)
        out.append(UInt8(ascii: "\""))
        UUIDText.write(value, into: &out)
        out.append(UInt8(ascii: "\""))
    }

    mutating func member(_ name: StaticString, _ value: Date) {
        key(name)
        JSONText.iso8601(value, into: &out)
    }

    mutating func member<T: RawRepresentable>(_ name: StaticString, _ value: T) where T.RawValue == String {
        member(name, value.rawValue)
    }

    mutating func member(_ name: StaticString, _ value: String?) { if let value { member(name, value) } }
    mutating func member(_ name: StaticString, _ value: Int?) { if let value { member(name, value) } }
    mutating func member(_ name: StaticString, _ value: UUID?) { if let value { member(name, value) } }
    mutating func member(_ name: StaticString, _ value: Date?) { if let value { member(name, value) } }

    mutating func member(_ name: StaticString, _ values: [String]) {
        key(name)
        list(values) { JSONText.string($1, into: &$0) }
    }

    mutating func member(_ name: StaticString, _ values: [UUID]) {
        key(name)
        list(values) { out, id in
            out.append(UInt8(ascii: "\""))
            UUIDText.write(id, into: &out)
            out.append(UInt8(ascii: "\""))
        }
    }

    mutating func member<T: RawRepresentable>(_ name: StaticString, _ values: [T]) where T.RawValue == String {
        key(name)
        list(values) { JSONText.string($1.rawValue, into: &$0) }
    }

    mutating func member<W: JSONWritable>(_ name: StaticString, _ value: W) {
        key(name)
        value.writeJSON(into: &out)
    }

    mutating func member<W: JSONWritable>(_ name: StaticString, _ value: W?) { if let value { member(name, value) } }
    mutating func member<T: RawRepresentable>(_ name: StaticString, _ value: T?) where T.RawValue == String {
        if let value { member(name, value.rawValue) }
    }
    mutating func member(_ name: StaticString, _ values: [UUID]?) { if let values { member(name, values) } }

    mutating func member<W: JSONWritable>(_ name: StaticString, _ values: [W]) {
        key(name)
        list(values) { $1.writeJSON(into: &$0) }
    }

    private mutating func list<T>(_ values: [T], _ element: (inout [UInt8], T) -> Void) {
        out.append(UInt8(ascii: "["))
        for index in values.indices {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            element(&out, values[index])
        }
        out.append(UInt8(ascii: "]"))
    }
}
