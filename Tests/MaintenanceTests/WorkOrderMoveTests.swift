import Foundation
import Testing

@testable import Maintenance

@Suite("Work-order move side rules")
struct WorkOrderMoveTests {
    let me = UUID()
    let other = UUID()
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let earlier = Date(timeIntervalSince1970: 1_700_000_000)

    @Test func onlyStartingAnOrderNobodyHasIsAClaim() {
        #expect(WorkOrderMove.isClaim(.start, assigneeIDs: [], teamID: nil, by: me))
        #expect(!WorkOrderMove.isClaim(.start, assigneeIDs: [other], teamID: nil, by: me))
        #expect(!WorkOrderMove.isClaim(.start, assigneeIDs: [], teamID: UUID(), by: me))
        #expect(!WorkOrderMove.isClaim(.start, assigneeIDs: [], teamID: nil, by: nil))
        #expect(!WorkOrderMove.isClaim(.complete, assigneeIDs: [], teamID: nil, by: me))
    }

    @Test func requiredItemsNotDoneBlockCompletion() {
        let items = [
            WorkOrderMove.ChecklistItem(label: "Lock out", required: true, done: false),
            WorkOrderMove.ChecklistItem(label: "Grease", required: false, done: false),
            WorkOrderMove.ChecklistItem(label: "Check belt", required: true, done: true),
        ]
        #expect(WorkOrderMove.blockingItems(items).map(\.label) == ["Lock out"])
        #expect(WorkOrderMove.blockingItems(Array(items.dropFirst())).isEmpty)
    }

    @Test func completingRecordsWhoWhenTheNoteAndKeepsCodesNotSentAgain() {
        let problem = UUID()
        let cause = UUID()
        let fields = WorkOrderMove.Fields(codes: .init(problem: problem, cause: UUID()))
        let after = WorkOrderMove.apply(
            .complete, to: fields, sent: .init(resolutionNote: "Replaced the belt", codes: .init(cause: cause)), by: me, claim: false,
            now: now)
        #expect(after.completedAt == now)
        #expect(after.completedByUserID == me)
        #expect(after.resolutionNote == "Replaced the belt")
        #expect(after.codes.problem == problem)
        #expect(after.codes.cause == cause)
        #expect(after.codes.remedy == nil)
        #expect(!after.codes.isComplete)
        #expect(WorkOrderMove.FailureCodes(problem: problem, cause: cause, remedy: UUID()).isComplete)
    }

    @Test func startingKeepsTheFirstStartAndAClaimAssignsTheStarter() {
        let started = WorkOrderMove.apply(.start, to: .init(startedAt: earlier), sent: .init(), by: me, claim: true, now: now)
        #expect(started.startedAt == earlier)
        #expect(started.assigneeIDs == [me])
        let fresh = WorkOrderMove.apply(.start, to: .init(assigneeIDs: [other]), sent: .init(), by: me, claim: false, now: now)
        #expect(fresh.startedAt == now)
        #expect(fresh.assigneeIDs == [other])
    }

    @Test func reopeningClearsTheCompletionAndAReasonBecomesTheStatusReason() {
        let done = WorkOrderMove.Fields(completedAt: earlier, completedByUserID: other, resolutionNote: "Fixed")
        let reopened = WorkOrderMove.apply(.reopen, to: done, sent: .init(reason: "Leaks again"), by: me, claim: false, now: now)
        #expect(reopened.completedAt == nil)
        #expect(reopened.completedByUserID == nil)
        #expect(reopened.resolutionNote == "Fixed")
        #expect(reopened.statusReason == "Leaks again")
        let held = WorkOrderMove.apply(.hold, to: reopened, sent: .init(), by: me, claim: false, now: now)
        #expect(held.statusReason == "Leaks again")
    }

    @Test func onlyAFinalStatusReleasesHeldParts() {
        #expect(WorkOrderMove.releasesReservations(to: .completed))
        #expect(WorkOrderMove.releasesReservations(to: .cancelled))
        #expect(!WorkOrderMove.releasesReservations(to: .onHold))
    }
}
