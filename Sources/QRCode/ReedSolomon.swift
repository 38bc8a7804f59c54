/// Reed–Solomon error correction over GF(2⁸) as QR codes use it (ISO/IEC 18004:2015 §7.5.2, Annex A).
enum ReedSolomon {
    /// The field's reducing polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), ISO/IEC 18004:2015 §7.5.2.
    static let primitivePolynomial = 0x11D

    /// exp[i] = αⁱ for i in 0..<255, with α = 2. Doubled in length so that `multiply` can add two
    /// logarithms without reducing modulo 255.
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for i in 0..<255 {
            table[i] = UInt8(value)
            table[i + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 {
                value ^= primitivePolynomial
            }
        }
        return table
    }()

    /// log[v] = i such that αⁱ = v, for v in 1...255 (log[0] is unused: zero has no logarithm).
    static let log: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 {
            table[Int(exp[i])] = i
        }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 {
            return 0
        }
        return exp[log[Int(a)] + log[Int(b)]]
    }

    /// Coefficients of the generator polynomial g(x) = (x − α⁰)(x − α¹)…(x − α^(degree−1)),
    /// highest power first, without the leading 1 (ISO/IEC 18004:2015 Annex A). In GF(2⁸)
    /// subtraction is XOR, so −αⁱ = αⁱ.
    static func generator(degree: Int) -> [UInt8] {
        var coefficients: [UInt8] = [1]
        for i in 0..<degree {
            // Multiply by (x + αⁱ): shift up one power, then add αⁱ times the old polynomial.
            var next = coefficients + [0]
            for (j, c) in coefficients.enumerated() {
                next[j + 1] ^= multiply(c, exp[i])
            }
            coefficients = next
        }
        return Array(coefficients.dropFirst())
    }

    /// The `count` error correction codewords of `data`: the remainder of data(x)·x^count divided by
    /// the generator polynomial of degree `count` (ISO/IEC 18004:2015 §7.5.2).
    static func errorCorrection(for data: [UInt8], count: Int) -> [UInt8] {
        let generator = generator(degree: count)
        var remainder = [UInt8](repeating: 0, count: count)
        // Polynomial long division, one data codeword at a time (a linear feedback shift register).
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for i in 0..<count {
                remainder[i] ^= multiply(generator[i], factor)
            }
        }
        return remainder
    }
}
