import Testing

@testable import QRCode

@Suite("SVG rendering")
struct SVGTests {
    /// The unit rectangles of the `<path>`'s `d` attribute, as (x, y, width) in viewBox modules.
    private func runs(in svg: String) throws -> [(x: Int, y: Int, width: Int)] {
        let start = try #require(svg.range(of: " d=\""))
        let end = try #require(svg[start.upperBound...].firstIndex(of: "\""))
        let path = svg[start.upperBound..<end]
        var result: [(x: Int, y: Int, width: Int)] = []
        for command in path.split(separator: "z") {
            // Each run is written as M<x> <y>h<w>v1h-<w>z.
            let numbers = command.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            try #require(command.hasPrefix("M") && numbers.count == 5, "unexpected command \(command)")
            try #require(numbers[3] == 1 && numbers[4] == numbers[2], "not a unit-high rectangle: \(command)")
            result.append((numbers[0], numbers[1], numbers[2]))
        }
        return result
    }

    @Test("one <path> redraws exactly the dark modules, offset by a 4-module quiet zone")
    func pathMatchesModules() throws {
        let code = try QRCode(encoding: "https://mw.example.com/assets/6F1C0A2B/request")
        let svg = code.svg()
        #expect(svg.components(separatedBy: "<path").count == 2)
        var drawn = Set<Int>()
        for run in try runs(in: svg) {
            for x in run.x..<(run.x + run.width) {
                #expect(drawn.insert(run.y * 1000 + x).inserted, "module drawn twice")
            }
        }
        var expected = Set<Int>()
        for y in 0..<code.size {
            for x in 0..<code.size where code.isDark(x: x, y: y) {
                expected.insert((y + 4) * 1000 + x + 4)
            }
        }
        #expect(drawn == expected)
    }

    @Test("horizontal runs are merged: one rectangle per run, never two touching on a row")
    func runsAreMerged() throws {
        let code = try QRCode(encoding: "merge runs")
        let rectangles = try runs(in: code.svg())
        var expectedRuns = 0
        for y in 0..<code.size {
            for x in 0..<code.size where code.isDark(x: x, y: y) && !code.isDark(x: x - 1, y: y) {
                expectedRuns += 1
            }
        }
        #expect(rectangles.count == expectedRuns)
        // The top row starts with the 7-wide finder pattern.
        #expect(rectangles.first.map { [$0.x, $0.y, $0.width] } == [4, 4, 7])
    }

    @Test("viewBox is in modules, width and height in pixels, edges crisp")
    func attributes() throws {
        let code = try QRCode(encoding: "attributes")
        let svg = code.svg(moduleSize: 5)
        let extent = code.size + 8
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(svg.contains("width=\"\(extent * 5)\" height=\"\(extent * 5)\""))
        #expect(svg.contains("viewBox=\"0 0 \(extent) \(extent)\""))
        #expect(svg.contains("shape-rendering=\"crispEdges\""))
        #expect(svg.contains("<rect width=\"\(extent)\" height=\"\(extent)\" fill=\"#fff\"/>"))
        #expect(svg.contains("<path fill=\"#000\" d=\"M"))
    }

    @Test("colours are used as given and escaped so they cannot break out of the attribute")
    func colours() throws {
        let code = try QRCode(encoding: "colours")
        let svg = code.svg(foreground: "#1a2b3c", background: "transparent")
        #expect(svg.contains("fill=\"#1a2b3c\""))
        #expect(svg.contains("fill=\"transparent\""))
        let hostile = code.svg(foreground: "red\" onload=\"alert(1)", background: "<script>")
        #expect(!hostile.contains("onload=\"alert"))
        #expect(!hostile.contains("<script>"))
        #expect(hostile.contains("fill=\"red&quot; onload=&quot;alert(1)\""))
        #expect(hostile.contains("fill=\"&lt;script&gt;\""))
    }

    @Test("module sizes below 1 are treated as 1")
    func moduleSizeFloor() throws {
        let code = try QRCode(encoding: "tiny")
        #expect(code.svg(moduleSize: 0).contains("width=\"\(code.size + 8)\""))
    }

}
