/// `plugins.yaml` for the record engine's tests: the graduates and 实习登记 (internship), a
/// plugin written in YAML, so the engine is tested on a kind no Swift code describes.
enum InternshipConfig {
    /// The file: `kind` is the YAML under `plugins.internship.declare.kinds.internship` after its
    /// label (fields, review …), written from column 0; `rest` is top-level YAML after `plugins:`.
    /// Lines keep their numbers whatever `kind` holds before them, so positions in errors read as in the text.
    static func yaml(kind: String, rest: String = "") -> String {
        let head = """
            plugins:
              source-info: {}
              internship:
                declare:
                  label: 实习登记
                  kinds:
                    internship:
                      label: 实习登记
            """
        let body = kind.split(separator: "\n", omittingEmptySubsequences: false).map { "          " + $0 }
        return ([head] + body + (rest.isEmpty ? [] : [rest])).joined(separator: "\n")
    }
}
