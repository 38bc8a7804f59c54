import Fluent
import Maintenance
import Vapor

/// The writable fields of a work order; absent fields are left alone on update, `null` clears optional ones.
struct WorkOrderInput: Sendable {
    static let fields: Set<String> = [
        "title", "description", "type", "priority", "siteId", "assetId", "locationId", "teamId", "assigneeIds", "dueAt",
        "estimatedMinutes", "faultCodes", "source",
    ]

    var title: String?
    var description: String??
    var type: WorkOrderType?
    var priority: WorkOrderPriority?
    var siteID: UUID?
    var assetID: UUID??
    var locationID: UUID??
    var teamID: UUID??
    var assigneeIDs: [UUID]?
    var dueAt: Date??
    var estimatedMinutes: Int??
    var faultCodes: [String]?
    var source: WorkOrder.Source?

    /// An empty input, for work orders the system makes (PM, requests); set the fields directly.
    init() {}

    init(_ request: Request, creating: Bool) async throws {
        var body = try JSONBody(request)
        try await self.init(body: &body, creating: creating, principal: request.principal, on: request.db)
    }

    /// - Parameters:
    ///   - allowSource: whether the body may say where the order came from.
    init(body: inout JSONBody, creating: Bool, allowSource: Bool = true, principal: Principal, on db: any Database) async throws {
        var allowed = creating ? Self.fields : Self.fields.subtracting(["source", "siteId"])
        if !allowSource { allowed.remove("source") }
        body.rejectUnknown(allowed: allowed)
        title = body.string("title", required: creating, maxLength: 200)
        description = body.patch("description") { $0.string("description", maxLength: 10_000) }
        type = body.enumValue("type", WorkOrderType.self)
        priority = body.enumValue("priority", WorkOrderPriority.self)
        siteID = creating ? body.reference("siteId", .site) : nil
        assetID = body.patch("assetId") { $0.reference("assetId", .asset) }
        locationID = body.patch("locationId") { $0.reference("locationId", .location) }
        teamID = body.patch("teamId") { $0.reference("teamId", .team) }
        assigneeIDs = body.references("assigneeIds", .member, maxCount: 50)
        dueAt = body.patch("dueAt") { $0.date("dueAt") }
        estimatedMinutes = body.patch("estimatedMinutes") { $0.int("estimatedMinutes", range: 0...100_000) }
        faultCodes = body.stringArray("faultCodes", maxCount: 20)
        if let source = body.enumValue("source", WorkOrder.Source.self) {
            // pm and request orders are made by the PM job and by approving a request, never posted directly.
            if source == .pm || source == .request {
                body.add("source", "cannot be \(source.rawValue): those work orders come from PM schedules and requests")
            }
            self.source = source
        }
        // Either may be sent as null; what matters is that one of them names something.
        if creating, siteID == nil, (assetID ?? nil) == nil,
            !body.problems.contains(where: { $0.field == "siteId" || $0.field == "assetId" })
        {
            body.add("siteId", "is required when no assetId is given")
        }
        try await body.validate(for: principal, on: db)
    }

    /// Applies the fields, checking every reference against the tenant and the principal's sites.
    func apply(to workOrder: WorkOrder, principal: Principal, on db: any Database) async throws {
        var problems: [FieldProblem] = []
        if let title { workOrder.title = title }
        if let description { workOrder.details = description }
        if let type { workOrder.type = type }
        if let priority { workOrder.priority = priority }
        if let siteID, workOrder.id == nil {
            do { try await principal.requireSite(siteID, field: "siteId", on: db) } catch AppError.validation(let found) {
                problems += found
            }
            workOrder.siteID = siteID
        }
        if let assetID {
            if let assetID {
                if let assetSite = try await principal.reachableSite(of: assetID, in: Asset.schema, on: db) {
                    if workOrder.id == nil, siteID == nil { workOrder.siteID = assetSite }
                    if assetSite != workOrder.siteID {
                        problems.append(FieldProblem(field: "assetId", message: "is at another site than the work order"))
                    }
                } else {
                    problems.append(FieldProblem(field: "assetId", message: "is not an asset you can reach"))
                }
            }
            workOrder.assetID = assetID
        }
        if let locationID {
            if let locationID {
                let locationSite = try await principal.reachableSite(of: locationID, in: Location.schema, on: db)
                if locationSite != workOrder.siteID {
                    problems.append(FieldProblem(field: "locationId", message: "is not a location at the work order's site"))
                }
            }
            workOrder.locationID = locationID
        }
        if let teamID {
            if let teamID, (try? await principal.find(Team.self, teamID, on: db)) == nil {
                problems.append(FieldProblem(field: "teamId", message: "is not a team of this organization"))
            }
            workOrder.teamID = teamID
        }
        if let assigneeIDs {
            let unique = Array(NSOrderedSet(array: assigneeIDs).compactMap { $0 as? UUID })
            problems += try await WorkOrders.assigneeProblems(unique, siteID: workOrder.siteID, principal: principal, on: db)
            workOrder.assigneeIDs = unique
        }
        if let dueAt { workOrder.dueAt = dueAt }
        if let estimatedMinutes { workOrder.estimatedMinutes = estimatedMinutes }
        if let faultCodes { workOrder.faultCodes = faultCodes.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        if !problems.isEmpty { throw AppError.validation(problems) }
    }
}
