import TallyCore
import TallyEngine
import TallyIngest
import Testing

/// Where `index.html` goes for a given `--out` (no database needed).
@Suite struct RunOptionsTests {
    @Test(
        arguments: [
            (nil, "reports"),
            ("reports/acmepay/2026-03-10_2026-03-11", "reports"),
            ("/srv/shared/acmepay/night/", "/srv/shared"),
            ("acmepay/2026-03-10_2026-03-11", "."),
            ("./out/acmepay/x/.", "./out"),
            ("/tmp/scratch/out", nil),
            ("reports/acmepay/../other", nil),
            ("out", nil),
        ] as [(String?, String?)])
    func reportsRoot(out: String?, expected: String?) {
        let options = RunOptions(
            provider: "acmepay", format: .stripe, files: ["f.csv"], from: CivilDate(iso: "2026-03-10")!,
            to: CivilDate(iso: "2026-03-11")!, outDirectory: out)
        #expect(options.reportsRoot == expected)
    }
}
