import TallyCore

extension RunPlanner {
    /// One provider: the nightly day, a window, or a range per day.
    func step(_ settings: Settings) -> ProviderRun.Step {
        let provider = settings.options.provider
        let first: CivilDate
        let last: CivilDate
        if let from = flags.from {
            first = from
            last = flags.to ?? from
        } else if let asOf = flags.asOf {
            first = asOf.adding(days: -1)
            last = first
        } else {
            do throws(RunError) { first = try NightlyWindow.yesterday(in: settings.options.timezone, now: now) } catch {
                return .failed(RunError(code: .usage, message: "\(provider): \(error)"))
            }
            last = first
        }
        if flags.perDay {
            guard let pattern = settings.filePattern else {
                return .failed(
                    RunError(code: .usage, message: "\(provider): --per-day needs --file-pattern or the provider's file_pattern"))
            }
            return perDay(settings, pattern: FilePattern(pattern), from: first, to: last)
        }
        // the nightly default runs only the providers whose file arrived
        let skipMissing = flags.isNightly && flags.provider == nil
        var options = window(settings.options, from: first, to: last)
        if let pattern = settings.filePattern, options.files.isEmpty || flags.filePattern != nil {
            let days = FilePattern(pattern).days(from: first, to: last, fileExists: fileExists)
            let present = days.compactMap { $0.present ? $0.path : nil }
            let missing = days.filter { !$0.present }.map(\.day)
            if skipMissing && present.isEmpty {
                return .skipped(
                    warning: "\(provider): no settlement file for \(first) (\(FilePattern(pattern).path(for: first))); skipped")
            }
            if !missing.isEmpty && !flags.allowMissing {
                let message =
                    "no settlement file for \(missing.map(\.description).joined(separator: ", ")) (\(pattern)); pass --allow-missing to run without them"
                return .filesMissing(RunError(code: .notFound, message: message), options: options)
            }
            options.files += present
        }
        guard !options.files.isEmpty else {
            if skipMissing {
                return .skipped(warning: "\(provider): no file_pattern in the config; skipped by the nightly default")
            }
            return .failed(
                RunError(
                    code: settings.filePattern == nil ? .usage : .notFound,
                    message: "\(provider): no settlement file: give --file, --file-pattern or the provider's file_pattern"))
        }
        return .run(options)
    }

    /// `--per-day`: a run for each day whose file is present.
    func perDay(_ settings: Settings, pattern: FilePattern, from: CivilDate, to: CivilDate) -> ProviderRun.Step {
        guard from <= to else {
            return .failed(RunError(code: .usage, message: "--from \(from) is after --to \(to); swap them."))
        }
        let days = pattern.days(from: from, to: to, fileExists: fileExists).map { day -> DayRange.Day in
            guard day.present else { return .missing(day.day, path: day.path) }
            var options = window(settings.options, from: day.day, to: day.day)
            options.files = [day.path]
            if let out = flags.out { options.outDirectory = "\(out)/\(day.day)" }
            return .run(day.day, options)
        }
        return .perDay(DayRange(from: from, to: to, days: days, allowMissing: flags.allowMissing))
    }

    /// The options of one window, with its report folder: `--out`, else
    /// `<reports_dir>/<provider>/<from>_<to>`, with `.dry-run` after it for a dry run, so that a
    /// rehearsal never replaces the window's real reports.
    func window(_ options: RunOptions, from: CivilDate, to: CivilDate) -> RunOptions {
        var options = options
        options.from = from
        options.to = to
        if let out = flags.out {
            options.outDirectory = out
        } else if let reports = config?.reportsDirectory {
            options.outDirectory = "\(reports)/\(options.provider)/\(from)_\(to)\(flags.dryRun ? ".dry-run" : "")"
        } else {
            options.outDirectory = nil
        }
        return options
    }
}

extension FilePattern {
    /// Each day of [from, to] with its file's path and whether that file is there.
    func days(from: CivilDate, to: CivilDate, fileExists: (String) -> Bool) -> [(day: CivilDate, path: String, present: Bool)] {
        FilePattern.days(from: from, to: to).map { day in
            let path = path(for: day)
            return (day, path, fileExists(path))
        }
    }
}
