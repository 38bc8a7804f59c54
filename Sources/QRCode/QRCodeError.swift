/// Why a QR code could not be built.
public enum QRCodeError: Error, Sendable, Equatable {
    /// The UTF-8 encoding of the text is `bytes` long, but even a version 40 symbol at the requested
    /// error correction level holds at most `maximum` bytes. Choose a lower level or shorten the text.
    case dataTooLong(bytes: Int, maximum: Int)
}
