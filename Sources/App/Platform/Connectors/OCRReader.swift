import Foundation
import Vapor

/// Reads the text on a photo of a drive's or printer's display with the `tesseract` program, after the
/// pre-processing such displays need (ImageMagick's `convert`, when installed): grey, enlarged, contrast
/// stretched, light-on-dark turned dark-on-light, with a quiet border.
///
/// Both programs are found on PATH when the app starts (ImageMagick only where its `-version` says so); without
/// tesseract, photo diagnosis answers 503 naming the package to install, and everything else works.
struct OCRReader: Sendable {
    var tesseract: String?
    var convert: String?
    /// A photo that takes longer than this to read is given up on.
    var timeout: Double = 30

    /// The programs on this process's PATH, looked for once (asking ImageMagick its version starts a process).
    static let onPath = fromPath()

    static func fromPath(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> OCRReader {
        OCRReader(tesseract: which("tesseract", environment: environment), convert: imageMagick(environment: environment))
    }

    static func which(_ program: String, environment: [String: String]) -> String? {
        everyOnPath(program, environment: environment).first
    }

    /// Every executable called `program` on PATH, in PATH's order.
    static func everyOnPath(_ program: String, environment: [String: String]) -> [String] {
        (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map { "\($0)/\(program)" }
            .filter { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// ImageMagick's converter: `magick` (version 7), Debian's `convert-im6.q16`, else a `convert` on PATH — but only a
    /// program whose `-version` names ImageMagick. Another `convert` may come first on PATH (GraphicsMagick's, or a
    /// stand-in that is no ImageMagick at all), and calling it would fail every pre-processing step.
    static func imageMagick(environment: [String: String]) -> String? {
        ["magick", "convert-im6.q16", "convert"].lazy.flatMap { everyOnPath($0, environment: environment) }.first(where: isImageMagick)
    }

    /// Whether `program -version` says it is ImageMagick ("Version: ImageMagick 6.9.11-60 Q16 …").
    static func isImageMagick(_ program: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = ["-version"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 && text.hasPrefix("Version: ImageMagick")
    }

    enum Failure: Error { case failed(String) }

    /// The text read, in reading order; tries the pre-processed image first and the original when that finds
    /// nothing.
    func read(_ image: [UInt8], contentType: String) async throws -> String {
        guard let tesseract else {
            throw AppError.serviceUnavailable(
                "Photo diagnosis needs the tesseract OCR program, which is not installed on the server "
                    + "(on Debian or Ubuntu: apt-get install tesseract-ocr). Type the code instead.")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("millwright-ocr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent(contentType == "image/png" ? "input.png" : "input.jpg")
        try Data(image).write(to: input)

        var attempts: [URL] = []
        if let convert {
            let prepared = directory.appendingPathComponent("prepared.png")
            let mean = try? await Self.run(
                convert, [input.path, "-colorspace", "Gray", "-format", "%[fx:mean]", "info:"], timeout: timeout)
            let dark = (Double(mean?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 1) < 0.5
            var arguments = [input.path, "-colorspace", "Gray", "-resize", "200%", "-normalize"]
            if dark { arguments.append("-negate") }
            // No threshold of our own: tesseract's Otsu binarisation does better on the stretched grey than a fixed cut,
            // which eats thin seven-segment strokes (tried on green-on-black and red-on-black displays).
            arguments += ["-bordercolor", "white", "-border", "20", prepared.path]
            if (try? await Self.run(convert, arguments, timeout: timeout)) != nil { attempts.append(prepared) }
        }
        attempts.append(input)
        var texts: [String] = []
        for image in attempts {
            let text = try await Self.run(tesseract, [image.path, "stdout", "--psm", "6", "-l", "eng"], timeout: timeout)
            let cleaned = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !cleaned.isEmpty { texts.append(cleaned) }
            if cleaned.contains(where: \.isNumber) { break }
        }
        return texts.joined(separator: "\n")
    }

    /// Runs a program and returns its standard output; throws when it fails or runs past `timeout`.
    static func run(_ program: String, _ arguments: [String], timeout: Double) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            // One thread per OCR run: several photos at once share the two cores fairly.
            environment["OMP_THREAD_LIMIT"] = "1"
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            let collected = OutputCollector()
            output.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
            process.terminationHandler = { process in
                output.fileHandleForReading.readabilityHandler = nil
                collected.append((try? output.fileHandleForReading.readToEnd()) ?? Data())
                if process.terminationReason == .exit && process.terminationStatus == 0 {
                    continuation.resume(returning: String(decoding: collected.data, as: UTF8.self))
                } else {
                    continuation.resume(throwing: Failure.failed("\(program) ended with status \(process.terminationStatus)"))
                }
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                if process.isRunning { process.terminate() }
            }
        }
    }

    /// Bytes arriving from the program's output, gathered under a lock.
    private final class OutputCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var buffer = Data()

        func append(_ data: Data) {
            lock.lock()
            buffer.append(data)
            lock.unlock()
        }

        var data: Data {
            lock.lock()
            defer { lock.unlock() }
            return buffer
        }
    }
}
