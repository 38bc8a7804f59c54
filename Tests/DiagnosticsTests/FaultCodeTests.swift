import Testing

@testable import Diagnostics

@Suite("Fault-code keys")
struct FaultCodeTests {
    @Test(
        "display variants of one code share a key",
        arguments: [
            ("F004", "F4"), ("f4", "F4"), ("F-004", "F4"), ("F 004", "F4"), ("T04:C20", "T4C20"), ("E.OC1", "EOC1"),
            ("0300_0100_0001_0001", "300010000010001"), ("0300-0100-0001-0001", "300010000010001"), ("A07910", "A7910"),
            ("#13101", "13101"), ("0001", "1"), ("ObF", "OBF"),
        ])
    func key(written: String, expected: String) {
        #expect(FaultCode.key(written) == expected)
    }

    @Test("OCR confusions fold to one key")
    func folded() {
        #expect(FaultCode.foldedKey("FOO4") == FaultCode.foldedKey("F004"))
        #expect(FaultCode.foldedKey("E.0C1") == FaultCode.foldedKey("E.OC1"))
        #expect(FaultCode.foldedKey("SLF1") == FaultCode.foldedKey("5LF1"))
        #expect(FaultCode.foldedKey("F004") != FaultCode.foldedKey("F005"))
    }

    @Test("review dates are real calendar days")
    func dates() {
        #expect(AtomRules.isDate("2026-11-28"))
        #expect(AtomRules.isDate("2024-02-29"))
        #expect(!AtomRules.isDate("2026-02-29"))
        #expect(!AtomRules.isDate("2026-13-01"))
        #expect(!AtomRules.isDate("2026-1-01"))
        #expect(!AtomRules.isDate("1900-02-29"))
    }

    @Test("shapes replace digit runs")
    func shapes() {
        #expect(FaultCode.shape(ofKey: "F4") == "F#")
        #expect(FaultCode.shape(ofKey: "T4C20") == "T#C#")
        #expect(FaultCode.shape(ofKey: "OCF") == "OCF")
    }
}

@Suite("Text normalisation")
struct TextNormalizerTests {
    @Test("words are lower case, accents folded, split on punctuation")
    func words() {
        #expect(TextNormalizer.words("Überlast: PF-525 tripped!") == ["uberlast", "pf", "525", "tripped"])
        #expect(TextNormalizer.squash("PF-525") == "pf525")
    }

    @Test("terms stem, spell out shorthand, join over- and under-")
    func terms() {
        #expect(TextNormalizer.terms("trips on decel") == ["trip", "deceleration"].map(TextNormalizer.stem))
        #expect(TextNormalizer.terms("over voltage") == TextNormalizer.terms("overvoltage"))
        #expect(TextNormalizer.terms("Overvoltages") == TextNormalizer.terms("overvoltage"))
        #expect(TextNormalizer.terms("tripping") == TextNormalizer.terms("trips"))
        #expect(TextNormalizer.terms("the drive shows what") == ["driv"])
    }

    @Test("edit distance counts a swap as one edit and stops past the limit")
    func editDistance() {
        #expect(Diagnoser.editDistance("overvoltage", "overvlotage", limit: 2) == 1)
        #expect(Diagnoser.editDistance("heater", "heatre", limit: 1) == 1)
        #expect(Diagnoser.editDistance("abc", "xyz", limit: 1) == 2)
    }
}
