import Foundation

/// A product family (PowerFlex 520-series, SINAMICS G120, Bambu Lab printers) and how a query names it.
public struct Family: Codable, Hashable, Sendable {
    /// `<vendor>.<family>` (`rockwell.powerflex-520`).
    public var id: String
    public var manufacturer: String
    public var name: String
    public var models: [String]
    /// Lower-case phrases that identify the family in a query (`pf525`, `g120c`).
    public var aliases: [String]
    /// The start of catalogue numbers (`25B` for `25B-D2P3N104`).
    public var catalogPrefixes: [String]
    /// The letter a technician leaves out in "fault 4" when the display shows `F004`.
    public var bareCodePrefix: String?

    public init(
        id: String, manufacturer: String, name: String, models: [String] = [], aliases: [String] = [],
        catalogPrefixes: [String] = [], bareCodePrefix: String? = nil
    ) {
        self.id = id
        self.manufacturer = manufacturer
        self.name = name
        self.models = models
        self.aliases = aliases
        self.catalogPrefixes = catalogPrefixes
        self.bareCodePrefix = bareCodePrefix
    }

    enum CodingKeys: String, CodingKey {
        case id, manufacturer, name, models, aliases, catalogPrefixes, bareCodePrefix
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        manufacturer = try container.decode(String.self, forKey: .manufacturer)
        name = try container.decode(String.self, forKey: .name)
        models = try container.decodeIfPresent([String].self, forKey: .models) ?? []
        aliases = try container.decodeIfPresent([String].self, forKey: .aliases) ?? []
        catalogPrefixes = try container.decodeIfPresent([String].self, forKey: .catalogPrefixes) ?? []
        bareCodePrefix = try container.decodeIfPresent(String.self, forKey: .bareCodePrefix)
    }
}

/// A manufacturer's canonical name and the ways people write it (`AB`, `Rockwell` → `Allen-Bradley`).
public struct Manufacturer: Codable, Hashable, Sendable {
    public var name: String
    public var aliases: [String]

    public init(name: String, aliases: [String]) {
        self.name = name
        self.aliases = aliases
    }
}
