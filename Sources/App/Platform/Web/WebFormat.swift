import Foundation

/// How pages write dates, numbers and enum values.
enum WebFormat {
    static func date(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(.iso8601.year().month().day())
    }

    static func dateTime(_ date: Date?) -> String {
        guard let date else { return "—" }
        return date.formatted(.iso8601.year().month().day().dateTimeSeparator(.space).time(includingFractionalSeconds: false)) + " UTC"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }

    /// `in_progress` → `In progress`.
    static func label(_ raw: String) -> String {
        let spaced = raw.replacingOccurrences(of: "_", with: " ")
        return spaced.prefix(1).uppercased() + spaced.dropFirst()
    }
}

/// SVG charts drawn on the server: no script, readable by screen readers through their title and description.
enum WebChart {
    /// Bars side by side per period, one colour per series, with a legend.
    static func groupedBars(title: String, series: [(name: String, values: [Int])]) -> String {
        let width = 320.0
        let height = 140.0
        let top = 10.0
        let bottom = 20.0
        let periods = series.map(\.values.count).max() ?? 0
        let maximum = max(1, series.flatMap(\.values).max() ?? 1)
        let slot = periods > 0 ? width / Double(periods) : width
        let barWidth = max(2, (slot - 6) / Double(max(1, series.count)))
        let colours = ["#2f6690", "#3a7d44", "#a4161a", "#d98e04"]
        var parts = [
            "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height + 18))\" role=\"img\" aria-labelledby=\"chart-title\">",
            "<title id=\"chart-title\">\(HTMLPage.escape(title))</title>",
        ]
        for (seriesIndex, entry) in series.enumerated() {
            for (period, value) in entry.values.enumerated() {
                let barHeight = (height - top - bottom) * Double(value) / Double(maximum)
                let x = Double(period) * slot + 3 + Double(seriesIndex) * barWidth
                let y = height - bottom - barHeight
                parts.append(
                    "<rect x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(barWidth - 1))\" height=\"\(fmt(barHeight))\" "
                        + "fill=\"\(colours[seriesIndex % colours.count])\"><title>\(HTMLPage.escape(entry.name)): \(value)</title></rect>")
            }
        }
        parts.append("<line x1=\"0\" y1=\"\(fmt(height - bottom))\" x2=\"\(fmt(width))\" y2=\"\(fmt(height - bottom))\" stroke=\"#888\"/>")
        for (index, entry) in series.enumerated() {
            let x = 4 + Double(index) * 110
            parts.append(
                "<rect x=\"\(fmt(x))\" y=\"\(fmt(height))\" width=\"10\" height=\"10\" fill=\"\(colours[index % colours.count])\"/>"
                    + "<text x=\"\(fmt(x + 14))\" y=\"\(fmt(height + 9))\" font-size=\"10\">\(HTMLPage.escape(entry.name))</text>")
        }
        parts.append("</svg>")
        return parts.joined()
    }

    /// A line through readings over time, with the first and last dates and the range on the axes.
    static func line(title: String, points: [(date: Date, value: Double)]) -> String {
        guard points.count >= 2, let first = points.first, let last = points.last else {
            return "<p class=\"muted\">\(points.isEmpty ? "No readings yet." : "One reading so far.")</p>"
        }
        let width = 320.0
        let height = 120.0
        let left = 40.0
        let bottom = 18.0
        let low = points.map(\.value).min() ?? 0
        let high = points.map(\.value).max() ?? 1
        let span = max(high - low, 1e-9)
        let seconds = max(last.date.timeIntervalSince(first.date), 1)
        let coordinates = points.map { point -> String in
            let x = left + (width - left - 4) * point.date.timeIntervalSince(first.date) / seconds
            let y = 6 + (height - bottom - 6) * (1 - (point.value - low) / span)
            return "\(fmt(x)),\(fmt(y))"
        }
        return [
            "<svg class=\"chart\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\"><title>\(HTMLPage.escape(title))</title>",
            "<polyline fill=\"none\" stroke=\"#2f6690\" stroke-width=\"2\" points=\"\(coordinates.joined(separator: " "))\"/>",
            "<line x1=\"\(fmt(left))\" y1=\"\(fmt(height - bottom))\" x2=\"\(fmt(width))\" y2=\"\(fmt(height - bottom))\" stroke=\"#888\"/>",
            "<text x=\"0\" y=\"12\" font-size=\"10\">\(WebFormat.number(high))</text>",
            "<text x=\"0\" y=\"\(fmt(height - bottom))\" font-size=\"10\">\(WebFormat.number(low))</text>",
            "<text x=\"\(fmt(left))\" y=\"\(fmt(height - 4))\" font-size=\"10\">\(WebFormat.date(first.date))</text>",
            "<text x=\"\(fmt(width))\" y=\"\(fmt(height - 4))\" font-size=\"10\" text-anchor=\"end\">\(WebFormat.date(last.date))</text>",
            "</svg>",
        ].joined()
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
