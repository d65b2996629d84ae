import Foundation
import Testing

@testable import tally

/// The CronJob names `tally deploy kubernetes` gives providers: valid Kubernetes names, one per
/// provider, readable where the provider's name already is one.
@Suite struct KubernetesCronJobsTests {
    func isDNSLabel(_ name: String) -> Bool {
        name.count <= 52 && name.first.map { $0.isLetter } == true && name.last.map { $0.isLetter || $0.isNumber } == true
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    @Test func aPlainNameIsKept() {
        #expect(KubernetesCronJobs.objectName(for: "acmepay") == "tally-acmepay")
        #expect(KubernetesCronJobs.objectName(for: "bank-ch-2") == "tally-bank-ch-2")
    }

    @Test(arguments: [
        "bank_ch", "Bank-CH", "bank ch", "bänk", "_", "--", String(repeating: "provider", count: 10), "a.b/c",
    ])
    func anyNameBecomesAValidDistinctName(_ provider: String) {
        let name = KubernetesCronJobs.objectName(for: provider)
        #expect(isDNSLabel(name), "\(name)")
        #expect(name != "tally-" + provider)
        // the same provider always gets the same name
        #expect(KubernetesCronJobs.objectName(for: provider) == name)
    }

    @Test func namesThatLookAlikeStayApart() {
        let names = ["bank_ch", "bank-ch", "Bank-CH", "bank ch", "bank.ch"].map(KubernetesCronJobs.objectName)
        #expect(Set(names).count == names.count, "\(names)")
        let long = String(repeating: "x", count: 60)
        #expect(KubernetesCronJobs.objectName(for: long + "1") != KubernetesCronJobs.objectName(for: long + "2"))
    }

    @Test func quotedScalarsEscapeWhatYAMLWould() {
        #expect(KubernetesCronJobs.quoted("acmepay") == #""acmepay""#)
        #expect(KubernetesCronJobs.quoted(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(KubernetesCronJobs.quoted("0 2 * * *") == #""0 2 * * *""#)
        #expect(KubernetesCronJobs.quoted("/etc/tally/tally.yml") == #""/etc/tally/tally.yml""#)
    }
}
