import Foundation
import Scheduling

/// `sched-bench [--time-limit S] [--seed N] [--threads T] [--out DIR] [--bound S] [--alternatives K] PATH…`: solves each
/// instance (a file, or every `*.json` in a folder except `*.expected.json`) and prints a Markdown table against the
/// reference in `NAME.expected.json`; `--bound` adds CBC's lower bound on the score (root relaxation and cuts, at most S
/// seconds); `--alternatives K` asks `Solver.alternatives` for K solutions instead and prints one row per alternative.
@main
struct SchedBench {
    static func main() {
        var timeLimit = 10.0
        var seed: UInt64 = 1
        var outFolder: String?
        var boundSeconds: Double?
        var threads: Int?
        var alternatives: Int?
        var paths: [String] = []
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let argument = arguments.next() {
            switch argument {
            case "--time-limit": timeLimit = arguments.next().flatMap(Double.init) ?? timeLimit
            case "--seed": seed = arguments.next().flatMap { UInt64($0) } ?? seed
            case "--out": outFolder = arguments.next()
            case "--bound": boundSeconds = arguments.next().flatMap(Double.init)
            case "--threads": threads = arguments.next().flatMap { Int($0) }
            case "--alternatives": alternatives = arguments.next().flatMap { Int($0) }
            default: paths.append(argument)
            }
        }
        if let alternatives, !paths.isEmpty {
            print("| instance | alternative | time (s) | score | proven | changed sessions | changes | valid |")
            print("| --- | ---: | ---: | ---: | --- | ---: | --- | --- |")
            for file in instanceFiles(paths) {
                runAlternatives(file, count: alternatives, options: SolverOptions(timeLimit: timeLimit, seed: seed, threads: threads))
            }
            return
        }
        if paths.isEmpty {
            print("usage: sched-bench [--time-limit S] [--seed N] [--threads T] [--out DIR] [--bound S] INSTANCE.json|FOLDER …")
            exit(64)
        }
        print("| instance | requests | time (s) | score | reference score | reference time (s) | valid | lower bound |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
        for file in instanceFiles(paths) {
            run(file, options: SolverOptions(timeLimit: timeLimit, seed: seed, threads: threads), outFolder: outFolder, boundSeconds: boundSeconds)
        }
    }

    static func instanceFiles(_ paths: [String]) -> [String] {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".expected.json") }.sorted().map { "\(path)/\($0)" }
            } else {
                files.append(path)
            }
        }
        return files
    }

    static func runAlternatives(_ file: String, count: Int, options: SolverOptions) {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        guard let data = FileManager.default.contents(atPath: file), let problem = try? ProblemReader.read(data) else {
            print("| \(name) | cannot read a valid problem from \(file) | | | | | | |")
            return
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let results: [SolveResult]
        do {
            results = try Solver.alternatives(problem, count: count, options: options)
        } catch {
            print("| \(name) | infeasible: \(error.reason) | | | | | | |")
            return
        }
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        for (k, result) in results.enumerated() {
            let changes = problem.changes(in: result.solution)
            let listed = changes.changes.prefix(6).map { "\($0.request) \($0.kind.rawValue) \($0.from ?? "–")→\($0.to ?? "–")" }
                .joined(separator: ", ") + (changes.changes.count > 6 ? ", …" : "")
            let valid = SolutionChecker.check(result.solution, against: problem).isEmpty ? "yes" : "NO"
            print(
                "| \(name) | \(k + 1) | \(String(format: "%.3f", result.report.seconds)) | \(result.solution.score) | \(result.report.proven) | \(changes.changedSessions) | \(listed) | \(valid) |"
            )
        }
        print("| \(name) | all \(results.count) | \(String(format: "%.3f", total)) | | | | | |")
    }

    static func run(_ file: String, options: SolverOptions, outFolder: String?, boundSeconds: Double?) {
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        guard let data = FileManager.default.contents(atPath: file) else {
            print("| \(name) | cannot read \(file) | | | | | |")
            return
        }
        let problem: Problem
        do {
            problem = try ProblemReader.read(data)
        } catch {
            print("| \(name) | invalid: \(error.defects.first ?? "") | | | | | |")
            return
        }
        var reference = ("–", "–")
        let expectedPath = file.replacingOccurrences(of: ".json", with: ".expected.json")
        if let expected = FileManager.default.contents(atPath: expectedPath),
            let object = try? JSONSerialization.jsonObject(with: expected) as? [String: Any]
        {
            let score = (object["optimal_score"] as? Int).map { "\($0)" } ?? (object["best_known_score"] as? Int).map { "best \($0)" } ?? "–"
            let seconds = (object["cpsat_seconds"] as? Double).map { "\($0)" } ?? "–"
            reference = (score, seconds)
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let solution: Solution
        do {
            solution = try Solver.solve(problem, options: options)
        } catch {
            print("| \(name) | \(problem.requests.count) | | infeasible: \(error.reason) | | | |")
            return
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let violations = SolutionChecker.check(solution, against: problem)
        if let outFolder {
            _ = FileManager.default.createFile(atPath: "\(outFolder)/\(name).solution.json", contents: SolutionWriter.encode(solution))
        }
        let valid = violations.isEmpty ? "yes" : "NO (\(violations.count)): \(violations[0])"
        let bound = boundSeconds.map { Solver.lowerBound(problem, seconds: $0).map(String.init) ?? "–" } ?? ""
        print(
            "| \(name) | \(problem.requests.count) | \(String(format: "%.3f", seconds)) | \(solution.score) | \(reference.0) | \(reference.1) | \(valid) | \(bound) |"
        )
    }
}
