import Fluent
import Vapor

extension WebOption {
    /// The sites the principal reaches, by name, as a form's choices; `selected` is the one chosen.
    static func sites(_ principal: Principal, selected: String?, on db: any Database) async throws -> [WebOption] {
        // A member limited to some sites reaches those sites themselves: the scope is on the id.
        try await principal.rows(Site.DTO.self, siteColumn: "id", orderedBy: "name", on: db).map {
            WebOption(value: $0.id.uuidString, label: $0.name, selected: $0.id.uuidString == selected)
        }
    }
}
