import Foundation
import Testing

@testable import QRCode

extension Tag {
    /// Tests that run external programs (rsvg-convert, zbarimg).
    @Tag static var externalTools: Self
}

/// One symbol to render, rasterise and decode.
struct RoundTripCase: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    let errorCorrection: ErrorCorrection
    var mask: Int? = nil
    /// The smallest version the case is meant to reach, to keep the table honest as inputs change.
    var minimumVersion = 1

    var testDescription: String { name }

    static let assetURL = "https://mw.example.com/assets/6F1C0A2B-3D4E-4F50-8A9B-0C1D2E3F4A5B/request"
    /// About 300 bytes: version 13 at M, with alignment patterns, version information and two block groups.
    static let longURL = assetURL + "?" + (0..<13).map { "field\($0)=value-" + String(format: "%03d", $0) }.joined(separator: "&")

    static let all: [RoundTripCase] =
        ErrorCorrection.allCases.map { RoundTripCase(name: "short text at \($0.rawValue)", text: "Pump P-101", errorCorrection: $0) }
        + ErrorCorrection.allCases.map { RoundTripCase(name: "asset URL at \($0.rawValue)", text: assetURL, errorCorrection: $0) }
        + [
            RoundTripCase(name: "UTF-8 text with ä, é and 日本 at M", text: "Wartung: Lüfter ä, café é, 日本の工場", errorCorrection: .medium),
            RoundTripCase(name: "UTF-8 text at H", text: "Grüße aus Köln – 日本", errorCorrection: .high),
            RoundTripCase(name: "300-byte URL at M (version ≥ 10)", text: longURL, errorCorrection: .medium, minimumVersion: 10),
            RoundTripCase(name: "300-byte URL at H", text: longURL, errorCorrection: .high, minimumVersion: 10),
            RoundTripCase(
                name: "version 7, the first with version information", text: String(repeating: "7", count: 107), errorCorrection: .medium,
                minimumVersion: 7),
            RoundTripCase(name: "empty text", text: "", errorCorrection: .medium),
            RoundTripCase(
                name: "version 40-L at full capacity", text: String((0..<2953).map { Character(UnicodeScalar(UInt8(33 + $0 * 7 % 90))) }),
                errorCorrection: .low, minimumVersion: 40),
        ]
        + Masking.patterns.map { RoundTripCase(name: "asset URL with mask \($0)", text: assetURL, errorCorrection: .medium, mask: $0) }
        + Masking.patterns.map {
            RoundTripCase(
                name: "300-byte URL at Q with mask \($0)", text: longURL, errorCorrection: .quartile, mask: $0, minimumVersion: 10)
        }
}

@Suite("Round trip through a real decoder (rsvg-convert, then zbarimg)", .tags(.externalTools))
struct DecoderRoundTripTests {
    @Test("the decoder tools are on PATH", arguments: ExternalTool.allCases)
    func toolIsInstalled(tool: ExternalTool) throws {
        _ = try tool.locate()
    }

    @Test("zbarimg decodes the rendered SVG to the exact input", arguments: RoundTripCase.all)
    func roundTrip(testCase: RoundTripCase) throws {
        let code = try QRCode(encoding: testCase.text, errorCorrection: testCase.errorCorrection, forcedMask: testCase.mask)
        #expect(code.version >= testCase.minimumVersion)
        if let mask = testCase.mask {
            #expect(code.mask == mask)
        }
        let decoded = try decode(code.svg(moduleSize: 4))
        #expect(decoded == testCase.text)
    }

    /// Rasterises `svg` and returns what zbarimg reads from it.
    private func decode(_ svg: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("qr-roundtrip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let svgFile = folder.appendingPathComponent("code.svg")
        let pngFile = folder.appendingPathComponent("code.png")
        try Data(svg.utf8).write(to: svgFile)

        let rasterised = try ExternalTool.rsvgConvert.run(["--format", "png", "--output", pngFile.path, svgFile.path])
        try #require(rasterised.status == 0, "rsvg-convert failed: \(rasterised.standardError)")

        // --raw prints the payload without a symbology prefix, converted to UTF-8 by the character
        // set the symbol declares; only QR is enabled, so no other symbology can produce a stray match.
        let scanned = try ExternalTool.zbarimg.run(["--raw", "-q", "--nodbus", "-Sdisable", "-Sqrcode.enable", pngFile.path])
        try #require(scanned.status == 0, "zbarimg found no QR code (exit \(scanned.status)): \(scanned.standardError)")
        // zbarimg ends each symbol's text with a newline; any other difference is a failure.
        var text = String(decoding: scanned.standardOutput, as: UTF8.self)
        try #require(text.hasSuffix("\n"), "zbarimg output does not end in a newline: \(text.debugDescription)")
        text.removeLast()
        return text
    }
}
