import Foundation
import Maintenance

/// The list-and-create pages, each over its API resource.
extension WebCatalog {
    static func text(_ key: String) -> @Sendable (Item, Lookups) -> String {
        { item, _ in
            switch item[key] {
            case .string(let text)?: text
            case .number(let number)?: WebFormat.number(number)
            case .bool(let flag)?: flag ? "yes" : "no"
            default: ""
            }
        }
    }

    static func label(_ key: String) -> @Sendable (Item, Lookups) -> String {
        { item, lookups in WebFormat.label(text(key)(item, lookups)) }
    }

    static func day(_ key: String) -> @Sendable (Item, Lookups) -> String {
        { item, _ in
            guard case .string(let text)? = item[key] else { return "—" }
            return String(text.prefix(10))
        }
    }

    static func named(_ key: String) -> @Sendable (Item, Lookups) -> String {
        { item, lookups in lookups.name(item[key]) }
    }

    static func status(_ item: Item) -> String {
        if case .string(let status)? = item["status"] { return status }
        return ""
    }

    static let all: [WebCatalog] = [
        WebCatalog(
            path: "sites", title: "Sites", read: .sitesRead, write: .sitesWrite, idParameter: "siteID", list: SiteController.list,
            create: SiteController.create,
            columns: [
                Column(label: "Site", value: text("name")), Column(label: "Time zone", value: text("timeZone")),
                Column(label: "Address", value: text("address")),
            ],
            fields: [
                Field(name: "name", label: "Name"), Field(name: "timeZone", label: "Time zone (e.g. Europe/Berlin)"),
                Field(name: "address", label: "Address"),
            ],
            edit: (SiteController.show, SiteController.update)),
        WebCatalog(
            path: "clients", title: "Clients", read: .clientsRead, write: .clientsWrite, idParameter: "clientID",
            list: ClientController.list,
            create: ClientController.create,
            columns: [
                Column(label: "Client", value: text("name")), Column(label: "E-mail", value: text("email")),
                Column(label: "Phone", value: text("phone")),
            ],
            fields: [
                Field(name: "name", label: "Name"), Field(name: "email", label: "E-mail"), Field(name: "phone", label: "Phone"),
                Field(name: "notes", label: "Notes", kind: .textarea),
            ],
            edit: (ClientController.show, ClientController.update)),
        WebCatalog(
            path: "vendors", title: "Vendors", read: .partsRead, write: .partsWrite, idParameter: "vendorID",
            list: PartController.listVendors,
            create: PartController.createVendor,
            columns: [
                Column(label: "Vendor", value: text("name")), Column(label: "E-mail", value: text("email")),
                Column(label: "Phone", value: text("phone")),
            ],
            fields: [Field(name: "name", label: "Name"), Field(name: "email", label: "E-mail"), Field(name: "phone", label: "Phone")],
            edit: (PartController.showVendor, PartController.updateVendor)),
        WebCatalog(
            path: "parts", title: "Parts", read: .partsRead, write: .partsWrite, idParameter: "partID", list: PartController.listParts,
            create: PartController.createPart,
            columns: [
                Column(
                    label: "Part", value: { item, lookups in "\(text("number")(item, lookups)) \(text("name")(item, lookups))" },
                    href: { item in if case .string(let id)? = item["id"] { "/parts/\(id)" } else { nil } }),
                Column(label: "Unit", value: text("unit")), Column(label: "Unit cost", value: text("unitCost")),
                Column(label: "Vendor", value: named("preferredVendorId")),
            ],
            fields: [
                Field(name: "number", label: "Part number"), Field(name: "name", label: "Name"),
                Field(name: "unit", label: "Unit (each, m, l)"),
                Field(name: "unitCost", label: "Unit cost", kind: .number),
                Field(name: "preferredVendorId", label: "Preferred vendor", kind: .select(.vendors, optional: true)),
            ],
            edit: (PartController.showPart, PartController.updatePart), lookupSources: [.vendors]),
        WebCatalog(
            path: "pm-schedules", title: "PM schedules", read: .workOrdersRead, write: .workOrdersManage, idParameter: "pmScheduleID",
            list: PMScheduleController.list, create: PMScheduleController.create,
            columns: [
                Column(label: "Schedule", value: text("title")), Column(label: "Asset", value: named("assetId")),
                Column(
                    label: "Every",
                    value: { item, _ in
                        guard case .object(let calendar)? = item["calendar"], case .number(let every)? = calendar["every"],
                            case .string(let unit)? = calendar["unit"]
                        else { return "by meter" }
                        return "\(Int(every)) \(unit)\(every == 1 ? "" : "s")"
                    }),
                Column(label: "Next due", value: day("nextDueAt")), Column(label: "Active", value: text("active")),
            ],
            fields: [
                Field(name: "assetId", label: "Asset", kind: .select(.assets, optional: false)), Field(name: "title", label: "Title"),
                Field(name: "every", label: "Every", kind: .number),
                Field(
                    name: "unit", label: "Unit",
                    kind: .select(
                        .fixed(CalendarInterval.Unit.allCases.map { ($0.rawValue, WebFormat.label($0.rawValue) + "s") }), optional: false)),
                Field(name: "nextDueAt", label: "First due", kind: .date),
                Field(
                    name: "priority", label: "Priority",
                    kind: .select(
                        .fixed(WorkOrderPriority.allCases.reversed().map { ($0.rawValue, WebFormat.label($0.rawValue)) }), optional: true)),
            ],
            shape: { form in
                // The form's flat "every" and "unit" are the API's calendar interval.
                var body = form
                let every = body.removeValue(forKey: "every")
                let unit = body.removeValue(forKey: "unit")
                if every != nil || unit != nil {
                    var calendar: [String: JSONValue] = [:]
                    if let every { calendar["every"] = every }
                    if let unit { calendar["unit"] = unit }
                    body["calendar"] = .object(calendar)
                }
                return body
            },
            intro: "Each schedule makes its work order ahead of the due date.",
            edit: (PMScheduleController.show, PMScheduleController.update), createOnly: ["assetId"],
            unshape: { item in
                var form = item
                if case .object(let calendar)? = item["calendar"] {
                    form["every"] = calendar["every"]
                    form["unit"] = calendar["unit"]
                }
                return form
            }, lookupSources: [.assets], links: [("Compliance", "/pm-schedules/compliance")]),
        WebCatalog(
            path: "purchase-orders", title: "Purchase orders", read: .purchaseOrdersRead, write: .purchaseOrdersWrite,
            idParameter: "purchaseOrderID", list: PurchaseOrderController.list, create: PurchaseOrderController.create,
            columns: [
                Column(
                    label: "Order", value: text("number"),
                    href: { item in if case .string(let id)? = item["id"] { "/purchase-orders/\(id)" } else { nil } }),
                Column(label: "Vendor", value: named("vendorId")), Column(label: "Delivered to", value: named("siteId")),
                Column(label: "Status", value: label("status")), Column(label: "Notes", value: text("notes")),
            ],
            fields: [
                Field(name: "vendorId", label: "Vendor", kind: .select(.vendors, optional: false)),
                Field(name: "siteId", label: "Delivery site", kind: .select(.sites, optional: false)),
                Field(name: "notes", label: "Notes", kind: .textarea),
            ],
            actions: [
                RowAction(
                    name: "submit", label: "Submit", permission: .purchaseOrdersWrite, applies: { status($0) == "draft" },
                    handler: { try await PurchaseOrderController.act($0, .submit) }),
                RowAction(
                    name: "approve", label: "Approve", permission: .purchaseOrdersApprove, applies: { status($0) == "submitted" },
                    handler: { try await PurchaseOrderController.act($0, .approve) }),
                RowAction(
                    name: "cancel", label: "Cancel", permission: .purchaseOrdersWrite,
                    applies: { ["draft", "submitted", "approved"].contains(status($0)) },
                    handler: { try await PurchaseOrderController.act($0, .cancel) }),
            ],
            intro: "Lines and receiving: the API (POST /api/v1/purchase-orders/{id}/lines, …/receive); low stock drafts orders by itself.",
            edit: (PurchaseOrderController.show, PurchaseOrderController.update), createOnly: ["siteId"],
            lookupSources: [.vendors, .sites]),
    ]
}
