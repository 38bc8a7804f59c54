import Foundation

@testable import Maintenance

/// The assets every work-order-text test matches against: a small plant with look-alike names (two conveyors,
/// two packaging-line drives, two fans, two printers) so that number agreement and ambiguity are exercised.
enum WorkOrderTextFixtures {
    static let assets: [AssetCandidate] = [
        asset(1, "Conveyor 3", "CNV-03", kind: "machine"),
        asset(2, "Conveyor 4", "CNV-04", kind: "machine"),
        asset(3, "Air Compressor 1", "AC-01", kind: "machine"),
        asset(4, "Boiler Feed Pump", "BFP-1", kind: "machine"),
        asset(5, "Packaging Line 2 VFD", "VFD-PL2", kind: "drive"),
        asset(6, "Packaging Line 1 VFD", "VFD-PL1", kind: "drive"),
        asset(7, "Bambu X1C Printer 7", "PRN-07", kind: "printer"),
        asset(8, "Prusa MK4 #2", "PRN-02", kind: "printer"),
        asset(9, "Hydraulic Press", "HP-200", kind: "machine"),
        asset(10, "Forklift 5", "FL-05", kind: "vehicle"),
        asset(11, "Chiller", "CH-1", kind: "facility"),
        asset(12, "Main Panel PLC", "PLC-01", kind: "plc"),
        asset(13, "Cooling Tower Fan", "CTF-2", kind: "facility"),
        asset(14, "Roof Exhaust Fan 1", "REF-01", kind: "facility"),
        asset(15, "Étiqueteuse 1", "LBL-01", kind: "machine", location: "Atelier B"),
        asset(16, "Dock Door 2", "DD-02", kind: "facility"),
    ]

    /// Deterministic ids: the fixture number in the last digits.
    static func id(_ number: Int) -> UUID {
        let suffix = String(number)
        return UUID(uuidString: "00000000-0000-0000-0000-" + String(repeating: "0", count: 12 - suffix.count) + suffix)!
    }

    static func tag(of id: UUID?) -> String? {
        guard let id else { return nil }
        return assets.first { $0.id == id }?.tag
    }

    private static func asset(_ number: Int, _ name: String, _ tag: String, kind: String, location: String? = nil) -> AssetCandidate {
        AssetCandidate(id: id(number), name: name, tag: tag, kind: kind, location: location)
    }
}
