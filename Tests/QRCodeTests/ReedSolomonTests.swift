import Testing

@testable import QRCode

@Suite("Reed–Solomon over GF(256)")
struct ReedSolomonTests {
    @Test("the field is built on x⁸ + x⁴ + x³ + x² + 1: α⁸ = 0x1D and α²⁵⁵ = α⁰")
    func fieldTables() {
        #expect(ReedSolomon.exp[8] == 0x1D)
        #expect(ReedSolomon.exp[255] == 1)
        #expect(ReedSolomon.log[0x1D] == 8)
        // Every non-zero element appears exactly once among α⁰…α²⁵⁴.
        #expect(Set(ReedSolomon.exp[0..<255]).count == 255)
    }

    @Test("multiplication agrees with logarithms and has 0 as absorbing element")
    func multiplication() {
        #expect(ReedSolomon.multiply(0, 0x53) == 0)
        #expect(ReedSolomon.multiply(1, 0x53) == 0x53)
        #expect(ReedSolomon.multiply(2, 0x80) == 0x1D)  // α · α⁷ = α⁸
        #expect(ReedSolomon.multiply(0x53, 0xCA) == ReedSolomon.multiply(0xCA, 0x53))
    }

    @Test("generator polynomial for 7 ECC codewords matches ISO/IEC 18004 Annex A")
    func generatorDegree7() {
        // Annex A: g(x) = x⁷ + α⁸⁷x⁶ + α²²⁹x⁵ + α¹⁴⁶x⁴ + α¹⁴⁹x³ + α²³⁸x² + α¹⁰²x + α²¹
        let exponents = ReedSolomon.generator(degree: 7).map { ReedSolomon.log[Int($0)] }
        #expect(exponents == [87, 229, 146, 149, 238, 102, 21])
    }

    @Test("generator polynomial for 10 ECC codewords matches ISO/IEC 18004 Annex A")
    func generatorDegree10() {
        // Annex A: g(x) = x¹⁰ + α²⁵¹x⁹ + α⁶⁷x⁸ + α⁴⁶x⁷ + α⁶¹x⁶ + α¹¹⁸x⁵ + α⁷⁰x⁴ + α⁶⁴x³ + α⁹⁴x² + α³²x + α⁴⁵
        let exponents = ReedSolomon.generator(degree: 10).map { ReedSolomon.log[Int($0)] }
        #expect(exponents == [251, 67, 46, 61, 118, 70, 64, 94, 32, 45])
    }

    @Test("ECC of the Annex I example \"01234567\", version 1-M")
    func annexIExample() {
        // ISO/IEC 18004:2015 Annex I.2/I.3: the 16 data codewords of "01234567" in numeric mode at
        // 1-M, and their 10 error correction codewords.
        let data: [UInt8] = [
            0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11,
            0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11,
        ]
        let ecc = ReedSolomon.errorCorrection(for: data, count: 10)
        #expect(ecc == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    @Test("ECC of the widely published \"HELLO WORLD\" 1-M alphanumeric example")
    func helloWorldExample() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let ecc = ReedSolomon.errorCorrection(for: data, count: 10)
        #expect(ecc == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test("a codeword block with its ECC appended is divisible by the generator (all syndromes zero)")
    func syndromesAreZero() {
        let data: [UInt8] = Array("https://mw.example.com/assets/6F1C".utf8)
        let block = data + ReedSolomon.errorCorrection(for: data, count: 22)
        for i in 0..<22 {
            // Evaluate the block polynomial at αⁱ with Horner's rule; a root of g(x) must be a root here.
            let syndrome = block.reduce(UInt8(0)) { ReedSolomon.multiply($0, ReedSolomon.exp[i]) ^ $1 }
            #expect(syndrome == 0, "syndrome S\(i)")
        }
    }
}
