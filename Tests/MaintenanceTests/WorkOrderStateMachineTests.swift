import Testing

@testable import Maintenance

@Suite("Work-order state machine")
struct WorkOrderStateMachineTests {
    typealias Case = (action: WorkOrderAction, from: WorkOrderStatus, to: WorkOrderStatus)

    static let legal: [Case] = [
        (.approve, .requested, .open),
        (.start, .open, .inProgress),
        (.start, .reopened, .inProgress),
        (.hold, .inProgress, .onHold),
        (.resume, .onHold, .inProgress),
        (.complete, .inProgress, .completed),
        (.complete, .open, .completed),
        (.complete, .onHold, .completed),
        (.complete, .reopened, .completed),
        (.reopen, .completed, .reopened),
        (.cancel, .requested, .cancelled),
        (.cancel, .open, .cancelled),
        (.cancel, .inProgress, .cancelled),
        (.cancel, .onHold, .cancelled),
        (.cancel, .reopened, .cancelled),
    ]

    static let everything = WorkOrderStateMachine.Context(
        isManager: true, hasResolutionNote: true, hasFailureCodes: true, organizationRequiresFailureCodes: true, hasReason: true)

    @Test(arguments: legal)
    func aManagerWithEverythingNeededMayTakeEachLegalTransition(_ transition: Case) {
        #expect(
            WorkOrderStateMachine.transition(transition.action, from: transition.from, context: Self.everything) == .success(transition.to))
    }

    @Test func everyOtherPairIsIllegalAndNamesTheAllowedActions() {
        let legalPairs = Set(Self.legal.map { "\($0.action)-\($0.from)" })
        var illegal = 0
        for status in WorkOrderStatus.allCases {
            for action in WorkOrderAction.allCases where !legalPairs.contains("\(action)-\(status)") {
                let result = WorkOrderStateMachine.transition(action, from: status, context: Self.everything)
                #expect(
                    result == .failure(.illegal(action: action, from: status, allowed: WorkOrderStateMachine.allowedActions(from: status))))
                illegal += 1
            }
        }
        #expect(illegal == WorkOrderStatus.allCases.count * WorkOrderAction.allCases.count - Self.legal.count)
    }

    @Test func cancelledIsFinalWithNoWayOut() {
        #expect(WorkOrderStateMachine.allowedActions(from: .cancelled) == [])
        #expect(WorkOrderStateMachine.allowedActions(from: .completed) == [.reopen])
        #expect(WorkOrderStatus.completed.isFinal && WorkOrderStatus.cancelled.isFinal)
    }

    @Test func completingNeedsAResolutionNote() {
        let context = WorkOrderStateMachine.Context(isManager: true)
        #expect(
            WorkOrderStateMachine.transition(.complete, from: .inProgress, context: context)
                == .failure(.missing(action: .complete, requirements: [.resolutionNote])))
    }

    @Test func failureCodesAreNeededOnlyWhenTheOrganizationRequiresThem() {
        var context = WorkOrderStateMachine.Context(isManager: true, hasResolutionNote: true)
        #expect(WorkOrderStateMachine.transition(.complete, from: .inProgress, context: context) == .success(.completed))
        context.organizationRequiresFailureCodes = true
        #expect(
            WorkOrderStateMachine.transition(.complete, from: .inProgress, context: context)
                == .failure(.missing(action: .complete, requirements: [.failureCodes])))
    }

    @Test func anAssignedTechnicianWorksTheOrderButCannotApproveOrReopen() {
        let technician = WorkOrderStateMachine.Context(isManager: false, isAssignee: true, hasResolutionNote: true, hasReason: true)
        #expect(WorkOrderStateMachine.transition(.start, from: .open, context: technician) == .success(.inProgress))
        #expect(WorkOrderStateMachine.transition(.complete, from: .inProgress, context: technician) == .success(.completed))
        #expect(
            WorkOrderStateMachine.transition(.approve, from: .requested, context: technician)
                == .failure(.notPermitted(action: .approve, who: .manager)))
        #expect(
            WorkOrderStateMachine.transition(.reopen, from: .completed, context: technician)
                == .failure(.notPermitted(action: .reopen, who: .manager)))
        let bystander = WorkOrderStateMachine.Context(isManager: false, hasReason: true)
        #expect(
            WorkOrderStateMachine.transition(.start, from: .open, context: bystander)
                == .failure(.notPermitted(action: .start, who: .managerOrAssignee)))
    }

    @Test func aRequesterMayCancelTheirOwnRequestButNotTheWorkOrderItBecame() {
        let requester = WorkOrderStateMachine.Context(isManager: false, isRequester: true, hasReason: true)
        #expect(WorkOrderStateMachine.transition(.cancel, from: .requested, context: requester) == .success(.cancelled))
        #expect(
            WorkOrderStateMachine.transition(.cancel, from: .open, context: requester)
                == .failure(.notPermitted(action: .cancel, who: .managerOrOwnRequest)))
    }

    @Test func holdingReopeningAndCancellingNeedAReason() {
        let context = WorkOrderStateMachine.Context(isManager: true)
        for (action, from) in [(WorkOrderAction.hold, WorkOrderStatus.inProgress), (.reopen, .completed), (.cancel, .open)] {
            #expect(
                WorkOrderStateMachine.transition(action, from: from, context: context)
                    == .failure(.missing(action: action, requirements: [.reason])))
        }
    }
}
