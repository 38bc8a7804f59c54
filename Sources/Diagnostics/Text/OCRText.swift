import Foundation

/// Clean-up of the text OCR reads from a display photo before it is searched: stray marks and empty lines go,
/// the line structure becomes spaces. Confusions inside codes (O for 0) are left to the code matcher, which
/// knows which positions hold digits.
public enum OCRText {
    public static func clean(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { line in
            String(line).unicodeScalars.filter { $0.isASCII && ($0.value >= 0x20) }.map(String.init).joined()
                .trimmingCharacters(in: .whitespaces)
        }
        // A line with no two letters or digits together is noise: a frame edge, a segment read as '|'.
        let kept = lines.filter { line in
            var run = 0
            for character in line {
                run = character.isLetter || character.isNumber ? run + 1 : 0
                if run >= 2 { return true }
            }
            return false
        }
        return kept.joined(separator: " ").split(separator: " ").joined(separator: " ")
    }
}
