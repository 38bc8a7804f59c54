import Vapor

/// A page's form read as the JSON body the API's operations take, so a page's change goes through exactly the
/// code the API's does: the same checks, field errors, audit events and live events.
enum WebAPI {
    /// How a form field is sent to the handler.
    enum Field {
        case text
        /// `"12"` → 12; anything else is passed as typed, so the handler names the field.
        case number
        /// A checkbox or `true`/`false`.
        case bool
        /// Repeated fields (`scopes[]=a&scopes[]=b`, checkboxes) as an array of strings; none sent: left out.
        case list
        /// A date input's day (`2030-01-15`) as the start of that day in UTC, which the API's dates are.
        case day
    }

    /// `2030-01-15` → `2030-01-15T00:00:00Z`; anything else is nil (and passed on as typed, for the API to name).
    static func dayStart(_ day: String) -> String? {
        guard day.count == 10, day.filter({ $0 == "-" }).count == 2 else { return nil }
        return day + "T00:00:00Z"
    }

    /// The listed fields of the page's form as the JSON body an API handler reads; empty fields are left out.
    static func body(_ request: Request, _ fields: [String: Field]) -> [String: JSONValue] {
        var body: [String: JSONValue] = [:]
        for (name, kind) in fields {
            if kind == .list {
                if let values = try? request.content.get([String].self, at: name) {
                    body[name] = .array(values.filter { !$0.isEmpty }.map(JSONValue.string))
                }
                continue
            }
            guard let raw = try? request.content.get(String.self, at: name) else { continue }
            let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            switch kind {
            case .text:
                if !value.isEmpty { body[name] = .string(raw) }
            case .number:
                if value.isEmpty { continue }
                body[name] = Double(value).map(JSONValue.number) ?? .string(value)
            case .bool:
                body[name] = .bool(["on", "true", "1", "yes"].contains(value.lowercased()))
            case .day:
                if !value.isEmpty { body[name] = .string(dayStart(value) ?? value) }
            case .list:
                break
            }
        }
        return body
    }
}
