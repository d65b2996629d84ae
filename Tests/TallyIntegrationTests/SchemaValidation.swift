import Foundation
import TallyTestSupport

/// Validates a report against `schemas/report.schema.json` with Python's `jsonschema`, a real
/// draft 2020-12 validator (installed by `make test`).
enum SchemaValidation {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static var schemaPath: String {
        TestCluster.repositoryRoot.appendingPathComponent("schemas/report.schema.json").path
    }

    static func validate(_ report: URL) throws {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); report = json.load(open(sys.argv[2]))
            jsonschema.Draft202012Validator.check_schema(schema)
            errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(report), key=lambda e: list(e.path))
            for e in errors[:5]: print(list(e.path), e.message)
            sys.exit(1 if errors else 0)
            """
        let result = try Subprocess.run("/usr/bin/env", ["python3", "-c", script, schemaPath, report.path])
        guard result.status == 0 else { throw Invalid(description: "report.json does not match the schema: \(result.output)") }
    }

    /// Renames (`key` → `key_renamed`) and, in turn, removes every key of every object in the
    /// report and validates each copy; returns the mutations the schema did not catch (an exact
    /// schema returns none). Removal is not tried inside the per-currency maps, whose keys vary.
    static func uncaughtMutations(_ report: URL) throws -> [String] {
        let script = """
            import copy, json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); report = json.load(open(sys.argv[2]))
            validator = jsonschema.Draft202012Validator(schema)
            assert validator.is_valid(report), "the report itself is invalid"
            def paths(node, path):
                if isinstance(node, dict):
                    for key, value in node.items():
                        yield path + [key]
                        yield from paths(value, path + [key])
                elif isinstance(node, list):
                    for index, value in enumerate(node):
                        yield from paths(value, path + [index])
            uncaught = []
            for path in paths(report, []):
                for mutation in ("rename", "remove"):
                    if mutation == "remove" and len(path) > 1 and str(path[-2]).endswith("_by_currency"): continue
                    mutant = copy.deepcopy(report)
                    parent = mutant
                    for step in path[:-1]: parent = parent[step]
                    value = parent.pop(path[-1])
                    if mutation == "rename": parent[path[-1] + "_renamed"] = value
                    if validator.is_valid(mutant): uncaught.append(mutation + " " + "/".join(map(str, path)))
            print(json.dumps({"checked": sum(1 for _ in paths(report, [])), "uncaught": uncaught}))
            """
        let result = try Subprocess.run("/usr/bin/env", ["python3", "-c", script, schemaPath, report.path])
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let uncaught = object["uncaught"] as? [String], let checked = object["checked"] as? Int, checked > 100
        else { throw Invalid(description: "the rename check failed: \(result.output)") }
        return uncaught
    }
}
