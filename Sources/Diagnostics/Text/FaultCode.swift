/// Fault-code keys: `F004`, `F4`, `f-004` and `F 004` all become `F4`; `0300_0100_0001_0001` and
/// `0300-0100-0001-0001` become one key; `T04:C20` becomes `T4C20`.
public enum FaultCode {
    /// Upper case, letters and digits only, leading zeros of each digit run dropped (one zero kept).
    public static func key(_ code: String) -> String {
        strippingZeros(code.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) })
    }

    /// The key after the confusions OCR and hurried typing make in codes: O→0, I/L→1, S→5, Z→2, B→8.
    public static func foldedKey(_ code: String) -> String {
        let folded = code.uppercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.map { character -> Character in
            switch character {
            case "O": "0"
            case "I", "L": "1"
            case "S": "5"
            case "Z": "2"
            case "B": "8"
            default: character
            }
        }
        return strippingZeros(String(folded))
    }

    /// The key with every digit run replaced by `#`: `F4` → `F#`, `T4C20` → `T#C#`. Codes of one family share a
    /// few shapes, which tells a code-looking word that is not in the table from one that is not a code at all.
    public static func shape(ofKey key: String) -> String {
        var shape = ""
        var inDigits = false
        for character in key {
            if character.isNumber {
                if !inDigits { shape.append("#") }
                inDigits = true
            } else {
                shape.append(character)
                inDigits = false
            }
        }
        return shape
    }

    static func strippingZeros(_ text: String) -> String {
        var result = ""
        var run = ""
        func flush() {
            guard !run.isEmpty else { return }
            let trimmed = run.drop(while: { $0 == "0" })
            result += trimmed.isEmpty ? "0" : String(trimmed)
            run = ""
        }
        for character in text {
            if character.isNumber {
                run.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }
}
