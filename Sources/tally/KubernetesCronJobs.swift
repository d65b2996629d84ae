import Foundation
import TallyEngine

/// One Kubernetes CronJob per configured provider (`tally deploy kubernetes`): each provider's
/// nightly run is its own pod, on its own schedule in its own time zone, and its failure fails only
/// its own Job. Every CronJob is `deploy/kubernetes/cronjob.yaml` with five lines changed (name,
/// time zone, image, arguments, `PGAPPNAME`); KubernetesDeployTests keeps the two in step.
struct KubernetesCronJobs {
    /// What the generated manifests take from the command line.
    struct Options {
        var image = "registry.example.com/tally:\(TallyVersion.current)"
        var schedule = "0 2 * * *"
        /// Where the ConfigMap puts tally.yml inside the pod.
        var configPath = "/etc/tally/tally.yml"
    }

    /// Two providers whose names give the same Kubernetes object name.
    struct NameClash: Error, CustomStringConvertible {
        var name: String
        var providers: [String]
        var description: String {
            "the providers \(providers.map { "'\($0)'" }.joined(separator: " and ")) both become the CronJob '\(name)';"
                + " rename one of them in tally.yml"
        }
    }

    /// A CronJob name for a provider: DNS-1123 (lower-case letters, digits, '-'), at most 52
    /// characters (the CronJob limit, so that its Jobs' names fit in 63). A name that had to be cut or
    /// changed keeps a short hash of the original, so that two providers stay two CronJobs.
    static func objectName(for provider: String) -> String {
        var name = ""
        for scalar in provider.lowercased().unicodeScalars {
            let ok = ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            if ok {
                name.unicodeScalars.append(scalar)
            } else if !name.isEmpty, name.last != "-" {
                name += "-"
            }
        }
        while name.hasSuffix("-") { name.removeLast() }
        let plain = "tally-" + name
        if name == provider, plain.count <= 52 { return plain }
        // FNV-1a over the provider's bytes: stable across runs and machines
        var hash: UInt32 = 2_166_136_261
        for byte in provider.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let suffix = String(hash, radix: 16).leftPadded(to: 8)
        let kept = String(plain.prefix(52 - 9))
        return (kept.hasSuffix("-") ? String(kept.dropLast()) : kept) + "-" + suffix
    }

    /// The manifests, one YAML document per provider in the config's order.
    static func manifests(for config: TallyConfig, options: Options) throws(NameClash) -> String {
        var seen: [String: String] = [:]
        var documents: [String] = []
        for provider in config.providers {
            let name = objectName(for: provider.name)
            if let other = seen[name] { throw NameClash(name: name, providers: [other, provider.name]) }
            seen[name] = provider.name
            let zone = provider.timezone ?? config.timezone ?? "Etc/UTC"
            documents.append(
                cronJob(name: name, provider: provider.name, timeZone: zone, options: options))
        }
        return documents.joined(separator: "---\n")
    }

    /// A YAML double-quoted scalar (JSON's escaping is valid YAML).
    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])) ?? Data()
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }

    static func cronJob(name: String, provider: String, timeZone: String, options: Options) -> String {
        let arguments = ["run", "--config", options.configPath, "--provider", provider].map(quoted).joined(separator: ", ")
        return """
            # tally deploy kubernetes: the nightly run of provider \(quoted(provider)) (see deploy/kubernetes/cronjob.yaml)
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: \(name)
              labels:
                app.kubernetes.io/name: tally
            spec:
              schedule: \(quoted(options.schedule))
              timeZone: \(quoted(timeZone))
              concurrencyPolicy: Forbid
              startingDeadlineSeconds: 3600
              successfulJobsHistoryLimit: 3
              failedJobsHistoryLimit: 5
              jobTemplate:
                spec:
                  backoffLimit: 2
                  activeDeadlineSeconds: 10800
                  ttlSecondsAfterFinished: 172800
                  podFailurePolicy:
                    rules:
                      - action: FailJob
                        onExitCodes:
                          containerName: tally
                          operator: In
                          values: [1, 64, 65, 66, 70, 73, 78]
                  template:
                    metadata:
                      labels:
                        app.kubernetes.io/name: tally
                    spec:
                      restartPolicy: Never
                      automountServiceAccountToken: false
                      securityContext:
                        runAsNonRoot: true
                        runAsUser: 10001
                        runAsGroup: 10001
                        fsGroup: 10001
                        seccompProfile:
                          type: RuntimeDefault
                      containers:
                        - name: tally
                          image: \(quoted(options.image))
                          args: [\(arguments)]
                          workingDir: /var/lib/tally
                          env:
                            - name: PGAPPNAME
                              value: \(quoted(name))
                            - name: PGPASSWORD
                              valueFrom:
                                secretKeyRef:
                                  name: tally-secrets
                                  key: pgpassword
                          volumeMounts:
                            - name: config
                              mountPath: /etc/tally
                              readOnly: true
                            - name: reports
                              mountPath: /var/lib/tally/reports
                            - name: settlements
                              mountPath: /srv/settlements
                              readOnly: true
                            - name: tmp
                              mountPath: /tmp
                          securityContext:
                            allowPrivilegeEscalation: false
                            readOnlyRootFilesystem: true
                            capabilities:
                              drop: ["ALL"]
                          resources:
                            requests:
                              cpu: 500m
                              memory: 512Mi
                            limits:
                              memory: 2Gi
                      volumes:
                        - name: config
                          configMap:
                            name: tally-config
                        - name: reports
                          persistentVolumeClaim:
                            claimName: tally-reports
                        - name: settlements
                          persistentVolumeClaim:
                            claimName: tally-settlements
                            readOnly: true
                        - name: tmp
                          emptyDir: {}

            """
    }
}
