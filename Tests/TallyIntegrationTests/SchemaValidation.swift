import Foundation
import TallyTestSupport

/// Validates a report against `schemas/report.schema.json` with Python's `jsonschema`, a real
/// draft 2020-12 validator (installed by `make test`).
enum SchemaValidation {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func validate(_ report: URL) throws {
        let schema = TestCluster.repositoryRoot.appendingPathComponent("schemas/report.schema.json").path
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); report = json.load(open(sys.argv[2]))
            jsonschema.Draft202012Validator.check_schema(schema)
            errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(report), key=lambda e: list(e.path))
            for e in errors[:5]: print(list(e.path), e.message)
            sys.exit(1 if errors else 0)
            """
        let result = try Subprocess.run("/usr/bin/env", ["python3", "-c", script, schema, report.path])
        guard result.status == 0 else { throw Invalid(description: "report.json does not match the schema: \(result.output)") }
    }
}
