extension QRCode {
    /// Light modules required around the symbol (ISO/IEC 18004:2015 §6.3.8).
    static let quietZone = 4

    /// Renders the symbol as a standalone SVG document.
    ///
    /// The drawing has a 4-module quiet zone on every side and a `viewBox` measured in modules;
    /// `width` and `height` are `moduleSize` pixels per module. The background is one `<rect>` and all
    /// dark modules are one `<path>` of unit-high rectangles, one per horizontal run, with
    /// `shape-rendering="crispEdges"` so that rasterisers do not blur module edges.
    ///
    /// - Parameters:
    ///   - moduleSize: Pixels per module in the `width`/`height` attributes; values below 1 are treated as 1.
    ///   - foreground: CSS colour of dark modules.
    ///   - background: CSS colour of light modules and the quiet zone.
    public func svg(moduleSize: Int = 4, foreground: String = "#000", background: String = "#fff") -> String {
        let extent = size + 2 * Self.quietZone
        let pixels = extent * max(1, moduleSize)
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else {
                    x += 1
                    continue
                }
                let start = x
                while x < size && isDark(x: x, y: y) {
                    x += 1
                }
                // Move to the run's top-left corner, then draw its outline clockwise.
                let run = x - start
                path += "M\(start + Self.quietZone) \(y + Self.quietZone)h\(run)v1h-\(run)z"
            }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(pixels)" height="\(pixels)" \
            viewBox="0 0 \(extent) \(extent)" shape-rendering="crispEdges">
            <rect width="\(extent)" height="\(extent)" fill="\(Self.escapeAttribute(background))"/>
            <path fill="\(Self.escapeAttribute(foreground))" d="\(path)"/>
            </svg>

            """
    }

    /// Escapes a caller-supplied attribute value so that it cannot end the attribute or the element.
    static func escapeAttribute(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
