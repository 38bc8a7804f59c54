import Fluent
import Vapor

extension WebOption {
    /// The sites the principal reaches, by name, as a form's choices; `selected` is the one chosen.
    static func sites(_ principal: Principal, selected: String?, on db: any Database) async throws -> [WebOption] {
        try await principal.sitesQuery(on: db).sort(\.$name).all().map {
            WebOption(value: $0.id?.uuidString ?? "", label: $0.name, selected: $0.id?.uuidString == selected)
        }
    }
}
