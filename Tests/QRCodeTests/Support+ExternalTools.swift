import Foundation
import Testing

/// Command-line tools the decoder round-trip tests run, found on PATH.
enum ExternalTool: String, CaseIterable {
    case zbarimg
    case rsvgConvert = "rsvg-convert"

    /// The Debian package that provides the tool; scripts/test installs it.
    var debianPackage: String {
        switch self {
        case .zbarimg: "zbar-tools"
        case .rsvgConvert: "librsvg2-bin"
        }
    }

    /// The tool's path on PATH. Records a failure, not a skip, when it is missing: a machine that
    /// cannot decode QR codes must not report the encoder as tested.
    func locate(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let found = path.split(separator: ":").lazy
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent(rawValue) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        let message: Comment = """
            \(rawValue) is not on PATH. The QR decoder round-trip tests need the Debian packages \
            \(ExternalTool.allCases.map(\.debianPackage).joined(separator: " and ")); scripts/test \
            installs them (apt-get install \(ExternalTool.allCases.map(\.debianPackage).joined(separator: " ")))
            """
        return try #require(found, message, sourceLocation: sourceLocation)
    }
}

/// The result of running a tool to completion.
struct ToolOutput {
    let status: Int32
    let standardOutput: Data
    let standardError: String
}

extension ExternalTool {
    /// Runs the tool with `arguments` and waits for it to exit.
    func run(_ arguments: [String]) throws -> ToolOutput {
        let process = Process()
        process.executableURL = try locate()
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read before waiting so that a full pipe cannot stall the child. stderr is small (a
        // warning or two), so reading it after stdout's end of file does not deadlock.
        let standardOutput = output.fileHandleForReading.readDataToEndOfFile()
        let standardError = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolOutput(
            status: process.terminationStatus,
            standardOutput: standardOutput,
            standardError: String(decoding: standardError, as: UTF8.self)
        )
    }
}
