import Diagnostics
import Fluent
import Foundation
import Vapor

/// An organization's own troubleshooting atom. It ranks beside the built-in ones, for that organization only.
final class KnowledgeAtom: Model, VersionedModel, @unchecked Sendable {
    static let schema = "knowledge_atoms"
    static let entityType = "knowledge_atom"

    @ID(key: .id) var id: UUID?
    @Field(key: "organization_id") var organizationID: UUID
    /// The organization's stable key; the atom id is `org.<key>`.
    @Field(key: "key") var key: String
    @Field(key: "manufacturer") var manufacturer: String
    @Field(key: "family") var family: String
    @Field(key: "title") var title: String
    /// The whole atom, resolved and checked.
    @Field(key: "atom") var atom: Atom
    @Field(key: "version") var version: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    static var organizationIDKey: KeyPath<KnowledgeAtom, FieldProperty<KnowledgeAtom, UUID>> { \.$organizationID }

    init() {}

    func set(_ atom: Atom, key: String) {
        self.key = key
        self.atom = atom
        manufacturer = atom.manufacturer
        family = atom.family
        title = atom.title
    }

    struct DTO: Content, Equatable {
        var id: UUID
        var key: String
        var atomId: String
        var type: Atom.Kind
        var title: String
        var summary: String
        var manufacturer: String
        var family: String
        var familyName: String
        var models: [String]
        var faultCodes: [String]
        var symptoms: [String]
        var causes: [String]
        var actions: [String]
        var safety: Atom.Safety
        var keywords: [String]
        var source: Atom.Source
        var lastReviewed: String
        var version: Int
        var createdAt: Date?
        var updatedAt: Date?
    }

    var dto: DTO { DTO(id: id ?? UUID(), key: key, atom: atom, version: version, createdAt: createdAt, updatedAt: updatedAt) }

    /// Its properties, listed: Fluent otherwise finds them by reflection on every query and every row
    /// (`ModelPropertiesTests` checks the list against reflection).
    var properties: [any AnyProperty] {
        [_id, _organizationID, _key, _manufacturer, _family, _title, _atom, _version, _createdAt, _updatedAt]
    }
}

extension KnowledgeAtom.DTO {
    /// The stored atom `key`, as the API shows it.
    init(id: UUID, key: String, atom: Atom, version: Int, createdAt: Date?, updatedAt: Date?) {
        self.init(
            id: id, key: key, atomId: atom.id, type: atom.type, title: atom.title, summary: atom.summary, manufacturer: atom.manufacturer,
            family: atom.family, familyName: atom.familyName, models: atom.models, faultCodes: atom.faultCodes, symptoms: atom.symptoms,
            causes: atom.causes, actions: atom.actions, safety: atom.safety, keywords: atom.keywords, source: atom.source,
            lastReviewed: atom.lastReviewed, version: version, createdAt: createdAt, updatedAt: updatedAt)
    }
}
