import Foundation
internal import Yams

/// Reads a district's configuration, a directory of human-edited YAML files (see `docs/config.md`), and
/// checks it whole: every defect of every file is reported at once, with its file, line and column.
public enum ConfigLoader {
    /// Reads and checks the configuration in a directory: `district.yaml`, `blocs.yaml`, `locations.yaml`,
    /// `members.yaml`, `teams.yaml`, `units.yaml` and `campaigns/*.yaml`.
    ///
    /// - Throws: every defect found, sorted by file and line.
    public static func load(directory: URL) throws(ConfigDefects) -> District {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ConfigDefects([ConfigPosition.whole(directory.path).defect("không tìm thấy thư mục cấu hình")])
        }
        let read = readDirectory(directory)
        return try load(files: read.files, unreadable: read.defects)
    }

    /// Reads and checks a configuration given as file contents, keyed by path relative to the directory
    /// (`district.yaml`, `campaigns/2023.yaml` …).
    ///
    /// - Throws: every defect found, sorted by file and line.
    public static func load(files: [String: String]) throws(ConfigDefects) -> District {
        try load(files: files, unreadable: [])
    }

    /// Reads and checks a configuration; `unreadable` holds the defects of files that exist but could not be
    /// read as text, which are then neither parsed nor reported missing.
    static func load(files: [String: String], unreadable: [ConfigDefect]) throws(ConfigDefects) -> District {
        let log = DefectLog()
        unreadable.forEach(log.add)
        let present = Set(files.keys).union(unreadable.map(\.file))

        func root(_ file: String) -> Node? {
            guard let text = files[file] else {
                if !present.contains(file) { log.add(.whole(file), "thiếu tệp cấu hình \(file)") }
                return nil
            }
            return YAMLDocument.parse(text, file: file, log: log)
        }

        var parser = ConfigParser(log: log)
        parser.readDistrict(root(ConfigFileName.district), file: ConfigFileName.district)
        parser.readBlocs(root(ConfigFileName.blocs), file: ConfigFileName.blocs)
        parser.readLocations(root(ConfigFileName.locations), file: ConfigFileName.locations)
        parser.readMembers(root(ConfigFileName.members), file: ConfigFileName.members)
        parser.readTeams(root(ConfigFileName.teams), file: ConfigFileName.teams)
        parser.readUnits(root(ConfigFileName.units), file: ConfigFileName.units)
        let campaignFiles = present.filter(ConfigFileName.isCampaign).sorted()
        if campaignFiles.isEmpty {
            let folder = ConfigFileName.campaignsFolder
            log.add(.whole(folder), "chưa có chiến dịch nào; thêm một tệp \(folder)/<năm>.yaml")
        }
        for file in campaignFiles {
            parser.readCampaign(root(file), file: file)
        }
        for file in present where !ConfigFileName.required.contains(file) && !ConfigFileName.isCampaign(file) {
            log.add(.whole(file), "tệp không được dùng\(unusedFileHint(file))")
        }
        ConfigValidator(draft: parser.draft, log: log).validate()

        guard log.isEmpty, let district = parser.draft.district else {
            throw ConfigDefects(log.defects)
        }
        return district
    }

    /// Why a file is not used: a `.yml` extension, or a name close to an expected one.
    private static func unusedFileHint(_ file: String) -> String {
        if file.hasSuffix(".yml") {
            return "; đổi đuôi tệp thành .yaml"
        }
        if let guess = Suggestion.closest(to: file, among: ConfigFileName.required) {
            return "; có phải \(guess)?"
        }
        return "; các tệp cấu hình là \(ConfigFileName.required.joined(separator: ", ")) và \(ConfigFileName.campaignsFolder)/*.yaml"
    }
}
