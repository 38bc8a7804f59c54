import NIOPosix
import SQLKit
import SQLiteKit

/// SQLite's dialect as SQLiteKit defines it, with a faster identifier quote: what the app's own SQLite databases
/// (readers, the writer's transactions) serialise with.
///
/// SQLKit escapes an identifier only when the dialect's quote is an `SQLRaw`, and then through the standard
/// library's generic `replacing(_:with:)`; a Fluent query names every column twice (`"t"."c" AS "t_c"`), so a
/// profile of the work-order page found a fifth of its time there and another few percent fetching the driver's
/// dialect. Given any other quote, SQLKit writes the quote, the name as it is, and the quote again —
/// ``SQLiteIdentifierQuote`` does the escaping itself at the closing quote, only when the name holds a `"`, so
/// the SQL is exactly what SQLiteKit writes (`SQLiteDialectTests`).
struct FastSQLiteDialect: SQLDialect {
    static let shared = FastSQLiteDialect()
    private let base = SQLiteDialect()

    var name: String { base.name }
    var identifierQuote: any SQLExpression { SQLiteIdentifierQuote() }
    var literalStringQuote: any SQLExpression { base.literalStringQuote }
    var supportsAutoIncrement: Bool { base.supportsAutoIncrement }
    var autoIncrementClause: any SQLExpression { base.autoIncrementClause }
    var autoIncrementFunction: (any SQLExpression)? { base.autoIncrementFunction }
    func bindPlaceholder(at position: Int) -> any SQLExpression { base.bindPlaceholder(at: position) }
    func literalBoolean(_ value: Bool) -> any SQLExpression { base.literalBoolean(value) }
    var literalDefault: any SQLExpression { base.literalDefault }
    var supportsIfExists: Bool { base.supportsIfExists }
    var enumSyntax: SQLEnumSyntax { base.enumSyntax }
    var supportsDropBehavior: Bool { base.supportsDropBehavior }
    var supportsReturning: Bool { base.supportsReturning }
    var triggerSyntax: SQLTriggerSyntax { base.triggerSyntax }
    var alterTableSyntax: SQLAlterTableSyntax { base.alterTableSyntax }
    func customDataType(for dataType: SQLDataType) -> (any SQLExpression)? { base.customDataType(for: dataType) }
    func normalizeSQLConstraint(identifier: any SQLExpression) -> any SQLExpression { base.normalizeSQLConstraint(identifier: identifier) }
    var upsertSyntax: SQLUpsertSyntax { base.upsertSyntax }
    var unionFeatures: SQLUnionFeatures { base.unionFeatures }
    var sharedSelectLockExpression: (any SQLExpression)? { base.sharedSelectLockExpression }
    var exclusiveSelectLockExpression: (any SQLExpression)? { base.exclusiveSelectLockExpression }
    func nestedSubpathExpression(in column: any SQLExpression, for path: [String]) -> (any SQLExpression)? {
        base.nestedSubpathExpression(in: column, for: path)
    }
}

/// The `"` around an identifier. SQLKit serialises it twice around the name, on one thread and with nothing in
/// between but the name; the opening remembers where the name starts (per thread), the closing doubles any `"` in
/// it, as SQL requires, before it closes.
struct SQLiteIdentifierQuote: SQLExpression {
    private final class Opening: @unchecked Sendable {
        var offset: Int?
    }

    private static let opening = ThreadSpecificVariable<Opening>()

    func serialize(to serializer: inout SQLSerializer) {
        let opening: Opening
        if let current = Self.opening.currentValue {
            opening = current
        } else {
            opening = Opening()
            Self.opening.currentValue = opening
        }
        guard let offset = opening.offset else {
            serializer.sql.append("\"")
            opening.offset = serializer.sql.utf8.count
            return
        }
        opening.offset = nil
        let start = serializer.sql.utf8.index(serializer.sql.utf8.startIndex, offsetBy: offset)
        if serializer.sql.utf8[start...].contains(UInt8(ascii: "\"")) {
            let name = serializer.sql[start...]
            serializer.sql.replaceSubrange(start..., with: name.replacingOccurrences(of: "\"", with: "\"\""))
        }
        serializer.sql.append("\"")
    }
}
