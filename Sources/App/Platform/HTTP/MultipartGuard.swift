import Vapor

/// Refuses multipart bodies whose part-header names hold non-ASCII bytes before they reach the multipart
/// parser: multipart-kit 4.7.1 traps on them, which would let one anonymous request stop the server.
enum MultipartGuard {
    static func check(_ request: Request) throws {
        guard let type = request.headers.contentType, type.type == "multipart", let boundary = type.parameters["boundary"],
            let body = request.body.data
        else { return }
        let bytes = Array(body.readableBytesView)
        let delimiter = Array("--\(boundary)".utf8)
        var index = 0
        while let start = find(delimiter, in: bytes, from: index) {
            // The part's header block runs from after the delimiter line to the first empty line.
            var cursor = start + delimiter.count
            guard let lineEnd = find([0x0D, 0x0A], in: bytes, from: cursor) else { return }
            cursor = lineEnd + 2
            while cursor < bytes.count, let end = find([0x0D, 0x0A], in: bytes, from: cursor), end > cursor {
                let line = bytes[cursor..<end]
                let name = line.prefix { $0 != UInt8(ascii: ":") }
                if name.contains(where: { $0 >= 0x80 || $0 < 0x20 }) {
                    throw AppError.badRequest(
                        "A multipart part header is not valid.",
                        [FieldProblem(field: "body", message: "has a part header name that is not ASCII")])
                }
                cursor = end + 2
            }
            index = cursor
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}
